-- C2PA provenance of outputs. `provenance` says what became of an output's manifest: `signed` (embedded in the
-- file), `sidecar` (a manifest store beside the unchanged file, at `manifest_key`), `unsigned` (none could be made:
-- `provenance_reason` says why; the output is kept all the same) or `disabled` (the request or the operator turned
-- it off). Null for assets that are not outputs (uploads and fetched inputs), and for outputs stored before this.
ALTER TABLE assets ADD COLUMN provenance text CHECK (provenance IN ('signed', 'sidecar', 'unsigned', 'disabled'));
ALTER TABLE assets ADD COLUMN provenance_reason text;
ALTER TABLE assets ADD COLUMN manifest_key text;

-- Whether an account's outputs get a manifest: false only where the operator allows opting out (set with the admin
-- API), and heeded only while the operator still allows it.
ALTER TABLE accounts ADD COLUMN provenance boolean NOT NULL DEFAULT true;

-- Whether a generation's outputs get a manifest: false only when its request said `provenance: false` and the
-- operator allows that.
ALTER TABLE generations ADD COLUMN provenance boolean NOT NULL DEFAULT true;
