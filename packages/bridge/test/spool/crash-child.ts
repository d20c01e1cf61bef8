/**
 * Run by crash.test.ts as `node --import tsx crash-child.ts <dir>`: appends records from 8
 * concurrent loops until killed, printing `<id> <n>` for every acknowledged append (n = the
 * body's number) and confirming every id divisible by 3.
 */
import { Spool } from '../../src/spool/index.js';
import { bodyFor } from './helpers.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-child.ts <dir>');
const { spool } = await Spool.open({ dir, maxBytes: 1024 * 1024 * 1024, segmentBytes: 256 * 1024, fsyncDelayMillis: 2 });
let next = 0;

async function loop(): Promise<void> {
  for (;;) {
    const n = next++;
    const result = await spool.append({ signal: n % 2 ? 'logs' : 'traces', encoding: 'protobuf', body: bodyFor(n, 2000 + ((n * 7919) % 20_000)) });
    if (!result.ok) {
      process.stdout.write(`error ${result.reason} ${result.message}\n`);
      continue;
    }
    process.stdout.write(`${result.id} ${n}\n`);
    if (result.id % 3 === 0) spool.confirm(result.id);
  }
}

await Promise.all(Array.from({ length: 8 }, loop));
