import type { AssumedPrice } from '../providers/upstream/upstream-model.ts';
import type { PublishedInput } from './published-input.ts';
import type { JsonType, SentEndpoint } from './sent-fields.ts';

/** What kind of difference a finding is. */
export type FindingKind =
  | 'field_removed'
  | 'required_missing'
  | 'enum_changed'
  | 'type_changed'
  | 'price_changed';

/** breaking: a request the mapping builds would now be refused or misread; warning: worth a look; info: news. */
export type Severity = 'breaking' | 'warning' | 'info';

/** One difference between what a mapping sends to an endpoint and what the upstream publishes for it. */
export interface Finding {
  kind: FindingKind;
  severity: Severity;
  model: string;
  upstream: string;
  endpoint: string;
  /** The body field it is about; null for the endpoint's price. */
  field: string | null;
  message: string;
}

/** An upstream's published price of an endpoint. */
export interface PublishedPrice {
  unitPrice: number;
  unit: string;
  currency: string;
}

/** Which route and endpoint the findings are about. */
export interface Where {
  model: string;
  upstream: string;
  endpoint: string;
}

const list = (values: readonly unknown[]) => values.map((v) => JSON.stringify(v)).join(', ');

/** Whether a value of type `sent` is one the schema's `types` take (an integer is a number too). */
const takes = (types: readonly JsonType[], sent: JsonType) =>
  types.includes(sent) || (sent === 'integer' && types.includes('number'));

/**
 * The differences between what a mapping sends to one endpoint (`sent`, found by running it) and the input the
 * upstream publishes for it:
 * - `field_removed` (breaking): a field sent that the schema no longer has;
 * - `required_missing` (breaking): a required field some request to the endpoint leaves out;
 * - `type_changed` (breaking): a field sent as a type the schema no longer takes;
 * - `enum_changed`: a value sent that the schema no longer allows (breaking), a field the schema now limits to
 *   values though the mapping sends the caller's own (warning), or values allowed that the mapping never sends
 *   (info).
 */
export function compareInput(where: Where, sent: SentEndpoint, published: PublishedInput): Finding[] {
  const out: Finding[] = [];
  const add = (kind: FindingKind, severity: Severity, field: string, message: string) =>
    out.push({ kind, severity, ...where, field, message });
  for (const field of sent.fields) {
    const property = published.properties[field.name];
    if (!property) {
      add('field_removed', 'breaking', field.name, `${field.name} is sent but the schema no longer has it.`);
      continue;
    }
    if (property.types && property.types.length > 0) {
      const wrong = field.types.filter((t) => !takes(property.types ?? [], t));
      if (wrong.length > 0) {
        add(
          'type_changed',
          'breaking',
          field.name,
          `${field.name} is sent as ${wrong.join(' and ')}; the schema takes ${property.types.join(' or ')}.`,
        );
        continue;
      }
    }
    if (property.values === null) continue;
    if (field.values === null) {
      if (field.types.every((t) => t === 'array' || t === 'object')) continue;
      add(
        'enum_changed',
        'warning',
        field.name,
        `${field.name} carries the caller's value, but the schema allows only ${list(property.values)}.`,
      );
      continue;
    }
    const allowed = property.values;
    const refused = field.values.filter((v) => !allowed.includes(v));
    if (refused.length > 0) {
      add(
        'enum_changed',
        'breaking',
        field.name,
        `${field.name} is sent as ${list(refused)}, which the schema no longer allows (it allows ${list(allowed)}).`,
      );
    }
    const sentValues = field.values;
    const unused = allowed.filter((v) => v !== null && !sentValues.includes(v));
    if (unused.length > 0) {
      add(
        'enum_changed',
        'info',
        field.name,
        `${field.name} also allows ${list(unused)}, which this mapping never sends.`,
      );
    }
  }
  const sentNames = new Map(sent.fields.map((f) => [f.name, f]));
  for (const name of published.required) {
    const field = sentNames.get(name);
    if (field?.always) continue;
    add(
      'required_missing',
      'breaking',
      name,
      field
        ? `${name} is required, and some requests to this endpoint leave it out.`
        : `${name} is required, and this mapping never sends it.`,
    );
  }
  return out;
}

/** `price_changed` (warning) when the published price of an endpoint is not the one its mapping assumes. */
export function comparePrice(where: Where, assumed: AssumedPrice, published: PublishedPrice): Finding[] {
  const same =
    Math.abs(assumed.unitPrice - published.unitPrice) < 1e-9 &&
    assumed.currency.toUpperCase() === published.currency.toUpperCase();
  if (same) return [];
  return [
    {
      kind: 'price_changed',
      severity: 'warning',
      ...where,
      field: null,
      message:
        `published at ${published.unitPrice} ${published.currency} per ${published.unit}; the mapping assumes ` +
        `${assumed.unitPrice} ${assumed.currency} per ${assumed.unit} (${assumed.source}).`,
    },
  ];
}
