// Where the trace view lives: what the CLI and the demo print.

/** `${base}/view`, or the page of one trace (a Nexus trace id, as in `traces()[i].id`). */
export function viewUrl(base: string, traceId?: string): string {
  return traceId === undefined ? `${base}/view` : `${base}/view/traces/${encodeURIComponent(traceId)}`;
}

export function tracePath(traceId: string): string {
  return `/view/traces/${encodeURIComponent(traceId)}`;
}
