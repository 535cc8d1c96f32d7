import { needs } from '../field-rules.ts';
import { field } from '../fields.ts';
import { joinLabels, sameText, VARIANT_WORDS } from '../labels.ts';
import type { LocalizedText, ModelEntry, Rule, VariantPrice } from '../types.ts';
import {
  aspectRatio,
  audioEnabled,
  duration,
  endImage,
  prompt,
  resolution,
  startImage,
  VIDEO_EXAMPLE_PROMPT,
} from './common-fields.ts';

const rowLabel = (res: string, audio: boolean) =>
  audio ? joinLabels(sameText(res), VARIANT_WORDS.audio) : sameText(res);

/** A per-second row of a Kling table; `audio` rows are labelled `· Audio` as the reference writes them. */
const perSecond = (res: string, label: string, audio: boolean, milliTokens: number): VariantPrice => ({
  variant: `${res}${audio ? '-audio' : ''}`,
  label: rowLabel(label, audio),
  unit: 'per_second',
  milliTokens,
});

/** A flat row the reference lists beside the per-second ones without saying when it applies. */
const listedFlat = (res: string, audio: boolean, milliTokens: number): VariantPrice => ({
  variant: `${res}${audio ? '-audio' : ''}-flat`,
  label: rowLabel(res, audio),
  unit: 'flat',
  milliTokens,
  informational: true,
});

const FLAT_ROWS_NOTE: LocalizedText = {
  en: 'The reference also lists flat rows with the same labels beside the per-second ones, without saying when they apply; they are shown for completeness and never charged here. A request is billed per second of video at the row its fields select.',
  es: 'La referencia también lista filas fijas con las mismas etiquetas junto a las de por segundo, sin decir cuándo se aplican; se muestran para que la tabla esté completa y aquí nunca se cobran. Cada solicitud se cobra por segundo de vídeo según la fila que eligen sus campos.',
  ru: 'В источнике рядом с посекундными строками есть и фиксированные строки с теми же названиями, без объяснения, когда они действуют; они показаны для полноты и здесь не списываются. Запрос оплачивается посекундно по строке, которую выбирают его поля.',
};

/** Kling 3.0: the flagship, up to 15 s and 4K, first and last frames, native audio. */
export const kling30: ModelEntry = {
  id: 'kling-3.0',
  type: 'video',
  title: 'Kling 3.0',
  provider: 'Kling',
  description: {
    en: 'Kling’s flagship: clips up to 15 seconds and up to 4K, characters that stay the same across scenes, direction over several shots and native audio in many languages.',
    es: 'El modelo insignia de Kling: clips de hasta 15 segundos y hasta 4K, personajes que se mantienen iguales entre escenas, dirección de varios planos y audio nativo en muchos idiomas.',
    ru: 'Флагман Kling: ролики до 15 секунд и до 4K, персонажи, которые не меняются от сцены к сцене, режиссура нескольких планов и встроенный звук на многих языках.',
  },
  fields: [
    prompt('video', 2500),
    aspectRatio(['9:16', '16:9', '1:1']),
    resolution(['720p', '1080p', '4k']),
    duration({ min: 3, max: 15, step: 1, default: 3 }),
    audioEnabled(true, {
      en: 'On by default; turn it off for a silent clip, cheaper except at 4K.',
      es: 'Activado por defecto; desactívelo para un clip mudo, más barato salvo en 4K.',
      ru: 'Включён по умолчанию; выключите для беззвучного ролика — он дешевле, кроме 4K.',
    }),
    startImage(),
    endImage(),
  ],
  rules: [needs('endImage', 'startImage')],
  modes: ['text_to_video', 'image_to_video'],
  selectMode: (input) => (input.startImage !== undefined ? 'image_to_video' : 'text_to_video'),
  pricing: {
    variants: [
      perSecond('720p', '720p', false, 3000),
      { ...perSecond('720p', '720p', true, 5500), isDefault: true },
      perSecond('1080p', '1080p', false, 6000),
      perSecond('1080p', '1080p', true, 9000),
      perSecond('4k', '4K', false, 15000),
      perSecond('4k', '4K', true, 15000),
      listedFlat('1080p', false, 6000),
      listedFlat('1080p', true, 8000),
      listedFlat('720p', false, 4000),
      listedFlat('720p', true, 6500),
    ],
    note: FLAT_ROWS_NOTE,
  },
  selectVariant: (input) => `${input.resolution}${input.audioEnabled ? '-audio' : ''}`,
  secondsField: 'duration',
  exampleInput: {
    prompt: VIDEO_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 3,
    audioEnabled: true,
  },
  notes: [
    'The reference lists flat rows (1080p 6, 1080p · Audio 8, 720p 4, 720p · Audio 6.5 tokens) beside the per-second rows without saying what selects them. They are kept in the table as informational and never charged; quotes use the per-second rows.',
    'The reference tags 1080p as the default row although the fields default to 720p with audio; here the default row is the one a request with every default gets (720p · Audio).',
    'The resolution value is lower-case 4k, as in the reference field; the price rows are labelled 4K.',
    'Mode follows the slots: a startImage makes image_to_video; an endImage needs a startImage.',
  ],
};

/** At 720p Kling 2.6 has no audio: audio defaults to off there and an explicit true is refused. */
const noAudioAt720p: Rule = {
  id: 'no-audio-at-720p',
  description: {
    en: 'Audio exists only at 1080p: audioEnabled defaults to true at 1080p and to false at 720p, where true is refused.',
    es: 'El audio solo existe en 1080p: audioEnabled es true por defecto en 1080p y false en 720p, donde true se rechaza.',
    ru: 'Звук есть только в 1080p: audioEnabled по умолчанию true в 1080p и false в 720p, где true отклоняется.',
  },
  apply(input, given) {
    if (input.resolution !== '720p') {
      if (!given.has('audioEnabled')) input.audioEnabled = true;
      return [];
    }
    if (given.has('audioEnabled') && input.audioEnabled === true) {
      return [
        {
          param: 'input.audioEnabled',
          code: 'rule_violation',
          message:
            'audioEnabled must be false at 720p: Kling 2.6 makes audio only at 1080p; choose resolution 1080p or turn audio off',
        },
      ];
    }
    input.audioEnabled = false;
    return [];
  },
  schema: {
    anyOf: [
      { properties: { resolution: { const: '1080p' } }, required: ['resolution'] },
      { properties: { audioEnabled: { const: false } } },
    ],
  },
};

/** Kling 2.6: native audio in one pass for simple clips and talking heads; audio only at 1080p. */
export const kling26: ModelEntry = {
  id: 'kling-2.6',
  type: 'video',
  title: 'Kling 2.6',
  provider: 'Kling',
  description: {
    en: 'Native audio in the same pass as the picture: speech, ambience and on-screen effects without separate dubbing. For budget clips and talking heads that need no multi-scene control.',
    es: 'Audio nativo en la misma pasada que la imagen: voz, ambiente y efectos en pantalla sin doblaje aparte. Para clips económicos y cabezas parlantes que no necesitan control de varias escenas.',
    ru: 'Встроенный звук за один проход вместе с картинкой: речь, атмосфера и эффекты в кадре без отдельного озвучивания. Для недорогих роликов и «говорящих голов», где не нужна многосценность.',
  },
  fields: [
    prompt('video', 2500),
    aspectRatio(['9:16', '16:9', '1:1', '4:3', '3:4']),
    resolution(['720p', '1080p']),
    duration({ min: 5, max: 10, step: 5, default: 5 }),
    field.flag('audioEnabled', {
      description: {
        en: 'Native audio (speech, ambience, effects), made only at 1080p: on by default there; at 720p it is off and true is refused.',
        es: 'Audio nativo (voz, ambiente, efectos), solo en 1080p: allí está activado por defecto; en 720p va desactivado y true se rechaza.',
        ru: 'Встроенный звук (речь, атмосфера, эффекты) только в 1080p: там он включён по умолчанию; в 720p выключен, а true отклоняется.',
      },
    }),
    startImage(),
  ],
  rules: [noAudioAt720p],
  modes: ['text_to_video', 'image_to_video'],
  selectMode: (input) => (input.startImage !== undefined ? 'image_to_video' : 'text_to_video'),
  pricing: {
    variants: [
      { ...perSecond('720p', '720p', false, 3000), isDefault: true },
      perSecond('1080p', '1080p', false, 4000),
      perSecond('1080p', '1080p', true, 8000),
      listedFlat('1080p', false, 4200),
      listedFlat('1080p', true, 8400),
      listedFlat('720p', false, 3000),
    ],
    note: FLAT_ROWS_NOTE,
  },
  selectVariant: (input) => `${input.resolution}${input.audioEnabled ? '-audio' : ''}`,
  secondsField: 'duration',
  exampleInput: {
    prompt: VIDEO_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 5,
    audioEnabled: false,
  },
  notes: [
    'The reference lists no 720p · Audio row and says audio exists only where the price includes it, yet defaults to 720p with audio on. Here audio follows the resolution: on by default at 1080p, off by default at 720p, and an explicit audioEnabled: true at 720p is refused with rule_violation (never silently dropped). So audioEnabled has no fixed default.',
    'For the same reason the documented example asks for 720p with audioEnabled false (the reference example, 720p with audio, has no price).',
    'The reference lists flat rows (1080p 4.2, 1080p · Audio 8.4, 720p 3 tokens) beside the per-second rows without saying what selects them; they are informational and never charged.',
    'The reference tags 1080p as the default row; here the default row is the one a request with every default gets (720p).',
    'Durations are 5 or 10 seconds, written as a range from 5 to 10 in steps of 5.',
  ],
};
