import { sameText } from '../labels.ts';
import type { ModelEntry } from '../types.ts';
import {
  aspectRatio,
  EXAMPLE_ASSET,
  IMAGE_EXAMPLE_PROMPT,
  imageSize,
  prompt,
  referenceImages,
  sourceImage,
} from './common-fields.ts';
import { IMAGE_MODE_NOTE, IMAGE_MODES, selectImageMode } from './image-modes.ts';

const ASPECTS = ['9:16', '16:9', '1:1', '4:3', '3:4', '2:3', '3:2', '21:9'];

const EXAMPLE = {
  prompt: IMAGE_EXAMPLE_PROMPT,
  aspectRatio: '9:16',
  imageSize: '2K',
  sourceImage: EXAMPLE_ASSET,
  referenceAssetUris: [EXAMPLE_ASSET],
};

const SAME_PRICE_NOTE =
  'Both sizes cost the same 2 tokens per image, as the reference lists them; the size still selects its own row.';

/** Seedream 5: reasons over complex prompts, can search the web, up to 3K. */
export const seedream5: ModelEntry = {
  id: 'seedream-5',
  type: 'image',
  title: 'Seedream 5',
  provider: 'BytePlus',
  description: {
    en: 'Thinks through complex prompts and can look things up on the web: scenes with many objects, topical visuals and edits that follow an example. Output up to 3K.',
    es: 'Razona sobre prompts complejos y puede buscar en la web: escenas con muchos objetos, imágenes de actualidad y ediciones que siguen un ejemplo. Salida de hasta 3K.',
    ru: 'Продумывает сложные промпты и умеет искать в интернете: сцены со множеством объектов, актуальные визуалы и правки по образцу. Результат до 3K.',
  },
  fields: [
    prompt('image'),
    aspectRatio(ASPECTS),
    imageSize(['2K', '3K'], '2K'),
    sourceImage(),
    referenceImages(14),
  ],
  rules: [],
  modes: IMAGE_MODES,
  selectMode: selectImageMode,
  pricing: {
    variants: [
      { variant: '2k', label: sameText('2K'), unit: 'flat', milliTokens: 2000, isDefault: true },
      { variant: '3k', label: sameText('3K'), unit: 'flat', milliTokens: 2000 },
    ],
  },
  selectVariant: (input) => String(input.imageSize).toLowerCase(),
  exampleInput: EXAMPLE,
  notes: [IMAGE_MODE_NOTE, SAME_PRICE_NOTE],
};

/** Seedream 4.5: cinematic light and stable characters, 2K or 4K, up to 14 references. */
export const seedream45: ModelEntry = {
  id: 'seedream-4.5',
  type: 'image',
  title: 'Seedream 4.5',
  provider: 'BytePlus',
  description: {
    en: 'Cinematic lighting and characters that stay the same from image to image: product catalogues, character sheets and edits guided by references. A dependable workhorse at 2K or 4K with up to 14 references.',
    es: 'Iluminación cinematográfica y personajes que se mantienen iguales de una imagen a otra: catálogos de producto, hojas de personaje y ediciones guiadas por referencias. Un caballo de batalla fiable en 2K o 4K con hasta 14 referencias.',
    ru: 'Кинематографичный свет и персонажи, которые не меняются от кадра к кадру: каталоги товаров, листы персонажей и правки по референсам. Надёжная рабочая лошадка в 2K или 4K с до 14 референсами.',
  },
  fields: [
    prompt('image', 3000),
    aspectRatio(ASPECTS),
    imageSize(['2K', '4K'], '2K'),
    sourceImage(),
    referenceImages(14),
  ],
  rules: [],
  modes: IMAGE_MODES,
  selectMode: selectImageMode,
  pricing: {
    variants: [
      { variant: '2k', label: sameText('2K'), unit: 'flat', milliTokens: 2000, isDefault: true },
      { variant: '4k', label: sameText('4K'), unit: 'flat', milliTokens: 2000 },
    ],
  },
  selectVariant: (input) => String(input.imageSize).toLowerCase(),
  exampleInput: EXAMPLE,
  notes: [IMAGE_MODE_NOTE, SAME_PRICE_NOTE],
};
