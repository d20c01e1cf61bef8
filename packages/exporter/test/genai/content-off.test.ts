import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { createNexusExporters, type NexusExporterOptions, type ReadableLogRecordLike, type ReadableSpanLike } from '../../src/index.js';
import { CONTENT_KEYS, classifyKey, sampleKeys } from '../../src/genai/privacy/content-keys.js';
import { CONTENT_EVENTS } from '../../src/genai/read/log-records.js';
import { readSpan } from '../../src/genai/combine.js';
import type { SpanFilter } from '../../src/genai/filter.js';
import { eventually, exportBatch, harness, type Harness } from '../helpers.js';

/**
 * Every key of the shared content list, planted with a unique marker on spans of every convention
 * (span attributes and span events) and on log records, exported through the real exporter to a
 * local Nexus: with capture off, no marker may be stored anywhere.
 */

type Spans = Parameters<typeof exportBatch>[1];
type Attributes = Record<string, unknown>;

const MARKER = /SECRET-MARKER-\d+/g;

/** What makes a span one of each reader's (keys that are not content). A convention without one is read by none. */
const RECOGNITION: Record<string, Attributes> = {
  semconv: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.id': 'chatcmpl-1' },
  openllmetry: { 'llm.request.type': 'chat', 'gen_ai.system': 'OpenAI', 'traceloop.span.kind': 'task' },
  openinference: { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o' },
  'vercel-ai': { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o' },
  'azure-agents-python': { 'gen_ai.system': 'az.ai.agents', 'gen_ai.operation.name': 'process_thread_run', 'gen_ai.thread.run.status': 'completed' },
};

/** Non-content attributes an event needs to be read at all. */
const EVENT_NEEDS: Record<string, Attributes> = {
  'gen_ai.evaluation.result': { 'gen_ai.evaluation.name': 'Relevance', 'gen_ai.response.id': 'chatcmpl-1' },
};

/** Hands out unique markers and remembers where each was planted. */
class Planter {
  private count = 0;
  readonly where = new Map<string, string>();

  mark(place: string): string {
    this.count += 1;
    const marker = `SECRET-MARKER-${this.count}`;
    this.where.set(marker, place);
    return marker;
  }

  /** Where the markers found in `text` were planted: with capture off, each is a leak. */
  found(text: string): string[] {
    return [...new Set(text.match(MARKER) ?? [])].map((marker) => `${marker} (${this.where.get(marker) ?? '?'})`);
  }
}

const spanEntries = CONTENT_KEYS.filter((entry) => entry.on.span === true);
const eventEntries = CONTENT_KEYS.filter((entry) => (entry.on.events ?? []).length > 0);
const logEntries = CONTENT_KEYS.filter((entry) => (entry.on.logs ?? []).length > 0);

function contentAttributes(planter: Planter, label: string, entries: typeof CONTENT_KEYS): Attributes {
  const attributes: Attributes = {};
  for (const entry of entries) for (const key of sampleKeys(entry)) attributes[key] = planter.mark(`${label}: ${key}`);
  return attributes;
}

function contentEvents(planter: Planter, label: string, time: [number, number]): ReadableSpanLike['events'] {
  return eventEntries.flatMap((entry) =>
    (entry.on.events ?? []).flatMap((name) =>
      sampleKeys(entry).map((key) => ({ name, time, attributes: { ...EVENT_NEEDS[name], [key]: planter.mark(`${label}: event ${name} ${key}`) } })),
    ),
  );
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

function spanOf(name: string, attributes: Attributes, events: ReadableSpanLike['events'], time: [number, number]): ReadableSpanLike {
  const context = { traceId: hex(16), spanId: hex(8), traceFlags: 1 };
  return {
    name,
    kind: 0,
    spanContext: () => context,
    parentSpanContext: undefined,
    startTime: time,
    endTime: [time[0] + 1, time[1]],
    status: { code: 0 },
    attributes,
    events,
    resource: { attributes: { 'service.name': 'content-off-test' } },
    instrumentationScope: { name: 'test' },
  };
}

/**
 * One root span (its own trace, so every filter keeps it) per kind of span:
 * - `own <convention>`: that convention's keys, on a span its reader recognises (if it has one);
 * - `every <reader>`: every key of the list and every content event, on a span that reader recognises;
 * - `unread`: each key no reader recognises alone, on a span no reader reads (the generic path).
 */
function contentRun(planter: Planter): ReadableSpanLike[] {
  const time: [number, number] = [Math.floor(Date.now() / 1000) - 60, 0];
  const spans: ReadableSpanLike[] = [];
  const conventions = [...new Set(CONTENT_KEYS.map((entry) => entry.convention))];
  for (const convention of conventions) {
    const own = spanEntries.filter((entry) => entry.convention === convention);
    spans.push(spanOf(`own ${convention}`, { ...(RECOGNITION[convention] ?? {}), ...contentAttributes(planter, `own ${convention}`, own) }, [], time));
  }
  for (const [reader, recognition] of Object.entries(RECOGNITION)) {
    const label = `every ${reader}`;
    spans.push(spanOf(label, { ...recognition, ...contentAttributes(planter, label, spanEntries) }, contentEvents(planter, label, time), time));
  }
  const unread = spanEntries.filter((entry) =>
    sampleKeys(entry).every((key) => readSpan(spanOf('probe', { [key]: 'x' }, [], time)).sources.length === 0),
  );
  spans.push(spanOf('unread', contentAttributes(planter, 'unread', unread), [], time));
  return spans;
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function exportRun(options: NexusExporterOptions): Promise<{ stored: string; planter: Planter; names: string[]; spanNames: string[] }> {
  const planter = new Planter();
  const spans = contentRun(planter);
  h = await harness(options);
  await exportBatch(h.exporter, spans as Spans);
  await h.exporter.forceFlush();
  const traces = h.server.traces();
  return {
    stored: JSON.stringify(traces),
    planter,
    names: spans.map((span) => span.name),
    spanNames: traces.flatMap((trace) => trace.spans.map((span) => span.name)),
  };
}

describe('the content list', () => {
  it('covers the keys found leaking with capture off, and what the readers read as content', () => {
    const keys = CONTENT_KEYS.flatMap((entry) => sampleKeys(entry, 3));
    for (const key of [
      'embedding.embeddings.3.embedding.text',
      'llm.prompt_template.template',
      'llm.prompt_template.variables',
      'llm.function_call',
      'reranker.query',
      'reranker.input_documents.3.document.content',
      'reranker.output_documents.3.document.content',
      'ai.documents',
      'ai.ranking',
      'ai.response.files',
      'gen_ai.evaluation.explanation',
      'gen_ai.input.messages',
      'llm.input_messages.3.message.content',
      'gen_ai.prompt.3.content',
      'ai.prompt.messages',
      'ai.toolCall.args',
      'input.value',
    ]) {
      expect(keys, key).toContain(key);
      expect(classifyKey(key), key).not.toBe('plain');
    }
    for (const key of ['gen_ai.request.model', 'gen_ai.usage.input_tokens', 'llm.model_name', 'ai.model.id', 'reranker.model_name', 'llm.prompt_template.version', 'gen_ai.evaluation.name']) {
      expect(classifyKey(key), key).toBe('plain');
    }
  });

  it('is the list docs/mapping.md shows', () => {
    const doc = readFileSync(new URL('../../../../docs/mapping.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('### The content list'));
    expect(CONTENT_KEYS.map((entry) => entry.key).filter((key) => !section.includes(`\`${key}`))).toEqual([]);
  });
});

describe('capture off: no content key reaches Nexus, whatever the span filter', () => {
  const filters: SpanFilter[] = ['genai', 'all'];

  it.each(filters)("captureContent: false, spanFilter '%s'", async (spanFilter) => {
    const { stored, planter, names, spanNames } = await exportRun({ captureContent: false, spanFilter });
    // The run did arrive (so finding no marker means something).
    for (const name of names) expect(spanNames, name).toContain(name);
    expect(planter.found(stored)).toEqual([]);
  });

  it.each(filters)("NEXUS_CAPTURE_CONTENT=false, spanFilter '%s'", async (spanFilter) => {
    const saved = process.env['NEXUS_CAPTURE_CONTENT'];
    process.env['NEXUS_CAPTURE_CONTENT'] = 'false';
    try {
      const { stored, planter, names, spanNames } = await exportRun({ spanFilter });
      for (const name of names) expect(spanNames, name).toContain(name);
      expect(planter.found(stored)).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env['NEXUS_CAPTURE_CONTENT'];
      else process.env['NEXUS_CAPTURE_CONTENT'] = saved;
    }
  });

  it('control, capture on: the content is there, and a key a reader renders is never copied raw', async () => {
    const { stored, planter } = await exportRun({ spanFilter: 'all' });
    const traces = h!.server.traces();
    // Every trace (one per planted span) shows some of its content.
    for (const trace of traces) expect(planter.found(JSON.stringify(trace)).length, trace.name).toBeGreaterThan(0);
    // What only the raw attributes show stays there while content is captured.
    for (const entry of spanEntries.filter((item) => item.raw === 'if-captured')) {
      for (const key of sampleKeys(entry)) expect(planter.found(stored).some((place) => place.endsWith(`: ${key})`)), key).toBe(true);
    }
    const rawKeys = traces.flatMap((trace) =>
      trace.spans.flatMap((span) => {
        const input = span.input as { attributes?: Record<string, unknown> } | null;
        return typeof input === 'object' && input !== null && !Array.isArray(input) && input.attributes ? Object.keys(input.attributes) : [];
      }),
    );
    expect(rawKeys.length).toBeGreaterThan(0);
    expect(rawKeys.filter((key) => classifyKey(key) === 'never')).toEqual([]);
  });
});

describe('capture off: log records (message bodies, operation details, evaluations) leave no content either', () => {
  let server: NexusLocal | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  /** A chat span with its content written as log records, sent through both exporters of one pipeline. */
  async function sendWithRecords(options: NexusExporterOptions): Promise<{ stored: string; planter: Planter; spanNames: string[] }> {
    const key = generateKey();
    server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
    const { spanExporter, logRecordExporter } = createNexusExporters({ apiKey: key, baseUrl: server.url, logWaitMillis: 50, flushTimeoutMillis: 10_000, retryBaseMillis: 5, ...options });
    const planter = new Planter();
    const time: [number, number] = [Math.floor(Date.now() / 1000) - 60, 0];
    const chat = spanOf('chat gpt-4o', { ...RECOGNITION['semconv'] }, [], time);
    const spanContext = chat.spanContext();
    const records: ReadableLogRecordLike[] = [];
    for (const entry of logEntries) {
      for (const name of entry.on.logs ?? []) {
        for (const attribute of sampleKeys(entry)) {
          records.push({ hrTime: time, spanContext, eventName: name, attributes: { ...EVENT_NEEDS[name], [attribute]: planter.mark(`log ${name} ${attribute}`) } });
        }
      }
    }
    for (const name of CONTENT_EVENTS) {
      const body = { role: 'user', content: planter.mark(`log ${name} body content`), message: { role: 'assistant', content: planter.mark(`log ${name} body message`) } };
      records.push({ hrTime: time, spanContext, eventName: name, body, attributes: { 'event.name': name } });
    }
    await new Promise((resolve) => logRecordExporter.export(records as never, resolve));
    await exportBatch(spanExporter, [chat] as Spans);
    await eventually(() => server!.traces().length > 0, 5_000);
    await spanExporter.forceFlush();
    await logRecordExporter.shutdown();
    await spanExporter.shutdown();
    const traces = server.traces();
    return { stored: JSON.stringify(traces), planter, spanNames: traces.flatMap((trace) => trace.spans.map((span) => span.name)) };
  }

  it.each(['genai', 'all'] as const)("captureContent: false, spanFilter '%s'", async (spanFilter) => {
    const { stored, planter, spanNames } = await sendWithRecords({ captureContent: false, spanFilter });
    expect(spanNames).toContain('chat gpt-4o');
    expect(spanNames).toContain('evaluation Relevance');
    expect(planter.found(stored)).toEqual([]);
  });

  it('control, capture on: the records\' content and the explanation are there', async () => {
    const { stored, planter, spanNames } = await sendWithRecords({ spanFilter: 'all' });
    expect(spanNames).toContain('evaluation Relevance');
    const found = planter.found(stored);
    expect(found.some((place) => place.includes('gen_ai.evaluation.explanation'))).toBe(true);
    expect(found.some((place) => place.includes('body'))).toBe(true);
    expect(found.some((place) => place.includes('gen_ai.input.messages'))).toBe(true);
  });
});
