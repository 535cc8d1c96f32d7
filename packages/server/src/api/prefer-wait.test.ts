import { describe, expect, it } from 'vitest';
import { preferredWaitSeconds } from './prefer-wait.ts';

describe('preferredWaitSeconds', () => {
  it('reads wait among other preferences', () => {
    expect(preferredWaitSeconds(undefined)).toBeNull();
    expect(preferredWaitSeconds('return=minimal')).toBeNull();
    expect(preferredWaitSeconds('wait=5')).toBe(5);
    expect(preferredWaitSeconds('respond-async, wait=60')).toBe(60);
    expect(preferredWaitSeconds(['handling=lenient', 'Wait="10"'])).toBe(10);
  });

  it('refuses waits that are not 1 to 60 whole seconds, naming the header', () => {
    for (const bad of ['wait=61', 'wait=0', 'wait=1.5', 'wait=abc', 'wait']) {
      expect(() => preferredWaitSeconds(bad)).toThrow(
        expect.objectContaining({ status: 400, extra: { param: 'Prefer' } }),
      );
    }
  });
});
