import { readFileSync } from 'node:fs';
import { models } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import { PROVIDER_IDS, UPSTREAM_IDS } from './upstream-ids.ts';
import { DEFAULT_ROUTES, hostedModels, UPSTREAM_MODELS } from './upstream-models.ts';

/** The rows of the README's table of which upstream runs which model, as `model upstream endpoint source`. */
function readmeRows(): string[] {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const section = readme.split('## Which upstream runs which model')[1]?.split('\n## ')[0] ?? '';
  const cells = (line: string) =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) =>
        c
          .trim()
          .replace(/^`(.*)`$/, '$1')
          .replace(/^<(.*)>$/, '$1'),
      );
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => cells(line).join(' '));
}

describe('upstream registries', () => {
  it("match the providers README's table of which upstream runs which model, row for row", () => {
    const registered = hostedModels().map((h) => [h.model, h.upstream, h.endpoint, h.source].join(' '));
    expect(readmeRows().sort()).toEqual(registered.sort());
  });

  it('hold each mapping under its own catalog model id', () => {
    const ids = new Set(models.map((m) => m.id));
    for (const upstream of UPSTREAM_IDS) {
      for (const [id, mapping] of Object.entries(UPSTREAM_MODELS[upstream])) {
        expect(mapping?.model, `${upstream} ${id}`).toBe(id);
        expect(ids.has(id), id).toBe(true);
        expect(mapping?.source).toMatch(/^https:\/\//);
      }
    }
  });

  it('give every hosted model a default route of its upstreams in order, and nothing else one', () => {
    for (const m of models) {
      const hosts = UPSTREAM_IDS.filter(
        (u) => UPSTREAM_MODELS[u][m.id as keyof (typeof UPSTREAM_MODELS)[typeof u]],
      );
      expect(DEFAULT_ROUTES[m.id] ?? [], m.id).toEqual(hosts);
    }
    expect(DEFAULT_ROUTES['kling-3.0-omni']).toEqual(['kling', 'fal', 'replicate']);
    expect(PROVIDER_IDS).toEqual(['local', 'kling', 'fal', 'replicate']);
  });
});
