import { C2paSigner } from './c2pa-signer.ts';
import type { ProvenanceSigner } from './provenance-signer.ts';
import { developmentCredentials, loadCredentials, type SigningCredentials } from './signing-credentials.ts';

/**
 * The signer of output manifests as configured: null when REELAY_C2PA is off; else with the operator's certificate
 * and key, or (neither set) the development certificate kept in `<dataDir>/c2pa`, made on first start.
 */
export async function createProvenanceSigner(
  config: { enabled: boolean; certPath: string | null; keyPath: string | null },
  dataDir: string,
): Promise<{ signer: ProvenanceSigner; credentials: SigningCredentials } | null> {
  if (!config.enabled) return null;
  const credentials =
    config.certPath !== null && config.keyPath !== null
      ? await loadCredentials(config.certPath, config.keyPath)
      : await developmentCredentials(dataDir);
  return { signer: new C2paSigner(credentials), credentials };
}
