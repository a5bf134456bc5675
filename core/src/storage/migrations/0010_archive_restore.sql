-- LicenseDesk schema 10: a safety archive can be restored once (issue 21), and the archives of
-- one bulk removal are linked so that the whole removal can be restored in one step.

-- When and by which account the archive's license and data were put back; NULL until then.
ALTER TABLE safety_archives ADD COLUMN restored_at TEXT;
ALTER TABLE safety_archives ADD COLUMN restored_by INTEGER REFERENCES accounts (id);
-- The lowest archive id of the bulk removal that wrote this archive; NULL for a single removal.
ALTER TABLE safety_archives ADD COLUMN batch_id INTEGER;
CREATE INDEX safety_archives_by_batch ON safety_archives (batch_id) WHERE batch_id IS NOT NULL;
