import { execFileSync } from 'node:child_process';
import { describeModel, type Locale, type ModelEntry, modeLabel, models } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { catalogPage } from './catalog-page.ts';
import { ASSET_PLACEHOLDER, curlExample, exampleRequest, shellQuote } from './curl-example.ts';
import { dashboardPage } from './dashboard-page.ts';
import { allowedText, costHeadline, priceText } from './format.ts';
import { LOCALES, say } from './messages.ts';
import { modelPage } from './model-page.ts';
import { loadStaticFiles } from './static-files.ts';
import { negotiateLocale } from './web-routes.ts';

const BASE = 'https://gateway.example';
const EVIL = `<script>alert("x")</script><img src=x onerror=alert(1)> & 'quote'`;
const evilText = { en: EVIL, es: EVIL, ru: EVIL };
const ALL = { q: '', type: '', capability: '' };
const first = models[0] as ModelEntry;

/** A catalog entry whose every text is hostile markup, to prove that pages escape catalog text. */
const hostile: ModelEntry = {
  ...first,
  id: 'hostile-model',
  title: EVIL,
  provider: EVIL,
  description: evilText,
  fields: first.fields.map((f) => ({
    ...f,
    label: f.kind === 'media' ? evilText : f.label,
    description: evilText,
  })),
  rules: first.rules.map((r) => ({ ...r, description: evilText })),
  pricing: {
    variants: first.pricing.variants.map((v) => ({ ...v, label: evilText })),
    note: evilText,
  },
  exampleInput: { ...first.exampleInput, prompt: EVIL },
  notes: [EVIL],
};

const staticBytes = [...loadStaticFiles().values()].reduce((sum, f) => sum + f.body.length, 0);

describe('pages', () => {
  it('escape every catalog text on the model page, the catalog and in the curl example', () => {
    for (const locale of LOCALES) {
      const d = describeModel(hostile, { locale });
      for (const page of [modelPage(locale, d, BASE), catalogPage(locale, [d], ALL)]) {
        expect(page).not.toContain('<script>alert');
        expect(page).not.toContain('<img src=x');
        expect(page).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
        // The only script elements are the page's module and, on the model page, its JSON configuration.
        expect(page.match(/<script\b/g)?.length).toBeLessThanOrEqual(2);
      }
    }
  });

  it('render every model of the catalog in every language with all its fields, prices, modes and slots', () => {
    for (const entry of models) {
      for (const locale of LOCALES) {
        const d = describeModel(entry, { locale });
        const page = modelPage(locale, d, BASE);
        expect(page).toContain(`<html lang="${locale}">`);
        expect(page).toContain(`<h1>${d.title.replace(/&/g, '&amp;')}</h1>`);
        for (const f of d.fields) {
          expect(page).toContain(`<code>${f.name}</code>`);
          expect(page).toContain(`name="${f.name}"`);
        }
        for (const p of d.pricing) expect(page).toContain(priceText(locale, p));
        for (const c of d.capabilities)
          expect(page).toContain(`<li title="${c}">${modeLabel(c, locale)}</li>`);
        for (const p of d.pricing.filter((p) => p.informational)) expect(page).toContain(p.label);
        expect(page).toContain(d.variantSelection);
        expect(page).toContain(costHeadline(locale, d.pricing));
        if (d.pricing.some((p) => p.default)) expect(page).toContain(say(locale, 'defaultTag'));
      }
    }
  });

  it('label slots and price rows in the page language, in the fields table and in the playground', () => {
    const expected = {
      en: ['Reference video', 'Reference images', '720p · Audio'],
      es: ['Vídeo de referencia', 'Imágenes de referencia', '720p · Con audio'],
      ru: ['Референсное видео', 'Референсные изображения', '720p · Со звуком'],
    } as const;
    for (const locale of LOCALES) {
      const page = modelPage(locale, describeModel('kling-3.0-omni', { locale }), BASE);
      const [video, images, audioRow] = expected[locale];
      expect(page).toContain(`<th scope="row">${video} <code>referenceVideo</code>`);
      expect(page).toContain(`<label for="f-referenceVideo">${video} (referenceVideo)</label>`);
      expect(page).toContain(`<label for="f-referenceAssetUris">${images} (referenceAssetUris)</label>`);
      expect(page).toContain(`<th scope="row">${audioRow} <span class="tag">`);
      if (locale !== 'en') {
        for (const english of expected.en) expect(page).not.toContain(english);
      }
    }
  });

  it('give the dashboard an alerts section, and its script the alert words, in each language', () => {
    const heading = { en: 'Alerts', es: 'Alertas', ru: 'Оповещения' } as const;
    const budget = {
      en: '{percent} % of a key’s daily budget',
      es: '{percent} % del presupuesto diario de una clave',
      ru: '{percent} % дневного бюджета ключа',
    } as const;
    for (const locale of ['en', 'es', 'ru'] as const) {
      const page = dashboardPage(locale, []);
      expect(page).toContain(`<h2 id="alerts-title">${heading[locale]}</h2>`);
      expect(page).toContain('<tbody data-alerts></tbody>');
      const config = JSON.parse(/id="dashboard-config">([^<]*)</.exec(page)?.[1] ?? '{}');
      expect(config.messages['alert.budget.day']).toBe(budget[locale]);
      for (const word of ['noAlerts', 'alert.balanceLow', 'alert.budgetDetails', 'alert.budget.month']) {
        expect(config.messages[word], `${locale} ${word}`).toMatch(/\S/);
      }
    }
  });

  it('stay under 200 KB with their stylesheet and every script', () => {
    const locale: Locale = 'ru';
    const all = models.map((m) => describeModel(m, { locale }));
    const pages = [
      catalogPage(locale, all, ALL),
      dashboardPage(locale, all),
      ...all.map((d) => modelPage(locale, d, BASE)),
    ];
    for (const page of pages) expect(Buffer.byteLength(page) + staticBytes).toBeLessThan(200 * 1024);
  });

  it('hide the catalog cards that do not match the filter', () => {
    const all = models.map((m) => describeModel(m, { locale: 'en' }));
    const target = all[0] as (typeof all)[number];
    const page = catalogPage('en', all, {
      q: target.title.toUpperCase(),
      type: target.type,
      capability: target.capabilities[0] ?? '',
    });
    const visible = [...page.matchAll(/<li class="card"[^>]*>/g)].filter((m) => !m[0].includes(' hidden'));
    expect(visible.length).toBeGreaterThanOrEqual(1);
    expect(visible[0]?.[0]).toContain(`data-type="${target.type}"`);
    const none = catalogPage('en', all, { q: 'no-such-model-anywhere', type: '', capability: '' });
    expect([...none.matchAll(/<li class="card"[^>]*>/g)].every((m) => m[0].includes(' hidden'))).toBe(true);
    expect(none).toContain('0 of');
  });
});

describe('curl example', () => {
  it('carries the defaults, the example prompt and asset placeholders for the example slots', () => {
    const d = describeModel(first);
    const body = exampleRequest(d);
    expect(body).toMatchObject({ type: d.type, model: d.id });
    for (const f of d.fields) {
      if (f.media) {
        if (f.name in d.exampleInput) {
          expect(body.input[f.name]).toEqual(
            f.media.maxItems !== undefined ? [ASSET_PLACEHOLDER] : ASSET_PLACEHOLDER,
          );
        }
      } else if (f.default !== null) expect(body.input[f.name]).toEqual(f.default);
      else if (f.required) expect(body.input[f.name]).toEqual(d.exampleInput[f.name]);
    }
  });

  it('is a shell command whose body survives quoting, apostrophes included', () => {
    const d = describeModel({ ...first, exampleInput: { ...first.exampleInput, prompt: "it's a 'test'" } });
    const command = curlExample(d, BASE);
    const quoted = command.slice(command.indexOf("-d '") + 3);
    const echoed = execFileSync('sh', ['-c', `printf %s ${quoted}`], { encoding: 'utf8' });
    expect(JSON.parse(echoed)).toEqual(exampleRequest(d));
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote("a'b")}`], { encoding: 'utf8' })).toBe("a'b");
  });
});

describe('formatting', () => {
  const range = {
    name: 'strength',
    label: 'strength',
    type: 'number',
    required: false,
    default: 0.5,
    description: '',
  } as const;

  it('writes numbers, plurals and ranges in the page language', () => {
    expect(priceText('en', { tokensPerSecond: 6.4 })).toBe('6.4 tokens/s');
    expect(priceText('es', { tokensPerSecond: 6.4 })).toBe('6,4 tokens/s');
    expect(priceText('ru', { tokens: 1 })).toBe('1 токен');
    expect(priceText('ru', { tokens: 2 })).toBe('2 токена');
    expect(priceText('ru', { tokens: 5 })).toBe('5 токенов');
    expect(priceText('ru', { tokensPerSecond: 6.4 })).toBe('6,4 токена/с');
    expect(allowedText('es', { ...range, minimum: 0.25, maximum: 1, step: 0.25 })).toBe(
      'desde 0,25 · hasta 1 · paso 0,25',
    );
    expect(allowedText('en', { ...range, minimum: 3, maximum: 15, step: 1, unit: 'seconds' })).toBe(
      'seconds: from 3 · up to 15 · step 1',
    );
    expect(allowedText('ru', { ...range, minimum: 3, maximum: 15, step: 1, unit: 'seconds' })).toBe(
      'секунды: от 3 · до 15 · шаг 1',
    );
    expect(
      allowedText('ru', {
        ...range,
        type: 'array',
        media: { kind: 'image', schemes: ['asset', 'data'], maxItems: 7 },
      }),
    ).toBe('изображение · до 7 · asset, data');
    expect(allowedText('en', { ...range, type: 'string', default: null })).toBe('any text');
    expect(allowedText('en', { ...range, type: 'string', maxLength: 2500 })).toBe('up to 2500 chars');
  });

  it('says "from" only when the variants differ in price', () => {
    const p = (tokensPerSecond: number) => ({
      variant: 'v',
      label: 'v',
      unit: 'per_second' as const,
      tokensPerSecond,
    });
    expect(costHeadline('en', [p(8.5), p(6.4)])).toBe('from 6.4 tokens/s');
    expect(costHeadline('en', [p(7)])).toBe('7 tokens/s');
    expect(costHeadline('en', [p(7), { ...p(3), informational: true }])).toBe('7 tokens/s');
    expect(
      costHeadline('es', [
        { variant: 'a', label: 'a', unit: 'flat', tokens: 1.5 },
        { variant: 'b', label: 'b', unit: 'flat', tokens: 3 },
      ]),
    ).toBe('desde 1,5 tokens');
  });

  it('picks the page language from Accept-Language, English otherwise', () => {
    expect(negotiateLocale('es-ES,es;q=0.9,en;q=0.8')).toBe('es');
    expect(negotiateLocale('ru-RU')).toBe('ru');
    expect(negotiateLocale('de-DE, fr;q=0.8, ru;q=0.1')).toBe('ru');
    expect(negotiateLocale('de-DE')).toBe('en');
    expect(negotiateLocale(undefined)).toBe('en');
  });
});
