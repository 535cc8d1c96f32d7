import type { FieldDescription, Locale, ModelDescription } from '@reelay/catalog';
import { allowedText } from './format.ts';
import { html, jsonScript, type SafeHtml } from './html.ts';
import { type MessageKey, messagesFor, say } from './messages.ts';

/** The interface words the playground script shows. */
const SCRIPT_MESSAGES: readonly MessageKey[] = [
  'keyInUse',
  'keyMissing',
  'uploading',
  'uploaded',
  'uploadFailed',
  'remove',
  'tooManyFiles',
  'quoteNeedsKey',
  'quoting',
  'quoteLine',
  'quoteSeconds',
  'perSecond',
  'flat',
  'tokens.one',
  'tokens.few',
  'tokens.many',
  'tokens.other',
  'fixFields',
  'status.queued',
  'status.running',
  'status.succeeded',
  'status.failed',
  'status.canceled',
  'generation',
  'liveUpdates',
  'polling',
  'download',
  'error',
];

const ACCEPT: Record<string, string> = { image: 'image/*', video: 'video/*', audio: 'audio/*' };

/** One form control generated from a field, with its label, hint and error slot. */
function control(locale: Locale, f: FieldDescription): SafeHtml {
  const id = `f-${f.name}`;
  const describedBy = `${id}-hint ${id}-error`;
  const name = f.label === f.name ? f.name : `${f.label} (${f.name})`;
  const label = html`<label for="${id}">${name}${f.required ? html`<span class="req" aria-hidden="true">*</span>` : ''}</label>`;
  const hint = html`<p class="hint" id="${id}-hint">${f.description} <span class="allowed">${allowedText(locale, f)}</span></p>`;
  const error = html`<p class="field-error" id="${id}-error" data-error-for="${f.name}" hidden></p>`;
  const common = html`id="${id}" name="${f.name}" aria-describedby="${describedBy}"${f.required ? html` required aria-required="true"` : ''}`;
  let input: SafeHtml;
  if (f.media) {
    const many = f.media.maxItems !== undefined;
    input = html`<input type="file" ${common} accept="${ACCEPT[f.media.kind] ?? ''}"${many ? html` multiple data-max="${f.media.maxItems}"` : ''} data-media="${f.media.kind}">
<progress class="upload-progress" max="100" value="0" data-progress-for="${f.name}" hidden></progress>
<p class="upload-status" data-upload-status-for="${f.name}" role="status"></p>
<ul class="uploads" data-uploads-for="${f.name}"></ul>`;
  } else if (f.enum) {
    input = html`<select ${common}>${f.enum.map((v) => html`<option value="${v}"${v === f.default ? html` selected` : ''}>${v}</option>`)}</select>`;
  } else if (f.type === 'boolean') {
    return html`<div class="field check" data-field="${f.name}">
<input type="checkbox" ${common}${f.default === true ? html` checked` : ''}>
${label}${hint}${error}</div>`;
  } else if (f.type === 'number') {
    input = html`<input type="number" inputmode="decimal" ${common} min="${f.minimum}" max="${f.maximum}" step="${f.step}" value="${typeof f.default === 'number' ? f.default : ''}">`;
  } else {
    const value = typeof f.default === 'string' ? f.default : '';
    input = html`<textarea ${common} rows="3"${f.maxLength !== undefined ? html` maxlength="${f.maxLength}"` : ''}>${value}</textarea>`;
  }
  return html`<div class="field" data-field="${f.name}">${label}${hint}${input}${error}</div>`;
}

/** The playground: key box, a form generated from the model's fields, live quote, run status and result. */
export function playgroundForm(locale: Locale, d: ModelDescription): SafeHtml {
  const config = {
    model: d.id,
    type: d.type,
    locale,
    fields: d.fields.map((f) => ({
      name: f.name,
      type: f.type,
      default: f.default,
      required: f.required,
      ...(f.media
        ? { media: f.media.kind, many: f.media.maxItems !== undefined, maxItems: f.media.maxItems ?? null }
        : {}),
    })),
    messages: messagesFor(locale, SCRIPT_MESSAGES),
  };
  return html`<section class="playground" aria-labelledby="playground-title" data-playground>
<h2 id="playground-title">${say(locale, 'playground')}</h2>
<p>${say(locale, 'playgroundHint')}</p>
<noscript><p class="notice">${say(locale, 'noScript')}</p></noscript>
<div class="keybox" data-keybox>
<label for="api-key">${say(locale, 'apiKey')}</label>
<input id="api-key" type="password" autocomplete="off" spellcheck="false" aria-describedby="api-key-hint">
<p class="hint" id="api-key-hint">${say(locale, 'keyHint')}</p>
<div class="row"><input type="checkbox" id="api-key-remember"><label for="api-key-remember">${say(locale, 'remember')}</label></div>
<div class="row"><button type="button" data-use-key>${say(locale, 'useKey')}</button>
<button type="button" class="secondary" data-forget-key hidden>${say(locale, 'forgetKey')}</button></div>
<p data-key-status role="status"></p>
</div>
<form class="pg-form" data-form novalidate>
${d.fields.map((f) => control(locale, f))}
<div class="quote" data-quote role="status" aria-live="polite">${say(locale, 'quoteNeedsKey')}</div>
<p class="form-error" data-form-error role="alert" hidden></p>
<button type="submit" data-run-button>${say(locale, 'run')}</button>
</form>
<div class="run" data-run hidden>
<h3 data-run-title></h3>
<p>${say(locale, 'status')}: <strong data-status></strong> <span class="hint" data-channel></span></p>
<progress max="1" data-run-progress></progress>
<div class="result" data-result aria-live="polite"></div>
</div>
<script type="application/json" id="playground-config">${jsonScript(config)}</script>
</section>`;
}
