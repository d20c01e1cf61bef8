import { readAzureAgentsHttp } from './read/azure-agents-http.js';
import { readAzureAgentsPython } from './read/azure-agents-python.js';
import { readAzureLegacy } from './read/azure-legacy.js';
import { readOpenInference } from './read/openinference.js';
import { readOpenLLMetry } from './read/openllmetry.js';
import { readSemconv } from './read/semconv.js';
import { readSpanEvents } from './read/span-events.js';
import { toolCallsFromMessages } from './read/tool-call-parts.js';
import { readVercelAi } from './read/vercel-ai.js';
import { AI_SDK, OPENINFERENCE, TRACELOOP, readerFamilies } from './read/reader-gate.js';
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

/** The key family a reader needs (see `readerFamilies`), 0 for a reader that reads more than keys. */
function familyOf(reader: string): number {
  return reader === 'openllmetry' ? TRACELOOP : reader === 'openinference' ? OPENINFERENCE : reader === 'vercel-ai' ? AI_SDK : 0;
}

export interface CombinedReading extends SpanReading {
  /** Names of the readers that recognised the span, in precedence order. */
  sources: string[];
  toolCalls: ToolCallReading[];
  ids: IdsReading;
}

/** The fields taken whole from the first reader that supplies them (merged in mergeReading). */
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
  const families = readerFamilies(span);
  for (const [name, reader] of readers) {
    // A reader that recognises spans by their keys alone gives nothing without one of them.
    const family = familyOf(name);
    if (family !== 0 && (families & family) === 0) continue;
    let reading: SpanReading | undefined;
    try {
      reading = reader(span);
    } catch {
      reading = undefined;
    }
    if (!reading) continue;
    combined.sources.push(name);
    mergeReading(combined, reading);
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
 * One reader's view merged into the combined reading: each of SINGLE_FIELDS from the first reading
 * that has it; ids and usage field by field (the current conventions know input/output tokens, a
 * vendor's keys may add the total, cached and reasoning tokens of the same call); tool calls,
 * evaluations and problems appended. Driven by the keys the reading has: a reading holds a few of
 * the fields, and each reader's reading has its own shape, so asking it for every field by name
 * would mostly look up absent properties, the slow kind of lookup.
 */
function mergeReading(combined: CombinedReading, reading: SpanReading): void {
  for (const field in reading) {
    switch (field as keyof SpanReading) {
      case 'operation':
        if (combined.operation === undefined && reading.operation !== undefined) combined.operation = reading.operation;
        break;
      case 'name':
        if (combined.name === undefined && reading.name !== undefined) combined.name = reading.name;
        break;
      case 'systemInstructions':
        if (combined.systemInstructions === undefined && reading.systemInstructions !== undefined) combined.systemInstructions = reading.systemInstructions;
        break;
      case 'inputMessages':
        if (combined.inputMessages === undefined && reading.inputMessages !== undefined) combined.inputMessages = reading.inputMessages;
        break;
      case 'outputMessages':
        if (combined.outputMessages === undefined && reading.outputMessages !== undefined) combined.outputMessages = reading.outputMessages;
        break;
      case 'toolDefinitions':
        if (combined.toolDefinitions === undefined && reading.toolDefinitions !== undefined) combined.toolDefinitions = reading.toolDefinitions;
        break;
      case 'inputValue':
        if (combined.inputValue === undefined && reading.inputValue !== undefined) combined.inputValue = reading.inputValue;
        break;
      case 'outputValue':
        if (combined.outputValue === undefined && reading.outputValue !== undefined) combined.outputValue = reading.outputValue;
        break;
      case 'requestModel':
        if (combined.requestModel === undefined && reading.requestModel !== undefined) combined.requestModel = reading.requestModel;
        break;
      case 'responseModel':
        if (combined.responseModel === undefined && reading.responseModel !== undefined) combined.responseModel = reading.responseModel;
        break;
      case 'provider':
        if (combined.provider === undefined && reading.provider !== undefined) combined.provider = reading.provider;
        break;
      case 'runStatus':
        if (combined.runStatus === undefined && reading.runStatus !== undefined) combined.runStatus = reading.runStatus;
        break;
      case 'error':
        if (combined.error === undefined && reading.error !== undefined) combined.error = reading.error;
        break;
      case 'evaluation':
        if (combined.evaluation === undefined && reading.evaluation !== undefined) combined.evaluation = reading.evaluation;
        break;
      case 'ids':
        mergeIds(combined.ids, reading.ids);
        break;
      case 'usage':
        mergeUsage(combined, reading.usage);
        break;
      case 'toolCalls':
        addToolCalls(combined.toolCalls, reading.toolCalls ?? []);
        break;
      case 'evaluations':
        if (reading.evaluations) (combined.evaluations ??= []).push(...reading.evaluations);
        break;
      case 'problems':
        if (reading.problems) (combined.problems ??= []).push(...reading.problems);
        break;
    }
  }
}

function mergeIds(into: IdsReading, ids: IdsReading | undefined): void {
  if (!ids) return;
  for (const key in ids) {
    const value = ids[key as keyof IdsReading];
    if (value && into[key as keyof IdsReading] === undefined) into[key as keyof IdsReading] = value;
  }
}

function mergeUsage(combined: CombinedReading, usage: UsageReading | undefined): void {
  if (!usage) return;
  for (const key in usage) {
    const value = usage[key as keyof UsageReading];
    if (value !== undefined && Number.isFinite(value)) {
      combined.usage ??= {};
      combined.usage[key as keyof UsageReading] ??= value;
    }
  }
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
