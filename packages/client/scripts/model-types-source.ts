import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { FieldSpec, ModelEntry } from '@reelay/catalog';

/** Where the generated file lives, relative to the repository root (biome formats it by this name). */
export const MODEL_TYPES_PATH = 'packages/client/src/model-inputs.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `kling-3.0-omni` → `Kling3_0Omni`, the same names as the OpenAPI components. */
export function typeBase(id: string): string {
  const parts = id.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return parts
    .map((part, i) => {
      const word = part.charAt(0).toUpperCase() + part.slice(1);
      const next = parts[i + 1];
      return /\d$/.test(word) && next !== undefined && /^\d/.test(next) ? `${word}_` : word;
    })
    .join('');
}

const doc = (text: string, indent: string) => `${indent}/** ${text.replace(/\*\//g, '*\\/')} */\n`;
const literal = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fieldType(f: FieldSpec): string {
  switch (f.kind) {
    case 'string':
      return 'string';
    case 'enum':
      return f.values.map(literal).join(' | ');
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'media': {
      const uri = f.schemes.map((s) => (s === 'asset' ? 'AssetUri' : s === 'data' ? 'DataUri' : 'HttpsUrl'));
      const one = uri.length > 1 ? `(${uri.join(' | ')})` : (uri[0] ?? 'string');
      return f.maxItems !== undefined ? `${one}[]` : one.replace(/^\((.*)\)$/, '$1');
    }
  }
}

function fieldDoc(f: FieldSpec): string {
  const facts: string[] = [];
  if (f.kind === 'number') facts.push(`${f.min}–${f.max}${f.unit ? ` ${f.unit}` : ''}, step ${f.step}`);
  if (f.kind === 'string' && f.maxLength !== undefined) facts.push(`at most ${f.maxLength} characters`);
  if (f.kind === 'media')
    facts.push(`${f.media}${f.maxItems !== undefined ? `, at most ${f.maxItems}` : ''}`);
  if ('default' in f && f.default !== undefined) facts.push(`default ${JSON.stringify(f.default)}`);
  return `${f.description.en}${facts.length ? ` — ${facts.join('; ')}` : ''}`;
}

/**
 * What a model's JSDoc `@deprecated` says when the catalog marks it deprecated or retired (editors strike its name
 * through): since when, until when, and what to use instead; null for a model in service. Operators who deprecate
 * a model by configuration are heard at run time (the `Deprecation` header and the generation's warning).
 */
export function deprecationOf(m: Pick<ModelEntry, 'lifecycle'>): string | null {
  const l = m.lifecycle;
  if (!l || l.status === 'active') return null;
  const parts = [l.status === 'retired' ? 'Retired: refused with 410 model_retired.' : 'Deprecated.'];
  if (l.deprecatedAt) parts.push(`Since ${l.deprecatedAt}.`);
  if (l.status === 'deprecated' && l.shutdownAt) parts.push(`Shuts down ${l.shutdownAt}.`);
  if (l.replacement) parts.push(`Use ${l.replacement} instead.`);
  return parts.join(' ');
}

/** The TypeScript source of every model's input type, unformatted. */
export function modelTypesSource(models: readonly ModelEntry[]): string {
  const uri = (name: string, prefix: string, what: string) =>
    `/** ${what} */\nexport type ${name} = \`${prefix}\${string}\`;\n`;
  const uriTypes = [
    uri('AssetUri', 'asset://', 'An asset of your account: `asset://asset_…`.'),
    uri('DataUri', 'data:', 'A file inline: `data:image/png;base64,…`.'),
    `${uri('HttpsUrl', 'https://', 'A public https URL.')}\n`,
  ];
  const out = [
    '// Generated from the catalog by `npm run generate:types`; do not edit. A test fails when it is stale.\n\n',
    ...uriTypes,
  ];
  for (const m of models) {
    const deprecated = deprecationOf(m);
    out.push(
      doc(
        `Input of ${m.id} (${m.title}, ${m.type}): ${m.description.en}${deprecated ? ` @deprecated ${deprecated}` : ''}`,
        '',
      ),
    );
    out.push(`export interface ${typeBase(m.id)}Input {\n`);
    for (const f of m.fields) {
      out.push(doc(fieldDoc(f), '  '), `  ${f.name}${f.required ? '' : '?'}: ${fieldType(f)};\n`);
    }
    out.push('}\n\n');
  }
  out.push(
    '/** Every model of the catalog, by id: its type and its input. */\nexport interface ModelInputs {\n',
  );
  for (const m of models) {
    const deprecated = deprecationOf(m);
    if (deprecated) out.push(doc(`@deprecated ${deprecated}`, '  '));
    out.push(`  ${literal(m.id)}: { type: ${literal(m.type)}; input: ${typeBase(m.id)}Input };\n`);
  }
  out.push('}\n');
  return out.join('');
}

/** The source formatted as the repository formats TypeScript (biome), so the committed file stays lint-clean. */
export function formatWithBiome(source: string): string {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return execFileSync(process.execPath, [biome, 'format', `--stdin-file-path=${MODEL_TYPES_PATH}`], {
    cwd: ROOT,
    input: source,
    encoding: 'utf8',
  });
}

export const modelTypesPath = (): string => `${ROOT}${MODEL_TYPES_PATH}`;
