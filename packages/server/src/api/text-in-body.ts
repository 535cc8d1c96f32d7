import { type FieldError, holdsLoneSurrogate } from '@reelay/catalog';
import type { FastifyInstance } from 'fastify';
import { badRequest, validationFailed } from '../errors.ts';

/** At most this many bad places are listed; one is enough to fix the client, a few show the pattern. */
const MAX_DETAILS = 20;

/** What in a string no PostgreSQL text can hold, or null. */
function unstorable(text: string): 'nul' | 'surrogate' | null {
  if (text.includes('\0')) return 'nul';
  return holdsLoneSurrogate(text) ? 'surrogate' : null;
}

/**
 * Where a parsed JSON body holds text PostgreSQL can keep in no column (a NUL character, U+0000, or an unpaired
 * surrogate such as `\ud800`), in a value or a key: it is refused up front, before anything echoes or stores it.
 * Paths are written as the API names fields (`input.prompt`, `tags[2]`).
 */
export function nulCharacters(body: unknown): FieldError[] {
  const found: FieldError[] = [];
  const visit = (value: unknown, path: string): void => {
    if (found.length >= MAX_DETAILS) return;
    if (typeof value === 'string') {
      const bad = unstorable(value);
      if (bad) found.push(nulAt(path, bad));
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        const at = path === '' ? key : `${path}.${key}`;
        // A bad key is named by where it sits, never echoed: no answer may carry the text refused here.
        const bad = unstorable(key);
        if (bad) found.push(nulAt(path, bad, true));
        else visit(item, at);
      }
    }
  };
  visit(body, '');
  return found;
}

function nulAt(param: string, what: 'nul' | 'surrogate', ofKey = false): FieldError {
  const named = param === '' ? 'the body' : param;
  const where = ofKey ? `A key of ${named}` : param === '' ? 'The body' : param;
  return {
    param: param === '' ? 'body' : param,
    code: 'invalid_value',
    message:
      what === 'nul'
        ? `${where} contains a NUL character (\\u0000), which text cannot hold.`
        : `${where} contains an unpaired surrogate (\\ud800 to \\udfff), which is not Unicode text.`,
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
