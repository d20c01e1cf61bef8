import { resolveConfig } from '../config/resolve.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type TraceExporterName = 'otlp' | 'console' | 'zipkin' | 'nexus' | 'azuremonitor';
export type LogExporterName = 'otlp' | 'console' | 'nexus' | 'azuremonitor';

const TRACE_EXPORTERS: readonly TraceExporterName[] = ['otlp', 'console', 'zipkin', 'nexus', 'azuremonitor'];
const LOG_EXPORTERS: readonly LogExporterName[] = ['otlp', 'console', 'nexus', 'azuremonitor'];

/** Which exporters to build, read from the environment alone; `problems` are the lines to print. */
export interface RegisterPlan {
  traces: TraceExporterName[];
  logs: LogExporterName[];
  /** OTEL_METRICS_EXPORTER is set: the SDK builds its metric readers from it. Unset: no metrics. */
  metricsFromEnv: boolean;
  problems: string[];
}

/** `OTEL_SDK_DISABLED=true` (any case), as the SDK reads it. */
export function sdkDisabled(env: Env): boolean {
  return env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true';
}

/**
 * The exporters of each signal. Traces: the names in OTEL_TRACES_EXPORTER; unset, `nexus` when
 * NEXUS_API_KEY is set, else the SDK's own default (`otlp`). Logs (message content, feedback):
 * the names in OTEL_LOGS_EXPORTER; unset, the `nexus` and `azuremonitor` of the traces list, the
 * backends that join log records to their spans. A name that cannot work (unknown, `nexus` without
 * a usable key or URL, `azuremonitor` without a connection string) is dropped with one line each.
 */
export function planFromEnv(env: Env): RegisterPlan {
  const problems: string[] = [];
  let traces = names(env, 'OTEL_TRACES_EXPORTER', TRACE_EXPORTERS, problems);
  if (traces === undefined) {
    if (env['NEXUS_API_KEY']?.trim()) {
      traces = ['nexus'];
    } else {
      traces = ['otlp'];
      problems.push(
        'OTEL_TRACES_EXPORTER and NEXUS_API_KEY are both unset: nothing goes to Nexus, traces go to the OpenTelemetry SDK default (otlp). Set NEXUS_API_KEY (and OTEL_TRACES_EXPORTER=nexus,… to add others).',
      );
    }
  }
  let logs = names(env, 'OTEL_LOGS_EXPORTER', LOG_EXPORTERS, problems) ?? traces.filter(isJoiningBackend);

  if (traces.includes('nexus') || logs.includes('nexus')) {
    const nexus = nexusProblem(env);
    if (nexus) {
      problems.push(nexus);
      traces = traces.filter((name) => name !== 'nexus');
      logs = logs.filter((name) => name !== 'nexus');
    }
  }
  if ((traces.includes('azuremonitor') || logs.includes('azuremonitor')) && !env['APPLICATIONINSIGHTS_CONNECTION_STRING']?.trim()) {
    problems.push('azuremonitor exporter off: APPLICATIONINSIGHTS_CONNECTION_STRING is not set. Nothing goes to Azure Monitor; the app runs on.');
    traces = traces.filter((name) => name !== 'azuremonitor');
    logs = logs.filter((name) => name !== 'azuremonitor');
  }
  return { traces, logs, metricsFromEnv: Boolean(env['OTEL_METRICS_EXPORTER']?.trim()), problems };
}

function isJoiningBackend(name: TraceExporterName): name is LogExporterName & TraceExporterName {
  return name === 'nexus' || name === 'azuremonitor';
}

/** The known names in a comma list (deduplicated, any case); undefined when the variable is unset or empty. */
function names<T extends string>(env: Env, variable: string, known: readonly T[], problems: string[]): T[] | undefined {
  const raw = (env[variable] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  if (raw.length === 0) return undefined;
  const unique = [...new Set(raw)];
  if (unique.includes('none')) {
    if (unique.length === 1) return [];
    problems.push(`${variable}: "none" beside other exporters is ignored.`);
  }
  const picked: T[] = [];
  for (const name of unique) {
    if (name === 'none') continue;
    if ((known as readonly string[]).includes(name)) picked.push(name as T);
    else problems.push(`${variable}: unknown exporter ${JSON.stringify(name.slice(0, 60))} ignored (known: ${known.join(', ')}, none).`);
  }
  return picked;
}

/** Why the Nexus exporters cannot run, as one line without the key; undefined when they can. */
function nexusProblem(env: Env): string | undefined {
  if (!env['NEXUS_API_KEY']?.trim()) {
    return 'nexus exporter off: NEXUS_API_KEY is not set. Nothing goes to Nexus; the app runs on.';
  }
  const resolved = resolveConfig({}, env);
  return resolved.ok ? undefined : `nexus exporter off: ${resolved.reason}`;
}
