-- claimkit PostgreSQL staging database: install or upgrade.
--
--	psql -X -v ON_ERROR_STOP=1 -f sql/postgresql/install.sql
--	make db            (the same, connection from the PG* environment)
--
-- The schema is versioned: staging.schema_version holds one row per
-- migration applied.  Each numbered file under migrations/ is one
-- transaction that does its changes and records its version; this file
-- applies, in order, the ones the database does not have yet.  Re-applying
-- install.sql to an up-to-date database changes nothing, and an older
-- database is brought forward by the files it lacks.  A later version adds
-- migrations/NNNN_name.sql and one \if block below; files already
-- released are never edited.
--
-- The layout and the departures from the seed systems are described in
-- claimkit-schema(5) and in the comments of each migration.

\set ON_ERROR_STOP 1
\set QUIET on
SET client_min_messages = warning;

-- Two installs at once (two CI jobs, two operators) must not interleave.
SELECT pg_advisory_lock(hashtext('claimkit.schema')) \gset ck_lock_

CREATE SCHEMA IF NOT EXISTS staging;
CREATE TABLE IF NOT EXISTS staging.schema_version (
	version		integer PRIMARY KEY,
	description	text NOT NULL,
	applied_at	timestamptz NOT NULL DEFAULT now(),
	applied_by	text NOT NULL DEFAULT current_user
);

SELECT NOT EXISTS (SELECT 1 FROM staging.schema_version WHERE version = 1)
    AS ck_need_0001 \gset
\if :ck_need_0001
\ir migrations/0001_initial.sql
\endif

SELECT pg_advisory_unlock(hashtext('claimkit.schema')) \gset ck_lock_
