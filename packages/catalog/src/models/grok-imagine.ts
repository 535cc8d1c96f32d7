import { VARIANT_WORDS } from '../labels.ts';
import type { ModelEntry } from '../types.ts';
import {
  aspectRatio,
  EXAMPLE_ASSET,
  IMAGE_EXAMPLE_PROMPT,
  prompt,
  referenceImages,
  sourceImage,
} from './common-fields.ts';
import { IMAGE_MODE_NOTE, IMAGE_MODES, selectImageMode } from './image-modes.ts';

/** Grok Imagine: xAI's base image tier, whole-image edits from text, up to five references. */
export const grokImagine: ModelEntry = {
  id: 'grok-imagine',
  type: 'image',
  title: 'Grok Imagine',
  provider: 'xAI',
  description: {
    en: 'The base xAI image tier: makes and edits whole images from text without masks, and composes from several references. For quick concepts and conversational edits when Pro precision is not needed.',
    es: 'El nivel básico de imágenes de xAI: crea y edita imágenes completas a partir de texto sin máscaras y compone a partir de varias referencias. Para conceptos rápidos y ediciones conversacionales cuando no hace falta la precisión Pro.',
    ru: 'Базовый уровень изображений xAI: создаёт и правит изображение целиком по тексту, без масок, и собирает сцену из нескольких референсов. Для быстрых концептов и правок в диалоге, когда точность Pro не нужна.',
  },
  fields: [
    prompt('image'),
    aspectRatio(['9:16', '16:9', '1:1', '2:3', '3:2']),
    sourceImage(),
    referenceImages(5),
  ],
  rules: [],
  modes: IMAGE_MODES,
  selectMode: selectImageMode,
  pricing: {
    variants: [
      {
        variant: 'standard',
        label: VARIANT_WORDS.standard,
        unit: 'flat',
        milliTokens: 2000,
        isDefault: true,
      },
    ],
  },
  selectVariant: () => 'standard',
  exampleInput: {
    prompt: IMAGE_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    sourceImage: EXAMPLE_ASSET,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [
    IMAGE_MODE_NOTE,
    'There is no imageSize field; images come at about 1K on the long side (the local renderer makes them 1024 pixels long).',
  ],
};
