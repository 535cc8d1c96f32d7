import { needs } from './field-rules.ts';
import { field } from './fields.ts';
import { sameText } from './labels.ts';
import type { LocalizedText, ModelEntry } from './types.ts';

/**
 * Models for tests only, never registered: they exercise what the kling entry does not (flat prices, a fractional
 * range, a stepped range, single image slots with fewer schemes, a `needs` rule, a variant without a price).
 */

const text = (en: string): LocalizedText => ({ en, es: `${en} (es)`, ru: `${en} (ru)` });

export const imageEditor: ModelEntry = {
  id: 'test-image-editor',
  type: 'image',
  title: 'Test image editor',
  provider: 'Test',
  description: text('An image model for tests.'),
  fields: [
    field.text('prompt', { required: true, description: text('What to draw.') }),
    field.choice('quality', { values: ['low', 'high'], default: 'low', description: text('Quality.') }),
    field.range('strength', { min: 0.25, max: 1, step: 0.25, default: 0.5, description: text('Strength.') }),
    field.text('negativePrompt', { maxLength: 10, description: text('What to avoid.') }),
    field.media('sourceImage', 'image', {
      label: text('Source image'),
      schemes: ['asset', 'https'],
      description: text('The image to edit.'),
    }),
    field.media('maskImage', 'image', { label: text('Mask image'), description: text('Where to edit.') }),
    field.mediaList('referenceAssetUris', 'image', { maxItems: 3, description: text('Reference images.') }),
  ],
  rules: [needs('maskImage', 'sourceImage')],
  modes: ['text_to_image', 'image_edit', 'image_reference'],
  selectMode: (input) =>
    input.sourceImage !== undefined
      ? 'image_edit'
      : Array.isArray(input.referenceAssetUris) && input.referenceAssetUris.length > 0
        ? 'image_reference'
        : 'text_to_image',
  pricing: {
    variants: [
      { variant: 'low', label: text('Low'), unit: 'flat', milliTokens: 1000, isDefault: true },
      { variant: 'high', label: text('High'), unit: 'flat', milliTokens: 2500 },
    ],
  },
  selectVariant: (input) => String(input.quality),
  exampleInput: { prompt: 'a red corgi', quality: 'low' },
};

export const steppedVideo: ModelEntry = {
  id: 'test-stepped-video',
  type: 'video',
  title: 'Test stepped video',
  provider: 'Test',
  description: text('A video model for tests.'),
  fields: [
    field.text('prompt', { required: true, maxLength: 100, description: text('Scene.') }),
    field.choice('resolution', { values: ['720p', '4k'], default: '720p', description: text('Resolution.') }),
    field.range('duration', {
      min: 5,
      max: 10,
      step: 5,
      unit: 'seconds',
      default: 5,
      description: text('Length.'),
    }),
    field.range('fps', { min: 1, max: 7, step: 3, default: 4, description: text('Frames per second.') }),
    field.media('startImage', 'image', { label: text('Start image'), description: text('First frame.') }),
    field.media('endImage', 'image', { label: text('End image'), description: text('Last frame.') }),
  ],
  rules: [needs('endImage', 'startImage')],
  modes: ['text_to_video', 'image_to_video'],
  selectMode: (input) => (input.startImage !== undefined ? 'image_to_video' : 'text_to_video'),
  // No price for 4k: choosing it must be refused, never quoted as zero.
  pricing: {
    variants: [{ variant: '720p', label: sameText('720p'), unit: 'per_second', milliTokens: 3000 }],
  },
  selectVariant: (input) => String(input.resolution),
  secondsField: 'duration',
  exampleInput: { prompt: 'waves', resolution: '720p', duration: 5 },
};
