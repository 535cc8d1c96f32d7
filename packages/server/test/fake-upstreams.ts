import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { jwtVerify } from 'jose';
import sharp from 'sharp';

/** An answer the fake gives to the next create request instead of creating a task. */
export type CreateFault =
  /** `created`: the task is made anyway before this answer (a 5xx that did start the work). */
  | { status: number; body: unknown; headers?: Record<string, string>; created?: boolean }
  /** Creates the task, then never answers (the answer is lost). */
  | 'hang-after-create';

/** One provider's side of the fake: its tasks, faults for the next creates, tasks running now and at most. */
export interface FakeProvider {
  tasks: FakeTask[];
  faults: CreateFault[];
  /** Ids of the tasks a cancel request named, in order. */
  cancels: string[];
  active: number;
  maxActive: number;
}

/** A file an upstream was given through its own upload protocol, as the fake received it. */
export interface FakeUpload {
  upstream: 'fal' | 'replicate';
  /** The URL the upstream answered for it (what requests then name). */
  url: string;
  fileName: string;
  contentType: string;
  bytes: Buffer;
}

export interface FakeTask {
  id: string;
  /** The model or endpoint path it was created on (e.g. `google/nano-banana`, `fal-ai/nano-banana/edit`). */
  model: string;
  externalId: string | null;
  body: Record<string, unknown>;
  polls: number;
  done: boolean;
  /** Stopped by a cancel before it finished. */
  canceled?: boolean;
}

/** Upstream models and endpoints that make images: their outputs are a PNG (`/files/<id>.png`). */
export const FAKE_IMAGE_MODELS = /nano-banana|seedream|gpt-image|grok-imagine|imagen/;

/** The PNG every image task makes: 96×64 pixels. */
export const FAKE_IMAGE_SIZE = { width: 96, height: 64 } as const;

/**
 * Kling's omni-video API, fal's queue and Replicate's predictions on one loopback port, stateful: creates make tasks
 * (Kling refuses a repeated external_task_id, as it must be unique per account), polls report progress,
 * a finished task's output is a real MP4 served from this server (`/files/<id>.mp4`), or a real PNG for
 * image models (`FAKE_IMAGE_MODELS`). Kling requests must
 * carry a valid JWT for the configured keys. Per provider, `active` counts tasks started but not finished
 * and `maxActive` the most there ever were at once (what a per-account concurrency limit sees).
 */
export interface FakeUpstreams {
  base: string;
  kling: FakeProvider;
  replicate: FakeProvider;
  fal: FakeProvider;
  /** Polls a task needs before it succeeds (the first poll after create counts). */
  pollsToFinish: number;
  /** Answer output files with this status instead of the video (expired URLs). */
  outputStatus: number;
  /** The next this many output downloads are answered 403, as a link that expired (then the file again). */
  expiringOutputs: number;
  /** The next this many status requests (Kling task query, Replicate prediction read, fal status) are never answered. */
  hangingPolls: number;
  /** Output files downloaded in full. */
  outputDownloads: number;
  /** Files handed over through fal's storage upload or Replicate's Files API, in order. */
  uploads: FakeUpload[];
  close(): Promise<void>;
}

export async function startFakeUpstreams(options: {
  accessKey: string;
  secretKey: string;
  replicateToken: string;
  falKey?: string;
  videoFile: string;
  /** The image every image task makes, as `{bytes, mediaType}`; unset: a 96×64 PNG. */
  image?: { bytes: Buffer; mediaType: string };
}): Promise<FakeUpstreams> {
  const video = await readFile(options.videoFile);
  const image =
    options.image?.bytes ??
    (await sharp({
      create: { ...FAKE_IMAGE_SIZE, channels: 3, background: { r: 200, g: 90, b: 40 } },
    })
      .png()
      .toBuffer());
  const imageType = options.image?.mediaType ?? 'image/png';
  const sockets = new Set<Socket>();
  let seq = 0;
  const state: Omit<FakeUpstreams, 'base' | 'close'> = {
    kling: { tasks: [], faults: [], cancels: [], active: 0, maxActive: 0 },
    replicate: { tasks: [], faults: [], cancels: [], active: 0, maxActive: 0 },
    fal: { tasks: [], faults: [], cancels: [], active: 0, maxActive: 0 },
    pollsToFinish: 2,
    outputStatus: 200,
    expiringOutputs: 0,
    hangingPolls: 0,
    outputDownloads: 0,
    uploads: [],
  };
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  const poll = (side: FakeProvider, task: FakeTask) => {
    task.polls++;
    if (!task.done && task.polls >= state.pollsToFinish) {
      task.done = true;
      side.active--;
    }
  };
  const create = (
    side: FakeProvider,
    body: Record<string, unknown>,
    externalId: string | null,
    model = '',
  ) => {
    const task: FakeTask = {
      id: `${++seq}`.padStart(18, '8'),
      model,
      externalId,
      body,
      polls: 0,
      done: false,
    };
    side.tasks.push(task);
    side.active++;
    side.maxActive = Math.max(side.maxActive, side.active);
    return task;
  };
  let base = '';
  /** A status request to leave unanswered (the client's timeout ends it), counting one of `hangingPolls`. */
  const hangs = () => {
    if (state.hangingPolls <= 0) return false;
    state.hangingPolls--;
    return true;
  };
  const klingTask = (t: FakeTask) => ({
    task_id: t.id,
    task_status: t.done ? 'succeed' : t.polls === 0 ? 'submitted' : 'processing',
    task_status_msg: '',
    task_info: { external_task_id: t.externalId },
    created_at: 1774805076166,
    updated_at: 1774805076166,
    ...(t.done
      ? { task_result: { videos: [{ id: `v${t.id}`, url: `${base}/files/${t.id}.mp4`, duration: '3.0' }] } }
      : {}),
  });
  const outputOf = (t: FakeTask) =>
    `${base}/files/${t.id}.${FAKE_IMAGE_MODELS.test(t.model) ? 'png' : 'mp4'}`;
  const replicatePrediction = (t: FakeTask) => ({
    id: t.id,
    model: t.model,
    status: t.canceled ? 'canceled' : t.done ? 'succeeded' : t.polls === 0 ? 'starting' : 'processing',
    input: t.body.input,
    output: t.done && !t.canceled ? outputOf(t) : null,
    error: null,
  });

  async function handle(req: IncomingMessage, res: ServerResponse, bytes: Buffer) {
    const raw = bytes.toString('utf8');
    const url = new URL(req.url ?? '/', base);
    const uploaded = uploadExchange(req, res, url, bytes);
    if (uploaded) return uploaded;
    if (url.pathname.startsWith('/files/')) {
      if (state.outputStatus !== 200) return res.writeHead(state.outputStatus).end('gone');
      if (state.expiringOutputs > 0) {
        state.expiringOutputs--;
        return res.writeHead(403).end('Request has expired');
      }
      state.outputDownloads++;
      if (url.pathname.endsWith('.png')) {
        return res
          .writeHead(200, { 'content-type': imageType, 'content-length': String(image.length) })
          .end(image);
      }
      return res
        .writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(video.length) })
        .end(video);
    }
    if (url.pathname.startsWith('/v1/videos/')) {
      try {
        const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
        const { payload } = await jwtVerify(token, new TextEncoder().encode(options.secretKey));
        if (payload.iss !== options.accessKey) throw new Error('iss');
      } catch {
        return json(res, 401, { code: 1000, message: 'authentication failed', request_id: 'r' });
      }
      if (req.method === 'POST') {
        const body = JSON.parse(raw) as Record<string, unknown>;
        const fault = state.kling.faults.shift();
        if (fault && fault !== 'hang-after-create' && !fault.created) {
          return json(res, fault.status, fault.body, fault.headers);
        }
        const ext = typeof body.external_task_id === 'string' ? body.external_task_id : null;
        if (ext && state.kling.tasks.some((t) => t.externalId === ext)) {
          return json(res, 400, { code: 1201, message: 'external_task_id already exists', request_id: 'r' });
        }
        const task = create(state.kling, body, ext, url.pathname);
        if (fault && fault !== 'hang-after-create') return json(res, fault.status, fault.body, fault.headers);
        if (fault === 'hang-after-create') return;
        return json(res, 200, { code: 0, message: 'SUCCEED', request_id: 'r', data: klingTask(task) });
      }
      if (hangs()) return;
      const id = decodeURIComponent(url.pathname.split('/').pop() ?? '');
      const task = state.kling.tasks.find((t) => t.id === id || t.externalId === id);
      if (!task) return json(res, 404, { code: 1203, message: 'resource not exist', request_id: 'r' });
      if (task.id === id) poll(state.kling, task);
      return json(res, 200, { code: 0, message: 'SUCCEED', request_id: 'r', data: klingTask(task) });
    }
    // fal apps live under their owner: fal-ai/… and partners such as alibaba/….
    if (/^\/(fal-ai|alibaba)\//.test(url.pathname)) {
      if (req.headers.authorization !== `Key ${options.falKey}`)
        return json(res, 401, { detail: 'Invalid key' });
      // Status, result and cancel live under the app's root (owner/app), without the endpoint's subpath.
      const root = `/${url.pathname.split('/').slice(1, 3).join('/')}/requests/`;
      if (req.method === 'POST' && !url.pathname.startsWith(root)) {
        const fault = state.fal.faults.shift();
        if (fault && fault !== 'hang-after-create') return json(res, fault.status, fault.body, fault.headers);
        const body = JSON.parse(raw) as Record<string, unknown>;
        const task = create(state.fal, body, null, url.pathname.slice(1));
        if (fault === 'hang-after-create') return;
        const at = `${base}${root}${task.id}`;
        return json(res, 200, {
          request_id: task.id,
          gateway_request_id: task.id,
          response_url: at,
          status_url: `${at}/status`,
          cancel_url: `${at}/cancel`,
        });
      }
      const [id, what] = url.pathname.slice(root.length).split('/');
      const task = state.fal.tasks.find((t) => t.id === id);
      if (!task) return json(res, 404, { detail: 'Request not found' });
      if (what === 'status') {
        if (hangs()) return;
        poll(state.fal, task);
        return json(res, 200, {
          status: task.done ? 'COMPLETED' : task.polls === 1 ? 'IN_QUEUE' : 'IN_PROGRESS',
        });
      }
      if (!task.done) return json(res, 400, { detail: 'Request is still in progress' });
      if (FAKE_IMAGE_MODELS.test(task.model)) {
        return json(res, 200, {
          images: [
            { url: outputOf(task), content_type: 'image/png', file_name: 'output.png', ...FAKE_IMAGE_SIZE },
          ],
          description: '',
        });
      }
      return json(res, 200, {
        video: { url: `${base}/files/${task.id}.mp4`, content_type: 'video/mp4', file_name: 'output.mp4' },
      });
    }
    if (url.pathname.startsWith('/v1/')) {
      if (req.headers.authorization !== `Bearer ${options.replicateToken}`) {
        return json(res, 401, { title: 'Unauthenticated', detail: 'bad token', status: 401 });
      }
      if (req.method === 'POST' && url.pathname.endsWith('/predictions')) {
        const fault = state.replicate.faults.shift();
        if (fault && fault !== 'hang-after-create') return json(res, fault.status, fault.body, fault.headers);
        const model = url.pathname.replace(/^\/v1\/models\//, '').replace(/\/predictions$/, '');
        const task = create(state.replicate, JSON.parse(raw) as Record<string, unknown>, null, model);
        if (fault === 'hang-after-create') return;
        return json(res, 201, replicatePrediction(task));
      }
      const id = url.pathname.split('/')[3] ?? '';
      const task = state.replicate.tasks.find((t) => t.id === id);
      if (!task) return json(res, 404, { title: 'Not found', detail: 'Not found', status: 404 });
      if (req.method === 'POST' && url.pathname.endsWith('/cancel')) {
        // A prediction still running is canceled; a finished one stays as it is.
        if (!task.done) {
          task.done = true;
          task.canceled = true;
          state.replicate.active--;
        }
        state.replicate.cancels.push(task.id);
        return json(res, 200, replicatePrediction(task));
      }
      if (hangs()) return;
      poll(state.replicate, task);
      return json(res, 200, replicatePrediction(task));
    }
    res.writeHead(404).end();
  }

  /**
   * fal's storage upload (initiate, then PUT to the upload URL it names) and Replicate's Files API (multipart
   * POST /v1/files), as their documentation describes them; null for any other request.
   */
  function uploadExchange(req: IncomingMessage, res: ServerResponse, url: URL, bytes: Buffer) {
    if (req.method === 'POST' && url.pathname === '/storage/upload/initiate') {
      if (req.headers.authorization !== `Key ${options.falKey}`)
        return json(res, 401, { detail: 'Invalid key' });
      if (url.searchParams.get('storage_type') !== 'fal-cdn-v3')
        return json(res, 400, { detail: 'storage_type' });
      const body = JSON.parse(bytes.toString('utf8')) as { content_type: string; file_name: string };
      const n = ++seq;
      pendingFal.set(`/fal-upload/${n}`, { name: body.file_name, type: body.content_type, n });
      return json(res, 200, { upload_url: `${base}/fal-upload/${n}`, file_url: `${base}/fal-files/${n}` });
    }
    const pending = pendingFal.get(url.pathname);
    if (req.method === 'PUT' && pending) {
      pendingFal.delete(url.pathname);
      state.uploads.push({
        upstream: 'fal',
        url: `${base}/fal-files/${pending.n}`,
        fileName: pending.name,
        contentType: String(req.headers['content-type']),
        bytes,
      });
      return res.writeHead(200).end();
    }
    if (req.method === 'POST' && url.pathname === '/v1/files') {
      if (req.headers.authorization !== `Bearer ${options.replicateToken}`) {
        return json(res, 401, { title: 'Unauthenticated', detail: 'bad token', status: 401 });
      }
      const boundary = /boundary=(.+)$/.exec(String(req.headers['content-type']))?.[1];
      const headEnd = bytes.indexOf('\r\n\r\n');
      const head = bytes.subarray(0, headEnd).toString('utf8');
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      if (!boundary || headEnd < 0 || !bytes.subarray(bytes.length - tail.length).equals(tail)) {
        return json(res, 400, { title: 'Bad multipart', status: 400 });
      }
      const name = /name="content"; filename="([^"]+)"/.exec(head)?.[1];
      const type = /Content-Type: (.+)$/m.exec(head)?.[1]?.trim();
      if (!name || !type) return json(res, 400, { title: 'No content part', status: 400 });
      const id = `file_${++seq}`;
      const fileUrl = `${base}/v1/files/${id}`;
      state.uploads.push({
        upstream: 'replicate',
        url: fileUrl,
        fileName: name,
        contentType: type,
        bytes: bytes.subarray(headEnd + 4, bytes.length - tail.length),
      });
      return json(res, 201, {
        id,
        name,
        content_type: type,
        size: bytes.length,
        expires_at: new Date(Date.now() + 86_400_000).toISOString(),
        urls: { get: fileUrl },
      });
    }
    return null;
  }
  const pendingFal = new Map<string, { name: string; type: string; n: number }>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void handle(req, res, Buffer.concat(chunks)));
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, {
    base,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
}
