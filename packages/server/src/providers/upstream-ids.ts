/** The upstream APIs Reelay can run models on, in the order a model's default route tries them. */
export const UPSTREAM_IDS = ['kling', 'fal', 'replicate'] as const;

export type UpstreamId = (typeof UPSTREAM_IDS)[number];

/** Every provider a route may name: the upstreams and the built-in renderer. */
export const PROVIDER_IDS: readonly string[] = ['local', ...UPSTREAM_IDS];
