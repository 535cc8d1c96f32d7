import { buildClient, type ClientOptions, type ReelayClient } from './create-client.ts';
import { nodeFiles } from './node-files.ts';

export * from './index.ts';

/** A client for Node: like the browser one, plus `assets.upload({ path })` and `assets.downloadTo`. */
export function createClient(options: ClientOptions): ReelayClient {
  return buildClient(options, nodeFiles);
}
