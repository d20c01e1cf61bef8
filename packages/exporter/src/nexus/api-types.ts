import type { JsonValue, NexusSpanStatus, NexusTraceStatus } from '../map/types.js';

/** Body of `POST /api/v1/traces`. */
export interface CreateTraceBody {
  agent_id: string;
  name: string;
  status: NexusTraceStatus;
  started_at: string;
  ended_at?: string;
  metadata?: Record<string, JsonValue>;
}

/** Body of `PATCH /api/v1/traces/:id`. */
export interface PatchTraceBody {
  status?: NexusTraceStatus;
  ended_at?: string;
}

/**
 * Body of `POST /api/v1/traces/:id/spans`. Absent fields are left out, never sent as null: the real
 * server stores `String(null)` and `JSON.stringify(null)`, so a null error reads back as the text
 * "null" and its share page shows "Error: null" on the span.
 */
export interface CreateSpanBody {
  name: string;
  status: NexusSpanStatus;
  started_at: string;
  ended_at?: string;
  parent_span_id?: string;
  input?: JsonValue;
  output?: JsonValue;
  error?: string;
}
