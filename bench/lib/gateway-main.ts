/**
 * One Reelay process for a benchmark: `createGateway` with the configuration from the environment
 * (loadConfig), role from BENCH_ROLE (all, api or worker), and, when BENCH_UPSTREAM is set, the loopback
 * provider in place of the local renderer (BENCH_PROTOCOL, BENCH_POLL_MS). Sends `{ ready: { port, devKey } }`.
 */
import { createGateway } from '../../packages/server/src/app.ts';
import { loadConfig } from '../../packages/server/src/config.ts';
import { LoopbackProvider } from './loopback-provider.ts';

const role = (process.env.BENCH_ROLE ?? 'all') as 'all' | 'api' | 'worker';
const config = loadConfig();
const upstream = process.env.BENCH_UPSTREAM;
const gateway = await createGateway(config, {
  role,
  logger: { level: config.logLevel },
  providers: upstream
    ? [
        {
          provider: new LoopbackProvider({
            baseUrl: upstream,
            protocol: process.env.BENCH_PROTOCOL === 'openai-images' ? 'openai-images' : 'tasks',
          }),
          pollIntervalMs: Number(process.env.BENCH_POLL_MS ?? 1000),
        },
      ]
    : [],
});
let port = 0;
if (role !== 'worker') {
  await gateway.http.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.http.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
}
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  gateway.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('disconnect', stop);
process.send?.({ ready: { port, devKey: gateway.devKey } });
