/**
 * Reader for JS `@azure/ai-agents` 1.x, which has no GenAI tracing of its own: with
 * `@azure/opentelemetry-instrumentation-azure-sdk` registered it emits only `HTTP <METHOD>` CLIENT spans
 * (scope `@azure/core-rest-pipeline`) with the old-style `http.url`, `http.method`, `http.status_code`.
 * The agent operation and its ids are recovered from the URL path (ROUTES below).
 *
 * Reads (left first within a field):
 * - URL        `http.url` → `url.full` (a newer pipeline on the current HTTP conventions)
 * - method     `http.method` → `http.request.method` → the `HTTP <METHOD>` span name
 * - operation / name  the route of (method, path): `create_run`, `get_run`, `submit_tool_outputs`, …
 * - ids        from the path: agent `asst_…`, thread `thread_…`, run `run_…`, step `step_…`, message `msg_…`;
 *              ai-projects 2.x `/agents/{name}/versions/{version}`: agentName = name, agentId = `name:version`
 * - error      `http.status_code` → `http.response.status_code` ≥ 400 → `HTTP <code>` (+ `: <status message>`)
 *
 * Undefined (the span stays a plain transport span) when: the scope is not `@azure/core-rest-pipeline`
 * and the name is not `HTTP <METHOD>`; the path is not an agents route (files, vector stores, anything
 * else); `http.user_agent` names another Azure SDK (`azsdk-js-…` without `ai-agents`/`ai-projects`);
 * or `az.namespace` is non-empty. core-tracing gives an HTTP span a namespace only when a parent
 * Azure SDK span set one, i.e. the HTTP call is the transport of a traced operation (the legacy
 * `@azure/ai-projects` 1.0.0-beta `CreateRun` → `HTTP POST`) that already says what it is.
 *
 * ai-projects 2.x agent versions (`POST`/`GET`/`DELETE /agents/{name}/versions[/{v}]`) are recognised as
 * create_agent_version / list_agent_versions / get_agent_version / delete_agent_version: 2.x traces only
 * creation (`create_agent <name>`), so a delete would otherwise be an anonymous `HTTP DELETE`. The POST
 * under a `create_agent` span is named too (2.x does not set `az.namespace` on it).
 */
import { asNumber, asString } from '../messages/json.js';
import type { Attributes } from '../../otel/types.js';
import type { IdsReading, SpanReading, SpanReader } from '../reading.js';

type IdField = 'agent' | 'thread' | 'run' | 'message' | 'step' | 'name' | 'version';

/** [method, path pattern (the tail of the path), operation]. First match wins: `/threads/runs` before `/threads/{thread}`. */
const ROUTE_TABLE: ReadonlyArray<readonly [string, string, string]> = [
  ['POST', '/assistants', 'create_agent'],
  ['GET', '/assistants', 'list_agents'],
  ['GET', '/assistants/{agent}', 'get_agent'],
  ['POST', '/assistants/{agent}', 'update_agent'],
  ['DELETE', '/assistants/{agent}', 'delete_agent'],
  ['POST', '/threads/runs', 'create_thread_and_run'],
  ['POST', '/threads', 'create_thread'],
  ['GET', '/threads', 'list_threads'],
  ['GET', '/threads/{thread}', 'get_thread'],
  ['POST', '/threads/{thread}', 'update_thread'],
  ['DELETE', '/threads/{thread}', 'delete_thread'],
  ['POST', '/threads/{thread}/messages', 'create_message'],
  ['GET', '/threads/{thread}/messages', 'list_messages'],
  ['GET', '/threads/{thread}/messages/{message}', 'get_message'],
  ['POST', '/threads/{thread}/messages/{message}', 'update_message'],
  ['DELETE', '/threads/{thread}/messages/{message}', 'delete_message'],
  ['POST', '/threads/{thread}/runs', 'create_run'],
  ['GET', '/threads/{thread}/runs', 'list_runs'],
  ['GET', '/threads/{thread}/runs/{run}', 'get_run'],
  ['POST', '/threads/{thread}/runs/{run}', 'update_run'],
  ['POST', '/threads/{thread}/runs/{run}/submit_tool_outputs', 'submit_tool_outputs'],
  ['POST', '/threads/{thread}/runs/{run}/cancel', 'cancel_run'],
  ['GET', '/threads/{thread}/runs/{run}/steps', 'list_run_steps'],
  ['GET', '/threads/{thread}/runs/{run}/steps/{step}', 'get_run_step'],
  ['POST', '/agents/{name}/versions', 'create_agent_version'],
  ['GET', '/agents/{name}/versions', 'list_agent_versions'],
  ['GET', '/agents/{name}/versions/{version}', 'get_agent_version'],
  ['DELETE', '/agents/{name}/versions/{version}', 'delete_agent_version'],
];

interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
}

const ROUTES: Route[] = ROUTE_TABLE.map(([method, path, operation]) => ({
  method,
  operation,
  // Anchored at the end only: the prefix differs (`/api/projects/p`, `/agents/v1.0/subscriptions/…/workspaces/w`).
  pattern: new RegExp(`(?:^|/)${path.slice(1).replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}/?$`),
}));

const ID_FIELDS: ReadonlyArray<readonly [IdField, keyof IdsReading]> = [
  ['agent', 'agentId'],
  ['thread', 'threadId'],
  ['run', 'runId'],
  ['message', 'messageId'],
  ['step', 'stepId'],
];

export const readAzureAgentsHttp: SpanReader = (span) => {
  const attributes = attributesOf(span);
  const spanName = asString(span?.name) ?? '';
  const nameMethod = /^HTTP ([A-Z]+)$/.exec(spanName)?.[1];
  if (span?.instrumentationScope?.name !== '@azure/core-rest-pipeline' && !nameMethod) return undefined;
  // A namespace is inherited from a traced parent operation: this is its transport (see header).
  const namespace = asString(attributes['az.namespace']);
  if (namespace !== undefined && namespace.trim() !== '') return undefined;

  // Another Azure SDK on the same pipeline (e.g. communication-chat's `/chat/threads`) is not an agent.
  const userAgent = asString(attributes['http.user_agent']) ?? asString(attributes['user_agent.original']) ?? '';
  if (/azsdk-js-/.test(userAgent) && !/azsdk-js-ai-(agents|projects)/.test(userAgent)) return undefined;

  const url = asString(attributes['http.url']) ?? asString(attributes['url.full']);
  const method = (asString(attributes['http.method']) ?? asString(attributes['http.request.method']) ?? nameMethod)?.toUpperCase();
  const path = url ? pathOf(url) : undefined;
  if (!path || !method) return undefined;

  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (!match) continue;
    const groups = match.groups ?? {};
    const reading: SpanReading = { operation: route.operation, name: route.operation };
    const ids: IdsReading = {};
    for (const [group, field] of ID_FIELDS) {
      const value = decode(groups[group]);
      if (value) ids[field] = value;
    }
    const agentName = decode(groups['name']);
    const version = decode(groups['version']);
    if (agentName) {
      ids.agentName = agentName;
      // ai-projects 2.x writes `gen_ai.agent.id` as `name:version`.
      if (version) ids.agentId = `${agentName}:${version}`;
    }
    if (Object.keys(ids).length > 0) reading.ids = ids;
    const error = httpError(span, attributes);
    if (error) reading.error = error;
    return reading;
  }
  return undefined;
};

/** The path of an absolute (or, defensively, relative) URL, without query and fragment. */
function pathOf(url: string): string | undefined {
  try {
    return new URL(url, 'http://relative.invalid').pathname;
  } catch {
    return undefined;
  }
}

function decode(value: string | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function httpError(span: { status?: { message?: string | undefined } } | undefined, attributes: Attributes): string | undefined {
  const code = asNumber(attributes['http.status_code']) ?? asNumber(attributes['http.response.status_code']);
  if (code === undefined || code < 400) return undefined;
  const message = typeof span?.status?.message === 'string' ? span.status.message.trim() : '';
  return message ? `HTTP ${code}: ${message}` : `HTTP ${code}`;
}

function attributesOf(holder: unknown): Attributes {
  if (typeof holder !== 'object' || holder === null) return {};
  const attributes = (holder as { attributes?: unknown }).attributes;
  return typeof attributes === 'object' && attributes !== null && !Array.isArray(attributes) ? (attributes as Attributes) : {};
}
