// A response as data: handlers build one, the server decides whether to send it or (for the
// dropResponseNext fault) to commit the work and then hang up without sending it.
import { STATUS_CODES } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export function json(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  // Hono-style `application/json` (no charset), like the hosted server's JSON answers.
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function badRequest(value: unknown): Reply {
  return json(400, value);
}

export function text(status: number, body: string = STATUS_CODES[status] ?? 'Error'): Reply {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body };
}

/** Unknown routes and methods get an HTML page, not JSON: clients that JSON.parse it must cope. */
export function notFoundPage(): Reply {
  return {
    status: 404,
    headers: { 'content-type': 'text/html; charset=utf-8' },
    body: '<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1><p>The requested page does not exist.</p></body></html>\n',
  };
}

export const invalidApiKey = (): Reply => json(401, { error: 'Invalid API key' });
export const traceNotFound = (): Reply => json(404, { error: 'Trace not found' });
