/**
 * C2PA provenance of stored outputs: what a manifest says about an output, and what became of signing it.
 * The implementation is in c2pa-signer.ts; the gateway only sees this interface.
 */

/** An input file of the generation, recorded as an ingredient of the output's manifest. */
export interface ProvenanceInput {
  assetId: string;
  mediaType: string;
  /** Hex sha256 of the input's stored bytes. */
  sha256: string;
}

/** What the manifest of one output states. */
export interface ProvenanceClaim {
  generationId: string;
  /** The catalog model id that made it. */
  model: string;
  /** The provider that ran it (`local` for the local renderer, else an upstream id). */
  provider: string;
  /** When the generation was created. */
  createdAt: Date;
  inputs: readonly ProvenanceInput[];
}

/**
 * What became of an output:
 * - `signed`: the manifest is embedded in the file, which was rewritten in place (its size and hash change);
 * - `sidecar`: the file is unchanged and the manifest, bound to its bytes by a hash, is stored beside it;
 * - `unsigned`: no manifest was made, for the reason given (the output is kept all the same).
 */
export type ProvenanceOutcome =
  | {
      state: 'signed';
      manifestLabel: string;
      keptManifest: boolean;
      /** Size and hex sha256 of the file as rewritten, from the bytes written (so it need not be read again). */
      bytes: number;
      sha256: string;
    }
  | { state: 'sidecar'; manifestLabel: string; manifest: Uint8Array }
  | { state: 'unsigned'; reason: string };

/** Signs one output file in place (when its format allows) or makes a sidecar manifest for it. */
export interface ProvenanceSigner {
  /**
   * `sha256` is the hex hash of the file as it is now, when the caller knows it: a sidecar manifest binds to the
   * unchanged file by that hash, so the file (a video may be large) is not read again to make it.
   */
  sign(file: string, mediaType: string, claim: ProvenanceClaim, sha256?: string): Promise<ProvenanceOutcome>;
}

/** The state recorded on an asset: the outcome's, or `disabled` when the output was stored without trying. */
export type ProvenanceState = ProvenanceOutcome['state'] | 'disabled';

/** The media type a sidecar manifest store is served as. */
export const SIDECAR_MEDIA_TYPE = 'application/c2pa';
