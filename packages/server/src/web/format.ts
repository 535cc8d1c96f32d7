import type { FieldDescription, Locale, PriceDescription, SlotDescription } from '@reelay/catalog';
import { type MessageKey, say, sayOr } from './messages.ts';

/** A number as the locale writes it (`6.4`, `6,4`), without trailing zeros. */
export const formatNumber = (locale: Locale, n: number): string =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 3, useGrouping: true }).format(n);

/** "token" or "tokens" (and the Russian forms) for `n`. */
export function tokensWord(locale: Locale, n: number): string {
  const category = new Intl.PluralRules(locale).select(n);
  return sayOr(locale, `tokens.${category}`, say(locale, 'tokens.other'));
}

/** `6.4 tokens/s` for a per-second price, `2 tokens` for a flat one. */
export function priceText(locale: Locale, p: Pick<PriceDescription, 'tokensPerSecond' | 'tokens'>): string {
  const perSecond = p.tokensPerSecond !== undefined;
  const n = p.tokensPerSecond ?? p.tokens ?? 0;
  const key: MessageKey = perSecond ? 'perSecond' : 'flat';
  return say(locale, key, { n: formatNumber(locale, n), tokens: tokensWord(locale, n) });
}

/**
 * The cost headline: `from X tokens/s` when the per-second variants differ in price, `X tokens/s` when there
 * is one price; the same with flat prices for models priced per item. Rows listed only for reference
 * (`informational`) are never a "from" price.
 */
export function costHeadline(locale: Locale, pricing: readonly PriceDescription[]): string {
  const charged = pricing.filter((p) => !p.informational);
  const perSecond = charged.filter((p) => p.tokensPerSecond !== undefined);
  const rows = perSecond.length > 0 ? perSecond : charged.filter((p) => p.tokens !== undefined);
  const amounts = rows.map((p) => p.tokensPerSecond ?? p.tokens ?? 0);
  if (amounts.length === 0) return say(locale, 'none');
  const lowest = Math.min(...amounts);
  const text = priceText(locale, perSecond.length > 0 ? { tokensPerSecond: lowest } : { tokens: lowest });
  return new Set(amounts).size > 1 ? say(locale, 'from', { price: text }) : text;
}

/** The "Allowed" cell of a field: enum values, a range with its step, a length limit or a media slot. */
export function allowedText(locale: Locale, f: FieldDescription): string {
  if (f.media) {
    const kind = sayOr(locale, `kind.${f.media.kind}`, f.media.kind);
    const count = f.media.maxItems !== undefined ? [say(locale, 'upToItems', { n: f.media.maxItems })] : [];
    return [kind, ...count, f.media.schemes.join(', ')].join(' · ');
  }
  if (f.enum) return f.enum.join(', ');
  if (f.type === 'boolean') return say(locale, 'trueOrFalse');
  if (f.type === 'number') {
    const parts: string[] = [];
    if (f.minimum !== undefined) parts.push(say(locale, 'rangeFrom', { n: formatNumber(locale, f.minimum) }));
    if (f.maximum !== undefined) parts.push(say(locale, 'rangeTo', { n: formatNumber(locale, f.maximum) }));
    if (f.step !== undefined) parts.push(say(locale, 'rangeStep', { n: formatNumber(locale, f.step) }));
    // The unit leads (`seconds: from 3 · up to 15 · step 1`), so no number has to agree with it.
    const unit = f.unit ? `${sayOr(locale, `unit.${f.unit}`, f.unit)}: ` : '';
    return unit + parts.join(' · ');
  }
  return f.maxLength !== undefined ? say(locale, 'upToChars', { n: f.maxLength }) : say(locale, 'anyText');
}

/** A field's default as JSON writes it, or a dash when it has none. */
export const defaultText = (locale: Locale, f: FieldDescription): string =>
  f.default === null
    ? say(locale, 'none')
    : typeof f.default === 'string'
      ? f.default
      : JSON.stringify(f.default);

/** A slot in the catalog's short notation: `referenceVideo:video`, `referenceAssetUris:image[]<=7`, `*` if required. */
export const slotNotation = (s: SlotDescription): string =>
  `${s.name}:${s.kind}${s.array ? '[]' : ''}${s.maxItems !== undefined ? `<=${s.maxItems}` : ''}${s.required ? '*' : ''}`;
