// A client process of benchmark 2b: sends span-sized Nexus requests at a fixed rate with one HTTP
// client and reports its own CPU over IPC (the server runs in the benchmark's process, uncounted).
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
// The exporter's transport is internal: loaded by file path from this build.
import { HttpTransport } from '../../packages/exporter/dist/nexus/http.js';

export type ClientKind = 'idle' | 'nexus' | 'node-http' | 'floor';

export interface ClientOptions {
  kind: ClientKind;
  url: string;
  key: string;
  path: string;
  rate: number;
  warmupSeconds: number;
  seconds: number;
}

export interface ClientReport {
  cpuMicros: number;
  wallMillis: number;
  requests: number;
  failures: number;
}

/** A span as the exporter posts it: ~1 KB of JSON. */
const BODY = {
  name: 'chat gpt-4o',
  status: 'ok',
  started_at: '2026-12-03T10:00:00.000Z',
  ended_at: '2026-12-03T10:00:01.250Z',
  parent_span_id: '0b7f1c7e-5e8a-4f0f-9d7e-1f0e5f0b7f1c',
  input: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Where is my order 4711? '.repeat(24) }] },
  output: { role: 'assistant', content: 'It left the warehouse this morning. '.repeat(10) },
};

type Send = () => Promise<boolean>;

async function sender(options: ClientOptions): Promise<{ send: Send; close: () => void }> {
  const base = new URL(options.url);
  const authorization = `Bearer ${options.key}`;
  if (options.kind === 'nexus') {
    const transport = new HttpTransport({ baseUrl: base, authorization, timeoutMillis: 10_000, maxSockets: 16 });
    return { send: async () => (await transport.request('POST', options.path, BODY)).kind === 'response', close: () => transport.close() };
  }
  if (options.kind === 'node-http') {
    // What the transport was built on before: http.request over a keep-alive agent.
    const agent = new Agent({ keepAlive: true, maxSockets: 16, scheduling: 'lifo' });
    const send: Send = () =>
      new Promise((resolve) => {
        const payload = Buffer.from(JSON.stringify(BODY), 'utf8');
        const req = request(new URL(options.path, base), { method: 'POST', agent, headers: { authorization, accept: 'application/json', 'content-type': 'application/json', 'content-length': payload.length } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').length > 0 && (res.statusCode ?? 0) < 300));
        });
        req.on('error', () => resolve(false));
        req.end(payload);
      });
    return { send, close: () => agent.destroy() };
  }
  if (options.kind === 'floor') {
    // The least any client does: one socket, one write of prebuilt head and body, find the answer's end.
    const socket = connect(Number(base.port), base.hostname);
    socket.setNoDelay(true);
    await new Promise((resolve) => socket.once('connect', resolve));
    const waiting: Array<(ok: boolean) => void> = [];
    let pending = '';
    socket.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(pending.slice(0, end))?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const ok = pending.startsWith('HTTP/1.1 2');
        pending = pending.slice(end + 4 + length);
        waiting.shift()?.(ok);
      }
    });
    const head = `POST ${options.path} HTTP/1.1\r\nhost: ${base.host}\r\nauthorization: ${authorization}\r\naccept: application/json\r\ncontent-type: application/json\r\n`;
    const send: Send = () =>
      new Promise((resolve) => {
        const payload = JSON.stringify(BODY);
        waiting.push(resolve);
        socket.write(`${head}content-length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
      });
    return { send, close: () => socket.destroy() };
  }
  return { send: async () => true, close: () => undefined };
}

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as ClientOptions;
  const { send, close } = await sender(options);
  let sent = 0;
  let failures = 0;
  const started = performance.now();
  // The same pacing timer for every kind, `idle` included: its CPU is the baseline.
  const ticker = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * options.rate);
    for (; sent < due; sent += 1) {
      if (options.kind !== 'idle') void send().then((ok) => (failures += ok ? 0 : 1));
    }
  }, 2);
  await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1000));
  const cpu = process.cpuUsage();
  const window = performance.now();
  const before = sent;
  const failuresBefore = failures;
  await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
  const used = process.cpuUsage(cpu);
  const report: ClientReport = { cpuMicros: used.user + used.system, wallMillis: performance.now() - window, requests: sent - before, failures: failures - failuresBefore };
  clearInterval(ticker);
  close();
  process.send?.(report, () => process.exit(0));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
