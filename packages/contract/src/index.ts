export { type JsonSchema, WIRE_COMPONENTS, wireJsonSchemas } from './json-schemas.ts';
export * as wire from './schemas.ts';
export type * from './wire-types.ts';
