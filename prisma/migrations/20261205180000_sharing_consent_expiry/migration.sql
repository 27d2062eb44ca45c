-- The consent to read other institutions' 6情報 gets its expiry, where it was recorded, and a withdrawal that names
-- who and why (lib/sharing/consent, docs/decisions/0040). Rows written before have the same 24 h expiry.
ALTER TABLE "SharingConsent" ADD COLUMN     "expiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "revokeReason" TEXT,
ADD COLUMN     "revokedById" TEXT,
ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'reception';

-- through UTC wall-clock time: timestamptz + interval is STABLE, which Citus refuses in a distributed UPDATE
UPDATE "SharingConsent" SET "expiresAt" = (("givenAt" AT TIME ZONE 'UTC') + interval '24 hours') AT TIME ZONE 'UTC' WHERE "expiresAt" IS NULL;

ALTER TABLE "SharingConsent" ALTER COLUMN "expiresAt" SET NOT NULL;

ALTER TABLE "SharingConsent" ADD CONSTRAINT "SharingConsent_source_check" CHECK ("source" IN ('reception', 'chart', 'reader'));

ALTER TABLE "SharingConsent" ADD CONSTRAINT "SharingConsent_scope_check" CHECK (cardinality("scope") > 0 AND "scope" <@ ARRAY['diagnoses', 'allergies', 'labs']::TEXT[]);

ALTER TABLE "SharingConsent" ADD CONSTRAINT "SharingConsent_expiry_check" CHECK ("expiresAt" > "givenAt");
