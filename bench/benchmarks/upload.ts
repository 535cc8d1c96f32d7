import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { BENCH_KEY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';

const MB = 1024 * 1024;

/** A WAV header for `dataBytes` of 16-bit mono PCM at 48 kHz. */
function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(96_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  return header;
}

/** Writes a WAV file of `dataBytes`: a real audio file of any size, made fast. */
async function writeWav(path: string, dataBytes: number): Promise<void> {
  const file = await open(path, 'w');
  try {
    await file.write(wavHeader(dataBytes));
    const chunk = Buffer.alloc(4 * MB);
    for (let written = 0; written < dataBytes; written += chunk.length) {
      chunk.fill(written % 251);
      await file.write(chunk, 0, Math.min(chunk.length, dataBytes - written));
    }
  } finally {
    await file.close();
  }
}

/** POSTs a file raw to /api/v1/assets the way curl -T does: read from disk in 1 MB chunks into node:http. */
function postFile(port: number, path: string, size: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/assets',
        method: 'POST',
        headers: {
          authorization: `Bearer ${BENCH_KEY}`,
          'content-type': 'audio/wav',
          'content-length': size,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (text: string) => {
          body += text;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    pipeline(createReadStream(path, { highWaterMark: MB }), req).catch(reject);
  });
}

/** Seconds to stream-copy `from` to `to` (read stream → write stream, as an upload is written). */
async function copySeconds(from: string, to: string): Promise<number> {
  const t0 = performance.now();
  await pipeline(createReadStream(from, { highWaterMark: MB }), createWriteStream(to));
  const seconds = (performance.now() - t0) / 1000;
  await rm(to, { force: true });
  return seconds;
}

/**
 * 5. Uploads: a 500 MB file POSTed raw to /api/v1/assets (streamed, hashed, sniffed, probed, stored) as MB/s
 * against a plain stream copy of the same file on the same disk in the same run, and the gateway process's
 * peak resident memory growth while it receives the file.
 */
export const uploadBenchmark: Benchmark = {
  name: 'upload',
  title: 'Uploads (500 MB)',
  async run(ctx) {
    const dataBytes = (ctx.quick ? 100 : 500) * MB;
    const source = join(ctx.tmp, 'upload.wav');
    await writeWav(source, dataBytes);
    const size = (await stat(source)).size;
    const sizeMb = size / MB;
    const gateway = await startGateway(
      gatewayEnv(join(ctx.tmp, 'gateway'), null, {
        REELAY_WORKER_CONCURRENCY: '0',
        REELAY_MAX_UPLOAD_BYTES: String(size + MB),
        REELAY_MAX_AUDIO_BYTES: String(size + MB),
      }),
      'all',
    );
    const base = `http://127.0.0.1:${gateway.info.port}/api/v1/assets`;
    const auth = { authorization: `Bearer ${BENCH_KEY}` };
    const runs: Figure[][] = [];
    try {
      // One small upload first, so modules loaded on first use are not counted as growth.
      const warm = Buffer.concat([wavHeader(96_000), Buffer.alloc(96_000)]);
      await fetch(base, { method: 'POST', headers: auth, body: warm });
      for (let run = 1; run <= ctx.runs; run++) {
        const baselineSeconds = await copySeconds(source, join(ctx.tmp, 'copy.wav'));
        const before = gateway.rssMb();
        let peak = before;
        const sampler = setInterval(() => {
          peak = Math.max(peak, gateway.rssMb());
        }, 10);
        const t0 = performance.now();
        let answer: { status: number; body: string };
        try {
          answer = await postFile(gateway.info.port, source, size);
        } finally {
          clearInterval(sampler);
        }
        const asset = JSON.parse(answer.body) as { id?: string; bytes?: number };
        const seconds = (performance.now() - t0) / 1000;
        if (answer.status !== 201 || asset.bytes !== size) {
          throw new Error(`upload answered ${answer.status}: ${answer.body}`);
        }
        await fetch(`${base}/${asset.id}`, { method: 'DELETE', headers: auth });
        const growth = peak - before;
        ctx.log(
          `  run ${run}: upload ${(sizeMb / seconds).toFixed(0)} MB/s, copy ${(sizeMb / baselineSeconds).toFixed(0)} MB/s, server RSS +${growth.toFixed(1)} MB`,
        );
        runs.push([
          {
            name: `${Math.round(sizeMb)} MB upload, MB/s`,
            unit: 'MB/s',
            value: sizeMb / seconds,
            baseline: sizeMb / baselineSeconds,
            baselineName: 'stream copy of the same file on the same disk',
            goal: '≥ 0.5× copy speed',
          },
          {
            name: `server memory growth during a ${Math.round(sizeMb)} MB upload, MB`,
            unit: 'MB',
            value: growth,
            baseline: sizeMb,
            baselineName: 'the size of the file',
            goal: '< 64 MB',
          },
        ]);
      }
    } finally {
      await gateway.stop();
    }
    return {
      figures: medianFigures(runs, {
        [`${Math.round(sizeMb)} MB upload, MB/s`]: (f) => (f.ratio ?? 0) >= 0.5,
        [`server memory growth during a ${Math.round(sizeMb)} MB upload, MB`]: (f) => f.value < 64,
      }),
      notes: [
        `A ${Math.round(sizeMb)} MB WAV written to the benchmark's folder, POSTed raw (node:http, 1 MB reads, like curl -T) to /api/v1/assets on 127.0.0.1 (one gateway process on PGlite, its storage in the same folder). The upload time is the whole request: receive, sha256, sniff, ffprobe, move into storage, insert the row and answer 201. Baseline: Node's read stream (1 MB reads) piped into a write stream, the same file on the same disk, in the same run. Memory: the gateway's peak VmRSS (sampled every 10 ms) minus its VmRSS just before the upload.`,
      ],
    };
  },
};
