// Which traces the list shows and in what order: the dashboard's search and the API's list order.
import type { StoredTrace } from '../store.js';
import { compareInstants, parseInstant } from '../time.js';

/** SQL LIKE folds ASCII letters only (as SQLite does); other characters must match exactly. */
function foldAscii(text: string): string {
  return text.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

/**
 * The dashboard's search box: `name LIKE %q% OR agent LIKE %q% OR metadata LIKE %q%`, metadata
 * being the stored JSON text (so a key name matches too). `q` is taken literally: `%` and `_` are
 * not wildcards here (assumption: the hosted dashboard's escaping is not documented).
 */
export function matchesSearch(trace: StoredTrace, query: string): boolean {
  const needle = foldAscii(query.trim());
  if (needle === '') return true;
  return [trace.name, trace.agentName, trace.metadataText ?? ''].some((field) => foldAscii(field).includes(needle));
}

/**
 * As GET /api/v1/traces orders them: newest first by started_at as an instant, the later-created
 * first on a tie, unparseable dates last. `traces` is in creation order (as `Store.snapshot` gives).
 */
export function newestFirst(traces: readonly StoredTrace[]): StoredTrace[] {
  const keyed = traces.map((trace, seq) => ({ trace, seq, instant: parseInstant(trace.startedAt) }));
  keyed.sort((a, b) => {
    if (a.instant && b.instant) {
      const byTime = compareInstants(b.instant, a.instant);
      if (byTime !== 0) return byTime;
    } else if (a.instant || b.instant) {
      return a.instant ? -1 : 1;
    }
    return b.seq - a.seq;
  });
  return keyed.map((entry) => entry.trace);
}
