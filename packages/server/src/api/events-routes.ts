import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.ts';
import { type GenerationEvent, isFinal } from '../generations/generation-events.ts';
import { generationJson } from '../generations/generation-json.ts';
import { callerOf } from './authenticate.ts';
import type { ApiDeps } from './deps.ts';

const EVENTS_PER_READ = 500;

function lastEventIdOf(header: string | string[] | undefined, query: unknown): number {
  const raw = (Array.isArray(header) ? header[0] : header) ?? (query as { lastEventId?: string }).lastEventId;
  if (raw === undefined || raw === '') return 0;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new ApiError('invalid_request', 400, 'Last-Event-ID must be an event id from this stream.', {
      param: 'Last-Event-ID',
    });
  }
  return Number(raw);
}

/**
 * `GET /api/v1/generations/{id}/events`: Server-Sent Events of every status change and progress step,
 * from after `Last-Event-ID` (header, or `?lastEventId=`), ending after the final state. An idle stream
 * sends a heartbeat comment every `sseHeartbeatMs`, and catches up then too in case a NOTIFY was lost.
 */
export function eventsRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  app.get<{ Params: { id: string } }>('/api/v1/generations/:id/events', async (request, reply) => {
    const owner = callerOf(request);
    const after = lastEventIdOf(request.headers['last-event-id'], request.query);
    const generation = await deps.generations.find(owner, request.params.id);
    if (!generation) throw new ApiError('not_found', 404, `No generation with id ${request.params.id}.`);

    reply.hijack();
    const res = reply.raw;
    // The stream writes a heartbeat while it waits, so an idle limit shorter than that must not close it.
    res.socket?.setTimeout(Math.max(deps.http.idleTimeoutMs, deps.sseHeartbeatMs * 2 + 1000));
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    open.add(res);

    let lastId = after;
    let closed = false;
    let pending: Promise<void> = Promise.resolve();
    const send = (event: GenerationEvent, data: unknown) => {
      res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unwatch();
      open.delete(res);
      res.end();
    };
    // Runs one catch-up at a time, so events go out once and in order however many wake-ups arrive.
    const catchUp = () => {
      pending = pending.then(async () => {
        if (closed) return;
        try {
          const batch = await deps.generations.eventsAfter(generation.id, lastId, EVENTS_PER_READ);
          // A stream resumed after the final event has nothing more to say.
          if (batch.length === 0 && isFinal(generation.status)) finish();
          for (const event of batch) {
            lastId = event.id;
            const data = {
              generationId: event.generationId,
              status: event.status,
              progress: event.progress,
              createdAt: event.createdAt.toISOString(),
            };
            if (!isFinal(event.status)) {
              send(event, data);
              continue;
            }
            const final = await deps.generations.load(generation.id);
            // The same generation JSON as GET gives: outputs as expiring signed links a player can open.
            const json = final
              ? generationJson(
                  final,
                  deps.publicUrl,
                  (assetId) => deps.assets.signedFileUrl(assetId),
                  deps.assetRetentionHours * 3600,
                  (assetId) => deps.assets.signedThumbnailUrl(assetId),
                )
              : null;
            send(event, { ...data, generation: json });
            finish();
            return;
          }
          if (batch.length === EVENTS_PER_READ) catchUp();
        } catch (error) {
          request.log.error({ err: error }, 'event stream failed');
          finish();
        }
      });
    };
    const unwatch = deps.events.watch(generation.id, catchUp);
    const heartbeat = setInterval(() => {
      res.write(': heartbeat\n\n');
      catchUp();
    }, deps.sseHeartbeatMs);
    res.on('close', finish);
    catchUp();
  });
}
