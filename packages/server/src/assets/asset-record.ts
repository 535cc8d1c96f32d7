import type { KeyMode } from '../key-mode.ts';
import type { ProvenanceState } from '../provenance/provenance-signer.ts';
import type { MediaFacts } from './identify-media.ts';

/** An asset row as the gateway uses it: the facts read from its bytes, and where it came from. */
export interface AssetRecord extends MediaFacts {
  id: string;
  accountId: string;
  /** The world it lives in: the mode of the key that sent it, or of the generation that made it. */
  mode: KeyMode;
  bytes: number;
  sha256: string;
  storageKey: string;
  /** Where its thumbnail is stored (outputs that are images or videos); null when it has none. */
  thumbnailKey: string | null;
  /** What became of its C2PA manifest (outputs only; null for uploads and fetched inputs). */
  provenance: ProvenanceState | null;
  /** Why an `unsigned` output has no manifest; null otherwise. */
  provenanceReason: string | null;
  /** Where its sidecar manifest store is kept (`sidecar` outputs); null otherwise. */
  manifestKey: string | null;
  source: 'upload' | 'data' | 'url' | 'output';
  /** The https:// URL a `url` asset was fetched from. */
  sourceUrl: string | null;
  generationId: string | null;
  /** When the sweeper may delete its bytes (null: kept until deleted, or by the server's retention setting). */
  expiresAt: Date | null;
  /** When its bytes were deleted; the row stays so a client learns why the file is gone. */
  deletedAt: Date | null;
  /** Why its bytes are gone: deleted on request (with its generation) or expired. */
  deletedReason: 'deleted' | 'expired' | null;
  createdAt: Date;
}

/** What a new asset's row is written from: the row's own bookkeeping (creation, deletion) comes later. */
export type NewAsset = Omit<AssetRecord, 'createdAt' | 'deletedAt' | 'deletedReason'>;
