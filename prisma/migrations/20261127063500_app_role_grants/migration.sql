-- The application's database privileges (docs/decisions/0009). Production connects as a LOGIN role that is a
-- member of karte_app; migrations run as the schema owner; dev and CI connect as the owner.
-- Roles are cluster-wide (another database on the server may have created it already): create it only if missing.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'karte_app') THEN
    CREATE ROLE karte_app NOLOGIN;
  END IF;
EXCEPTION
  -- two databases migrating at the same moment
  WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

-- No CREATE on the schema, no TRUNCATE, REFERENCES or TRIGGER anywhere: the app changes rows, never the schema.
GRANT USAGE ON SCHEMA public TO karte_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO karte_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO karte_app;

-- Append-only tables: the app may add and read rows, never change or remove them.
--   AuditEvent        アクセスログ (its trigger also rejects UPDATE/DELETE/TRUNCATE for the owner)
--   PatientRevision   snapshots of each change to a patient's demographics
--   VisitStatusChange the history of a visit's status
-- (Versioned clinical records keep UPDATE/DELETE: superseding flips isLatest and drafts may be deleted; their
-- triggers protect anything that left draft.)
REVOKE UPDATE, DELETE ON "AuditEvent", "PatientRevision", "VisitStatusChange" FROM karte_app;

-- Migration bookkeeping belongs to the owner.
DO $$
BEGIN
  IF to_regclass('public._prisma_migrations') IS NOT NULL THEN
    REVOKE ALL ON TABLE public."_prisma_migrations" FROM karte_app;
  END IF;
END $$;

-- Tables and sequences created by later migrations (run by this same owner) get the ordinary grants.
-- A new audit-like (append-only) table must REVOKE UPDATE, DELETE on it from karte_app in its own migration.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO karte_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO karte_app;
