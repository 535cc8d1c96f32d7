import type { Locale } from '@reelay/catalog';
import { html, jsonScript } from './html.ts';
import { layout } from './layout.ts';
import { type MessageKey, messagesFor, say } from './messages.ts';

const DELIVERY_STATES = ['pending', 'succeeded', 'failed'] as const;

const SCRIPT_MESSAGES: readonly MessageKey[] = [
  'keyMissing',
  'error',
  'never',
  'none',
  'revoked',
  'revoke',
  'confirmRevoke',
  'newKey',
  'copy',
  'copied',
  'manage',
  'manageAccount',
  'noAccounts',
  'toppedUp',
  'noKeys',
  'noCap',
  'notConfigured',
  'waitedSeconds',
  'replay',
  'replayDelivery',
  'replayed',
  'noDeliveries',
  'noAuditEvents',
  'state.pending',
  'state.succeeded',
  'state.failed',
  'tokens.one',
  'tokens.few',
  'tokens.many',
  'tokens.other',
];

/** A table with a caption-less header row and a body the script fills (`data-<name>`). */
const table = (locale: Locale, name: string, columns: readonly (MessageKey | '')[]) =>
  html`<div class="table-wrap"><table class="console-${name}">
<thead><tr>${columns.map((c) => html`<th scope="col">${c ? say(locale, c) : ''}</th>`)}</tr></thead>
<tbody data-${name}></tbody>
</table></div>`;

/**
 * The operator console shell: a sign-in form for the admin key and the sections the page script fills from
 * the admin API (accounts with a top-up and their keys, provider health, the queue, webhook deliveries with
 * replay), and the audit log.
 */
export function consolePage(locale: Locale): string {
  const body = html`<h1>${say(locale, 'consoleTitle')}</h1>
<noscript><p class="notice">${say(locale, 'noScript')}</p></noscript>
<form class="signin" data-signin>
<p>${say(locale, 'consoleSignInHint')}</p>
<label for="admin-key">${say(locale, 'adminKey')}</label>
<input id="admin-key" type="password" autocomplete="off" spellcheck="false" required aria-describedby="admin-key-hint">
<p class="hint" id="admin-key-hint">${say(locale, 'adminKeyHint')}</p>
<div class="row"><input type="checkbox" id="admin-remember"><label for="admin-remember">${say(locale, 'remember')}</label></div>
<button type="submit">${say(locale, 'signIn')}</button>
<p class="form-error" data-signin-error role="alert" hidden></p>
</form>
<div data-signed-in hidden>
<div class="row spread"><p role="status">${say(locale, 'adminSignedIn')}</p>
<div class="row"><button type="button" class="secondary" data-refresh>${say(locale, 'refresh')}</button>
<button type="button" class="secondary" data-signout>${say(locale, 'signOut')}</button></div></div>
<p class="form-error" data-console-error role="alert" hidden></p>

<section aria-labelledby="queue-title">
<h2 id="queue-title">${say(locale, 'queue')}</h2>
<dl class="facts" data-queue>
<dt>${say(locale, 'queued')}</dt><dd data-queue-fact="queued"></dd>
<dt>${say(locale, 'running')}</dt><dd data-queue-fact="running"></dd>
<dt>${say(locale, 'oldestQueued')}</dt><dd data-queue-fact="oldestQueued"></dd>
<dt>${say(locale, 'oldestRunning')}</dt><dd data-queue-fact="oldestRunning"></dd>
<dt>${say(locale, 'dueJobs')}</dt><dd data-queue-fact="dueJobs"></dd>
</dl>
</section>

<section aria-labelledby="accounts-title">
<h2 id="accounts-title">${say(locale, 'accounts')}</h2>
${table(locale, 'accounts', ['name', 'created', 'testBalance', 'liveBalance', ''])}
</section>

<section aria-labelledby="account-actions-title">
<h2 id="account-actions-title">${say(locale, 'accountActions')}</h2>
<div class="filters"><div><label for="console-account">${say(locale, 'account')}</label>
<select id="console-account" data-account-select></select></div></div>
<form class="filters" data-top-up>
<div><label for="top-up-mode">${say(locale, 'environment')}</label>
<select id="top-up-mode" name="mode"><option value="test">test</option><option value="live">live</option></select></div>
<div><label for="top-up-tokens">${say(locale, 'tokensToAdd')}</label>
<input id="top-up-tokens" name="tokens" type="number" min="0.001" step="any" required></div>
<div><label for="top-up-note">${say(locale, 'note')}</label>
<input id="top-up-note" name="note" maxlength="500"></div>
<div><button type="submit">${say(locale, 'topUp')}</button></div>
</form>
<p class="notice" data-top-up-done role="status" hidden></p>
<h3>${say(locale, 'keysOf')}</h3>
${table(locale, 'account-keys', ['name', 'prefix', 'mode', 'lastUsed', ''])}
<form class="filters" data-create-key>
<div><label for="console-key-name">${say(locale, 'keyName')}</label>
<input id="console-key-name" name="name" maxlength="200"></div>
<div><label for="console-key-mode">${say(locale, 'mode')}</label>
<select id="console-key-mode" name="mode"><option value="test">test</option><option value="live">live</option></select></div>
<div><button type="submit">${say(locale, 'createKey')}</button></div>
</form>
<div class="notice" data-new-key role="status" hidden></div>
</section>

<section aria-labelledby="providers-title">
<h2 id="providers-title">${say(locale, 'providers')}</h2>
<p class="hint">${say(locale, 'providersHint')}</p>
${table(locale, 'providers', ['providerName', 'attempts', 'failureRate', 'runTime', 'slotsInUse', 'lastErrors'])}
</section>

<section aria-labelledby="deliveries-title">
<h2 id="deliveries-title">${say(locale, 'deliveries')}</h2>
<form class="filters" data-delivery-filter>
<div><label for="delivery-state">${say(locale, 'status')}</label>
<select id="delivery-state" name="state"><option value="">${say(locale, 'allStates')}</option>${DELIVERY_STATES.map((s) => html`<option value="${s}">${say(locale, `state.${s}`)}</option>`)}</select></div>
</form>
<p class="notice" data-replayed role="status" hidden></p>
${table(locale, 'deliveries', ['created', 'account', 'event', 'status', 'lastResult', ''])}
</section>

<section aria-labelledby="audit-title" data-audit>
<h2 id="audit-title">${say(locale, 'auditLog')}</h2>
<p class="hint">${say(locale, 'auditHint')}</p>
${table(locale, 'audit-entries', ['created', 'actor', 'action', 'account', 'details', 'clientIp'])}
</section>
</div>
<script type="application/json" id="console-config">${jsonScript({ locale, messages: messagesFor(locale, SCRIPT_MESSAGES) })}</script>`;
  return layout({
    locale,
    path: '/console',
    title: say(locale, 'consoleTitle'),
    section: 'console',
    body,
    scripts: ['console.js'],
  });
}
