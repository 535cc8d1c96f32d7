import { connect } from 'node:net';
import { expect } from 'vitest';

/** An answer as the security suites read it (the harness's `TestResponse` fits). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are arbitrary JSON.
  json: any;
}

/** Every `code` the API's error JSON may carry (`ErrorCode` in src/errors.ts). */
export const ERROR_CODES: readonly string[] = [
  'invalid_json',
  'invalid_request',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'insufficient_tokens',
  'budget_exceeded',
  'not_found',
  'model_not_found',
  'idempotency_conflict',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'price_unavailable',
  'rate_limited',
  'internal_error',
];

const ERROR_KEYS = new Set(['code', 'message', 'param', 'details', 'requestId']);

/**
 * Checks that `r` is a 4xx in the API's error JSON: `{error: {code, message, param?, details?, requestId}}`,
 * with `details` (a 422 always has them) a list of `{param, code, message}`. `what` names the request in
 * failure messages.
 */
export function expectErrorJson(r: Answer, what: string): void {
  const at = `${what} → ${r.status} ${r.text.slice(0, 600)}`;
  expect(r.status, at).toBeGreaterThanOrEqual(400);
  expect(r.status, at).toBeLessThan(500);
  expect(r.headers.get('content-type') ?? '', at).toMatch(/^application\/json/);
  const error = r.json?.error;
  expect(typeof error === 'object' && error !== null && !Array.isArray(error), at).toBe(true);
  expect(Object.keys(r.json), at).toEqual(['error']);
  for (const key of Object.keys(error))
    expect(ERROR_KEYS.has(key), `${at}: unexpected key ${key}`).toBe(true);
  expect(ERROR_CODES, at).toContain(error.code);
  expect(typeof error.message === 'string' && error.message.length > 0, at).toBe(true);
  expect(error.requestId, at).toMatch(/^req_[A-Za-z0-9]+$/);
  // A replayed answer (Idempotency-Key) is the first one, with the first request's id.
  const header = r.headers.get('x-request-id');
  if (header !== null && r.headers.get('idempotent-replayed') !== 'true')
    expect(error.requestId, at).toBe(header);
  // A param is a path such as input.duration; it is empty only for a key the client sent as "".
  if (error.param !== undefined) expect(typeof error.param, at).toBe('string');
  if (r.status === 422) expect(Array.isArray(error.details) && error.details.length > 0, at).toBe(true);
  if (error.details !== undefined) {
    expect(Array.isArray(error.details), at).toBe(true);
    for (const d of error.details) {
      expect(typeof d.param, at).toBe('string');
      expect(typeof d.code === 'string' && d.code !== '', at).toBe(true);
      expect(typeof d.message === 'string' && d.message !== '', at).toBe(true);
    }
  }
}

/** Every place an error names: `param` and each detail's. */
export function namedParams(r: Answer): string[] {
  const error = r.json?.error ?? {};
  return [
    ...(typeof error.param === 'string' ? [error.param] : []),
    ...(Array.isArray(error.details) ? error.details.map((d: { param: unknown }) => String(d.param)) : []),
  ];
}

/**
 * What an answer must never show a client: where the server keeps its files, its source, a stack trace or
 * the database's own words. Case matters for SQL keywords (an English "select" is fine).
 */
const LEAKS: readonly [string, RegExp][] = [
  ['a server directory', /(^|[^A-Za-z0-9_])\/(tmp|work|home|root|var|usr|etc|opt|proc|srv|app)\//],
  ['node_modules', /node_modules/],
  ['a source position', /\.(ts|js|mjs|cjs):\d+/],
  ['a stack trace', / {4}at |\bat [\w$.<>]+ \(|\bat async\b/],
  ['a file URL', /file:\/\//i],
  ['SQL (SELECT)', /\bSELECT\b/],
  ['SQL (INSERT)', /\bINSERT\b/],
  ['SQL (UPDATE … SET)', /\bUPDATE\b[\s\S]*\bSET\b/],
  ['SQL (DELETE FROM)', /\bDELETE FROM\b/],
  ['a PostgreSQL relation', /\brelation "/],
  ['a PostgreSQL syntax error', /syntax error at or near/],
  ['a violated constraint', /\bviolates\b/],
  ['a PostgreSQL input error', /invalid input syntax|out of range for type|\bcolumn "|duplicate key value/],
  ['a PostgreSQL error code', /\bSQLSTATE\b|"code":\s*"[0-9A-Z]{5}"/],
  ['an errno', /\b(ENOENT|EACCES|EISDIR|ENOTDIR|EPIPE|ECONNRESET)\b/],
];

/**
 * The leaks found in `answer`, each as a sentence; a pattern that also matches what the client sent (an id or
 * a prompt echoed back) is the client's own text and does not count. `dataDir` is the gateway's data folder.
 */
export function leaksIn(answer: string, sent: string, dataDir?: string): string[] {
  const found: string[] = [];
  for (const [what, pattern] of LEAKS) {
    if (pattern.test(answer) && !pattern.test(sent)) found.push(`${what}: ${pattern.exec(answer)?.[0]}`);
  }
  if (dataDir && answer.includes(dataDir) && !sent.includes(dataDir))
    found.push(`the data folder ${dataDir}`);
  return found;
}

/** `text` with every percent-escape decoded that can be, so an echoed id matches what was sent. */
export function decodedForm(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text.replace(/%[0-9A-Fa-f]{2}/g, (sequence) => {
      try {
        return decodeURIComponent(sequence);
      } catch {
        return sequence;
      }
    });
  }
}

/**
 * Sends `request` byte for byte over one TCP connection to the gateway on 127.0.0.1 and reads the answer until
 * the server closes it: framing errors (bad Content-Length, broken chunks, oversize headers) that `fetch` would
 * never send.
 */
export function rawExchange(baseUrl: string, request: string | Buffer): Promise<Answer> {
  const port = Number(new URL(baseUrl).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      try {
        resolve(parseAnswer(Buffer.concat(chunks)));
      } catch (error) {
        reject(error);
      }
    });
    socket.end(request);
  });
}

function parseAnswer(bytes: Buffer): Answer {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no HTTP answer: ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = new Headers();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  let body = bytes.subarray(end + 4);
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) body = unchunk(body);
  const text = body.toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status, headers, text, json };
}

function unchunk(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** Every message of an error answer: the main one and each detail's. */
export const messagesOf = (r: Answer): string[] => [
  String(r.json?.error?.message ?? r.text),
  ...((r.json?.error?.details as { message: string }[] | undefined) ?? []).map((d) => d.message),
];
