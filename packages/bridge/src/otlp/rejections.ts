/** Counts the items a request could not turn into spans or records, and keeps the first reasons. */
export class Rejections {
  count = 0;
  private readonly reasons: string[] = [];

  add(reason: string): void {
    this.count += 1;
    if (this.reasons.length < 3 && !this.reasons.includes(reason)) this.reasons.push(reason);
  }

  /** One line for OTLP `partial_success.error_message`; undefined when nothing was rejected. */
  summary(noun: string): string | undefined {
    if (this.count === 0) return undefined;
    const plural = this.count === 1 ? noun : `${noun}s`;
    return `${this.count} ${plural} rejected: ${this.reasons.join('; ')}${this.count > this.reasons.length ? '; …' : ''}`;
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The outcome of converting one span or record. */
export type Converted<T> = { ok: true; value: T } | { ok: false; reason: string };
