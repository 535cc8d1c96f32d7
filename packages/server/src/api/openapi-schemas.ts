import type { Json } from '@reelay/catalog';
import { wireJsonSchemas } from '@reelay/contract';

type Schema = Record<string, Json>;

/**
 * The answers' shapes that do not depend on the catalog (generations, quotes, assets, keys, errors…): the JSON
 * Schema of the wire contract's zod schemas (`@reelay/contract`), which also type the server's serialisers and the
 * SDK, so the document says what the code sends.
 */
export function sharedSchemas(): Record<string, Schema> {
  return wireJsonSchemas() as Record<string, Schema>;
}

/**
 * Only the components the document refers to, following references between components too (a linter rightly
 * flags unused ones, and a wire object no operation answers with, such as a webhook body, has no place there).
 */
export function referencedSchemas(schemas: Record<string, Schema>, roots: Json): Record<string, Schema> {
  const used = new Set<string>();
  const pending = [JSON.stringify(roots)];
  for (let text = pending.pop(); text !== undefined; text = pending.pop()) {
    for (const [, name] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      if (name === undefined || used.has(name) || !(name in schemas)) continue;
      used.add(name);
      pending.push(JSON.stringify(schemas[name]));
    }
  }
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
}
