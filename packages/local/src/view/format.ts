// How times, durations and JSON values read on the page. Times are shown in UTC so the page
// says the same on every machine (no client-side script to localise them).

export function epochMs(iso: string | null): number | null {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, '0');
  return hours > 0 ? `${hours}h ${String(minutes).padStart(2, '0')}m` : `${minutes}m ${seconds}s`;
}

/** `2026-11-21 18:07:45.414` (UTC: the labels say so); text that is not a real time is shown as stored. */
export function formatTime(iso: string | null): string {
  if (iso === null) return '—';
  const ms = epochMs(iso);
  if (ms === null) return iso;
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export function durationBetween(startedAt: string, endedAt: string | null): number | null {
  const start = epochMs(startedAt);
  const end = epochMs(endedAt);
  return start === null || end === null ? null : Math.max(0, end - start);
}

/** Strings as they are (code, prompts), anything else as indented JSON; null when there is nothing. */
export function prettyValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** One line for a collapsed summary. */
export function previewValue(value: unknown, max = 140): string {
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A metadata value as one cell of text. */
export function metadataText(value: unknown): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
