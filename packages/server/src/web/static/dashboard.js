// The dashboard: sign in with a key, then the account's balance, generations (filter, paging, previews),
// usage per day as an inline SVG chart, and the keys the signed-in key may manage.
import {
  ApiFailure,
  api,
  assetObjectUrl,
  copyText,
  fill,
  formatNumber,
  mediaElement,
  tokensWord,
} from './api.js';
import { clearKey, getKey, keyPrefix, setKey } from './key-store.js';

const config = JSON.parse(document.getElementById('dashboard-config').textContent);
const m = config.messages;
const $ = (selector) => document.querySelector(selector);
const PAGE = 10;
const SVG = 'http://www.w3.org/2000/svg';
let cursors = [null];

const tokens = (n) => `${formatNumber(config.locale, n)} ${tokensWord(m, config.locale, n)}`;
/** "3 generations" in the page's language, agreeing with `n`. */
const generationCount = (n) =>
  fill(m[`generationCount.${new Intl.PluralRules(config.locale).select(n)}`] ?? m['generationCount.other'], {
    n: formatNumber(config.locale, n),
  });
const when = (iso) => (iso ? new Date(iso).toLocaleString(config.locale) : m.never);

function cell(...children) {
  const td = document.createElement('td');
  td.append(...children);
  return td;
}

function code(text) {
  const el = document.createElement('code');
  el.textContent = text;
  return el;
}

function signedIn(on) {
  $('[data-signin]').hidden = on;
  $('[data-signed-in]').hidden = !on;
}

async function loadAccount(key) {
  const account = await api(key, 'GET', '/api/v1/account');
  $('[data-account-name]').textContent = `${account.name} (${account.id})`;
  $('[data-account-env]').textContent = account.environment;
  for (const dd of document.querySelectorAll('[data-balance]')) {
    dd.textContent = tokens(account.tokens[dd.dataset.balance]);
  }
  $('[data-key-status]').textContent = fill(m.keyInUse, { prefix: keyPrefix(key) });
}

async function preview(key, g, button) {
  button.disabled = true;
  const output = g.outputs[0];
  const url = await assetObjectUrl(key, output.uri, output.mediaType);
  button.replaceWith(mediaElement(url, output.mediaType, `${g.model} ${g.id}`));
}

async function loadGenerations(key) {
  const filter = $('[data-gen-filter]');
  const params = new URLSearchParams({ limit: String(PAGE) });
  if (filter.elements.status.value) params.set('status', filter.elements.status.value);
  if (filter.elements.model.value) params.set('model', filter.elements.model.value);
  const cursor = cursors.at(-1);
  if (cursor) params.set('cursor', cursor);
  const page = await api(key, 'GET', `/api/v1/generations?${params}`);
  const body = $('[data-generations]');
  const rows = page.data.map((g) => {
    const tr = document.createElement('tr');
    tr.dataset.generation = g.id;
    let shown = '';
    if (g.outputs.length > 0) {
      shown = document.createElement('button');
      shown.type = 'button';
      shown.className = 'secondary small';
      shown.textContent = m.showPreview;
      shown.addEventListener('click', () => preview(key, g, shown).catch(showError));
    }
    const cost = g.chargedTokens ?? g.quote.tokens;
    const created = document.createElement('span');
    created.textContent = when(g.createdAt);
    tr.append(
      cell(created, document.createElement('br'), code(g.id)),
      cell(g.model),
      cell(m[`status.${g.status}`] ?? g.status),
      cell(g.chargedTokens === null ? `≤ ${tokens(cost)}` : tokens(cost)),
      cell(shown),
    );
    return tr;
  });
  if (rows.length === 0) {
    const tr = document.createElement('tr');
    const td = cell(m.noGenerations);
    td.colSpan = 5;
    tr.append(td);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
  $('[data-first-page]').disabled = cursors.length === 1;
  const next = $('[data-next-page]');
  next.disabled = !page.nextCursor;
  next.dataset.cursor = page.nextCursor ?? '';
}

/** Tokens per day over the report's 30 days as bars, each with its value as a tooltip and text. */
async function loadUsage(key) {
  const report = await api(key, 'GET', '/api/v1/usage?groupBy=day');
  const byDay = new Map(report.data.map((r) => [r.day, r]));
  const days = [];
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
      : m.noUsage;
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
  ]) {
    axis.setAttribute(name, String(value));
  }
  axis.setAttribute('class', 'axis');
  svg.append(axis);
  for (const [i, text] of [
    [0, days[0]?.day ?? ''],
    [days.length - 1, days.at(-1)?.day ?? ''],
  ]) {
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

async function loadKeys(key) {
  const { data } = await api(key, 'GET', '/api/v1/keys');
  $('[data-keys]').replaceChildren(
    ...data.map((k) => {
      const tr = document.createElement('tr');
      tr.dataset.key = k.id;
      let action = k.revokedAt ? m.revoked : '';
      if (!k.revokedAt) {
        action = document.createElement('button');
        action.type = 'button';
        action.className = 'secondary small';
        action.textContent = m.revoke;
        action.setAttribute('aria-label', `${m.revoke} ${k.prefix}…`);
        action.addEventListener('click', async () => {
          if (!window.confirm(fill(m.confirmRevoke, { prefix: k.prefix }))) return;
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

function showKeysError(error) {
  const p = $('[data-keys-error]');
  p.textContent = fill(m.error, { message: error.message });
  p.hidden = false;
}

function showError(error) {
  const p = $('[data-signin-error]');
  p.textContent = fill(m.error, { message: error.message });
  p.hidden = false;
}

async function loadAll(key) {
  await loadAccount(key);
  signedIn(true);
  await Promise.all([loadGenerations(key), loadUsage(key), loadKeys(key).catch(showKeysError)]);
}

function signOut() {
  clearKey();
  cursors = [null];
  signedIn(false);
  $('#dash-key').focus();
}

$('[data-signin]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const key = $('#dash-key').value.trim();
  $('[data-signin-error]').hidden = true;
  if (!key) return showError(new Error(m.keyMissing));
  try {
    await api(key, 'GET', '/api/v1/account');
    setKey(key, $('#dash-remember').checked);
    $('#dash-key').value = '';
    await loadAll(key);
  } catch (error) {
    showError(error);
  }
});
$('[data-signout]').addEventListener('click', signOut);
$('[data-gen-filter]').addEventListener('change', () => {
  cursors = [null];
  loadGenerations(getKey()).catch(showError);
});
$('[data-next-page]').addEventListener('click', (event) => {
  cursors.push(event.currentTarget.dataset.cursor);
  loadGenerations(getKey()).catch(showError);
});
$('[data-first-page]').addEventListener('click', () => {
  cursors = [null];
  loadGenerations(getKey()).catch(showError);
});
$('[data-create-key]').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const key = getKey();
  const name = form.elements.name.value.trim();
  $('[data-keys-error]').hidden = true;
  try {
    const created = await api(key, 'POST', '/api/v1/keys', { name });
    const box = $('[data-new-key]');
    const secret = code(created.key);
    secret.id = 'new-key-secret';
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.className = 'small';
    copy.textContent = m.copy;
    copy.addEventListener('click', async () => {
      await copyText(created.key);
      copy.textContent = m.copied;
    });
    box.replaceChildren(`${m.newKey} `, secret, ' ', copy);
    box.hidden = false;
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
