import type { IncomingHttpHeaders } from 'node:http';

/** One HTTP/1.x response, whole. */
export interface ParsedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The connection may carry another request (HTTP/1.1 without `connection: close`, a length-bounded body). */
  keepAlive: boolean;
}

/** The bytes are not HTTP/1.x: the connection cannot be trusted for anything after them. */
export class ResponseParseError extends Error {
  readonly code = 'HPE_INVALID';
}

/** Node's own limit is 16 KiB; a proxy or CDN adds headers, so a little more room. */
const MAX_HEAD_BYTES = 64 * 1024;
/** What is kept of a body; the rest is read and dropped (an answer's body is only ever an id or an error). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

type State = 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done';

/**
 * An incremental parser for the answer to one request, fed the socket's chunks as they come.
 * Handles what servers and CDNs send to a JSON API client: a `content-length` or chunked body, a
 * body delimited by the connection's end, interim 1xx answers, `connection: close`. Pure: no I/O.
 */
export class ResponseParser {
  #state: State = 'head';
  #pending: Buffer = Buffer.alloc(0);
  #status = 0;
  #headers: IncomingHttpHeaders = Object.create(null) as IncomingHttpHeaders;
  #keepAlive = false;
  #remaining = 0;
  #body: Buffer[] = [];
  #bodyBytes = 0;
  /** Bytes after the end of the response: a server that talks out of turn. */
  excess = false;

  /** Feeds a chunk; the response when it is complete. Throws ResponseParseError. */
  push(chunk: Buffer): ParsedResponse | undefined {
    if (this.#state === 'done') {
      if (chunk.length > 0) this.excess = true;
      return undefined;
    }
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    for (;;) {
      const progressed = this.#step();
      if ((this.#state as State) === 'done') {
        if (this.#pending.length > 0) this.excess = true;
        return this.#result();
      }
      if (!progressed) return undefined;
    }
  }

  /** The connection ended: the response if its body was delimited by that end, else undefined. */
  end(): ParsedResponse | undefined {
    if (this.#state !== 'until-close') return undefined;
    this.#state = 'done';
    return this.#result();
  }

  /** One state's work on the pending bytes; false when it needs more. */
  #step(): boolean {
    switch (this.#state) {
      case 'head':
        return this.#readHead();
      case 'length':
        return this.#take('done');
      case 'chunk-size': {
        const line = this.#line();
        if (line === undefined) return false;
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (!size) throw new ResponseParseError('invalid chunk size line');
        this.#remaining = Number.parseInt(size[1] as string, 16);
        this.#state = this.#remaining === 0 ? 'trailers' : 'chunk-data';
        return true;
      }
      case 'chunk-data':
        return this.#take('chunk-end');
      case 'chunk-end': {
        const line = this.#line();
        if (line === undefined) return false;
        if (line !== '') throw new ResponseParseError('chunk data longer than its size');
        this.#state = 'chunk-size';
        return true;
      }
      case 'trailers': {
        const line = this.#line();
        if (line === undefined) return false;
        if (line === '') this.#state = 'done';
        return true;
      }
      case 'until-close':
        this.#keep(this.#pending);
        this.#pending = Buffer.alloc(0);
        return false;
      default:
        return false;
    }
  }

  #readHead(): boolean {
    const end = this.#pending.indexOf(HEAD_END);
    if (end < 0) {
      if (this.#pending.length > MAX_HEAD_BYTES) throw new ResponseParseError(`response head over ${MAX_HEAD_BYTES} bytes`);
      return false;
    }
    if (end > MAX_HEAD_BYTES) throw new ResponseParseError(`response head over ${MAX_HEAD_BYTES} bytes`);
    const lines = this.#pending.subarray(0, end).toString('latin1').split('\r\n');
    this.#pending = this.#pending.subarray(end + HEAD_END.length);
    const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
    if (!statusLine) throw new ResponseParseError(`not an HTTP/1.x status line: ${JSON.stringify((lines[0] ?? '').slice(0, 40))}`);
    const status = Number(statusLine[2]);
    // No prototype: a header named `constructor` or `__proto__` is a header like any other.
    const headers = Object.create(null) as IncomingHttpHeaders;
    for (let i = 1; i < lines.length; i += 1) addHeader(headers, lines[i] as string);
    // An interim answer (100 Continue, 103 Early Hints): the real one follows.
    if (status >= 100 && status < 200 && status !== 101) return true;
    this.#status = status;
    this.#headers = headers;
    const connection = String(headers.connection ?? '').toLowerCase();
    this.#keepAlive = statusLine[1] === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const transferEncoding = String(headers['transfer-encoding'] ?? '').toLowerCase();
    if (status === 204 || status === 304) {
      this.#state = 'done';
    } else if (transferEncoding) {
      if (/(^|,)\s*chunked\s*$/.test(transferEncoding)) this.#state = 'chunk-size';
      else this.#untilClose();
    } else if (headers['content-length'] !== undefined) {
      const length = headers['content-length'];
      if (!/^\d{1,15}$/.test(length)) throw new ResponseParseError(`invalid content-length ${JSON.stringify(length.slice(0, 40))}`);
      this.#remaining = Number(length);
      this.#state = this.#remaining === 0 ? 'done' : 'length';
    } else {
      this.#untilClose();
    }
    return true;
  }

  /** Up to `#remaining` body bytes; then `next`. */
  #take(next: State): boolean {
    const take = Math.min(this.#remaining, this.#pending.length);
    this.#keep(this.#pending.subarray(0, take));
    this.#pending = this.#pending.subarray(take);
    this.#remaining -= take;
    if (this.#remaining === 0) this.#state = next;
    return take > 0;
  }

  #untilClose(): void {
    this.#state = 'until-close';
    this.#keepAlive = false;
  }

  /** The next CRLF-terminated line, consumed; undefined until it is all there. */
  #line(): string | undefined {
    const end = this.#pending.indexOf(CRLF);
    if (end < 0) {
      if (this.#pending.length > MAX_HEAD_BYTES) throw new ResponseParseError('chunk line too long');
      return undefined;
    }
    const line = this.#pending.subarray(0, end).toString('latin1');
    this.#pending = this.#pending.subarray(end + CRLF.length);
    return line;
  }

  #keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.#bodyBytes += bytes.length;
    if (this.#bodyBytes <= MAX_BODY_BYTES) this.#body.push(Buffer.from(bytes));
  }

  #result(): ParsedResponse {
    const body = this.#body.length === 1 ? (this.#body[0] as Buffer) : Buffer.concat(this.#body);
    return { status: this.#status, headers: this.#headers, body, keepAlive: this.#keepAlive && !this.excess };
  }
}

/** `name: value`, names lower-cased; repeated names joined with ", " (`set-cookie` kept as a list), as Node does. */
function addHeader(headers: IncomingHttpHeaders, line: string): void {
  if (line === '') return;
  if (line.startsWith(' ') || line.startsWith('\t')) throw new ResponseParseError('folded header line');
  const colon = line.indexOf(':');
  if (colon <= 0) throw new ResponseParseError(`invalid header line ${JSON.stringify(line.slice(0, 40))}`);
  const name = line.slice(0, colon).toLowerCase();
  if (name.includes(' ') || name.includes('\t')) throw new ResponseParseError(`invalid header name ${JSON.stringify(name.slice(0, 40))}`);
  const value = line.slice(colon + 1).trim();
  const record = headers as Record<string, string | string[] | undefined>;
  const previous = record[name];
  if (name === 'set-cookie') record[name] = [...((previous as string[] | undefined) ?? []), value];
  else if (name === 'content-length' && previous !== undefined && previous !== value) throw new ResponseParseError('conflicting content-length headers');
  else record[name] = previous === undefined || name === 'content-length' ? value : `${String(previous)}, ${value}`;
}
