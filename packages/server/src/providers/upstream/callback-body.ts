import type { z } from 'zod';
import { UpstreamError } from './upstream-error.ts';

/**
 * The JSON body of an upstream's callback, checked against `schema`; anything else is a `malformed`
 * UpstreamError that says whose callback it was (`source`) and what it lacked (`expected`).
 */
export function parseCallbackBody<T>(
  body: Buffer,
  schema: z.ZodType<T>,
  source: string,
  expected: string,
): T {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new UpstreamError('malformed', `${source}: the body is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UpstreamError('malformed', `${source}: ${expected}`);
  return parsed.data;
}
