// The model page: the copy button of the curl example and the playground (key, uploads with progress,
// live quote, run, live status and the result played in place).
import {
  ApiFailure,
  api,
  assetObjectUrl,
  copyText,
  fill,
  formatNumber,
  mediaElement,
  randomKey,
  tokensWord,
} from './api.js';
import { followGeneration } from './follow-generation.js';
import { clearKey, getKey, keyPrefix, setKey } from './key-store.js';

for (const button of document.querySelectorAll('[data-copy]')) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    await copyText(source.textContent);
    const label = button.textContent;
    button.textContent = button.dataset.copied;
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
}

const root = document.querySelector('[data-playground]');
if (root) playground(root, JSON.parse(document.getElementById('playground-config').textContent));

function playground(root, config) {
  const m = config.messages;
  const form = root.querySelector('[data-form]');
  const quoteBox = root.querySelector('[data-quote]');
  const formError = root.querySelector('[data-form-error]');
  const keyInput = root.querySelector('#api-key');
  const keyStatus = root.querySelector('[data-key-status]');
  const forget = root.querySelector('[data-forget-key]');
  const touched = new Set();
  // Once Run has been pressed, every field counts as reached: a live quote may no longer hide what is missing.
  let attempted = false;
  const uploads = new Map(config.fields.filter((f) => f.media).map((f) => [f.name, []]));
  let quoteTimer = 0;
  let quoteSeq = 0;

  const price = (n, perSecond) =>
    fill(perSecond ? m.perSecond : m.flat, {
      n: formatNumber(config.locale, n),
      tokens: tokensWord(m, config.locale, n),
    });

  function showKey() {
    const key = getKey();
    keyStatus.textContent = key ? fill(m.keyInUse, { prefix: keyPrefix(key) }) : '';
    forget.hidden = !key;
  }

  function fieldOf(param) {
    const match = /^input\.([A-Za-z0-9_]+)/.exec(String(param ?? ''));
    return match && config.fields.some((f) => f.name === match[1]) ? match[1] : null;
  }

  function clearErrors() {
    for (const p of form.querySelectorAll('[data-error-for]')) {
      p.hidden = true;
      p.textContent = '';
    }
    for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
    formError.hidden = true;
    formError.textContent = '';
  }

  function fieldError(name, message) {
    const p = form.querySelector(`[data-error-for="${name}"]`);
    p.textContent = p.hidden ? message : `${p.textContent} ${message}`;
    p.hidden = false;
    form.elements.namedItem(name)?.setAttribute('aria-invalid', 'true');
  }

  function formFailure(message) {
    formError.textContent = message;
    formError.hidden = false;
  }

  /** Shows an API error: each detail next to its field, anything else above the Run button. */
  function showFailure(error, { quiet = false } = {}) {
    clearErrors();
    const details =
      error.details.length > 0 ? error.details : [{ param: error.param, message: error.message }];
    let placed = 0;
    for (const d of details) {
      const name = fieldOf(d.param);
      // While pricing live, a required field the user has not reached yet is not an error to shout about.
      if (quiet && !attempted && name && d.code === 'required' && !touched.has(name)) continue;
      if (name) {
        fieldError(name, d.message);
        placed++;
      } else formFailure(d.message);
    }
    if (placed > 0 && (!quiet || attempted)) formFailure(m.fixFields);
    if (placed > 0 && !quiet) form.querySelector('[aria-invalid="true"]')?.focus();
  }

  /** The input as the user set it: untouched fields with a default are left to the API (and its rules). */
  function collectInput() {
    const input = {};
    for (const f of config.fields) {
      if (f.media) {
        const list = uploads.get(f.name);
        if (list.length > 0) input[f.name] = f.many ? list.map((u) => u.uri) : list[0].uri;
        continue;
      }
      if (!touched.has(f.name) && f.default !== null) continue;
      const el = form.elements.namedItem(f.name);
      if (f.type === 'boolean') input[f.name] = el.checked;
      else if (f.type === 'number') {
        if (el.value.trim() !== '') input[f.name] = Number(el.value);
      } else if (el.value !== '') input[f.name] = el.value;
    }
    return input;
  }

  /** Shows the values the API settled (defaults, rules) in the controls the user has not touched. */
  function reflect(normalised) {
    for (const f of config.fields) {
      if (f.media || touched.has(f.name) || !(f.name in normalised)) continue;
      const el = form.elements.namedItem(f.name);
      if (f.type === 'boolean') el.checked = normalised[f.name] === true;
      else el.value = String(normalised[f.name]);
    }
  }

  async function quote() {
    const key = getKey();
    if (!key) {
      quoteBox.textContent = m.quoteNeedsKey;
      return;
    }
    const seq = ++quoteSeq;
    quoteBox.textContent = m.quoting;
    try {
      const q = await api(key, 'POST', '/api/v1/quotes', {
        type: config.type,
        model: config.model,
        input: collectInput(),
      });
      if (seq !== quoteSeq) return;
      clearErrors();
      reflect(q.input);
      const total = price(q.tokens, false);
      const amount =
        q.tokensPerSecond !== undefined
          ? `${fill(m.quoteSeconds, { perSecond: price(q.tokensPerSecond, true), seconds: formatNumber(config.locale, q.seconds) })} = ${total}`
          : total;
      quoteBox.textContent = fill(m.quoteLine, { price: amount, variant: q.variant, mode: q.mode });
    } catch (error) {
      if (seq !== quoteSeq) return;
      quoteBox.textContent = '—';
      if (error instanceof ApiFailure) showFailure(error, { quiet: true });
      else formFailure(fill(m.error, { message: error.message }));
    }
  }

  const scheduleQuote = () => {
    clearTimeout(quoteTimer);
    quoteTimer = setTimeout(quote, 250);
  };

  function renderUploads(name) {
    const list = root.querySelector(`[data-uploads-for="${name}"]`);
    list.replaceChildren(
      ...uploads.get(name).map((u, index) => {
        const li = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = u.uri;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary small';
        remove.textContent = '×';
        remove.setAttribute('aria-label', fill(m.remove, { name: u.name }));
        remove.addEventListener('click', () => {
          uploads.get(name).splice(index, 1);
          renderUploads(name);
          scheduleQuote();
        });
        li.append(`${u.name} `, code, ' ', remove);
        return li;
      }),
    );
  }

  /** Uploads one file to POST /api/v1/assets with XMLHttpRequest, whose upload events give the progress. */
  function uploadFile(file, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/assets');
      xhr.setRequestHeader('authorization', `Bearer ${getKey()}`);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener('load', () => {
        let json = null;
        try {
          json = JSON.parse(xhr.responseText);
        } catch {
          json = null;
        }
        if (xhr.status === 201 && json) resolve(json);
        else reject(new ApiFailure(xhr.status, json?.error));
      });
      xhr.addEventListener('error', () => reject(new Error('network error')));
      xhr.send(file);
    });
  }

  async function onFiles(input, field) {
    const files = [...input.files];
    input.value = '';
    const status = root.querySelector(`[data-upload-status-for="${field.name}"]`);
    const progress = root.querySelector(`[data-progress-for="${field.name}"]`);
    if (!getKey()) {
      status.textContent = m.keyMissing;
      keyInput.focus();
      return;
    }
    const list = uploads.get(field.name);
    if (field.many && list.length + files.length > field.maxItems) {
      status.textContent = fill(m.tooManyFiles, { n: field.maxItems });
      return;
    }
    for (const file of field.many ? files : files.slice(0, 1)) {
      status.textContent = fill(m.uploading, { name: file.name });
      progress.value = 0;
      progress.hidden = false;
      try {
        const asset = await uploadFile(file, progress);
        if (field.many) list.push({ name: file.name, uri: asset.uri });
        else list.splice(0, list.length, { name: file.name, uri: asset.uri });
        status.textContent = fill(m.uploaded, { name: file.name });
      } catch (error) {
        status.textContent = fill(m.uploadFailed, { name: file.name, message: error.message });
      } finally {
        progress.hidden = true;
      }
    }
    renderUploads(field.name);
    scheduleQuote();
  }

  const runPanel = root.querySelector('[data-run]');
  const statusText = root.querySelector('[data-status]');
  const channel = root.querySelector('[data-channel]');
  const runProgress = root.querySelector('[data-run-progress]');
  const result = root.querySelector('[data-result]');

  function showStatus(g) {
    statusText.textContent = m[`status.${g.status}`] ?? g.status;
    runPanel.dataset.status = g.status;
    if (typeof g.progress === 'number') runProgress.value = g.progress;
    else if (g.status === 'succeeded') runProgress.value = 1;
    else runProgress.removeAttribute('value');
  }

  async function showResult(key, g) {
    if (g.status !== 'succeeded') {
      if (g.error) formFailure(g.error.message);
      return;
    }
    for (const output of g.outputs) {
      const url = await assetObjectUrl(key, output.uri, output.mediaType);
      const media = mediaElement(url, output.mediaType, `${config.model} ${g.id}`);
      const link = document.createElement('a');
      link.href = url;
      link.download = `${g.id}.${String(output.mediaType).split('/')[1] ?? 'bin'}`;
      link.textContent = m.download;
      const figure = document.createElement('figure');
      figure.append(media, link);
      result.append(figure);
    }
  }

  async function run(event) {
    event.preventDefault();
    const key = getKey();
    if (!key) {
      formFailure(m.keyMissing);
      keyInput.focus();
      return;
    }
    clearErrors();
    attempted = true;
    const button = form.querySelector('[data-run-button]');
    button.disabled = true;
    try {
      const g = await api(
        key,
        'POST',
        '/api/v1/generations',
        { type: config.type, model: config.model, input: collectInput() },
        { 'idempotency-key': randomKey() },
      );
      result.replaceChildren();
      runPanel.hidden = false;
      root.querySelector('[data-run-title]').textContent = fill(m.generation, { id: g.id });
      showStatus(g);
      const final = await followGeneration(key, g.id, {
        onUpdate: showStatus,
        onChannel: (live) => {
          channel.textContent = `(${live ? m.liveUpdates : m.polling})`;
        },
      });
      showStatus(final);
      await showResult(key, final);
    } catch (error) {
      if (error instanceof ApiFailure) showFailure(error);
      else formFailure(fill(m.error, { message: error.message }));
    } finally {
      button.disabled = false;
    }
  }

  root.querySelector('[data-use-key]').addEventListener('click', () => {
    const key = keyInput.value.trim();
    if (!key) {
      keyStatus.textContent = m.keyMissing;
      return;
    }
    setKey(key, root.querySelector('#api-key-remember').checked);
    keyInput.value = '';
    showKey();
    scheduleQuote();
  });
  forget.addEventListener('click', () => {
    clearKey();
    showKey();
    scheduleQuote();
  });
  form.addEventListener('input', (event) => {
    if (event.target.type === 'file') return;
    if (event.target.name) touched.add(event.target.name);
    scheduleQuote();
  });
  form.addEventListener('change', (event) => {
    const field = config.fields.find((f) => f.name === event.target.name);
    if (event.target.type === 'file' && field) onFiles(event.target, field);
    else if (event.target.name) {
      touched.add(event.target.name);
      scheduleQuote();
    }
  });
  form.addEventListener('submit', run);
  showKey();
  scheduleQuote();
}
