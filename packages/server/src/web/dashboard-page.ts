import type { Locale, ModelSummary } from '@reelay/catalog';
import { html, jsonScript } from './html.ts';
import { layout } from './layout.ts';
import { type MessageKey, messagesFor, say } from './messages.ts';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;

const SCRIPT_MESSAGES: readonly MessageKey[] = [
  'keyMissing',
  'keyInUse',
  'never',
  'revoked',
  'revoke',
  'confirmRevoke',
  'thisKey',
  'newKey',
  'copy',
  'copied',
  'showPreview',
  'thumbnailOf',
  'provenance.signed',
  'provenance.sidecar',
  'provenance.unsigned',
  'provenance.disabled',
  'provenanceHint',
  'noGenerations',
  'noUsage',
  'usageTotal',
  'generationCount.one',
  'generationCount.few',
  'generationCount.many',
  'generationCount.other',
  'loading',
  'error',
  'status.queued',
  'status.running',
  'status.succeeded',
  'status.failed',
  'status.canceled',
  'reconciling',
  'tokens.one',
  'tokens.few',
  'tokens.many',
  'tokens.other',
  'noAlerts',
  'alert.balanceLow',
  'alert.balanceLowDetails',
  'alert.budget.day',
  'alert.budget.month',
  'alert.budgetDetails',
];

/**
 * The dashboard shell: a sign-in form and the sections the page script fills from the API with the key
 * (balance, alerts, generations with filters and paging, a usage chart and the keys).
 */
export function dashboardPage(locale: Locale, models: readonly ModelSummary[]): string {
  const body = html`<h1>${say(locale, 'dashboard')}</h1>
<noscript><p class="notice">${say(locale, 'noScript')}</p></noscript>
<form class="signin" data-signin>
<p>${say(locale, 'signInHint')}</p>
<label for="dash-key">${say(locale, 'apiKey')}</label>
<input id="dash-key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="dash-key-hint">
<p class="hint" id="dash-key-hint">${say(locale, 'keyHint')}</p>
<div class="row"><input type="checkbox" id="dash-remember"><label for="dash-remember">${say(locale, 'remember')}</label></div>
<button type="submit">${say(locale, 'signIn')}</button>
<p class="form-error" data-signin-error role="alert" hidden></p>
</form>
<div data-signed-in hidden>
<div class="row spread"><p data-key-status role="status"></p><button type="button" class="secondary" data-signout>${say(locale, 'signOut')}</button></div>
<section aria-labelledby="account-title">
<h2 id="account-title">${say(locale, 'account')}</h2>
<dl class="facts balance">
<dt>${say(locale, 'account')}</dt><dd data-account-name></dd>
<dt>${say(locale, 'environment')}</dt><dd data-account-env></dd>
<dt>${say(locale, 'balance')}</dt><dd data-balance="balance"></dd>
<dt>${say(locale, 'held')}</dt><dd data-balance="held"></dd>
<dt>${say(locale, 'available')}</dt><dd data-balance="available"></dd>
</dl>
</section>
<section aria-labelledby="alerts-title">
<h2 id="alerts-title">${say(locale, 'alerts')}</h2>
<p class="hint">${say(locale, 'alertsHint')}</p>
<div class="table-wrap"><table class="alerts">
<thead><tr><th scope="col">${say(locale, 'alertTime')}</th><th scope="col">${say(locale, 'alertWhat')}</th><th scope="col">${say(locale, 'alertDetails')}</th></tr></thead>
<tbody data-alerts></tbody>
</table></div>
</section>
<section aria-labelledby="generations-title">
<h2 id="generations-title">${say(locale, 'generations')}</h2>
<form class="filters" data-gen-filter>
<div><label for="gen-status">${say(locale, 'status')}</label>
<select id="gen-status" name="status"><option value="">${say(locale, 'allStatuses')}</option>${STATUSES.map((s) => html`<option value="${s}">${say(locale, `status.${s}`)}</option>`)}</select></div>
<div><label for="gen-model">${say(locale, 'model')}</label>
<select id="gen-model" name="model"><option value="">${say(locale, 'allModels')}</option>${models.map((m) => html`<option value="${m.id}">${m.title}</option>`)}</select></div>
</form>
<div class="table-wrap"><table class="generations">
<thead><tr><th scope="col">${say(locale, 'created')}</th><th scope="col">${say(locale, 'model')}</th><th scope="col">${say(locale, 'status')}</th><th scope="col">${say(locale, 'charged')}</th><th scope="col">${say(locale, 'preview')}</th></tr></thead>
<tbody data-generations></tbody>
</table></div>
<div class="row"><button type="button" class="secondary" data-first-page disabled>${say(locale, 'firstPage')}</button>
<button type="button" class="secondary" data-next-page disabled>${say(locale, 'nextPage')}</button></div>
</section>
<section aria-labelledby="usage-title">
<h2 id="usage-title">${say(locale, 'usage')}</h2>
<figure class="chart"><div data-usage-chart></div><figcaption data-usage-caption>${say(locale, 'usageChart')}</figcaption></figure>
</section>
<section aria-labelledby="keys-title">
<h2 id="keys-title">${say(locale, 'keys')}</h2>
<p class="hint">${say(locale, 'keysHint')}</p>
<p class="form-error" data-keys-error role="alert" hidden></p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${say(locale, 'name')}</th><th scope="col">${say(locale, 'prefix')}</th><th scope="col">${say(locale, 'mode')}</th><th scope="col">${say(locale, 'lastUsed')}</th><th scope="col"><span class="visually-hidden">${say(locale, 'revoke')}</span></th></tr></thead>
<tbody data-keys></tbody>
</table></div>
<form class="row" data-create-key>
<label for="new-key-name">${say(locale, 'keyName')}</label>
<input id="new-key-name" name="name" maxlength="200">
<button type="submit">${say(locale, 'createKey')}</button>
</form>
<div class="notice" data-new-key role="status" hidden></div>
</section>
</div>
<script type="application/json" id="dashboard-config">${jsonScript({ locale, messages: messagesFor(locale, SCRIPT_MESSAGES) })}</script>`;
  return layout({
    locale,
    path: '/dashboard',
    title: say(locale, 'dashboard'),
    section: 'dashboard',
    body,
    scripts: ['dashboard.js'],
  });
}
