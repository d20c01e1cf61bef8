import { readAzureAgentsHttp } from './read/azure-agents-http.js';
import { readAzureAgentsPython } from './read/azure-agents-python.js';
import { readAzureLegacy } from './read/azure-legacy.js';
import { readOpenInference } from './read/openinference.js';
import { readOpenLLMetry } from './read/openllmetry.js';
import { readSemconv } from './read/semconv.js';
import { readSpanEvents } from './read/span-events.js';
import { toolCallsFromMessages } from './read/tool-call-parts.js';
import { readVercelAi } from './read/vercel-ai.js';
import { readEvaluations } from './read/evaluation.js';
import { readLogRecords } from './read/log-records.js';
import type { ReadableLogRecordLike } from '../otel/log-types.js';
import type { ReadableSpanLike } from '../otel/types.js';
import type { IdsReading, SpanReader, SpanReading, ToolCallReading, UsageReading } from './reading.js';

/**
 * Readers in precedence order (reference §7): the current conventions first, then the Azure
 * sources that know run steps and ids, then the older conventions and other vendors' keys, span
 * events, and last what can be derived from an Azure HTTP span's URL. Each field of the combined
 * reading comes from the first reader that supplies it; tool calls and ids are merged.
 */
export const READERS: ReadonlyArray<readonly [string, SpanReader]> = [
  ['evaluations', readEvaluations],
  ['semconv', readSemconv],
  ['azure-agents-python', readAzureAgentsPython],
  ['azure-legacy', readAzureLegacy],
  ['openllmetry', readOpenLLMetry],
  ['openinference', readOpenInference],
  ['vercel-ai', readVercelAi],
  ['span-events', readSpanEvents],
  ['azure-agents-http', readAzureAgentsHttp],
];

export interface CombinedReading extends SpanReading {
  /** Names of the readers that recognised the span, in precedence order. */
  sources: string[];
  toolCalls: ToolCallReading[];
  ids: IdsReading;
}

const SINGLE_FIELDS = [
  'operation',
  'name',
  'systemInstructions',
  'inputMessages',
  'outputMessages',
  'toolDefinitions',
  'inputValue',
  'outputValue',
  'requestModel',
  'responseModel',
  'provider',
  'runStatus',
  'error',
] as const satisfies ReadonlyArray<keyof SpanReading>;

/**
 * Every reader's view of one span, merged by precedence. A reader that throws is skipped. Log
 * records correlated to the span (content the instrumentation wrote as logs) rank right after the
 * current conventions on the span itself.
 */
export function readSpan(span: ReadableSpanLike, records: readonly ReadableLogRecordLike[] = []): CombinedReading {
  const combined: CombinedReading = { sources: [], toolCalls: [], ids: {} };
  const readers: ReadonlyArray<readonly [string, SpanReader]> =
    records.length > 0 ? [READERS[0]!, READERS[1]!, ['log-records', () => readLogRecords(records)], ...READERS.slice(2)] : READERS;
  for (const [name, reader] of readers) {
    let reading: SpanReading | undefined;
    try {
      reading = reader(span);
    } catch {
      reading = undefined;
    }
    if (!reading) continue;
    combined.sources.push(name);
    for (const field of SINGLE_FIELDS) {
      if (combined[field] === undefined && reading[field] !== undefined) {
        (combined as unknown as Record<string, unknown>)[field] = reading[field];
      }
    }
    for (const [key, value] of Object.entries(reading.ids ?? {}) as Array<[keyof IdsReading, string | undefined]>) {
      if (value && combined.ids[key] === undefined) combined.ids[key] = value;
    }
    // Field by field: the current conventions know input/output tokens, a vendor's keys may add
    // the total, cached and reasoning tokens of the same call.
    for (const [key, value] of Object.entries(reading.usage ?? {}) as Array<[keyof UsageReading, number | undefined]>) {
      if (value !== undefined && Number.isFinite(value)) {
        combined.usage ??= {};
        combined.usage[key] ??= value;
      }
    }
    addToolCalls(combined.toolCalls, reading.toolCalls ?? []);
    if (reading.evaluations) (combined.evaluations ??= []).push(...reading.evaluations);
    if (reading.problems) (combined.problems ??= []).push(...reading.problems);
  }
  // instrumentation-openai writes the Responses API `instructions` on the span whatever its capture
  // switch; its log records carry them when capture is on. Only those count as captured content.
  if (records.length > 0 && span.instrumentationScope?.name === '@opentelemetry/instrumentation-openai') {
    const fromRecords = readLogRecords(records);
    if (fromRecords?.systemInstructions) combined.systemInstructions = fromRecords.systemInstructions;
    else delete combined.systemInstructions;
  }
  if (combined.outputMessages) addToolCalls(combined.toolCalls, safe(() => toolCallsFromMessages(combined.outputMessages ?? [])));
  return combined;
}

/** Appends calls not already known by id (the same call can be seen by two readers). */
function addToolCalls(into: ToolCallReading[], calls: ToolCallReading[]): void {
  for (const call of calls) {
    const known = call.id ? into.find((existing) => existing.id === call.id) : undefined;
    if (!known) into.push(call);
    else {
      // Keep the richer view: a later reader may know the output or the step's times.
      if (known.output === null && call.output !== null) known.output = call.output;
      if (known.input === null && call.input !== null) known.input = call.input;
      known.startedAtMillis ??= call.startedAtMillis;
      known.endedAtMillis ??= call.endedAtMillis;
    }
  }
}

function safe<T>(fn: () => T[]): T[] {
  try {
    return fn();
  } catch {
    return [];
  }
}

/** A span with any GenAI meaning: a reader recognised it. */
export function isGenAi(reading: CombinedReading): boolean {
  return reading.sources.length > 0;
}
