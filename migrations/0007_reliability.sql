-- 0007 Reliability: retries that do not act twice.
--
-- A phone on a weak connection sends a request, the answer is lost, and
-- the app sends it again.  For the requests where acting twice would do
-- harm (a submission, a screening decision, a verified claim, a check-in
-- and later decisions and disbursements), the client sends an
-- Idempotency-Key header with a value of its own choosing, the same for
-- every try of one action.  The first try that succeeds stores its answer
-- here, in the same transaction as its effect: either both are there or
-- neither is.  A retry with the same key and the same body gets the
-- stored answer again without acting; the same key with another request
-- is refused.  See app/core/idempotency.c.
--
-- Keys are per user (two women may well pick the same key) and live 24
-- hours: a retry comes within minutes, and the answers held here may hold
-- personal data, which is kept no longer than it serves.

CREATE TABLE idempotency_keys (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id		bigint NOT NULL REFERENCES users (id)
			    ON DELETE CASCADE,
	key		text NOT NULL
			    CONSTRAINT idempotency_keys_key_check
			    CHECK (key ~ '^[!-~]{1,255}$'),
	-- The request the key was first used for: method, path and the
	-- SHA-256 of its body.
	method		text NOT NULL,
	path		text NOT NULL,
	request_hash	bytea NOT NULL
			    CONSTRAINT idempotency_keys_request_hash_check
			    CHECK (length(request_hash) = 32),
	-- Its answer: NULL while it has none (see idempotency.c: an answer
	-- stored after the commit that a crash could lose).
	status		int
			    CONSTRAINT idempotency_keys_status_check
			    CHECK (status BETWEEN 100 AND 599),
	body		text,
	-- The headers that go with the answer (ETag, Location).
	headers		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL
			    DEFAULT now() + interval '24 hours',
	CONSTRAINT idempotency_keys_user_key_key UNIQUE (user_id, key)
);

-- The housekeeping timer deletes expired keys.
CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at);

COMMENT ON TABLE idempotency_keys IS
    'Answers to retried requests (Idempotency-Key), 24 hours; not audited: '
    'the effect of each request is, in the same transaction';

-- Claim a key for a request, inside the request's own transaction.  A
-- concurrent request holding the same key makes this wait until its
-- transaction ends (the unique key); then the key is either free again
-- (that request rolled back) or taken, and NULL comes back.  An expired
-- key is taken over.
CREATE FUNCTION idempotency_claim(p_user bigint, p_key text, p_method text,
    p_path text, p_hash text) RETURNS bigint
LANGUAGE sql AS $$
	INSERT INTO idempotency_keys AS k (user_id, key, method, path,
	    request_hash)
	VALUES (p_user, p_key, p_method, p_path, decode(p_hash, 'hex'))
	ON CONFLICT (user_id, key) DO UPDATE
	    SET method = EXCLUDED.method, path = EXCLUDED.path,
		request_hash = EXCLUDED.request_hash, status = NULL,
		body = NULL, headers = '{}', created_at = now(),
		expires_at = now() + interval '24 hours'
	    WHERE k.expires_at <= now()
	RETURNING id
$$;
