import { z } from 'zod';
import { MediaStatus, mediaFacts, ProvenanceState } from './generation-schemas.ts';
import { MediaKind, nullableTimestamp, timestamp, wholeNumber } from './wire-fields.ts';

/** The C2PA provenance of an output: what became of its manifest, and where a sidecar manifest is served. */
export const Provenance = z.strictObject({
  state: ProvenanceState,
  reason: z.string().optional().meta({ description: 'Why an `unsigned` output has no manifest.' }),
  manifestUrl: z.url().optional().meta({
    description:
      "For `sidecar`: GET it with the key for the C2PA manifest store (`application/c2pa`) bound to the file's bytes.",
  }),
});

/** A stored media file: uploaded, fetched for an input, or produced by a generation. */
export const Asset = z.strictObject({
  id: z.string().meta({ examples: ['asset_8f7d6s5a4'] }),
  uri: z.string().meta({ description: 'Pass it in a media field of an input.' }),
  url: z.url(),
  kind: MediaKind,
  mediaType: z.string().meta({ description: 'Decided from the bytes, not the Content-Type sent.' }),
  bytes: wholeNumber,
  sha256: z.string(),
  ...mediaFacts,
  fps: z.number().optional().meta({ description: 'For videos: frames per second.' }),
  videoCodec: z.string().optional(),
  audioCodec: z.string().optional(),
  source: z.enum(['upload', 'data', 'url', 'output']).meta({
    description: 'How it arrived: an upload, a `data:` or `https:` input, or a generation output.',
  }),
  sourceUrl: z.string().optional().meta({ description: 'The `https:` URL it was fetched from.' }),
  createdAt: timestamp,
  status: MediaStatus.meta({
    description:
      'Whether its bytes are kept: `deleted` (with its generation) or `expired` (retention) answer 410 on download.',
  }),
  expiresAt: nullableTimestamp.meta({
    description: 'When its bytes are deleted by retention; null when kept until deleted.',
  }),
  deletedAt: nullableTimestamp.meta({ description: 'When its bytes were deleted or expired.' }),
  provenance: Provenance.optional().meta({
    description:
      "For outputs: its C2PA manifest (created by an AI model, naming the model, provider, generation and the inputs' hashes); absent for uploads and fetched inputs.",
  }),
});
