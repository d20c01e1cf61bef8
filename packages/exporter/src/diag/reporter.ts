import { diag } from '@opentelemetry/api';
import { scrubSecrets } from '../genai/privacy/scrub-secrets.js';

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

/**
 * Everything the exporter says goes through the OTel diag logger, each distinct problem once, so a
 * broken configuration does not flood the app's logs. Messages never contain the API key.
 */
export class Reporter {
  private readonly said = new Set<string>();
  private readonly dropped = new Map<DropReason, number>();

  /** Says `message` the first time `key` is seen. */
  once(key: string, level: 'error' | 'warn' | 'info', message: string): void {
    if (this.said.has(key)) return;
    if (this.said.size >= MAX_REMEMBERED) this.said.clear();
    this.said.add(key);
    // Server answers and config values are quoted: a gateway may echo credentials back.
    diag[level](`${PREFIX} ${scrubSecrets(message)}`);
  }

  /** Lets these problems be said again: the condition behind them ended. */
  forget(...keys: string[]): void {
    for (const key of keys) this.said.delete(key);
  }

  debug(message: string): void {
    diag.debug(`${PREFIX} ${scrubSecrets(message)}`);
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
