-- Input files handed to an upstream through its own file API (fal storage, Replicate files): made once per asset
-- and upstream, and sent again while still valid. expires_at is when the upstream drops the file (null: never
-- said); deleting the asset forgets its uploads.
CREATE TABLE upstream_files (
  asset_id   text NOT NULL REFERENCES assets(id) ON DELETE CASCADE,
  upstream   text NOT NULL,
  url        text NOT NULL,
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (asset_id, upstream)
);
