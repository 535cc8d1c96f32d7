-- The input media of a generation, taken from its model's media fields when it is created:
-- [{"field": "referenceAssetUris", "index": 0, "assetId": "asset_…"}, …], with a null index for a one-file slot.
-- Workers and the asset deletion guard read this list and nothing else of the input, so a prompt (or any other
-- text) that happens to start with asset:// is never taken for a file.
ALTER TABLE generations ADD COLUMN media_refs jsonb NOT NULL DEFAULT '[]';

-- Generations from before: their refs are read from the media fields their model has as this is written (the
-- catalog's slots, in field order), never from other strings. A media field of a stored input only ever holds
-- an asset:// URI, since https: and data: inputs become assets before the generation is created.
WITH slots (model, pos, field, list) AS (VALUES
  ('kling-3.0-omni', 1, 'referenceVideo', false),
  ('kling-3.0-omni', 2, 'referenceAssetUris', true),
  ('kling-3.0', 1, 'startImage', false),
  ('kling-3.0', 2, 'endImage', false),
  ('kling-3.0-motion', 1, 'referencePhoto', false),
  ('kling-3.0-motion', 2, 'motionVideo', false),
  ('kling-2.6', 1, 'startImage', false),
  ('kling-2.6-motion', 1, 'referencePhoto', false),
  ('kling-2.6-motion', 2, 'motionVideo', false),
  ('kling-o1', 1, 'startImage', false),
  ('kling-o1', 2, 'endImage', false),
  ('kling-o1', 3, 'referenceVideo', false),
  ('kling-o1', 4, 'referenceAssetUris', true),
  ('happyhorse-1.0', 1, 'startImage', false),
  ('happyhorse-1.0', 2, 'sourceVideo', false),
  ('happyhorse-1.0', 3, 'referenceAssetUris', true),
  ('happyhorse-1.1', 1, 'startImage', false),
  ('happyhorse-1.1', 2, 'referenceAssetUris', true),
  ('seedance-2.0-relaxed', 1, 'startImage', false),
  ('seedance-2.0-relaxed', 2, 'endImage', false),
  ('seedance-2.0-relaxed', 3, 'referenceVideo', false),
  ('seedance-2.0-relaxed', 4, 'referenceVideo2', false),
  ('seedance-2.0-relaxed', 5, 'referenceVideo3', false),
  ('seedance-2.0-relaxed', 6, 'speechAudio', false),
  ('seedance-2.0-relaxed', 7, 'speechAudio2', false),
  ('seedance-2.0-relaxed', 8, 'speechAudio3', false),
  ('seedance-2.0-relaxed', 9, 'referenceAssetUris', true),
  ('veo-3.1-lite', 1, 'startImage', false),
  ('veo-3.1-lite', 2, 'endImage', false),
  ('veo-3.1-lite', 3, 'referenceAssetUris', true),
  ('gpt-image-2', 1, 'sourceImage', false),
  ('gpt-image-2', 2, 'maskImage', false),
  ('gpt-image-2', 3, 'referenceAssetUris', true),
  ('nano-banana', 1, 'sourceImage', false),
  ('nano-banana', 2, 'maskImage', false),
  ('nano-banana', 3, 'referenceAssetUris', true),
  ('nano-banana-2', 1, 'sourceImage', false),
  ('nano-banana-2', 2, 'maskImage', false),
  ('nano-banana-2', 3, 'referenceAssetUris', true),
  ('grok-imagine', 1, 'sourceImage', false),
  ('grok-imagine', 2, 'referenceAssetUris', true),
  ('seedream-5', 1, 'sourceImage', false),
  ('seedream-5', 2, 'referenceAssetUris', true),
  ('seedream-4.5', 1, 'sourceImage', false),
  ('seedream-4.5', 2, 'referenceAssetUris', true)
),
items AS (
  SELECT g.id, s.pos, item.idx, jsonb_build_object('field', s.field, 'index', item.idx,
    'assetId', substr(item.uri, length('asset://') + 1)) AS ref
  FROM generations g
  JOIN slots s ON s.model = g.model
  CROSS JOIN LATERAL (
    SELECT e.uri, (e.ord - 1)::int AS idx
    FROM jsonb_array_elements_text(CASE WHEN s.list AND jsonb_typeof(g.input -> s.field) = 'array'
      THEN g.input -> s.field ELSE '[]'::jsonb END) WITH ORDINALITY AS e(uri, ord)
    UNION ALL
    SELECT g.input ->> s.field, NULL::int WHERE NOT s.list AND jsonb_typeof(g.input -> s.field) = 'string'
  ) item
  WHERE left(item.uri, length('asset://')) = 'asset://'
),
refs AS (SELECT id, jsonb_agg(ref ORDER BY pos, idx) AS media_refs FROM items GROUP BY id)
UPDATE generations g SET media_refs = refs.media_refs FROM refs WHERE g.id = refs.id;
