import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
/** Packages the browser entry may use: both are plain JavaScript with no Node built-ins. */
const BROWSER_SAFE = new Set(['eventsource-parser/stream', 'standardwebhooks']);

/** Every module the file imports, followed through relative imports. */
function importGraph(entry: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(entry)) return seen;
  const source = readFileSync(entry, 'utf8');
  // Type-only imports (the wire contract's types) leave no code in the bundle, so they are not followed.
  const specifiers = [...source.matchAll(/^(?:import|export)\s(?!type\s)[^'"]*?from\s+'([^']+)'/gm)].map(
    (m) => m[1] ?? '',
  );
  seen.set(entry, specifiers);
  for (const s of specifiers) if (s.startsWith('.')) importGraph(join(dirname(entry), s), seen);
  return seen;
}

describe('the browser entry (@reelay/client)', () => {
  it('reaches no Node built-in and no Node-only module', () => {
    const graph = importGraph(join(SRC, 'index.ts'));
    expect(graph.size).toBeGreaterThan(8);
    for (const [file, specifiers] of graph) {
      for (const s of specifiers) {
        expect(s.startsWith('node:'), `${file} imports ${s}`).toBe(false);
        if (!s.startsWith('.')) expect(BROWSER_SAFE.has(s), `${file} imports ${s}`).toBe(true);
      }
    }
    expect([...graph.keys()].some((f) => f.endsWith('node-files.ts'))).toBe(false);
    const nodeGraph = importGraph(join(SRC, 'node.ts'));
    expect([...nodeGraph.keys()].some((f) => f.endsWith('node-files.ts'))).toBe(true);
  });
});
