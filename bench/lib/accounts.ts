import { ADMIN_KEY, authHeaders } from './gateway-env.ts';

/**
 * `count` accounts, each with a test key and 10⁸ tokens and its limits lifted, made through the admin API
 * of the gateway on `port`; returns their keys.
 */
export async function makeAccounts(port: number, count: number): Promise<string[]> {
  const admin = `http://127.0.0.1:${port}/api/v1/admin`;
  const headers = authHeaders(ADMIN_KEY);
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${admin}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (r.status >= 300) throw new Error(`${path} answered ${r.status}: ${await r.text()}`);
    return r.json() as Promise<{ id: string; key: string }>;
  };
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const account = await post('/accounts', {
      name: `bench ${i}`,
      maxConcurrentGenerations: 10_000_000,
      keyRatePerMinute: 10_000_000,
    });
    await post(`/accounts/${account.id}/grants`, { mode: 'test', tokens: 100_000_000 });
    keys.push((await post(`/accounts/${account.id}/keys`, { mode: 'test' })).key);
  }
  return keys;
}
