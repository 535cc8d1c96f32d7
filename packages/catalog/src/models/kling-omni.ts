import { excludes, needs } from '../field-rules.ts';
import { field } from '../fields.ts';
import { joinLabels, SLOT_LABELS, sameText, VARIANT_WORDS } from '../labels.ts';
import { whenGiven } from '../rule-schema.ts';
import type { MediaAccepts, ModelEntry, Rule } from '../types.ts';
import {
  aspectRatio,
  duration,
  EXAMPLE_ASSET,
  endImage,
  prompt,
  resolution,
  startImage,
  VIDEO_EXAMPLE_PROMPT,
} from './common-fields.ts';

/** Kling's published limits for an input image: JPEG or PNG, ≤ 10 MB, ≥ 300 px a side, 1:2.5 to 2.5:1. */
const KLING_IMAGE: MediaAccepts = {
  mediaTypes: ['image/jpeg', 'image/png'],
  maxBytes: 10 * 1024 * 1024,
  side: { min: 300 },
  aspectRatio: { min: 1 / 2.5, max: 2.5 },
};

/** Kling's published limits for a reference video: MP4 or MOV, 3–10 s, 720–2160 px a side, 24–60 fps, ≤ 200 MB. */
const KLING_REFERENCE_VIDEO: MediaAccepts = {
  mediaTypes: ['video/mp4', 'video/quicktime'],
  maxBytes: 200 * 1024 * 1024,
  side: { min: 720, max: 2160 },
  durationSeconds: { min: 3, max: 10 },
  fps: { min: 24, max: 60 },
};

/** Reference images the omni models take without a reference video, and with one. */
const MAX_IMAGES = 7;
const IMAGES_WITH_VIDEO = 4;

/** With a reference video, fewer reference images go along (the video counts against the model's input budget). */
function fewerImagesWithVideo(withVideo: number, without: number): Rule {
  return {
    id: 'fewer-images-with-reference-video',
    description: {
      en: `With a referenceVideo, at most ${withVideo} reference images may go with it (${without} without).`,
      es: `Con referenceVideo se admiten como máximo ${withVideo} imágenes de referencia (${without} sin él).`,
      ru: `С referenceVideo допускается не больше ${withVideo} референсных изображений (без него — ${without}).`,
    },
    apply(input) {
      const images = input.referenceAssetUris;
      if (input.referenceVideo === undefined || !Array.isArray(images)) return [];
      if (images.length <= withVideo) return [];
      return [
        {
          param: 'input.referenceAssetUris',
          code: 'too_many_items',
          message: `referenceAssetUris takes at most ${withVideo} images when a referenceVideo is given (${without} without one); got ${images.length}`,
        },
      ];
    },
    schema: whenGiven('referenceVideo', {
      properties: { referenceAssetUris: { type: 'array', maxItems: withVideo } },
    }),
  };
}

/**
 * Kling 3.0 Omni: multi-scene video with native audio, guided by reference images or a reference video.
 * Its prices are provisional defaults (a 6.4 tokens/s floor; audio and 1080p each about a third dearer),
 * which operators override in configuration.
 */
export const kling30Omni: ModelEntry = {
  id: 'kling-3.0-omni',
  type: 'video',
  title: 'Kling 3.0 Omni',
  provider: 'Kling',
  description: {
    en: 'Multi-scene video with native audio. It carries a character’s look and voice from a sample video into new scenes; audio must be off when that sample video is used. Made for coherent stories around one hero.',
    es: 'Vídeo de varias escenas con audio nativo. Lleva el aspecto y la voz de un personaje de un vídeo de muestra a escenas nuevas; el audio debe ir desactivado cuando se usa ese vídeo. Pensado para historias coherentes con un solo protagonista.',
    ru: 'Многосценное видео со встроенным звуком. Переносит внешность и голос персонажа из видеообразца в новые сцены; при использовании такого видео звук должен быть выключен. Для связных историй с одним героем.',
  },
  fields: [
    field.text('prompt', {
      required: true,
      maxLength: 2500,
      description: {
        en: 'Scene and motion description.',
        es: 'Descripción de la escena y del movimiento.',
        ru: 'Описание сцены и движения.',
      },
    }),
    field.choice('aspectRatio', {
      values: ['9:16', '16:9', '1:1'],
      default: '9:16',
      description: {
        en: 'Frame shape: vertical 9:16, horizontal 16:9 or square 1:1.',
        es: 'Formato del cuadro: vertical 9:16, horizontal 16:9 o cuadrado 1:1.',
        ru: 'Формат кадра: вертикальный 9:16, горизонтальный 16:9 или квадрат 1:1.',
      },
    }),
    field.choice('resolution', {
      values: ['720p', '1080p'],
      default: '720p',
      description: {
        en: 'Output resolution; 1080p costs more per second.',
        es: 'Resolución de salida; 1080p cuesta más por segundo.',
        ru: 'Разрешение результата; 1080p стоит дороже за секунду.',
      },
    }),
    field.range('duration', {
      min: 3,
      max: 15,
      step: 1,
      unit: 'seconds',
      default: 3,
      description: {
        en: 'Length of the video in whole seconds, 3 to 15.',
        es: 'Duración del vídeo en segundos enteros, de 3 a 15.',
        ru: 'Длительность видео в целых секундах, от 3 до 15.',
      },
    }),
    field.flag('audioEnabled', {
      default: true,
      description: {
        en: 'Native audio (sound and speech). Available without a reference video; with one, audio must be off and defaults to off.',
        es: 'Audio nativo (sonido y voz). Disponible sin vídeo de referencia; con uno, el audio debe ir desactivado y se desactiva por defecto.',
        ru: 'Встроенный звук (шумы и речь). Доступен без референсного видео; с ним звук должен быть выключен и по умолчанию выключается.',
      },
    }),
    field.media('referenceVideo', 'video', {
      label: SLOT_LABELS.referenceVideo,
      accepts: KLING_REFERENCE_VIDEO,
      description: {
        en: 'A video whose character, look, voice and motion carry into the new video (video to video). With it, audio is off and at most 4 reference images may be added.',
        es: 'Un vídeo cuyo personaje, aspecto, voz y movimiento pasan al nuevo vídeo (vídeo a vídeo). Con él, el audio va desactivado y se admiten como máximo 4 imágenes de referencia.',
        ru: 'Видео, чьи персонаж, облик, голос и движение переходят в новое видео (видео в видео). С ним звук выключен и можно добавить не больше 4 референсных изображений.',
      },
    }),
    field.mediaList('referenceAssetUris', 'image', {
      label: SLOT_LABELS.referenceImages,
      maxItems: MAX_IMAGES,
      accepts: KLING_IMAGE,
      description: {
        en: 'Up to 7 reference images (4 with a reference video) as asset:// URIs, https URLs or data URIs. A single image becomes the first frame and is animated; two or more keep a subject, scene or style consistent.',
        es: 'Hasta 7 imágenes de referencia (4 con vídeo de referencia) como URI asset://, URL https o URI data. Una sola imagen se usa como primer fotograma y se anima; dos o más mantienen coherentes un sujeto, una escena o un estilo.',
        ru: 'До 7 референсных изображений (4 при референсном видео) в виде asset:// URI, https-ссылок или data URI. Одно изображение становится первым кадром и оживает; два и больше сохраняют облик персонажа, сцены или стиль.',
      },
    }),
  ],
  rules: [
    {
      id: 'audio-off-with-reference-video',
      description: {
        en: 'With a referenceVideo, audio is off: audioEnabled defaults to false and true is refused.',
        es: 'Con referenceVideo el audio va desactivado: audioEnabled es false por defecto y true se rechaza.',
        ru: 'С referenceVideo звук выключен: audioEnabled по умолчанию false, значение true отклоняется.',
      },
      apply(input, given) {
        if (input.referenceVideo === undefined) return [];
        if (given.has('audioEnabled') && input.audioEnabled === true) {
          return [
            {
              param: 'input.audioEnabled',
              code: 'rule_violation',
              message:
                'audioEnabled must be false when a referenceVideo is given: this model cannot make native audio for a video reference',
            },
          ];
        }
        input.audioEnabled = false;
        return [];
      },
      schema: whenGiven('referenceVideo', { properties: { audioEnabled: { const: false } } }),
    },
    fewerImagesWithVideo(IMAGES_WITH_VIDEO, MAX_IMAGES),
  ],
  modes: ['text_to_video', 'image_to_video', 'video_to_video', 'reference_to_video'],
  selectMode(input) {
    const images = Array.isArray(input.referenceAssetUris) ? input.referenceAssetUris.length : 0;
    if (input.referenceVideo !== undefined) return 'video_to_video';
    if (images === 1) return 'image_to_video';
    if (images > 1) return 'reference_to_video';
    return 'text_to_video';
  },
  pricing: {
    variants: [
      { variant: '720p', label: sameText('720p'), unit: 'per_second', milliTokens: 6400, provisional: true },
      {
        variant: '720p-audio',
        label: joinLabels(sameText('720p'), VARIANT_WORDS.audio),
        unit: 'per_second',
        milliTokens: 8500,
        isDefault: true,
        provisional: true,
      },
      {
        variant: '1080p',
        label: sameText('1080p'),
        unit: 'per_second',
        milliTokens: 8500,
        provisional: true,
      },
      {
        variant: '1080p-audio',
        label: joinLabels(sameText('1080p'), VARIANT_WORDS.audio),
        unit: 'per_second',
        milliTokens: 11300,
        provisional: true,
      },
    ],
    note: {
      en: 'Provisional prices: from 6.4 tokens/s for 720p without audio; audio and 1080p each add about a third. The operator of this gateway may set other prices.',
      es: 'Precios provisionales: desde 6,4 tokens/s para 720p sin audio; el audio y 1080p añaden cada uno alrededor de un tercio. El operador de esta pasarela puede fijar otros precios.',
      ru: 'Предварительные цены: от 6,4 токена/с за 720p без звука; звук и 1080p добавляют примерно по трети. Оператор этого шлюза может установить другие цены.',
    },
  },
  selectVariant: (input) => `${input.resolution}${input.audioEnabled ? '-audio' : ''}`,
  secondsField: 'duration',
  exampleInput: {
    prompt: 'cinematic drone shot over a city at night',
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 3,
    audioEnabled: true,
    referenceAssetUris: ['asset://asset_abc123'],
  },
  notes: [
    'With a referenceVideo the model makes no audio: audioEnabled defaults to false there, and an explicit true is refused rather than silently dropped.',
    'With a referenceVideo at most 4 reference images are taken; without one, 7.',
    'Mode follows the filled slots: a referenceVideo makes video_to_video (the video guides character, look and motion; it is not edited); exactly one reference image makes image_to_video (it becomes the first frame, whose shape may win over aspectRatio); two to seven make reference_to_video; none makes text_to_video.',
    'Durations of 3 to 15 s are accepted with a referenceVideo too; a provider that allows less there fails the generation when it starts, and its tokens are released.',
  ],
};

/**
 * Kling O1, the first omni model: up to seven views of one subject merged into a video that keeps its look,
 * from text, a first (and last) frame, reference images or a reference video. Prices provisional.
 */
export const klingO1: ModelEntry = {
  id: 'kling-o1',
  type: 'video',
  title: 'Kling O1',
  provider: 'Kling',
  description: {
    en: 'Combines up to seven views of one subject and keeps its appearance strictly the same through the whole clip. Good for character turnarounds, recurring heroes and product demos.',
    es: 'Combina hasta siete vistas de un mismo sujeto y mantiene su aspecto exactamente igual durante todo el clip. Útil para giros de personaje, protagonistas recurrentes y demostraciones de producto.',
    ru: 'Объединяет до семи ракурсов одного объекта и строго сохраняет его облик на протяжении всего ролика. Подходит для облёта персонажа, постоянных героев и демонстрации товаров.',
  },
  fields: [
    prompt('video'),
    aspectRatio(['9:16', '16:9', '1:1']),
    resolution(['720p', '1080p']),
    duration({ min: 5, max: 10, step: 5, default: 5 }),
    startImage(),
    endImage(),
    field.media('referenceVideo', 'video', {
      label: SLOT_LABELS.referenceVideo,
      description: {
        en: 'A video whose subject, camera work or motion guides the new one (video to video). With it, at most 4 reference images and no start or end frame.',
        es: 'Un vídeo cuyo sujeto, movimiento de cámara o acción guía el nuevo (vídeo a vídeo). Con él, como máximo 4 imágenes de referencia y sin fotograma inicial ni final.',
        ru: 'Видео, чьи объект, работа камеры или движение направляют новое (видео в видео). С ним — не больше 4 референсных изображений и без начального и конечного кадров.',
      },
    }),
    field.mediaList('referenceAssetUris', 'image', {
      label: SLOT_LABELS.referenceImages,
      maxItems: MAX_IMAGES,
      description: {
        en: 'Up to 7 views of the subject (4 with a reference video) as asset:// URIs, https URLs or data URIs; the video keeps its look consistent.',
        es: 'Hasta 7 vistas del sujeto (4 con vídeo de referencia) como URI asset://, URL https o URI data; el vídeo mantiene su aspecto coherente.',
        ru: 'До 7 ракурсов объекта (4 при референсном видео) в виде asset:// URI, https-ссылок или data URI; видео сохраняет его облик.',
      },
    }),
  ],
  rules: [
    needs('endImage', 'startImage'),
    excludes('referenceVideo', 'startImage'),
    fewerImagesWithVideo(IMAGES_WITH_VIDEO, MAX_IMAGES),
  ],
  modes: ['text_to_video', 'image_to_video', 'video_to_video', 'reference_to_video'],
  selectMode(input) {
    const images = Array.isArray(input.referenceAssetUris) ? input.referenceAssetUris.length : 0;
    if (input.referenceVideo !== undefined) return 'video_to_video';
    if (images > 0) return 'reference_to_video';
    if (input.startImage !== undefined) return 'image_to_video';
    return 'text_to_video';
  },
  pricing: {
    variants: [
      {
        variant: '720p',
        label: sameText('720p'),
        unit: 'per_second',
        milliTokens: 5500,
        isDefault: true,
        provisional: true,
      },
      {
        variant: '1080p',
        label: sameText('1080p'),
        unit: 'per_second',
        milliTokens: 7300,
        provisional: true,
      },
    ],
    note: {
      en: 'Provisional prices: the reference shows only "from 5.5 tokens/s". 720p is 5.5 tokens/s and 1080p about a third more (7.3), the same step as the other Kling omni model. The operator may set other prices.',
      es: 'Precios provisionales: la referencia solo muestra «desde 5,5 tokens/s». 720p cuesta 5,5 tokens/s y 1080p alrededor de un tercio más (7,3), el mismo salto que en el otro modelo omni de Kling. El operador puede fijar otros precios.',
      ru: 'Предварительные цены: в источнике указано лишь «от 5,5 токена/с». 720p — 5,5 токена/с, 1080p — примерно на треть дороже (7,3), как у другой omni-модели Kling. Оператор может установить другие цены.',
    },
  },
  selectVariant: (input) => String(input.resolution),
  secondsField: 'duration',
  exampleInput: {
    prompt: VIDEO_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 5,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [
    'The reference shows neither a price table nor modes: prices are provisional (720p 5.5, 1080p 7.3 tokens/s) and the modes follow the slots.',
    'Mode follows the filled slots: a referenceVideo makes video_to_video; any reference image makes reference_to_video (a startImage then still opens the clip); a startImage alone makes image_to_video; nothing makes text_to_video.',
    'The page publishes no limit for referenceAssetUris; 7 is taken from the description (up to 7 views), and 4 with a referenceVideo as on Kling 3.0 Omni.',
    'A referenceVideo cannot be combined with a startImage (the video already fixes how the clip begins), and an endImage needs a startImage; both are refused with rule_violation rather than silently dropped.',
    'Durations are 5 or 10 seconds, written as a range from 5 to 10 in steps of 5.',
  ],
};
