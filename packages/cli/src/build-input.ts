import { basename } from 'node:path';
import type { Asset, ModelDescription, ModelField, ReelayClient } from '@reelay/client/node';
import { CliError } from './admin-client.ts';
import { notReadable, readableFile } from './local-files.ts';
import { formatBytes, ProgressBar } from './progress-bar.ts';

/** What the command line says about an input: text, `--set` pairs and media files by kind. */
export interface InputArgs {
  prompt?: string;
  set?: string[];
  image?: string[];
  video?: string[];
  audio?: string[];
}

const REMOTE = /^(asset|https|data):/;

/** A `--set` value read as the field's type; errors name the field and what it takes. */
export function coerce(field: ModelField, raw: string): unknown {
  const where = `--set ${field.name}=${raw}: input.${field.name}`;
  if (field.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) {
      throw new CliError(`${where} must be a number from ${field.minimum} to ${field.maximum}`);
    }
    return n;
  }
  if (field.type === 'boolean') {
    if (['true', 'on', 'yes', '1'].includes(raw)) return true;
    if (['false', 'off', 'no', '0'].includes(raw)) return false;
    throw new CliError(`${where} must be true or false`);
  }
  if (field.type === 'array') return raw.split(',').filter(Boolean);
  return raw;
}

/** Reads `--set key=value` pairs against the model's fields (unknown names go through; the API names them). */
export function parseSets(model: ModelDescription, sets: string[]): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const pair of sets) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--set takes key=value, e.g. --set duration=5; got "${pair}"`);
    const name = pair.slice(0, eq);
    const field = model.fields.find((f) => f.name === name);
    input[name] = field ? coerce(field, pair.slice(eq + 1)) : pair.slice(eq + 1);
  }
  return input;
}

/**
 * Uploads the local files named in `--set` for media fields (`--set sourceImage=./a.png`, or a comma list for a
 * list field), so any slot can take a file, not only the ones `--image`/`--video`/`--audio` fill.
 */
async function uploadSetMedia(
  client: ReelayClient,
  model: ModelDescription,
  input: Record<string, unknown>,
): Promise<void> {
  for (const field of model.fields) {
    const value = input[field.name];
    if (!field.media || value === undefined) continue;
    const refs = Array.isArray(value) ? value.map(String) : [String(value)];
    const uris: string[] = [];
    for (const ref of refs) uris.push(await toUri(client, ref));
    input[field.name] = Array.isArray(value) ? uris : uris[0];
  }
}

/**
 * Uploads a local file (relative to the caller's folder) with a progress bar on stderr. A path that is no readable
 * file is the command line's mistake, said plainly before anything is sent (a usage error, not a stack trace).
 */
export async function uploadFile(client: ReelayClient, file: string, contentType?: string): Promise<Asset> {
  const path = await readableFile(file);
  const bar = new ProgressBar(`upload ${basename(file)}`, process.stderr, { logDetail: false });
  const asset = await client.assets
    .upload(
      { path },
      {
        ...(contentType ? { contentType } : {}),
        onProgress: (p) =>
          bar.update(
            p.total ? p.loaded / p.total : null,
            `${formatBytes(p.loaded)}${p.total ? ` of ${formatBytes(p.total)}` : ''}`,
          ),
      },
    )
    .catch((error: NodeJS.ErrnoException) => {
      // The file can still go (or change) between the check and the upload.
      throw notReadable(file, error) ?? error;
    });
  bar.done(`${asset.uri} (${asset.mediaType})`);
  return asset;
}

/** The `asset://` URI of a local file, uploaded first; URIs pass through unchanged. */
async function toUri(client: ReelayClient, file: string): Promise<string> {
  if (REMOTE.test(file)) return file;
  return (await uploadFile(client, file)).uri;
}

/**
 * Puts media files into the model's slots of their kind: all into a list slot, else one per single slot in order.
 * A kind the model does not take is an error naming the fields it has.
 */
async function placeMedia(
  client: ReelayClient,
  model: ModelDescription,
  kind: 'image' | 'video' | 'audio',
  files: string[],
  input: Record<string, unknown>,
): Promise<void> {
  if (files.length === 0) return;
  const slots = model.slots.filter((s) => s.kind === kind && input[s.name] === undefined);
  const list = slots.find((s) => s.array);
  const singles = slots.filter((s) => !s.array);
  if (!list && singles.length < files.length) {
    const media =
      model.slots.map((s) => `${s.name} (${s.kind}${s.array ? ' list' : ''})`).join(', ') || 'none';
    throw new CliError(
      `--${kind}: ${model.id} takes ${singles.length === 0 ? `no ${kind}` : `at most ${singles.length} ${kind} file(s)`} here; its media fields: ${media}`,
    );
  }
  const uris: string[] = [];
  for (const file of files) uris.push(await toUri(client, file));
  if (list) input[list.name] = uris;
  else {
    for (const [i, uri] of uris.entries()) input[singles[i]?.name ?? ''] = uri;
  }
}

/** The input a command line describes, with local files uploaded. */
export async function buildInput(
  client: ReelayClient,
  model: ModelDescription,
  args: InputArgs,
): Promise<Record<string, unknown>> {
  // Every file named by --image/--video/--audio is checked before the first one is sent.
  for (const file of [...(args.image ?? []), ...(args.video ?? []), ...(args.audio ?? [])])
    if (!REMOTE.test(file)) await readableFile(file);
  const input = parseSets(model, args.set ?? []);
  await uploadSetMedia(client, model, input);
  if (args.prompt !== undefined) input.prompt = args.prompt;
  await placeMedia(client, model, 'image', args.image ?? [], input);
  await placeMedia(client, model, 'video', args.video ?? [], input);
  await placeMedia(client, model, 'audio', args.audio ?? [], input);
  return input;
}
