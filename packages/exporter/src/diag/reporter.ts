import { diag } from '@opentelemetry/api';
import { redactionMarker, scrubSecrets } from '../genai/privacy/scrub-secrets.js';
import { writeLine } from '../register/say.js';
import { diagLoggerRegistered } from './logger-probe.js';

/** Why spans did not reach Nexus. Counted in spans. */
export type DropReason =
  | 'held_spans_cap'
  | 'held_bytes_cap'
  | 'invalid'
  | 'unauthorized'
  | 'agent_limit'
  | 'monthly_limit'
  | 'trace_not_found'
  | 'delivery_timeout'
  | 'shutdown'
  | 'malformed_span'
  | 'malformed_log_record'
  | 'orphan_log_record'
  | 'invalid_feedback'
  /** Nexus answered 5xx to a span again and again, even cut down: the body, not an outage. */
  | 'span_rejected';

const PREFIX = 'NexusSpanExporter:';
const MAX_REMEMBERED = 1_000;
/** Shorter values are not hidden on their own: they would blank out ordinary words. */
const MIN_HIDDEN_LENGTH = 8;

/**
 * Everything the exporter says goes through the OTel diag logger, each distinct problem once, so a
 * broken configuration does not flood the app's logs. Messages never contain the API key. When the
 * app has registered no diag logger (the Quickstart), warnings and errors go to stderr instead, as
 * `[nexus-otel] NexusSpanExporter: …`, so that a disabled or unreachable exporter is seen.
 */
export class Reporter {
  /** Keys quote server answers unscrubbed: private, so inspecting the exporter cannot show them. */
  readonly #said = new Set<string>();
  private readonly dropped = new Map<DropReason, number>();
  /** The configured key in every form it may come back in; private, so inspecting shows nothing. */
  readonly #forms = new Set<string>();
  #hidden: RegExp | undefined;

  /**
   * Removes these values from everything said, whatever surrounds them: a gateway may echo the
   * key URL-encoded, form-encoded, JSON-escaped or glued to other text, which no pattern catches.
   */
  hide(...secrets: ReadonlyArray<string | undefined>): void {
    for (const raw of secrets) {
      const secret = typeof raw === 'string' ? raw.trim() : '';
      // `nxs_<hex>`: the part after the prefix alone too (an encoder may have turned `_` into `%5F`).
      const body = /^[a-z]{2,8}_(.{16,})$/i.exec(secret)?.[1];
      for (const value of body ? [secret, body] : [secret]) {
        for (const form of [value, encodeURIComponent(value), encodeURIComponent(encodeURIComponent(value)), JSON.stringify(value).slice(1, -1)]) {
          if (form.length >= MIN_HIDDEN_LENGTH) this.#forms.add(form);
        }
      }
    }
    // Longest first: a form that contains another is replaced whole.
    const sorted = [...this.#forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
    this.#hidden = sorted.length > 0 ? new RegExp(sorted.join('|'), 'gi') : undefined;
  }

  /** Says `message` the first time `key` is seen. */
  once(key: string, level: 'error' | 'warn' | 'info', message: string): void {
    if (this.#said.has(key)) return;
    if (this.#said.size >= MAX_REMEMBERED) this.#said.clear();
    this.#said.add(key);
    const line = `${PREFIX} ${this.clean(message)}`;
    diag[level](line);
    // Not `info`: stderr is for what the user must act on. With a logger, the app chose where lines go.
    if (level !== 'info' && !diagLoggerRegistered()) writeLine(line);
  }

  /** Says `message` each time, at info level (never on stderr). */
  info(message: string): void {
    diag.info(`${PREFIX} ${this.clean(message)}`);
  }

  /** Lets these problems be said again: the condition behind them ended. */
  forget(...keys: string[]): void {
    for (const key of keys) this.#said.delete(key);
  }

  debug(message: string): void {
    diag.debug(`${PREFIX} ${this.clean(message)}`);
  }

  /** `message` as it would be said: hidden values and secrets removed (for an error handed to the app). */
  scrub(message: string): string {
    return this.clean(message);
  }

  /** Server answers and config values are quoted: a gateway may echo credentials back. */
  private clean(message: string): string {
    const hidden = this.#hidden ? message.replace(this.#hidden, redactionMarker('nexus_key')) : message;
    return scrubSecrets(hidden);
  }

  /** Counts dropped spans; the first drop of each reason is said with its cause. */
  drop(reason: DropReason, spans: number, cause: string): void {
    if (spans <= 0) return;
    this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + spans);
    this.once(`drop:${reason}`, 'warn', `dropped ${spans} span(s) (${reason}): ${cause}. Further drops for this reason are counted, not logged.`);
  }

  /** Counts dropped items already said in another message. */
  count(reason: DropReason, items: number): void {
    if (items > 0) this.dropped.set(reason, (this.dropped.get(reason) ?? 0) + items);
  }

  droppedCounts(): Record<string, number> {
    return Object.fromEntries(this.dropped);
  }

  /** One summary line of all drops so far, said at shutdown. */
  summary(): string | undefined {
    if (this.dropped.size === 0) return undefined;
    return [...this.dropped].map(([reason, count]) => `${reason}=${count}`).join(', ');
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
