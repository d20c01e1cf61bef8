/**
 * The payloads inside spool frames (all numbers little-endian; ids as two u32, high then low):
 *
 * - record:  `[u8 1][u8 flags][u32 idHigh][u32 idLow][u32 apiKeyBytes][apiKey utf-8][body]`
 *   flags: 1 = signal logs (else traces), 2 = encoding json (else protobuf), 4 = has an API key.
 * - confirm: `[u8 2][u32 count][count × (u32 idHigh, u32 idLow)]` — these records were confirmed.
 * - start:   `[u8 3][u32 idHigh][u32 idLow]` — first frame of every segment: the next id to hand
 *   out when the segment was created, so ids keep increasing even when every record was deleted.
 */
import { allocateFrame, FRAME_HEADER_BYTES, sealFrame } from './frame.js';

export interface RecordFields {
  signal: 'traces' | 'logs';
  encoding: 'protobuf' | 'json';
  apiKey?: string;
  body: Uint8Array;
}

export type Payload =
  | ({ type: 'record'; id: number } & RecordFields)
  | { type: 'confirm'; ids: number[] }
  | { type: 'start'; nextId: number };

const TYPE_RECORD = 1;
const TYPE_CONFIRM = 2;
const TYPE_START = 3;
const FLAG_LOGS = 1;
const FLAG_JSON = 2;
const FLAG_API_KEY = 4;
const KNOWN_FLAGS = FLAG_LOGS | FLAG_JSON | FLAG_API_KEY;
const RECORD_HEADER_BYTES = 14;
const TWO_32 = 2 ** 32;

/** Payload bytes of a record frame with an API key of `apiKeyBytes` bytes. */
export function recordPayloadBytes(apiKeyBytes: number, bodyBytes: number): number {
  return RECORD_HEADER_BYTES + apiKeyBytes + bodyBytes;
}

/** The whole record frame. `apiKey` is the entry's key already utf-8 encoded (or undefined). */
export function encodeRecordFrame(id: number, fields: RecordFields, apiKey: Uint8Array | undefined): Buffer {
  const keyBytes = apiKey?.length ?? 0;
  const frame = allocateFrame(recordPayloadBytes(keyBytes, fields.body.length));
  let at = FRAME_HEADER_BYTES;
  const flags =
    (fields.signal === 'logs' ? FLAG_LOGS : 0) | (fields.encoding === 'json' ? FLAG_JSON : 0) | (apiKey ? FLAG_API_KEY : 0);
  at = frame.writeUInt8(TYPE_RECORD, at);
  at = frame.writeUInt8(flags, at);
  at = writeId(frame, id, at);
  at = frame.writeUInt32LE(keyBytes, at);
  if (apiKey) {
    frame.set(apiKey, at);
    at += keyBytes;
  }
  frame.set(fields.body, at);
  return sealFrame(frame);
}

export function encodeConfirmFrame(ids: readonly number[]): Buffer {
  const frame = allocateFrame(5 + 8 * ids.length);
  let at = frame.writeUInt8(TYPE_CONFIRM, FRAME_HEADER_BYTES);
  at = frame.writeUInt32LE(ids.length, at);
  for (const id of ids) at = writeId(frame, id, at);
  return sealFrame(frame);
}

export function encodeStartFrame(nextId: number): Buffer {
  const frame = allocateFrame(9);
  writeId(frame, nextId, frame.writeUInt8(TYPE_START, FRAME_HEADER_BYTES));
  return sealFrame(frame);
}

/**
 * The payload, or undefined when it is not one this version wrote (the frame's CRC passed, so this
 * means a foreign or damaged file). The record body is a view into `payload`, not a copy.
 */
export function decodePayload(payload: Uint8Array): Payload | undefined {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const size = payload.byteLength;
  if (size < 1) return undefined;
  const type = view.getUint8(0);
  if (type === TYPE_RECORD) {
    if (size < RECORD_HEADER_BYTES) return undefined;
    const flags = view.getUint8(1);
    if ((flags & ~KNOWN_FLAGS) !== 0) return undefined;
    const id = readId(view, 2);
    const keyBytes = view.getUint32(10, true);
    if (id === undefined || keyBytes > size - RECORD_HEADER_BYTES) return undefined;
    if (!(flags & FLAG_API_KEY) && keyBytes !== 0) return undefined;
    const bodyStart = RECORD_HEADER_BYTES + keyBytes;
    const record: Extract<Payload, { type: 'record' }> = {
      type: 'record',
      id,
      signal: flags & FLAG_LOGS ? 'logs' : 'traces',
      encoding: flags & FLAG_JSON ? 'json' : 'protobuf',
      body: new Uint8Array(payload.buffer, payload.byteOffset + bodyStart, size - bodyStart),
    };
    if (flags & FLAG_API_KEY) {
      record.apiKey = Buffer.from(payload.buffer, payload.byteOffset + RECORD_HEADER_BYTES, keyBytes).toString('utf8');
    }
    return record;
  }
  if (type === TYPE_CONFIRM) {
    if (size < 5) return undefined;
    const count = view.getUint32(1, true);
    if (size !== 5 + 8 * count) return undefined;
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = readId(view, 5 + 8 * i);
      if (id === undefined) return undefined;
      ids.push(id);
    }
    return { type: 'confirm', ids };
  }
  if (type === TYPE_START) {
    if (size !== 9) return undefined;
    const nextId = readId(view, 1);
    return nextId === undefined ? undefined : { type: 'start', nextId };
  }
  return undefined;
}

function writeId(frame: Buffer, id: number, at: number): number {
  at = frame.writeUInt32LE(Math.floor(id / TWO_32), at);
  return frame.writeUInt32LE(id % TWO_32, at);
}

function readId(view: DataView, at: number): number | undefined {
  const id = view.getUint32(at, true) * TWO_32 + view.getUint32(at + 4, true);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
