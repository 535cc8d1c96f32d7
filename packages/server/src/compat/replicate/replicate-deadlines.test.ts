import { describe, expect, it } from 'vitest';
import { ApiError } from '../../errors.ts';
import type { GenerationRecord, GenerationStatus } from '../../generations/generation-record.ts';
import type { PredictionRecord, ReplicateStore } from '../../store/replicate-predictions.ts';
import type { ReplicateCore } from './replicate-core.ts';
import { endOverduePredictions } from './replicate-deadlines.ts';
import { predictionStatus } from './replicate-prediction.ts';

const generation = (id: string, status: GenerationStatus, started: boolean) =>
  ({
    id,
    accountId: 'acct_a',
    runMode: 'test',
    status,
    startedAt: started ? new Date() : null,
  }) as GenerationRecord;

const prediction = (generationId: string): PredictionRecord => ({
  generationId,
  accountId: 'acct_a',
  modelName: 'reelay/kling-3.0-omni',
  input: {},
  webhook: null,
  webhookEvents: ['completed'],
  cancelAt: new Date(0),
  deadlineHit: null,
});

describe('Cancel-After', () => {
  it('aborts a queued prediction, cancels a running one and leaves a finished one as it ended', async () => {
    const generations = new Map([
      ['gen_queued', generation('gen_queued', 'queued', false)],
      ['gen_running', generation('gen_running', 'running', true)],
      ['gen_done', generation('gen_done', 'succeeded', true)],
      ['gen_racing', generation('gen_racing', 'running', true)],
    ]);
    const rows = new Map([...generations.keys()].map((id) => [id, prediction(id)]));
    const store = {
      overdue: async () => [...rows.values()].filter((p) => p.deadlineHit === null),
      claimDeadline: async (id: string) => {
        const row = rows.get(id);
        if (!row || row.deadlineHit !== null) return false;
        row.deadlineHit = true;
        return true;
      },
      deadlineMissed: async (id: string) => {
        const row = rows.get(id);
        if (row) row.deadlineHit = false;
      },
    } as unknown as ReplicateStore;
    const core = {
      load: async (id: string) => generations.get(id) ?? null,
      cancel: async (owner: { accountId: string; mode: string }, id: string) => {
        expect(owner).toEqual({ accountId: 'acct_a', mode: 'test' });
        const g = generations.get(id) as GenerationRecord;
        // One that ends on its own between the look and the cancel.
        if (id === 'gen_racing') throw new ApiError('conflict', 409, 'already succeeded');
        g.status = 'canceled';
        return g;
      },
    } as unknown as ReplicateCore;

    expect(await endOverduePredictions(core, store)).toBe(2);
    const status = (id: string) =>
      predictionStatus(generations.get(id) as GenerationRecord, rows.get(id) as PredictionRecord);
    expect(status('gen_queued')).toBe('aborted');
    expect(status('gen_running')).toBe('canceled');
    expect(status('gen_done')).toBe('succeeded');
    expect(rows.get('gen_done')?.deadlineHit).toBe(false);
    expect(rows.get('gen_racing')?.deadlineHit).toBe(false);
    // Handled once: a second sweep finds nothing.
    expect(await endOverduePredictions(core, store)).toBe(0);
  });
});
