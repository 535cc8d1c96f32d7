// The dashboard: sign in with a key, then the account's balance, its environment's alerts, generations (filter, paging, previews),
// usage per day as an inline SVG chart, and the keys the signed-in key may manage. The answers are typed with
// the wire contract's types, as the SDK exports them.
import type {
  Account,
  AlertPage,
  ApiKeyList,
  Generation,
  GenerationPage,
  NewApiKey,
  Usage,
} from '@reelay/client';
import {
  ApiFailure,
  api,
  assetObjectUrl,
  code,
  fill,
  formatNumber,
  mediaElement,
  pageClient,
  showNewKey,
  tokensWord,
} from './api.js';
import { clearKey, getKey, keyPrefix, setKey } from './key-store.js';

/** What the page's JSON configuration holds: its language and its words. */
interface DashboardConfig {
  locale: string;
  messages: Record<string, string>;
}

const config = JSON.parse(
  document.getElementById('dashboard-config')?.textContent ?? '{}',
) as DashboardConfig;
const m = config.messages;
/** The page's element for `selector`; the page is rendered with every one of them. */
const $ = <E extends Element = HTMLElement>(selector: string): E => {
  const el = document.querySelector<E>(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el;
};
const PAGE = 10;
/** The alerts shown: the newest ones. */
const ALERTS = 20;
const SVG = 'http://www.w3.org/2000/svg';
let cursors: (string | null)[] = [null];

const tokens = (n: number) => `${formatNumber(config.locale, n)} ${tokensWord(m, config.locale, n)}`;
/** "3 generations" in the page's language, agreeing with `n`. */
const generationCount = (n: number) =>
  fill(
    m[`generationCount.${new Intl.PluralRules(config.locale).select(n)}`] ?? m['generationCount.other'] ?? '',
    {
      n: formatNumber(config.locale, n),
    },
  );
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(config.locale) : (m.never ?? ''));
/** The value of a named control of a form. */
const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
/** The key the page is signed in with (the buttons that need one show only then). */
const currentKey = () => getKey() ?? '';

function cell(...children: (Node | string)[]) {
  const td = document.createElement('td');
  td.append(...children);
  return td;
}

function signedIn(on: boolean) {
  $('[data-signin]').hidden = on;
  $('[data-signed-in]').hidden = !on;
}

async function loadAccount(key: string) {
  let account: Account;
  try {
    account = await pageClient(key).account.get();
  } catch (error) {
    throw ApiFailure.from(error);
  }
  $('[data-account-name]').textContent = `${account.name} (${account.id})`;
  $('[data-account-env]').textContent = account.environment;
  for (const dd of document.querySelectorAll<HTMLElement>('[data-balance]')) {
    const which = dd.dataset.balance as keyof Account['tokens'];
    dd.textContent = tokens(account.tokens[which]);
  }
  $('[data-key-status]').textContent = fill(m.keyInUse, { prefix: keyPrefix(key) });
}

/** The environment's newest alerts (the API lists them newest first): when, what fired, and its numbers. */
async function loadAlerts(key: string) {
  const page = await api<AlertPage>(key, 'GET', `/api/v1/alerts?limit=${ALERTS}`);
  const rows = page.data.map((a) => {
    const tr = document.createElement('tr');
    tr.dataset.alert = String(a.id);
    tr.dataset.alertType = a.type;
    const time = document.createElement('time');
    time.dateTime = a.createdAt;
    time.textContent = when(a.createdAt);
    if (a.type === 'account.balance_low') {
      tr.append(
        cell(time),
        cell(fill(m['alert.balanceLow'], { threshold: tokens(a.thresholdTokens) })),
        cell(fill(m['alert.balanceLowDetails'], { balance: tokens(a.balanceTokens) })),
      );
    } else {
      const details = fill(m['alert.budgetDetails'], {
        key: a.keyId,
        spent: formatNumber(config.locale, a.spentTokens),
        budget: tokens(a.budgetTokens),
        start: new Date(a.periodStart).toLocaleDateString(config.locale, { timeZone: 'UTC' }),
      });
      tr.append(
        cell(time),
        cell(fill(m[`alert.budget.${a.period}`], { percent: formatNumber(config.locale, a.percent) })),
        cell(details),
      );
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(m.noAlerts ?? '');
    td.colSpan = 3;
    tr.append(td);
    rows.push(tr);
  }
  $('[data-alerts]').replaceChildren(...rows);
}

async function preview(key: string, g: Generation, button: HTMLButtonElement) {
  button.disabled = true;
  const output = g.outputs[0];
  if (!output) return;
  const url = await assetObjectUrl(key, output.uri, output.mediaType);
  button.replaceWith(mediaElement(url, output.mediaType, `${g.model} ${g.id}`));
}

async function loadGenerations(key: string) {
  const filter = $<HTMLFormElement>('[data-gen-filter]');
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (field(filter, 'status')) params.set('status', field(filter, 'status'));
  if (field(filter, 'model')) params.set('model', field(filter, 'model'));
  const cursor = cursors.at(-1);
  if (cursor) params.set('cursor', cursor);
  const page = await api<GenerationPage>(key, 'GET', `/api/v1/generations?${params}`);
  const body = $('[data-generations]');
  const rows = page.data.map((g) => {
    const tr = document.createElement('tr');
    tr.dataset.generation = g.id;
    let shown: HTMLButtonElement | string = '';
    const thumbnailUrl = g.outputs[0]?.thumbnailUrl;
    let thumbnail: HTMLImageElement | string = '';
    if (thumbnailUrl) {
      thumbnail = document.createElement('img');
      // On this page's own origin, whatever public URL the link was made on (the page loads only its own images).
      const link = new URL(thumbnailUrl);
      thumbnail.src = `${link.pathname}${link.search}`;
      thumbnail.alt = fill(m.thumbnailOf, { model: g.model, id: g.id });
      thumbnail.className = 'thumbnail';
      thumbnail.loading = 'lazy';
      thumbnail.dataset.thumbnail = '';
    }
    // Whether its output carries content credentials (C2PA), next to it.
    const state = g.outputs[0]?.provenance;
    let provenance: HTMLSpanElement | string = '';
    if (state) {
      provenance = document.createElement('span');
      provenance.className = `provenance provenance-${state}`;
      provenance.textContent = m[`provenance.${state}`] ?? state;
      provenance.title = m.provenanceHint ?? '';
      provenance.dataset.provenance = state;
    }
    if (g.outputs.length > 0) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'secondary small';
      button.textContent = m.showPreview ?? '';
      button.addEventListener('click', () => preview(key, g, button).catch(showError));
      shown = button;
    }
    // Charged; nothing for a generation that failed or was canceled uncharged; at most its quote while it runs.
    const ended = g.status === 'failed' || g.status === 'canceled';
    const cost = g.chargedTokens ?? (ended ? 0 : g.quote.tokens);
    const created = document.createElement('span');
    created.textContent = when(g.createdAt);
    tr.append(
      cell(created, document.createElement('br'), code(g.id)),
      cell(g.model),
      cell(m[`status.${g.status}`] ?? g.status, ...reconcilingNote(g)),
      cell(g.chargedTokens === null && !ended ? `≤ ${tokens(cost)}` : tokens(cost)),
      cell(thumbnail, shown, provenance),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(m.noGenerations ?? '');
    td.colSpan = 5;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
  $<HTMLButtonElement>('[data-first-page]').disabled = cursors.length === 1;
  const next = $<HTMLButtonElement>('[data-next-page]');
  next.disabled = !page.nextCursor;
  next.dataset.cursor = page.nextCursor ?? '';
}

/**
 * While the upstream's outcome is being settled (its answer was lost, it cannot be reached, or it was asked to stop),
 * a note under the status saying so, with the gateway's explanation as its tooltip; nothing otherwise.
 */
function reconcilingNote(g: Generation): (HTMLElement | string)[] {
  if (!g.reconciling) return [];
  const note = document.createElement('small');
  note.dataset.reconciling = g.reconciling.code;
  note.textContent = m.reconciling ?? '';
  note.title = g.reconciling.message;
  return [document.createElement('br'), note];
}

/** Tokens per day over the report's 30 days as bars, each with its value as a tooltip and text. */
async function loadUsage(key: string) {
  const report = await api<Usage>(key, 'GET', '/api/v1/usage?groupBy=day');
  const byDay = new Map(report.data.map((r) => ['day' in r ? r.day : r.model, r]));
  const days: { day: string; tokens: number }[] = [];
  const start = new Date(report.from);
  for (
    let d = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    d <= Date.parse(report.to);
    d += 86_400_000
  ) {
    const day = new Date(d).toISOString().slice(0, 10);
    days.push({ day, tokens: byDay.get(day)?.tokens ?? 0 });
  }
  const total = report.data.reduce((sum, r) => sum + r.tokens, 0);
  const count = report.data.reduce((sum, r) => sum + r.generations, 0);
  const max = Math.max(1, ...days.map((d) => d.tokens));
  const width = 600;
  const height = 160;
  const bar = width / days.length;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${height + 20}`);
  svg.setAttribute('role', 'img');
  const summary =
    count > 0
      ? fill(m.usageTotal, { tokens: tokens(total), generations: generationCount(count) })
      : (m.noUsage ?? '');
  svg.setAttribute('aria-label', summary);
  days.forEach((d, i) => {
    const h = Math.round((d.tokens / max) * height);
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(i * bar + 1));
    rect.setAttribute('y', String(height - h));
    rect.setAttribute('width', String(Math.max(1, bar - 2)));
    rect.setAttribute('height', String(Math.max(h, d.tokens > 0 ? 1 : 0)));
    rect.setAttribute('class', 'bar');
    const title = document.createElementNS(SVG, 'title');
    title.textContent = `${d.day}: ${tokens(d.tokens)}`;
    rect.append(title);
    svg.append(rect);
  });
  const axis = document.createElementNS(SVG, 'line');
  for (const [name, value] of [
    ['x1', 0],
    ['x2', width],
    ['y1', height],
    ['y2', height],
  ] as const) {
    axis.setAttribute(name, String(value));
  }
  axis.setAttribute('class', 'axis');
  svg.append(axis);
  for (const [i, text] of [
    [0, days[0]?.day ?? ''],
    [days.length - 1, days.at(-1)?.day ?? ''],
  ] as const) {
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', String(i === 0 ? 0 : width));
    label.setAttribute('y', String(height + 16));
    label.setAttribute('text-anchor', i === 0 ? 'start' : 'end');
    label.textContent = text;
    svg.append(label);
  }
  $('[data-usage-chart]').replaceChildren(svg);
  $('[data-usage-caption]').textContent = summary;
}

async function loadKeys(key: string): Promise<void> {
  const { data } = await api<ApiKeyList>(key, 'GET', '/api/v1/keys');
  $('[data-keys]').replaceChildren(
    ...data.map((k) => {
      const tr = document.createElement('tr');
      tr.dataset.key = k.id;
      let action: HTMLButtonElement | string = k.revokedAt ? (m.revoked ?? '') : '';
      if (!k.revokedAt) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'secondary small';
        button.textContent = m.revoke ?? '';
        button.setAttribute('aria-label', `${m.revoke} ${k.prefix}…`);
        action = button;
        button.addEventListener('click', async () => {
          if (!window.confirm(fill(m.confirmRevoke ?? '', { prefix: k.prefix }))) return;
          try {
            await api(key, 'POST', `/api/v1/keys/${encodeURIComponent(k.id)}/revoke`);
            if (k.current) return signOut();
            await loadKeys(key);
          } catch (error) {
            showKeysError(error);
          }
        });
      }
      tr.append(
        cell(k.name || '—', k.current ? ` (${m.thisKey})` : ''),
        cell(code(`${k.prefix}…`)),
        cell(k.mode),
        cell(when(k.lastUsedAt)),
        cell(action),
      );
      return tr;
    }),
  );
}

function showKeysError(error: unknown) {
  const p = $('[data-keys-error]');
  p.textContent = fill(m.error ?? '', { message: error instanceof Error ? error.message : String(error) });
  p.hidden = false;
}

function showError(error: unknown) {
  const p = $('[data-signin-error]');
  p.textContent = fill(m.error ?? '', { message: error instanceof Error ? error.message : String(error) });
  p.hidden = false;
}

async function loadAll(key: string) {
  await loadAccount(key);
  signedIn(true);
  await Promise.all([
    loadAlerts(key),
    loadGenerations(key),
    loadUsage(key),
    loadKeys(key).catch(showKeysError),
  ]);
}

function signOut() {
  clearKey();
  cursors = [null];
  signedIn(false);
  $('#dash-key').focus();
}

$('[data-signin]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $<HTMLInputElement>('#dash-key').value.trim();
  $('[data-signin-error]').hidden = true;
  if (!key) return showError(new Error(m.keyMissing));
  try {
    await api<Account>(key, 'GET', '/api/v1/account');
    setKey(key, $<HTMLInputElement>('#dash-remember').checked);
    $<HTMLInputElement>('#dash-key').value = '';
    await loadAll(key);
  } catch (error) {
    showError(error);
  }
});
$('[data-signout]').addEventListener('click', signOut);
$('[data-gen-filter]').addEventListener('change', () => {
  cursors = [null];
  loadGenerations(currentKey()).catch(showError);
});
$('[data-next-page]').addEventListener('click', () => {
  cursors.push($('[data-next-page]').dataset.cursor ?? null);
  loadGenerations(currentKey()).catch(showError);
});
$('[data-first-page]').addEventListener('click', () => {
  cursors = [null];
  loadGenerations(currentKey()).catch(showError);
});
$('[data-create-key]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget as HTMLFormElement;
  const key = currentKey();
  const name = field(form, 'name').trim();
  $('[data-keys-error]').hidden = true;
  try {
    const created = await api<NewApiKey>(key, 'POST', '/api/v1/keys', { name });
    showNewKey($('[data-new-key]'), 'new-key-secret', created.key, m);
    form.reset();
    await loadKeys(key);
  } catch (error) {
    showKeysError(error instanceof ApiFailure ? error : new Error(String(error)));
  }
});

const stored = getKey();
if (stored) {
  loadAll(stored).catch((error) => {
    if (error instanceof ApiFailure && error.status === 401) signOut();
    showError(error);
  });
}
