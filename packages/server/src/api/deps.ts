import type { PriceOverrides } from '@reelay/catalog';
import type { AssetsService } from '../assets/assets-service.ts';
import type { AccountsService } from '../billing/accounts.ts';
import type { LimitDefaults } from '../billing/limits.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { GenerationEventHub } from '../generations/generation-events.ts';
import type { InputDelivery } from '../providers/input-delivery.ts';
import type { ProviderRegistry } from '../providers/registry.ts';

/** What the HTTP layer needs from the rest of the gateway. */
export interface ApiDeps {
  db: Database;
  assets: AssetsService;
  accounts: AccountsService;
  providers: ProviderRegistry;
  prices: PriceOverrides;
  publicUrl: string;
  maxJsonBytes: number;
  http: Config['http'];
  limits: LimitDefaults;
  adminKey: string | null;
  /** This process's watcher of generation events (SSE, `Prefer: wait`). */
  events: GenerationEventHub;
  sseHeartbeatMs: number;
  /** The ffmpeg program (thumbnails of outputs). */
  ffmpegPath: string;
  /** Hours a stored file is kept (0: until deleted). */
  assetRetentionHours: number;
  webhooks: { secretGraceSeconds: number };
  /** Accept http:// URLs from clients (webhooks); development only. */
  allowHttpUrls: boolean;
  /** Accept URLs on loopback and private addresses from clients (webhooks); development and tests only. */
  allowPrivateUrls: boolean;
  /** How input files reach upstreams, for deciding at create whether a route can run a request. */
  inputDelivery: InputDelivery;
}
