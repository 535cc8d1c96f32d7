// The model page: the copy button of the curl example and the playground (key, uploads with progress,
// live quote, run, live status and the result played in place). Quotes and runs go through the SDK; uploads use
// XMLHttpRequest, whose upload events give a progress bar (a browser's fetch reports none).
import type { Asset, FieldError, Generation, ModelType } from '@reelay/client';
import {
  ApiFailure,
  assetObjectUrl,
  copyText,
  fill,
  formatNumber,
  mediaElement,
  pageClient,
  randomKey,
  tokensWord,
} from './api.js';
import { followGeneration, type GenerationUpdate } from './follow-generation.js';
import { clearKey, getKey, keyPrefix, setKey } from './key-store.js';

/** A field of the playground form, as the page's JSON configuration describes it. */
interface PlaygroundField {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'array';
  default: unknown;
  required: boolean;
  media?: string;
  many?: boolean;
  maxItems?: number | null;
}

/** The page's JSON configuration (`playground-form.ts`). */
interface PlaygroundConfig {
  model: string;
  type: ModelType;
  locale: string;
  fields: PlaygroundField[];
  messages: Record<string, string>;
}

/** A file uploaded for a media field. */
interface Upload {
  name: string;
  uri: string;
}

/** What a quote is asked with in place of a required file or text not given yet (never sent to run). */
const STAND_IN_ASSET = 'asset://asset_quote';
const STAND_IN_TEXT = '…';

/** The element of `root` for `selector`; the page is rendered with every one of them. */
function find<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const el = root.querySelector<E>(selector);
  if (!el) throw new Error(`the page has no ${selector}`);
  return el;
}

/** A form control of `form` by name (inputs, selects and text areas share `value`). */
const control = (form: HTMLFormElement, name: string) =>
  form.elements.namedItem(name) as HTMLInputElement | null;

for (const button of document.querySelectorAll<HTMLButtonElement>('[data-copy]')) {
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy ?? '');
    await copyText(source?.textContent ?? '');
    const label = button.textContent;
    button.textContent = button.dataset.copied ?? '';
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
}

const root = document.querySelector<HTMLElement>('[data-playground]');
if (root) {
  playground(
    root,
    JSON.parse(document.getElementById('playground-config')?.textContent ?? '{}') as PlaygroundConfig,
  );
}

function playground(root: HTMLElement, config: PlaygroundConfig) {
  const m = config.messages;
  const form = find<HTMLFormElement>(root, '[data-form]');
  const quoteBox = find(root, '[data-quote]');
  const formError = find(root, '[data-form-error]');
  const keyInput = find<HTMLInputElement>(root, '#api-key');
  const keyStatus = find(root, '[data-key-status]');
  const forget = find(root, '[data-forget-key]');
  const touched = new Set<string>();
  // Once Run has been pressed, every field counts as reached: a live quote may no longer hide what is missing.
  let attempted = false;
  const uploads = new Map<string, Upload[]>(config.fields.filter((f) => f.media).map((f) => [f.name, []]));
  const uploadsOf = (name: string): Upload[] => uploads.get(name) ?? [];
  let quoteTimer: ReturnType<typeof setTimeout> | undefined;
  let quoteSeq = 0;

  const price = (n: number, perSecond: boolean) =>
    fill(perSecond ? m.perSecond : m.flat, {
      n: formatNumber(config.locale, n),
      tokens: tokensWord(m, config.locale, n),
    });

  function showKey() {
    const key = getKey();
    keyStatus.textContent = key ? fill(m.keyInUse, { prefix: keyPrefix(key) }) : '';
    forget.hidden = !key;
  }

  function fieldOf(param: string | null | undefined) {
    const match = /^input\.([A-Za-z0-9_]+)/.exec(String(param ?? ''));
    return match && config.fields.some((f) => f.name === match[1]) ? match[1] : null;
  }

  /** Clears the errors shown, but those of the fields in `keep` (and the form's line while any of them shows). */
  function clearErrors(keep: ReadonlySet<string> = new Set()) {
    let kept = false;
    for (const p of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
      const name = p.dataset.errorFor ?? '';
      if (keep.has(name) && !p.hidden) {
        kept = true;
        continue;
      }
      p.hidden = true;
      p.textContent = '';
      control(form, name)?.removeAttribute('aria-invalid');
    }
    if (kept) return;
    formError.hidden = true;
    formError.textContent = '';
  }

  function fieldError(name: string, message: string) {
    const p = find(form, `[data-error-for="${name}"]`);
    p.textContent = p.hidden ? message : `${p.textContent} ${message}`;
    p.hidden = false;
    control(form, name)?.setAttribute('aria-invalid', 'true');
  }

  function formFailure(message: string | undefined) {
    formError.textContent = message ?? '';
    formError.hidden = false;
  }

  /** Shows an API error: each detail next to its field, anything else above the Run button. */
  function showFailure(error: ApiFailure, { quiet = false } = {}) {
    clearErrors();
    const details: (Partial<FieldError> & { message: string })[] =
      error.details.length > 0 ? error.details : [{ param: error.param ?? '', message: error.message }];
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
    if (placed > 0 && !quiet) form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }

  /** The input as the user set it: untouched fields with a default are left to the API (and its rules). */
  function collectInput(): Record<string, unknown> {
    const input: Record<string, unknown> = {};
    for (const f of config.fields) {
      if (f.media) {
        const list = uploadsOf(f.name);
        if (list.length > 0) input[f.name] = f.many ? list.map((u) => u.uri) : list[0]?.uri;
        continue;
      }
      if (!touched.has(f.name) && f.default !== null) continue;
      const el = control(form, f.name);
      if (!el) continue;
      if (f.type === 'boolean') input[f.name] = el.checked;
      else if (f.type === 'number') {
        if (el.value.trim() !== '') input[f.name] = Number(el.value);
      } else if (el.value !== '') input[f.name] = el.value;
    }
    return input;
  }

  /**
   * The input to price: as the user set it, with a stand-in for each required text or file not given yet. A text
   * sets no price, and a required file is in every request the model takes, so the stand-ins give the mode,
   * variant and price the run will have; the quote then shows as soon as the fields that set the price are known.
   * A required number or flag with no default is never stood in for: the quote waits for it.
   */
  function quoteInput(): { input: Record<string, unknown>; standIns: Set<string> } {
    const input = collectInput();
    const standIns = new Set<string>();
    for (const f of config.fields) {
      if (!f.required || f.name in input) continue;
      if (f.media) input[f.name] = f.many ? [STAND_IN_ASSET] : STAND_IN_ASSET;
      else if (f.type === 'string') input[f.name] = STAND_IN_TEXT;
      else continue;
      standIns.add(f.name);
    }
    return { input, standIns };
  }

  /** Shows the values the API settled (defaults, rules) in the controls the user has not touched. */
  function reflect(normalised: Record<string, unknown>, standIns: ReadonlySet<string>) {
    for (const f of config.fields) {
      if (f.media || touched.has(f.name) || standIns.has(f.name) || !(f.name in normalised)) continue;
      const el = control(form, f.name);
      if (!el) continue;
      if (f.type === 'boolean') el.checked = normalised[f.name] === true;
      else el.value = String(normalised[f.name]);
    }
  }

  async function quote() {
    const key = getKey();
    if (!key) {
      quoteBox.textContent = m.quoteNeedsKey ?? '';
      return;
    }
    const seq = ++quoteSeq;
    quoteBox.textContent = m.quoting ?? '';
    const { input, standIns } = quoteInput();
    try {
      const q = await pageClient(key)
        .quotes.create({ type: config.type, model: config.model, input })
        .catch((error: unknown) => {
          throw ApiFailure.from(error);
        });
      if (seq !== quoteSeq) return;
      // A run's errors for what is still missing stay: the quote only stood in for those fields.
      clearErrors(attempted ? standIns : new Set());
      reflect(q.input, standIns);
      const total = price(q.tokens, false);
      const amount =
        q.tokensPerSecond !== undefined
          ? `${fill(m.quoteSeconds, { perSecond: price(q.tokensPerSecond, true), seconds: formatNumber(config.locale, q.seconds ?? 0) })} = ${total}`
          : total;
      quoteBox.textContent = fill(m.quoteLine, { price: amount, variant: q.variant, mode: q.mode });
    } catch (error) {
      if (seq !== quoteSeq) return;
      quoteBox.textContent = '—';
      if (error instanceof ApiFailure) showFailure(error, { quiet: true });
      else formFailure(fill(m.error, { message: error instanceof Error ? error.message : String(error) }));
    }
  }

  const scheduleQuote = () => {
    clearTimeout(quoteTimer);
    quoteTimer = setTimeout(quote, 250);
  };

  function renderUploads(name: string) {
    const list = find(root, `[data-uploads-for="${name}"]`);
    list.replaceChildren(
      ...uploadsOf(name).map((u, index) => {
        const li = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = u.uri;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'secondary small';
        remove.textContent = '×';
        remove.setAttribute('aria-label', fill(m.remove, { name: u.name }));
        remove.addEventListener('click', () => {
          uploadsOf(name).splice(index, 1);
          renderUploads(name);
          scheduleQuote();
        });
        li.append(`${u.name} `, code, ' ', remove);
        return li;
      }),
    );
  }

  /** Uploads one file to POST /api/v1/assets with XMLHttpRequest, whose upload events give the progress. */
  function uploadFile(file: File, progress: HTMLProgressElement): Promise<Asset> {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/assets');
      xhr.setRequestHeader('authorization', `Bearer ${getKey()}`);
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.addEventListener('load', () => {
        let json:
          | (Asset & { error?: undefined })
          | { error?: ConstructorParameters<typeof ApiFailure>[1] }
          | null = null;
        try {
          json = JSON.parse(xhr.responseText);
        } catch {
          json = null;
        }
        if (xhr.status === 201 && json && 'id' in json) resolve(json);
        else reject(new ApiFailure(xhr.status, json?.error));
      });
      xhr.addEventListener('error', () => reject(new Error('network error')));
      xhr.send(file);
    });
  }

  async function onFiles(input: HTMLInputElement, field: PlaygroundField) {
    const files = [...(input.files ?? [])];
    input.value = '';
    const status = find(root, `[data-upload-status-for="${field.name}"]`);
    const progress = find<HTMLProgressElement>(root, `[data-progress-for="${field.name}"]`);
    if (!getKey()) {
      status.textContent = m.keyMissing ?? '';
      keyInput.focus();
      return;
    }
    const list = uploadsOf(field.name);
    if (field.many && list.length + files.length > (field.maxItems ?? 0)) {
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
        const message = error instanceof Error ? error.message : String(error);
        status.textContent = fill(m.uploadFailed, { name: file.name, message });
      } finally {
        progress.hidden = true;
      }
    }
    renderUploads(field.name);
    scheduleQuote();
  }

  const runPanel = find(root, '[data-run]');
  const statusText = find(root, '[data-status]');
  const channel = find(root, '[data-channel]');
  const runProgress = find<HTMLProgressElement>(root, '[data-run-progress]');
  const result = find(root, '[data-result]');

  function showStatus(g: GenerationUpdate) {
    statusText.textContent = m[`status.${g.status}`] ?? g.status;
    runPanel.dataset.status = g.status;
    if (typeof g.progress === 'number') runProgress.value = g.progress;
    else if (g.status === 'succeeded') runProgress.value = 1;
    else runProgress.removeAttribute('value');
  }

  async function showResult(key: string, g: Generation) {
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
      link.textContent = m.download ?? '';
      const figure = document.createElement('figure');
      figure.append(media, link);
      result.append(figure);
    }
  }

  async function run(event: SubmitEvent) {
    event.preventDefault();
    const key = getKey();
    if (!key) {
      formFailure(m.keyMissing);
      keyInput.focus();
      return;
    }
    clearErrors();
    attempted = true;
    const button = find<HTMLButtonElement>(form, '[data-run-button]');
    button.disabled = true;
    try {
      const g = await pageClient(key)
        .generations.create(
          { type: config.type, model: config.model, input: collectInput() },
          { idempotencyKey: randomKey() },
        )
        .catch((error: unknown) => {
          throw ApiFailure.from(error);
        });
      result.replaceChildren();
      runPanel.hidden = false;
      find(root, '[data-run-title]').textContent = fill(m.generation, { id: g.id });
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
      else formFailure(fill(m.error, { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      button.disabled = false;
    }
  }

  find(root, '[data-use-key]').addEventListener('click', () => {
    const key = keyInput.value.trim();
    if (!key) {
      keyStatus.textContent = m.keyMissing ?? '';
      return;
    }
    setKey(key, find<HTMLInputElement>(root, '#api-key-remember').checked);
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
    const target = event.target as HTMLInputElement;
    if (target.type === 'file') return;
    if (target.name) touched.add(target.name);
    scheduleQuote();
  });
  form.addEventListener('change', (event) => {
    const target = event.target as HTMLInputElement;
    const field = config.fields.find((f) => f.name === target.name);
    if (target.type === 'file' && field) onFiles(target, field);
    else if (target.name) {
      touched.add(target.name);
      scheduleQuote();
    }
  });
  form.addEventListener('submit', run);
  showKey();
  scheduleQuote();
}
