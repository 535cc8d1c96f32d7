/** A failure to show the user: the API's message, with the field it names. */
export class CliError extends Error {
  override name = 'CliError';
}

export interface AdminClient {
  call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>>;
}

/** Calls the gateway's admin API with the operator's key; API errors become CliErrors naming the field. */
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
        throw new CliError(`cannot reach ${baseUrl}: ${(error as Error).message}`);
      }
      const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (!response.ok) {
        const e = (json.error ?? {}) as {
          message?: string;
          param?: string;
          details?: { param: string; message: string }[];
        };
        const lines = e.details?.length ? e.details.map((d) => `  ${d.param}: ${d.message}`) : [];
        throw new CliError([`${response.status} ${e.message ?? response.statusText}`, ...lines].join('\n'));
      }
      return json;
    },
  };
}
