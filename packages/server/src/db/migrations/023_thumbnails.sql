-- A small picture of an output (an image scaled down, a frame of a video), stored beside its file; null when none
-- was made (audio, or making one failed). Its bytes go whenever the asset's bytes go.
ALTER TABLE assets ADD COLUMN thumbnail_key text;
