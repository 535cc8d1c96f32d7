import type { Json } from '@reelay/catalog';
import type { Assessment, StartCall } from '../provider.ts';
import { commonAssessment, needUrls, readOmniInput } from '../upstream/omni-input.ts';

/** Reelay model id → Replicate's official model. */
export const REPLICATE_MODELS: Readonly<Record<string, string>> = {
  'kling-3.0-omni': 'kwaivgi/kling-v3-omni-video',
};

type Call = Omit<StartCall, 'signal' | 'idempotencyKey' | 'callbackUrl'>;

/** What Replicate makes of a request: it reads every media file from a URL. */
export function assessForReplicate(call: Call): Assessment {
  if (!(call.model in REPLICATE_MODELS)) {
    return {
      problems: [{ code: 'model_not_hosted', message: `Replicate has no ${call.model} here.` }],
      warnings: [],
    };
  }
  const input = readOmniInput(call);
  const { problems, warnings } = commonAssessment(input);
  return { problems: [...problems, ...needUrls(call.media, 'Replicate')], warnings };
}

/**
 * The prediction input: duration as an integer, mode `standard` (720p) or `pro` (1080p), one image as
 * start_image (then no aspect_ratio), several as reference_images, the reference video with its
 * reference type always sent (Replicate's default differs from Kling's) and without its sound.
 */
export function replicateInput(call: Call): Record<string, Json> {
  const input = readOmniInput(call);
  const out: Record<string, Json> = { prompt: input.prompt };
  if (input.startFrame) out.start_image = input.startFrame.url ?? '';
  if (input.endFrame) out.end_image = input.endFrame.url ?? '';
  if (input.images.length > 0) out.reference_images = input.images.map((m) => m.url ?? '');
  if (input.video) {
    out.reference_video = input.video.url ?? '';
    out.video_reference_type = 'feature';
    out.keep_original_sound = false;
  }
  out.mode = input.resolution === '1080p' ? 'pro' : 'standard';
  if (!input.startFrame) out.aspect_ratio = input.aspectRatio;
  out.duration = input.duration;
  out.generate_audio = input.audio && input.video === null;
  return out;
}
