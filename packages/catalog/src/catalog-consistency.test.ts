import { describe, expect, it } from 'vitest';
import { MODE_LABELS } from './labels.ts';
import { lifecycleDate } from './lifecycle.ts';
import { prepare } from './prepare.ts';
import { priceTable } from './pricing.ts';
import { models } from './registry.ts';
import type { FieldSpec, Json, Locale, LocalizedText, ModelEntry } from './types.ts';

const LOCALES: readonly Locale[] = ['en', 'es', 'ru'];

const URI: Record<string, string> = {
  image: 'asset://asset_img1',
  video: 'asset://asset_vid1',
  audio: 'asset://asset_aud1',
};

/** Every combination of choice and flag values, and of slots left empty or filled (arrays with 1 or 2 items). */
function combinations(model: ModelEntry): Record<string, Json>[] {
  const axes: [string, (Json | undefined)[]][] = model.fields.flatMap(
    (f): [string, (Json | undefined)[]][] => {
      if (f.kind === 'enum') return [[f.name, [...f.values]]];
      if (f.kind === 'boolean') return [[f.name, [true, false]]];
      if (f.kind === 'media') {
        const one = URI[f.media] as string;
        const filled: Json[] =
          f.maxItems === undefined ? [one] : f.maxItems >= 2 ? [[one], [one, one]] : [[one]];
        return [[f.name, f.required ? filled : [undefined, ...filled]]];
      }
      return [];
    },
  );
  let combos: Record<string, Json>[] = [{ ...model.exampleInput }];
  for (const [name, values] of axes) {
    combos = combos.flatMap((c) =>
      values.map((v) => {
        const next = { ...c };
        if (v === undefined) delete next[name];
        else next[name] = v;
        return next;
      }),
    );
  }
  return combos;
}

/** Values at and just across a field's edges: [value, accepted?, expected code]. */
function edges(f: FieldSpec): [Json, boolean, string?][] {
  switch (f.kind) {
    case 'enum':
      return [
        ...f.values.map((v): [Json, boolean] => [v, true]),
        [`${f.values[0]}x`, false, 'not_allowed'],
        [1, false, 'invalid_type'],
      ];
    case 'number': {
      const out: [Json, boolean, string?][] = [
        [f.min, true],
        [f.max, true],
        [f.min - f.step, false, 'out_of_range'],
        [f.max + f.step, false, 'out_of_range'],
        [String(f.min), false, 'invalid_type'],
      ];
      if (f.max > f.min) out.push([f.min + f.step / 2, false, 'not_on_step']);
      return out;
    }
    case 'string':
      return f.maxLength === undefined
        ? [
            ['x', true],
            [7, false, 'invalid_type'],
          ]
        : [
            ['x'.repeat(f.maxLength), true],
            ['x'.repeat(f.maxLength + 1), false, 'too_long'],
            [7, false, 'invalid_type'],
          ];
    case 'boolean':
      return [
        [false, true],
        ['true', false, 'invalid_type'],
      ];
    case 'media':
      if (f.maxItems === undefined)
        return [
          [7, false, 'invalid_type'],
          ['ftp://x', false, 'invalid_uri'],
        ];
      return [
        [Array(f.maxItems).fill(URI[f.media]), true],
        [Array(f.maxItems + 1).fill(URI[f.media]), false, 'too_many_items'],
      ];
  }
}

describe.each(models.map((m) => [m.id, m] as const))('catalog entry %s', (_id, model) => {
  it('has a lifecycle whose dates are dates and whose replacement is another model of the catalog', () => {
    const lifecycle = model.lifecycle ?? { status: 'active' };
    for (const date of [lifecycle.deprecatedAt, lifecycle.shutdownAt]) {
      if (date !== undefined) expect(lifecycleDate(date), date).not.toBeNull();
    }
    if (lifecycle.replacement !== undefined) {
      expect(lifecycle.replacement).not.toBe(model.id);
      expect(models.map((m) => m.id)).toContain(lifecycle.replacement);
    }
  });

  it('has texts in every language and a price for every variant', () => {
    for (const text of [model.description, ...model.fields.map((f) => f.description)]) {
      expect(text.en.length).toBeGreaterThan(3);
      expect(text.es.length).toBeGreaterThan(3);
      expect(text.ru.length).toBeGreaterThan(3);
      expect(text.ru).not.toBe(text.en);
    }
    for (const v of model.pricing.variants) expect(v.milliTokens).toBeGreaterThan(0);
    expect(new Set(model.pricing.variants.map((v) => v.variant)).size).toBe(model.pricing.variants.length);
  });

  it('labels every field and price row in every language, translating all but names and resolutions', () => {
    const labels: [LocalizedText, string?][] = [
      ...model.fields.map((f): [LocalizedText, string] => [f.label, f.name]),
      ...model.pricing.variants.map((v): [LocalizedText] => [v.label]),
    ];
    // Every field reads as words in each language (the playground's labels), never as its raw name.
    for (const f of model.fields) {
      for (const locale of LOCALES) expect(f.label[locale], `${f.name} ${locale}`).not.toBe(f.name);
    }
    for (const [label, name] of labels) {
      for (const locale of LOCALES) expect(label[locale]?.trim(), `${label.en} ${locale}`).toBeTruthy();
      // What stays as it is everywhere: the field's name, resolutions and sizes (720p, 4K), numbers.
      const kept = (text: string) =>
        text
          .split(/[\s·]+/)
          .filter((w) => w === name || /^\d+[pkK]?$/.test(w))
          .join(' ');
      const words = label.en.split(/[\s·]+/).filter((w) => w !== name && !/^\d+[pkK]?$/.test(w));
      if (words.length === 0) {
        expect(label.es, label.en).toBe(label.en);
        expect(label.ru, label.en).toBe(label.en);
      } else {
        expect(label.es, label.en).not.toBe(label.en);
        expect(label.ru, label.en).toMatch(/[а-яё]/i);
        expect(kept(label.es), label.en).toBe(kept(label.en));
        expect(kept(label.ru), label.en).toBe(kept(label.en));
      }
    }
  });

  it('declares defaults that its own fields accept, and valid ranges', () => {
    const required = Object.fromEntries(
      model.fields.filter((f) => f.required).map((f) => [f.name, model.exampleInput[f.name] ?? null]),
    );
    const r = prepare(model.id, required);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    for (const f of model.fields) {
      if ('default' in f && f.default !== undefined) expect(r.value.input[f.name], f.name).toEqual(f.default);
      if (f.kind === 'number') {
        expect(f.min).toBeLessThanOrEqual(f.max);
        expect(f.step).toBeGreaterThan(0);
      }
      if (f.kind === 'enum') expect(new Set(f.values).size).toBe(f.values.length);
    }
  });

  it('marks as default the one row a request with every default gets', () => {
    const required = Object.fromEntries(
      model.fields.filter((f) => f.required).map((f) => [f.name, model.exampleInput[f.name] ?? null]),
    );
    const r = prepare(model.id, required);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const defaults = model.pricing.variants.filter((v) => v.isDefault);
    expect(defaults.map((v) => v.variant)).toEqual([r.value.variant]);
    expect(defaults[0]?.informational).toBeUndefined();
  });

  it('lists its capabilities as a superset of its modes, each named in every language, and a provider', () => {
    const capabilities = model.capabilities ?? model.modes;
    for (const mode of model.modes) expect(capabilities).toContain(mode);
    expect(new Set(capabilities).size).toBe(capabilities.length);
    // Each capability has a name in every language (the pages list them by name).
    for (const c of capabilities) {
      for (const locale of LOCALES) expect(MODE_LABELS[c]?.[locale]?.trim(), `${c} ${locale}`).toBeTruthy();
    }
    expect(model.provider.length).toBeGreaterThan(1);
    expect(model.notes ?? []).not.toContain('');
    // `always` has no switch; `source` is what the switch means.
    const hasSwitch = model.fields.some((f) => f.name === 'audioEnabled' && f.kind === 'boolean');
    if (model.audio === 'always') expect(hasSwitch).toBe(false);
    if (model.audio === 'source') expect(hasSwitch).toBe(true);
    if (model.audio !== undefined) expect(model.type).toBe('video');
  });

  it('accepts its documented example and quotes it from its own table', () => {
    const r = prepare(model.id, model.exampleInput);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const price = priceTable(model).find((v) => v.variant === r.value.variant);
    expect(price).toBeDefined();
    const seconds = model.secondsField ? (r.value.input[model.secondsField] as number) : 1;
    expect(r.value.quote.milliTokens).toBe(
      price?.unit === 'flat' ? price.milliTokens : Math.round((price?.milliTokens ?? 0) * seconds),
    );
  });

  it('accepts every value at its edges and refuses each value just outside with the right param', () => {
    for (const f of model.fields) {
      for (const [value, accepted, code] of edges(f)) {
        const r = prepare(model.id, { ...model.exampleInput, [f.name]: value });
        const at = r.ok ? [] : r.errors.filter((e) => e.param === `input.${f.name}`);
        if (accepted) {
          expect(at, `${f.name}=${JSON.stringify(value)}`).toEqual([]);
        } else {
          expect(
            at.map((e) => e.code),
            `${f.name}=${JSON.stringify(value)}`,
          ).toContain(code);
        }
      }
    }
  });

  it('reaches every variant of its price table and every mode from some input', () => {
    const variants = new Set<string>();
    const modes = new Set<string>();
    for (const input of combinations(model)) {
      const r = prepare(model.id, input);
      if (!r.ok) continue;
      variants.add(r.value.variant);
      modes.add(r.value.mode);
      expect(model.modes).toContain(r.value.mode);
    }
    // Informational rows are listed but never selected; every other row is reachable.
    const charged = model.pricing.variants.filter((v) => !v.informational).map((v) => v.variant);
    expect([...variants].sort()).toEqual(charged.sort());
    expect([...modes].sort()).toEqual([...model.modes].sort());
  });
});
