import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ApiError, validationFailed } from '../../errors.ts';
import { installReplicateErrors } from './replicate-errors.ts';

describe("errors in Replicate's shape", () => {
  async function answer(error: Error) {
    const app = Fastify();
    installReplicateErrors(app);
    app.get('/x', async () => {
      throw error;
    });
    const r = await app.inject({ method: 'GET', url: '/x' });
    await app.close();
    return { status: r.statusCode, headers: r.headers, body: r.json() };
  }

  it('keeps the status and Retry-After of a refusal, as {title, detail, status}', async () => {
    const r = await answer(new ApiError('rate_limited', 429, 'Slow down.', { retryAfterSeconds: 7 }));
    expect(r.status).toBe(429);
    expect(r.headers['retry-after']).toBe('7');
    expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(r.body).toEqual({ title: 'Too many requests', detail: 'Slow down.', status: 429 });
  });

  it('lists every bad field of a 422 in invalid_fields', async () => {
    const r = await answer(
      validationFailed([
        { param: 'input.duration', code: 'out_of_range', message: 'duration must be at most 15' },
        { param: 'webhook', code: 'invalid_type', message: 'webhook must be a URL.' },
      ]),
    );
    expect(r.status).toBe(422);
    expect(r.body.invalid_fields).toEqual([
      { type: 'out_of_range', field: 'input.duration', description: 'duration must be at most 15' },
      { type: 'invalid_type', field: 'webhook', description: 'webhook must be a URL.' },
    ]);
    expect(r.body.detail).toContain('input.duration');
  });

  it('hides the cause of a server fault', async () => {
    const r = await answer(new Error('secret detail'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('secret detail');
  });
});
