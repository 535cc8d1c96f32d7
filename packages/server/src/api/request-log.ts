import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';

/**
 * One access-log line per request, written when it is answered: method, URL (credentials redacted by
 * `log-redaction.ts`), status, time taken, the request id and, with tracing on, the trace id. Fastify's own
 * "incoming request" line is not written, so a request is never two lines to join.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      req: request,
      res: reply,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
      ...(request.traceId !== null ? { traceId: request.traceId } : {}),
    };
    if (error) request.log.error({ ...line, err: error }, 'request errored');
    else request.log.info(line, 'request completed');
  }
}
