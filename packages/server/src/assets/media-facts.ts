/** The probed facts of a media file, each present only when known. */
export interface PresentFacts {
  width?: number;
  height?: number;
  durationSeconds?: number;
  hasAudio?: boolean;
}

type MaybeFacts = {
  width?: number | null;
  height?: number | null;
  durationSeconds?: number | null;
  hasAudio?: boolean | null;
};

/** Keeps the facts that are known, dropping null and undefined ones, for JSON answers. */
export function presentFacts(f: MaybeFacts): PresentFacts {
  const out: PresentFacts = {};
  if (f.width != null) out.width = f.width;
  if (f.height != null) out.height = f.height;
  if (f.durationSeconds != null) out.durationSeconds = f.durationSeconds;
  if (f.hasAudio != null) out.hasAudio = f.hasAudio;
  return out;
}
