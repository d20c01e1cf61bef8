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

/** The fields taken whole from the first reader that supplies them (merged in mergeSingleFields). */
export const SINGLE_FIELDS = [
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
  'evaluation',
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
    mergeSingleFields(combined, reading);
    const ids = reading.ids;
    if (ids) {
      for (const key in ids) {
        const value = ids[key as keyof IdsReading];
        if (value && combined.ids[key as keyof IdsReading] === undefined) combined.ids[key as keyof IdsReading] = value;
      }
    }
    // Field by field: the current conventions know input/output tokens, a vendor's keys may add
    // the total, cached and reasoning tokens of the same call.
    const usage = reading.usage;
    if (usage) {
      for (const key in usage) {
        const value = usage[key as keyof UsageReading];
        if (value !== undefined && Number.isFinite(value)) {
          combined.usage ??= {};
          combined.usage[key as keyof UsageReading] ??= value;
        }
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

/**
 * Each of SINGLE_FIELDS from the first reading that has it. Written out field by field: every span
 * goes through here once per reader, and a loop over the names makes each access a slow dynamic one.
 */
function mergeSingleFields(combined: CombinedReading, reading: SpanReading): void {
  if (combined.operation === undefined && reading.operation !== undefined) combined.operation = reading.operation;
  if (combined.name === undefined && reading.name !== undefined) combined.name = reading.name;
  if (combined.systemInstructions === undefined && reading.systemInstructions !== undefined) combined.systemInstructions = reading.systemInstructions;
  if (combined.inputMessages === undefined && reading.inputMessages !== undefined) combined.inputMessages = reading.inputMessages;
  if (combined.outputMessages === undefined && reading.outputMessages !== undefined) combined.outputMessages = reading.outputMessages;
  if (combined.toolDefinitions === undefined && reading.toolDefinitions !== undefined) combined.toolDefinitions = reading.toolDefinitions;
  if (combined.inputValue === undefined && reading.inputValue !== undefined) combined.inputValue = reading.inputValue;
  if (combined.outputValue === undefined && reading.outputValue !== undefined) combined.outputValue = reading.outputValue;
  if (combined.requestModel === undefined && reading.requestModel !== undefined) combined.requestModel = reading.requestModel;
  if (combined.responseModel === undefined && reading.responseModel !== undefined) combined.responseModel = reading.responseModel;
  if (combined.provider === undefined && reading.provider !== undefined) combined.provider = reading.provider;
  if (combined.runStatus === undefined && reading.runStatus !== undefined) combined.runStatus = reading.runStatus;
  if (combined.error === undefined && reading.error !== undefined) combined.error = reading.error;
  if (combined.evaluation === undefined && reading.evaluation !== undefined) combined.evaluation = reading.evaluation;
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
