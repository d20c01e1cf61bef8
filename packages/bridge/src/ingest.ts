import type { SpoolEntry } from './spool/index.js';

/** A request not taken, with the HTTP status that tells the sender what to do (gRPC maps it). */
export interface Refusal {
  ok: false;
  status: 400 | 401 | 413 | 415 | 429 | 503;
  message: string;
  /** Seconds to wait before retrying (429, 503). */
  retryAfter?: number | undefined;
}

/** A request taken: the OTLP `Export*ServiceResponse` in the request's encoding (partial success included). */
export interface Ingested {
  ok: true;
  response: Uint8Array;
  rejected: number;
  rejectedReason?: string | undefined;
}

/**
 * What every transport hands its requests to (`NexusBridge`): `admit` before the body is read, then
 * `ingest` with the decompressed body.
 */
export interface Ingest {
  admit(apiKey: string | undefined): { ok: true } | Refusal;
  ingest(entry: SpoolEntry): Promise<Ingested | Refusal>;
}
