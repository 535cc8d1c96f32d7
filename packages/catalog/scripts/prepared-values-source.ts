import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FieldSpec, ModelEntry } from '../src/types.ts';

/** Where the generated file lives, relative to the repository root (biome formats it by this name). */
export const PREPARED_VALUES_PATH = 'packages/catalog/src/prepared-values.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function valueType(f: FieldSpec): string {
  switch (f.kind) {
    case 'string':
      return 'string';
    case 'enum':
      return f.values.map(literal).join(' | ');
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'media':
      return f.maxItems !== undefined ? 'string[]' : 'string';
  }
}

/** After `prepare`, a field is always there when it is required or has a default. */
const alwaysThere = (f: FieldSpec) => f.required || ('default' in f && f.default !== undefined);

/** The TypeScript source of every model's prepared input and media slots, unformatted. */
export function preparedValuesSource(models: readonly ModelEntry[]): string {
  const out = [
    '// Generated from the catalog by `npm run generate:types`; do not edit. A test fails when it is stale.\n\n',
    "/**\n * Every model's input as `prepare` leaves it, by model id: required fields and fields with a default\n",
    ' * are always there; media fields hold the URIs given (the server resolves them into files).\n */\n',
    'export interface PreparedInputs {\n',
  ];
  for (const m of models) {
    out.push(`  ${literal(m.id)}: {\n`);
    for (const f of m.fields) out.push(`    ${f.name}${alwaysThere(f) ? '' : '?'}: ${valueType(f)};\n`);
    out.push('  };\n');
  }
  out.push(
    '}\n\n/** The media fields (slots) of every model, by model id. */\nexport interface MediaSlots {\n',
  );
  for (const m of models) {
    const slots = m.fields.filter((f) => f.kind === 'media').map((f) => literal(f.name));
    out.push(`  ${literal(m.id)}: ${slots.length > 0 ? slots.join(' | ') : 'never'};\n`);
  }
  out.push(
    '}\n\n/** A catalog model id. */\nexport type ModelId = keyof PreparedInputs;\n\n',
    "/** The prepared input of model `M` (`PreparedValues<'kling-3.0-omni'>`). */\n",
    'export type PreparedValues<M extends ModelId> = PreparedInputs[M];\n\n',
    '/** The media fields of model `M`. */\nexport type MediaSlot<M extends ModelId> = MediaSlots[M];\n',
  );
  return out.join('');
}

/** The source formatted as the repository formats TypeScript (biome), so the committed file stays lint-clean. */
export function formatWithBiome(source: string): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return execFileSync(process.execPath, [biome, 'format', `--stdin-file-path=${PREPARED_VALUES_PATH}`], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
  });
}

export const preparedValuesPath = (): string => `${ROOT}${PREPARED_VALUES_PATH}`;
