import { describe, expect, it } from 'vitest';
import { falInput, readProperty, replicateInput, SchemaShapeError } from './published-input.ts';

describe('published input schemas', () => {
  const root = {
    components: {
      schemas: {
        size: { type: 'string', enum: ['2K', '4K'] },
        Input: {
          type: 'object',
          required: ['prompt'],
          properties: {
            prompt: { type: 'string' },
            size: { allOf: [{ $ref: '#/components/schemas/size' }], default: '2K' },
            seed: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
            shot: { anyOf: [{ type: 'string', enum: ['a', 'b'] }, { type: 'null' }] },
            n: { const: 1 },
          },
        },
      },
    },
  };

  it('reads types and allowed values through $ref, allOf, anyOf and const', () => {
    const p = (name: string) =>
      readProperty(
        root,
        (root.components.schemas.Input.properties as Record<string, Record<string, unknown>>)[name] ?? {},
      );
    expect(p('prompt')).toEqual({ types: ['string'], values: null });
    expect(p('size')).toEqual({ types: ['string'], values: ['2K', '4K'] });
    expect(p('seed')).toEqual({ types: ['integer', 'null'], values: null });
    expect(p('shot')).toEqual({ types: ['string', 'null'], values: ['a', 'b', null] });
    expect(p('n')).toEqual({ types: ['integer'], values: [1] });
  });

  it("takes a Replicate model's latest version input", () => {
    const model = { latest_version: { id: 'abc', openapi_schema: root } };
    const { version, input } = replicateInput(model);
    expect(version).toBe('abc');
    expect(Object.keys(input.properties)).toEqual(['prompt', 'size', 'seed', 'shot', 'n']);
    expect(input.required).toEqual(['prompt']);
    expect(() => replicateInput({ latest_version: null })).toThrow(SchemaShapeError);
  });

  it("takes the body of a fal endpoint's POST, and says when a document has none", () => {
    const doc = {
      ...root,
      paths: {
        '/fal-ai/x/requests/{request_id}': { get: {} },
        '/fal-ai/x/y': {
          post: {
            requestBody: {
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Input' } } },
            },
          },
        },
      },
    };
    expect(falInput(doc, 'fal-ai/x/y').required).toEqual(['prompt']);
    // Spelled otherwise, its one submit path is read; with two, neither is taken for the endpoint's.
    expect(falInput(doc, 'fal-ai/x/z').required).toEqual(['prompt']);
    const two = { ...doc, paths: { ...doc.paths, '/fal-ai/x/w': doc.paths['/fal-ai/x/y'] } };
    expect(() => falInput(two, 'fal-ai/x/z')).toThrow('no JSON body for POST /fal-ai/x/z');
    expect(() => falInput({ paths: {} }, 'fal-ai/x/y')).toThrow(
      'the document has no JSON body for POST /fal-ai/x/y',
    );
    expect(() => falInput('<html>', 'fal-ai/x/y')).toThrow('not an OpenAPI document');
    expect(() => falInput({ ...doc, components: {} }, 'fal-ai/x/y')).toThrow('names no schema');
  });
});
