import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundleScripts, loadStaticFiles, SCRIPTS_DIR } from './static-files.ts';

describe('the page scripts', () => {
  const bundles = bundleScripts();

  it('are bundled one per TypeScript file, as the pages load them', () => {
    const sources = readdirSync(SCRIPTS_DIR).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
    expect([...bundles.keys()].sort()).toEqual(sources.map((n) => n.replace(/\.ts$/, '.js')).sort());
    const files = loadStaticFiles();
    expect(files.get('model-page.js')?.contentType).toBe('text/javascript; charset=utf-8');
    expect(files.get('site.css')?.contentType).toBe('text/css; charset=utf-8');
  });

  it('share the SDK: only api.js carries it, the others import ./api.js as the browser resolves it', () => {
    const text = (name: string) => bundles.get(name)?.toString('utf8') ?? '';
    // The SDK's event-stream reader is a class of its own: in api.js, and nowhere else.
    expect(text('api.js')).toContain('text/event-stream');
    for (const name of ['follow-generation.js', 'model-page.js', 'dashboard.js']) {
      expect(text(name)).toMatch(/from\s*"\.\/api\.js"/);
      expect(text(name)).not.toContain('text/event-stream');
    }
    for (const body of bundles.values()) expect(body.toString('utf8')).not.toMatch(/from\s*"node:|require\(/);
  });
});
