// Benchmark 2b: CPU a Nexus request costs the app, by HTTP client, side by side. Each client runs
// in its own process at a fixed request rate against the local server (in this process, uncounted);
// the figure is its CPU over an idle client with the same pacing timer, divided by the requests.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateKey, startNexusLocal } from '@nexus-otel/local';
import { median } from './round-trips.js';
import type { ClientKind, ClientOptions, ClientReport } from './request-client.js';

const CLIENT = fileURLToPath(new URL('./request-client.js', import.meta.url));

export interface RequestCost {
  rate: number;
  runs: number;
  seconds: number;
  /** Median CPU of each client, ms a second. */
  cpuMillisPerSecond: Record<ClientKind, number>;
  /** Median of the per-run (client − idle) CPU divided by its requests, µs. */
  microsPerRequest: Record<Exclude<ClientKind, 'idle'>, number>;
  failures: number;
}

const KINDS: ClientKind[] = ['idle', 'nexus', 'node-http', 'floor'];

function runClient(options: ClientOptions): Promise<ClientReport> {
  return new Promise((resolve, reject) => {
    const child = fork(CLIENT, [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (report: ClientReport) => resolve(report));
    child.once('exit', (code) => reject(new Error(`the client exited (${code}) before reporting`)));
  });
}

export async function requestCost(options: { rate: number; runs?: number; seconds?: number; warmupSeconds?: number }): Promise<RequestCost> {
  const runs = options.runs ?? 3;
  const seconds = options.seconds ?? 8;
  const key = generateKey();
  const server = await startNexusLocal({ keys: { [key]: { plan: 'pro' } } });
  const cpu: Record<string, number[]> = {};
  const perRequest: Record<string, number[]> = {};
  let failures = 0;
  try {
    // Spans of one trace, as the exporter posts them; a fresh trace for each client (the store is cleared between).
    const tracePath = async (): Promise<string> => {
      const created = await fetch(`${server.url}/api/v1/traces`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ agent_id: 'bench', name: 'request cost', status: 'running', started_at: new Date().toISOString() }),
      });
      const { trace_id: traceId } = (await created.json()) as { trace_id: string };
      return `/api/v1/traces/${traceId}/spans`;
    };
    for (let run = 0; run < runs; run += 1) {
      const order = run % 2 === 0 ? KINDS : [...KINDS].reverse();
      const perRun: Record<string, ClientReport> = {};
      for (const kind of order) {
        const report = await runClient({ kind, url: server.url, key, path: await tracePath(), rate: options.rate, warmupSeconds: options.warmupSeconds ?? 2, seconds });
        perRun[kind] = report;
        failures += report.failures;
        (cpu[kind] ??= []).push(report.cpuMicros / 1000 / (report.wallMillis / 1000));
        // Nothing kept: the server's memory stays flat across runs.
        server.clear();
      }
      const idle = perRun['idle'] as ClientReport;
      for (const kind of KINDS) {
        if (kind === 'idle') continue;
        const report = perRun[kind] as ClientReport;
        const extra = report.cpuMicros / report.wallMillis - idle.cpuMicros / idle.wallMillis;
        (perRequest[kind] ??= []).push((extra * report.wallMillis) / Math.max(1, report.requests));
      }
    }
  } finally {
    await server.close();
  }
  const med = (values: number[] | undefined): number => median(values ?? [0]);
  return {
    rate: options.rate,
    runs,
    seconds,
    cpuMillisPerSecond: Object.fromEntries(KINDS.map((kind) => [kind, med(cpu[kind])])) as Record<ClientKind, number>,
    microsPerRequest: { nexus: med(perRequest['nexus']), 'node-http': med(perRequest['node-http']), floor: med(perRequest['floor']) },
    failures,
  };
}
