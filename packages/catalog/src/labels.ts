import type { Locale, LocalizedText } from './types.ts';

/**
 * The human labels of the catalog, in every language: names of fields and media slots, of modes, and the words of
 * price rows. A label
 * that reads the same everywhere (a field name, a resolution such as `720p` or `4K`) is written with `sameText`.
 */

/** A text that is the same in every language: field names, resolutions and sizes. */
export const sameText = (text: string): LocalizedText => ({ en: text, es: text, ru: text });

/** The parts of a label joined as the reference writes them: `720p · Audio`. */
export const joinLabels = (...parts: readonly LocalizedText[]): LocalizedText => ({
  en: parts.map((p) => p.en).join(' · '),
  es: parts.map((p) => p.es).join(' · '),
  ru: parts.map((p) => p.ru).join(' · '),
});

/** A numbered label (`Reference video 2`); the first of a series has no number. */
export const numbered = (label: LocalizedText, n: number): LocalizedText =>
  n === 1 ? label : { en: `${label.en} ${n}`, es: `${label.es} ${n}`, ru: `${label.ru} ${n}` };

/** Names of the scalar fields models share; a field named otherwise is labelled by its model file or its name. */
export const FIELD_LABELS: Readonly<Record<string, LocalizedText>> = {
  prompt: { en: 'Prompt', es: 'Instrucción', ru: 'Запрос' },
  aspectRatio: { en: 'Aspect ratio', es: 'Relación de aspecto', ru: 'Соотношение сторон' },
  resolution: { en: 'Resolution', es: 'Resolución', ru: 'Разрешение' },
  duration: { en: 'Duration', es: 'Duración', ru: 'Длительность' },
  audioEnabled: { en: 'Generate audio', es: 'Generar audio', ru: 'Генерировать звук' },
  quality: { en: 'Quality', es: 'Calidad', ru: 'Качество' },
  imageSize: { en: 'Image size', es: 'Tamaño de imagen', ru: 'Размер изображения' },
};

/** Names of the modes (what a request does), as capabilities are listed. */
export const MODE_LABELS: Readonly<Record<string, LocalizedText>> = {
  text_to_video: { en: 'Text to video', es: 'Texto a vídeo', ru: 'Текст в видео' },
  image_to_video: { en: 'Image to video', es: 'Imagen a vídeo', ru: 'Изображение в видео' },
  video_to_video: { en: 'Video to video', es: 'Vídeo a vídeo', ru: 'Видео в видео' },
  reference_to_video: {
    en: 'Video from references',
    es: 'Vídeo desde referencias',
    ru: 'Видео по референсам',
  },
  text_to_image: { en: 'Text to image', es: 'Texto a imagen', ru: 'Текст в изображение' },
  image_edit: { en: 'Image editing', es: 'Edición de imagen', ru: 'Редактирование изображения' },
  image_reference: {
    en: 'Image from references',
    es: 'Imagen desde referencias',
    ru: 'Изображение по референсам',
  },
};

/** A mode's name in `locale`, or its id when the catalog has no name for it. */
export const modeLabel = (mode: string, locale: Locale): string => MODE_LABELS[mode]?.[locale] ?? mode;

/** Names of the media slots. */
export const SLOT_LABELS = {
  startImage: { en: 'Start image', es: 'Imagen inicial', ru: 'Начальное изображение' },
  endImage: { en: 'End image', es: 'Imagen final', ru: 'Конечное изображение' },
  referenceImages: { en: 'Reference images', es: 'Imágenes de referencia', ru: 'Референсные изображения' },
  sourceImage: { en: 'Source image', es: 'Imagen de origen', ru: 'Исходное изображение' },
  maskImage: { en: 'Mask image', es: 'Imagen de máscara', ru: 'Изображение-маска' },
  referenceVideo: { en: 'Reference video', es: 'Vídeo de referencia', ru: 'Референсное видео' },
  sourceVideo: { en: 'Source video', es: 'Vídeo de origen', ru: 'Исходное видео' },
  referencePhoto: { en: 'Reference photo', es: 'Foto de referencia', ru: 'Референсное фото' },
  motionVideo: { en: 'Motion video', es: 'Vídeo de movimiento', ru: 'Видео с движением' },
  speechAudio: { en: 'Speech audio', es: 'Locución', ru: 'Озвучка' },
} as const satisfies Record<string, LocalizedText>;

/** Words of price rows besides resolutions and sizes. */
export const VARIANT_WORDS = {
  /** A row with native audio: `720p · Audio`. */
  audio: { en: 'Audio', es: 'Con audio', ru: 'Со звуком' },
  /** The one row of a model with a single price. */
  standard: { en: 'Standard', es: 'Estándar', ru: 'Стандарт' },
  /** Rendering quality of an image (the noun is quality: calidad, качество). */
  low: { en: 'Low', es: 'Baja', ru: 'Низкое' },
  medium: { en: 'Medium', es: 'Media', ru: 'Среднее' },
  high: { en: 'High', es: 'Alta', ru: 'Высокое' },
} as const satisfies Record<string, LocalizedText>;
