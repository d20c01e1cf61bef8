import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether `Authorization: Bearer <token>` carries `token`, compared in constant time. */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(.+)$/i.exec(value?.trim() ?? '');
  if (!match) return false;
  // Hashes have equal lengths, so the comparison time says nothing about the token's length.
  return timingSafeEqual(digest(match[1]!.trim()), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
