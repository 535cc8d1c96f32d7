import { describe, expect, it } from 'vitest';
import { compareInput, comparePrice } from './compare-input.ts';
import type { PublishedInput } from './published-input.ts';
import type { SentEndpoint } from './sent-fields.ts';

const where = { model: 'm', upstream: 'fal', endpoint: 'e' };
const sent: SentEndpoint = {
  endpoint: 'e',
  requests: 4,
  fields: [
    { name: 'prompt', types: ['string'], values: null, always: true },
    { name: 'duration', types: ['string'], values: ['5', '10'], always: true },
    { name: 'seed', types: ['integer'], values: [1], always: false },
    { name: 'image_url', types: ['string'], values: null, always: false },
  ],
};
const published = (changes: Partial<PublishedInput> = {}): PublishedInput => ({
  properties: {
    prompt: { types: ['string'], values: null },
    duration: { types: ['string'], values: ['5', '10'] },
    seed: { types: ['number', 'null'], values: null },
    image_url: { types: ['string'], values: null },
  },
  required: ['prompt'],
  ...changes,
});
const kinds = (findings: ReturnType<typeof compareInput>) =>
  findings.map((f) => `${f.kind} ${f.severity} ${f.field}`);

describe('compareInput', () => {
  it('finds nothing when the schema takes what is sent (an integer where a number goes)', () => {
    expect(compareInput(where, sent, published())).toEqual([]);
  });

  it('reports a field the schema dropped, with its route', () => {
    const { image_url: _, ...rest } = published().properties;
    const findings = compareInput(where, sent, published({ properties: rest }));
    expect(findings).toEqual([
      {
        kind: 'field_removed',
        severity: 'breaking',
        model: 'm',
        upstream: 'fal',
        endpoint: 'e',
        field: 'image_url',
        message: 'image_url is sent but the schema no longer has it.',
      },
    ]);
  });

  it('reports required fields never sent, or not sent on every request', () => {
    const findings = compareInput(where, sent, published({ required: ['prompt', 'image_url', 'mode'] }));
    expect(kinds(findings)).toEqual([
      'required_missing breaking image_url',
      'required_missing breaking mode',
    ]);
    expect(findings[0]?.message).toMatch(/some requests to this endpoint leave it out/);
    expect(findings[1]?.message).toMatch(/never sends it/);
  });

  it('reports a value no longer allowed as breaking and values never sent as news', () => {
    const properties = {
      ...published().properties,
      duration: { types: ['string' as const], values: ['5', '8', '15'] },
    };
    const findings = compareInput(where, sent, published({ properties }));
    expect(kinds(findings)).toEqual(['enum_changed breaking duration', 'enum_changed info duration']);
    expect(findings[0]?.message).toMatch(/"10", which the schema no longer allows/);
    expect(findings[1]?.message).toMatch(/also allows "8", "15"/);
  });

  it('warns when a field carrying the caller’s text becomes an enum', () => {
    const properties = {
      ...published().properties,
      prompt: { types: ['string' as const], values: ['a', 'b'] },
    };
    expect(kinds(compareInput(where, sent, published({ properties })))).toEqual([
      'enum_changed warning prompt',
    ]);
  });

  it('reports a type the schema no longer takes', () => {
    const properties = { ...published().properties, duration: { types: ['integer' as const], values: null } };
    const findings = compareInput(where, sent, published({ properties }));
    expect(kinds(findings)).toEqual(['type_changed breaking duration']);
    expect(findings[0]?.message).toBe('duration is sent as string; the schema takes integer.');
  });
});

describe('comparePrice', () => {
  const assumed = { unitPrice: 0.084, unit: 'second', currency: 'USD', source: 'a page' };
  it('is silent while the price holds and warns when it moves', () => {
    expect(comparePrice(where, assumed, { unitPrice: 0.084, unit: 'second', currency: 'usd' })).toEqual([]);
    const [moved] = comparePrice(where, assumed, { unitPrice: 0.1, unit: 'second', currency: 'USD' });
    expect(moved).toMatchObject({ kind: 'price_changed', severity: 'warning', field: null });
    expect(moved?.message).toBe(
      'published at 0.1 USD per second; the mapping assumes 0.084 USD per second (a page).',
    );
  });
});
