import type { IncomingMessage } from 'node:http';
import { gunzip, inflate } from 'node:zlib';

export type BodyResult = { ok: true; body: Uint8Array } | { ok: false; status: 400 | 413 | 415; message: string };

/**
 * The request body, decompressed (`Content-Encoding: gzip`, `deflate` or none), at most `limit`
 * bytes before and after decompression: a bigger body, or a gzip bomb, is a 413 without holding it.
 */
export async function readBody(request: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    request.resume();
    return { ok: false, status: 413, message: `body of ${declared} bytes is over the ${limit}-byte limit` };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      request.resume();
      return { ok: false, status: 413, message: `body is over the ${limit}-byte limit` };
    }
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks, size);
  const encoding = String(request.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') return { ok: true, body: raw };
  if (encoding !== 'gzip' && encoding !== 'deflate') return { ok: false, status: 415, message: `Content-Encoding ${JSON.stringify(encoding.slice(0, 40))} is not supported (gzip, deflate, identity)` };
  const inflateWith = encoding === 'gzip' ? gunzip : inflate;
  return new Promise((resolve) => {
    inflateWith(raw, { maxOutputLength: limit }, (error, out) => {
      if (!error) resolve({ ok: true, body: out });
      else if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') resolve({ ok: false, status: 413, message: `decompressed body is over the ${limit}-byte limit` });
      else resolve({ ok: false, status: 400, message: `body is not valid ${encoding}: ${error.message.slice(0, 100)}` });
    });
  });
}
