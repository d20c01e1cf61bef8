// The HTTP/1.x answer parser of the transport, fed bytes as sockets deliver them: whole, one byte at
// a time, and cut at every position. Pure: no socket.
import { describe, expect, it } from 'vitest';
import { ResponseParseError, ResponseParser, type ParsedResponse } from '../../src/nexus/response-parser.js';

/** Feeds `text` cut into the given pieces; the response, and whether it came with the last piece only. */
function parse(pieces: string[], end = false): ParsedResponse | undefined {
  const parser = new ResponseParser();
  let response: ParsedResponse | undefined;
  pieces.forEach((piece, index) => {
    const got = parser.push(Buffer.from(piece, 'latin1'));
    if (got) {
      expect(index, 'complete before its last byte').toBe(pieces.length - 1);
      response = got;
    }
  });
  return end ? parser.end() ?? response : response;
}

/** Every way of cutting `text` in two, and byte by byte: all give the same response. */
function everyCut(text: string, end = false): ParsedResponse {
  const whole = parse([text], end);
  expect(whole).toBeDefined();
  for (let at = 1; at < text.length; at += 1) expect(parse([text.slice(0, at), text.slice(at)], end)).toEqual(whole);
  expect(parse([...text], end)).toEqual(whole);
  return whole as ParsedResponse;
}

const body = (response: ParsedResponse | undefined): string => response?.body.toString('utf8') ?? '<none>';

describe('ResponseParser', () => {
  it('a content-length answer, cut anywhere', () => {
    const response = everyCut('HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{"span_id":"s1"}\n');
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('application/json');
    expect(body(response)).toBe('{"span_id":"s1"}\n');
    expect(response.keepAlive).toBe(true);
  });

  it('a chunked answer with extensions and trailers, cut anywhere', () => {
    const response = everyCut('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\n{"tra\r\nC\r\nce_id":"t1"}\r\n0\r\nX-Trailer: yes\r\n\r\n');
    expect(body(response)).toBe('{"trace_id":"t1"}');
    expect(response.keepAlive).toBe(true);
  });

  it('UTF-8 in the body is kept byte for byte', () => {
    const text = Buffer.from('{"error":"Überlastet ✓"}', 'utf8');
    const parser = new ResponseParser();
    const response = parser.push(Buffer.concat([Buffer.from(`HTTP/1.1 400 Bad Request\r\ncontent-length: ${text.length}\r\n\r\n`), text]));
    expect(body(response)).toBe('{"error":"Überlastet ✓"}');
  });

  it('interim 1xx answers are skipped', () => {
    const response = everyCut('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}');
    expect(response.status).toBe(201);
    expect(response.headers['link']).toBeUndefined();
  });

  it('connection: close and HTTP/1.0 answers end the connection', () => {
    expect(parse(['HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n'])?.keepAlive).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n'])?.keepAlive).toBe(false);
    expect(parse(['HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n'])?.keepAlive).toBe(true);
  });

  it('a body without length ends with the connection', () => {
    const parser = new ResponseParser();
    expect(parser.push(Buffer.from('HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\n\r\n<html>'))).toBeUndefined();
    expect(parser.push(Buffer.from('bad gateway</html>'))).toBeUndefined();
    const response = parser.end();
    expect(response?.status).toBe(502);
    expect(body(response)).toBe('<html>bad gateway</html>');
    expect(response?.keepAlive).toBe(false);
  });

  it('an answer cut short by the connection end is no answer', () => {
    const parser = new ResponseParser();
    parser.push(Buffer.from('HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\n{"sp'));
    expect(parser.end()).toBeUndefined();
    const chunked = new ResponseParser();
    chunked.push(Buffer.from('HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"sp\r\n'));
    expect(chunked.end()).toBeUndefined();
  });

  it('204 and 304 have no body', () => {
    expect(body(parse(['HTTP/1.1 204 No Content\r\n\r\n']))).toBe('');
    expect(body(parse(['HTTP/1.1 304 Not Modified\r\nContent-Length: 12\r\n\r\n']))).toBe('');
  });

  it('repeated headers are joined, set-cookie kept as a list, names need no prototype', () => {
    const response = parse(['HTTP/1.1 200 OK\r\nVary: a\r\nvary: b\r\nSet-Cookie: x=1\r\nSet-Cookie: y=2\r\nconstructor: c\r\n__proto__: p\r\nContent-Length: 0\r\n\r\n']);
    expect(response?.headers['vary']).toBe('a, b');
    expect(response?.headers['set-cookie']).toEqual(['x=1', 'y=2']);
    expect((response?.headers as Record<string, unknown>)['constructor']).toBe('c');
    expect(Object.getOwnPropertyDescriptor(response?.headers, '__proto__')?.value).toBe('p');
  });

  it('bytes after the answer mark it: the connection is not reused', () => {
    const response = parse(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n']);
    expect(response?.keepAlive).toBe(false);
  });

  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['HTTP/2 preface', 'HTTP/2 200\r\n\r\n'],
    ['a bad content-length', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n'],
    ['two content-lengths that differ', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n'],
    ['a folded header', 'HTTP/1.1 200 OK\r\nX: a\r\n b\r\n\r\n'],
    ['a header without colon', 'HTTP/1.1 200 OK\r\nnonsense\r\n\r\n'],
  ])('%s: a parse error, not a guess', (_name, text) => {
    expect(() => new ResponseParser().push(Buffer.from(text, 'latin1'))).toThrow(ResponseParseError);
  });

  it('a head that never ends is refused past 64 KiB, not buffered for ever', () => {
    const parser = new ResponseParser();
    parser.push(Buffer.from('HTTP/1.1 200 OK\r\n'));
    expect(() => {
      for (let i = 0; i < 100; i += 1) parser.push(Buffer.from(`x-filler-${i}: ${'a'.repeat(1000)}\r\n`));
    }).toThrow(/over 65536 bytes/);
  });
});
