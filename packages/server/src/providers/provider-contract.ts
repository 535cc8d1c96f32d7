import type { Json } from '@reelay/catalog';
import { expect, it } from 'vitest';
import type { Provider, ProviderStatus, StartCall } from './provider.ts';

/** What the contract suite needs of one provider. */
export interface ContractSubject {
  /** A new instance, as another process would build it from the same configuration. */
  make(): Provider;
  /** A text-to-video call the provider can run. */
  call(): StartCall;
  /** Media type every output must have. */
  mediaType: string;
}

const signal = () => new AbortController().signal;

async function untilDone(provider: Provider, operation: Json): Promise<ProviderStatus> {
  for (let i = 0; i < 600; i++) {
    const status = await provider.status({ operation, signal: signal() });
    if (status.state !== 'pending') return status;
    if (status.progress !== undefined) {
      expect(status.progress).toBeGreaterThanOrEqual(0);
      expect(status.progress).toBeLessThanOrEqual(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('still pending after 600 polls');
}

/**
 * The behaviour every provider owes the worker (DESIGN §5): the operation is plain JSON that any
 * instance can follow; status is repeatable; a foreign operation is refused; outputs carry a URL and
 * the media type; warnings are `{code, message}`. Register with `describe(name, () => providerContract(subject))`.
 */
export function providerContract(subject: () => ContractSubject): void {
  it('starts with a JSON operation another instance can follow to its outputs, any number of times', async () => {
    const s = subject();
    const started = await s.make().start(s.call());
    const operation = JSON.parse(JSON.stringify(started.operation)) as Json;
    expect(operation).toEqual(started.operation);
    for (const w of started.warnings) expect(Object.keys(w).sort()).toEqual(['code', 'message']);
    if (started.upstreamId !== undefined) expect(typeof started.upstreamId).toBe('string');
    const other = s.make();
    const done = await untilDone(other, operation);
    expect(done.state).toBe('succeeded');
    if (done.state !== 'succeeded') return;
    expect(done.outputs.length).toBeGreaterThan(0);
    for (const output of done.outputs) {
      expect(output.mediaType).toBe(s.mediaType);
      expect(() => new URL(output.url)).not.toThrow();
    }
    expect(await s.make().status({ operation, signal: signal() })).toEqual(done);
    await other.close?.();
  });

  it('refuses an operation that is not its own', async () => {
    const provider = subject().make();
    await expect(provider.status({ operation: { nothing: 'here' }, signal: signal() })).rejects.toThrow();
  });

  it('can run the plain request it is asked for, without problems', () => {
    const s = subject();
    const assessment = s.make().assess?.(s.call()) ?? { problems: [], warnings: [] };
    expect(assessment.problems).toEqual([]);
  });
}
