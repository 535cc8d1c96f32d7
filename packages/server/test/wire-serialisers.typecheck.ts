// Compiled by `npm run typecheck`, never run: the server's serialisers answer with the wire contract's types.
import type {
  AdminAccount,
  ApiKey,
  Asset,
  Generation,
  LedgerEntry,
  NewApiKey,
  WebhookDelivery,
} from '@reelay/contract';
import type { assetJson } from '../src/assets/assets-service.ts';
import type { AccountsService, keyJson } from '../src/billing/accounts.ts';
import type { generationJson } from '../src/generations/generation-json.ts';
import type { LedgerEntry as ServerLedgerEntry } from '../src/store/usage.ts';
import type { deliveryJson } from '../src/webhooks/webhook-deliveries.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <_ extends true>(): void => {};

same<Equal<ReturnType<typeof generationJson>, Generation>>();
same<Equal<ReturnType<typeof assetJson>, Asset>>();
same<Equal<ReturnType<typeof keyJson>, ApiKey>>();
same<Equal<Awaited<ReturnType<AccountsService['create']>>, AdminAccount>>();
same<Equal<Awaited<ReturnType<AccountsService['createKey']>>, NewApiKey>>();
same<Equal<ReturnType<typeof deliveryJson>, WebhookDelivery>>();
same<Equal<ServerLedgerEntry, LedgerEntry>>();
