// Nothing acknowledged is lost: the bridge runs as its own process, senders post traces to it, it
// is killed with SIGKILL mid-load, and a new process on the same spool delivers the rest. Every
// span it answered 200 for is in Nexus afterwards, and no trace is there twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKey, startNexusLocal, type NexusLocal } from '@nexus-otel/local';
import { eventually } from './harness.js';

const RUN = fileURLToPath(new URL('./run-bridge.ts', import.meta.url));
const SPANS_PER_TRACE = 3;

let nexus: NexusLocal;
let key: string;
let spoolDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  key = generateKey();
  // 40 ms an answer: deliveries are under way when the process dies.
  nexus = await startNexusLocal({ keys: { [key]: { plan: 'pro' } }, latencyMs: 40 });
  spoolDir = mkdtempSync(join(tmpdir(), 'bridge-crash-'));
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await nexus?.close();
  rmSync(spoolDir, { recursive: true, force: true });
});

/** Starts the bridge command; resolves with its URL once it listens. */
function startBridge(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', RUN, '--port', '0', '--grpc-port', '0'], {
    env: {
      PATH: process.env['PATH'] ?? '',
      NEXUS_API_KEY: key,
      NEXUS_BASE_URL: nexus.url,
      NEXUS_BRIDGE_SPOOL_DIR: spoolDir,
      NEXUS_RETRY_BASE_MILLIS: '5',
      NEXUS_LOG_WAIT_MILLIS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+) /.exec(out);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`bridge exited ${code}: ${err}`)));
  });
}

function traceBody(n: number): { traceId: string; body: string } {
  const traceId = (0x1000_0000 + n).toString(16).padStart(32, 'a');
  const span = (i: number, parent?: number) => ({
    traceId,
    spanId: (0x100 * n + i + 1).toString(16).padStart(16, '0'),
    ...(parent !== undefined ? { parentSpanId: (0x100 * n + parent + 1).toString(16).padStart(16, '0') } : {}),
    name: i === 0 ? `invoke_agent crash-${n}` : `chat gpt-4o ${i}`,
    startTimeUnixNano: `${1_760_000_000 + n}000000000`,
    endTimeUnixNano: `${1_760_000_000 + n}500000000`,
    attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: i === 0 ? 'invoke_agent' : 'chat' } }],
  });
  const spans = [span(1, 0), span(2, 0), span(0)];
  return {
    traceId,
    body: JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'crash-agent' } }] }, scopeSpans: [{ scope: { name: 't' }, spans }] }] }),
  };
}

describe('nexus-otel-bridge under kill -9', () => {
  it('every acknowledged span is in Nexus after a restart on the same spool, and no trace twice', async () => {
    const first = await startBridge();
    const acknowledged = new Set<string>();
    let next = 0;
    let killed = false;
    const sender = async (): Promise<void> => {
      while (!killed) {
        const { traceId, body } = traceBody(next++);
        try {
          const response = await fetch(`${first.url}/v1/traces`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
          if (response.status === 200) acknowledged.add(traceId);
        } catch {
          // The process died under this request: not acknowledged, the sender would retry it.
        }
      }
    };
    const senders = [sender(), sender(), sender(), sender()];
    // Killed once some traces are in Nexus already (the replay must not create them again) while
    // others are still on their way.
    const complete = (ids: Iterable<string>): number => {
      const done = new Set(nexus.traces().filter((t) => t.status === 'success' && t.spans.length === SPANS_PER_TRACE).map((t) => String((t.metadata as Record<string, unknown>)['otel_trace_id'])));
      return [...ids].filter((id) => done.has(id)).length;
    };
    await eventually(() => acknowledged.size >= 40 && nexus.traces().length >= 5 && complete(acknowledged) < acknowledged.size, 20_000);
    first.child.kill('SIGKILL');
    killed = true;
    await Promise.all(senders);
    const before = nexus.traces();
    expect(before.length).toBeGreaterThanOrEqual(5);
    expect(complete(acknowledged)).toBeLessThan(acknowledged.size);

    await startBridge();
    const allComplete = () => {
      const byOtelId = new Map(nexus.traces().map((t) => [String((t.metadata as Record<string, unknown>)['otel_trace_id']), t]));
      return [...acknowledged].every((id) => byOtelId.get(id)?.spans.length === SPANS_PER_TRACE && byOtelId.get(id)?.status === 'success');
    };
    expect(await eventually(allComplete, 30_000)).toBe(true);
    const ids = nexus.traces().map((t) => String((t.metadata as Record<string, unknown>)['otel_trace_id']));
    expect(ids.length).toBe(new Set(ids).size); // no trace twice
  }, 90_000);
});
