// Every wire schema, gathered so that `wire.Generation` names the schema and `Generation` the type.
export * from './account-schemas.ts';
export * from './admin-schemas.ts';
export * from './asset-schemas.ts';
export * from './audit-schemas.ts';
export * from './error-schemas.ts';
export * from './generation-schemas.ts';
export * from './model-schemas.ts';
export * from './upstream-check-schemas.ts';
export * from './webhook-schemas.ts';
export * from './wire-fields.ts';
