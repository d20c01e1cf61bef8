/**
 * The bridge's on-disk spool: a bounded, crash-safe write-ahead log of accepted OTLP requests
 * (see spool.ts).
 */
export {
  DEFAULT_FSYNC_DELAY_MILLIS,
  DEFAULT_SEGMENT_BYTES,
  Spool,
  type AppendResult,
  type SpoolEntry,
  type SpoolOptions,
  type SpoolStats,
  type StoredEntry,
} from './spool.js';
