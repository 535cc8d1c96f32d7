import type { FieldError, Json } from '@reelay/catalog';

/**
 * Replicate's names of the catalog models Replicate hosts, taking Replicate's input fields for them. Each alias is
 * the reverse of the provider's mapping of its model (Reelay → Replicate, `providers/replicate/models/<model>.ts`,
 * whose `endpoint` is the alias's name), kept here so both directions can be read side by side until it moves beside
 * that mapping; `replicate-aliases.test.ts` sends every alias's fields through the mapping and back.
 */

/** How one Replicate input field reaches the Reelay input. */
export interface AliasField {
  /** The Reelay field it fills, or null: it fills none, and only the `only` values (what Reelay does anyway) pass. */
  fills: string | null;
  /** Its JSON type as Replicate declares it (`uri`: a URL string; `uri[]`: a list of them). */
  type: 'string' | 'integer' | 'boolean' | 'uri' | 'uri[]';
  /** Replicate's values and the Reelay value each one becomes; absent: the value passes as it is. */
  values?: Readonly<Record<string, Json>>;
  /** The only values accepted, when Reelay cannot honour the others (a field that fills nothing, or a narrower choice). */
  only?: readonly Json[];
  /** `fills` takes a list and this field gives one item (a single image where Reelay has a list slot). */
  asList?: boolean;
  /** Replicate's default, applied when the field is left out, so the same request makes the same thing. */
  default?: Json;
  description: string;
}

export interface ReplicateAlias {
  /** Replicate's `owner/name`. */
  name: string;
  /** The Reelay model id it runs. */
  model: string;
  /** The provider mapping (Reelay → Replicate) it is the reverse of. */
  mirrors: string;
  /** Replicate's model answers a list of URLs (else one URL). */
  outputList?: boolean;
  fields: Readonly<Record<string, AliasField>>;
}

const mirrors = (model: string) => `providers/replicate/models/${model}.ts`;
const PNG_ONLY = 'Reelay delivers PNG: only "png" is accepted.';

const prompt: AliasField = { fills: 'prompt', type: 'string', description: 'Text prompt.' };
const imageInput = (max: number): AliasField => ({
  fills: 'referenceAssetUris',
  type: 'uri[]',
  description: `Input images (up to ${max}); Reelay's referenceAssetUris.`,
});
const aspectRatio: AliasField = {
  fills: 'aspectRatio',
  type: 'string',
  description: "Aspect ratio of the output; Reelay's aspectRatio.",
};
const outputFormat: AliasField = { fills: null, type: 'string', only: ['png'], description: PNG_ONLY };

/** Every alias, by Replicate name. */
export const REPLICATE_ALIASES: readonly ReplicateAlias[] = [
  {
    name: 'kwaivgi/kling-v3-omni-video',
    model: 'kling-3.0-omni',
    mirrors: mirrors('kling-3.0-omni'),
    fields: {
      prompt,
      start_image: {
        fills: 'referenceAssetUris',
        type: 'uri',
        asList: true,
        description:
          'First frame: Reelay takes a single reference image as the first frame (image_to_video).',
      },
      reference_images: {
        fills: 'referenceAssetUris',
        type: 'uri[]',
        description: "Reference images; Reelay's referenceAssetUris.",
      },
      reference_video: {
        fills: 'referenceVideo',
        type: 'uri',
        description: "Reference video; Reelay's referenceVideo.",
      },
      video_reference_type: {
        fills: null,
        type: 'string',
        only: ['feature'],
        description: 'Reelay always uses the video as a feature reference: only "feature" is accepted.',
      },
      keep_original_sound: {
        fills: null,
        type: 'boolean',
        only: [false],
        description: "Reelay does not keep the reference video's sound: only false is accepted.",
      },
      generate_audio: {
        fills: 'audioEnabled',
        type: 'boolean',
        default: false,
        description: "Make sound; Reelay's audioEnabled.",
      },
      mode: {
        fills: 'resolution',
        type: 'string',
        values: { standard: '720p', pro: '1080p' },
        default: 'pro',
        description: "standard (720p) or pro (1080p); Reelay's resolution.",
      },
      aspect_ratio: { ...aspectRatio, default: '16:9' },
      duration: {
        fills: 'duration',
        type: 'integer',
        default: 5,
        description: "Length in seconds; Reelay's duration.",
      },
    },
  },
  {
    name: 'google/nano-banana',
    model: 'nano-banana',
    mirrors: mirrors('nano-banana'),
    fields: { prompt, image_input: imageInput(10), aspect_ratio: aspectRatio, output_format: outputFormat },
  },
  {
    name: 'google/nano-banana-2',
    model: 'nano-banana-2',
    mirrors: mirrors('nano-banana-2'),
    fields: {
      prompt,
      image_input: imageInput(14),
      aspect_ratio: aspectRatio,
      resolution: { fills: 'imageSize', type: 'string', description: "1K, 2K or 4K; Reelay's imageSize." },
      output_format: outputFormat,
    },
  },
  {
    name: 'bytedance/seedream-4.5',
    outputList: true,
    model: 'seedream-4.5',
    mirrors: mirrors('seedream-4.5'),
    fields: {
      prompt,
      image_input: imageInput(14),
      size: { fills: 'imageSize', type: 'string', description: "2K or 4K; Reelay's imageSize." },
      aspect_ratio: aspectRatio,
      sequential_image_generation: {
        fills: null,
        type: 'string',
        only: ['disabled'],
        description: 'Reelay makes one image per request: only "disabled" is accepted.',
      },
      max_images: {
        fills: null,
        type: 'integer',
        only: [1],
        description: 'Reelay makes one image per request: only 1 is accepted.',
      },
    },
  },
  {
    name: 'bytedance/seedream-5-lite',
    outputList: true,
    model: 'seedream-5',
    mirrors: mirrors('seedream-5'),
    fields: {
      prompt,
      image_input: imageInput(14),
      size: { fills: 'imageSize', type: 'string', description: "2K or 3K; Reelay's imageSize." },
      aspect_ratio: aspectRatio,
      sequential_image_generation: {
        fills: null,
        type: 'string',
        only: ['disabled'],
        description: 'Reelay makes one image per request: only "disabled" is accepted.',
      },
      output_format: outputFormat,
    },
  },
  {
    name: 'xai/grok-imagine-image',
    outputList: true,
    model: 'grok-imagine',
    mirrors: mirrors('grok-imagine'),
    fields: {
      prompt,
      image: { fills: 'sourceImage', type: 'uri', description: "The image to edit; Reelay's sourceImage." },
      n: {
        fills: null,
        type: 'integer',
        only: [1],
        description: 'Reelay makes one image per request: only 1.',
      },
      aspect_ratio: aspectRatio,
    },
  },
  {
    name: 'openai/gpt-image-2',
    outputList: true,
    model: 'gpt-image-2',
    mirrors: mirrors('gpt-image-2'),
    fields: {
      prompt,
      input_images: imageInput(16),
      aspect_ratio: aspectRatio,
      quality: { fills: 'quality', type: 'string', description: "low, medium or high; Reelay's quality." },
      number_of_images: {
        fills: null,
        type: 'integer',
        only: [1],
        description: 'Reelay makes one image per request: only 1 is accepted.',
      },
      output_format: outputFormat,
    },
  },
];

const BY_NAME = new Map(REPLICATE_ALIASES.map((a) => [a.name, a]));

/** The alias of a Replicate model name, if it is one. */
export const aliasNamed = (name: string): ReplicateAlias | undefined => BY_NAME.get(name);

/** The Replicate name of a Reelay model: its alias, or `reelay/<id>`. */
export function replicateNameOf(model: string): string {
  return REPLICATE_ALIASES.find((a) => a.model === model)?.name ?? `reelay/${model}`;
}

const sameJson = (a: Json, b: Json) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Replicate's input for an alias turned into the model's Reelay input, field by field, with Replicate's defaults
 * for the fields left out. Every field that is unknown or cannot be honoured is an error naming it (`input.<field>`);
 * a value the catalog then refuses is reported under the Replicate field that gave it ({@link aliasFieldOf}).
 */
export function reelayInputOf(
  alias: ReplicateAlias,
  input: Record<string, unknown>,
): { input: Record<string, unknown>; errors: FieldError[] } {
  const out: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const name of Object.keys(input)) {
    if (!(name in alias.fields)) {
      errors.push({
        param: `input.${name}`,
        code: 'unknown_field',
        message: `${name} is not an input of ${alias.name} on this gateway (it takes ${Object.keys(alias.fields).join(', ')}).`,
      });
    }
  }
  for (const [name, field] of Object.entries(alias.fields)) {
    const given = input[name];
    const value = given === undefined || given === null ? field.default : (given as Json);
    if (value === undefined) continue;
    if (field.only && !field.only.some((v) => sameJson(v, value))) {
      errors.push({
        param: `input.${name}`,
        code: 'not_allowed',
        message: `${name} ${JSON.stringify(value)} cannot be honoured here. ${field.description}`,
      });
      continue;
    }
    if (field.fills === null) continue;
    if (field.asList && input.reference_images !== undefined) {
      errors.push({
        param: `input.${name}`,
        code: 'not_allowed',
        message: `${name} cannot be combined with reference_images here: Reelay takes a single reference image as the first frame.`,
      });
      continue;
    }
    let mapped: unknown = value;
    if (field.values) {
      if (typeof value !== 'string' || !(value in field.values)) {
        errors.push({
          param: `input.${name}`,
          code: 'not_allowed',
          message: `${name} must be one of ${Object.keys(field.values).join(', ')}.`,
        });
        continue;
      }
      mapped = field.values[value];
    }
    if (field.asList) {
      const existing = out[field.fills];
      mapped = Array.isArray(existing) ? [mapped, ...existing] : [mapped];
    } else if (Array.isArray(out[field.fills]) && Array.isArray(mapped)) {
      mapped = [...(out[field.fills] as unknown[]), ...mapped];
    }
    out[field.fills] = mapped;
  }
  return { input: out, errors };
}

/** The Replicate field of an alias that fills a Reelay field: of several, the one that was `given`, else the first. */
export function aliasFieldOf(
  alias: ReplicateAlias,
  reelayField: string,
  given: readonly string[] = [],
): string | undefined {
  const names = Object.entries(alias.fields)
    .filter(([, f]) => f.fills === reelayField)
    .map(([name]) => name);
  return names.find((name) => given.includes(name)) ?? names[0];
}

/** An alias's input as a JSON Schema object (for the model's OpenAPI schema). */
export function aliasInputSchema(alias: ReplicateAlias): Record<string, Json> {
  const properties: Record<string, Json> = {};
  for (const [name, field] of Object.entries(alias.fields)) {
    const base: Record<string, Json> =
      field.type === 'uri'
        ? { type: 'string', format: 'uri' }
        : field.type === 'uri[]'
          ? { type: 'array', items: { type: 'string', format: 'uri' } }
          : { type: field.type };
    if (field.values) base.enum = Object.keys(field.values);
    if (field.only) base.enum = [...field.only];
    if (field.default !== undefined) base.default = field.default;
    properties[name] = { ...base, description: field.description };
  }
  return { type: 'object', title: 'Input', required: ['prompt'], properties };
}
