import { type FieldDescription, type Locale, type ModelDescription, modeLabel } from '@reelay/catalog';
import { curlExample } from './curl-example.ts';
import { allowedText, costHeadline, defaultText, priceText, slotNotation } from './format.ts';
import { html, type SafeHtml } from './html.ts';
import { layout, localePath } from './layout.ts';
import { lifecycleNotice } from './lifecycle-notice.ts';
import { say, sayOr } from './messages.ts';
import { playgroundForm } from './playground-form.ts';

function fieldRow(locale: Locale, f: FieldDescription): SafeHtml {
  const name = f.label === f.name ? html`<code>${f.name}</code>` : html`${f.label} <code>${f.name}</code>`;
  return html`<tr>
<th scope="row">${name}${f.required ? html`<span class="req" title="${say(locale, 'requiredLegend')}">*</span>` : ''}</th>
<td data-label="${say(locale, 'fieldType')}"><code>${f.type}</code></td>
<td data-label="${say(locale, 'default')}">${defaultText(locale, f)}</td>
<td data-label="${say(locale, 'allowed')}">${allowedText(locale, f)}</td>
<td data-label="${say(locale, 'description')}">${f.description}</td>
</tr>`;
}

function pricingSection(locale: Locale, d: ModelDescription): SafeHtml {
  const rows = d.pricing.map(
    (p) => html`<tr${p.default ? html` class="is-default"` : ''}>
<th scope="row">${p.label}${p.default ? html` <span class="tag">${say(locale, 'defaultTag')}</span>` : ''}${p.provisional ? html` <span class="tag muted">${say(locale, 'provisionalTag')}</span>` : ''}${p.informational ? html` <span class="tag muted">${say(locale, 'informationalTag')}</span>` : ''}</th>
<td>${priceText(locale, p)}</td>
</tr>`,
  );
  return html`<section aria-labelledby="cost-title">
<h2 id="cost-title">${say(locale, 'cost')}</h2>
<p class="price">${costHeadline(locale, d.pricing)}</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${say(locale, 'variant')}</th><th scope="col">${say(locale, 'price')}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${d.pricingNote ? html`<p class="hint">${d.pricingNote}</p>` : ''}
<p>${d.variantSelection}</p>
</section>`;
}

function capabilitiesSection(locale: Locale, d: ModelDescription): SafeHtml {
  const notes = locale === 'en' && d.notes.length > 0;
  return html`<section aria-labelledby="capabilities-title">
<h2 id="capabilities-title">${say(locale, 'capabilities')}</h2>
<dl class="facts">
<dt>${say(locale, 'modes')}</dt><dd><ul class="chips">${d.capabilities.map((m) => html`<li title="${m}">${modeLabel(m, locale)}</li>`)}</ul></dd>
<dt>${say(locale, 'slots')}</dt><dd>${d.slots.length > 0 ? html`<ul class="chips">${d.slots.map((s) => html`<li><code>${slotNotation(s)}</code></li>`)}</ul>` : say(locale, 'noSlots')}</dd>
</dl>
${d.rules.length > 0 ? html`<h3>${say(locale, 'rules')}</h3><ul>${d.rules.map((r) => html`<li>${r.description}</li>`)}</ul>` : ''}
${notes ? html`<h3>${say(locale, 'notes')}</h3><ul>${d.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ''}
</section>`;
}

/**
 * One model's page: its description and capabilities beside the playground, then the curl example, the fields
 * and the prices.
 */
export function modelPage(locale: Locale, d: ModelDescription, baseUrl: string): string {
  const type = sayOr(locale, `type.${d.type}`, d.type);
  // The description and the playground side by side (one above the other on a narrow screen), the reference below.
  const body = html`<p class="crumbs"><a href="${localePath(locale, '/models')}">${say(locale, 'backToModels')}</a></p>
<h1>${d.title}</h1>
${lifecycleNotice(locale, d.lifecycle)}
<div class="model-top">
<div class="model-about">
<p class="meta">${type} · ${say(locale, 'provider', { name: d.provider })}</p>
<p class="lead">${d.description}</p>
<p class="price headline">${costHeadline(locale, d.pricing)}</p>
${capabilitiesSection(locale, d)}
</div>
${playgroundForm(locale, d)}
</div>
<section aria-labelledby="example-title">
<h2 id="example-title">${say(locale, 'example')}</h2>
<div class="code"><pre id="curl-example" tabindex="0"><code>${curlExample(d, baseUrl)}</code></pre>
<button type="button" data-copy="curl-example" data-copied="${say(locale, 'copied')}">${say(locale, 'copy')}</button></div>
<p class="hint">${say(locale, 'exampleHint')}</p>
</section>
<section aria-labelledby="fields-title">
<h2 id="fields-title">${say(locale, 'inputFields')}</h2>
<p class="hint">${say(locale, 'requiredLegend')}</p>
<div class="table-wrap"><table class="fields">
<thead><tr><th scope="col">${say(locale, 'field')}</th><th scope="col">${say(locale, 'fieldType')}</th><th scope="col">${say(locale, 'default')}</th><th scope="col">${say(locale, 'allowed')}</th><th scope="col">${say(locale, 'description')}</th></tr></thead>
<tbody>${d.fields.map((f) => fieldRow(locale, f))}</tbody>
</table></div>
</section>
${pricingSection(locale, d)}`;
  return layout({
    locale,
    path: `/models/${d.id}`,
    title: say(locale, 'pageTitle', { title: d.title, type: sayOr(locale, `kind.${d.type}`, d.type) }),
    description: d.description,
    section: 'models',
    body,
    scripts: ['model-page.js'],
  });
}
