import type { Json } from '@reelay/catalog';
import type { ResolvedMedia, StartCall } from '../src/providers/provider.ts';

/** A StartCall for kling-3.0-omni as the worker builds it (input already normalised by the catalog). */
export function omniCall(
  input: Record<string, Json>,
  options: { generationId?: string; media?: ResolvedMedia[]; callbackUrl?: string; mode?: string } = {},
): StartCall {
  const media = options.media ?? [];
  const images = media.filter((m) => m.field === 'referenceAssetUris').length;
  const hasVideo = media.some((m) => m.field === 'referenceVideo');
  const mode =
    options.mode ??
    (hasVideo
      ? 'video_to_video'
      : images === 1
        ? 'image_to_video'
        : images > 1
          ? 'reference_to_video'
          : 'text_to_video');
  return {
    generationId: options.generationId ?? 'gen_7f3c9a',
    model: 'kling-3.0-omni',
    type: 'video',
    mode,
    variant: `${input.resolution ?? '720p'}${input.audioEnabled ? '-audio' : ''}`,
    input: { aspectRatio: '9:16', resolution: '720p', duration: 3, audioEnabled: true, ...input },
    media,
    idempotencyKey: options.generationId ?? 'gen_7f3c9a',
    ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
    signal: new AbortController().signal,
  };
}

/** A StartCall for an image model (input already normalised by the catalog; mode from the slots). */
export function imageCall(
  model: string,
  input: Record<string, Json>,
  options: { generationId?: string; media?: ResolvedMedia[]; callbackUrl?: string; variant?: string } = {},
): StartCall {
  const media = options.media ?? [];
  const mode = media.some((m) => m.field === 'sourceImage')
    ? 'image_edit'
    : media.some((m) => m.field === 'referenceAssetUris')
      ? 'image_reference'
      : 'text_to_image';
  return {
    generationId: options.generationId ?? 'gen_1m4g3',
    model,
    type: 'image',
    mode,
    variant: options.variant ?? String(input.imageSize ?? '1K').toLowerCase(),
    input,
    media,
    idempotencyKey: options.generationId ?? 'gen_1m4g3',
    ...(options.callbackUrl ? { callbackUrl: options.callbackUrl } : {}),
    signal: new AbortController().signal,
  };
}

/** A resolved input file with a URL an upstream can fetch. */
export function mediaAt(
  field: 'referenceAssetUris' | 'referenceVideo' | 'sourceImage' | 'maskImage' | 'startImage',
  index: number | null,
  url: string | null,
  path = '/nonexistent',
): ResolvedMedia {
  const video = field === 'referenceVideo';
  return {
    field,
    index,
    kind: video ? 'video' : 'image',
    assetId: `asset_${index ?? 'v'}`,
    mediaType: video ? 'video/mp4' : 'image/png',
    path,
    bytes: 1000,
    url,
  };
}

/** kling-3.0-omni from one image, the dancer: image-to-video, the aspect ratio following the image. */
export function dancerImageCall(): StartCall {
  return omniCall(
    { prompt: 'The dancer spins', duration: 5, audioEnabled: false },
    { media: [mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/a.png')] },
  );
}

/** kling-3.0-omni with the runner as a reference image and a reference video: video-to-video, silent. */
export function referenceVideoCall(prompt: string): StartCall {
  return omniCall(
    { prompt, aspectRatio: '16:9', duration: 7, audioEnabled: false },
    {
      media: [
        mediaAt('referenceAssetUris', 0, 'https://cdn.example.com/runner.png'),
        mediaAt('referenceVideo', null, 'https://cdn.example.com/ref.mp4'),
      ],
    },
  );
}

/** An edit for nano-banana-2 with a source image and 14 reference images, more than it takes. */
export function tooManyImagesCall(): StartCall {
  return imageCall(
    'nano-banana-2',
    { prompt: 'x', aspectRatio: '1:1', imageSize: '1K' },
    {
      media: [
        mediaAt('sourceImage', null, 'https://cdn.example.com/s.png'),
        ...Array.from({ length: 14 }, (_, i) =>
          mediaAt('referenceAssetUris', i, `https://cdn.example.com/${i}.png`),
        ),
      ],
    },
  );
}
