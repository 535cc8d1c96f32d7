import { holds, whenGiven } from './rule-schema.ts';
import type { Rule } from './types.ts';

/**
 * Ready-made cross-field rules, for model files. A rule that is one model's own (such as audio being off with a
 * reference video) is written in that model's file instead.
 */

/** `field` may only be given together with `needed` (a mask needs its source image, an end frame its start). */
export function needs(field: string, needed: string): Rule {
  return {
    id: `${field}-needs-${needed}`,
    description: {
      en: `${field} can only be given together with ${needed}.`,
      es: `${field} solo puede indicarse junto con ${needed}.`,
      ru: `${field} можно указать только вместе с ${needed}.`,
    },
    // `given`, not `input`: a needed field that was sent but is invalid has its own error already.
    apply: (input, given) =>
      input[field] !== undefined && !given.has(needed)
        ? [
            {
              param: `input.${field}`,
              code: 'rule_violation',
              message: `${field} needs ${needed}: give ${needed} too, or leave ${field} out`,
            },
          ]
        : [],
    schema: whenGiven(field, holds(needed)),
  };
}

/**
 * `field` cannot be given together with any of `others`: they select different ways of running the model
 * (a first frame versus a video to edit), and the model takes one per request.
 */
export function excludes(field: string, ...others: string[]): Rule {
  const list = others.join(', ');
  return {
    id: `${field}-excludes-${others.join('-')}`,
    description: {
      en: `${field} cannot be combined with ${list}.`,
      es: `${field} no puede combinarse con ${list}.`,
      ru: `${field} нельзя сочетать с ${list}.`,
    },
    apply(input, given) {
      if (input[field] === undefined) return [];
      const clashing = others.filter((o) => given.has(o));
      return clashing.length === 0
        ? []
        : [
            {
              param: `input.${field}`,
              code: 'rule_violation',
              message: `${field} cannot be combined with ${clashing.join(', ')} on this model: send one of them`,
            },
          ];
    },
    schema: whenGiven(field, { not: { anyOf: others.map((o) => holds(o)) } }),
  };
}

/** When `field` is given, at least one of `anyOf` must be given too (speech audio needs a visual reference). */
export function needsOneOf(field: string, ...anyOf: string[]): Rule {
  const list = anyOf.join(' or ');
  return {
    id: `${field}-needs-${anyOf.join('-or-')}`,
    description: {
      en: `${field} can only be given together with ${list}.`,
      es: `${field} solo puede indicarse junto con ${list}.`,
      ru: `${field} можно указать только вместе с ${list}.`,
    },
    apply: (input, given) =>
      input[field] !== undefined && !anyOf.some((o) => given.has(o))
        ? [
            {
              param: `input.${field}`,
              code: 'rule_violation',
              message: `${field} needs ${list}: give one of them too, or leave ${field} out`,
            },
          ]
        : [],
    schema: whenGiven(field, { anyOf: anyOf.map((o) => holds(o)) }),
  };
}
