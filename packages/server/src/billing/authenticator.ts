import type { Database } from '../db/database.ts';
import type { ApiError } from '../errors.ts';
import type { Principal } from './api-keys.ts';
import { admitRequest, type LimitDefaults } from './limits.ts';

/** Turns a Bearer key into its principal, counting the request against the key's rate (see {@link admitRequest}). */
export class Authenticator {
  /** When this process last recorded each key's use, by key hash. */
  private readonly lastTouched = new Map<string, number>();

  constructor(
    private readonly db: Database,
    private readonly limits: LimitDefaults,
  ) {}

  admit(key: string): Promise<{ principal: Principal | null; refusal: ApiError | null }> {
    return admitRequest(this.db, key, this.limits, this.lastTouched);
  }
}
