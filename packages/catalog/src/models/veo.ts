import { excludes, needs } from '../field-rules.ts';
import { joinLabels, sameText, VARIANT_WORDS } from '../labels.ts';
import type { ModelEntry } from '../types.ts';
import {
  aspectRatio,
  audioEnabled,
  duration,
  EXAMPLE_ASSET,
  endImage,
  prompt,
  referenceImages,
  resolution,
  startImage,
  VIDEO_EXAMPLE_PROMPT,
} from './common-fields.ts';

/** Veo 3.1 Lite: Google's cheapest Veo tier, 8-second clips up to 1080p with switchable native sound. */
export const veo31Lite: ModelEntry = {
  id: 'veo-3.1-lite',
  type: 'video',
  title: 'Veo 3.1 Lite',
  provider: 'Google',
  description: {
    en: 'The most affordable Veo tier: 8-second clips up to 1080p (no 4K) with native sound you can switch on or off. For social content in bulk where 4K is not needed.',
    es: 'El nivel más económico de Veo: clips de 8 segundos hasta 1080p (sin 4K) con sonido nativo que se puede activar o desactivar. Para contenido social en volumen cuando no hace falta 4K.',
    ru: 'Самый доступный уровень Veo: ролики по 8 секунд до 1080p (без 4K) со встроенным звуком, который можно включить или выключить. Для массового контента в соцсетях, где 4K не нужен.',
  },
  fields: [
    prompt('video'),
    aspectRatio(['9:16', '16:9']),
    resolution(['720p', '1080p']),
    duration({ min: 8, max: 8, step: 1, default: 8 }),
    audioEnabled(true, {
      en: 'On by default; off gives a silent, cheaper clip.',
      es: 'Activado por defecto; desactivado da un clip mudo y más barato.',
      ru: 'Включён по умолчанию; без звука ролик дешевле.',
    }),
    startImage(),
    endImage(),
    referenceImages(3, {
      en: 'Not together with startImage.',
      es: 'No junto con startImage.',
      ru: 'Не вместе со startImage.',
    }),
  ],
  rules: [needs('endImage', 'startImage'), excludes('referenceAssetUris', 'startImage')],
  modes: ['text_to_video', 'image_to_video', 'reference_to_video'],
  selectMode(input) {
    const images = Array.isArray(input.referenceAssetUris) ? input.referenceAssetUris.length : 0;
    if (input.startImage !== undefined) return 'image_to_video';
    if (images > 0) return 'reference_to_video';
    return 'text_to_video';
  },
  pricing: {
    variants: [
      { variant: '720p', label: sameText('720p'), unit: 'per_second', milliTokens: 3000, provisional: true },
      {
        variant: '720p-audio',
        label: joinLabels(sameText('720p'), VARIANT_WORDS.audio),
        unit: 'per_second',
        milliTokens: 4000,
        isDefault: true,
        provisional: true,
      },
      {
        variant: '1080p',
        label: sameText('1080p'),
        unit: 'per_second',
        milliTokens: 4000,
        provisional: true,
      },
      {
        variant: '1080p-audio',
        label: joinLabels(sameText('1080p'), VARIANT_WORDS.audio),
        unit: 'per_second',
        milliTokens: 5300,
        provisional: true,
      },
    ],
    note: {
      en: 'Provisional prices: the reference shows only "from 3 tokens/s". 720p without audio is 3 tokens/s; audio and 1080p each add about a third (4, 4 and 5.3), the same steps as Kling 3.0 Omni. The operator may set other prices.',
      es: 'Precios provisionales: la referencia solo muestra «desde 3 tokens/s». 720p sin audio cuesta 3 tokens/s; el audio y 1080p añaden cada uno alrededor de un tercio (4, 4 y 5,3), los mismos saltos que Kling 3.0 Omni. El operador puede fijar otros precios.',
      ru: 'Предварительные цены: в источнике указано лишь «от 3 токенов/с». 720p без звука — 3 токена/с; звук и 1080p добавляют примерно по трети (4, 4 и 5,3), как у Kling 3.0 Omni. Оператор может установить другие цены.',
    },
  },
  selectVariant: (input) => `${input.resolution}${input.audioEnabled ? '-audio' : ''}`,
  secondsField: 'duration',
  exampleInput: {
    prompt: VIDEO_EXAMPLE_PROMPT,
    aspectRatio: '9:16',
    resolution: '720p',
    duration: 8,
    audioEnabled: true,
    referenceAssetUris: [EXAMPLE_ASSET],
  },
  notes: [
    'Only the Spanish page is stored (its example prompt is Spanish and its description Russian); the texts here are written for every language.',
    'The reference shows neither a price table nor modes. Prices are provisional (720p 3, 720p · Audio 4, 1080p 4, 1080p · Audio 5.3 tokens/s); modes follow the slots.',
    'Reference images cannot be combined with a start frame (the upstream runs them as different modes); mixing them is refused with rule_violation. An endImage needs a startImage.',
    'The only duration is 8 seconds, written as a range from 8 to 8.',
  ],
};
