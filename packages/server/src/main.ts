import { createGateway } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DirLockedError } from './db/dir-lock.ts';

/** Runs the gateway: `main.ts` (API and worker), `main.ts api`, or `main.ts worker`. */
async function main(): Promise<void> {
  const arg = process.argv[2] ?? 'all';
  if (!['all', 'api', 'worker'].includes(arg))
    throw new ConfigError(`unknown command "${arg}"; use all, api or worker`);
  const role = arg as 'all' | 'api' | 'worker';
  const config = loadConfig();
  if (role !== 'all' && config.database.driver === 'pglite') {
    throw new ConfigError(
      `"${role}" alone needs DATABASE_URL: the embedded database serves one process, which runs both API and worker.`,
    );
  }
  // A terminal gets readable lines; anything else (a file, a collector) one JSON line each.
  const format = config.logFormat === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : config.logFormat;
  const gateway = await createGateway(config, { role, logger: { level: config.logLevel, format } });
  if (role !== 'worker') {
    try {
      await gateway.http.listen({ port: config.port, host: config.host });
    } catch (error) {
      await gateway.close();
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new ConfigError(
          `port ${config.port} on ${config.host} is already in use; stop the other server or set PORT`,
        );
      }
      throw error;
    }
  }
  const where =
    config.database.driver === 'pglite' ? `embedded PostgreSQL in ${config.database.dataDir}` : 'PostgreSQL';
  process.stdout.write(
    `\nReelay ${role === 'worker' ? 'worker' : `listening on ${config.publicUrl}`} (${where})\n`,
  );
  if (gateway.devAccountNote && role !== 'worker') process.stdout.write(`${gateway.devAccountNote}\n`);
  if (gateway.devKey && role !== 'worker') {
    process.stdout.write(
      `Development API key (test mode, local renderer):\n\n  export REELAY_API_KEY=${gateway.devKey}\n\n`,
    );
  }
  let stopping = false;
  // SIGTERM: stop accepting and claiming, give in-flight steps the grace period, hand back the rest, exit.
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    gateway.http.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => process.exit(1), config.shutdownGraceMs + 5000);
    timer.unref();
    gateway.close(config.shutdownGraceMs).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof DirLockedError) {
    process.stderr.write(`reelay: ${error.message}\n`);
  } else {
    process.stderr.write(`reelay: could not start: ${(error as Error).stack ?? String(error)}\n`);
  }
  process.exit(1);
});
