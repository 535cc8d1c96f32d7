import { createHash, randomUUID, sign } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { JPEG, PNG } from '@trustnxt/c2pa-ts/asset';
import { CoseAlgorithmIdentifier, type Signer } from '@trustnxt/c2pa-ts/cose';
import { SuperBox } from '@trustnxt/c2pa-ts/jumbf';
import {
  ActionAssertion,
  ActionType,
  type Assertion,
  DataHashAssertion,
  DigitalSourceType,
  IngredientAssertion,
  type Manifest,
  ManifestStore,
  RelationshipType,
  Signature,
  ValidationResult,
} from '@trustnxt/c2pa-ts/manifest';
import { fileSha256 } from '../file-sha256.ts';
import type { ProvenanceClaim, ProvenanceOutcome, ProvenanceSigner } from './provenance-signer.ts';
import type { SigningCredentials } from './signing-credentials.ts';

/** Claim version 2 (C2PA 2.x): `c2pa.actions.v2`, `c2pa.ingredient.v3`. */
const CLAIM_V2 = 1;
/** Room kept in the signature box for the COSE signature and the certificate chain (no timestamp is added). */
const SIGNATURE_ROOM = 8192;
const GENERATOR = { name: 'Reelay', version: '0.1.0' };

/** Formats whose files carry the manifest inside them; the rest get a sidecar manifest. */
const EMBEDDED = {
  'image/png': (bytes: Uint8Array) => (PNG.canRead(bytes) ? new PNG(bytes) : null),
  'image/jpeg': (bytes: Uint8Array) => (JPEG.canRead(bytes) ? new JPEG(bytes) : null),
} as const;

/**
 * Signs C2PA manifests with the pure-TypeScript `@trustnxt/c2pa-ts` library: PNG and JPEG outputs get the manifest
 * embedded (a `caBX` chunk, an APP11 segment), hard-bound by a data hash that excludes it; any other output (MP4,
 * WebM, WebP, GIF, audio), whose format the library cannot write, gets a sidecar manifest store bound to its
 * unchanged bytes by a data hash over the whole file. Signatures are ES256, made with Node's crypto.
 */
export class C2paSigner implements ProvenanceSigner {
  private readonly signer: Signer;

  constructor(credentials: SigningCredentials) {
    const [certificate, ...issuers] = credentials.chain;
    if (!certificate) throw new Error('the C2PA certificate chain is empty');
    const key = credentials.key;
    this.signer = {
      algorithm: CoseAlgorithmIdentifier.ES256,
      certificate,
      chainCertificates: issuers,
      // COSE wants the raw r‖s form of an ECDSA signature, not DER.
      sign: async (payload) => new Uint8Array(sign('sha256', payload, { key, dsaEncoding: 'ieee-p1363' })),
    };
  }

  async sign(
    file: string,
    mediaType: string,
    claim: ProvenanceClaim,
    sha256?: string,
  ): Promise<ProvenanceOutcome> {
    if (mediaType === 'image/png' || mediaType === 'image/jpeg') return this.embed(file, mediaType, claim);
    return this.sidecar(file, mediaType, claim, sha256);
  }

  private async embed(
    file: string,
    mediaType: 'image/png' | 'image/jpeg',
    claim: ProvenanceClaim,
  ): Promise<ProvenanceOutcome> {
    const bytes = new Uint8Array(await readFile(file));
    const asset = EMBEDDED[mediaType](bytes);
    if (!asset) return { state: 'unsigned', reason: `the file is not a ${mediaType} this signer can read` };
    // A manifest the output already carries (its upstream's) stays in the store; ours refers to it as parent.
    let store = new ManifestStore();
    let parent: Manifest | undefined;
    const existing = asset.getManifestJUMBF();
    if (existing) {
      try {
        store = ManifestStore.read(SuperBox.fromBuffer(new Uint8Array(existing)));
        parent = store.getActiveManifest();
      } catch (error) {
        return {
          state: 'unsigned',
          reason: `the output already carries a C2PA manifest that could not be read (${(error as Error).message}); it is kept as it came`,
        };
      }
    }
    // How the parent's manifest validated is recorded with it; a validation that breaks off is recorded as a failure.
    const validation = parent
      ? await store.validate(asset).catch((error: unknown) => ValidationResult.fromError(error as Error))
      : null;
    const manifest = this.newManifest(store, mediaType, claim);
    const ingredients = this.addInputs(manifest, claim);
    if (parent?.label) {
      const ingredient = IngredientAssertion.createV3(RelationshipType.ParentOf);
      ingredient.title = parent.claim?.title ?? 'upstream output';
      ingredient.format = mediaType;
      ingredient.activeManifest = manifest.createHashedReference(`/c2pa/${parent.label}`);
      ingredient.claimSignature = manifest.createHashedReference(`/c2pa/${parent.label}/c2pa.signature`);
      const entries = validation?.statusEntries ?? [];
      const status = (ok: boolean) =>
        entries
          .filter((e) => Boolean(e.success) === ok)
          .map((e) => ({
            code: e.code,
            ...(e.url ? { url: e.url } : {}),
            ...(e.explanation ? { explanation: e.explanation } : {}),
          }));
      ingredient.validationResults = {
        activeManifest: { success: status(true), informational: [], failure: status(false) },
      };
      ingredients.push(this.add(manifest, ingredient));
    }
    this.addCreated(manifest, claim, ingredients);
    const hash = DataHashAssertion.create('SHA-256');
    manifest.addAssertion(hash);
    await asset.ensureManifestSpace(store.measureSize());
    await hash.updateWithAsset(asset);
    await manifest.sign(this.signer);
    await asset.writeManifestJUMBF(store.getBytes());
    const signed = await asset.getDataRange();
    // Written beside and renamed over the output, so a failure leaves the output as it came.
    const next = `${file}.c2pa-signing`;
    try {
      await writeFile(next, signed);
      await rename(next, file);
    } catch (error) {
      await rm(next, { force: true });
      throw error;
    }
    return {
      state: 'signed',
      manifestLabel: manifest.label ?? '',
      keptManifest: parent !== undefined,
      bytes: signed.length,
      sha256: createHash('sha256').update(signed).digest('hex'),
    };
  }

  private async sidecar(
    file: string,
    mediaType: string,
    claim: ProvenanceClaim,
    known?: string,
  ): Promise<ProvenanceOutcome> {
    const digest = Buffer.from(known && /^[0-9a-f]{64}$/.test(known) ? known : await fileSha256(file), 'hex');
    const store = new ManifestStore();
    const manifest = this.newManifest(store, mediaType, claim);
    this.addCreated(manifest, claim, this.addInputs(manifest, claim));
    // Bound to the whole file as stored: nothing is excluded, as nothing was written into it.
    const hash = DataHashAssertion.create('SHA-256', 0);
    hash.hash = new Uint8Array(digest);
    hash.exclusions = [];
    manifest.addAssertion(hash);
    await manifest.sign(this.signer);
    return { state: 'sidecar', manifestLabel: manifest.label ?? '', manifest: store.getBytes() };
  }

  private newManifest(store: ManifestStore, mediaType: string, claim: ProvenanceClaim): Manifest {
    const manifest = store.createManifest({
      claimVersion: CLAIM_V2,
      assetFormat: mediaType,
      instanceID: `xmp:iid:${randomUUID()}`,
      defaultHashAlgorithm: 'SHA-256',
      signer: this.signer,
    });
    // The library reserves room for a timestamp token; none is added, so far less is kept.
    manifest.signature = Signature.create(this.signer, SIGNATURE_ROOM);
    if (manifest.claim) {
      manifest.claim.claimGeneratorName = GENERATOR.name;
      manifest.claim.claimGeneratorVersion = GENERATOR.version;
      manifest.claim.title = `${claim.generationId}`;
    }
    return manifest;
  }

  /** One `inputTo` ingredient per input file, naming its asset and the sha256 of its bytes. */
  private addInputs(manifest: Manifest, claim: ProvenanceClaim) {
    return claim.inputs.map((input) => {
      const ingredient = IngredientAssertion.createV3(RelationshipType.InputTo);
      ingredient.title = input.assetId;
      ingredient.format = input.mediaType;
      ingredient.instanceID = `reelay:${input.assetId}`;
      ingredient.description = `sha256:${input.sha256}`;
      return this.add(manifest, ingredient);
    });
  }

  private addCreated(
    manifest: Manifest,
    claim: ProvenanceClaim,
    ingredients: ReturnType<C2paSigner['add']>[],
  ) {
    const actions = new ActionAssertion();
    actions.actions.push({
      action: ActionType.C2paCreated,
      digitalSourceType: DigitalSourceType.TrainedAlgorithmicMedia,
      softwareAgent: { name: claim.model },
      parameters: {
        ...(ingredients.length > 0 ? { ingredients } : {}),
        'com.reelay.model': claim.model,
        'com.reelay.provider': claim.provider,
        'com.reelay.generation_id': claim.generationId,
        'com.reelay.generated_at': claim.createdAt.toISOString(),
        'com.reelay.input_sha256': claim.inputs.map((input) => input.sha256),
      },
    });
    this.add(manifest, actions);
  }

  /** Adds an assertion and returns the claim's hashed reference to it (its hash filled in when signing). */
  private add(manifest: Manifest, assertion: Assertion) {
    manifest.addAssertion(assertion);
    const refs = manifest.claim?.assertions ?? [];
    const ref = refs[refs.length - 1];
    if (!ref) throw new Error('the assertion was not added to the claim');
    return ref;
  }
}
