-- 0001 Foundation: wards, accounts, sessions, the audit log.
--
-- Conventions for every migration:
--   * ids are bigint identity columns; times are timestamptz (stored UTC,
--     shown in Asia/Ho_Chi_Minh by the clients); money is bigint VND.
--   * constraints are named <table>_<column>_<kind> (PostgreSQL's own
--     default), so the API can tell which field a violation is about.
--   * tables changed through the API get the audit trigger at the end.

CREATE EXTENSION IF NOT EXISTS unaccent;

-- Reference data: the 18 wards of Hoàn Kiếm district, Hà Nội, with their
-- official administrative codes (General Statistics Office of Viet Nam).
CREATE TABLE wards (
	code		text PRIMARY KEY CHECK (code ~ '^[0-9]{5}$'),
	name_vi		text NOT NULL UNIQUE,
	name_ascii	text NOT NULL,
	district_code	text NOT NULL,
	district_vi	text NOT NULL
);

INSERT INTO wards (code, name_vi, name_ascii, district_code, district_vi) VALUES
	('00037', 'Phúc Tân', 'Phuc Tan', '002', 'Hoàn Kiếm'),
	('00040', 'Đồng Xuân', 'Dong Xuan', '002', 'Hoàn Kiếm'),
	('00043', 'Hàng Mã', 'Hang Ma', '002', 'Hoàn Kiếm'),
	('00046', 'Hàng Buồm', 'Hang Buom', '002', 'Hoàn Kiếm'),
	('00049', 'Hàng Đào', 'Hang Dao', '002', 'Hoàn Kiếm'),
	('00052', 'Hàng Bồ', 'Hang Bo', '002', 'Hoàn Kiếm'),
	('00055', 'Cửa Đông', 'Cua Dong', '002', 'Hoàn Kiếm'),
	('00058', 'Lý Thái Tổ', 'Ly Thai To', '002', 'Hoàn Kiếm'),
	('00061', 'Hàng Bạc', 'Hang Bac', '002', 'Hoàn Kiếm'),
	('00064', 'Hàng Gai', 'Hang Gai', '002', 'Hoàn Kiếm'),
	('00067', 'Chương Dương', 'Chuong Duong', '002', 'Hoàn Kiếm'),
	('00070', 'Hàng Trống', 'Hang Trong', '002', 'Hoàn Kiếm'),
	('00073', 'Cửa Nam', 'Cua Nam', '002', 'Hoàn Kiếm'),
	('00076', 'Hàng Bông', 'Hang Bong', '002', 'Hoàn Kiếm'),
	('00079', 'Tràng Tiền', 'Trang Tien', '002', 'Hoàn Kiếm'),
	('00082', 'Trần Hưng Đạo', 'Tran Hung Dao', '002', 'Hoàn Kiếm'),
	('00085', 'Phan Chu Trinh', 'Phan Chu Trinh', '002', 'Hoàn Kiếm'),
	('00088', 'Hàng Bài', 'Hang Bai', '002', 'Hoàn Kiếm');

-- People who use Sen.  Applicants register themselves; staff and admins
-- create the other accounts, which get their password through a one-time
-- link (password_tokens).  An account is never deleted, only disabled, so
-- that the audit trail keeps its actors.
CREATE TABLE users (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email			text NOT NULL UNIQUE
				    CHECK (email = lower(email)
				    AND length(email) BETWEEN 3 AND 254
				    AND email LIKE '_%@_%._%'),
	full_name		text NOT NULL
				    CHECK (length(btrim(full_name)) BETWEEN 1 AND 200),
	phone			text CHECK (phone ~ '^\+84[0-9]{9,10}$'),
	role			text NOT NULL CHECK (role IN
				    ('applicant', 'reviewer', 'mentor', 'staff', 'admin')),
	locale			text NOT NULL DEFAULT 'vi'
				    CHECK (locale IN ('vi', 'en')),
	-- scrypt in libscrypt's MCF format; NULL until the person sets one.
	password_hash		text CHECK (password_hash LIKE '$s1$%'),
	password_changed_at	timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	created_by		bigint REFERENCES users (id),
	disabled_at		timestamptz,
	disabled_by		bigint REFERENCES users (id)
);

CREATE INDEX users_role_idx ON users (role, id);

-- How users appear in API responses: one definition for every endpoint.
-- Never the password hash.
CREATE FUNCTION api_user(u users) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', u.id,
	    'email', u.email,
	    'full_name', u.full_name,
	    'phone', u.phone,
	    'role', u.role,
	    'locale', u.locale,
	    'has_password', u.password_hash IS NOT NULL,
	    'created_at', u.created_at,
	    'disabled', u.disabled_at IS NOT NULL,
	    'disabled_at', u.disabled_at)
$$;

-- Login sessions.  Only the SHA-256 of the token is kept.
CREATE TABLE sessions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	user_id		bigint NOT NULL REFERENCES users (id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_seen_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	client_ip	text,
	user_agent	text,
	CHECK (expires_at > created_at)
);

CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- One-time tokens that let a person set her password (new staff-made
-- accounts, resets).  Only the hash is kept; a token works once.
CREATE TABLE password_tokens (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token_hash	bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
	user_id		bigint NOT NULL REFERENCES users (id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	bigint REFERENCES users (id),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz,
	-- A newer token, a new password or a disabled account revokes it.
	revoked_at	timestamptz,
	CHECK (expires_at > created_at),
	CHECK (used_at IS NULL OR used_at >= created_at)
);

CREATE INDEX password_tokens_user_idx ON password_tokens (user_id);

-- Failed logins, keyed by the e-mail as typed (whether or not such an
-- account exists, so the lock-out reveals nothing) and by client address.
CREATE TABLE login_failures (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	email		text NOT NULL,
	address		text NOT NULL,
	at		timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX login_failures_email_idx ON login_failures (email, at);
CREATE INDEX login_failures_address_idx ON login_failures (address, at);

-- The audit log: append-only.  Who did what to which record, with the
-- record before and after, and the request id the client saw.
CREATE TABLE audit_log (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	actor_id	bigint REFERENCES users (id),
	action		text NOT NULL CHECK (action <> ''),
	entity		text NOT NULL,
	entity_id	text,
	before		jsonb,
	after		jsonb,
	request_id	text,
	client_ip	text
);

CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, at);

CREATE FUNCTION audit_log_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only'
	    USING ERRCODE = 'SN403';
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH ROW EXECUTE FUNCTION audit_log_immutable();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_immutable();

-- Row-change auditing.  Trigger arguments name columns never to copy
-- into the log (secrets).  The API sets sen.actor_id, sen.action and
-- sen.request_id, sen.client_ip for its transaction (db_begin in
-- app/core/db.c); a change
-- made outside the API is still logged, with the database user as actor.
CREATE FUNCTION audit_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	old_row	jsonb;
	new_row	jsonb;
	action	text;
BEGIN
	-- TG_ARGV is NULL, not empty, for a trigger without arguments.
	IF TG_OP <> 'INSERT' THEN
		old_row := to_jsonb(OLD) - coalesce(TG_ARGV, '{}');
	END IF;
	IF TG_OP <> 'DELETE' THEN
		new_row := to_jsonb(NEW) - coalesce(TG_ARGV, '{}');
	END IF;
	IF old_row IS NOT DISTINCT FROM new_row THEN
		RETURN NULL;
	END IF;

	action := coalesce(nullif(current_setting('sen.action', true), ''),
	    TG_TABLE_NAME || '.' || lower(TG_OP) || ' by ' || session_user);

	INSERT INTO audit_log (actor_id, action, entity, entity_id, before,
	    after, request_id, client_ip)
	VALUES (nullif(current_setting('sen.actor_id', true), '')::bigint,
	    action, TG_TABLE_NAME, coalesce(coalesce(new_row, old_row) ->> 'id',
	    coalesce(new_row, old_row) ->> 'user_id'),
	    old_row, new_row,
	    nullif(current_setting('sen.request_id', true), ''),
	    nullif(current_setting('sen.client_ip', true), ''));

	RETURN NULL;
END
$$;

CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION audit_row('password_hash');
CREATE TRIGGER password_tokens_audit AFTER INSERT OR UPDATE ON password_tokens
	FOR EACH ROW EXECUTE FUNCTION audit_row('token_hash');
