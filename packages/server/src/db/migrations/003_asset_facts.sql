-- What probing found, recorded on each asset: frame rate and codecs (width, height, duration, audio are in 001).
ALTER TABLE assets ADD COLUMN fps double precision;
ALTER TABLE assets ADD COLUMN video_codec text;
ALTER TABLE assets ADD COLUMN audio_codec text;

-- Assets fetched from an https:// input keep the URL they came from.
ALTER TABLE assets ADD COLUMN source_url text;
ALTER TABLE assets DROP CONSTRAINT assets_source_check;
ALTER TABLE assets ADD CONSTRAINT assets_source_check CHECK (source IN ('upload', 'data', 'url', 'output'));

-- The retention sweeper walks assets oldest first.
CREATE INDEX assets_created ON assets (created_at);
