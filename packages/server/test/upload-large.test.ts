import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wavHeader } from './media-fixtures.ts';
import { freePort, startProcess } from './processes.ts';

const KEY = 'rl_test_largeuploadlargeupload01';
const MB = 1024 * 1024;
const DATA_BYTES = 500 * MB;

/** Resident memory of a process in MB, from /proc. */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * A 500 MB WAV made on the fly (never on disk on the client side), hashed as it is sent. The chunks vary so
 * that the stored file's hash proves every byte arrived in order.
 */
function generatedWav(hash: ReturnType<typeof createHash>): ReadableStream<Uint8Array> {
  const chunk = Buffer.alloc(MB);
  let sent = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === -1) {
        const header = wavHeader(DATA_BYTES);
        hash.update(header);
        controller.enqueue(header);
      } else if (sent * MB >= DATA_BYTES) {
        controller.close();
        return;
      } else {
        chunk.fill(sent % 251);
        const copy = Buffer.from(chunk);
        hash.update(copy);
        controller.enqueue(copy);
      }
      sent++;
    },
  });
}

describe('a 500 MB upload', () => {
  let child: ChildProcess;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reelay-large-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = await startProcess(
      {
        PORT: String(port),
        REELAY_DATA_DIR: dataDir,
        REELAY_DEV_KEY: KEY,
        REELAY_WORKER_CONCURRENCY: '0',
        REELAY_MAX_AUDIO_BYTES: String(600 * MB),
        REELAY_MAX_UPLOAD_BYTES: String(600 * MB),
      },
      'listening',
    );
  });
  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((resolve) => child?.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams to storage with the right hash while the server grows by less than 64 MB', async () => {
    const pid = child.pid as number;
    const auth = { authorization: `Bearer ${KEY}` };
    // A small upload first, so code loaded on first use is not counted as growth.
    const warm = Buffer.concat([wavHeader(96_000), Buffer.alloc(96_000)]);
    expect((await fetch(`${base}/api/v1/assets`, { method: 'POST', headers: auth, body: warm })).status).toBe(
      201,
    );
    const before = rssMb(pid);
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssMb(pid));
    }, 20);
    const hash = createHash('sha256');
    let response: Response;
    try {
      response = await fetch(`${base}/api/v1/assets`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'audio/wav' },
        body: generatedWav(hash),
        duplex: 'half',
      } as RequestInit);
    } finally {
      clearInterval(sampler);
    }
    const asset = await response.json();
    expect(response.status, JSON.stringify(asset)).toBe(201);
    expect(asset).toMatchObject({ kind: 'audio', mediaType: 'audio/wav', bytes: DATA_BYTES + 44 });
    expect(asset.sha256).toBe(hash.digest('hex'));
    expect(asset.durationSeconds).toBeCloseTo(DATA_BYTES / 96_000, 1);
    const growth = peak - before;
    console.log(
      `server RSS ${before.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB: growth ${growth.toFixed(1)} MB`,
    );
    expect(growth).toBeLessThan(64);
    expect(
      (await fetch(`${base}/api/v1/assets/${asset.id}`, { method: 'DELETE', headers: auth })).status,
    ).toBe(204);
  });
});
