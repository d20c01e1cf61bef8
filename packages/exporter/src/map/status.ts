import { StatusCode, type ReadableSpanLike } from '../otel/types.js';
import type { NexusSpanStatus, NexusTraceStatus } from './types.js';

export function spanStatusOf(span: ReadableSpanLike): NexusSpanStatus {
  return span.status?.code === StatusCode.ERROR ? 'error' : 'ok';
}

/** A trace is `error` only when its root failed; a child error the root survived pages nobody. */
export function traceStatusOf(root: ReadableSpanLike | undefined): NexusTraceStatus {
  if (!root) return 'running';
  return spanStatusOf(root) === 'error' ? 'error' : 'success';
}
