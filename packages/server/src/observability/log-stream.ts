import { Writable } from 'node:stream';

/**
 * Credentials by their shape, wherever they appear in a line (an error's message, a URL in a warning): API keys,
 * webhook signing secrets, bearer credentials, and the query parameters of signed links.
 */
const SHAPED_SECRETS: readonly [RegExp, string][] = [
  [/\brl_(test|live)_[A-Za-z0-9]+/g, 'rl_$1_[redacted]'],
  [/\bwhsec_[A-Za-z0-9+/=_-]+/g, 'whsec_[redacted]'],
  [/\b(Bearer|Token|Key)\s+[\x21-\x7e]{8,}/g, '$1 [redacted]'],
  [
    /([?&](?:signature|x-amz-signature|x-amz-credential|x-amz-security-token|token|key|secret)=)[^&#"\s\\]*/gi,
    '$1[redacted]',
  ],
];

/** One log line with every configured secret and every credential-shaped string in it replaced. */
export function scrubLine(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  for (const [pattern, replacement] of SHAPED_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** Fields of a line the readable form shows in its own place, not among the rest. */
const SHOWN = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'req', 'res', 'responseTime', 'reqId']);

/**
 * A JSON log line as a person reads it in a terminal: `12:04:05 INFO  POST /api/v1/generations 202 4.1 ms req_…`,
 * other lines as their message followed by their remaining fields; a line that is not JSON as it is.
 */
export function prettyLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = new Date(typeof entry.time === 'number' ? entry.time : Date.now()).toISOString().slice(11, 19);
  const level = (LEVELS[entry.level as number] ?? String(entry.level)).padEnd(5);
  const req = entry.req as { method?: string; url?: string } | undefined;
  const res = entry.res as { statusCode?: number } | undefined;
  const head =
    req && res && entry.msg === 'request completed'
      ? `${req.method} ${req.url} ${res.statusCode} ${entry.responseTime} ms`
      : String(entry.msg ?? '');
  const rest = Object.fromEntries(Object.entries(entry).filter(([k]) => !SHOWN.has(k)));
  const err = rest.err as { stack?: string } | undefined;
  delete rest.err;
  const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const id = typeof entry.reqId === 'string' ? ` ${entry.reqId}` : '';
  return `${time} ${level} ${head}${id}${extra}${err?.stack ? `\n  ${err.stack.replace(/\n/g, '\n  ')}` : ''}`;
}

/**
 * Where the gateway's log lines go: each line scrubbed of secrets (see {@link scrubLine}), then written as JSON or,
 * for a terminal, in the readable form of {@link prettyLine}.
 */
export function logStream(options: {
  out: NodeJS.WritableStream;
  pretty: boolean;
  secrets: readonly string[];
}): Writable {
  const secrets = options.secrets.filter((s) => s.length >= 8);
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const text = pending + String(chunk);
      const lines = text.split('\n');
      pending = lines.pop() ?? '';
      if (lines.length === 0) {
        done();
        return;
      }
      const written = lines
        .map((line) => {
          const clean = scrubLine(line, secrets);
          return options.pretty ? prettyLine(clean) : clean;
        })
        .join('\n');
      options.out.write(`${written}\n`);
      done();
    },
  });
}
