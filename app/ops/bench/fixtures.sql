-- The benchmark's clients, on a seeded database (bench.sh runs this
-- after seed-scale.sql).  Sessions are made here rather than by logging
-- in (70 ms of scrypt each): the token of user u is 'b' followed by u
-- padded to 42 digits, stored as its SHA-256 like every token, so that
-- the pgbench scripts can compute the same token from a random id.  The
-- accounts of the login test get the demo applicant's password.
\set ON_ERROR_STOP on

CREATE FUNCTION pg_temp.tok(uid bigint) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT 'b' || lpad($1::text, 42, '0') $$;

-- Sessions for everyone who will call: staff, applicants, reviewers.
INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at,
    expires_at, client_ip, user_agent)
SELECT sha256(convert_to(pg_temp.tok(u.id), 'UTF8')), u.id, now(), now(),
	now() + interval '1 day', '127.0.0.1', 'sen-bench'
FROM users u WHERE u.email LIKE '%@bench.sen.example'
  AND u.role IN ('staff', 'applicant', 'reviewer');

-- Logins: 200 applicants with a known password.
UPDATE users SET password_hash = (SELECT password_hash FROM users
    WHERE email = 'applicant@sen.example'), password_changed_at = now()
WHERE id IN (SELECT id FROM users WHERE role = 'applicant'
    AND email LIKE '%@bench.sen.example' ORDER BY id LIMIT 200);

ANALYZE sessions;
ANALYZE users;
