import { type Locale, type ModelDescription, modeLabel } from '@reelay/catalog';
import { costHeadline } from './format.ts';
import { html } from './html.ts';
import { layout, localePath } from './layout.ts';
import { lifecycleNotice } from './lifecycle-notice.ts';
import { say, sayOr } from './messages.ts';

/** The catalog's query: free text, a model type and a capability; empty strings match everything. */
export interface CatalogFilter {
  q: string;
  type: string;
  capability: string;
}

/** The text a search matches against: id, title, provider and description. */
const searchText = (m: ModelDescription) => `${m.id} ${m.title} ${m.provider} ${m.description}`.toLowerCase();

/** Whether a model passes the catalog filters (the page script applies the same test as the user types). */
export function matchesFilter(m: ModelDescription, f: CatalogFilter): boolean {
  const words = f.q.toLowerCase().split(/\s+/).filter(Boolean);
  const text = searchText(m);
  return (
    (f.type === '' || m.type === f.type) &&
    (f.capability === '' || m.capabilities.includes(f.capability)) &&
    words.every((w) => text.includes(w))
  );
}

/** The catalog page: a filter form and one card per model, those not matching the filter hidden. */
export function catalogPage(locale: Locale, all: readonly ModelDescription[], filter: CatalogFilter): string {
  const types = [...new Set(all.map((m) => m.type))];
  const capabilities = [...new Set(all.flatMap((m) => m.capabilities))];
  const shown = all.filter((m) => matchesFilter(m, filter));
  const option = (value: string, label: string, selected: string) =>
    html`<option value="${value}"${value === selected ? html` selected` : ''}>${label}</option>`;
  const cards = all.map(
    (
      m,
    ) => html`<li class="card" data-type="${m.type}" data-capabilities="${m.capabilities.join(' ')}" data-search="${searchText(m)}"${matchesFilter(m, filter) ? '' : html` hidden`}>
<h2><a href="${localePath(locale, `/models/${m.id}`)}">${m.title}</a></h2>
<p class="meta">${sayOr(locale, `type.${m.type}`, m.type)} · ${say(locale, 'provider', { name: m.provider })}</p>
${lifecycleNotice(locale, m.lifecycle)}
<p>${m.description}</p>
<p class="price">${costHeadline(locale, m.pricing)}</p>
<ul class="chips" aria-label="${say(locale, 'capabilities')}">${m.capabilities.map((c) => html`<li>${modeLabel(c, locale)}</li>`)}</ul>
</li>`,
  );
  const body = html`<h1>${say(locale, 'catalogTitle')}</h1>
<p>${say(locale, 'catalogIntro')}</p>
<form class="filters" method="get" action="${localePath(locale, '/models')}" role="search" data-catalog-filter>
<div><label for="q">${say(locale, 'search')}</label>
<input id="q" name="q" type="search" value="${filter.q}" placeholder="${say(locale, 'searchHint')}" autocomplete="off"></div>
<div><label for="type">${say(locale, 'type')}</label>
<select id="type" name="type">${option('', say(locale, 'anyType'), filter.type)}${types.map((t) => option(t, sayOr(locale, `type.${t}`, t), filter.type))}</select></div>
<div><label for="capability">${say(locale, 'capability')}</label>
<select id="capability" name="capability">${option('', say(locale, 'anyCapability'), filter.capability)}${capabilities.map((c) => option(c, modeLabel(c, locale), filter.capability))}</select></div>
<button type="submit">${say(locale, 'applyFilters')}</button>
</form>
<p class="count" role="status" data-count-template="${say(locale, 'shown')}">${say(locale, 'shown', { n: shown.length, total: all.length })}</p>
<p class="empty" data-empty${shown.length > 0 ? html` hidden` : ''}>${say(locale, 'noMatch')}</p>
<ul class="cards">${cards}</ul>`;
  return layout({
    locale,
    path: '/models',
    title: say(locale, 'catalogTitle'),
    description: say(locale, 'catalogIntro'),
    section: 'models',
    body,
    scripts: ['catalog.js'],
  });
}
