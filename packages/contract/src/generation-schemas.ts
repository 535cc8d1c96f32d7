import { z } from 'zod';
import {
  CodeMessage,
  Environment,
  jsonObject,
  ModelType,
  nullableTimestamp,
  timestamp,
  wholeNumber,
} from './wire-fields.ts';

/** Facts a probe found in a media file; each present only when known. */
export const mediaFacts = {
  width: wholeNumber.optional().meta({ description: 'Pixels, for images and videos.' }),
  height: wholeNumber.optional().meta({ description: 'Pixels, for images and videos.' }),
  durationSeconds: z.number().optional().meta({ description: 'For videos and audio.' }),
  hasAudio: z.boolean().optional().meta({ description: 'For videos: whether there is an audio track.' }),
};

export const GenerationStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'canceled']);

/** What a generation costs: tokens held at creation (decimal tokens, never the internal thousandths). */
export const Quote = z.strictObject({
  tokens: z.number().meta({ description: 'Tokens held at creation; never more is charged.' }),
  tokensPerSecond: z.number().optional(),
  seconds: z.number().optional(),
});

/** `POST /api/v1/quotes`: the price with the mode, variant and normalised input. */
export const QuoteResult = z.strictObject({
  model: z.string(),
  mode: z.string().meta({ examples: ['text_to_video'] }),
  variant: z.string().meta({ examples: ['720p-audio'] }),
  tokens: z.number(),
  tokensPerSecond: z.number().optional(),
  seconds: z.number().optional(),
  input: jsonObject.meta({ description: 'The normalised input: defaults applied.' }),
});

/** Whether a stored file still has its bytes: `deleted` on request, `expired` by retention (downloads answer 410). */
export const MediaStatus = z.enum(['available', 'deleted', 'expired']);

/**
 * What became of an output's C2PA manifest: `signed` (embedded in the file), `sidecar` (a manifest store served
 * beside the unchanged file), `unsigned` (none could be made; the output is kept) or `disabled` (turned off).
 */
export const ProvenanceState = z.enum(['signed', 'sidecar', 'unsigned', 'disabled']);

/** A stored media file produced by a generation. */
export const Output = z.strictObject({
  uri: z.string().meta({ examples: ['asset://asset_8f7d6s5a4'] }),
  url: z.url().meta({ description: 'GET it with the key to download the bytes.' }),
  status: MediaStatus,
  mediaType: z.string().meta({ examples: ['video/mp4'] }),
  bytes: wholeNumber,
  ...mediaFacts,
  thumbnailUrl: z.url().optional().meta({
    description:
      'A small WebP picture of the output (an image scaled down, a frame of a video), at most 320 px a side, from an expiring signed link (made the first time the link is asked for); absent for audio and when its media is gone.',
  }),
  provenance: ProvenanceState.optional().meta({
    description:
      "Its C2PA manifest: `signed` (in the file), `sidecar` (beside it, at the asset's `provenance.manifestUrl`), `unsigned` or `disabled`; absent for outputs stored before manifests were made.",
  }),
});

/** One call that asked a provider to start a generation. */
export const ProviderAttempt = z.strictObject({
  provider: z.string().meta({ examples: ['kling'] }),
  upstreamId: z.string().nullable().meta({ description: "The upstream's id of the work." }),
  outcome: z.enum(['requested', 'accepted', 'rejected', 'deferred', 'unknown', 'succeeded', 'failed']),
  error: CodeMessage.nullable(),
  at: timestamp,
});

/** A generation (API contract v1): what `POST`, `GET` and `cancel` answer, and what events and webhooks carry. */
export const Generation = z.strictObject({
  id: z.string().meta({ examples: ['gen_5t6y7u8i9o'] }),
  type: ModelType,
  model: z.string().meta({ examples: ['kling-3.0-omni'] }),
  mode: z.string(),
  variant: z.string(),
  status: GenerationStatus,
  environment: Environment,
  provider: z.string().nullable(),
  providerAttempts: z.array(ProviderAttempt).meta({
    description: 'Every call that asked a provider to start it, in order (failover shows as several).',
  }),
  input: jsonObject.meta({ description: 'The normalised input: defaults applied.' }),
  quote: Quote,
  chargedTokens: z.number().nullable().meta({ description: 'Set once the generation succeeded.' }),
  progress: z.number().min(0).max(1).nullable().meta({
    description: '0 to 1 while running, when the provider reports it.',
  }),
  reconciling: z
    .strictObject({
      code: z.string().meta({ examples: ['upstream_unreachable'] }),
      message: z.string(),
      since: timestamp,
    })
    .nullable()
    .meta({
      description:
        'Set while the outcome of the upstream work is unknown (its answer was lost, it cannot be reached, or it was asked to stop past the deadline or on cancel): Reelay keeps asking the upstream until it answers, and settles the tokens from that answer. `code` is `start_answer_lost`, `upstream_unreachable`, `deadline_exceeded` or `cancel_requested`.',
    }),
  outputs: z.array(Output),
  error: CodeMessage.nullable(),
  webhookUrl: z.string().nullable(),
  warnings: z.array(CodeMessage),
  createdAt: timestamp,
  startedAt: nullableTimestamp.meta({ description: 'When a worker started it.' }),
  completedAt: nullableTimestamp.meta({ description: 'When it reached succeeded, failed or canceled.' }),
  retentionSeconds: z.number().int().nullable().meta({
    description:
      "How long its inputs and outputs are kept, from the request's `retention` or its key's default; null: the server's setting.",
  }),
  expiresAt: nullableTimestamp.meta({
    description:
      'When its outputs expire (their bytes are deleted; the rows stay, marked `expired`); null while it runs, or when they are kept until deleted.',
  }),
  mediaDeletedAt: nullableTimestamp.meta({
    description:
      'When its outputs and the inputs it alone used were deleted (`DELETE /api/v1/generations/{id}`) or expired; null while they are kept.',
  }),
});

/** `GET /api/v1/generations`: a page, newest first. */
export const GenerationPage = z.strictObject({
  data: z.array(Generation),
  nextCursor: z.string().nullable().meta({ description: 'Pass it as `cursor` for the next page.' }),
});

/** The data of one event of `GET /api/v1/generations/{id}/events`; the final one carries the generation. */
export const GenerationEvent = z.strictObject({
  generationId: z.string(),
  status: GenerationStatus,
  progress: z.number().nullable(),
  createdAt: timestamp,
  generation: Generation.nullable()
    .optional()
    .meta({ description: 'On the final event only: the generation as GET answers it.' }),
});

/** The body of a webhook: the event type, when it happened, and the generation. */
export const WebhookPayload = z.strictObject({
  type: z.string().meta({ examples: ['generation.succeeded'] }),
  timestamp,
  data: Generation,
});
