/**
 * The two worlds an account lives in: `test` (the local renderer, test tokens) and `live` (upstreams, real
 * tokens). Keys, balances, generations, assets and webhooks each belong to one; nothing crosses between them.
 */
export type KeyMode = 'test' | 'live';

/** Every key mode, for reading one back from the database. */
export const KEY_MODES: readonly KeyMode[] = ['test', 'live'];

/** Whose data a read or write is about: an account in one of its two worlds. */
export interface Owner {
  accountId: string;
  mode: KeyMode;
}
