/**
 * The OpenTelemetry project's own protobufjs-generated OTLP messages, as published in
 * `@opentelemetry/otlp-transformer` (pinned: 0.214.0 is the last release whose generated code holds
 * both the trace and the logs services; 0.215 dropped logs, 0.217 dropped the generated code).
 * The package types its generated root only as a protobufjs `Root`; this file declares just the
 * messages the bridge uses.
 */
import { createRequire } from 'node:module';
import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root.js';
import type { WireLogsRequest, WireTraceRequest } from './wire.js';

const ROOT_MODULE = '@opentelemetry/otlp-transformer/build/src/generated/root.js';

interface RequestType<T> {
  decode(bytes: Uint8Array): T;
}

interface Writer {
  finish(): Uint8Array;
}

interface ResponseType<T> {
  encode(message: T): Writer;
  fromObject(object: T): { toJSON(): Record<string, unknown> };
}

export interface TraceResponseMessage {
  partialSuccess?: { rejectedSpans?: number; errorMessage?: string };
}

export interface LogsResponseMessage {
  partialSuccess?: { rejectedLogRecords?: number; errorMessage?: string };
}

interface PartialSuccessProbe {
  rejectedSpans?: unknown;
}

interface GeneratedRoot {
  opentelemetry?: {
    proto?: {
      collector?: {
        trace?: {
          v1?: {
            ExportTraceServiceRequest?: RequestType<WireTraceRequest>;
            ExportTraceServiceResponse?: ResponseType<TraceResponseMessage>;
            ExportTracePartialSuccess?: RequestType<PartialSuccessProbe>;
          };
        };
        logs?: {
          v1?: {
            ExportLogsServiceRequest?: RequestType<WireLogsRequest>;
            ExportLogsServiceResponse?: ResponseType<LogsResponseMessage>;
          };
        };
      };
    };
  };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) throw new Error(`${ROOT_MODULE} has no ${name}: @opentelemetry/otlp-transformer must be 0.214.0`);
  return value;
}

// Taken once, at load: protobufjs keeps generated roots in one shared registry per protobufjs copy.
const root = generatedRoot as unknown as GeneratedRoot;
const traceV1 = root.opentelemetry?.proto?.collector?.trace?.v1;
const logsV1 = root.opentelemetry?.proto?.collector?.logs?.v1;

export const ExportTraceServiceRequest = required(traceV1?.ExportTraceServiceRequest, 'ExportTraceServiceRequest');
export const ExportTraceServiceResponse = required(traceV1?.ExportTraceServiceResponse, 'ExportTraceServiceResponse');
export const ExportLogsServiceRequest = required(logsV1?.ExportLogsServiceRequest, 'ExportLogsServiceRequest');
export const ExportLogsServiceResponse = required(logsV1?.ExportLogsServiceResponse, 'ExportLogsServiceResponse');
const ExportTracePartialSuccess = required(traceV1?.ExportTracePartialSuccess, 'ExportTracePartialSuccess');

interface ProtobufMinimal {
  util: { Long: unknown };
  configure(): void;
}

/** Whether protobufjs decodes 64-bit fields as `Long` (exact) rather than as lossy numbers. */
function decodesLongs(): boolean {
  return typeof ExportTracePartialSuccess.decode(Uint8Array.of(8, 1)).rejectedSpans === 'object';
}

/**
 * protobufjs finds long.js through a plain `require('long')`; where that fails (some bundles) it
 * decodes 64-bit fields as numbers and nanosecond timestamps lose precision. Hand it long.js, from
 * the very protobufjs copy the generated code uses, in that case.
 */
function ensureLongs(): boolean {
  if (decodesLongs()) return true;
  try {
    const fromRoot = createRequire(createRequire(import.meta.url).resolve(ROOT_MODULE));
    const protobufPath = fromRoot.resolve('protobufjs/minimal');
    const protobuf = fromRoot(protobufPath) as ProtobufMinimal;
    protobuf.util.Long = createRequire(protobufPath)('long');
    protobuf.configure();
  } catch {
    // Still decodes; 64-bit values beyond 2^53 are then approximate.
  }
  return decodesLongs();
}

/** True when 64-bit integers (timestamps) decode exactly. */
export const exactInt64 = ensureLongs();
