// The operator console: sign in with the admin key, then every account with its balances (top up, keys),
// provider health, the queue, webhook deliveries (replay) and the audit log, all from the admin API. The answers are typed
// with the wire contract's types.
import type {
  AdminAccount,
  AdminAccountPage,
  AdminWebhookDeliveryPage,
  ApiKey,
  AuditPage,
  NewApiKey,
  ProviderHealthReport,
  QueueStatus,
} from '@reelay/contract';
import { ApiFailure, api, code, fill, formatNumber, showNewKey, tokensWord } from './api.js';
import { ADMIN_KEY, clearKey, getKey, setKey } from './key-store.js';

/** What the page's JSON configuration holds: its language and its words. */
interface ConsoleConfig {
  locale: string;
  messages: Record<string, string>;
}

const config = JSON.parse(document.getElementById('console-config')?.textContent ?? '{}') as ConsoleConfig;
const m = config.messages;
/** The page's element for `selector`; the page is rendered with every one of them. */
const $ = <E extends Element = HTMLElement>(selector: string): E => {
  const el = document.querySelector<E>(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el;
};
const tokens = (n: number) => `${formatNumber(config.locale, n)} ${tokensWord(m, config.locale, n)}`;
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(config.locale) : (m.never ?? ''));
const adminKey = () => getKey(ADMIN_KEY) ?? '';
/** Calls the admin API with the stored admin key. */
const admin = <T>(method: string, path: string, body?: unknown) => api<T>(adminKey(), method, path, body);
/** The value of a named control of a form. */
const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
let accounts: AdminAccount[] = [];

function cell(...children: (Node | string)[]) {
  const td = document.createElement('td');
  td.append(...children);
  return td;
}

function button(text: string, label: string, onClick: () => void) {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary small';
  b.textContent = text;
  b.setAttribute('aria-label', label);
  b.addEventListener('click', onClick);
  return b;
}

/** A body row of one cell across the table, saying it is empty. */
function emptyRow(text: string, columns: number) {
  const tr = document.createElement('tr');
  const td = cell(text);
  td.colSpan = columns;
  tr.append(td);
  return tr;
}

function showError(where: string, error: unknown) {
  const p = $(where);
  p.textContent = fill(m.error, { message: error instanceof Error ? error.message : String(error) });
  p.hidden = false;
}

async function loadQueue() {
  const q = await admin<QueueStatus>('GET', '/api/v1/admin/queue');
  const facts: Record<string, string> = {
    queued: formatNumber(config.locale, q.queued),
    running: formatNumber(config.locale, q.running),
    oldestQueued:
      q.oldestQueuedAt === null
        ? (m.none ?? '')
        : `${when(q.oldestQueuedAt)} (${fill(m.waitedSeconds, { n: formatNumber(config.locale, Math.round(q.oldestQueuedSeconds ?? 0)) })})`,
    oldestRunning: q.oldestRunningAt === null ? (m.none ?? '') : when(q.oldestRunningAt),
    dueJobs: formatNumber(config.locale, q.dueJobs),
  };
  for (const dd of document.querySelectorAll<HTMLElement>('[data-queue-fact]')) {
    dd.textContent = facts[dd.dataset.queueFact ?? ''] ?? '';
  }
}

/** The chosen account of the top-up and keys section (an id), kept across reloads of the list. */
const chosen = () => $<HTMLSelectElement>('[data-account-select]').value;

async function loadAccounts() {
  const page = await admin<AdminAccountPage>('GET', '/api/v1/admin/accounts?limit=200');
  accounts = page.data;
  const rows = accounts.map((a) => {
    const tr = document.createElement('tr');
    tr.dataset.account = a.id;
    const balance = (b: AdminAccount['tokens']['test']) =>
      b.held > 0 ? `${tokens(b.balance)} (${formatNumber(config.locale, b.held)} ↧)` : tokens(b.balance);
    const test = cell(balance(a.tokens.test));
    test.dataset.balance = 'test';
    const live = cell(balance(a.tokens.live));
    live.dataset.balance = 'live';
    tr.append(
      cell(a.name, document.createElement('br'), code(a.id)),
      cell(when(a.createdAt)),
      test,
      live,
      cell(
        button(m.manage ?? '', fill(m.manageAccount, { name: a.name }), () => {
          $<HTMLSelectElement>('[data-account-select]').value = a.id;
          loadKeys().catch((e) => showError('[data-console-error]', e));
          $('#top-up-tokens').focus();
        }),
      ),
    );
    return tr;
  });
  $('[data-accounts]').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(m.noAccounts ?? '', 5)]));
  const select = $<HTMLSelectElement>('[data-account-select]');
  const keep = select.value;
  select.replaceChildren(
    ...accounts.map((a) => {
      const option = document.createElement('option');
      option.value = a.id;
      option.textContent = `${a.name} (${a.id})`;
      return option;
    }),
  );
  if (accounts.some((a) => a.id === keep)) select.value = keep;
}

async function loadKeys() {
  const id = chosen();
  if (!id) {
    $('[data-account-keys]').replaceChildren(emptyRow(m.noKeys ?? '', 5));
    return;
  }
  const { data } = await admin<{ data: ApiKey[] }>(
    'GET',
    `/api/v1/admin/accounts/${encodeURIComponent(id)}/keys`,
  );
  const rows = data.map((k) => {
    const tr = document.createElement('tr');
    tr.dataset.key = k.id;
    const action: Node | string = k.revokedAt
      ? (m.revoked ?? '')
      : button(m.revoke ?? '', `${m.revoke} ${k.prefix}…`, async () => {
          if (!window.confirm(fill(m.confirmRevoke, { prefix: k.prefix }))) return;
          try {
            await admin('POST', `/api/v1/admin/keys/${encodeURIComponent(k.id)}/revoke`);
            await Promise.all([loadKeys(), loadAudit()]);
          } catch (error) {
            showError('[data-console-error]', error);
          }
        });
    tr.append(
      cell(k.name || '—'),
      cell(code(`${k.prefix}…`)),
      cell(k.mode),
      cell(when(k.lastUsedAt)),
      cell(action),
    );
    return tr;
  });
  $('[data-account-keys]').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(m.noKeys ?? '', 5)]));
}

const percent = (rate: number) =>
  new Intl.NumberFormat(config.locale, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
const seconds = (s: number) => `${formatNumber(config.locale, Math.round(s * 10) / 10)} s`;

async function loadProviders() {
  const report = await admin<ProviderHealthReport>('GET', '/api/v1/admin/providers');
  $('[data-providers]').replaceChildren(
    ...report.data.map((p) => {
      const tr = document.createElement('tr');
      tr.dataset.provider = p.provider;
      const name = cell(code(p.provider));
      if (!p.configured) name.append(` (${m.notConfigured})`);
      const attempts = cell(formatNumber(config.locale, p.attempts));
      // Every outcome and its count, as the API names them.
      attempts.title = Object.entries(p.outcomes)
        .map(([outcome, n]) => `${outcome}: ${n}`)
        .join(', ');
      const errors = document.createElement('ul');
      for (const e of p.lastErrors) {
        const li = document.createElement('li');
        li.append(code(e.code), ` ${e.message} `, code(e.generationId), ` · ${when(e.at)}`);
        errors.append(li);
      }
      tr.append(
        name,
        attempts,
        cell(p.failureRate === null ? (m.none ?? '') : percent(p.failureRate)),
        cell(
          p.latencySeconds
            ? `${seconds(p.latencySeconds.median)} / ${seconds(p.latencySeconds.p95)}`
            : (m.none ?? ''),
        ),
        cell(`${p.slots.inUse} / ${p.slots.cap ?? m.noCap}`),
        cell(p.lastErrors.length > 0 ? errors : (m.none ?? '')),
      );
      return tr;
    }),
  );
}

async function loadDeliveries() {
  const state = field($<HTMLFormElement>('[data-delivery-filter]'), 'state');
  const params = new URLSearchParams({ limit: '50' });
  if (state) params.set('state', state);
  const page = await admin<AdminWebhookDeliveryPage>('GET', `/api/v1/admin/webhooks/deliveries?${params}`);
  const names = new Map(accounts.map((a) => [a.id, a.name]));
  const rows = page.data.map((d) => {
    const tr = document.createElement('tr');
    tr.dataset.delivery = d.id;
    const result = d.lastStatus !== null ? `HTTP ${d.lastStatus}` : (d.lastError ?? m.none ?? '');
    const stateCell = cell(`${m[`state.${d.state}`] ?? d.state} · ${d.attempts}×`);
    stateCell.dataset.state = d.state;
    tr.append(
      cell(when(d.createdAt), document.createElement('br'), code(d.id)),
      cell(names.get(d.accountId) ?? d.accountId, ` (${d.mode})`),
      // An alert's delivery has no generation.
      cell(d.eventType, document.createElement('br'), code(d.generationId ?? m.none ?? '')),
      stateCell,
      cell(result),
      cell(
        button(m.replay ?? '', fill(m.replayDelivery, { id: d.id }), async () => {
          try {
            await admin('POST', `/api/v1/admin/webhooks/deliveries/${encodeURIComponent(d.id)}/replay`);
            const done = $('[data-replayed]');
            done.textContent = fill(m.replayed, { id: d.id });
            done.hidden = false;
            await loadDeliveries();
          } catch (error) {
            showError('[data-console-error]', error);
          }
        }),
      ),
    );
    return tr;
  });
  $('[data-deliveries]').replaceChildren(...(rows.length > 0 ? rows : [emptyRow(m.noDeliveries ?? '', 6)]));
}

async function loadAudit() {
  const page = await admin<AuditPage>('GET', '/api/v1/audit?limit=50');
  const names = new Map(accounts.map((a) => [a.id, a.name]));
  const rows = page.data.map((e) => {
    const tr = document.createElement('tr');
    tr.dataset.auditEvent = String(e.id);
    tr.dataset.action = e.action;
    const details = Object.entries(e.details)
      .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(', ');
    tr.append(
      cell(when(e.createdAt)),
      cell(code(e.actor)),
      cell(code(e.action), e.targetId ? ' ' : '', e.targetId ? code(e.targetId) : ''),
      cell(e.accountId ? (names.get(e.accountId) ?? e.accountId) : (m.none ?? '')),
      cell(details || (m.none ?? '')),
      cell(e.clientIp ?? m.none ?? ''),
    );
    return tr;
  });
  $('[data-audit-entries]').replaceChildren(
    ...(rows.length > 0 ? rows : [emptyRow(m.noAuditEvents ?? '', 6)]),
  );
}

async function loadAll() {
  $('[data-console-error]').hidden = true;
  await loadAccounts();
  await Promise.all([loadKeys(), loadQueue(), loadProviders(), loadDeliveries(), loadAudit()]);
}

function signedIn(on: boolean) {
  $('[data-signin]').hidden = on;
  $('[data-signed-in]').hidden = !on;
}

function signOut() {
  clearKey(ADMIN_KEY);
  signedIn(false);
  $('#admin-key').focus();
}

$('[data-signin]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $<HTMLInputElement>('#admin-key').value.trim();
  $('[data-signin-error]').hidden = true;
  if (!key) return showError('[data-signin-error]', new Error(m.keyMissing));
  try {
    // The queue is the cheapest admin read: it tells whether the key is the admin key.
    await api<QueueStatus>(key, 'GET', '/api/v1/admin/queue');
    setKey(key, $<HTMLInputElement>('#admin-remember').checked, ADMIN_KEY);
    $<HTMLInputElement>('#admin-key').value = '';
    signedIn(true);
    await loadAll();
  } catch (error) {
    showError('[data-signin-error]', error);
  }
});
$('[data-signout]').addEventListener('click', signOut);
$('[data-refresh]').addEventListener('click', () => {
  loadAll().catch((e) => showError('[data-console-error]', e));
});
$('[data-account-select]').addEventListener('change', () => {
  loadKeys().catch((e) => showError('[data-console-error]', e));
});
$('[data-delivery-filter]').addEventListener('change', () => {
  loadDeliveries().catch((e) => showError('[data-console-error]', e));
});
$('[data-top-up]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const id = chosen();
  const amount = Number(field(form, 'tokens'));
  const note = field(form, 'note').trim();
  const mode = field(form, 'mode');
  try {
    const account = await admin<AdminAccount>(
      'POST',
      `/api/v1/admin/accounts/${encodeURIComponent(id)}/grants`,
      {
        mode,
        tokens: amount,
        ...(note ? { note } : {}),
      },
    );
    const done = $('[data-top-up-done]');
    done.textContent = fill(m.toppedUp, { tokens: tokens(amount), mode, name: account.name });
    done.hidden = false;
    form.reset();
    await Promise.all([loadAccounts(), loadAudit()]);
  } catch (error) {
    showError('[data-console-error]', error);
  }
});
$('[data-create-key]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  try {
    const created = await admin<NewApiKey>(
      'POST',
      `/api/v1/admin/accounts/${encodeURIComponent(chosen())}/keys`,
      {
        mode: field(form, 'mode'),
        name: field(form, 'name').trim(),
      },
    );
    showNewKey($('[data-new-key]'), 'console-new-key', created.key, m);
    form.reset();
    await Promise.all([loadKeys(), loadAudit()]);
  } catch (error) {
    showError('[data-console-error]', error);
  }
});

if (getKey(ADMIN_KEY)) {
  signedIn(true);
  loadAll().catch((error) => {
    if (error instanceof ApiFailure && error.status === 401) signOut();
    showError(
      error instanceof ApiFailure && error.status === 401 ? '[data-signin-error]' : '[data-console-error]',
      error,
    );
  });
}
