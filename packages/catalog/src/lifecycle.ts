/** Where a model (or one upstream's route to it) stands: in service, on its way out, or gone. */
export type LifecycleStatus = 'active' | 'deprecated' | 'retired';

export interface ModelLifecycle {
  status: LifecycleStatus;
  /** When it was deprecated (ISO 8601 date or date-time). */
  deprecatedAt?: string;
  /** When it stops running (ISO 8601 date or date-time); past it a deprecated model is refused like a retired one. */
  shutdownAt?: string;
  /** The model id to move to; a model of the catalog. */
  replacement?: string;
}

export const ACTIVE: ModelLifecycle = { status: 'active' };

/** A date or date-time in ISO 8601 form (`2027-03-01`, `2027-03-01T00:00:00Z`); anything else is not one. */
export function lifecycleDate(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value)) return null;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return null;
  // A day that does not exist (2027-02-30) rolls over in Date; it is refused instead.
  if (value.length === 10 && date.toISOString().slice(0, 10) !== value) return null;
  return date;
}

/** The status in force at `now`: a deprecated model past its `shutdownAt` counts as retired. */
export function effectiveStatus(lifecycle: ModelLifecycle, now: Date): LifecycleStatus {
  if (lifecycle.status !== 'deprecated' || lifecycle.shutdownAt === undefined) return lifecycle.status;
  const shutdown = lifecycleDate(lifecycle.shutdownAt);
  return shutdown !== null && shutdown.getTime() <= now.getTime() ? 'retired' : 'deprecated';
}
