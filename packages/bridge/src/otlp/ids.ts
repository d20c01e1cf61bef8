import type { WireId } from './wire.js';

const HEX = /^[0-9a-fA-F]*$/;

export type IdReading = { ok: true; hex: string } | { ok: false; reason: string };

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex; `hex` is '' when the field is empty.
 * Protobuf carries bytes, OTLP/JSON carries hex (not base64).
 */
export function readId(value: WireId, bytes: 8 | 16, field: string): IdReading {
  if (value === null || value === undefined) return { ok: true, hex: '' };
  let hex: string;
  if (typeof value === 'string') {
    if (!HEX.test(value) || value.length % 2 !== 0) return { ok: false, reason: `${field} must be hex, got "${value.slice(0, 40)}"` };
    hex = value.toLowerCase();
  } else if (value instanceof Uint8Array) {
    hex = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex');
  } else {
    return { ok: false, reason: `${field} must be ${bytes} bytes` };
  }
  if (hex.length === 0) return { ok: true, hex };
  if (hex.length !== bytes * 2) return { ok: false, reason: `${field} must be ${bytes} bytes, got ${hex.length / 2}` };
  return { ok: true, hex };
}

export function isAllZero(hex: string): boolean {
  return /^0*$/.test(hex);
}
