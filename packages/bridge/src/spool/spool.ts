/**
 * A bounded, crash-safe write-ahead spool of OTLP requests: the bridge appends a request (and waits
 * for the fsync) before it answers 200, confirms it once Nexus has its spans, and on start replays
 * what was appended and never confirmed.
 *
 * On disk: a directory (0o700) with a `lock` file and segment files (0o600, they may hold API keys)
 * of CRC-checked frames (frame.ts, payload.ts, segment.ts). Records go to the current segment, which
 * rotates at `segmentBytes`; every open starts a new segment. Confirmations are frames in the
 * current segment too, so a confirmation of a record in an older segment survives a restart.
 *
 * Space: a segment none of whose records is unconfirmed is deleted (never the current one). Before
 * deleting it, the confirmations it holds for records in segments that stay are written again into
 * the current segment. There is no other compaction: one record never confirmed keeps its whole
 * segment on disk; the bridge is expected to confirm (or give up on and confirm) every record.
 *
 * Delivery is at least once: a crash can replay a record whose confirmation was not yet durable.
 * Nothing here logs; failures come back as results.
 */
import type { FileHandle } from 'node:fs/promises';
import { unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { codeOf, describe } from './errors.js';
import { FRAME_HEADER_BYTES, MAX_PAYLOAD_BYTES } from './frame.js';
import { lockDirectory, type DirLock } from './lock.js';
import { encodeConfirmFrame, encodeRecordFrame, encodeStartFrame, recordPayloadBytes } from './payload.js';
import { createSegment, listSegments, scanSegment, segmentFileName, syncDirectory, truncateSegment, writeAll } from './segment.js';

export interface SpoolEntry {
  signal: 'traces' | 'logs';
  encoding: 'protobuf' | 'json';
  /** The Nexus API key this request is for, when given per request; absent = the bridge's own. */
  apiKey?: string;
  /** The decompressed request body. */
  body: Uint8Array;
}

export interface StoredEntry extends SpoolEntry {
  id: number;
}

export interface SpoolOptions {
  dir: string;
  /** Bound on the total bytes of the live segment files. */
  maxBytes: number;
  /** A segment is rotated when the next frame would take it past this; default 8 MiB. */
  segmentBytes?: number;
  /** Group commit window: appends arriving within it share one fsync; default 5. */
  fsyncDelayMillis?: number;
}

export type AppendResult = { ok: true; id: number } | { ok: false; reason: 'full' | 'closed' | 'io'; message: string };

export interface SpoolStats {
  /** Bytes of the live segment files (records, confirmations and segment headers). */
  bytes: number;
  /** Live segment files. */
  segments: number;
  /** Records on disk not confirmed (replayed ones included, appends still waiting for their fsync not). */
  pending: number;
  /** Records confirmed since open. */
  confirmed: number;
  /** Appends answered `full` since open. */
  full: number;
  /** Torn or corrupt segment tails cut off by open. */
  tornTails: number;
}

export const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;
export const DEFAULT_FSYNC_DELAY_MILLIS = 5;
/** Confirmations alone are made durable at the latest this long after the first of them. */
const CONFIRM_FLUSH_MILLIS = 1000;
/** How long to wait before trying again to delete segments after a failure. */
const COLLECT_RETRY_MILLIS = 1000;

interface Segment {
  seq: number;
  path: string;
  /** Open only for the current segment. */
  handle: FileHandle | undefined;
  /** Bytes in the file: the position of the next write. */
  bytes: number;
  /** Bytes of the start frame (0 for segments found on open). */
  headerBytes: number;
  recordIds: number[];
  unconfirmed: number;
  /** Ids whose confirm frame is in this segment while their record is in another one. */
  confirmsHeld: Set<number>;
  /** Written no more after a failed write; the next write rotates. */
  sealed: boolean;
}

interface RecordState {
  segment: Segment;
  confirmed: boolean;
}

interface QueuedAppend {
  id: number;
  frame: Buffer;
  resolve(result: AppendResult): void;
}

/** A frame to write, and what to do once it is durable or once writing it failed. */
interface PlannedFrame {
  frame: Buffer;
  durable(segment: Segment): void;
  failed(message: string): void;
}

const CLOSED: AppendResult = { ok: false, reason: 'closed', message: 'spool: closed' };

export class Spool {
  readonly #dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #fsyncDelayMillis: number;
  readonly #lock: DirLock;

  #segments: Segment[] = [];
  #current: Segment | undefined;
  readonly #records = new Map<number, RecordState>();
  #nextId = 1;
  #nextSeq = 1;

  #liveBytes = 0;
  /** Bytes of appends queued for the next group commit. */
  #reservedBytes = 0;
  #pending = 0;
  #confirmedCount = 0;
  #fullCount = 0;
  #tornTails = 0;

  #appendQueue: QueuedAppend[] = [];
  #confirmQueue: number[] = [];
  #collectNeeded = false;
  #collectRetryLater = false;
  #rotateRequested = false;

  #timer: NodeJS.Timeout | undefined;
  #timerDue = Infinity;
  #running: Promise<void> | undefined;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #closing: Promise<void> | undefined;
  /** Set when opening failed after the lock was taken: appends answer `io` with this. */
  #broken: string | undefined;

  private constructor(dir: string, options: SpoolOptions, lock: DirLock) {
    this.#dir = dir;
    this.#maxBytes = options.maxBytes;
    this.#segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.#fsyncDelayMillis = options.fsyncDelayMillis ?? DEFAULT_FSYNC_DELAY_MILLIS;
    this.#lock = lock;
  }

  /**
   * Locks and reads the directory (creating it when missing), cuts torn tails, deletes fully
   * confirmed segments and starts a new segment. Rejects only when the directory cannot be locked
   * (another live process has it, it is already open in this process, or it cannot be created) or
   * the options are invalid. Any later I/O failure leaves a spool whose appends answer `io`.
   */
  static async open(options: SpoolOptions): Promise<{ spool: Spool; replay: StoredEntry[] }> {
    validate(options);
    const lock = await lockDirectory(resolve(options.dir));
    const spool = new Spool(lock.dir, options, lock);
    let replay: StoredEntry[];
    try {
      replay = await spool.#load();
    } catch (error) {
      spool.#broken = `spool: cannot use ${lock.dir}: ${describe(error)}`;
      replay = [];
    }
    return { spool, replay };
  }

  /** Resolves once the record is durable (or was not written, and why). Never rejects. */
  append(entry: SpoolEntry): Promise<AppendResult> {
    if (this.#state !== 'open') return Promise.resolve(CLOSED);
    if (this.#broken !== undefined) return Promise.resolve({ ok: false, reason: 'io', message: this.#broken });
    let frame: Buffer;
    try {
      const apiKey = entry.apiKey === undefined ? undefined : Buffer.from(entry.apiKey, 'utf8');
      const payloadBytes = recordPayloadBytes(apiKey?.length ?? 0, entry.body.length);
      const frameBytes = FRAME_HEADER_BYTES + payloadBytes;
      if (payloadBytes > MAX_PAYLOAD_BYTES || this.#liveBytes + this.#reservedBytes + frameBytes > this.#maxBytes) {
        return Promise.resolve(this.#full(frameBytes));
      }
      frame = encodeRecordFrame(this.#nextId, entry, apiKey);
    } catch (error) {
      return Promise.resolve({ ok: false, reason: 'io', message: `spool: cannot encode the entry: ${describe(error)}` });
    }
    const id = this.#nextId++;
    this.#reservedBytes += frame.length;
    return new Promise<AppendResult>((resolveAppend) => {
      this.#appendQueue.push({ id, frame, resolve: resolveAppend });
      this.#schedule(this.#fsyncDelayMillis);
    });
  }

  /**
   * Marks the record confirmed: it is not replayed after the confirmation is durable (with the next
   * group commit, or within a second). Unknown and already confirmed ids are ignored.
   */
  confirm(id: number): void {
    if (this.#state === 'closed') return;
    const record = this.#records.get(id);
    if (!record || record.confirmed) return;
    record.confirmed = true;
    record.segment.unconfirmed--;
    this.#pending--;
    this.#confirmedCount++;
    this.#confirmQueue.push(id);
    if (record.segment.unconfirmed === 0 && record.segment !== this.#current) {
      // A segment can go: deleting it frees space (and needs no durable confirmation first).
      this.#collectNeeded = true;
      this.#schedule(this.#fsyncDelayMillis);
    } else {
      this.#schedule(CONFIRM_FLUSH_MILLIS);
    }
  }

  stats(): SpoolStats {
    return {
      bytes: this.#liveBytes,
      segments: this.#segments.length,
      pending: this.#pending,
      confirmed: this.#confirmedCount,
      full: this.#fullCount,
      tornTails: this.#tornTails,
    };
  }

  /** Commits queued appends and confirmations, closes the files and releases the lock. Later appends answer `closed`. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#state = 'closing';
    this.#clearTimer();
    await this.#running;
    // A failing disk requeues confirmations: try a bounded number of times.
    for (let attempt = 0; attempt < 3 && (this.#appendQueue.length > 0 || this.#confirmQueue.length > 0); attempt++) {
      this.#kick();
      await this.#running;
    }
    this.#state = 'closed';
    for (const queued of this.#appendQueue.splice(0)) queued.resolve(CLOSED);
    const handle = this.#current?.handle;
    if (this.#current) this.#current.handle = undefined;
    await handle?.close().catch(() => undefined);
    await this.#lock.release();
  }

  #full(frameBytes: number): AppendResult {
    this.#fullCount++;
    const current = this.#current;
    if (current && current.unconfirmed === 0 && current.recordIds.length > 0) {
      // Only the current segment (never deleted) holds confirmed records: start a new one so it can go.
      this.#rotateRequested = true;
      this.#schedule(this.#fsyncDelayMillis);
    }
    return {
      ok: false,
      reason: 'full',
      message: `spool: full (${this.#liveBytes + this.#reservedBytes} of ${this.#maxBytes} bytes used, the entry needs ${frameBytes})`,
    };
  }

  // ---- group commit -------------------------------------------------------------------------

  #schedule(delayMillis: number): void {
    if (this.#state !== 'open' || this.#running) return; // a running pump looks at the queues when it is done
    const due = Date.now() + delayMillis;
    if (this.#timer === undefined || due < this.#timerDue) {
      this.#clearTimer();
      this.#timerDue = due;
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.#timerDue = Infinity;
        this.#kick();
      }, delayMillis);
    }
    // Waiting appends keep the process alive; lazy confirmations alone do not.
    if (this.#appendQueue.length > 0) this.#timer.ref();
    else this.#timer.unref();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #kick(): void {
    if (this.#running) return;
    this.#running = this.#pump().finally(() => {
      this.#running = undefined;
      if (this.#appendQueue.length > 0) this.#schedule(0);
      else if (this.#collectNeeded) this.#schedule(this.#collectRetryLater ? COLLECT_RETRY_MILLIS : this.#fsyncDelayMillis);
      else if (this.#confirmQueue.length > 0) this.#schedule(CONFIRM_FLUSH_MILLIS);
    });
  }

  /** Commits until no append waits (appends that arrive during an fsync go together right after it). Never rejects. */
  async #pump(): Promise<void> {
    try {
      do {
        if (this.#appendQueue.length > 0 || this.#confirmQueue.length > 0) await this.#commit();
        if (this.#collectNeeded || this.#rotateRequested) await this.#collect();
      } while (this.#appendQueue.length > 0);
    } catch (error) {
      // Not expected (#commit and #collect handle I/O failures): stop taking appends rather than lose them silently.
      this.#broken = `spool: internal error: ${describe(error)}`;
      for (const queued of this.#appendQueue.splice(0)) {
        this.#reservedBytes -= queued.frame.length;
        queued.resolve({ ok: false, reason: 'io', message: this.#broken });
      }
    }
  }

  async #commit(): Promise<void> {
    const appends = this.#appendQueue.splice(0);
    const confirmIds = this.#confirmQueue.splice(0).filter((id) => this.#records.has(id));
    const planned: PlannedFrame[] = [];
    if (confirmIds.length > 0) planned.push(this.#confirmFrame(confirmIds, true));
    for (const queued of appends) {
      planned.push({
        frame: queued.frame,
        durable: (segment) => {
          this.#reservedBytes -= queued.frame.length;
          this.#records.set(queued.id, { segment, confirmed: false });
          segment.recordIds.push(queued.id);
          segment.unconfirmed++;
          this.#pending++;
          queued.resolve({ ok: true, id: queued.id });
        },
        failed: (message) => {
          this.#reservedBytes -= queued.frame.length;
          queued.resolve({ ok: false, reason: 'io', message });
        },
      });
    }
    await this.#write(planned);
  }

  #confirmFrame(ids: number[], requeueOnFailure: boolean): PlannedFrame {
    return {
      frame: encodeConfirmFrame(ids),
      durable: (segment) => {
        for (const id of ids) {
          const record = this.#records.get(id);
          if (record && record.segment !== segment) segment.confirmsHeld.add(id);
        }
      },
      failed: () => {
        if (requeueOnFailure) this.#confirmQueue = ids.concat(this.#confirmQueue);
      },
    };
  }

  /** Writes the frames in order into the current segment, rotating as needed; one fsync per segment touched. */
  async #write(planned: PlannedFrame[]): Promise<void> {
    let run: PlannedFrame[] = [];
    let runBytes = 0;
    for (let i = 0; i < planned.length; i++) {
      const frame = planned[i]!;
      const segment = this.#current!;
      const used = segment.bytes + runBytes;
      if (segment.sealed || (used > segment.headerBytes && used + frame.frame.length > this.#segmentBytes)) {
        await this.#flushRun(segment, run);
        run = [];
        runBytes = 0;
        try {
          await this.#rotate();
        } catch (error) {
          const message = `spool: cannot start a new segment in ${this.#dir}: ${describe(error)}`;
          for (const rest of planned.slice(i)) rest.failed(message);
          return;
        }
      }
      run.push(frame);
      runBytes += frame.frame.length;
    }
    await this.#flushRun(this.#current!, run);
  }

  async #flushRun(segment: Segment, run: PlannedFrame[]): Promise<void> {
    if (run.length === 0) return;
    const handle = segment.handle!;
    const start = segment.bytes;
    const frames = run.map((planned) => planned.frame);
    const length = frames.reduce((sum, frame) => sum + frame.length, 0);
    try {
      await writeAll(handle, frames, start);
      segment.bytes = start + length;
      this.#liveBytes += length;
      await handle.datasync();
    } catch (error) {
      const message = `spool: writing ${segment.path} failed: ${describe(error)}`;
      // After a failed fsync the kernel may have dropped the pages: write no more to this file.
      segment.sealed = true;
      const before = segment.bytes;
      try {
        await handle.truncate(start);
        segment.bytes = start;
      } catch {
        segment.bytes = await handle.stat().then(
          (stat) => stat.size,
          () => start + length,
        );
      }
      this.#liveBytes += segment.bytes - before;
      for (const planned of run) planned.failed(message);
      return;
    }
    for (const planned of run) planned.durable(segment);
  }

  /** Starts a new current segment (durable, directory entry included) whose start frame holds the next id. */
  async #rotate(): Promise<void> {
    const seq = this.#nextSeq++;
    const path = join(this.#dir, segmentFileName(seq));
    const header = encodeStartFrame(this.#nextId);
    const handle = await createSegment(path, header);
    try {
      await syncDirectory(this.#dir);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(path).catch(() => undefined);
      throw error;
    }
    const previous = this.#current;
    const segment: Segment = {
      seq,
      path,
      handle,
      bytes: header.length,
      headerBytes: header.length,
      recordIds: [],
      unconfirmed: 0,
      confirmsHeld: new Set(),
      sealed: false,
    };
    this.#segments.push(segment);
    this.#current = segment;
    this.#liveBytes += header.length;
    if (previous) {
      const previousHandle = previous.handle;
      previous.handle = undefined;
      await previousHandle?.close().catch(() => undefined);
      if (previous.unconfirmed === 0) this.#collectNeeded = true;
    }
  }

  /** Deletes the segments (but the current one) with no unconfirmed record, oldest first. */
  async #collect(): Promise<void> {
    this.#collectNeeded = false;
    this.#collectRetryLater = false;
    const current = this.#current;
    if (!current) return;
    if (this.#rotateRequested) {
      this.#rotateRequested = false;
      if (current.unconfirmed === 0 && current.recordIds.length > 0) {
        try {
          await this.#rotate();
        } catch {
          // Still full; the next `full` asks again.
        }
      }
    }
    const doomed = this.#segments.filter((segment) => segment !== this.#current && segment.unconfirmed === 0);
    if (doomed.length === 0) return;
    const going = new Set(doomed);
    // Confirmations held for records in segments that stay must outlive these files.
    const carried: number[] = [];
    for (const segment of doomed) {
      for (const id of segment.confirmsHeld) {
        const record = this.#records.get(id);
        if (record && !going.has(record.segment)) carried.push(id);
      }
    }
    if (carried.length > 0) {
      let written = true;
      await this.#write([{ ...this.#confirmFrame(carried, false), failed: () => (written = false) }]);
      if (!written) {
        this.#collectNeeded = true;
        this.#collectRetryLater = true;
        return;
      }
    }
    let deleted = false;
    for (const segment of doomed) {
      try {
        await unlink(segment.path);
      } catch (error) {
        if (codeOf(error) !== 'ENOENT') {
          // Newer segments may hold confirmations for this one's records: keep them all for now.
          this.#collectNeeded = true;
          this.#collectRetryLater = true;
          break;
        }
      }
      deleted = true;
      this.#segments = this.#segments.filter((live) => live !== segment);
      this.#liveBytes -= segment.bytes;
      for (const id of segment.recordIds) this.#records.delete(id);
    }
    if (deleted) await syncDirectory(this.#dir).catch(() => undefined);
  }

  // ---- open ---------------------------------------------------------------------------------

  async #load(): Promise<StoredEntry[]> {
    const records: Array<{ entry: StoredEntry; segment: Segment }> = [];
    const confirmed = new Set<number>();
    let nextId = 1;
    for (const seq of await listSegments(this.#dir)) {
      const path = join(this.#dir, segmentFileName(seq));
      const scan = await scanSegment(path);
      if (scan.damage !== undefined) {
        await truncateSegment(path, scan.goodBytes);
        this.#tornTails++;
      }
      const segment: Segment = {
        seq,
        path,
        handle: undefined,
        bytes: scan.goodBytes,
        headerBytes: 0,
        recordIds: [],
        unconfirmed: 0,
        confirmsHeld: new Set(),
        sealed: true,
      };
      this.#segments.push(segment);
      this.#liveBytes += segment.bytes;
      this.#nextSeq = seq + 1;
      for (const payload of scan.payloads) {
        if (payload.type === 'start') {
          nextId = Math.max(nextId, payload.nextId);
        } else if (payload.type === 'confirm') {
          for (const id of payload.ids) {
            confirmed.add(id);
            const record = this.#records.get(id);
            if (record && record.segment !== segment) segment.confirmsHeld.add(id);
          }
        } else if (!this.#records.has(payload.id)) {
          const { type: _type, ...entry } = payload;
          this.#records.set(payload.id, { segment, confirmed: false });
          segment.recordIds.push(payload.id);
          records.push({ entry, segment });
          nextId = Math.max(nextId, payload.id + 1);
        }
      }
    }
    const replay: StoredEntry[] = [];
    for (const { entry, segment } of records) {
      if (confirmed.has(entry.id)) {
        this.#records.get(entry.id)!.confirmed = true;
      } else {
        segment.unconfirmed++;
        this.#pending++;
        replay.push(entry);
      }
    }
    this.#nextId = nextId;
    await this.#rotate();
    await this.#collect();
    return replay;
  }
}

function validate(options: SpoolOptions): void {
  const positive = (name: string, value: unknown): void => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`spool: ${name} must be a positive integer, not ${String(value)}`);
    }
  };
  if (typeof options.dir !== 'string' || options.dir === '') throw new TypeError('spool: dir must be a directory path');
  positive('maxBytes', options.maxBytes);
  if (options.segmentBytes !== undefined) positive('segmentBytes', options.segmentBytes);
  const delay = options.fsyncDelayMillis;
  if (delay !== undefined && (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0)) {
    throw new TypeError(`spool: fsyncDelayMillis must be 0 or more, not ${String(delay)}`);
  }
}
