import { excludes } from '../field-rules.ts';
import { field } from '../fields.ts';
import { SLOT_LABELS, sameText } from '../labels.ts';
import { whenGiven } from '../rule-schema.ts';
import type { ModelEntry, Rule } from '../types.ts';
import {
  aspectRatio,
  duration,
  EXAMPLE_ASSET,
  prompt,
  resolution,
  startImage,
  VIDEO_EXAMPLE_PROMPT,
} from './common-fields.ts';

/** Reference images of the reference-to-video mode, and of a source-video edit. */
const MAX_IMAGES = 9;
const IMAGES_WITH_SOURCE = 5;

const referenceImages = (withSource: boolean) =>
  field.mediaList('referenceAssetUris', 'image', {
    label: SLOT_LABELS.referenceImages,
    maxItems: MAX_IMAGES,
    description: withSource
      ? {
          en: 'Up to 9 characters or objects to keep (5 when editing a sourceVideo), as asset:// URIs, https URLs or data URIs; the prompt can name them character1, character2…',
          es: 'Hasta 9 personajes u objetos que conservar (5 al editar un sourceVideo), como URI asset://, URL https o URI data; el prompt puede llamarlos character1, character2…',
          ru: 'До 9 персонажей или предметов, которые нужно сохранить (5 при правке sourceVideo), в виде asset:// URI, https-ссылок или data URI; в промпте их можно называть character1, character2…',
        }
      : {
          en: 'Up to 9 characters or objects to keep, as asset:// URIs, https URLs or data URIs; the prompt can name them character1, character2…',
          es: 'Hasta 9 personajes u objetos que conservar, como URI asset://, URL https o URI data; el prompt puede llamarlos character1, character2…',
          ru: 'До 9 персонажей или предметов, которые нужно сохранить, в виде asset:// URI, https-ссылок или data URI; в промпте их можно называть character1, character2…',
        },
  });

/** A source-video edit takes at most five reference images. */
const fewerImagesWithSource: Rule = {
  id: 'fewer-images-with-source-video',
  description: {
    en: `With a sourceVideo, at most ${IMAGES_WITH_SOURCE} reference images may go with it (${MAX_IMAGES} without).`,
    es: `Con sourceVideo se admiten como máximo ${IMAGES_WITH_SOURCE} imágenes de referencia (${MAX_IMAGES} sin él).`,
    ru: `С sourceVideo допускается не больше ${IMAGES_WITH_SOURCE} референсных изображений (без него — ${MAX_IMAGES}).`,
  },
  apply(input) {
    const images = input.referenceAssetUris;
    if (input.sourceVideo === undefined || !Array.isArray(images) || images.length <= IMAGES_WITH_SOURCE)
      return [];
    return [
      {
        param: 'input.referenceAssetUris',
        code: 'too_many_items',
        message: `referenceAssetUris takes at most ${IMAGES_WITH_SOURCE} images when a sourceVideo is edited (${MAX_IMAGES} without one); got ${images.length}`,
      },
    ];
  },
  schema: whenGiven('sourceVideo', {
    properties: { referenceAssetUris: { type: 'array', maxItems: IMAGES_WITH_SOURCE } },
  }),
};

const EXAMPLE = {
  prompt: VIDEO_EXAMPLE_PROMPT,
  aspectRatio: '9:16',
  resolution: '720p',
  duration: 3,
  referenceAssetUris: [EXAMPLE_ASSET],
};

/** HappyHorse 1.0: Alibaba's video model with synced audio and lip sync; text, frame, references or edits. */
export const happyHorse10: ModelEntry = {
  id: 'happyhorse-1.0',
  type: 'video',
  title: 'HappyHorse 1.0',
  provider: 'Alibaba',
  description: {
    en: 'Alibaba’s top video model: a clip with synchronised sound and lip sync in one pass. Cinematic multi-shot scenes with a prepared voiceover, from text, a first frame, reference images or an edit of a source video; 720p or 1080p.',
    es: 'El mejor modelo de vídeo de Alibaba: un clip con sonido sincronizado y sincronía labial en una sola pasada. Escenas cinematográficas de varios planos con locución preparada, a partir de texto, un primer fotograma, imágenes de referencia o la edición de un vídeo de origen; 720p o 1080p.',
    ru: 'Лучшая видеомодель Alibaba: ролик с синхронным звуком и движением губ за один проход. Кинематографичные сцены из нескольких планов с готовой озвучкой — из текста, первого кадра, референсных изображений или правки исходного видео; 720p или 1080p.',
  },
  fields: [
    prompt('video', 5000),
    aspectRatio(['9:16', '16:9', '1:1', '4:3', '3:4']),
    resolution(['720p', '1080p']),
    duration({ min: 3, max: 15, step: 1, default: 3 }),
    startImage(),
    field.media('sourceVideo', 'video', {
      label: SLOT_LABELS.sourceVideo,
      description: {
        en: 'A video to edit or restyle as the prompt says (video to video); the result keeps its motion.',
        es: 'Un vídeo que se edita o se reestiliza según el prompt (vídeo a vídeo); el resultado conserva su movimiento.',
        ru: 'Видео, которое нужно изменить или перерисовать по промпту (видео в видео); результат сохраняет его движение.',
      },
    }),
    referenceImages(true),
  ],
  rules: [excludes('startImage', 'sourceVideo', 'referenceAssetUris'), fewerImagesWithSource],
  modes: ['text_to_video', 'image_to_video', 'video_to_video', 'reference_to_video'],
  selectMode(input) {
    const images = Array.isArray(input.referenceAssetUris) ? input.referenceAssetUris.length : 0;
    if (input.sourceVideo !== undefined) return 'video_to_video';
    if (input.startImage !== undefined) return 'image_to_video';
    if (images > 0) return 'reference_to_video';
    return 'text_to_video';
  },
  pricing: {
    variants: [
      {
        variant: '720p',
        label: sameText('720p'),
        unit: 'per_second',
        milliTokens: 6000,
        isDefault: true,
        provisional: true,
      },
      {
        variant: '1080p',
        label: sameText('1080p'),
        unit: 'per_second',
        milliTokens: 7600,
        provisional: true,
      },
    ],
    note: {
      en: 'Provisional prices: the reference shows only "from 6 tokens/s". 720p is 6 tokens/s and 1080p 7.6, the same step as HappyHorse 1.1 (5.5 → 7). The operator may set other prices.',
      es: 'Precios provisionales: la referencia solo muestra «desde 6 tokens/s». 720p cuesta 6 tokens/s y 1080p 7,6, el mismo salto que HappyHorse 1.1 (5,5 → 7). El operador puede fijar otros precios.',
      ru: 'Предварительные цены: в источнике указано лишь «от 6 токенов/с». 720p — 6 токенов/с, 1080p — 7,6, с тем же шагом, что у HappyHorse 1.1 (5,5 → 7). Оператор может установить другие цены.',
    },
  },
  selectVariant: (input) => String(input.resolution),
  secondsField: 'duration',
  audio: 'always',
  exampleInput: EXAMPLE,
  notes: [
    'The reference shows neither a price table nor modes: prices are provisional (720p 6, 1080p 7.6 tokens/s) and the modes follow the slots, as its description lists them (text, a frame, references, source-video edits).',
    'Mode follows the slots: a sourceVideo makes video_to_video (reference images may guide the edit, at most 5); a startImage makes image_to_video; reference images alone make reference_to_video; nothing makes text_to_video.',
    'A startImage cannot be combined with a sourceVideo or reference images: each way of running takes its own inputs, and mixing them is refused with rule_violation instead of dropping one silently.',
    'The page publishes no limit for referenceAssetUris; 9 is the upstream limit of its reference mode (5 for edits).',
    'There is no audioEnabled field: sound is always made, and the price does not depend on it.',
  ],
};

/** HappyHorse 1.1: more aspect ratios, text, frame or references. */
export const happyHorse11: ModelEntry = {
  id: 'happyhorse-1.1',
  type: 'video',
  title: 'HappyHorse 1.1',
  provider: 'Alibaba',
  description: {
    en: 'Alibaba video model with a focus on image quality and steady subjects, in nine frame shapes from 21:9 to 9:21. Starts from text, a first frame or up to nine reference images.',
    es: 'Modelo de vídeo de Alibaba centrado en la calidad de imagen y en sujetos estables, con nueve formatos de encuadre de 21:9 a 9:21. Parte de un texto, un primer fotograma o hasta nueve imágenes de referencia.',
    ru: 'Видеомодель Alibaba с упором на качество картинки и устойчивость героев, в девяти форматах кадра от 21:9 до 9:21. Работает от текста, первого кадра или до девяти референсных изображений.',
  },
  fields: [
    prompt('video', 5000),
    aspectRatio(['16:9', '1:1', '21:9', '3:4', '4:3', '4:5', '5:4', '9:16', '9:21']),
    resolution(['720p', '1080p']),
    duration({ min: 3, max: 15, step: 1, default: 3 }),
    startImage(),
    referenceImages(false),
  ],
  rules: [excludes('startImage', 'referenceAssetUris')],
  modes: ['text_to_video', 'image_to_video', 'reference_to_video'],
  selectMode(input) {
    const images = Array.isArray(input.referenceAssetUris) ? input.referenceAssetUris.length : 0;
    if (input.startImage !== undefined) return 'image_to_video';
    if (images > 0) return 'reference_to_video';
    return 'text_to_video';
  },
  pricing: {
    variants: [
      { variant: '720p', label: sameText('720p'), unit: 'per_second', milliTokens: 5500, isDefault: true },
      { variant: '1080p', label: sameText('1080p'), unit: 'per_second', milliTokens: 7000 },
    ],
  },
  selectVariant: (input) => String(input.resolution),
  secondsField: 'duration',
  audio: 'always',
  exampleInput: EXAMPLE,
  notes: [
    'The reference page carries only generic template text; the description here is written from what the fields and the model family show.',
    'There is no audioEnabled field: like HappyHorse 1.0 it makes sound in the same pass, always.',
    'The reference lists the durations 3 to 15 one by one; they are the whole seconds from 3 to 15, written as a range.',
    'A startImage cannot be combined with reference images (different ways of running); mixing them is refused with rule_violation.',
    'The page publishes no limit for referenceAssetUris; 9 is the upstream limit of its reference mode.',
  ],
};
