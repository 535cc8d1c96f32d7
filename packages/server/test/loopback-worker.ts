import { createGateway } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { LoopbackProvider } from './loopback-provider.ts';

/**
 * A worker process for the chaos tests: the gateway's worker role with the loopback provider standing in
 * for the local renderer. Arguments: the upstream's base URL and the media file its tasks hand back.
 * Shuts down like main.ts on SIGTERM.
 */
const [baseUrl, outputFile] = process.argv.slice(2);
if (!baseUrl || !outputFile) throw new Error('usage: loopback-worker.ts <upstream url> <output file>');
const config = loadConfig();
const provider = new LoopbackProvider({
  baseUrl,
  outputFile,
  outputMediaType: 'video/mp4',
  workDir: config.render.workDir,
});
const gateway = await createGateway(config, {
  role: 'worker',
  providers: [{ provider, pollIntervalMs: 100 }],
});
process.stdout.write('loopback worker ready\n');
process.on('SIGTERM', () => {
  gateway.close(config.shutdownGraceMs).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
