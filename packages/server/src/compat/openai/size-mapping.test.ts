import { requireModel } from '@reelay/catalog';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../errors.ts';
import { imageSizeInput } from './image-request.ts';
import { videoSecondsInput, videoSizeInput } from './video-request.ts';

const refusal = (call: () => unknown): ApiError => {
  try {
    call();
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('not refused');
};

describe('OpenAI sizes and lengths as catalog fields', () => {
  const omni = requireModel('kling-3.0-omni');
  const kling3 = requireModel('kling-3.0');

  it('reads a video size as aspect ratio and resolution', () => {
    expect(videoSizeInput(omni, '720x1280')).toEqual({ aspectRatio: '9:16', resolution: '720p' });
    expect(videoSizeInput(omni, '1280x720')).toEqual({ aspectRatio: '16:9', resolution: '720p' });
    expect(videoSizeInput(omni, '1920x1080')).toEqual({ aspectRatio: '16:9', resolution: '1080p' });
    expect(videoSizeInput(omni, '1080x1080')).toEqual({ aspectRatio: '1:1', resolution: '1080p' });
    expect(videoSizeInput(omni, '1792x1024')).toEqual({ aspectRatio: '16:9', resolution: '1080p' });
    expect(videoSizeInput(kling3, '3840x2160')).toEqual({ aspectRatio: '16:9', resolution: '4k' });
  });

  it('refuses a video size the model cannot make, naming size', () => {
    for (const size of ['3840x2160', '1024x1536', '640x360', 'big', '1280x720x2']) {
      const error = refusal(() => videoSizeInput(omni, size));
      expect(error.status, size).toBe(400);
      expect(error.extra.param).toBe('size');
    }
    // A model whose resolution cannot be chosen takes its aspect ratio as a field instead.
    const motion = refusal(() => videoSizeInput(requireModel('kling-3.0-motion'), '720x1280'));
    expect(motion.message).toContain('aspectRatio');
  });

  it('reads seconds as duration within the model’s range and step', () => {
    expect(videoSecondsInput(omni, '8')).toEqual({ duration: 8 });
    expect(videoSecondsInput(requireModel('kling-2.6'), '10')).toEqual({ duration: 10 });
    for (const [model, seconds] of [
      [omni, '2'],
      [omni, '16'],
      [omni, '4.5'],
      [requireModel('kling-2.6'), '7'],
      [requireModel('veo-3.1-lite'), '4'],
    ] as const) {
      expect(refusal(() => videoSecondsInput(model, seconds)).extra.param).toBe('seconds');
    }
  });

  it('reads an image size as aspect ratio and image size by the long side', () => {
    const banana = requireModel('nano-banana-2');
    expect(imageSizeInput(banana, '1024x1024')).toEqual({ aspectRatio: '1:1', imageSize: '1K' });
    expect(imageSizeInput(banana, '1536x1024')).toEqual({ aspectRatio: '3:2', imageSize: '1K' });
    expect(imageSizeInput(banana, '2048x2048')).toEqual({ aspectRatio: '1:1', imageSize: '2K' });
    expect(imageSizeInput(banana, '2160x3840')).toEqual({ aspectRatio: '9:16', imageSize: '4K' });
    expect(refusal(() => imageSizeInput(banana, '3072x3072')).extra.param).toBe('size');
    expect(refusal(() => imageSizeInput(requireModel('grok-imagine'), '1024x1024')).extra.param).toBe('size');
  });
});
