/** Small helpers for writing /v2 responses on Node's raw request/response. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { OciError } from './errors.js';

export const API_VERSION_HEADER = { 'docker-distribution-api-version': 'registry/2.0' } as const;

export function send(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body?: Buffer | string): void {
  const h: OutgoingHttpHeaders = { ...API_VERSION_HEADER, ...headers };
  if (body === undefined) {
    if (h['content-length'] === undefined) h['content-length'] = 0;
    res.writeHead(status, h);
    res.end();
    return;
  }
  if (h['content-length'] === undefined) h['content-length'] = Buffer.byteLength(body);
  res.writeHead(status, h);
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void {
  send(res, status, { 'content-type': 'application/json; charset=utf-8', ...headers }, JSON.stringify(value));
}

export function sendError(res: ServerResponse, err: OciError, headers: OutgoingHttpHeaders = {}, head = false): void {
  const body = JSON.stringify(err.toJSON());
  if (head) {
    send(res, err.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      ...headers,
    });
    return;
  }
  send(res, err.status, { 'content-type': 'application/json; charset=utf-8', ...headers }, body);
}

/** Whether the request carries a body (a length above zero, or chunked transfer encoding). */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const len = req.headers['content-length'];
  return len !== undefined && len !== '0';
}

/** Content-Length as a number, or undefined when absent or not a plain integer. */
export function contentLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

/** Reads at most `limit` bytes; returns undefined when the body is larger (the rest is drained). */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, size);
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single-range `Range: bytes=…` header against a size. Returns undefined to serve the whole
 * blob (no header, or one berth ignores as RFC 9110 allows), or 'unsatisfiable'.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  if (header === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}
