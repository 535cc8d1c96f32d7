import { ConnectionError, errorFromResponse } from '@reelay/client/node';

/** A failure of the command line itself (a missing key, a malformed value), shown as is. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface AdminClient {
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
}

/** Calls the gateway's admin API with the operator's key; API errors are the SDK's typed errors. */
export function adminClient(
  baseUrl: string,
  adminKey: string | undefined,
  fetchImpl: typeof fetch = fetch,
): AdminClient {
  return {
    async call(method, path, body) {
      if (!adminKey) throw new CliError('no admin key: pass --admin-key or set REELAY_ADMIN_KEY');
      let response: Response;
      try {
        response = await fetchImpl(`${baseUrl.replace(/\/+$/, '')}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${adminKey}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
      } catch (error) {
        throw new ConnectionError(`cannot reach ${baseUrl}: ${(error as Error).message}`);
      }
      // The SDK's typed errors, so the admin commands report (and --json prints) them as the others do.
      if (!response.ok) throw await errorFromResponse(response, Date.now());
      return (await response.json().catch(() => ({}))) as Record<string, unknown>;
    },
  };
}
