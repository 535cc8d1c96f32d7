import type { Json } from '@reelay/catalog';
import { commonAssessment, needUrls, readOmniInput } from '../../upstream/omni-input.ts';
import { upstreamModel } from '../../upstream/upstream-model.ts';
import type { ReplicateRequest } from '../replicate-request.ts';

/**
 * Kling 3.0 Omni on Replicate's official `kwaivgi/kling-v3-omni-video`: duration as an integer, mode
 * `standard` (720p) or `pro` (1080p), one image as start_image (then no aspect_ratio), several as
 * reference_images, the reference video with its reference type always sent (Replicate's default differs
 * from Kling's) and without its sound; generate_audio never with a reference video.
 */
export const replicateKling30Omni = upstreamModel({
  model: 'kling-3.0-omni',
  endpoint: 'kwaivgi/kling-v3-omni-video',
  source: 'https://replicate.com/kwaivgi/kling-v3-omni-video/api',
  assess: (request) => {
    const { problems, warnings } = commonAssessment(readOmniInput(request, true));
    return { problems: [...problems, ...needUrls(request.media.all, 'Replicate')], warnings };
  },
  build: (request): ReplicateRequest => {
    const input = readOmniInput(request, true);
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
    return { input: out, mediaType: null };
  },
});
