import { describe, expect, it } from 'vitest';
import { runProcess, TailBuffer } from '../../src/media/run-process.ts';

/** Deterministic pseudo-random chunk sizes (a linear congruential generator). */
function* sizes(seed: number, max: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    yield 1 + (x % max);
  }
}

describe('the bounded stderr buffer', () => {
  it.each([
    [16, 5],
    [1000, 97],
    [4096, 4096],
    [64, 1],
  ])('keeps exactly the last %i bytes of whatever was written in chunks of up to %i', (limit, maxChunk) => {
    const buffer = new TailBuffer(limit);
    const written: Buffer[] = [];
    const next = sizes(limit + maxChunk, maxChunk);
    let total = 0;
    for (let i = 0; i < 2000; i++) {
      const size = next.next().value as number;
      const chunk = Buffer.alloc(size, 0x61 + (i % 26));
      written.push(chunk);
      total += size;
      buffer.push(chunk);
      // Memory stays bounded: never more than the limit plus one chunk, never less than what was asked.
      expect(buffer.bytesHeld).toBeLessThan(limit + maxChunk);
      expect(buffer.bytesHeld).toBeGreaterThanOrEqual(Math.min(limit, total));
    }
    const all = Buffer.concat(written);
    expect(buffer.toString()).toBe(all.subarray(all.length - limit).toString('latin1'));
  });

  it('keeps everything while less than the limit was written', () => {
    const buffer = new TailBuffer(100);
    buffer.push(Buffer.from('hello '));
    buffer.push(Buffer.alloc(0));
    buffer.push(Buffer.from('world'));
    expect(buffer.toString()).toBe('hello world');
  });

  it('keeps the end of a single chunk longer than the limit', () => {
    const buffer = new TailBuffer(4);
    buffer.push(Buffer.from('abc'));
    buffer.push(Buffer.from('0123456789'));
    expect(buffer.toString()).toBe('6789');
    expect(buffer.bytesHeld).toBe(4);
    buffer.push(Buffer.from('xy'));
    expect(buffer.toString()).toBe('89xy');
  });

  it('drops a character cut in half at the front rather than garbling it', () => {
    const buffer = new TailBuffer(5);
    // "é" is two bytes (C3 A9): the last 5 bytes of "aébcde" start with its second one.
    buffer.push(Buffer.from('aé'));
    buffer.push(Buffer.from('bcde'));
    expect(buffer.toString()).toBe('bcde');
    const whole = new TailBuffer(5);
    whole.push(Buffer.from('éabc'));
    expect(whole.toString()).toBe('éabc');
  });

  it('refuses a limit that is not positive', () => {
    expect(() => new TailBuffer(0)).toThrow(RangeError);
  });

  it('is what runProcess keeps of a program that prints megabytes to stderr', async () => {
    // 40 000 numbered lines (about 1.2 MB) in many writes; only the last 2000 bytes are kept.
    const script = [
      'let s = "";',
      'for (let i = 0; i < 40000; i++) {',
      '  s += "line " + String(i).padStart(6, "0") + " of the log\\n";',
      '  if (s.length > 4000) { process.stderr.write(s); s = ""; }',
      '}',
      'process.stderr.write(s);',
      'process.stdout.write("done");',
    ].join('\n');
    const result = await runProcess(process.execPath, ['-e', script], { maxOutputBytes: 2000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('done');
    expect(result.stderr.length).toBe(2000);
    expect(result.stderr.endsWith('line 039999 of the log\n')).toBe(true);
    const expected = Array.from(
      { length: 40000 },
      (_, i) => `line ${String(i).padStart(6, '0')} of the log\n`,
    ).join('');
    expect(result.stderr).toBe(expected.slice(-2000));
  });
});
