import type { Json } from '@reelay/catalog';

type Obj = { [key: string]: Json };

const esc = (s: unknown) =>
  String(s ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
const code = (s: unknown) => `<code>${esc(s)}</code>`;
/** Text with its `backticked` words as code, as the descriptions are written. */
const prose = (s: unknown) => esc(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const asObj = (v: Json | undefined): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const refName = (v: Json | undefined) => String(asObj(v).$ref ?? '').replace('#/components/schemas/', '');

/** A schema in a few words: `string · 9:16 | 16:9`, `integer 3–15`, `Generation`. */
function typeOf(schema: Obj): string {
  if (schema.$ref) return refName(schema);
  if (Array.isArray(schema.enum)) return schema.enum.map(String).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : String(schema.type ?? 'object');
  if (type === 'array') return `${typeOf(asObj(schema.items))}[] (max ${schema.maxItems ?? '∞'})`;
  if (schema.minimum !== undefined) return `${type} ${schema.minimum}–${schema.maximum}`;
  if (schema.maxLength !== undefined) return `${type} (≤ ${schema.maxLength} chars)`;
  return type;
}

function propertiesTable(schema: Obj): string {
  const required = new Set((schema.required as string[] | undefined) ?? []);
  const rows = Object.entries(asObj(schema.properties)).map(([name, raw]) => {
    const p = asObj(raw);
    return `<tr><td>${code(name)}${required.has(name) ? ' <b>required</b>' : ''}</td><td>${esc(typeOf(p))}</td><td>${p.default === undefined ? '' : code(JSON.stringify(p.default))}</td><td>${prose(p.description)}</td></tr>`;
  });
  return `<div class="table-wrap"><table><tr><th>field</th><th>type</th><th>default</th><th>description</th></tr>${rows.join('')}</table></div>`;
}

/** Which key an operation takes, when it is not the document's default (an API key). */
function keyNote(op: Obj): string {
  if (!Array.isArray(op.security)) return '';
  if (op.security.length === 0) return ' <i>(no key needed)</i>';
  return op.security.some((s) => 'adminKey' in asObj(s)) ? ' <i>(admin key)</i>' : '';
}

function operationHtml(method: string, path: string, op: Obj, shared: Obj): string {
  const params = ((op.parameters as Obj[] | undefined) ?? []).map(
    (p) =>
      `<li>${code(p.name)} (${esc(p.in)}${p.required ? ', required' : ''}) ${esc(typeOf(asObj(p.schema)))} — ${prose(p.description)}</li>`,
  );
  const body = asObj(asObj(op.requestBody).content);
  const bodies = Object.entries(body).map(
    ([type, c]) => `${code(type)} ${esc(typeOf(asObj(asObj(c).schema)))}`,
  );
  const responses = Object.entries(asObj(op.responses)).map(([status, raw]) => {
    const named = asObj(raw).$ref ? String(asObj(raw).$ref).replace('#/components/responses/', '') : '';
    const r = named ? asObj(shared[named]) : asObj(raw);
    const schema = asObj(asObj(Object.values(asObj(r.content))[0]).schema);
    return `<li>${code(status)} ${prose(r.description)}${schema.$ref ? ` → ${esc(refName(schema))}` : ''}</li>`;
  });
  return `<section id="${esc(op.operationId)}"><h3><span class="m">${method.toUpperCase()}</span> ${code(path)}</h3>
<p>${esc(op.summary)}${op.description ? ` — ${prose(op.description)}` : ''}${keyNote(op)}</p>
${params.length ? `<p>Parameters</p><ul>${params.join('')}</ul>` : ''}
${bodies.length ? `<p>Body: ${bodies.join(', ')}</p>` : ''}<p>Responses</p><ul>${responses.join('')}</ul></section>`;
}

/** The API reference as one HTML page, rendered from the OpenAPI document itself, so the two never disagree. */
export function apiReferencePage(doc: Obj): string {
  const info = asObj(doc.info);
  const schemas = asObj(asObj(doc.components).schemas);
  const ops = Object.entries(asObj(doc.paths)).flatMap(([path, item]) =>
    Object.entries(asObj(item)).map(([method, op]) => ({ path, method, op: asObj(op) })),
  );
  const tags = (doc.tags as Obj[]).map((tag) => {
    const mine = ops.filter((o) => (o.op.tags as string[] | undefined)?.includes(String(tag.name)));
    return `<h2 id="tag-${esc(tag.name)}">${esc(tag.name)}</h2><p>${esc(tag.description)}</p>${mine.map((o) => operationHtml(o.method, o.path, o.op, asObj(asObj(doc.components).responses))).join('')}`;
  });
  const requests = (asObj(schemas.GenerationRequest).oneOf as Obj[]).map((r) => asObj(schemas[refName(r)]));
  const models = requests.map((request) => {
    const props = asObj(request.properties);
    const id = String(asObj(props.model).const);
    const input = asObj(schemas[refName(props.input)]);
    return `<section id="model-${esc(id)}"><h3>${code(id)} — ${esc(input.title)}</h3><p>${prose(input.description)}</p>
<p>Request: ${code(`{"type": "${asObj(props.type).const}", "model": "${id}", "input": {…}}`)}; input schema: ${code(`#/components/schemas/${refName(props.input)}`)}</p>${propertiesTable(input)}</section>`;
  });
  const shared = ['Generation', 'Asset', 'Error'].map(
    (name) => `<h3 id="schema-${name}">${name}</h3>${propertiesTable(asObj(schemas[name]))}`,
  );
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} reference</title><link rel="icon" href="data:,"><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
code{background:#f3f3f3;padding:0 .25em;border-radius:3px}table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
td,th{border:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}.m{color:#0a58ca}
section{border-top:1px solid #eee;padding-top:.5rem}.site a{margin-right:1rem}
.table-wrap{overflow-x:auto}pre,code{overflow-wrap:anywhere}</style></head><body>
<nav class="site" aria-label="Reelay"><a href="/models">Models</a><a href="/dashboard">Dashboard</a></nav>
<h1>${esc(info.title)} ${esc(info.version)}</h1><p>${prose(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav>${(doc.tags as Obj[]).map((t) => `<a href="#tag-${esc(t.name)}">${esc(t.name)}</a>`).join(' · ')} · <a href="#models">models and their inputs</a></nav>
${tags.join('')}<h2 id="models">Models and their inputs</h2>${models.join('')}<h2>Shapes</h2>${shared.join('')}</body></html>`;
}
