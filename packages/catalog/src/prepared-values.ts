// Generated from the catalog by `npm run generate:types`; do not edit. A test fails when it is stale.

/**
 * Every model's input as `prepare` leaves it, by model id: required fields and fields with a default
 * are always there; media fields hold the URIs given (the server resolves them into files).
 */
export interface PreparedInputs {
  'kling-3.0-omni': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1';
    resolution: '720p' | '1080p';
    duration: number;
    audioEnabled: boolean;
    referenceVideo?: string;
    referenceAssetUris?: string[];
  };
  'kling-3.0': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1';
    resolution: '720p' | '1080p' | '4k';
    duration: number;
    audioEnabled: boolean;
    startImage?: string;
    endImage?: string;
  };
  'kling-3.0-motion': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
    duration: number;
    audioEnabled: boolean;
    referencePhoto: string;
    motionVideo: string;
  };
  'kling-2.6': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
    resolution: '720p' | '1080p';
    duration: number;
    audioEnabled?: boolean;
    startImage?: string;
  };
  'kling-2.6-motion': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
    duration: number;
    audioEnabled: boolean;
    referencePhoto: string;
    motionVideo: string;
  };
  'kling-o1': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1';
    resolution: '720p' | '1080p';
    duration: number;
    startImage?: string;
    endImage?: string;
    referenceVideo?: string;
    referenceAssetUris?: string[];
  };
  'happyhorse-1.0': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
    resolution: '720p' | '1080p';
    duration: number;
    startImage?: string;
    sourceVideo?: string;
    referenceAssetUris?: string[];
  };
  'happyhorse-1.1': {
    prompt: string;
    aspectRatio: '16:9' | '1:1' | '21:9' | '3:4' | '4:3' | '4:5' | '5:4' | '9:16' | '9:21';
    resolution: '720p' | '1080p';
    duration: number;
    startImage?: string;
    referenceAssetUris?: string[];
  };
  'seedance-2.0-relaxed': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '21:9';
    resolution: '720p' | '1080p' | '480p';
    duration: number;
    audioEnabled: boolean;
    startImage?: string;
    endImage?: string;
    referenceVideo?: string;
    referenceVideo2?: string;
    referenceVideo3?: string;
    speechAudio?: string;
    speechAudio2?: string;
    speechAudio3?: string;
    referenceAssetUris?: string[];
  };
  'veo-3.1-lite': {
    prompt: string;
    aspectRatio: '9:16' | '16:9';
    resolution: '720p' | '1080p';
    duration: number;
    audioEnabled: boolean;
    startImage?: string;
    endImage?: string;
    referenceAssetUris?: string[];
  };
  'gpt-image-2': {
    prompt: string;
    aspectRatio: '1:1' | '2:3' | '3:2' | '4:3' | '3:4' | '4:5' | '5:4' | '16:9' | '9:16' | '21:9';
    quality: 'low' | 'medium' | 'high';
    imageSize: '1K' | '2K' | '4K';
    sourceImage?: string;
    maskImage?: string;
    referenceAssetUris?: string[];
  };
  'nano-banana': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
    imageSize: '1K';
    sourceImage?: string;
    maskImage?: string;
    referenceAssetUris?: string[];
  };
  'nano-banana-2': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
    imageSize: '1K' | '2K' | '4K';
    sourceImage?: string;
    maskImage?: string;
    referenceAssetUris?: string[];
  };
  'grok-imagine': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '2:3' | '3:2';
    sourceImage?: string;
    referenceAssetUris?: string[];
  };
  'seedream-5': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
    imageSize: '2K' | '3K';
    sourceImage?: string;
    referenceAssetUris?: string[];
  };
  'seedream-4.5': {
    prompt: string;
    aspectRatio: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
    imageSize: '2K' | '4K';
    sourceImage?: string;
    referenceAssetUris?: string[];
  };
}

/** The media fields (slots) of every model, by model id. */
export interface MediaSlots {
  'kling-3.0-omni': 'referenceVideo' | 'referenceAssetUris';
  'kling-3.0': 'startImage' | 'endImage';
  'kling-3.0-motion': 'referencePhoto' | 'motionVideo';
  'kling-2.6': 'startImage';
  'kling-2.6-motion': 'referencePhoto' | 'motionVideo';
  'kling-o1': 'startImage' | 'endImage' | 'referenceVideo' | 'referenceAssetUris';
  'happyhorse-1.0': 'startImage' | 'sourceVideo' | 'referenceAssetUris';
  'happyhorse-1.1': 'startImage' | 'referenceAssetUris';
  'seedance-2.0-relaxed':
    | 'startImage'
    | 'endImage'
    | 'referenceVideo'
    | 'referenceVideo2'
    | 'referenceVideo3'
    | 'speechAudio'
    | 'speechAudio2'
    | 'speechAudio3'
    | 'referenceAssetUris';
  'veo-3.1-lite': 'startImage' | 'endImage' | 'referenceAssetUris';
  'gpt-image-2': 'sourceImage' | 'maskImage' | 'referenceAssetUris';
  'nano-banana': 'sourceImage' | 'maskImage' | 'referenceAssetUris';
  'nano-banana-2': 'sourceImage' | 'maskImage' | 'referenceAssetUris';
  'grok-imagine': 'sourceImage' | 'referenceAssetUris';
  'seedream-5': 'sourceImage' | 'referenceAssetUris';
  'seedream-4.5': 'sourceImage' | 'referenceAssetUris';
}

/** A catalog model id. */
export type ModelId = keyof PreparedInputs;

/** The prepared input of model `M` (`PreparedValues<'kling-3.0-omni'>`). */
export type PreparedValues<M extends ModelId> = PreparedInputs[M];

/** The media fields of model `M`. */
export type MediaSlot<M extends ModelId> = MediaSlots[M];
