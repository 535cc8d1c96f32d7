import type { FastifyInstance } from 'fastify';
import { buildHttp } from './api/build-http.ts';
import { AssetsService } from './assets/assets-service.ts';
import { LocalStorage } from './assets/local-storage.ts';
import { AccountsService } from './billing/accounts.ts';
import { ensureDevAccount } from './billing/dev-account.ts';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { openDatabase } from './db/open-database.ts';
import { Worker } from './generations/worker.ts';
import { findFfmpeg, findFfprobe } from './media/ffmpeg-binaries.ts';
import { LocalProvider } from './providers/local/local-provider.ts';
import { ProviderRegistry } from './providers/registry.ts';

export interface Gateway {
  config: Readonly<Config>;
  db: Database;
  http: FastifyInstance;
  worker: Worker;
  /** The development key, when the dev account is enabled. */
  devKey: string | null;
  close(): Promise<void>;
}

/**
 * The one composition root: config → database → storage → providers → HTTP app and worker.
 * `role` decides what runs: `all` (API and worker), `api` or `worker`.
 */
export async function createGateway(
  config: Readonly<Config>,
  options: { role?: 'all' | 'api' | 'worker'; logger?: boolean | { level: string } } = {},
): Promise<Gateway> {
  const role = options.role ?? 'all';
  const db = await openDatabase(config.database);
  try {
    const storage = new LocalStorage(config.storage.root);
    const ffprobePath = findFfprobe(config.render.ffprobePath, config.render.searchPath);
    const assets = new AssetsService(db, storage, {
      maxUploadBytes: config.limits.maxUploadBytes,
      maxDataUriBytes: config.limits.maxDataUriBytes,
      ffprobePath,
    });
    const providers = new ProviderRegistry().register(
      new LocalProvider({
        workDir: config.render.workDir,
        ffmpegPath: findFfmpeg(config.render.ffmpegPath, config.render.searchPath),
        maxConcurrent: config.render.concurrency,
      }),
      { pollIntervalMs: 200 },
    );
    const devKey = config.devAccount.enabled
      ? await ensureDevAccount(db, { dataDir: config.dataDir, ...config.devAccount })
      : null;
    const http = buildHttp(
      {
        db,
        assets,
        accounts: new AccountsService(db),
        providers,
        prices: config.prices,
        publicUrl: config.publicUrl,
        maxJsonBytes: config.limits.maxJsonBytes,
        limits: config.limits,
        adminKey: config.adminKey,
      },
      options.logger ?? false,
    );
    const worker = new Worker(
      { db, assets, providers, trustedOutputDir: config.render.workDir, maxStartAttempts: 3 },
      {
        concurrency: role === 'api' ? 0 : config.worker.concurrency,
        pollIntervalMs: config.worker.pollIntervalMs,
        leaseSeconds: config.worker.leaseSeconds,
        log: http.log,
      },
    );
    await worker.start();
    return {
      config,
      db,
      http,
      worker,
      devKey,
      async close() {
        await http.close();
        await worker.stop();
        await providers.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
