/**
 * Attribute maps as the SDK holds them. Declared here, not imported from `@opentelemetry/api`, so the
 * types do not tie a user to one API minor (1.9 for SDK 2.x, 1.10 for SDK 3.x).
 */
export type Attributes = { readonly [key: string]: unknown };

/** `[seconds, nanoseconds]` since the epoch. */
export type HrTime = readonly [number, number];

export interface SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote?: boolean | undefined;
}

/**
 * The parts of an SDK `ReadableSpan` the exporter reads. Declared structurally so one build works
 * with `@opentelemetry/sdk-trace-base` 2.x and `@opentelemetry/sdk-trace` 3.x (and tolerates 1.x's
 * `parentSpanId`) without a runtime dependency on either SDK.
 */
export interface ReadableSpanLike {
  readonly name: string;
  readonly kind: number;
  spanContext(): SpanContext;
  /** 2.x and 3.x. */
  readonly parentSpanContext?: SpanContext | undefined;
  /** 1.x only. */
  readonly parentSpanId?: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: { code: number; message?: string | undefined };
  readonly attributes: Attributes;
  readonly events: ReadonlyArray<SpanEventLike>;
  readonly resource: { readonly attributes: Attributes };
  readonly instrumentationScope?: { readonly name: string; readonly version?: string | undefined } | undefined;
}

export interface SpanEventLike {
  readonly name: string;
  readonly time: HrTime;
  readonly attributes?: Attributes | undefined;
}

/** `ExportResultCode` of `@opentelemetry/core`, same values in 2.x and 3.x. */
export const ExportResultCode = { SUCCESS: 0, FAILED: 1 } as const;

export interface ExportResultLike {
  code: number;
  error?: Error;
}

/** Status codes of `@opentelemetry/api`'s `SpanStatusCode`. */
export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;
