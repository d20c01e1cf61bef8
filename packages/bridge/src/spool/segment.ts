/**
 * Segment files: `<12-digit sequence>.seg` in the spool directory, each a run of frames (see
 * frame.ts, payload.ts). New segments are created with mode 0o600; the directory entry is made
 * durable with an fsync of the directory.
 */
import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { decodeFrame } from './frame.js';
import { decodePayload, type Payload } from './payload.js';

const NAME = /^(\d{12})\.seg$/;
/** How many buffers one `writev` call takes at most (IOV_MAX is 1024 on Linux). */
const WRITEV_BATCH = 512;

export function segmentFileName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.seg`;
}

/** The sequence numbers of the segment files in `dir`, ascending. Other files are ignored. */
export async function listSegments(dir: string): Promise<number[]> {
  const seqs: number[] = [];
  for (const name of await readdir(dir)) {
    const match = NAME.exec(name);
    if (match) seqs.push(Number(match[1]));
  }
  return seqs.sort((a, b) => a - b);
}

export interface SegmentScan {
  /** The payloads of the good frames, in file order (record bodies are views into the file's bytes). */
  payloads: Payload[];
  /** Bytes of the good frames: where the file is to be cut when `damage` is set. */
  goodBytes: number;
  fileBytes: number;
  /** Why reading stopped before the end of the file (a torn or corrupt tail); undefined when it did not. */
  damage: string | undefined;
}

export async function scanSegment(path: string): Promise<SegmentScan> {
  const bytes = await readFile(path);
  const payloads: Payload[] = [];
  let offset = 0;
  let damage: string | undefined;
  while (offset < bytes.length) {
    const read = decodeFrame(bytes, offset);
    if (read.kind === 'bad') {
      damage = read.reason;
      break;
    }
    const payload = decodePayload(read.payload);
    if (!payload) {
      damage = `frame at ${offset} holds no payload this spool wrote`;
      break;
    }
    payloads.push(payload);
    offset = read.end;
  }
  return { payloads, goodBytes: offset, fileBytes: bytes.length, damage };
}

/** Cuts the file to `bytes` and makes that durable. */
export async function truncateSegment(path: string, bytes: number): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.truncate(bytes);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * Creates the segment file (it must not exist) holding `firstFrame`, fsync'ed. Returns the open
 * handle, positioned nowhere: writes use explicit positions. On failure the file is removed.
 */
export async function createSegment(path: string, firstFrame: Uint8Array): Promise<FileHandle> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await writeAll(handle, [firstFrame], 0);
    await handle.datasync();
    return handle;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
}

/** Writes all of `buffers` at `position`, continuing after short writes. */
export async function writeAll(handle: FileHandle, buffers: readonly Uint8Array[], position: number): Promise<void> {
  let queue = buffers.filter((buffer) => buffer.length > 0);
  let at = position;
  while (queue.length > 0) {
    const batch = queue.slice(0, WRITEV_BATCH);
    let { bytesWritten } = await handle.writev(batch, at);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    at += bytesWritten;
    let done = 0;
    while (done < queue.length && bytesWritten >= queue[done]!.length) bytesWritten -= queue[done++]!.length;
    queue = queue.slice(done);
    if (bytesWritten > 0) queue[0] = queue[0]!.subarray(bytesWritten);
  }
}

/** Makes created, renamed and removed directory entries durable. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
