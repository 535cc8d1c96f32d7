import type { Json, ModelDescription } from '@reelay/catalog';

/** What an uploaded asset's URI looks like in examples; the reader replaces it with a real one. */
export const ASSET_PLACEHOLDER = 'asset://asset_...';

/**
 * The example request body of a model, built from its schema: every field with a default carries it,
 * required fields without one take the catalog's example value, and the slots the catalog's example fills
 * (or that are required) get an `asset://` placeholder.
 */
export function exampleRequest(d: ModelDescription): {
  type: string;
  model: string;
  input: Record<string, Json>;
} {
  const input: Record<string, Json> = {};
  for (const f of d.fields) {
    const example = d.exampleInput[f.name];
    if (f.media) {
      if (example === undefined && !f.required) continue;
      input[f.name] = f.media.maxItems !== undefined ? [ASSET_PLACEHOLDER] : ASSET_PLACEHOLDER;
    } else if (f.default !== null) {
      input[f.name] = f.default;
    } else if (example !== undefined) {
      input[f.name] = example;
    } else if (f.required) {
      input[f.name] = f.type === 'number' ? (f.minimum ?? 0) : f.type === 'boolean' ? false : '...';
    }
  }
  return { type: d.type, model: d.id, input };
}

/** A POSIX shell single-quoted word. */
export const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The curl command that creates a generation with `exampleRequest`, against `baseUrl`. */
export function curlExample(d: ModelDescription, baseUrl: string): string {
  return [
    `curl -X POST ${baseUrl}/api/v1/generations \\`,
    '  -H "Authorization: Bearer $REELAY_API_KEY" \\',
    '  -H "Content-Type: application/json" \\',
    `  -d ${shellQuote(JSON.stringify(exampleRequest(d), null, 2))}`,
  ].join('\n');
}
