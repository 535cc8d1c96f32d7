import type { FastifyInstance } from 'fastify';

/** What an API answer (JSON, an event stream) may do when a browser opens it: nothing. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Headers on every answer: browsers never guess a type (`nosniff`), never frame an answer, and never send a
 * Referer carrying a signed link onwards. Routes that render something (the web pages, `/docs`, stored files)
 * set their own `Content-Security-Policy`; every other answer gets one that allows nothing.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_POLICY);
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    return payload;
  });
}

/**
 * The policy for a stored file shown in a browser: a sandbox (no scripts, forms, plugins or popups) that loads
 * nothing but the file itself, so no stored byte can ever act on the origin that keeps the dashboard's key. The
 * document keeps its origin (`allow-same-origin`) only so that the browser's own viewer may load the file it
 * shows; with scripts off, nothing can use that origin.
 */
export const STORED_FILE_POLICY =
  "sandbox allow-same-origin; default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'none'";
