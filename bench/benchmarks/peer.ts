import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeAccounts } from '../lib/accounts.ts';
import { libFile, startChild } from '../lib/child.ts';
import type { BenchContext, Benchmark, Figure } from '../lib/figures.ts';
import { medianFigures } from '../lib/figures.ts';
import { authHeaders, BENCH_KEY, gatewayEnv, startGateway } from '../lib/gateway-env.ts';
import { firstOk, freePort } from '../lib/http-wait.ts';
import { imageRequest } from '../lib/image-request.ts';
import { createDatabase } from '../lib/postgres.ts';
import { quantile, sleep } from '../lib/stats.ts';

const CONNECTIONS = 16;
/** Measured seconds per figure (after a 1 s warm-up). */
const SECONDS = 8;
const IMAGE_BODY = JSON.stringify({
  model: 'bench-image',
  prompt: 'a red fox in the snow',
  n: 1,
  size: '1024x1024',
});

function portkeyScript(): string {
  for (const rel of ['../node_modules', '../../node_modules']) {
    const path = fileURLToPath(new URL(`${rel}/@portkey-ai/gateway/build/start-server.js`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('@portkey-ai/gateway is not installed (a devDependency of bench/)');
}

async function startPortkey(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [portkeyScript(), `--port=${port}`, '--headless'], {
    stdio: 'ignore',
  });
  await firstOk(`http://127.0.0.1:${port}/`, performance.now(), 30_000, 50);
  return { port, child };
}

const POLL_MS = 20;

/** Reads the generation's SSE stream to its end, when the gateway has one; false when it has none. */
async function followEvents(url: string, headers: Record<string, string>): Promise<boolean> {
  const r = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } });
  if (r.status !== 200 || !r.headers.get('content-type')?.startsWith('text/event-stream') || !r.body) {
    await r.body?.cancel();
    return false;
  }
  let text = '';
  const decoder = new TextDecoder();
  for await (const chunk of r.body) {
    text += decoder.decode(chunk, { stream: true });
    if (/"status":\s*"(succeeded|failed|canceled)"/.test(text)) break;
  }
  await r.body.cancel().catch(() => {});
  return true;
}

/** CONNECTIONS clients each call `once` again and again for `seconds`; per-call latency from this side. */
async function closedLoop(once: (client: number) => Promise<unknown>, seconds: number): Promise<Latencies> {
  const ms: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, client) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        await once(client);
        ms.push(performance.now() - t0);
      }
    }),
  );
  return { perSecond: ms.length / seconds, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99), mode: '' };
}

interface Latencies {
  perSecond: number;
  p50: number;
  p99: number;
  mode: string;
}

/** CONNECTIONS clients each create a generation and wait for it, again and again, for `seconds`. */
async function reelayClients(
  port: number,
  body: string,
  seconds: number,
  keys: string[],
): Promise<Latencies> {
  const base = `http://127.0.0.1:${port}/api/v1/generations`;
  let sync = 0;
  let events = 0;
  let calls = 0;
  const get = async (id: string, headers: Record<string, string>) =>
    (await (await fetch(`${base}/${id}`, { headers })).json()) as { id: string; status: string };
  const result = await closedLoop(async (client) => {
    calls++;
    const headers = { ...authHeaders(keys[client % keys.length] ?? BENCH_KEY), prefer: 'wait=10' };
    const r = await fetch(base, { method: 'POST', headers, body });
    let g = (await r.json()) as { id: string; status: string };
    if (r.status >= 300) throw new Error(`create answered ${r.status}: ${JSON.stringify(g)}`);
    if (g.status === 'succeeded') sync++;
    else if (await followEvents(`${base}/${g.id}/events`, headers)) {
      events++;
      g = await get(g.id, headers);
    }
    while (g.status === 'queued' || g.status === 'running') {
      await sleep(POLL_MS);
      g = await get(g.id, headers);
    }
    if (g.status !== 'succeeded') throw new Error(`generation ${g.status}`);
  }, seconds);
  return {
    ...result,
    mode:
      sync === calls
        ? 'Prefer: wait (synchronous)'
        : events > 0
          ? `create, then the SSE events stream to the end (${sync} of ${calls} answered synchronously)`
          : `create, then GET every ${POLL_MS} ms (${sync} of ${calls} answered synchronously)`,
  };
}

async function oneRun(
  ctx: BenchContext,
  run: number,
  upstreamPort: number,
  gatewayPort: number,
  portkeyPort: number,
) {
  const seconds = ctx.quick ? 2 : SECONDS;
  const upstream = `http://127.0.0.1:${upstreamPort}/v1`;
  const proxyCall = (url: string, headers: Record<string, string>) => async () => {
    const r = await fetch(url, { method: 'POST', headers, body: IMAGE_BODY });
    const answer = (await r.json()) as { data?: { url: string }[] };
    if (r.status !== 200 || !answer.data?.[0]?.url) throw new Error(`${url} answered ${r.status}`);
  };
  const callDirect = proxyCall(`${upstream}/images/generations`, {
    'content-type': 'application/json',
    authorization: 'Bearer sk-bench',
  });
  const callPortkey = proxyCall(`http://127.0.0.1:${portkeyPort}/v1/images/generations`, {
    'content-type': 'application/json',
    authorization: 'Bearer sk-bench',
    'x-portkey-provider': 'openai',
    'x-portkey-custom-host': upstream,
  });
  await closedLoop(callDirect, 1);
  const direct = await closedLoop(callDirect, seconds);
  await closedLoop(callPortkey, 1);
  const portkey = await closedLoop(callPortkey, seconds);
  const { body } = imageRequest();
  const keys = await makeAccounts(gatewayPort, CONNECTIONS);
  await reelayClients(gatewayPort, body, 1, keys);
  const reelay = await reelayClients(gatewayPort, body, seconds, keys);
  ctx.log(
    `  run ${run}: direct p50 ${direct.p50.toFixed(1)} ms, Portkey p50 ${portkey.p50.toFixed(1)} ms, Reelay p50 ${reelay.p50.toFixed(1)} ms (${reelay.mode}), ${reelay.perSecond.toFixed(0)}/s`,
  );
  const b = 'upstream called directly';
  const figures: Figure[] = [
    { name: 'Portkey p50 latency', unit: 'ms', value: portkey.p50, baseline: direct.p50, baselineName: b },
    { name: 'Portkey p99 latency', unit: 'ms', value: portkey.p99, baseline: direct.p99, baselineName: b },
    {
      name: 'Portkey req/s',
      unit: 'req/s',
      value: portkey.perSecond,
      baseline: direct.perSecond,
      baselineName: b,
    },
    {
      name: 'Reelay p50, create → succeeded',
      unit: 'ms',
      value: reelay.p50,
      baseline: direct.p50,
      baselineName: b,
    },
    {
      name: 'Reelay p99, create → succeeded',
      unit: 'ms',
      value: reelay.p99,
      baseline: direct.p99,
      baselineName: b,
    },
    {
      name: 'Reelay generations/s',
      unit: '/s',
      value: reelay.perSecond,
      baseline: direct.perSecond,
      baselineName: b,
    },
  ];
  return { figures, mode: reelay.mode };
}

/** 6. The Portkey gateway and Reelay in front of the same loopback image upstream. */
export const peerBenchmark: Benchmark = {
  name: 'peer',
  title: 'A peer: Portkey gateway 1.15.2 vs Reelay, same loopback upstream',
  async run(ctx) {
    const upstream = await startChild<{ port: number }>(libFile('upstream-main.ts'), { BENCH_TASK_MS: '0' });
    const database = ctx.postgresUrl ? await createDatabase(ctx.postgresUrl) : null;
    let gateway: Awaited<ReturnType<typeof startGateway>> | null = null;
    let portkey: { port: number; child: ChildProcess } | null = null;
    const runs: Figure[][] = [];
    let mode = '';
    try {
      gateway = await startGateway(
        gatewayEnv(`${ctx.tmp}/peer`, database?.url ?? null, {
          BENCH_UPSTREAM: `http://127.0.0.1:${upstream.info.port}/v1`,
          BENCH_PROTOCOL: 'openai-images',
          REELAY_WORKER_CONCURRENCY: String(CONNECTIONS),
        }),
        'all',
      );
      portkey = await startPortkey();
      for (let run = 1; run <= ctx.runs; run++) {
        const r = await oneRun(ctx, run, upstream.info.port, gateway.info.port, portkey.port);
        runs.push(r.figures);
        mode = r.mode;
      }
    } finally {
      portkey?.child.kill('SIGTERM');
      await gateway?.stop();
      await upstream.stop();
      await database?.drop();
    }
    const { model } = imageRequest();
    return {
      figures: medianFigures(runs),
      notes: [
        `Same upstream process (bench/lib/upstream-main.ts), same ${CONNECTIONS} concurrent clients, ${ctx.quick ? 2 : SECONDS} s each after a 1 s warm-up. All three driven by the same in-process fetch client (closed loop: each client sends its next request when the last one is answered). Direct and Portkey: an OpenAI-style POST /v1/images/generations (Portkey with x-portkey-provider: openai and x-portkey-custom-host pointing at the upstream); the answer carries the image URL.`,
        `Reelay: POST /api/v1/generations for ${model} with \`Prefer: wait=10\`, each client with its own account (made through the admin API); observed mode: ${mode}. Not the same work: Reelay also validates, quotes, holds and captures tokens, queues a job, has a worker call the upstream (images/generations through the bench-only LoopbackProvider), downloads the image, sniffs and probes it and stores it as an asset, on ${database ? 'PostgreSQL' : 'PGlite'} in one process (API and worker, REELAY_WORKER_CONCURRENCY=${CONNECTIONS} to match the clients). Where the answer is not synchronous, the client follows GET /api/v1/generations/{id}/events (SSE) to the final status when the gateway has it, else polls GET every ${POLL_MS} ms, which adds up to ${POLL_MS} ms (and load: every GET is authenticated and counted).`,
        'Ratio = gateway ÷ direct call; the latency a gateway adds is its figure minus the baseline.',
      ],
    };
  },
};
