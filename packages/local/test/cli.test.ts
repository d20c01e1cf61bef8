import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, runCli } from '../src/cli.js';
import { call, generateKey, spanBody, traceBody } from './helpers.js';
import { requirement } from '../../../test-support/requirements.js';

describe('parseCliArgs', () => {
  it('has defaults', () => {
    expect(parseCliArgs([])).toEqual({ help: false, port: 0, host: '127.0.0.1', keys: [], free: false, latencyMs: 0, strict: true, random: null });
  });

  it('reads every flag, --key repeatable', () => {
    expect(parseCliArgs(['--port', '4318', '--host', '0.0.0.0', '--key', 'k1', '--key', 'k2', '--free', '--latency', '15', '--lenient'])).toEqual({
      help: false,
      port: 4318,
      host: '0.0.0.0',
      keys: ['k1', 'k2'],
      free: true,
      latencyMs: 15,
      strict: false,
      random: null,
    });
  });

  it('reads the random-fault flags', () => {
    const args = ['--fail-rate', '0.2', '--fail-status', '502', '--reset-rate', '0.1', '--drop-response-rate', '0.05', '--seed', '42'];
    expect(parseCliArgs(args).random).toEqual({ failRate: 0.2, failStatus: 502, resetRate: 0.1, dropResponseRate: 0.05, seed: 42 });
    expect(parseCliArgs(['--reset-rate', '1']).random).toEqual({ resetRate: 1 });
    expect(parseCliArgs(['--fail-rate', '0.1', '--reset-rate', '0.2', '--drop-response-rate', '0.7']).random).toMatchObject({ failRate: 0.1 }); // 1 up to rounding
  });

  it('rejects bad random-fault flags, naming the flag', () => {
    expect(() => parseCliArgs(['--fail-rate', '1.5'])).toThrow(/^--fail-rate must be a probability/);
    expect(() => parseCliArgs(['--reset-rate=-0.1'])).toThrow(/^--reset-rate /);
    expect(() => parseCliArgs(['--drop-response-rate', 'x'])).toThrow(/^--drop-response-rate /);
    expect(() => parseCliArgs(['--fail-rate', ''])).toThrow(/^--fail-rate /);
    expect(() => parseCliArgs(['--fail-rate', 'Infinity'])).toThrow(/^--fail-rate /);
    expect(() => parseCliArgs(['--fail-rate', '0.6', '--drop-response-rate', '0.6'])).toThrow(/at most 1/);
    expect(() => parseCliArgs(['--fail-rate', '0.1', '--fail-status', '99'])).toThrow(/^--fail-status /);
    expect(() => parseCliArgs(['--fail-status', '503'])).toThrow(/--fail-status needs --fail-rate/);
    expect(() => parseCliArgs(['--fail-rate', '0.1', '--seed', '1.5'])).toThrow(/^--seed must be an integer/);
    expect(() => parseCliArgs(['--seed', '3'])).toThrow(/--seed needs/);
  });

  it('rejects bad values and unknown flags', () => {
    expect(() => parseCliArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseCliArgs(['--latency', '-1'])).toThrow(/--latency/);
    expect(() => parseCliArgs(['--bogus'])).toThrow();
    expect(() => parseCliArgs(['stray'])).toThrow();
  });
});

describe('runCli', () => {
  it('prints the URL and a generated key, and accepts only that key', async () => {
    const lines: string[] = [];
    const local = await runCli(parseCliArgs([]), (line) => lines.push(line));
    try {
      expect(lines[0]).toBe(`Nexus-compatible server on ${local.url}`);
      const key = /^API key \(pro\): (nxs_[0-9a-f]{64})$/.exec(lines[1] ?? '')?.[1];
      expect(key).toBeDefined();
      expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
      expect((await call(local, 'GET', '/api/v1/traces', { key: generateKey() })).status).toBe(401);
    } finally {
      await local.close();
    }
  });

  it('uses --key and --free', async () => {
    const key = generateKey();
    const lines: string[] = [];
    const local = await runCli(parseCliArgs(['--key', key, '--free']), (line) => lines.push(line));
    try {
      expect(lines[1]).toBe(`API key (free): ${key}`);
      expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'a' }) })).status).toBe(201);
      expect((await call(local, 'POST', '/api/v1/traces', { key, body: traceBody({ agent_id: 'b' }) })).status).toBe(403);
    } finally {
      await local.close();
    }
  });
});

describe('runCli strict or --lenient', () => {
  // A span sent with `error: null`: the real server stores the text "null", lenient mode null.
  async function spanError(args: string[]): Promise<{ lines: string[]; error: unknown }> {
    const lines: string[] = [];
    const local = await runCli(parseCliArgs(args), (line) => lines.push(line));
    try {
      const key = /^API key \(pro\): (\S+)$/.exec(lines[1] ?? '')?.[1];
      const trace = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
      const traceId = (trace.body as { trace_id: string }).trace_id;
      await call(local, 'POST', `/api/v1/traces/${traceId}/spans`, { key, body: spanBody({ error: null }) });
      const got = await call(local, 'GET', `/api/v1/traces/${traceId}`, { key });
      return { lines, error: (got.body as { spans: { error: unknown }[] }).spans[0]?.error };
    } finally {
      await local.close();
    }
  }

  it('is strict by default, like the real server', async () => {
    const { lines, error } = await spanError([]);
    expect(error).toBe('null');
    expect(lines.some((line) => line.includes('lenient'))).toBe(false);
  });

  it('--lenient turns strict mode off and says so', async () => {
    const { lines, error } = await spanError(['--lenient']);
    expect(error).toBeNull();
    expect(lines).toContain("  lenient mode: this server's older reading of the API, not the real server's quirks");
  });
});

describe('runCli with random faults', () => {
  it('arms them at start and says so', async () => {
    const lines: string[] = [];
    const local = await runCli(parseCliArgs(['--fail-rate', '1', '--fail-status', '502', '--seed', '9']), (line) => lines.push(line));
    try {
      expect(lines).toContain('  random faults: fail 1 (502), seed 9');
      const key = /^API key \(pro\): (\S+)$/.exec(lines[1] ?? '')?.[1];
      const res = await call(local, 'POST', '/api/v1/traces', { key, body: traceBody() });
      expect(res.status).toBe(502);
      expect(local.traces()).toHaveLength(0);
    } finally {
      await local.close();
    }
  });

  it('arms nothing without the flags', async () => {
    const lines: string[] = [];
    const local = await runCli(parseCliArgs([]), (line) => lines.push(line));
    try {
      expect(lines.some((line) => line.includes('random faults'))).toBe(false);
      const key = /^API key \(pro\): (\S+)$/.exec(lines[1] ?? '')?.[1];
      for (let i = 0; i < 5; i += 1) expect((await call(local, 'GET', '/api/v1/traces', { key })).status).toBe(200);
    } finally {
      await local.close();
    }
  });
});

// The built bin (present after `tsc -b`, as in `pnpm test`): a real process, stopped by a signal.
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const BUILT = requirement(existsSync(bin) ? undefined : 'needs the built bin (packages/local/dist/cli.js)', 'run npm run build, then npm test');
describe.skipIf(BUILT.unmet)('nexus-otel-local process', BUILT.options, () => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`serves and stops cleanly on ${signal}`, async () => {
      const child = spawn(process.execPath, [bin, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /Nexus-compatible server on (http:\/\/\S+)/.exec(out);
          if (match?.[1] && /API key/.test(out)) resolve(match[1]);
        });
        child.once('exit', () => reject(new Error(`exited early: ${out}`)));
      });
      const key = /API key \(pro\): (\S+)/.exec(out)?.[1] ?? '';
      const res = await fetch(`${url}/api/v1/traces`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(200);
      const code = await new Promise<number | null>((resolve) => {
        child.once('exit', (c) => resolve(c));
        child.kill(signal);
      });
      expect(code).toBe(0);
    });
  }
});
