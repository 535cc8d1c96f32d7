import { field } from '../fields.ts';
import { SLOT_LABELS, VARIANT_WORDS } from '../labels.ts';
import type { LocalizedText, ModelEntry } from '../types.ts';
import { aspectRatio, duration, EXAMPLE_ASSET, prompt, VIDEO_EXAMPLE_PROMPT } from './common-fields.ts';

/** The fields both motion-transfer models share: a photo of the character and a video of the motion. */
const motionFields = () => [
  prompt('video', 2500),
  aspectRatio(['9:16', '16:9', '1:1', '4:3', '3:4']),
  duration({ min: 3, max: 15, step: 1, default: 3 }),
  field.flag('audioEnabled', {
    default: false,
    description: {
      en: 'No new audio is made: true keeps the motion video’s own sound (if it has any), false gives a silent clip.',
      es: 'No se genera audio nuevo: true conserva el sonido propio del vídeo de movimiento (si lo tiene) y false da un clip mudo.',
      ru: 'Новый звук не создаётся: true сохраняет собственный звук видео с движением (если он есть), false даёт беззвучный ролик.',
    },
  }),
  field.media('referencePhoto', 'image', {
    label: SLOT_LABELS.referencePhoto,
    required: true,
    description: {
      en: 'A photo of the character to animate, ideally full body; its face and look are kept.',
      es: 'Una foto del personaje que se anima, mejor de cuerpo entero; se conservan su cara y su aspecto.',
      ru: 'Фото персонажа, которого нужно оживить, лучше в полный рост; лицо и облик сохраняются.',
    },
  }),
  field.media('motionVideo', 'video', {
    label: SLOT_LABELS.motionVideo,
    required: true,
    description: {
      en: 'A video of the motion, dance or gestures to transfer onto the character.',
      es: 'Un vídeo con el movimiento, el baile o los gestos que se trasladan al personaje.',
      ru: 'Видео с движением, танцем или жестами, которые переносятся на персонажа.',
    },
  }),
];

const MOTION_NOTES = [
  'Both slots are required, so every request runs one way: the motion video drives the character of the photo. The mode is reported as video_to_video; the model is listed under image_to_video and video_to_video as the reference lists it.',
  'audioEnabled never makes new audio: it keeps or drops the motion video’s own sound, and does not change the price.',
  'The duration is billed as asked (3 to 15 s); an upstream that follows the motion video’s length instead is expected to be given a motion video of that length.',
];

const singlePriceNote = (tokens: string): LocalizedText => ({
  en: `One price for every request: ${tokens} tokens per second of video.`,
  es: `Un solo precio para cualquier solicitud: ${tokens.replace('.', ',')} tokens por segundo de vídeo.`,
  ru: `Одна цена для любого запроса: ${tokens.replace('.', ',')} токенов за секунду видео.`,
});

const EXAMPLE = {
  prompt: VIDEO_EXAMPLE_PROMPT,
  aspectRatio: '9:16',
  duration: 3,
  audioEnabled: false,
  referencePhoto: EXAMPLE_ASSET,
  motionVideo: EXAMPLE_ASSET,
};

/** Kling 3.0 Motion: recorded motion onto a full-body character, face identity locked. */
export const kling30Motion: ModelEntry = {
  id: 'kling-3.0-motion',
  type: 'video',
  title: 'Kling 3.0 Motion',
  provider: 'Kling',
  description: {
    en: 'Transfers recorded motion, dance or gestures from a sample video onto a full-body character while keeping the face unchanged. For faithful choreography and a consistent look.',
    es: 'Traslada el movimiento, el baile o los gestos de un vídeo de muestra a un personaje de cuerpo entero sin cambiar su cara. Para coreografías fieles y un aspecto coherente.',
    ru: 'Переносит записанные движения, танец или жесты из видеообразца на персонажа в полный рост, не меняя лица. Для точной хореографии и неизменного облика.',
  },
  fields: motionFields(),
  rules: [],
  modes: ['video_to_video'],
  capabilities: ['image_to_video', 'video_to_video'],
  selectMode: () => 'video_to_video',
  pricing: {
    variants: [
      {
        variant: 'standard',
        label: VARIANT_WORDS.standard,
        unit: 'per_second',
        milliTokens: 7000,
        isDefault: true,
      },
    ],
    note: singlePriceNote('7'),
  },
  selectVariant: () => 'standard',
  secondsField: 'duration',
  audio: 'source',
  exampleInput: EXAMPLE,
  notes: MOTION_NOTES,
};

/** Kling 2.6 Motion: simpler motion transfer. */
export const kling26Motion: ModelEntry = {
  id: 'kling-2.6-motion',
  type: 'video',
  title: 'Kling 2.6 Motion',
  provider: 'Kling',
  description: {
    en: 'Motion control for simpler moves: transfers the motion of a reference video onto your character when the precision of 3.0 is not needed.',
    es: 'Control de movimiento para gestos más sencillos: traslada el movimiento de un vídeo de referencia a su personaje cuando no hace falta la precisión de 3.0.',
    ru: 'Управление движением для простых сцен: переносит движение из референсного видео на вашего персонажа, когда точность 3.0 не нужна.',
  },
  fields: motionFields(),
  rules: [],
  modes: ['video_to_video'],
  capabilities: ['image_to_video', 'video_to_video'],
  selectMode: () => 'video_to_video',
  pricing: {
    variants: [
      {
        variant: 'standard',
        label: VARIANT_WORDS.standard,
        unit: 'per_second',
        milliTokens: 8000,
        isDefault: true,
      },
    ],
    note: singlePriceNote('8'),
  },
  selectVariant: () => 'standard',
  secondsField: 'duration',
  audio: 'source',
  exampleInput: EXAMPLE,
  notes: [
    ...MOTION_NOTES,
    'The reference prices it at 8 tokens/s, above Kling 3.0 Motion (7) although it is described as the simpler option; the price is kept as listed.',
  ],
};
