import { excludes, needs, needsOneOf } from '../field-rules.ts';
import { field } from '../fields.ts';
import { numbered, SLOT_LABELS, sameText } from '../labels.ts';
import type { LocalizedText, MediaField, ModelEntry } from '../types.ts';
import {
  aspectRatio,
  duration,
  EXAMPLE_ASSET,
  endImage,
  prompt,
  referenceImages,
  resolution,
  startImage,
  VIDEO_EXAMPLE_PROMPT,
} from './common-fields.ts';

const ORDINAL: Record<number, LocalizedText> = {
  1: { en: 'A', es: 'Un', ru: 'Первое' },
  2: { en: 'A second', es: 'Un segundo', ru: 'Второе' },
  3: { en: 'A third', es: 'Un tercer', ru: 'Третье' },
};

/** `referenceVideo`, `referenceVideo2`, `referenceVideo3`: each one needs the one before. */
function referenceVideo(n: 1 | 2 | 3): MediaField {
  const o = ORDINAL[n] as LocalizedText;
  return field.media(n === 1 ? 'referenceVideo' : `referenceVideo${n}`, 'video', {
    label: numbered(SLOT_LABELS.referenceVideo, n),
    description: {
      en: `${o.en} reference video whose motion, camera work or characters guide the clip${n > 1 ? `; needs referenceVideo${n === 2 ? '' : '2'}` : ''}.`,
      es: `${o.es} vídeo de referencia cuyo movimiento, cámara o personajes guían el clip${n > 1 ? `; requiere referenceVideo${n === 2 ? '' : '2'}` : ''}.`,
      ru: `${o.ru} референсное видео, чьи движение, работа камеры или персонажи направляют ролик${n > 1 ? `; нужно referenceVideo${n === 2 ? '' : '2'}` : ''}.`,
    },
  });
}

/** `speechAudio`, `speechAudio2`, `speechAudio3`: voiceover clips; each one needs the one before. */
function speechAudio(n: 1 | 2 | 3): MediaField {
  const ru = { 1: 'Первая', 2: 'Вторая', 3: 'Третья' }[n];
  const es = { 1: 'Una', 2: 'Una segunda', 3: 'Una tercera' }[n];
  const before = n === 2 ? 'speechAudio' : 'speechAudio2';
  return field.media(n === 1 ? 'speechAudio' : `speechAudio${n}`, 'audio', {
    label: numbered(SLOT_LABELS.speechAudio, n),
    description: {
      en: `${(ORDINAL[n] as LocalizedText).en} voiceover for the characters to speak in sync${n > 1 ? `; needs ${before}` : '; needs reference images or a reference video'}.`,
      es: `${es} locución que los personajes dicen en sincronía${n > 1 ? `; requiere ${before}` : '; requiere imágenes o vídeo de referencia'}.`,
      ru: `${ru} озвучка, которую персонажи произносят синхронно${n > 1 ? `; нужна ${before}` : '; нужны референсные изображения или видео'}.`,
    },
  });
}

/** Seedance 2.0 Relaxed: the less strict moderation mode of Seedance 2.0, multimodal references, native audio. */
export const seedance20Relaxed: ModelEntry = {
  id: 'seedance-2.0-relaxed',
  type: 'video',
  title: 'Seedance 2.0 Relaxed',
  provider: 'BytePlus',
  description: {
    en: 'Seedance 2.0 with less strict moderation, for scenes with characters and references (images, video, voice) that the standard check blocks. Native audio, up to 1080p.',
    es: 'Seedance 2.0 con una moderación menos estricta, para escenas con personajes y referencias (imágenes, vídeo, voz) que el control estándar bloquea. Audio nativo, hasta 1080p.',
    ru: 'Seedance 2.0 с менее строгой модерацией — для сцен с персонажами и референсами (изображения, видео, голос), которые блокирует обычная проверка. Встроенный звук, до 1080p.',
  },
  fields: [
    prompt('video', 20000),
    aspectRatio(['9:16', '16:9', '1:1', '4:3', '3:4', '21:9']),
    resolution(['720p', '1080p', '480p']),
    duration({ min: 4, max: 15, step: 1, default: 4 }),
    field.flag('audioEnabled', {
      default: true,
      description: {
        en: 'Native audio made with the picture, on by default; turning it off does not change the price, and some upstream routes always make sound.',
        es: 'Audio nativo generado con la imagen, activado por defecto; desactivarlo no cambia el precio, y algunas rutas siempre generan sonido.',
        ru: 'Встроенный звук, создаваемый с картинкой, включён по умолчанию; выключение не меняет цену, а некоторые маршруты всегда создают звук.',
      },
    }),
    startImage(),
    endImage(),
    referenceVideo(1),
    referenceVideo(2),
    referenceVideo(3),
    speechAudio(1),
    speechAudio(2),
    speechAudio(3),
    referenceImages(9),
  ],
  rules: [
    needs('endImage', 'startImage'),
    needs('referenceVideo2', 'referenceVideo'),
    needs('referenceVideo3', 'referenceVideo2'),
    needs('speechAudio2', 'speechAudio'),
    needs('speechAudio3', 'speechAudio2'),
    needsOneOf('speechAudio', 'referenceAssetUris', 'referenceVideo'),
    excludes('startImage', 'referenceAssetUris', 'referenceVideo', 'speechAudio'),
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
      { variant: '480p', label: sameText('480p'), unit: 'per_second', milliTokens: 5500, provisional: true },
      {
        variant: '720p',
        label: sameText('720p'),
        unit: 'per_second',
        milliTokens: 12400,
        isDefault: true,
        provisional: true,
      },
      {
        variant: '1080p',
        label: sameText('1080p'),
        unit: 'per_second',
        milliTokens: 27800,
        provisional: true,
      },
    ],
    note: {
      en: 'Provisional prices: the reference shows only "from 5.5 tokens/s". 480p is 5.5 tokens/s and the larger sizes scale with their pixel count, as the upstream bills this model (720p 12.4, 1080p 27.8). Audio does not change the price. The operator may set other prices.',
      es: 'Precios provisionales: la referencia solo muestra «desde 5,5 tokens/s». 480p cuesta 5,5 tokens/s y los tamaños mayores crecen con su número de píxeles, como factura este modelo el proveedor (720p 12,4, 1080p 27,8). El audio no cambia el precio. El operador puede fijar otros precios.',
      ru: 'Предварительные цены: в источнике указано лишь «от 5,5 токена/с». 480p — 5,5 токена/с, бо́льшие размеры дороже пропорционально числу пикселей, как эту модель тарифицирует поставщик (720p — 12,4, 1080p — 27,8). Звук на цену не влияет. Оператор может установить другие цены.',
    },
  },
  selectVariant: (input) => String(input.resolution),
  secondsField: 'duration',
  exampleInput: {
    prompt: VIDEO_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 4,
    audioEnabled: true,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [
    'The stored reference page is cut off after speechAudio3; referenceAssetUris is there because the example uses it. Its limit (9) and the voiceover kind of speechAudio3 are taken from the upstream model and the pattern of the other slots.',
    'The reference shows neither a price table nor modes. Prices are provisional by resolution only (480p 5.5, 720p 12.4, 1080p 27.8 tokens/s); modes follow the slots: a referenceVideo makes video_to_video, reference images reference_to_video, a startImage image_to_video, nothing text_to_video.',
    'First and last frames cannot be mixed with references (images, videos or voiceovers): the upstream runs them as different modes, so mixing is refused with rule_violation. A voiceover needs an image or video reference to speak through.',
    'Numbered slots are filled in order: referenceVideo2 needs referenceVideo, referenceVideo3 needs referenceVideo2, and likewise for speechAudio.',
    'Speech slots take audio files (the reference calls their kind voiceover).',
  ],
};
