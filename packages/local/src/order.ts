// How the trace list sorts and filters by time. The real server does it in SQL on TEXT columns
// (`ORDER BY started_at DESC, id DESC`, `started_at >= ?`): strict mode compares the text. Lenient
// mode compares instants. Spans are ordered by started_at as text in both modes.
import { compareInstants, compareText, parseInstant } from './time.js';

export interface Ordered {
  id: string;
  startedAt: string;
  /** Creation order. */
  seq: number;
}

/**
 * Strict: started_at, then id, both descending as text. Timestamps pass an ASCII-only regex and
 * ids are UUIDs, so JS code-unit order equals the database's byte order here.
 */
export function textNewestFirst(a: Ordered, b: Ordered): number {
  return compareText(b.startedAt, a.startedAt) || compareText(b.id, a.id);
}

/** Lenient: newest instant first; equal instants put the later-created first; unparseable dates last. */
export function instantNewestFirst(a: Ordered, b: Ordered): number {
  const ia = parseInstant(a.startedAt);
  const ib = parseInstant(b.startedAt);
  if (ia && ib) {
    const byTime = compareInstants(ib, ia);
    if (byTime !== 0) return byTime;
  } else if (ia || ib) {
    return ia ? -1 : 1;
  }
  return b.seq - a.seq;
}

export function newestFirst(strict: boolean): (a: Ordered, b: Ordered) => number {
  return strict ? textNewestFirst : instantNewestFirst;
}

/** Strict: `started_at >= since AND started_at <= until` as text, so `…00Z` is after `…00.500Z`. */
function textInRange(startedAt: string, since: string | undefined, until: string | undefined): boolean {
  return (since === undefined || startedAt >= since) && (until === undefined || startedAt <= until);
}

/** Lenient: inclusive, as instants; a started_at that names no real time never matches a range. */
function instantInRange(startedAt: string, since: string | undefined, until: string | undefined): boolean {
  if (since === undefined && until === undefined) return true;
  const started = parseInstant(startedAt);
  if (!started) return false;
  const from = since === undefined ? null : parseInstant(since);
  const to = until === undefined ? null : parseInstant(until);
  if (from && compareInstants(started, from) < 0) return false;
  if (to && compareInstants(started, to) > 0) return false;
  return true;
}

export function inTimeRange(strict: boolean): (startedAt: string, since: string | undefined, until: string | undefined) => boolean {
  return strict ? textInRange : instantInRange;
}
