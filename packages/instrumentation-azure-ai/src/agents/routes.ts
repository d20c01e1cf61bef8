/**
 * The Azure AI Agents v1 REST operations the instrumentation traces, told apart by method and path.
 * Paths are matched at their end: the endpoint's own path (`/api/projects/<project>`, or none for a
 * hub connection) comes before them.
 */
export type AgentsOperation =
  | { kind: 'create_agent' }
  | { kind: 'create_thread' }
  | { kind: 'create_message'; threadId: string }
  | { kind: 'create_run'; threadId: string }
  | { kind: 'create_thread_and_run' }
  | { kind: 'get_run'; threadId: string; runId: string }
  | { kind: 'submit_tool_outputs'; threadId: string; runId: string }
  | { kind: 'cancel_run'; threadId: string; runId: string }
  | { kind: 'list_run_steps'; threadId: string; runId: string }
  | { kind: 'get_run_step'; threadId: string; runId: string };

const SEGMENT = '([^/]+)';
const ROUTES: ReadonlyArray<[method: string, pattern: RegExp, make: (ids: string[]) => AgentsOperation]> = [
  ['POST', /\/assistants$/, () => ({ kind: 'create_agent' })],
  ['POST', /\/threads$/, () => ({ kind: 'create_thread' })],
  ['POST', /\/threads\/runs$/, () => ({ kind: 'create_thread_and_run' })],
  ['POST', new RegExp(`/threads/${SEGMENT}/messages$`), ([t]) => ({ kind: 'create_message', threadId: t! })],
  ['POST', new RegExp(`/threads/${SEGMENT}/runs$`), ([t]) => ({ kind: 'create_run', threadId: t! })],
  ['GET', new RegExp(`/threads/${SEGMENT}/runs/${SEGMENT}$`), ([t, r]) => ({ kind: 'get_run', threadId: t!, runId: r! })],
  ['POST', new RegExp(`/threads/${SEGMENT}/runs/${SEGMENT}/submit_tool_outputs$`), ([t, r]) => ({ kind: 'submit_tool_outputs', threadId: t!, runId: r! })],
  ['POST', new RegExp(`/threads/${SEGMENT}/runs/${SEGMENT}/cancel$`), ([t, r]) => ({ kind: 'cancel_run', threadId: t!, runId: r! })],
  ['GET', new RegExp(`/threads/${SEGMENT}/runs/${SEGMENT}/steps$`), ([t, r]) => ({ kind: 'list_run_steps', threadId: t!, runId: r! })],
  ['GET', new RegExp(`/threads/${SEGMENT}/runs/${SEGMENT}/steps/${SEGMENT}$`), ([t, r]) => ({ kind: 'get_run_step', threadId: t!, runId: r! })],
];

/** The operation a request is, or undefined for one this instrumentation leaves alone. */
export function operationOf(method: string, url: string): AgentsOperation | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const upper = method.toUpperCase();
  for (const [routeMethod, pattern, make] of ROUTES) {
    if (routeMethod !== upper) continue;
    const match = pattern.exec(path);
    if (!match) continue;
    const ids = match.slice(1).map(decode);
    if (ids.some((id) => id === undefined)) return undefined;
    return make(ids as string[]);
  }
  return undefined;
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
