import type { Locale, ModelLifecycle } from '@reelay/catalog';
import { html, type SafeHtml } from './html.ts';
import { localePath } from './layout.ts';
import { say } from './messages.ts';

/** The notice a deprecated or retired model's card and page show: since when, until when, what to use instead. */
export function lifecycleNotice(locale: Locale, lifecycle: ModelLifecycle): SafeHtml | '' {
  if (lifecycle.status === 'active') return '';
  const retired = lifecycle.status === 'retired';
  const until =
    !retired && lifecycle.shutdownAt
      ? ` ${say(locale, 'lifecycleShutdown', { date: lifecycle.shutdownAt })}`
      : '';
  const instead = lifecycle.replacement
    ? html` ${say(locale, 'lifecycleReplacement')} <a href="${localePath(locale, `/models/${lifecycle.replacement}`)}">${lifecycle.replacement}</a>.`
    : '';
  return html`<p class="notice lifecycle-notice" role="note" data-lifecycle="${lifecycle.status}"><strong>${say(locale, retired ? 'lifecycleRetired' : 'lifecycleDeprecated')}</strong>${until}${instead}</p>`;
}
