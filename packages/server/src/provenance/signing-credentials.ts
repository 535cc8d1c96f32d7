import { createPrivateKey, createPublicKey, type KeyObject, randomUUID, webcrypto } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** Words in the subject of the development certificate, so no reader can take it for an operator's. */
export const DEV_CERTIFICATE_LABEL = 'Reelay development certificate — not for production';

/** The certificate chain (signing certificate first) and private key manifests are signed with. */
export interface SigningCredentials {
  chain: x509.X509Certificate[];
  key: KeyObject;
  /** Whether this is the development certificate made by the gateway itself. */
  development: boolean;
}

x509.cryptoProvider.set(webcrypto as Crypto);

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
/** Extended key usages C2PA accepts for a claim signer: e-mail protection and document signing. */
const SIGNER_EKUS = ['1.3.6.1.5.5.7.3.4', '1.3.6.1.5.5.7.3.36'];

/** Splits a PEM file into its certificates, in order. */
export function parseCertificates(pem: string): x509.X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new x509.X509Certificate(block));
}

/**
 * The operator's certificate chain and key, from PEM files (they may be one file): the chain's first certificate
 * signs, the others are its issuers; the key is the first's (PKCS#8 or SEC1 EC, P-256). Anything else stops the
 * gateway with a message.
 */
export async function loadCredentials(certPath: string, keyPath: string): Promise<SigningCredentials> {
  const chain = parseCertificates(await readFile(certPath, 'utf8'));
  if (chain.length === 0) throw new Error(`REELAY_C2PA_CERT: ${certPath} holds no PEM certificate`);
  let key: KeyObject;
  try {
    key = createPrivateKey(await readFile(keyPath, 'utf8'));
  } catch (error) {
    throw new Error(`REELAY_C2PA_KEY: ${keyPath} is not a PEM private key (${(error as Error).message})`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`REELAY_C2PA_KEY: ${keyPath} must be a P-256 (ES256) key`);
  }
  const signer = chain[0] as x509.X509Certificate;
  const own = createPublicKey(key).export({ type: 'spki', format: 'der' });
  if (!Buffer.from(signer.publicKey.rawData).equals(own)) {
    throw new Error(`REELAY_C2PA_KEY: ${keyPath} is not the key of the first certificate in ${certPath}`);
  }
  return { chain, key, development: false };
}

/**
 * The development credentials kept in `<dataDir>/c2pa/dev-credentials.pem`: made on first use as a self-made chain (a
 * root and the signing certificate it issued, both ES256 on P-256, valid five years), each labelled "not for
 * production" in its subject. Readers report manifests it signs as intact but untrusted unless told to trust its
 * root. The key and the chain are one file, written aside and renamed into place, so processes starting together on
 * one data folder end up with one pair (the last renamed), never a key of one and a certificate of another.
 */
export async function developmentCredentials(dataDir: string): Promise<SigningCredentials> {
  const dir = join(dataDir, 'c2pa');
  const path = join(dir, 'dev-credentials.pem');
  try {
    return { ...(await loadCredentials(path, path)), development: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const made = await makeDevelopmentChain();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const aside = join(dir, `dev-credentials.${randomUUID()}.new`);
  await writeFile(aside, `${made.chainPem}${made.keyPem}`, { mode: 0o600 });
  await rename(aside, path);
  return { ...(await loadCredentials(path, path)), development: true };
}

/** A root and a signing certificate issued by it, as PEM: the chain (signer first, then root) and the signer's key. */
export async function makeDevelopmentChain(
  now: Date = new Date(),
): Promise<{ chainPem: string; rootPem: string; keyPem: string }> {
  const notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime() + 5 * 365 * 86_400_000);
  const rootKeys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=Reelay development root — not for production, O=Reelay',
    notBefore,
    notAfter,
    keys: rootKeys,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const signerKeys = await webcrypto.subtle.generateKey(ECDSA, true, ['sign', 'verify']);
  const signer = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: `CN=${DEV_CERTIFICATE_LABEL}, O=Reelay`,
    issuer: root.subject,
    notBefore,
    notAfter,
    publicKey: signerKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(SIGNER_EKUS, false),
      await x509.SubjectKeyIdentifierExtension.create(signerKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(root, false),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', signerKeys.privateKey);
  const rootPem = `${root.toString('pem')}\n`;
  return {
    chainPem: `${signer.toString('pem')}\n${rootPem}`,
    rootPem,
    keyPem: `${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
  };
}

/** A positive 16-byte serial number, as hex. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
