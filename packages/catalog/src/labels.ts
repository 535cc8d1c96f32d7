import type { LocalizedText } from './types.ts';

/**
 * The human labels of the catalog, in every language: names of media slots and the words of price rows. A label
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
