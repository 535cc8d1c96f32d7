import type { Queryable } from '../db/database.ts';
import { ApiError } from '../errors.ts';
import type { Owner } from '../key-mode.ts';
import { findGeneration, generationsPage } from '../store/generations.ts';
import type { GenerationRecord, GenerationStatus } from './generation-record.ts';

const STATUSES: readonly GenerationStatus[] = ['queued', 'running', 'succeeded', 'failed', 'canceled'];

export interface ListQuery {
  limit: number;
  cursor: string | null;
  status: GenerationStatus | null;
  model: string | null;
  /** Oldest first (the OpenAI shape's `order=asc`); newest first otherwise. */
  ascending?: boolean;
}

const bad = (param: string, message: string) => new ApiError('invalid_request', 400, message, { param });

/** Reads `limit`, `cursor`, `status` and `model` from a query string, with a 400 naming a bad one. */
export function parseListQuery(q: Record<string, unknown>): ListQuery {
  const text = (name: string) => {
    const v = q[name];
    if (v === undefined) return null;
    if (typeof v !== 'string') throw bad(name, `${name} may be given once.`);
    return v;
  };
  const limitText = text('limit');
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw bad('limit', 'limit must be a whole number from 1 to 100.');
  const status = text('status');
  if (status !== null && !(STATUSES as readonly string[]).includes(status)) {
    throw bad('status', `status must be one of ${STATUSES.join(', ')}.`);
  }
  const cursorText = text('cursor');
  let cursor: string | null = null;
  if (cursorText !== null) {
    cursor = Buffer.from(cursorText, 'base64url').toString('utf8');
    if (!/^gen_[A-Za-z0-9]+$/.test(cursor))
      throw bad('cursor', 'cursor is not one this API returned; pass nextCursor unchanged.');
  }
  return { limit, cursor, status: status as GenerationStatus | null, model: text('model') };
}

/**
 * One page of the owner's generations (its account, its mode), newest first. A cursor naming a generation the
 * owner cannot see (another mode's, another account's, or none) is a 400, not an empty page.
 */
export async function listGenerations(
  db: Queryable,
  owner: Owner,
  q: ListQuery,
): Promise<{ data: GenerationRecord[]; nextCursor: string | null }> {
  if (q.cursor !== null && (await findGeneration(db, owner, q.cursor)) === null) {
    throw bad(
      'cursor',
      'cursor is not one this API returned to a key of this mode; pass nextCursor unchanged.',
    );
  }
  const rows = await generationsPage(db, owner, { ...q, limit: q.limit + 1 });
  const data = rows.slice(0, q.limit);
  const last = data.at(-1);
  const nextCursor = rows.length > q.limit && last ? Buffer.from(last.id).toString('base64url') : null;
  return { data, nextCursor };
}
