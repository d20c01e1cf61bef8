import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/spool/crc32.js';
import { decodeFrame, encodeFrame, FRAME_HEADER_BYTES } from '../../src/spool/frame.js';
import { decodePayload, encodeConfirmFrame, encodeRecordFrame, encodeStartFrame } from '../../src/spool/payload.js';

describe('crc32', () => {
  it('gives the standard check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(Buffer.from('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('agrees with node:zlib crc32 where Node has it', () => {
    const native = (zlib as { crc32?: (data: Uint8Array) => number }).crc32;
    const data = randomBytes(100_000);
    if (native) expect(crc32(data)).toBe(native(data));
    expect(crc32(data, 10, 5000)).toBe(crc32(data.subarray(10, 5000)));
  });
});

describe('frames', () => {
  it('round-trips and stops at short, zero-length and corrupt frames', () => {
    const a = encodeFrame(Buffer.from('hello'));
    const b = encodeFrame(Buffer.from('world!'));
    const bytes = Buffer.concat([a, b]);
    const first = decodeFrame(bytes, 0);
    expect(first).toMatchObject({ kind: 'frame', end: a.length });
    if (first.kind !== 'frame') throw new Error('unreachable');
    expect(Buffer.from(first.payload).toString()).toBe('hello');
    const second = decodeFrame(bytes, first.end);
    expect(second.kind === 'frame' && Buffer.from(second.payload).toString()).toBe('world!');

    expect(decodeFrame(bytes.subarray(0, bytes.length - 1), first.end).kind).toBe('bad');
    expect(decodeFrame(bytes.subarray(0, first.end + 5), first.end).kind).toBe('bad');
    expect(decodeFrame(Buffer.alloc(16), 0).kind).toBe('bad');
    const flipped = Buffer.from(bytes);
    flipped[FRAME_HEADER_BYTES + 1]! ^= 0x01;
    expect(decodeFrame(flipped, 0)).toMatchObject({ kind: 'bad', reason: expect.stringContaining('CRC') });
  });
});

describe('payloads', () => {
  function payloadOf(frame: Buffer): Uint8Array {
    const read = decodeFrame(frame, 0);
    if (read.kind !== 'frame' || read.end !== frame.length) throw new Error('not one whole frame');
    return read.payload;
  }

  it('round-trips records with and without an API key', () => {
    const body = randomBytes(300);
    const key = Buffer.from('clé-ü', 'utf8');
    expect(decodePayload(payloadOf(encodeRecordFrame(2 ** 40 + 3, { signal: 'logs', encoding: 'json', body }, key)))).toEqual({
      type: 'record',
      id: 2 ** 40 + 3,
      signal: 'logs',
      encoding: 'json',
      apiKey: 'clé-ü',
      body: new Uint8Array(body),
    });
    const plain = decodePayload(payloadOf(encodeRecordFrame(7, { signal: 'traces', encoding: 'protobuf', body: new Uint8Array(0) }, undefined)));
    expect(plain).toEqual({ type: 'record', id: 7, signal: 'traces', encoding: 'protobuf', body: new Uint8Array(0) });
    expect(plain && 'apiKey' in plain).toBe(false);
    const empty = decodePayload(payloadOf(encodeRecordFrame(8, { signal: 'traces', encoding: 'protobuf', body }, Buffer.alloc(0))));
    expect(empty).toMatchObject({ apiKey: '' });
  });

  it('round-trips confirmations and segment starts, and refuses foreign payloads', () => {
    expect(decodePayload(payloadOf(encodeConfirmFrame([1, 2, 2 ** 50])))).toEqual({ type: 'confirm', ids: [1, 2, 2 ** 50] });
    expect(decodePayload(payloadOf(encodeStartFrame(42)))).toEqual({ type: 'start', nextId: 42 });
    expect(decodePayload(Buffer.from([9, 0, 0]))).toBeUndefined();
    expect(decodePayload(Buffer.from([2, 5, 0, 0, 0]))).toBeUndefined();
    expect(decodePayload(Buffer.from([1, 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]))).toBeUndefined();
  });
});
