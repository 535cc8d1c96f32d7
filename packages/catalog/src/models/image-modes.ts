import type { NormalisedInput } from '../types.ts';

/** The modes of every image model of the catalog, as the reference names them. */
export const IMAGE_MODES = ['text_to_image', 'image_edit', 'image_reference'] as const;

/** A source image makes an edit; reference images alone a referenced image; nothing a picture from text. */
export function selectImageMode(input: NormalisedInput): string {
  if (input.sourceImage !== undefined) return 'image_edit';
  if (Array.isArray(input.referenceAssetUris) && input.referenceAssetUris.length > 0)
    return 'image_reference';
  return 'text_to_image';
}

/** What every image model's notes say about modes. */
export const IMAGE_MODE_NOTE =
  'Mode follows the slots: a sourceImage makes image_edit (reference images may guide the edit); reference images alone make image_reference; nothing makes text_to_image. One image is made per request and priced flat.';
