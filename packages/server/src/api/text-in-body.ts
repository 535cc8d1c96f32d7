import type { FieldError } from '@reelay/catalog';
import type { FastifyInstance } from 'fastify';
import { badRequest, validationFailed } from '../errors.ts';

/** At most this many bad places are listed; one is enough to fix the client, a few show the pattern. */
const MAX_DETAILS = 20;

/**
 * Where a parsed JSON body holds a NUL character (U+0000), in a value or a key: PostgreSQL can keep no such
 * text, so it is refused up front. Paths are written as the API names fields (`input.prompt`, `tags[2]`).
 */
export function nulCharacters(body: unknown): FieldError[] {
  const found: FieldError[] = [];
  const visit = (value: unknown, path: string): void => {
    if (found.length >= MAX_DETAILS) return;
    if (typeof value === 'string') {
      if (value.includes('\0')) found.push(nulAt(path));
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const at = path === '' ? key : `${path}.${key}`;
        if (key.includes('\0')) found.push(nulAt(at));
        else visit(item, at);
      }
    }
  };
  visit(body, '');
  return found;
}

function nulAt(param: string): FieldError {
  return {
    param: param === '' ? 'body' : param,
    code: 'invalid_value',
    message: `${param === '' ? 'The body' : param} contains a NUL character (\\u0000), which text cannot hold.`,
  };
}

/**
 * Refuses a NUL character in a path or query parameter (400 naming it) and in any JSON body (422 naming
 * each place).
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [where, values] of [
      ['path', request.params],
      ['query', request.query],
    ] as const) {
      for (const [name, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
        const texts = Array.isArray(value) ? value : [value];
        if (name.includes('\0') || texts.some((v) => typeof v === 'string' && v.includes('\0'))) {
          throw badRequest(`The ${where} parameter ${name} contains a NUL character (%00).`, name);
        }
      }
    }
    // Only parsed JSON: uploads arrive as streams or buffers and are media, not text.
    if (!isJsonValue(request.body)) return;
    const bad = nulCharacters(request.body);
    if (bad.length > 0) throw validationFailed(bad);
  });
}

function isJsonValue(body: unknown): boolean {
  if (typeof body === 'string' || Array.isArray(body)) return true;
  if (typeof body !== 'object' || body === null) return false;
  const proto = Object.getPrototypeOf(body);
  return proto === Object.prototype || proto === null;
}
