import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { logStream, prettyLine, scrubLine } from './log-stream.ts';

describe('log lines', () => {
  it('replaces configured secrets and credential-shaped strings anywhere in a line', () => {
    const line = JSON.stringify({
      msg: 'upstream said no',
      err: {
        message:
          'GET https://bucket.example/a.mp4?X-Amz-Signature=abc123&x-amz-credential=AKIA/x failed for rl_live_Abc123XYZ and whsec_c2VjcmV0Cg==',
        stack: 'Error: Authorization: Bearer sk-upstream-0123456789 refused; admin=the-admin-key-0123456789',
      },
    });
    const clean = scrubLine(line, ['the-admin-key-0123456789']);
    for (const secret of [
      'abc123',
      'AKIA/x',
      'Abc123XYZ',
      'c2VjcmV0Cg',
      'sk-upstream-0123456789',
      'the-admin-key',
    ])
      expect(clean).not.toContain(secret);
    expect(clean).toContain('X-Amz-Signature=[redacted]');
    expect(clean).toContain('rl_live_[redacted]');
    expect(() => JSON.parse(clean)).not.toThrow();
  });

  it('writes a request as one readable line for a terminal, and other lines with their fields', () => {
    const time = Date.parse('2026-12-07T12:04:05Z');
    expect(
      prettyLine(
        JSON.stringify({
          level: 30,
          time,
          reqId: 'req_1',
          req: { method: 'POST', url: '/api/v1/generations' },
          res: { statusCode: 202 },
          responseTime: 4.1,
          msg: 'request completed',
          traceId: 'abc',
        }),
      ),
    ).toBe('12:04:05 INFO  POST /api/v1/generations 202 4.1 ms req_1 {"traceId":"abc"}');
    expect(
      prettyLine(JSON.stringify({ level: 50, time, msg: 'worker loop error', generationId: 'gen_1' })),
    ).toBe('12:04:05 ERROR worker loop error {"generationId":"gen_1"}');
    expect(prettyLine('not json')).toBe('not json');
  });

  it('passes whole lines on, however the chunks are cut', async () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _encoding, done) {
        out += String(chunk);
        done();
      },
    });
    const stream = logStream({ out: sink, pretty: false, secrets: ['secret-value-123'] });
    await new Promise<void>((resolve) => stream.write('{"msg":"a secret-va', () => resolve()));
    expect(out).toBe('');
    await new Promise<void>((resolve) => stream.write('lue-123 b"}\n{"msg":"c"}\n', () => resolve()));
    expect(out).toBe('{"msg":"a [redacted] b"}\n{"msg":"c"}\n');
  });
});
