import { classify } from '../nexus/outcome.js';
import { hostOf, type HttpResult } from '../nexus/http.js';
import type { Reporter } from './reporter.js';

/** Certificates Node does not trust: a private CA or a self-signed one. */
const UNTRUSTED = /SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY_LEAF|CERT_UNTRUSTED/;
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/**
 * Names the cause of a delivery failure when it happens, not minutes later as a `delivery_timeout`
 * drop: a network failure (refused, unknown host, untrusted certificate, reset, deadline) at its
 * first occurrence, 5xx answers once they outlast the first retries (a single one retried away is
 * no news). Each kind once, with the host and the cause code; when Nexus answers properly again the
 * kinds are forgotten, so the next outage is said again.
 */
export class DeliveryWatch {
  readonly #host: string;
  readonly #proxied: boolean;
  /** The latest problem and when it was seen, said or not: what an `immediate` export that failed names. */
  #last: { at: number; text: string } | undefined;
  /** Keys said since Nexus last answered properly. */
  readonly #said = new Set<string>();
  /** When the 5xx answers began, with no proper answer since. */
  #failingSince: number | undefined;

  constructor(
    private readonly reporter: Reporter,
    baseUrl: URL,
    /** How long 5xx answers must last to be said. */
    private readonly persistMillis: number,
    private readonly now: () => number = Date.now,
    /** `host:port` of the proxy the requests go through, if any. */
    via?: string,
  ) {
    this.#host = via ? `${hostOf(baseUrl)} through the proxy ${via}` : hostOf(baseUrl);
    this.#proxied = via !== undefined;
  }

  /** The latest delivery problem seen since `since` (a refused connection, a 5xx), as one line. */
  problemSince(since: number): string | undefined {
    return this.#last && this.#last.at >= since ? this.#last.text : undefined;
  }

  observe(result: HttpResult): void {
    if (result.kind === 'failure') {
      this.#unreachable(result);
      return;
    }
    if (result.response.status >= 400) {
      const outcome = classify(result);
      if (!outcome.ok && outcome.failure.kind === 'transient') {
        this.#failing(result.response.status, outcome.failure.message);
        return;
      }
    }
    this.#recovered();
  }

  #unreachable(failure: Extract<HttpResult, { kind: 'failure' }>): void {
    const { code } = failure;
    // A kept-alive connection the server closed as it was reused: routine, and retried.
    if (failure.reusedSocket && !failure.timedOut && (code === 'ECONNRESET' || code === 'EPIPE')) return;
    const detail = (failure.message.startsWith(`${code} `) ? failure.message.slice(code.length + 1) : failure.message).slice(0, 200);
    this.#last = { at: this.now(), text: `cannot reach Nexus at ${this.#host}: ${code}${detail && detail !== code ? ` (${detail})` : ''}` };
    this.#say(
      `unreachable:${code}`,
      `cannot reach Nexus at ${this.#host}: ${code}${detail && detail !== code ? ` (${detail})` : ''}; spans are held and retried${hintFor(code, this.#proxied)}`,
    );
  }

  #failing(status: number, message: string): void {
    const now = this.now();
    this.#last = { at: now, text: `Nexus at ${this.#host} answered ${message}` };
    this.#failingSince ??= now;
    if (now - this.#failingSince < this.persistMillis) return;
    this.#say(`answer:${status}`, `Nexus at ${this.#host} keeps answering ${message}; spans are held and retried`);
  }

  #recovered(): void {
    this.#failingSince = undefined;
    if (this.#said.size === 0) return;
    this.reporter.forget(...this.#said);
    this.#said.clear();
    this.reporter.info(`reached Nexus at ${this.#host} again`);
  }

  #say(key: string, message: string): void {
    this.#said.add(key);
    this.reporter.once(key, 'warn', message);
  }
}

function hintFor(code: string, proxied: boolean): string {
  if (UNTRUSTED.test(code)) return '. If Nexus is behind a private or self-signed CA, trust it with NODE_EXTRA_CA_CERTS=<ca.pem>';
  if (DNS.has(code)) return proxied ? '. Check NEXUS_BASE_URL and the proxy (HTTPS_PROXY or the proxy option)' : '. Check NEXUS_BASE_URL';
  if (code === 'ERR_PROXY_TUNNEL') return '. Check HTTPS_PROXY / NO_PROXY (or the proxy option) and the proxy\'s credentials';
  return '';
}
