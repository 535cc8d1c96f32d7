// Compiled by `npm run typecheck`, never run: the SDK's answer types are the wire contract's, inferred from its zod
// schemas, so a field added to or dropped from a schema changes what SDK users see, with nothing to keep in step.
import type { Infer, wire } from '@reelay/contract';
import type * as sdk from '../src/index.ts';

/** `true` only when A and B are the same type (not merely assignable one way). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <_ extends true>(): void => {};

same<Equal<sdk.Generation, Infer<typeof wire.Generation>>>();
same<Equal<sdk.GenerationPage, Infer<typeof wire.GenerationPage>>>();
same<Equal<sdk.GenerationEvent, Infer<typeof wire.GenerationEvent>>>();
same<Equal<sdk.GenerationStatus, Infer<typeof wire.GenerationStatus>>>();
same<Equal<sdk.Output, Infer<typeof wire.Output>>>();
same<Equal<sdk.Quote, Infer<typeof wire.Quote>>>();
same<Equal<sdk.QuoteResult, Infer<typeof wire.QuoteResult>>>();
same<Equal<sdk.Asset, Infer<typeof wire.Asset>>>();
same<Equal<sdk.AccountInfo, Infer<typeof wire.Account>>>();
same<Equal<sdk.Usage, Infer<typeof wire.Usage>>>();
same<Equal<sdk.LedgerPage, Infer<typeof wire.LedgerPage>>>();
same<Equal<sdk.ApiKey, Infer<typeof wire.ApiKey>>>();
same<Equal<sdk.AlertPage, Infer<typeof wire.AlertPage>>>();
same<Equal<sdk.NewApiKey, Infer<typeof wire.NewApiKey>>>();
same<Equal<sdk.WebhookDeliveryDetail, Infer<typeof wire.WebhookDeliveryDetail>>>();
same<Equal<sdk.WebhookPayload, Infer<typeof wire.WebhookPayload>>>();
same<Equal<sdk.UpstreamsCheckReport, Infer<typeof wire.UpstreamsCheckReport>>>();
same<Equal<sdk.UpstreamFinding, Infer<typeof wire.UpstreamFinding>>>();
same<Equal<sdk.ModelSummary, Infer<typeof wire.ModelSummary>>>();
same<Equal<sdk.ModelDescription, Infer<typeof wire.ModelDescription>>>();
same<Equal<sdk.ModelField, Infer<typeof wire.ModelField>>>();
same<Equal<sdk.FieldError, Infer<typeof wire.FieldError>>>();
same<Equal<sdk.ErrorEnvelope, Infer<typeof wire.ErrorEnvelope>>>();
same<Equal<sdk.Page<sdk.Generation>, sdk.GenerationPage>>();

// @ts-expect-error: the check itself tells different types apart
same<Equal<sdk.Generation, sdk.Asset>>();
