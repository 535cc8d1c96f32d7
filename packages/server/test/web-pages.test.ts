import { models } from '@reelay/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALES } from '../src/web/messages.ts';
import { startGateway, type TestGateway } from './harness.ts';

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};
const decodeEntities = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);

/** The JSON body of the page's curl example, as a shell would pass it. */
function curlBody(page: string): { type: string; model: string; input: Record<string, unknown> } {
  const code = decodeEntities(
    /<pre id="curl-example"[^>]*><code>([\s\S]*?)<\/code><\/pre>/.exec(page)?.[1] ?? '',
  );
  const quoted = code.slice(code.indexOf("-d '") + 4, code.lastIndexOf("'"));
  return JSON.parse(quoted.replace(/'\\''/g, "'"));
}

// The pages read no database, so one kind is enough here; the API they call is tested on both.
describe('web pages over HTTP', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startGateway('pglite');
  });
  afterAll(async () => {
    await t?.stop();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.baseUrl}${path}`, { headers, redirect: 'manual' });

  it('serves every model page in every language with a curl example the API accepts', async () => {
    for (const model of models) {
      for (const locale of LOCALES) {
        const r = await get(`/${locale}/models/${model.id}`);
        expect(r.status, `${locale} ${model.id}`).toBe(200);
        expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(r.headers.get('content-language')).toBe(locale);
        expect(r.headers.get('content-security-policy')).toContain("default-src 'none'");
        const body = curlBody(await r.text());
        expect(body).toMatchObject({ type: model.type, model: model.id });
        const withAssets = JSON.parse(
          JSON.stringify(body).replaceAll('asset://asset_...', 'asset://asset_example1'),
        );
        const quote = await t.api('POST', '/api/v1/quotes', withAssets);
        expect(quote.status, `${model.id}: ${quote.text}`).toBe(200);
        expect(model.modes).toContain(quote.json.mode);
      }
    }
  });

  it('filters the catalog as the models API does', async () => {
    const capabilities = [...new Set(models.flatMap((m) => m.capabilities ?? m.modes))];
    for (const type of ['', ...new Set(models.map((m) => m.type))]) {
      for (const capability of ['', ...capabilities]) {
        const query = new URLSearchParams({
          ...(type ? { type } : {}),
          ...(capability ? { capability } : {}),
        });
        const page = await (await get(`/en/models?${query}`)).text();
        const shown = [...page.matchAll(/<li class="card"[^>]*>\s*<h2><a href="\/en\/models\/([^"]+)"/g)]
          .filter((m) => !m[0].includes(' hidden'))
          .map((m) => m[1]);
        const api = await t.api('GET', `/api/v1/models?${query}`);
        expect(shown, `${query}`).toEqual(api.json.data.map((m: { id: string }) => m.id));
      }
    }
  });

  it('escapes the search it echoes back', async () => {
    const page = await (
      await get(`/en/models?q=${encodeURIComponent('"><script>alert(1)</script>')}`)
    ).text();
    expect(page).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page).not.toContain('<script>alert(1)');
  });

  it('names the media slots and price rows in the language of the page, as the models API does', async () => {
    const slots = {
      es: { startImage: 'Imagen inicial', endImage: 'Imagen final', row: '720p · Con audio' },
      ru: { startImage: 'Начальное изображение', endImage: 'Конечное изображение', row: '720p · Со звуком' },
    } as const;
    for (const locale of ['es', 'ru'] as const) {
      const page = await (await get(`/${locale}/models/kling-3.0`)).text();
      const want = slots[locale];
      expect(page).toContain(`<th scope="row">${want.startImage} <code>startImage</code>`);
      expect(page).toContain(`<label for="f-endImage">${want.endImage} (endImage)</label>`);
      expect(page).toContain(`<th scope="row">${want.row} <span class="tag">`);
      for (const english of ['Start image', 'End image', '· Audio']) expect(page).not.toContain(english);
      const api = await t.api('GET', `/api/v1/models/kling-3.0?locale=${locale}`);
      const label = (name: string) => api.json.fields.find((f: { name: string }) => f.name === name)?.label;
      expect([label('startImage'), label('endImage')]).toEqual([want.startImage, want.endImage]);
    }
  });

  it('labels every playground field and capability with words of the page’s language, not ids', async () => {
    const words = {
      en: { aspectRatio: 'Aspect ratio', duration: 'Duration', mode: 'Image to video' },
      es: { aspectRatio: 'Relación de aspecto', duration: 'Duración', mode: 'Imagen a vídeo' },
      ru: { aspectRatio: 'Соотношение сторон', duration: 'Длительность', mode: 'Изображение в видео' },
    } as const;
    for (const locale of LOCALES) {
      const page = await (await get(`/${locale}/models/kling-3.0-omni`)).text();
      const want = words[locale];
      expect(page).toContain(`<label for="f-aspectRatio">${want.aspectRatio} (aspectRatio)</label>`);
      expect(page).toContain(`<label for="f-duration">${want.duration} (duration)</label>`);
      expect(page).toContain(`<li title="image_to_video">${want.mode}</li>`);
      // No label of any model reads as its bare field id.
      for (const model of models) {
        const html = await (await get(`/${locale}/models/${model.id}`)).text();
        for (const f of model.fields)
          expect(html, `${model.id} ${f.name}`).not.toContain(`<label for="f-${f.name}">${f.name}`);
      }
      const catalog = await (await get(`/${locale}/models`)).text();
      expect(catalog).toContain(`<option value="image_to_video">${want.mode}</option>`);
      expect(catalog).not.toContain('<li>image_to_video</li>');
    }
  });

  it('picks the language of unprefixed paths from Accept-Language', async () => {
    const ru = await get('/models', { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' });
    expect(ru.status).toBe(200);
    expect(ru.headers.get('vary')).toContain('Accept-Language');
    expect(await ru.text()).toContain('<html lang="ru">');
    const other = await get('/dashboard', { 'accept-language': 'de-DE' });
    expect(await other.text()).toContain('<html lang="en">');
    const root = await get('/', { 'accept-language': 'es' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/es/models');
  });

  it('answers an unknown model with an HTML 404 that escapes the id, and an unknown language with 404', async () => {
    const r = await get('/en/models/%3Cb%3Ebold');
    expect(r.status).toBe(404);
    const page = await r.text();
    expect(page).toContain('&lt;b&gt;bold');
    expect(page).not.toContain('<b>bold');
    expect((await get('/de/models')).status).toBe(404);
  });

  it('serves the stylesheet and scripts with ETags, and nothing else from the folder', async () => {
    const css = await get('/static/site.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    const etag = css.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    expect((await get('/static/site.css', { 'if-none-match': etag })).status).toBe(304);
    const js = await get('/static/model-page.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('/static/web-routes.ts')).status).toBe(404);
    expect((await get('/static/..%2Fweb-routes.ts')).status).toBe(404);
  });
});
