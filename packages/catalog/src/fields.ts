import { FIELD_LABELS, sameText } from './labels.ts';
import type {
  BooleanField,
  EnumField,
  LocalizedText,
  MediaAccepts,
  MediaField,
  MediaKind,
  NumberField,
  StringField,
  UriScheme,
} from './types.ts';

const ALL_SCHEMES: readonly UriScheme[] = ['asset', 'https', 'data'];

interface Common {
  description: LocalizedText;
  /** When unset: the shared name of a field so called (`FIELD_LABELS`), else the field's name in every language. */
  label?: LocalizedText;
  required?: boolean;
}

const base = (name: string, o: Common) => ({
  name,
  label: o.label ?? FIELD_LABELS[name] ?? sameText(name),
  description: o.description,
  required: o.required ?? false,
});

/** Field builders: a model file declares its inputs with these. */
export const field = {
  text(name: string, o: Common & { maxLength?: number }): StringField {
    return {
      kind: 'string',
      ...base(name, o),
      ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
    };
  },
  choice(name: string, o: Common & { values: readonly string[]; default?: string }): EnumField {
    return {
      kind: 'enum',
      ...base(name, o),
      values: o.values,
      ...(o.default !== undefined ? { default: o.default } : {}),
    };
  },
  range(
    name: string,
    o: Common & { min: number; max: number; step: number; unit?: string; default?: number },
  ): NumberField {
    const { min, max, step } = o;
    return {
      kind: 'number',
      ...base(name, o),
      min,
      max,
      step,
      ...(o.unit !== undefined ? { unit: o.unit } : {}),
      ...(o.default !== undefined ? { default: o.default } : {}),
    };
  },
  flag(name: string, o: Common & { default?: boolean }): BooleanField {
    return { kind: 'boolean', ...base(name, o), ...(o.default !== undefined ? { default: o.default } : {}) };
  },
  /** One media file in a slot. */
  media(
    name: string,
    media: MediaKind,
    o: Common & { schemes?: readonly UriScheme[]; accepts?: MediaAccepts },
  ): MediaField {
    return {
      kind: 'media',
      ...base(name, o),
      media,
      schemes: o.schemes ?? ALL_SCHEMES,
      ...(o.accepts !== undefined ? { accepts: o.accepts } : {}),
    };
  },
  /** Up to `maxItems` media files in a slot. */
  mediaList(
    name: string,
    media: MediaKind,
    o: Common & { maxItems: number; schemes?: readonly UriScheme[]; accepts?: MediaAccepts },
  ): MediaField {
    return { ...field.media(name, media, o), maxItems: o.maxItems };
  },
};
