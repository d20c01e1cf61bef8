// Rows the database refuses: the insert fails and the server answers a plain-text 500.

/**
 * Strict: measured on the real server (D1), a span with a 2.1 MB input alone is stored, one with
 * 1.2 MB input + 1.2 MB output is refused; the threshold is "about 2.2 MB". The exact figure is not
 * known, so the text a client controls (span: name, input, output, error; trace: name, metadata,
 * each as stored) may total 2,200,000 bytes.
 */
export const REAL_ROW_LIMIT_BYTES = 2_200_000;

/** Lenient: every text column of the row together may total 2 MiB (this server's older guess). */
export const ROW_LIMIT_BYTES = 2 * 1024 * 1024;

export class RowTooLargeError extends Error {
  constructor(bytes: number, limit: number) {
    super(`row of ${bytes} bytes exceeds ${limit}`);
    this.name = 'RowTooLargeError';
  }
}

function utf8Bytes(columns: readonly (string | null)[]): number {
  let total = 0;
  for (const column of columns) if (column !== null) total += Buffer.byteLength(column, 'utf8');
  return total;
}

/** Throws RowTooLargeError when the columns total more than `limit` UTF-8 bytes. */
export function checkRow(columns: readonly (string | null)[], limit: number): void {
  const bytes = utf8Bytes(columns);
  if (bytes > limit) throw new RowTooLargeError(bytes, limit);
}
