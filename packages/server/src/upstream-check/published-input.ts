import type { JsonType } from './sent-fields.ts';

/**
 * An upstream's published input schema, reduced to what a mapping's fields are compared with: each property's
 * types and allowed values, and the required names. Read from the JSON Schema of an OpenAPI document (fal's
 * per-endpoint document, Replicate's model version), following local `$ref`s and `allOf`/`anyOf`/`oneOf`.
 */

/** A scalar an enum allows. */
export type EnumValue = string | number | boolean | null;

export interface PublishedProperty {
  /** The JSON types it takes; null when the schema does not say. */
  types: JsonType[] | null;
  /** The values it allows; null when it is not an enum. */
  values: EnumValue[] | null;
}

export interface PublishedInput {
  properties: Readonly<Record<string, PublishedProperty>>;
  required: readonly string[];
}

type Schema = { readonly [key: string]: unknown };

/** Thrown when a document is not the shape its upstream publishes; the check reports it for the endpoint. */
export class SchemaShapeError extends Error {
  override name = 'SchemaShapeError';
}

const isSchema = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

const JSON_TYPES: readonly string[] = ['string', 'integer', 'number', 'boolean', 'array', 'object', 'null'];

/** The schema a local `$ref` (`#/components/schemas/Input`) names in `root`. */
export function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new SchemaShapeError(`only local references are read; got ${ref}`);
  let at: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    at = isSchema(at) ? at[part] : undefined;
  }
  if (!isSchema(at)) throw new SchemaShapeError(`${ref} names no schema in the document`);
  return at;
}

/** `schema` with its `$ref` followed (repeatedly, at most 20 times). */
function deref(root: Schema, schema: Schema): Schema {
  let at = schema;
  for (let i = 0; i < 20 && typeof at.$ref === 'string'; i++) at = resolveRef(root, at.$ref);
  return at;
}

const union = <T>(a: T[] | null, b: T[] | null): T[] | null => (a && b ? [...new Set([...a, ...b])] : null);

/** The types and values one property schema allows. */
export function readProperty(root: Schema, raw: Schema, depth = 0): PublishedProperty {
  if (depth > 20) throw new SchemaShapeError('property schemas nest too deep');
  const schema = deref(root, raw);
  const parts: PublishedProperty[] = [];
  // allOf: every part holds, so the narrowest part decides (Replicate wraps enums as allOf: [{$ref}]).
  let own: PublishedProperty = { types: null, values: null };
  if (Array.isArray(schema.allOf)) {
    for (const part of schema.allOf.filter(isSchema)) {
      const p = readProperty(root, part, depth + 1);
      own = { types: p.types ?? own.types, values: p.values ?? own.values };
    }
  }
  if (typeof schema.type === 'string' && JSON_TYPES.includes(schema.type))
    own.types = [schema.type as JsonType];
  if (Array.isArray(schema.type)) own.types = schema.type.filter((t) => JSON_TYPES.includes(t)) as JsonType[];
  if (Array.isArray(schema.enum)) own.values = schema.enum as EnumValue[];
  if ('const' in schema) own.values = [schema.const as EnumValue];
  if (own.types === null && own.values !== null) {
    own.types = [...new Set(own.values.map(valueType))];
  }
  const branches = [schema.anyOf, schema.oneOf].find(Array.isArray);
  if (!branches) return own;
  for (const branch of branches.filter(isSchema)) parts.push(readProperty(root, branch, depth + 1));
  // anyOf/oneOf: any branch may hold, so the union of them, narrowed by what the schema says beside them.
  const merged = parts.reduce<PublishedProperty>(
    (acc, p) => ({
      types: union(acc.types, p.types),
      // A `null` branch adds null to the values; any other branch without an enum allows anything.
      values:
        p.values === null && p.types?.length === 1 && p.types[0] === 'null'
          ? acc.values && [...acc.values, null]
          : union(acc.values, p.values),
    }),
    { types: [], values: [] },
  );
  return {
    types: own.types ?? (merged.types?.length ? merged.types : null),
    values: own.values ?? (merged.values?.some((v) => v !== null) ? merged.values : null),
  };
}

function valueType(v: EnumValue): JsonType {
  if (v === null) return 'null';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as 'string' | 'boolean';
}

/** The input an object schema describes (its `$ref` and `allOf` parts merged). */
export function readInput(root: Schema, raw: Schema): PublishedInput {
  const schema = deref(root, raw);
  const properties: Record<string, PublishedProperty> = {};
  const required = new Set<string>();
  const parts = [schema, ...(Array.isArray(schema.allOf) ? schema.allOf.filter(isSchema) : [])];
  for (const part of parts.map((p) => deref(root, p))) {
    if (isSchema(part.properties)) {
      for (const [name, property] of Object.entries(part.properties)) {
        if (isSchema(property)) properties[name] = readProperty(root, property);
      }
    }
    if (Array.isArray(part.required))
      for (const r of part.required) if (typeof r === 'string') required.add(r);
  }
  if (Object.keys(properties).length === 0) throw new SchemaShapeError('the input schema has no properties');
  return { properties, required: [...required].sort() };
}

/** The input schema of a fal endpoint's OpenAPI document: the JSON body of the POST to `/{endpoint}`. */
export function falInput(document: unknown, endpoint: string): PublishedInput {
  if (!isSchema(document) || !isSchema(document.paths)) {
    throw new SchemaShapeError('not an OpenAPI document (no paths)');
  }
  const paths = document.paths;
  // The submit path is `/{endpoint}`; a document spelling it otherwise is read only when it has one submit path.
  const submits = Object.entries(paths).filter(
    ([path, item]) => !path.includes('/requests/') && isSchema(item) && 'post' in item,
  );
  const submit =
    (isSchema(paths[`/${endpoint}`]) ? paths[`/${endpoint}`] : undefined) ??
    (submits.length === 1 ? submits[0]?.[1] : undefined);
  const body = isSchema(submit) && isSchema(submit.post) ? submit.post.requestBody : undefined;
  const content = isSchema(body) && isSchema(body.content) ? body.content['application/json'] : undefined;
  const schema = isSchema(content) ? content.schema : undefined;
  if (!isSchema(schema)) throw new SchemaShapeError(`the document has no JSON body for POST /${endpoint}`);
  return readInput(document, schema);
}

/** The input schema of a Replicate model: `latest_version.openapi_schema.components.schemas.Input`. */
export function replicateInput(model: unknown): { version: string | null; input: PublishedInput } {
  const latest = isSchema(model) ? model.latest_version : undefined;
  if (!isSchema(latest)) throw new SchemaShapeError('the model has no latest_version');
  const document = latest.openapi_schema;
  if (!isSchema(document)) throw new SchemaShapeError('the latest version has no openapi_schema');
  const version = typeof latest.id === 'string' ? latest.id : null;
  return { version, input: readInput(document, resolveRef(document, '#/components/schemas/Input')) };
}
