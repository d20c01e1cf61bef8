// A process that ends right after its last span (fixtures/exit-app.ts), with and without
// shutdown(): what reaches Nexus (counted in the server), what is lost and where, and how long the
// process lives on by itself after its last span. Each case is its own child process and server;
// the server answers in 15 ms, like the hosted Nexus.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { otelTraceIdOf, report } from './helpers.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const script = fileURLToPath(new URL('./fixtures/exit-app.ts', import.meta.url));

interface ChildReport {
  mode: string;
  code: number;
  runs: number;
  spans: number;
  handed: number;
  stats: { heldSpans: number; queuedTraces: number; activeTraceUploads: number; requests: number; dropped: Record<string, number> };
  times: { start: number; lastSpan: number; shutdownResolved?: number; exit: number };
}

interface Outcome {
  report: ChildReport;
  exitCode: number | null;
  /** When the parent saw the child end (ms since the epoch). */
  endedAt: number;
  stderr: string;
  stored: { traces: number; spans: number; duplicateSpans: number };
}

function storedIn(server: NexusLocal): Outcome['stored'] {
  const seen = new Set<string>();
  let spans = 0;
  let duplicateSpans = 0;
  const traces = server.traces();
  for (const t of traces) {
    for (const s of t.spans) {
      spans += 1;
      const identity = `${otelTraceIdOf(t)}|${s.name}|${s.startedAt}`;
      if (seen.has(identity)) duplicateSpans += 1;
      seen.add(identity);
    }
  }
  return { traces: traces.length, spans, duplicateSpans };
}

async function runApp(mode: string, setUp: (server: NexusLocal) => void | Promise<void> = () => undefined, env: Record<string, string> = {}): Promise<Outcome> {
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: {} }, latencyMs: 15 });
  try {
    await setUp(server);
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repoRoot, // where tsx is installed
      env: { ...process.env, NEXUS_API_KEY: key, NEXUS_BASE_URL: server.url, EXIT_MODE: mode, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
    const exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const endedAt = Date.now();
    clearTimeout(killer);
    const line = stdout.trim().split('\n').at(-1) ?? '';
    let parsed: ChildReport;
    try {
      parsed = JSON.parse(line) as ChildReport;
    } catch {
      throw new Error(`child ${mode} printed no report (exit ${exitCode}): ${stdout.slice(-500)} ${stderr.slice(-1500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200)); // a request the child sent just before it died
    return { report: parsed, exitCode, endedAt, stderr, stored: storedIn(server) };
  } finally {
    await server.close();
  }
}

function figures(o: Outcome): Record<string, unknown> {
  const r = o.report;
  return {
    exitCode: o.exitCode,
    runs: r.runs,
    spans: r.spans,
    handedToExporter: r.handed,
    stillInBatchQueue: r.spans - r.handed,
    delivered: o.stored.spans,
    lost: r.spans - o.stored.spans,
    lostInExporter: r.handed - o.stored.spans,
    duplicateSpans: o.stored.duplicateSpans,
    heldAtExit: r.stats.heldSpans,
    uploadingAtExit: r.stats.activeTraceUploads,
    dropped: r.stats.dropped,
    shutdownMillis: r.times.shutdownResolved === undefined ? undefined : r.times.shutdownResolved - r.times.lastSpan,
    exitMillisAfterLastSpan: r.times.exit - r.times.lastSpan,
    goneMillisAfterLastSpan: o.endedAt - r.times.lastSpan,
  };
}

describe.concurrent('a process that ends right after its last span', { timeout: 120_000 }, () => {
  it('with shutdown(): nothing is lost, nothing twice, and the process ends as soon as shutdown() resolves', async () => {
    const o = await runApp('shutdown');
    report('exit: shutdown()', figures(o));
    expect(o.exitCode, o.stderr).toBe(0);
    expect(o.stored.spans).toBe(o.report.spans);
    expect(o.stored.traces).toBe(o.report.runs);
    expect(o.stored.duplicateSpans).toBe(0);
    expect(o.report.stats.dropped).toEqual({});
    // Nothing of the exporter's keeps the process alive once shutdown() has resolved.
    expect(o.report.times.exit - o.report.times.shutdownResolved!).toBeLessThan(3_000);
  });

  it("with the README's beforeExit hook: nothing is lost", async () => {
    const o = await runApp('beforeExit');
    report('exit: beforeExit hook', figures(o));
    expect(o.exitCode, o.stderr).toBe(0);
    expect(o.stored.spans).toBe(o.report.spans);
    expect(o.stored.duplicateSpans).toBe(0);
  });

  it('without shutdown: the BatchSpanProcessor queue and the uploads in flight are lost; the process ends at once', async () => {
    const o = await runApp('none');
    report('exit: no shutdown', figures(o));
    expect(o.exitCode, o.stderr).toBe(0);
    expect(o.stored.duplicateSpans).toBe(0);
    // The spans the SDK had not exported yet never reach the exporter, so they are lost.
    expect(o.report.spans - o.report.handed).toBeGreaterThan(0);
    expect(o.stored.spans).toBeLessThanOrEqual(o.report.handed);
    expect(o.stored.spans).toBeGreaterThan(0); // what the SDK exported 5 s in had landed
    // Nothing of the exporter's keeps the process alive: it ends right after its last span,
    // abandoning the uploads in flight (lost, like the queue).
    expect(o.report.times.exit - o.report.times.lastSpan).toBeLessThan(2_000);
  });

  it('with process.exit() right after the last span: everything not yet in Nexus is lost, at once', async () => {
    const o = await runApp('exit');
    report('exit: process.exit()', figures(o));
    expect(o.exitCode).toBe(0);
    expect(o.stored.spans).toBeLessThan(o.report.spans);
    expect(o.report.times.exit - o.report.times.lastSpan).toBeLessThan(1_000);
  });

  it('Nexus refusing connections: shutdown() keeps the process alive until flushTimeoutMillis, then ends it, counting what it drops', async () => {
    const o = await runApp('shutdown', (server) => server.faults.down(), { NEXUS_FLUSH_TIMEOUT_MILLIS: '3000' });
    report('exit: shutdown(), Nexus down', figures(o));
    expect(o.exitCode, o.stderr).toBe(0); // not 13: shutdown() resolved, the script ran to its end
    expect(o.report.times.shutdownResolved).toBeDefined();
    expect(o.report.times.shutdownResolved! - o.report.times.lastSpan).toBeGreaterThanOrEqual(2_500);
    expect(o.report.times.exit - o.report.times.shutdownResolved!).toBeLessThan(3_000);
    expect(o.report.stats.dropped['shutdown']).toBe(o.report.spans);
  });

  it('Nexus hanging (accepts, never answers): without shutdown the process still ends by itself', async () => {
    const o = await runApp('none', (server) => server.faults.latency(600_000));
    report('exit: no shutdown, Nexus hangs', figures(o));
    expect(o.exitCode, o.stderr).toBe(0);
    expect(o.stored.spans).toBe(0);
    // Requests waiting on Nexus do not hold it: it ends right after its last span, not a request deadline (10 s) later.
    expect(o.report.times.exit - o.report.times.lastSpan).toBeLessThan(2_000);
  });

  it('Nexus hanging: shutdown() returns within flushTimeoutMillis and the process ends', async () => {
    const o = await runApp('shutdown', (server) => server.faults.latency(600_000), { NEXUS_FLUSH_TIMEOUT_MILLIS: '3000' });
    report('exit: shutdown(), Nexus hangs', figures(o));
    expect(o.exitCode, o.stderr).toBe(0);
    expect(o.report.times.shutdownResolved! - o.report.times.lastSpan).toBeLessThan(6_000);
    expect(o.report.times.exit - o.report.times.shutdownResolved!).toBeLessThan(3_000);
    expect(o.report.stats.dropped['shutdown']).toBe(o.report.spans);
  });
});
