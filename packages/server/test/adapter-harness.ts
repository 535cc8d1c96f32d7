import { afterEach, expect } from 'vitest';
import type { Provider, StartCall } from '../src/providers/provider.ts';
import { UpstreamError } from '../src/providers/upstream/upstream-error.ts';
import {
  expectRecorded,
  type Fixture,
  loadFixture,
  type ReplayServer,
  startReplay,
} from './upstream-replay.ts';

/** The base URL of an adapter that is only assessed: nothing listens there. */
export const NOWHERE = 'http://127.0.0.1:9';

/** A fixture with no exchanges: the adapter must send nothing. */
export const NO_EXCHANGES: Fixture = { description: 'none', exchanges: [] };

/** Reads `__fixtures__/<name>.json` next to the test file whose `import.meta.url` is `testUrl`. */
export function fixturesNextTo(testUrl: string): (name: string) => Fixture {
  return (name) => loadFixture(new URL(`./__fixtures__/${name}.json`, testUrl));
}

/** A signal that is never aborted. */
export const signal = (): AbortSignal => new AbortController().signal;

/** A clock a test moves by setting `now`; `read` is what the adapter is given as its `now`. */
export interface FakeClock {
  now: number;
  read: () => number;
}

export function fakeClock(now: number): FakeClock {
  const clock: FakeClock = { now, read: () => clock.now };
  return clock;
}

/**
 * Adapters made in a test against a loopback replay of its fixture: `make` builds one for the replay
 * server's base URL; every server started in a test is closed after it.
 */
export function adaptersOnReplay<P, O>(
  make: (base: string, options: O) => P,
): (fx: Fixture, options?: O) => Promise<{ provider: P; server: ReplayServer }> {
  const open = new Set<ReplayServer>();
  afterEach(async () => {
    for (const server of open) await server.close();
    open.clear();
  });
  return async (fx, options) => {
    const server = await startReplay(fx);
    open.add(server);
    return { provider: make(server.base, options as O), server };
  };
}

/** The UpstreamError `p` fails with; anything else (or no failure) fails the test. */
export async function failureOf(p: Promise<unknown>): Promise<UpstreamError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

/**
 * Starts `call` on an adapter made against a replay of `fx`, which must fail, after sending exactly the
 * recorded requests; returns the failure.
 */
export async function failureOnStart(
  adapter: (fx: Fixture) => Promise<{ provider: Provider; server: ReplayServer }>,
  fx: Fixture,
  call: StartCall,
): Promise<UpstreamError> {
  const { provider, server } = await adapter(fx);
  const error = await failureOf(provider.start(call));
  expectRecorded(fx, server);
  return error;
}

/** Starts `call` on an adapter made against a replay of `fx`, after which exactly the recorded requests were sent. */
export async function startAsRecorded(
  adapter: (fx: Fixture) => Promise<{ provider: Provider; server: ReplayServer }>,
  fx: Fixture,
  call: StartCall,
): ReturnType<Provider['start']> {
  const { provider, server } = await adapter(fx);
  const started = await provider.start(call);
  expectRecorded(fx, server);
  return started;
}
