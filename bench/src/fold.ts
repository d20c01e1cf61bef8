// foldSpans: Nexus requests per trace with span folding off and on, for each trace of the
// exporter's test fixtures, each exported by a real NexusSpanExporter to a fresh local Nexus.
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { NexusSpanExporter } from '@nexus-otel/exporter';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { namedFixtureTraces } from './spans.js';

type Filter = 'genai' | 'all';

interface Landed {
  /** Every request the server answered: the trace, its spans, the final PATCH. */
  requests: number;
  /** Spans stored in Nexus. */
  spans: number;
}

/** One export of one trace in one batch, flushed; what reached the server. */
async function land(spans: ReadableSpan[], spanFilter: Filter, foldSpans: boolean): Promise<Landed> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  try {
    // A fixed agent: some fixtures name no service, and the exporter would say so on every run.
    const exporter = new NexusSpanExporter({ apiKey: key, baseUrl: server.url, agent: 'fixture-app', spanFilter, foldSpans, retryBaseMillis: 5 });
    await new Promise<void>((resolve) => exporter.export(spans, () => resolve()));
    await exporter.forceFlush();
    await exporter.shutdown();
    const failed = server.requests.filter((request) => request.status === null || request.status >= 300);
    if (failed.length > 0) throw new Error(`fold: ${failed.length} request(s) failed (${failed.map((r) => `${r.method} ${r.path} ${r.status}`).join(', ')})`);
    return { requests: server.requests.length, spans: server.traces().reduce((n, trace) => n + trace.spans.length, 0) };
  } finally {
    await server.close();
  }
}

/** Markdown: per fixture trace, requests with foldSpans off → on, under both span filters; totals last. */
export async function foldRequests(): Promise<string> {
  const fixtures = namedFixtureTraces();
  const filters: Filter[] = ['genai', 'all'];
  const rows: string[] = [];
  const totals = { spans: 0, off: [0, 0], on: [0, 0] };
  for (const { file, spans } of fixtures) {
    const cells: string[] = [];
    for (const [i, filter] of filters.entries()) {
      // Sequential, one server at a time: request counts do not depend on timing, and the machine stays quiet.
      const off = await land(spans, filter, false);
      const on = await land(spans, filter, true);
      totals.off[i] = (totals.off[i] ?? 0) + off.requests;
      totals.on[i] = (totals.on[i] ?? 0) + on.requests;
      cells.push(`${off.requests} → ${on.requests}`);
    }
    totals.spans += spans.length;
    rows.push(`| ${file} | ${spans.length} | ${cells.join(' | ')} |`);
  }
  const n = fixtures.length;
  const saved = (i: number): string => {
    const off = totals.off[i]!;
    const on = totals.on[i]!;
    return `${off} → ${on} (${off === 0 ? 0 : Math.round(((off - on) / off) * 1000) / 10} % fewer)`;
  };
  const perTrace = (i: number): string => `${(totals.off[i]! / n).toFixed(2)} → ${(totals.on[i]! / n).toFixed(2)}`;
  return [
    `Nexus requests per trace (create trace + one per span + final PATCH) with \`foldSpans\` off → on, each of the ${n} fixture traces exported alone to a local Nexus.`,
    '',
    '| fixture trace | OTel spans | `spanFilter: genai` (default) | `spanFilter: all` |',
    '|---|---:|---:|---:|',
    ...rows,
    `| **total** | ${totals.spans} | ${saved(0)} | ${saved(1)} |`,
    `| **per trace** | ${(totals.spans / n).toFixed(2)} | ${perTrace(0)} | ${perTrace(1)} |`,
  ].join('\n');
}
