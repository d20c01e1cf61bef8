/**
 * One frame of a spool segment: `[u32 length][u32 crc32][payload]`, both numbers little-endian,
 * `length` = payload bytes, `crc32` over the payload. A frame is the unit that is either wholly on
 * disk or not: a reader stops at the first frame that is short, has length 0 (zero-filled tail) or
 * fails its CRC.
 */
import { crc32 } from './crc32.js';

export const FRAME_HEADER_BYTES = 8;
/** The largest payload the u32 length can describe. */
export const MAX_PAYLOAD_BYTES = 0xffff_ffff;

/**
 * A frame buffer with room for `payloadBytes` after the header. The caller writes the payload at
 * `FRAME_HEADER_BYTES` (every byte: the buffer is not zeroed) and then calls `sealFrame`.
 */
export function allocateFrame(payloadBytes: number): Buffer {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 1 || payloadBytes > MAX_PAYLOAD_BYTES) {
    throw new RangeError(`spool: a frame payload must be 1..${MAX_PAYLOAD_BYTES} bytes, not ${payloadBytes}`);
  }
  return Buffer.allocUnsafe(FRAME_HEADER_BYTES + payloadBytes);
}

/** Writes the length and the CRC of the payload already in `frame`; returns `frame`. */
export function sealFrame(frame: Buffer): Buffer {
  frame.writeUInt32LE(frame.length - FRAME_HEADER_BYTES, 0);
  frame.writeUInt32LE(crc32(frame, FRAME_HEADER_BYTES, frame.length), 4);
  return frame;
}

/** A frame holding a copy of `payload`. */
export function encodeFrame(payload: Uint8Array): Buffer {
  const frame = allocateFrame(payload.length);
  frame.set(payload, FRAME_HEADER_BYTES);
  return sealFrame(frame);
}

export type FrameRead =
  | { kind: 'frame'; /** a view into the input, not a copy */ payload: Uint8Array; end: number }
  | { kind: 'bad'; reason: string };

/** Reads the frame at `offset` of `bytes` (`offset` < `bytes.length`). Never throws. */
export function decodeFrame(bytes: Uint8Array, offset: number): FrameRead {
  const remaining = bytes.length - offset;
  if (remaining < FRAME_HEADER_BYTES) return { kind: 'bad', reason: `${remaining} bytes at ${offset}: shorter than a frame header` };
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, FRAME_HEADER_BYTES);
  const length = view.getUint32(0, true);
  const expected = view.getUint32(4, true);
  if (length === 0) return { kind: 'bad', reason: `frame at ${offset} has length 0` };
  if (length > remaining - FRAME_HEADER_BYTES) {
    return { kind: 'bad', reason: `frame at ${offset} has length ${length}, only ${remaining - FRAME_HEADER_BYTES} bytes follow` };
  }
  const start = offset + FRAME_HEADER_BYTES;
  const end = start + length;
  if (crc32(bytes, start, end) !== expected) return { kind: 'bad', reason: `frame at ${offset} fails its CRC` };
  return { kind: 'frame', payload: bytes.subarray(start, end), end };
}
