import type { KeyMode } from '../key-mode.ts';
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
  source: 'upload' | 'data' | 'url' | 'output';
  /** The https:// URL a `url` asset was fetched from. */
  sourceUrl: string | null;
  generationId: string | null;
  createdAt: Date;
}
