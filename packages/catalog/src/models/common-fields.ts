import { field } from '../fields.ts';
import { SLOT_LABELS } from '../labels.ts';
import type {
  BooleanField,
  EnumField,
  LocalizedText,
  MediaField,
  NumberField,
  StringField,
} from '../types.ts';

/**
 * Fields that many models share, with their texts in every language. A model file uses these where its field is
 * the common one and writes its own where the meaning differs (audio that keeps a source's sound, say).
 */

/** The required prompt; `maxLength` unset where the reference publishes no limit. */
export function prompt(kind: 'video' | 'image', maxLength?: number): StringField {
  const limit = maxLength === undefined ? null : maxLength;
  const description: LocalizedText =
    kind === 'video'
      ? {
          en: `What happens in the scene and how the camera and subjects move${limit ? ` (up to ${limit} characters)` : ''}.`,
          es: `Qué ocurre en la escena y cómo se mueven la cámara y los sujetos${limit ? ` (hasta ${limit} caracteres)` : ''}.`,
          ru: `Что происходит в сцене и как движутся камера и герои${limit ? ` (до ${limit} символов)` : ''}.`,
        }
      : {
          en: `What the image should show, or what to change in the source image${limit ? ` (up to ${limit} characters)` : ''}.`,
          es: `Qué debe mostrar la imagen, o qué cambiar en la imagen de origen${limit ? ` (hasta ${limit} caracteres)` : ''}.`,
          ru: `Что должно быть на изображении или что изменить в исходном${limit ? ` (до ${limit} символов)` : ''}.`,
        };
  return field.text('prompt', { required: true, description, ...(limit ? { maxLength: limit } : {}) });
}

/** The frame shape, `9:16` by default as on every reference page. */
export function aspectRatio(values: readonly string[], fallback = '9:16'): EnumField {
  const list = values.join(', ');
  return field.choice('aspectRatio', {
    values,
    default: fallback,
    description: {
      en: `Shape of the frame, width:height: ${list}.`,
      es: `Forma del encuadre, ancho:alto: ${list}.`,
      ru: `Форма кадра, ширина:высота: ${list}.`,
    },
  });
}

/** Video resolution by the short side of the frame; dearer resolutions are priced per second. */
export function resolution(values: readonly string[], fallback = '720p'): EnumField {
  const list = values.join(', ');
  return field.choice('resolution', {
    values,
    default: fallback,
    description: {
      en: `Output resolution (the short side of the frame): ${list}. Higher resolutions cost more per second.`,
      es: `Resolución de salida (el lado corto del encuadre): ${list}. Las resoluciones mayores cuestan más por segundo.`,
      ru: `Разрешение результата (по короткой стороне кадра): ${list}. Чем выше разрешение, тем дороже секунда.`,
    },
  });
}

/** Length in seconds: a range, or a short list of values written as a range with a step (5 or 10 → 5..10 step 5). */
export function duration(o: { min: number; max: number; step: number; default: number }): NumberField {
  const values = Array.from(
    { length: Math.floor((o.max - o.min) / o.step) + 1 },
    (_, i) => o.min + i * o.step,
  );
  const description: LocalizedText =
    values.length === 1
      ? {
          en: `Length of the video: always ${o.min} seconds.`,
          es: `Duración del vídeo: siempre ${o.min} segundos.`,
          ru: `Длительность видео: всегда ${o.min} секунд.`,
        }
      : o.step === 1
        ? {
            en: `Length of the video in whole seconds, ${o.min} to ${o.max}; the price is per second.`,
            es: `Duración del vídeo en segundos enteros, de ${o.min} a ${o.max}; el precio es por segundo.`,
            ru: `Длительность видео в целых секундах, от ${o.min} до ${o.max}; цена указана за секунду.`,
          }
        : {
            en: `Length of the video in seconds: ${values.join(' or ')}; the price is per second.`,
            es: `Duración del vídeo en segundos: ${values.join(' o ')}; el precio es por segundo.`,
            ru: `Длительность видео в секундах: ${values.join(' или ')}; цена указана за секунду.`,
          };
  return field.range('duration', { ...o, unit: 'seconds', description });
}

/** The first frame of the video. */
export const startImage = (): MediaField =>
  field.media('startImage', 'image', {
    label: SLOT_LABELS.startImage,
    description: {
      en: 'An image the video starts from (its first frame), as an asset:// URI, https URL or data URI.',
      es: 'Una imagen con la que empieza el vídeo (su primer fotograma), como URI asset://, URL https o URI data.',
      ru: 'Изображение, с которого начинается видео (первый кадр): asset:// URI, https-ссылка или data URI.',
    },
  });

/** The last frame of the video; needs a start frame. */
export const endImage = (): MediaField =>
  field.media('endImage', 'image', {
    label: SLOT_LABELS.endImage,
    description: {
      en: 'An image the video ends on (its last frame). Only together with startImage.',
      es: 'Una imagen con la que termina el vídeo (su último fotograma). Solo junto con startImage.',
      ru: 'Изображение, которым заканчивается видео (последний кадр). Только вместе со startImage.',
    },
  });

/** Reference images that keep a subject, scene or style consistent. */
export function referenceImages(maxItems: number, extra?: LocalizedText): MediaField {
  return field.mediaList('referenceAssetUris', 'image', {
    label: SLOT_LABELS.referenceImages,
    maxItems,
    description: {
      en: `Up to ${maxItems} reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps.${extra ? ` ${extra.en}` : ''}`,
      es: `Hasta ${maxItems} imágenes de referencia (URI asset://, URL https o URI data) cuyo sujeto, aspecto o estilo conserva el resultado.${extra ? ` ${extra.es}` : ''}`,
      ru: `До ${maxItems} референсных изображений (asset:// URI, https-ссылки или data URI), чьи персонаж, облик или стиль сохраняет результат.${extra ? ` ${extra.ru}` : ''}`,
    },
  });
}

/** The image to edit. */
export const sourceImage = (): MediaField =>
  field.media('sourceImage', 'image', {
    label: SLOT_LABELS.sourceImage,
    description: {
      en: 'The image to edit; the prompt says what to change. Without it a new image is made.',
      es: 'La imagen que se edita; el prompt indica qué cambiar. Sin ella se crea una imagen nueva.',
      ru: 'Изображение для правки; промпт говорит, что изменить. Без него создаётся новое изображение.',
    },
  });

/** The region of the source image to change; needs a source image. */
export const maskImage = (): MediaField =>
  field.media('maskImage', 'image', {
    label: SLOT_LABELS.maskImage,
    description: {
      en: 'Optional mask marking the region of sourceImage to change. Only together with sourceImage.',
      es: 'Máscara opcional que marca la zona de sourceImage que se cambia. Solo junto con sourceImage.',
      ru: 'Необязательная маска, отмечающая область sourceImage для изменения. Только вместе с sourceImage.',
    },
  });

/** Image size by the long side, `1K` = 1024 pixels. */
export function imageSize(values: readonly string[], fallback: string): EnumField {
  const list = values.join(', ');
  return field.choice('imageSize', {
    values,
    default: fallback,
    description: {
      en: `Output size by the long side (1K is about 1024 pixels): ${list}.`,
      es: `Tamaño de salida por el lado largo (1K son unos 1024 píxeles): ${list}.`,
      ru: `Размер результата по длинной стороне (1K — около 1024 пикселей): ${list}.`,
    },
  });
}

/** Native audio made with the picture, switchable per request. */
export function audioEnabled(fallback: boolean, extra?: LocalizedText): BooleanField {
  return field.flag('audioEnabled', {
    default: fallback,
    description: {
      en: `Native audio (sound, ambience, speech) made with the picture; it has its own price rows.${extra ? ` ${extra.en}` : ''}`,
      es: `Audio nativo (sonido, ambiente, voz) generado con la imagen; tiene sus propias filas de precio.${extra ? ` ${extra.es}` : ''}`,
      ru: `Встроенный звук (шумы, атмосфера, речь), создаваемый вместе с картинкой; у него свои строки цен.${extra ? ` ${extra.ru}` : ''}`,
    },
  });
}

/** The example prompts of the reference pages. */
export const VIDEO_EXAMPLE_PROMPT = 'cinematic drone shot over a city at night';
export const IMAGE_EXAMPLE_PROMPT = 'studio portrait of a red corgi, soft light';
/** The placeholder asset of the examples (any uploaded image or video id goes there). */
export const EXAMPLE_ASSET = 'asset://asset_abc123';
