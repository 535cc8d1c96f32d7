import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * Random bytes from the operating system's generator, fetched 4 KiB at a time and handed out once each (as
 * Node's own `randomUUID` pools its bytes): one call into the generator serves about a hundred ids.
 */
const pool = Buffer.alloc(4096);
let next = pool.length;

function randomByte(): number {
  if (next === pool.length) {
    randomFillSync(pool);
    next = 0;
  }
  return pool[next++] as number;
}

/** Random base62 text of `length` characters (rejection sampling keeps it uniform). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export type IdPrefix = 'gen' | 'asset' | 'key' | 'acct' | 'req';

/** A new prefixed id such as `gen_4fQ9…`. */
export const newId = (prefix: IdPrefix): string => `${prefix}_${randomBase62(20)}`;
