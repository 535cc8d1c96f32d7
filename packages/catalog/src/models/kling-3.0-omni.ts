import { field } from '../fields.ts';
import type { ModelEntry } from '../types.ts';

/**
 * Kling 3.0 Omni (Kuaishou): multi-scene video with native audio, references by image and by video.
 * Prices are Reelay's provisional defaults (the reference shows only "from 6.4 tokens/s"): the 6.4 floor,
 * with audio and 1080p each about a third dearer, as one upstream charges; operators override them.
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
      label: 'Reference video',
      description: {
        en: 'A video whose character, look and motion carry into the new video (video to video).',
        es: 'Un vídeo cuyo personaje, aspecto y movimiento pasan al nuevo vídeo (vídeo a vídeo).',
        ru: 'Видео, чей персонаж, облик и движение переходят в новое видео (видео в видео).',
      },
    }),
    field.mediaList('referenceAssetUris', 'image', {
      label: 'Reference images',
      maxItems: 7,
      description: {
        en: 'Up to 7 reference images as asset:// URIs, https URLs or data URIs: one image animates it, several keep a subject consistent.',
        es: 'Hasta 7 imágenes de referencia como URI asset://, URL https o URI data: una imagen la anima, varias mantienen coherente a un sujeto.',
        ru: 'До 7 референсных изображений (asset://, https или data URI): одно изображение оживляется, несколько сохраняют облик персонажа.',
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
                'audioEnabled must be false when a referenceVideo is given: this model cannot add native audio to a video reference',
            },
          ];
        }
        input.audioEnabled = false;
        return [];
      },
      schema: {
        if: { required: ['referenceVideo'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, not a thenable.
        then: { properties: { audioEnabled: { const: false } } },
      },
    },
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
      { variant: '720p', label: '720p', unit: 'per_second', milliTokens: 6400, provisional: true },
      {
        variant: '720p-audio',
        label: '720p · Audio',
        unit: 'per_second',
        milliTokens: 8500,
        isDefault: true,
        provisional: true,
      },
      { variant: '1080p', label: '1080p', unit: 'per_second', milliTokens: 8500, provisional: true },
      {
        variant: '1080p-audio',
        label: '1080p · Audio',
        unit: 'per_second',
        milliTokens: 11300,
        provisional: true,
      },
    ],
    note: {
      en: 'Provisional prices: the reference publishes only "from 6.4 tokens/s"; audio and 1080p are each priced about a third higher, as one upstream charges. Operators can override every price.',
      es: 'Precios provisionales: la referencia solo publica «desde 6,4 tokens/s»; el audio y 1080p cuestan cada uno alrededor de un tercio más, como cobra un proveedor. El operador puede cambiar cualquier precio.',
      ru: 'Предварительные цены: в источнике указано только «от 6,4 токена/с»; звук и 1080p дороже примерно на треть каждый, как у одного из провайдеров. Оператор может изменить любую цену.',
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
    'With a referenceVideo the reference only says audio "must be off"; Reelay turns it off by default and refuses an explicit true.',
    'Mode: a referenceVideo makes video_to_video; one reference image image_to_video; two or more reference_to_video; none text_to_video.',
    'Some upstream copies cap duration at 10 s with a video reference; the reference page allows 3–15, so Reelay does too and the route mapping handles the upstream limit.',
  ],
};
