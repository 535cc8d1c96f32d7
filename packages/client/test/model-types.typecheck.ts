// Compiled by `npm run typecheck`, never run: each @ts-expect-error line must be a type error, or the check fails.
import type { GenerationRequest, Kling3_0OmniInput, ReelayClient } from '../src/index.ts';

export async function typedPerModel(client: ReelayClient): Promise<void> {
  await client.generations.create({
    type: 'video',
    model: 'kling-3.0-omni',
    input: { prompt: 'a fox', duration: 5, aspectRatio: '16:9', referenceAssetUris: ['asset://asset_a'] },
  });

  await client.generations.create({
    type: 'video',
    model: 'kling-3.0-omni',
    // @ts-expect-error: kling-3.0-omni has no field `durationSeconds`
    input: { prompt: 'a fox', durationSeconds: 5 },
  });

  await client.generations.create({
    type: 'video',
    model: 'kling-3.0-omni',
    // @ts-expect-error: aspectRatio is one of 9:16, 16:9, 1:1
    input: { prompt: 'a fox', aspectRatio: '4:3' },
  });

  await client.generations.create({
    type: 'video',
    model: 'kling-3.0-omni',
    // @ts-expect-error: duration is a number
    input: { prompt: 'a fox', duration: '5' },
  });

  await client.generations.create({
    type: 'video',
    model: 'kling-3.0-omni',
    // @ts-expect-error: prompt is required
    input: { duration: 5 },
  });

  await client.quotes.create({
    // @ts-expect-error: kling-3.0-omni is a video model
    type: 'image',
    model: 'kling-3.0-omni',
    input: { prompt: 'a fox' },
  });

  await client.generations.create({
    type: 'video',
    model: 'kling-3.0-omni',
    // @ts-expect-error: media fields take asset://, https:// or data: URIs
    input: { prompt: 'a fox', referenceVideo: 'ftp://host/clip.mp4' },
  });

  // A model this SDK does not know yet is allowed, typed loosely.
  await client.generations.create({ type: 'video', model: 'future-model-9', input: { anything: 1 } });
  const dynamic: string = 'kling-3.0-omni';
  await client.generations.create({ type: 'video', model: dynamic, input: { whatever: true } });
}

export const exact: GenerationRequest<'kling-3.0-omni'> = {
  type: 'video',
  model: 'kling-3.0-omni',
  input: { prompt: 'x' } satisfies Kling3_0OmniInput,
};
