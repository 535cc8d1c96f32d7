// Generated from the catalog by `npm run generate:types`; do not edit. A test fails when it is stale.

/** An asset of your account: `asset://asset_…`. */
export type AssetUri = `asset://${string}`;
/** A file inline: `data:image/png;base64,…`. */
export type DataUri = `data:${string}`;
/** A public https URL. */
export type HttpsUrl = `https://${string}`;

/** Input of kling-3.0-omni (Kling 3.0 Omni, video): Multi-scene video with native audio. It carries a character’s look and voice from a sample video into new scenes; audio must be off when that sample video is used. Made for coherent stories around one hero. */
export interface Kling3_0OmniInput {
  /** Scene and motion description. — at most 2500 characters */
  prompt: string;
  /** Frame shape: vertical 9:16, horizontal 16:9 or square 1:1. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1';
  /** Output resolution; 1080p costs more per second. — default "720p" */
  resolution?: '720p' | '1080p';
  /** Length of the video in whole seconds, 3 to 15. — 3–15 seconds, step 1; default 3 */
  duration?: number;
  /** Native audio (sound and speech). Available without a reference video; with one, audio must be off and defaults to off. — default true */
  audioEnabled?: boolean;
  /** A video whose character, look, voice and motion carry into the new video (video to video). With it, audio is off and at most 4 reference images may be added. — video */
  referenceVideo?: AssetUri | HttpsUrl | DataUri;
  /** Up to 7 reference images (4 with a reference video) as asset:// URIs, https URLs or data URIs. A single image becomes the first frame and is animated; two or more keep a subject, scene or style consistent. — image, at most 7 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of kling-3.0 (Kling 3.0, video): Kling’s flagship: clips up to 15 seconds and up to 4K, characters that stay the same across scenes, direction over several shots and native audio in many languages. */
export interface Kling3_0Input {
  /** What happens in the scene and how the camera and subjects move (up to 2500 characters). — at most 2500 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1';
  /** Output resolution (the short side of the frame): 720p, 1080p, 4k. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p' | '4k';
  /** Length of the video in whole seconds, 3 to 15; the price is per second. — 3–15 seconds, step 1; default 3 */
  duration?: number;
  /** Native audio (sound, ambience, speech) made with the picture; it has its own price rows. On by default; turn it off for a silent clip, cheaper except at 4K. — default true */
  audioEnabled?: boolean;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
  /** An image the video ends on (its last frame). Only together with startImage. — image */
  endImage?: AssetUri | HttpsUrl | DataUri;
}

/** Input of kling-3.0-motion (Kling 3.0 Motion, video): Transfers recorded motion, dance or gestures from a sample video onto a full-body character while keeping the face unchanged. For faithful choreography and a consistent look. */
export interface Kling3_0MotionInput {
  /** What happens in the scene and how the camera and subjects move (up to 2500 characters). — at most 2500 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
  /** Length of the video in whole seconds, 3 to 15; the price is per second. — 3–15 seconds, step 1; default 3 */
  duration?: number;
  /** No new audio is made: true keeps the motion video’s own sound (if it has any), false gives a silent clip. — default false */
  audioEnabled?: boolean;
  /** A photo of the character to animate, ideally full body; its face and look are kept. — image */
  referencePhoto: AssetUri | HttpsUrl | DataUri;
  /** A video of the motion, dance or gestures to transfer onto the character. — video */
  motionVideo: AssetUri | HttpsUrl | DataUri;
}

/** Input of kling-2.6 (Kling 2.6, video): Native audio in the same pass as the picture: speech, ambience and on-screen effects without separate dubbing. For budget clips and talking heads that need no multi-scene control. */
export interface Kling2_6Input {
  /** What happens in the scene and how the camera and subjects move (up to 2500 characters). — at most 2500 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
  /** Output resolution (the short side of the frame): 720p, 1080p. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p';
  /** Length of the video in seconds: 5 or 10; the price is per second. — 5–10 seconds, step 5; default 5 */
  duration?: number;
  /** Native audio (speech, ambience, effects), made only at 1080p: on by default there; at 720p it is off and true is refused. */
  audioEnabled?: boolean;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
}

/** Input of kling-2.6-motion (Kling 2.6 Motion, video): Motion control for simpler moves: transfers the motion of a reference video onto your character when the precision of 3.0 is not needed. */
export interface Kling2_6MotionInput {
  /** What happens in the scene and how the camera and subjects move (up to 2500 characters). — at most 2500 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
  /** Length of the video in whole seconds, 3 to 15; the price is per second. — 3–15 seconds, step 1; default 3 */
  duration?: number;
  /** No new audio is made: true keeps the motion video’s own sound (if it has any), false gives a silent clip. — default false */
  audioEnabled?: boolean;
  /** A photo of the character to animate, ideally full body; its face and look are kept. — image */
  referencePhoto: AssetUri | HttpsUrl | DataUri;
  /** A video of the motion, dance or gestures to transfer onto the character. — video */
  motionVideo: AssetUri | HttpsUrl | DataUri;
}

/** Input of kling-o1 (Kling O1, video): Combines up to seven views of one subject and keeps its appearance strictly the same through the whole clip. Good for character turnarounds, recurring heroes and product demos. */
export interface KlingO1Input {
  /** What happens in the scene and how the camera and subjects move. */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1';
  /** Output resolution (the short side of the frame): 720p, 1080p. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p';
  /** Length of the video in seconds: 5 or 10; the price is per second. — 5–10 seconds, step 5; default 5 */
  duration?: number;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
  /** An image the video ends on (its last frame). Only together with startImage. — image */
  endImage?: AssetUri | HttpsUrl | DataUri;
  /** A video whose subject, camera work or motion guides the new one (video to video). With it, at most 4 reference images and no start or end frame. — video */
  referenceVideo?: AssetUri | HttpsUrl | DataUri;
  /** Up to 7 views of the subject (4 with a reference video) as asset:// URIs, https URLs or data URIs; the video keeps its look consistent. — image, at most 7 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of happyhorse-1.0 (HappyHorse 1.0, video): Alibaba’s top video model: a clip with synchronised sound and lip sync in one pass. Cinematic multi-shot scenes with a prepared voiceover, from text, a first frame, reference images or an edit of a source video; 720p or 1080p. */
export interface Happyhorse1_0Input {
  /** What happens in the scene and how the camera and subjects move (up to 5000 characters). — at most 5000 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4';
  /** Output resolution (the short side of the frame): 720p, 1080p. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p';
  /** Length of the video in whole seconds, 3 to 15; the price is per second. — 3–15 seconds, step 1; default 3 */
  duration?: number;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
  /** A video to edit or restyle as the prompt says (video to video); the result keeps its motion. — video */
  sourceVideo?: AssetUri | HttpsUrl | DataUri;
  /** Up to 9 characters or objects to keep (5 when editing a sourceVideo), as asset:// URIs, https URLs or data URIs; the prompt can name them character1, character2… — image, at most 9 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of happyhorse-1.1 (HappyHorse 1.1, video): Alibaba video model with a focus on image quality and steady subjects, in nine frame shapes from 21:9 to 9:21. Starts from text, a first frame or up to nine reference images. */
export interface Happyhorse1_1Input {
  /** What happens in the scene and how the camera and subjects move (up to 5000 characters). — at most 5000 characters */
  prompt: string;
  /** Shape of the frame, width:height: 16:9, 1:1, 21:9, 3:4, 4:3, 4:5, 5:4, 9:16, 9:21. — default "9:16" */
  aspectRatio?: '16:9' | '1:1' | '21:9' | '3:4' | '4:3' | '4:5' | '5:4' | '9:16' | '9:21';
  /** Output resolution (the short side of the frame): 720p, 1080p. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p';
  /** Length of the video in whole seconds, 3 to 15; the price is per second. — 3–15 seconds, step 1; default 3 */
  duration?: number;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 9 characters or objects to keep, as asset:// URIs, https URLs or data URIs; the prompt can name them character1, character2… — image, at most 9 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of seedance-2.0-relaxed (Seedance 2.0 Relaxed, video): Seedance 2.0 with less strict moderation, for scenes with characters and references (images, video, voice) that the standard check blocks. Native audio, up to 1080p. */
export interface Seedance2_0RelaxedInput {
  /** What happens in the scene and how the camera and subjects move (up to 20000 characters). — at most 20000 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4, 21:9. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '21:9';
  /** Output resolution (the short side of the frame): 720p, 1080p, 480p. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p' | '480p';
  /** Length of the video in whole seconds, 4 to 15; the price is per second. — 4–15 seconds, step 1; default 4 */
  duration?: number;
  /** Native audio made with the picture, on by default; turning it off does not change the price, and some upstream routes always make sound. — default true */
  audioEnabled?: boolean;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
  /** An image the video ends on (its last frame). Only together with startImage. — image */
  endImage?: AssetUri | HttpsUrl | DataUri;
  /** A reference video whose motion, camera work or characters guide the clip. — video */
  referenceVideo?: AssetUri | HttpsUrl | DataUri;
  /** A second reference video whose motion, camera work or characters guide the clip; needs referenceVideo. — video */
  referenceVideo2?: AssetUri | HttpsUrl | DataUri;
  /** A third reference video whose motion, camera work or characters guide the clip; needs referenceVideo2. — video */
  referenceVideo3?: AssetUri | HttpsUrl | DataUri;
  /** A voiceover for the characters to speak in sync; needs reference images or a reference video. — audio */
  speechAudio?: AssetUri | HttpsUrl | DataUri;
  /** A second voiceover for the characters to speak in sync; needs speechAudio. — audio */
  speechAudio2?: AssetUri | HttpsUrl | DataUri;
  /** A third voiceover for the characters to speak in sync; needs speechAudio2. — audio */
  speechAudio3?: AssetUri | HttpsUrl | DataUri;
  /** Up to 9 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 9 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of veo-3.1-lite (Veo 3.1 Lite, video): The most affordable Veo tier: 8-second clips up to 1080p (no 4K) with native sound you can switch on or off. For social content in bulk where 4K is not needed. */
export interface Veo3_1LiteInput {
  /** What happens in the scene and how the camera and subjects move. */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9. — default "9:16" */
  aspectRatio?: '9:16' | '16:9';
  /** Output resolution (the short side of the frame): 720p, 1080p. Higher resolutions cost more per second. — default "720p" */
  resolution?: '720p' | '1080p';
  /** Length of the video: always 8 seconds. — 8–8 seconds, step 1; default 8 */
  duration?: number;
  /** Native audio (sound, ambience, speech) made with the picture; it has its own price rows. On by default; off gives a silent, cheaper clip. — default true */
  audioEnabled?: boolean;
  /** An image the video starts from (its first frame), as an asset:// URI, https URL or data URI. — image */
  startImage?: AssetUri | HttpsUrl | DataUri;
  /** An image the video ends on (its last frame). Only together with startImage. — image */
  endImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 3 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. Not together with startImage. — image, at most 3 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of gpt-image-2 (ChatGPT Images 2.0, image): OpenAI’s image model that reasons about composition before drawing: sharp lettering in dozens of languages and close instruction following. For infographics, slides, multilingual posters and whole-image edits at 1K, 2K or 4K. */
export interface GptImage2Input {
  /** What the image should show, or what to change in the source image. */
  prompt: string;
  /** Shape of the frame, width:height: 1:1, 2:3, 3:2, 4:3, 3:4, 4:5, 5:4, 16:9, 9:16, 21:9. — default "9:16" */
  aspectRatio?: '1:1' | '2:3' | '3:2' | '4:3' | '3:4' | '4:5' | '5:4' | '16:9' | '9:16' | '21:9';
  /** Rendering effort: low, medium or high. Higher quality takes longer and costs more. — default "medium" */
  quality?: 'low' | 'medium' | 'high';
  /** Output size by the long side (1K is about 1024 pixels): 1K, 2K, 4K. — default "1K" */
  imageSize?: '1K' | '2K' | '4K';
  /** The image to edit; the prompt says what to change. Without it a new image is made. — image */
  sourceImage?: AssetUri | HttpsUrl | DataUri;
  /** Optional mask marking the region of sourceImage to change. Only together with sourceImage. — image */
  maskImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 16 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 16 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of nano-banana (Nano Banana, image): The entry tier of Google’s image family: the cheapest 1K images, editing by conversation and blending of references. For volume work and quick drafts. */
export interface NanoBananaInput {
  /** What the image should show, or what to change in the source image. */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4, 2:3, 3:2, 21:9. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
  /** Output size by the long side (1K is about 1024 pixels): 1K. — default "1K" */
  imageSize?: '1K';
  /** The image to edit; the prompt says what to change. Without it a new image is made. — image */
  sourceImage?: AssetUri | HttpsUrl | DataUri;
  /** Optional mask marking the region of sourceImage to change. Only together with sourceImage. — image */
  maskImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 10 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 10 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of nano-banana-2 (Nano Banana 2, image): Close to Google’s flagship quality at Flash speed: up to 4K, clean lettering and characters kept consistent from references. Pro-level results, faster and cheaper. */
export interface NanoBanana2Input {
  /** What the image should show, or what to change in the source image. */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4, 2:3, 3:2, 21:9. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
  /** Output size by the long side (1K is about 1024 pixels): 1K, 2K, 4K. — default "1K" */
  imageSize?: '1K' | '2K' | '4K';
  /** The image to edit; the prompt says what to change. Without it a new image is made. — image */
  sourceImage?: AssetUri | HttpsUrl | DataUri;
  /** Optional mask marking the region of sourceImage to change. Only together with sourceImage. — image */
  maskImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 14 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 14 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of grok-imagine (Grok Imagine, image): The base xAI image tier: makes and edits whole images from text without masks, and composes from several references. For quick concepts and conversational edits when Pro precision is not needed. */
export interface GrokImagineInput {
  /** What the image should show, or what to change in the source image. */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 2:3, 3:2. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '2:3' | '3:2';
  /** The image to edit; the prompt says what to change. Without it a new image is made. — image */
  sourceImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 5 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 5 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of seedream-5 (Seedream 5, image): Thinks through complex prompts and can look things up on the web: scenes with many objects, topical visuals and edits that follow an example. Output up to 3K. */
export interface Seedream5Input {
  /** What the image should show, or what to change in the source image. */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4, 2:3, 3:2, 21:9. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
  /** Output size by the long side (1K is about 1024 pixels): 2K, 3K. — default "2K" */
  imageSize?: '2K' | '3K';
  /** The image to edit; the prompt says what to change. Without it a new image is made. — image */
  sourceImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 14 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 14 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Input of seedream-4.5 (Seedream 4.5, image): Cinematic lighting and characters that stay the same from image to image: product catalogues, character sheets and edits guided by references. A dependable workhorse at 2K or 4K with up to 14 references. */
export interface Seedream4_5Input {
  /** What the image should show, or what to change in the source image (up to 3000 characters). — at most 3000 characters */
  prompt: string;
  /** Shape of the frame, width:height: 9:16, 16:9, 1:1, 4:3, 3:4, 2:3, 3:2, 21:9. — default "9:16" */
  aspectRatio?: '9:16' | '16:9' | '1:1' | '4:3' | '3:4' | '2:3' | '3:2' | '21:9';
  /** Output size by the long side (1K is about 1024 pixels): 2K, 4K. — default "2K" */
  imageSize?: '2K' | '4K';
  /** The image to edit; the prompt says what to change. Without it a new image is made. — image */
  sourceImage?: AssetUri | HttpsUrl | DataUri;
  /** Up to 14 reference images (asset:// URIs, https URLs or data URIs) whose subject, look or style the result keeps. — image, at most 14 */
  referenceAssetUris?: (AssetUri | HttpsUrl | DataUri)[];
}

/** Every model of the catalog, by id: its type and its input. */
export interface ModelInputs {
  'kling-3.0-omni': { type: 'video'; input: Kling3_0OmniInput };
  'kling-3.0': { type: 'video'; input: Kling3_0Input };
  'kling-3.0-motion': { type: 'video'; input: Kling3_0MotionInput };
  'kling-2.6': { type: 'video'; input: Kling2_6Input };
  'kling-2.6-motion': { type: 'video'; input: Kling2_6MotionInput };
  'kling-o1': { type: 'video'; input: KlingO1Input };
  'happyhorse-1.0': { type: 'video'; input: Happyhorse1_0Input };
  'happyhorse-1.1': { type: 'video'; input: Happyhorse1_1Input };
  'seedance-2.0-relaxed': { type: 'video'; input: Seedance2_0RelaxedInput };
  'veo-3.1-lite': { type: 'video'; input: Veo3_1LiteInput };
  'gpt-image-2': { type: 'image'; input: GptImage2Input };
  'nano-banana': { type: 'image'; input: NanoBananaInput };
  'nano-banana-2': { type: 'image'; input: NanoBanana2Input };
  'grok-imagine': { type: 'image'; input: GrokImagineInput };
  'seedream-5': { type: 'image'; input: Seedream5Input };
  'seedream-4.5': { type: 'image'; input: Seedream4_5Input };
}
