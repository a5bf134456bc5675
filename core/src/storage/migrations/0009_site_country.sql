-- LicenseDesk schema: each site's country (ISO 3166 alpha-2), the country an imported phone
-- number written without its country code is read in (issue 24). Sites so far are in the US,
-- where the demo and every organization set up before this version were.

ALTER TABLE sites ADD COLUMN country TEXT NOT NULL DEFAULT 'US'
    CHECK (length(country) = 2 AND country NOT GLOB '*[^A-Z]*');
