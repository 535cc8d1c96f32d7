import type { MediaKind } from '@reelay/catalog';
import type { Provider, ResolvedMedia } from './provider.ts';

/**
 * How input files reach upstreams (`REELAY_UPSTREAM_INPUTS`): `auto` hands out signed links when upstreams can
 * reach them (an https public URL or presigning storage) and otherwise uses each upstream's own file hand-over
 * (fal storage, Replicate files, Kling inline images); `upload` prefers the hand-over even when links would
 * work; `link` never uploads.
 */
export type InputDeliveryPreference = 'auto' | 'upload' | 'link';

export interface InputDelivery {
  preference: InputDeliveryPreference;
  /** Whether the signed links of this gateway can be fetched from the internet (they are https). */
  linksReachable: boolean;
}

/** How one file goes to one upstream. */
export type DeliveryWay = 'link' | 'upload' | 'inline';

/** The way `provider` receives `file` with this configuration, or null when it cannot receive it at all. */
export function deliveryWay(
  provider: Provider,
  file: { kind: MediaKind; mediaType: string; bytes: number },
  delivery: InputDelivery,
): DeliveryWay | null {
  const own = provider.files?.accepts(file) ? provider.files.way : null;
  const link = delivery.linksReachable ? 'link' : null;
  if (delivery.preference === 'link') return link;
  if (delivery.preference === 'upload') return own ?? link;
  return link ?? own;
}

/** Stands for a file's URL while a route is assessed; the real one is made only for the provider chosen. */
export const PLANNED_URL = 'planned:';

/**
 * The files as `provider` would see them: a planned URL where it can receive the file, null where it cannot
 * (its mapping then names the file as a problem). The local renderer reads files, not URLs.
 */
export function plannedMedia(
  provider: Provider,
  media: readonly ResolvedMedia[],
  delivery: InputDelivery,
): ResolvedMedia[] {
  if (provider.id === 'local') return [...media];
  return media.map((m) => ({ ...m, url: deliveryWay(provider, m, delivery) === null ? null : PLANNED_URL }));
}
