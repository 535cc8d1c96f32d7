import type { FastifyReply, FastifyRequest } from 'fastify';

/** Query parameters whose value is a credential: a signed link's signature (ours, S3's) or a token. */
const SECRET_PARAMS =
  /([?&](?:signature|x-amz-signature|x-amz-credential|x-amz-security-token|token)=)[^&#]*/gi;

/** A URL with every credential in its query replaced, fit for a log line. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]');
}

/** How a request appears in the access log: no credential from its URL, no header at all. */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}

/** How an answer appears in the access log: its status only (no header, so no cookie or signed link). */
export function responseForLog(reply: Pick<FastifyReply, 'statusCode'>): { statusCode: number } {
  return { statusCode: reply.statusCode };
}
