import { needs } from '../field-rules.ts';
import { sameText } from '../labels.ts';
import type { ModelEntry } from '../types.ts';
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

const ASPECTS = ['9:16', '16:9', '1:1', '4:3', '3:4', '2:3', '3:2', '21:9'];
const MASK_NOTE = 'A maskImage needs a sourceImage; without one it is refused with rule_violation.';

/** Nano Banana: Google's entry image tier, 1K only, one price. */
export const nanoBanana: ModelEntry = {
  id: 'nano-banana',
  type: 'image',
  title: 'Nano Banana',
  provider: 'Google',
  description: {
    en: 'The entry tier of Google’s image family: the cheapest 1K images, editing by conversation and blending of references. For volume work and quick drafts.',
    es: 'El nivel de entrada de la familia de imágenes de Google: las imágenes 1K más baratas, edición conversacional y mezcla de referencias. Para trabajo en volumen y bocetos rápidos.',
    ru: 'Начальный уровень линейки изображений Google: самые дешёвые изображения 1K, правка в диалоге и смешивание референсов. Для больших объёмов и быстрых набросков.',
  },
  fields: [
    prompt('image'),
    aspectRatio(ASPECTS),
    imageSize(['1K'], '1K'),
    sourceImage(),
    maskImage(),
    referenceImages(10),
  ],
  rules: [needs('maskImage', 'sourceImage')],
  modes: IMAGE_MODES,
  selectMode: selectImageMode,
  pricing: {
    variants: [{ variant: '1k', label: sameText('1K'), unit: 'flat', milliTokens: 2000, isDefault: true }],
  },
  selectVariant: () => '1k',
  exampleInput: {
    prompt: IMAGE_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    imageSize: '1K',
    sourceImage: EXAMPLE_ASSET,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [
    IMAGE_MODE_NOTE,
    MASK_NOTE,
    'The reference shows no modes; they are the three every image model with these slots has. Its single price (2 tokens) is the 1K row.',
  ],
};

/** Nano Banana 2: near-flagship quality at Flash speed, up to 4K. Prices provisional. */
export const nanoBanana2: ModelEntry = {
  id: 'nano-banana-2',
  type: 'image',
  title: 'Nano Banana 2',
  provider: 'Google',
  description: {
    en: 'Close to Google’s flagship quality at Flash speed: up to 4K, clean lettering and characters kept consistent from references. Pro-level results, faster and cheaper.',
    es: 'Calidad cercana al modelo insignia de Google a la velocidad de Flash: hasta 4K, rótulos limpios y personajes coherentes a partir de referencias. Resultados de nivel Pro, más rápidos y baratos.',
    ru: 'Качество почти флагманской модели Google на скорости Flash: до 4K, чистый текст и персонажи, сохраняемые по референсам. Результат уровня Pro — быстрее и дешевле.',
  },
  fields: [
    prompt('image'),
    aspectRatio(ASPECTS),
    imageSize(['1K', '2K', '4K'], '1K'),
    sourceImage(),
    maskImage(),
    referenceImages(14),
  ],
  rules: [needs('maskImage', 'sourceImage')],
  modes: IMAGE_MODES,
  selectMode: selectImageMode,
  pricing: {
    variants: [
      {
        variant: '1k',
        label: sameText('1K'),
        unit: 'flat',
        milliTokens: 3000,
        isDefault: true,
        provisional: true,
      },
      { variant: '2k', label: sameText('2K'), unit: 'flat', milliTokens: 4500, provisional: true },
      { variant: '4k', label: sameText('4K'), unit: 'flat', milliTokens: 6750, provisional: true },
    ],
    note: {
      en: 'Provisional prices: the reference shows only "from 3 tokens". 1K is 3 tokens per image; 2K and 4K follow the upstream’s own steps between sizes (about 1 : 1.5 : 2.25), so 4.5 and 6.75. The operator may set other prices.',
      es: 'Precios provisionales: la referencia solo muestra «desde 3 tokens». 1K cuesta 3 tokens por imagen; 2K y 4K siguen los saltos del propio proveedor entre tamaños (alrededor de 1 : 1,5 : 2,25), es decir 4,5 y 6,75. El operador puede fijar otros precios.',
      ru: 'Предварительные цены: в источнике указано лишь «от 3 токенов». 1K — 3 токена за изображение; 2K и 4K следуют шагам самого поставщика между размерами (примерно 1 : 1,5 : 2,25), то есть 4,5 и 6,75. Оператор может установить другие цены.',
    },
  },
  selectVariant: (input) => String(input.imageSize).toLowerCase(),
  exampleInput: {
    prompt: IMAGE_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    imageSize: '1K',
    sourceImage: EXAMPLE_ASSET,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [
    IMAGE_MODE_NOTE,
    MASK_NOTE,
    'The reference shows neither a price table nor modes: prices are provisional by imageSize (1K 3, 2K 4.5, 4K 6.75 tokens) and the modes are those of the other image models with these slots.',
  ],
};
