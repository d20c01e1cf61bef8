import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Spool } from '../../src/spool/index.js';
import { bodyFor, nOfBody, tempSpoolDir } from './helpers.js';

const CHILD = fileURLToPath(new URL('./crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

let dir: string;
let cleanup: () => Promise<void>;
const opened: Spool[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempSpoolDir());
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((spool) => spool.close()));
  await cleanup();
});

/** Runs the child until it has acknowledged `acknowledged` appends, then kill -9s it; the complete lines it printed. */
async function runAndKill(acknowledged: number): Promise<Array<{ id: number; n: number }>> {
  // cwd = the repository root, where `tsx` resolves from.
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const enough = new Promise<void>((resolve) => {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.split('\n').length > acknowledged) resolve();
    });
  });
  const exited = once(child, 'exit');
  await Promise.race([enough, exited]);
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  expect({ code, signal, stderr }).toEqual({ code: null, signal: 'SIGKILL', stderr: '' });
  const lines = stdout.split('\n');
  lines.pop(); // a line cut by the kill
  expect(lines.filter((line) => line.startsWith('error'))).toEqual([]);
  return lines.map((line) => {
    const [id, n] = line.split(' ').map(Number);
    return { id: id!, n: n! };
  });
}

describe('a process killed with SIGKILL mid-stream', () => {
  it('loses no acknowledged record and replays none twice', async () => {
    const acked = await runAndKill(1500);
    expect(acked.length).toBeGreaterThanOrEqual(1500);

    for (let round = 0; round < 2; round++) {
      const { spool, replay } = await Spool.open({ dir, maxBytes: 1024 * 1024 * 1024, segmentBytes: 256 * 1024 });
      opened.push(spool);
      const ids = replay.map((entry) => entry.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const replayed = new Map(replay.map((entry) => [entry.id, entry]));
      const lost = acked.filter(({ id }) => id % 3 !== 0 && !replayed.has(id));
      expect(lost).toEqual([]);
      for (const { id, n } of acked) {
        const entry = replayed.get(id);
        if (entry) expect(nOfBody(entry.body)).toBe(n);
      }
      // Buffer.equals: deep equality of 1,000s of bodies byte by byte takes vitest minutes.
      const damaged = replay.filter((entry) => {
        const n = nOfBody(entry.body);
        const expected = bodyFor(n, entry.body.length);
        return !Buffer.from(entry.body).equals(expected) || entry.signal !== (n % 2 ? 'logs' : 'traces') || entry.encoding !== 'protobuf';
      });
      expect(damaged.map((entry) => entry.id)).toEqual([]);
      expect(spool.stats().pending).toBe(replay.length);
      await spool.close();
      opened.pop();
    }
  });
});
