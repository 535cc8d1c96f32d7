import { needs } from '../field-rules.ts';
import { field } from '../fields.ts';
import { joinLabels, sameText, VARIANT_WORDS } from '../labels.ts';
import type { ModelEntry, VariantPrice } from '../types.ts';
import {
  aspectRatio,
  EXAMPLE_ASSET,
  IMAGE_EXAMPLE_PROMPT,
  imageSize,
  maskImage,
  prompt,
  referenceImages,
  sourceImage,
} from './common-fields.ts';
import { IMAGE_MODE_NOTE, IMAGE_MODES, selectImageMode } from './image-modes.ts';

const QUALITIES = ['low', 'medium', 'high'] as const;
const SIZES = ['1K', '2K', '4K'] as const;
/** Tokens per image in thousandths, by quality then size, as the reference lists them. */
const TABLE: Record<(typeof QUALITIES)[number], readonly number[]> = {
  low: [1000, 1500, 3000],
  medium: [1500, 3000, 5000],
  high: [5000, 9000, 15000],
};

const variants: VariantPrice[] = QUALITIES.flatMap((quality) =>
  SIZES.map((size, i) => ({
    variant: `${quality}-${size.toLowerCase()}`,
    label: joinLabels(VARIANT_WORDS[quality], sameText(size)),
    unit: 'flat' as const,
    milliTokens: TABLE[quality][i] as number,
    ...(quality === 'medium' && size === '1K' ? { isDefault: true } : {}),
  })),
);

/** ChatGPT Images 2.0 (gpt-image-2): composition-aware images with strong in-image text, priced by quality × size. */
export const gptImage2: ModelEntry = {
  id: 'gpt-image-2',
  type: 'image',
  title: 'ChatGPT Images 2.0',
  provider: 'OpenAI',
  description: {
    en: 'OpenAI’s image model that reasons about composition before drawing: sharp lettering in dozens of languages and close instruction following. For infographics, slides, multilingual posters and whole-image edits at 1K, 2K or 4K.',
    es: 'El modelo de imagen de OpenAI que razona la composición antes de dibujar: rótulos nítidos en decenas de idiomas y gran fidelidad a las instrucciones. Para infografías, diapositivas, carteles multilingües y ediciones de la imagen completa en 1K, 2K o 4K.',
    ru: 'Модель изображений OpenAI, которая продумывает композицию перед рисованием: чёткий текст на десятках языков и точное следование инструкциям. Для инфографики, слайдов, многоязычных постеров и правки всего изображения в 1K, 2K или 4K.',
  },
  fields: [
    prompt('image'),
    aspectRatio(['1:1', '2:3', '3:2', '4:3', '3:4', '4:5', '5:4', '16:9', '9:16', '21:9']),
    field.choice('quality', {
      values: QUALITIES,
      default: 'medium',
      description: {
        en: 'Rendering effort: low, medium or high. Higher quality takes longer and costs more.',
        es: 'Nivel de detalle: low, medium o high. Más calidad tarda más y cuesta más.',
        ru: 'Качество прорисовки: low, medium или high. Выше качество — дольше и дороже.',
      },
    }),
    imageSize(SIZES, '1K'),
    sourceImage(),
    maskImage(),
    referenceImages(16),
  ],
  rules: [needs('maskImage', 'sourceImage')],
  modes: IMAGE_MODES,
  selectMode: selectImageMode,
  pricing: { variants },
  selectVariant: (input) => `${input.quality}-${String(input.imageSize).toLowerCase()}`,
  exampleInput: {
    prompt: IMAGE_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    quality: 'medium',
    imageSize: '1K',
    sourceImage: EXAMPLE_ASSET,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [IMAGE_MODE_NOTE, 'A maskImage needs a sourceImage; without one it is refused with rule_violation.'],
};
