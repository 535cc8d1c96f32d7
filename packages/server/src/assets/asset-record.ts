import type { MediaKind } from '@reelay/catalog';

/** An asset row as the gateway uses it. */
export interface AssetRecord {
  id: string;
  accountId: string;
  kind: MediaKind;
  mediaType: string;
  bytes: number;
  sha256: string;
  width: number | null;
  height: number | null;
  durationSeconds: number | null;
  hasAudio: boolean | null;
  fps: number | null;
  videoCodec: string | null;
  audioCodec: string | null;
  storageKey: string;
  source: 'upload' | 'data' | 'url' | 'output';
  /** The https:// URL a `url` asset was fetched from. */
  sourceUrl: string | null;
  generationId: string | null;
  createdAt: Date;
}
