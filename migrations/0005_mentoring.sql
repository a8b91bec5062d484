-- 0005 Mentoring: mentors and their profiles, what each supported woman
-- needs, the matching settings of a call, proposed and published
-- matches, the mentor's answer, and mentoring sessions.
--
-- The compatibility of a pair and the optimal matching are computed in C
-- (app/lib/compat.c, app/lib/match.c, app/mentoring/matching.c); the
-- rules that must hold whoever writes are here: one active match per
-- application, a mentor's capacity never exceeded, a declined pair never
-- proposed again, statuses only along match_transitions, sessions only on
-- accepted matches.  Refusals use SQLSTATEs SN409 / SN422 with COLUMN
-- naming the field, as in 0002.

-- ==== reference lists ====

-- What a mentor can help with and what a woman may ask for: one list, so
-- that needs and skills can be compared.
CREATE TABLE mentoring_skills (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
	position	int NOT NULL UNIQUE CHECK (position BETWEEN 1 AND 31),
	label_vi	text NOT NULL,
	label_en	text NOT NULL
);

INSERT INTO mentoring_skills (code, position, label_vi, label_en) VALUES
	('finance_bookkeeping', 1, 'Tài chính và sổ sách kế toán', 'Finance and bookkeeping'),
	('marketing_sales', 2, 'Tiếp thị và bán hàng', 'Marketing and sales'),
	('digital_ecommerce', 3, 'Kỹ năng số và thương mại điện tử', 'Digital skills and e-commerce'),
	('legal_registration', 4, 'Pháp lý và đăng ký kinh doanh', 'Legal matters and business registration'),
	('production_quality', 5, 'Sản xuất và chất lượng sản phẩm', 'Production and quality'),
	('management', 6, 'Quản lý, điều hành doanh nghiệp', 'Running and managing a business'),
	('access_to_credit', 7, 'Tiếp cận vốn vay', 'Access to credit'),
	('pricing_costing', 8, 'Tính giá thành và định giá', 'Costing and pricing'),
	('branding_packaging', 9, 'Thương hiệu và bao bì', 'Branding and packaging'),
	('food_safety', 10, 'Vệ sinh, an toàn thực phẩm', 'Food safety and hygiene'),
	('customer_service', 11, 'Chăm sóc khách hàng', 'Customer service'),
	('sourcing_supply', 12, 'Nguồn hàng và nhà cung cấp', 'Sourcing and suppliers'),
	('hiring_staff', 13, 'Tuyển dụng và quản lý nhân viên', 'Hiring and managing staff'),
	('business_family', 14, 'Cân bằng kinh doanh và gia đình', 'Balancing business and family');

-- Languages of mentoring.  Vietnamese Sign Language is there for deaf
-- women, who are among the priority groups of the programme.
CREATE TABLE mentoring_languages (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z]{2,3}$'),
	position	int NOT NULL UNIQUE CHECK (position BETWEEN 1 AND 31),
	label_vi	text NOT NULL,
	label_en	text NOT NULL
);

INSERT INTO mentoring_languages (code, position, label_vi, label_en) VALUES
	('vi', 1, 'Tiếng Việt', 'Vietnamese'),
	('en', 2, 'Tiếng Anh', 'English'),
	('vsl', 3, 'Ngôn ngữ ký hiệu Việt Nam', 'Vietnamese Sign Language'),
	('fr', 4, 'Tiếng Pháp', 'French'),
	('zh', 5, 'Tiếng Trung', 'Chinese'),
	('ko', 6, 'Tiếng Hàn', 'Korean'),
	('ja', 7, 'Tiếng Nhật', 'Japanese');

-- When a mentor can meet, and when a woman can.
CREATE TABLE mentoring_times (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
	position	int NOT NULL UNIQUE CHECK (position BETWEEN 1 AND 31),
	label_vi	text NOT NULL,
	label_en	text NOT NULL
);

INSERT INTO mentoring_times (code, position, label_vi, label_en) VALUES
	('weekday_daytime', 1, 'Ban ngày trong tuần', 'Weekdays, daytime'),
	('weekday_evening', 2, 'Buổi tối trong tuần', 'Weekday evenings'),
	('weekend', 3, 'Cuối tuần', 'Weekends');

-- Which wards count as near each other for the place part of the
-- compatibility.  Hoàn Kiếm is about 5 km² and every ward of it is a
-- short ride from any other, so "nearby" is any other ward of the same
-- district; a finer adjacency (or wards of neighbouring districts) is a
-- matter of rows here, not of code.
CREATE TABLE ward_nearby (
	ward_code	text NOT NULL REFERENCES wards (code),
	nearby_code	text NOT NULL REFERENCES wards (code),
	PRIMARY KEY (ward_code, nearby_code),
	CHECK (ward_code <> nearby_code)
);

INSERT INTO ward_nearby (ward_code, nearby_code)
SELECT a.code, b.code FROM wards a
JOIN wards b ON b.district_code = a.district_code AND b.code <> a.code;

-- Bit numbers of the reference lists, as app/lib/compat.c compares them
-- (a code's bit is its position - 1; wards by code order).
CREATE FUNCTION mentoring_ward_bits() RETURNS TABLE (code text, wbit int)
LANGUAGE sql STABLE AS $$
	SELECT w.code, (row_number() OVER (ORDER BY w.code) - 1)::int FROM wards w
$$;

-- Why a mentee was left without a proposal (the reasons of
-- app/lib/match.h), in both languages.
CREATE TABLE matching_reasons (
	code		text PRIMARY KEY,
	label_vi	text NOT NULL,
	label_en	text NOT NULL
);

INSERT INTO matching_reasons (code, label_vi, label_en) VALUES
	('none_compatible',
	 'Không người cố vấn nào đạt mức phù hợp tối thiểu của đợt hỗ trợ',
	 'No mentor reaches the minimum compatibility set for the call'),
	('no_capacity',
	 'Những người cố vấn phù hợp đều đã hết chỗ',
	 'The mentors who fit have no places left'),
	('taken',
	 'Chỗ của những người cố vấn phù hợp đã dành cho người được phục vụ trước (ưu tiên đã xác minh, rồi theo thứ hạng)',
	 'The places of the mentors who fit went to women served before her (verified priority first, then rank)');

-- The place of each application in the order of service, lower first.
-- The decisions feature owns the final rank of a funded application;
-- until it stores one, the order is that of submission (earlier first),
-- then id.  Replace this function (same signature) to change the order:
-- matching reads nothing else.
CREATE FUNCTION mentoring_ranks(call bigint)
RETURNS TABLE (application_id bigint, rank bigint)
LANGUAGE sql STABLE AS $$
	SELECT a.id, row_number() OVER (ORDER BY a.submitted_at NULLS LAST, a.id)
	FROM applications a WHERE a.call_id = call
$$;

-- Verified priority, as matching serves it first: a verified claim whose
-- certificate is (still) on file.
CREATE FUNCTION mentoring_priority(app bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM priority_claims pc
	    WHERE pc.application_id = app AND pc.status = 'verified'
	    AND EXISTS (SELECT 1 FROM documents d WHERE d.application_id = app
		AND d.kind = CASE pc.category WHEN 'disability'
		THEN 'disability_certificate' ELSE 'household_certificate' END))
$$;

-- Codes that are not in a reference list, or listed twice: the message
-- for a field, or NULL.
CREATE FUNCTION mentoring_codes_problem(codes text[], known text[])
RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE
	    WHEN EXISTS (SELECT 1 FROM unnest(codes) c WHERE c IS NULL OR NOT c = ANY (known))
	    THEN 'unknown code: ' || (SELECT string_agg(coalesce(c, 'null'), ', ')
		FROM unnest(codes) c WHERE c IS NULL OR NOT c = ANY (known))
	    WHEN cardinality(codes) <> (SELECT count(DISTINCT c) FROM unnest(codes) c)
	    THEN 'must not list a code twice'
	END
$$;

-- A JSON array of strings as text[], in its order (request bodies).
CREATE FUNCTION mentoring_text_array(j jsonb) RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(array_agg(e ORDER BY n), '{}')
	FROM jsonb_array_elements_text(coalesce(j, '[]')) WITH ORDINALITY AS t(e, n)
$$;

-- ==== mentors ====

-- A mentor's profile: what she knows, where and when she meets, how many
-- mentees she takes at once.  Staff may pause her: no new matches then,
-- the ones she has go on.
CREATE TABLE mentor_profiles (
	user_id		bigint PRIMARY KEY REFERENCES users (id),
	sectors		text[] NOT NULL CHECK (cardinality(sectors) BETWEEN 1 AND 31),
	skills		text[] NOT NULL CHECK (cardinality(skills) BETWEEN 1 AND 31),
	languages	text[] NOT NULL CHECK (cardinality(languages) BETWEEN 1 AND 31),
	wards		text[] NOT NULL DEFAULT '{}',
	remote		boolean NOT NULL DEFAULT false,
	capacity	int NOT NULL CHECK (capacity BETWEEN 1 AND 20),
	availability	text[] NOT NULL CHECK (cardinality(availability) BETWEEN 1 AND 31),
	bio		text NOT NULL DEFAULT '' CHECK (length(bio) <= 2000),
	paused_at	timestamptz,
	paused_by	bigint REFERENCES users (id),
	pause_reason	text CHECK (length(pause_reason) <= 500),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	-- She meets somewhere: in some ward, or remotely.
	CONSTRAINT mentor_profiles_wards_check CHECK (cardinality(wards) <= 31
	    AND (cardinality(wards) > 0 OR remote)),
	CONSTRAINT mentor_profiles_paused_check CHECK (paused_at IS NOT NULL
	    OR (paused_by IS NULL AND pause_reason IS NULL))
);

CREATE FUNCTION mentor_profiles_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	msg	text;
BEGIN
	IF (SELECT role FROM users WHERE id = NEW.user_id) IS DISTINCT FROM 'mentor' THEN
		RAISE EXCEPTION 'only a mentor account has a mentor profile'
		    USING ERRCODE = 'SN409', COLUMN = 'user_id';
	END IF;
	msg := mentoring_codes_problem(NEW.sectors, ARRAY(SELECT code FROM sectors));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'sectors';
	END IF;
	msg := mentoring_codes_problem(NEW.skills, ARRAY(SELECT code FROM mentoring_skills));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'skills';
	END IF;
	msg := mentoring_codes_problem(NEW.languages, ARRAY(SELECT code FROM mentoring_languages));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'languages';
	END IF;
	msg := mentoring_codes_problem(NEW.wards, ARRAY(SELECT code FROM wards));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'wards';
	END IF;
	msg := mentoring_codes_problem(NEW.availability, ARRAY(SELECT code FROM mentoring_times));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'availability';
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER mentor_profiles_guard BEFORE INSERT OR UPDATE ON mentor_profiles
	FOR EACH ROW EXECUTE FUNCTION mentor_profiles_guard();

-- ==== what a woman needs ====

-- Per application: the support areas she asks for (the skill list), the
-- language she wants to be mentored in, when she can meet (none: any
-- time), and a note in her words.  Her sector, stage and ward come from
-- the application itself.
CREATE TABLE mentoring_needs (
	application_id	bigint PRIMARY KEY REFERENCES applications (id),
	areas		text[] NOT NULL DEFAULT '{}' CHECK (cardinality(areas) <= 31),
	language	text NOT NULL REFERENCES mentoring_languages (code),
	availability	text[] NOT NULL DEFAULT '{}' CHECK (cardinality(availability) <= 31),
	note		text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
	version		int NOT NULL DEFAULT 1,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	updated_by	bigint REFERENCES users (id)
);

CREATE FUNCTION mentoring_needs_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	msg	text;
BEGIN
	msg := mentoring_codes_problem(NEW.areas, ARRAY(SELECT code FROM mentoring_skills));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'areas';
	END IF;
	msg := mentoring_codes_problem(NEW.availability, ARRAY(SELECT code FROM mentoring_times));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'availability';
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER mentoring_needs_guard BEFORE INSERT OR UPDATE ON mentoring_needs
	FOR EACH ROW EXECUTE FUNCTION mentoring_needs_guard();

-- ==== the matching settings of a call ====

-- Weights of the five parts of the compatibility (summing to 100, so that
-- a perfect fit scores 1000), the minimum a proposed pair must reach,
-- whether waitlisted applicants are matched too, and how many days a
-- mentor has to answer.  Every call has a row (trigger below).
CREATE TABLE matching_settings (
	call_id			bigint PRIMARY KEY REFERENCES calls (id) ON DELETE CASCADE,
	weight_sector		int NOT NULL DEFAULT 30 CHECK (weight_sector BETWEEN 0 AND 100),
	weight_skills		int NOT NULL DEFAULT 30 CHECK (weight_skills BETWEEN 0 AND 100),
	weight_place		int NOT NULL DEFAULT 15 CHECK (weight_place BETWEEN 0 AND 100),
	weight_language		int NOT NULL DEFAULT 15 CHECK (weight_language BETWEEN 0 AND 100),
	weight_availability	int NOT NULL DEFAULT 10 CHECK (weight_availability BETWEEN 0 AND 100),
	min_score		int NOT NULL DEFAULT 400 CHECK (min_score BETWEEN 0 AND 1000),
	include_waitlisted	boolean NOT NULL DEFAULT false,
	offer_days		int NOT NULL DEFAULT 7 CHECK (offer_days BETWEEN 1 AND 60),
	version			int NOT NULL DEFAULT 1,
	updated_at		timestamptz NOT NULL DEFAULT now(),
	updated_by		bigint REFERENCES users (id),
	CONSTRAINT matching_settings_weights_check CHECK (weight_sector + weight_skills
	    + weight_place + weight_language + weight_availability = 100)
);

INSERT INTO matching_settings (call_id) SELECT id FROM calls;

CREATE FUNCTION matching_settings_create() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO matching_settings (call_id) VALUES (NEW.id)
	    ON CONFLICT (call_id) DO NOTHING;
	RETURN NULL;
END
$$;

CREATE TRIGGER matching_settings_create AFTER INSERT ON calls
	FOR EACH ROW EXECUTE FUNCTION matching_settings_create();

CREATE FUNCTION matching_settings_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER matching_settings_guard BEFORE UPDATE ON matching_settings
	FOR EACH ROW EXECUTE FUNCTION matching_settings_guard();

CREATE FUNCTION api_matching_settings(s matching_settings) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'call_id', s.call_id,
	    'weights', json_build_object(
		'sector', s.weight_sector,
		'skills', s.weight_skills,
		'place', s.weight_place,
		'language', s.weight_language,
		'availability', s.weight_availability),
	    'min_score', s.min_score,
	    'score_max', 1000,
	    'include_waitlisted', s.include_waitlisted,
	    'offer_days', s.offer_days,
	    'version', s.version,
	    'updated_at', s.updated_at)
$$;

-- ==== matching runs and matches ====

-- One run of the solver: the settings it used, what it saw, what it gave.
CREATE TABLE matching_runs (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	call_id		bigint NOT NULL REFERENCES calls (id),
	run_at		timestamptz NOT NULL DEFAULT now(),
	run_by		bigint REFERENCES users (id),
	settings	jsonb NOT NULL,
	mentees		int NOT NULL CHECK (mentees >= 0),
	mentors		int NOT NULL CHECK (mentors >= 0),
	places		int NOT NULL CHECK (places >= 0),
	pairs		bigint NOT NULL CHECK (pairs >= 0),
	proposed	int NOT NULL CHECK (proposed >= 0),
	proposed_priority int NOT NULL CHECK (proposed_priority >= 0),
	total_score	bigint NOT NULL CHECK (total_score >= 0),
	solve_ms	int NOT NULL CHECK (solve_ms >= 0)
);

CREATE INDEX matching_runs_call_idx ON matching_runs (call_id, id);

-- The mentees a run left without a proposal, and why.
CREATE TABLE matching_unmatched (
	run_id		bigint NOT NULL REFERENCES matching_runs (id),
	application_id	bigint NOT NULL REFERENCES applications (id),
	reason		text NOT NULL REFERENCES matching_reasons (code),
	priority	boolean NOT NULL,
	rank		bigint NOT NULL,
	options		int NOT NULL CHECK (options >= 0),	-- mentors at or above the minimum
	best_score	int CHECK (best_score BETWEEN 0 AND 1000),	-- over every mentor, NULL: none
	PRIMARY KEY (run_id, application_id)
);

CREATE INDEX matching_unmatched_app_idx ON matching_unmatched (application_id);

-- A match between an application (the mentee) and a mentor.
--   proposed   by a run (origin auto), or by staff (manual), or a run's
--              proposal whose mentor staff replaced (edited); staff only
--   published  offered to the mentor, until expires_at
--   accepted   the mentor said yes: the mentoring is on
--   declined   the mentor said no, with a reason: the pair is never
--              proposed again
--   expired    the mentor did not answer in time
--   ended      by either side or staff, with a reason
-- Proposed, published and accepted matches are active: one per
-- application, and they count against the mentor's capacity.
CREATE TABLE matches (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	call_id		bigint NOT NULL REFERENCES calls (id),
	application_id	bigint NOT NULL REFERENCES applications (id),
	mentor_id	bigint NOT NULL REFERENCES users (id),
	status		text NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed',
			    'published', 'accepted', 'declined', 'expired', 'ended')),
	origin		text NOT NULL CHECK (origin IN ('auto', 'edited', 'manual')),
	run_id		bigint REFERENCES matching_runs (id),
	-- The compatibility (0-1000) and its parts, as compat.c explains it.
	score		int NOT NULL CHECK (score BETWEEN 0 AND 1000),
	parts		jsonb NOT NULL CHECK (jsonb_typeof(parts) = 'object'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	bigint REFERENCES users (id),
	published_at	timestamptz,
	published_by	bigint REFERENCES users (id),
	expires_at	timestamptz,
	responded_at	timestamptz,
	decline_reason	text,
	ended_at	timestamptz,
	ended_by	bigint REFERENCES users (id),
	end_reason	text,
	version		int NOT NULL DEFAULT 1,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT matches_published_at_check CHECK (status = 'proposed'
	    OR (published_at IS NOT NULL AND expires_at IS NOT NULL)),
	CONSTRAINT matches_responded_at_check CHECK (status NOT IN
	    ('accepted', 'declined', 'expired') OR responded_at IS NOT NULL),
	CONSTRAINT matches_decline_reason_check CHECK (coalesce(length(decline_reason), 0) <= 1000
	    AND (status <> 'declined' OR coalesce(length(btrim(decline_reason)), 0) > 0)),
	CONSTRAINT matches_end_reason_check CHECK (coalesce(length(end_reason), 0) <= 1000
	    AND (status <> 'ended' OR (ended_at IS NOT NULL
	    AND coalesce(length(btrim(end_reason)), 0) > 0)))
);

-- One active match per application.
CREATE UNIQUE INDEX matches_one_active ON matches (application_id)
	WHERE status IN ('proposed', 'published', 'accepted');
CREATE INDEX matches_mentor_active_idx ON matches (mentor_id)
	WHERE status IN ('proposed', 'published', 'accepted');
CREATE INDEX matches_mentor_idx ON matches (mentor_id, id);
CREATE INDEX matches_call_idx ON matches (call_id, status, id);
CREATE INDEX matches_pair_idx ON matches (application_id, mentor_id);
CREATE INDEX matches_expiry_idx ON matches (expires_at) WHERE status = 'published';

CREATE TABLE match_transitions (
	from_status	text NOT NULL,
	to_status	text NOT NULL,
	PRIMARY KEY (from_status, to_status)
);

INSERT INTO match_transitions VALUES
	('proposed', 'published'),
	('published', 'accepted'), ('published', 'declined'),
	('published', 'expired'), ('published', 'ended'),
	('accepted', 'ended');

CREATE FUNCTION matches_active(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT status IN ('proposed', 'published', 'accepted')
$$;

-- Each row on its own: a match starts as proposed, keeps its
-- application, moves only along match_transitions, and changes its
-- mentor only while proposed.  No lookups of growing tables here: a run
-- inserts thousands of rows in one statement, and the checks that read
-- other rows are made once per statement, set-based (below).
CREATE FUNCTION matches_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status <> 'proposed' THEN
			RAISE EXCEPTION 'a match starts as proposed'
			    USING ERRCODE = 'SN409', COLUMN = 'status';
		END IF;
		RETURN NEW;
	END IF;
	IF NEW.application_id <> OLD.application_id OR NEW.call_id <> OLD.call_id THEN
		RAISE EXCEPTION 'a match keeps its application'
		    USING ERRCODE = 'SN409', COLUMN = 'application_id';
	END IF;
	IF NEW.status <> OLD.status AND NOT EXISTS (SELECT 1 FROM match_transitions
	    WHERE from_status = OLD.status AND to_status = NEW.status) THEN
		RAISE EXCEPTION 'a match cannot go from % to %', OLD.status, NEW.status
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NEW.mentor_id <> OLD.mentor_id AND OLD.status <> 'proposed' THEN
		RAISE EXCEPTION 'only a proposed match can change its mentor'
		    USING ERRCODE = 'SN409', COLUMN = 'mentor_id';
	END IF;
	IF NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER matches_guard BEFORE INSERT OR UPDATE ON matches
	FOR EACH ROW EXECUTE FUNCTION matches_guard();

-- Who may be matched, for the matches ids that were just made, given a
-- new mentor or published: the application belongs to the match's call;
-- the mentor is an enabled mentor account with a profile, not paused,
-- who never declined this mentee; and no mentor has more active matches
-- than her capacity.  The profiles of the mentors concerned are locked
-- first (in id order): every change of a mentor's load takes that lock,
-- so two transactions cannot both take her last place.
CREATE FUNCTION matches_check(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	bad	record;
BEGIN
	IF cardinality(ids) = 0 THEN
		RETURN;
	END IF;
	IF EXISTS (SELECT 1 FROM matches m JOIN applications a ON a.id = m.application_id
	    WHERE m.id = ANY (ids) AND a.call_id <> m.call_id) THEN
		RAISE EXCEPTION 'the application does not belong to this call'
		    USING ERRCODE = 'SN422', COLUMN = 'application_id';
	END IF;
	PERFORM 1 FROM mentor_profiles p
	WHERE p.user_id IN (SELECT m.mentor_id FROM matches m WHERE m.id = ANY (ids))
	ORDER BY p.user_id FOR UPDATE;
	IF EXISTS (SELECT 1 FROM matches m
	    LEFT JOIN mentor_profiles p ON p.user_id = m.mentor_id
	    LEFT JOIN users u ON u.id = m.mentor_id
	    WHERE m.id = ANY (ids) AND (p.user_id IS NULL OR u.role <> 'mentor'
		OR u.disabled_at IS NOT NULL)) THEN
		RAISE EXCEPTION 'not a mentor with a profile'
		    USING ERRCODE = 'SN409', COLUMN = 'mentor_id';
	END IF;
	IF EXISTS (SELECT 1 FROM matches m JOIN mentor_profiles p ON p.user_id = m.mentor_id
	    WHERE m.id = ANY (ids) AND p.paused_at IS NOT NULL) THEN
		RAISE EXCEPTION 'the mentor is paused'
		    USING ERRCODE = 'SN409', COLUMN = 'mentor_id';
	END IF;
	IF EXISTS (SELECT 1 FROM matches m JOIN matches d
	    ON d.application_id = m.application_id AND d.mentor_id = m.mentor_id
	    AND d.status = 'declined'
	    WHERE m.id = ANY (ids)) THEN
		RAISE EXCEPTION 'this mentor declined this mentee'
		    USING ERRCODE = 'SN409', COLUMN = 'mentor_id';
	END IF;
	SELECT p.user_id, p.capacity, l.n INTO bad
	FROM mentor_profiles p
	JOIN (SELECT m.mentor_id, count(*) AS n FROM matches m
	    WHERE m.status IN ('proposed', 'published', 'accepted')
	    AND m.mentor_id IN (SELECT x.mentor_id FROM matches x WHERE x.id = ANY (ids))
	    GROUP BY m.mentor_id) l ON l.mentor_id = p.user_id
	WHERE l.n > p.capacity
	LIMIT 1;
	IF FOUND THEN
		RAISE EXCEPTION 'the mentor has no places left (% matches, capacity %)',
		    bad.n, bad.capacity USING ERRCODE = 'SN409', COLUMN = 'mentor_id';
	END IF;
END
$$;

CREATE FUNCTION matches_check_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM matches_check(ARRAY(SELECT id FROM ins));
	RETURN NULL;
END
$$;

CREATE FUNCTION matches_check_update() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM matches_check(ARRAY(SELECT n.id FROM ins n JOIN old o ON o.id = n.id
	    WHERE n.mentor_id <> o.mentor_id
	    OR (o.status = 'proposed' AND n.status = 'published')));
	RETURN NULL;
END
$$;

CREATE TRIGGER matches_check_insert AFTER INSERT ON matches
	REFERENCING NEW TABLE AS ins
	FOR EACH STATEMENT EXECUTE FUNCTION matches_check_insert();
CREATE TRIGGER matches_check_update AFTER UPDATE ON matches
	REFERENCING OLD TABLE AS old NEW TABLE AS ins
	FOR EACH STATEMENT EXECUTE FUNCTION matches_check_update();

-- Published offers past their time expire: called by the server's
-- housekeeping (app/core/housekeeping.c) and before every read or write
-- of matches, so that an offer is never accepted late.
CREATE FUNCTION expire_matches() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	IF coalesce(current_setting('sen.action', true), '') = '' THEN
		PERFORM set_config('sen.action', 'matches.expire', true);
	END IF;
	UPDATE matches SET status = 'expired', responded_at = expires_at
	WHERE status = 'published' AND expires_at <= now();
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

-- ==== sessions ====

CREATE TABLE mentoring_sessions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	match_id	bigint NOT NULL REFERENCES matches (id),
	held_on		date NOT NULL,
	minutes		int NOT NULL CHECK (minutes BETWEEN 1 AND 600),
	topics		text[] NOT NULL DEFAULT '{}' CHECK (cardinality(topics) <= 31),
	notes		text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
	next_steps	text NOT NULL DEFAULT '' CHECK (length(next_steps) <= 2000),
	logged_by	bigint NOT NULL REFERENCES users (id),
	logged_at	timestamptz NOT NULL DEFAULT now(),
	-- Both sides may log; one session a day keeps hours from counting
	-- the same meeting twice.
	CONSTRAINT mentoring_sessions_held_on_key UNIQUE (match_id, held_on)
);

CREATE FUNCTION mentoring_sessions_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	m	matches;
	msg	text;
BEGIN
	SELECT * INTO m FROM matches WHERE id = NEW.match_id;
	IF m.status IS DISTINCT FROM 'accepted' THEN
		RAISE EXCEPTION 'sessions are logged on an accepted match'
		    USING ERRCODE = 'SN409', COLUMN = 'match_id';
	END IF;
	IF NEW.held_on > (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN
		RAISE EXCEPTION 'must not be in the future'
		    USING ERRCODE = 'SN422', COLUMN = 'held_on';
	END IF;
	IF NEW.held_on < (m.responded_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN
		RAISE EXCEPTION 'must not be before the mentor accepted the match'
		    USING ERRCODE = 'SN422', COLUMN = 'held_on';
	END IF;
	msg := mentoring_codes_problem(NEW.topics, ARRAY(SELECT code FROM mentoring_skills));
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'SN422', COLUMN = 'topics';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER mentoring_sessions_guard BEFORE INSERT OR UPDATE ON mentoring_sessions
	FOR EACH ROW EXECUTE FUNCTION mentoring_sessions_guard();

-- ==== messages ====

INSERT INTO message_templates (event, locale, subject, body) VALUES
	('match.offer', 'vi',
	 'Sen: {count} doanh nghiệp mời chị làm người cố vấn',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Đợt hỗ trợ "{call}" đề nghị chị cố vấn cho {count} nữ chủ doanh nghiệp. '
	 || 'Xin chị xem và trả lời trên Sen trước {expires}.' || chr(10) || chr(10) ||
	 'Cảm ơn chị.'),
	('match.offer', 'en',
	 'Sen: {count} women entrepreneurs are waiting for you as a mentor',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'The call "{call}" proposes you as the mentor of {count} women entrepreneurs. '
	 || 'Please look at the proposals and answer on Sen before {expires}.' || chr(10) || chr(10) ||
	 'Thank you.'),
	('match.accepted', 'vi',
	 'Sen: chị đã có người cố vấn',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Chị {mentor} ({email}) đã nhận lời làm người cố vấn cho doanh nghiệp {business}. '
	 || 'Chị ấy sẽ liên hệ với chị; chị cũng có thể viết thư cho chị ấy.' || chr(10) || chr(10) ||
	 'Xem chi tiết trên Sen.'),
	('match.accepted', 'en',
	 'Sen: you have a mentor',
	 'Dear {name},' || chr(10) || chr(10) ||
	 '{mentor} ({email}) has agreed to mentor {business}. '
	 || 'She will get in touch; you may also write to her.' || chr(10) || chr(10) ||
	 'See the details on Sen.');

-- ==== JSON for the API ====

-- Labels of codes, for the views below.
CREATE FUNCTION mentoring_labels(codes text[], list text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('code', x.code,
	    'label', json_build_object('vi', x.label_vi, 'en', x.label_en))
	    ORDER BY x.position), '[]')
	FROM (SELECT code, position, label_vi, label_en FROM mentoring_skills
	      WHERE list = 'skills'
	      UNION ALL SELECT code, position, label_vi, label_en FROM mentoring_languages
	      WHERE list = 'languages'
	      UNION ALL SELECT code, position, label_vi, label_en FROM mentoring_times
	      WHERE list = 'times') x
	WHERE x.code = ANY (codes)
$$;

-- The reference lists of mentoring: GET /api/mentoring/reference.
CREATE FUNCTION api_mentoring_reference() RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'skills', mentoring_labels(ARRAY(SELECT code FROM mentoring_skills), 'skills'),
	    'languages', mentoring_labels(ARRAY(SELECT code FROM mentoring_languages), 'languages'),
	    'availability', mentoring_labels(ARRAY(SELECT code FROM mentoring_times), 'times'),
	    'nearby_wards', (SELECT json_object_agg(w.code, (SELECT coalesce(json_agg(n.nearby_code
		ORDER BY n.nearby_code), '[]') FROM ward_nearby n WHERE n.ward_code = w.code)
		ORDER BY w.code) FROM wards w),
	    'reasons', (SELECT json_agg(json_build_object('code', r.code,
		'label', json_build_object('vi', r.label_vi, 'en', r.label_en)) ORDER BY r.code)
		FROM matching_reasons r))
$$;

-- Active matches of a mentor, everywhere.
CREATE FUNCTION mentoring_load(mentor bigint) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT count(*)::int FROM matches m
	WHERE m.mentor_id = mentor AND matches_active(m.status)
$$;

-- A mentor's profile as she and staff see it.
CREATE FUNCTION api_mentor_profile(p mentor_profiles) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'user_id', p.user_id,
	    'full_name', u.full_name,
	    'email', u.email,
	    'sectors', to_json(p.sectors),
	    'skills', to_json(p.skills),
	    'languages', to_json(p.languages),
	    'wards', to_json(p.wards),
	    'remote', p.remote,
	    'capacity', p.capacity,
	    'availability', to_json(p.availability),
	    'bio', p.bio,
	    'paused', p.paused_at IS NOT NULL,
	    'paused_at', p.paused_at,
	    'pause_reason', p.pause_reason,
	    'active', l.n,
	    'free', greatest(p.capacity - l.n, 0),
	    'version', p.version,
	    'updated_at', p.updated_at)
	FROM users u, LATERAL (SELECT mentoring_load(p.user_id) AS n) l
	WHERE u.id = p.user_id
$$;

-- A woman's needs; the defaults when she has not said (saved false).
CREATE FUNCTION api_mentoring_needs(app bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'application_id', a.id,
	    'areas', to_json(coalesce(n.areas, '{}')),
	    'language', coalesce(n.language, u.locale),
	    'availability', to_json(coalesce(n.availability, '{}')),
	    'note', coalesce(n.note, ''),
	    'saved', n.application_id IS NOT NULL,
	    'version', n.version,
	    'updated_at', n.updated_at)
	FROM applications a
	JOIN users u ON u.id = a.applicant_id
	LEFT JOIN mentoring_needs n ON n.application_id = a.id
	WHERE a.id = app
$$;

-- A match for staff: everything, with the mentee's business and the
-- mentor, the score and its parts.
CREATE FUNCTION api_match_staff(m matches) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', m.id,
	    'call_id', m.call_id,
	    'status', m.status,
	    'origin', m.origin,
	    'run_id', m.run_id,
	    'score', m.score,
	    'parts', m.parts,
	    'below_minimum', m.score < s.min_score,
	    'application', json_build_object(
		'id', a.id,
		'reference', a.reference,
		'business_name', a.business_name,
		'applicant_name', ua.full_name,
		'status', a.status,
		'sector', a.sector,
		'stage', a.stage,
		'ward_code', a.ward_code,
		'priority', mentoring_priority(a.id)),
	    'mentor', json_build_object('id', um.id, 'full_name', um.full_name,
		'email', um.email),
	    'created_at', m.created_at,
	    'published_at', m.published_at,
	    'expires_at', m.expires_at,
	    'responded_at', m.responded_at,
	    'decline_reason', m.decline_reason,
	    'ended_at', m.ended_at,
	    'end_reason', m.end_reason,
	    'version', m.version)
	FROM applications a, users ua, users um, matching_settings s
	WHERE a.id = m.application_id AND ua.id = a.applicant_id
	  AND um.id = m.mentor_id AND s.call_id = m.call_id
$$;

-- A match as its mentor sees it: the business, its sector, stage, ward
-- and needs; the mentee's name and e-mail once she has accepted (to get
-- in touch).  Never the national ID, household or disability status,
-- priority or documents.
CREATE FUNCTION api_match_mentor(m matches) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', m.id,
	    'call_id', m.call_id,
	    'call_title', json_build_object('vi', c.title_vi, 'en', c.title_en),
	    'status', m.status,
	    'score', m.score,
	    'parts', m.parts,
	    'published_at', m.published_at,
	    'expires_at', m.expires_at,
	    'responded_at', m.responded_at,
	    'decline_reason', m.decline_reason,
	    'ended_at', m.ended_at,
	    'end_reason', m.end_reason,
	    'mentee', json_build_object(
		'application_id', a.id,
		'business_name', a.business_name,
		'sector', a.sector,
		'stage', a.stage,
		'ward_code', a.ward_code,
		'ward_name', w.name_vi,
		'needs', (api_mentoring_needs(a.id)::jsonb - 'version' - 'updated_at'
		    - 'saved' - 'application_id'),
		'full_name', CASE WHEN m.status IN ('accepted', 'ended')
		    THEN ua.full_name END,
		'email', CASE WHEN m.status IN ('accepted', 'ended')
		    THEN ua.email END),
	    'version', m.version)
	FROM applications a
	JOIN calls c ON c.id = a.call_id
	JOIN users ua ON ua.id = a.applicant_id
	LEFT JOIN wards w ON w.code = a.ward_code
	WHERE a.id = m.application_id
$$;

-- A match as the mentee sees it: her mentor's name and e-mail.
CREATE FUNCTION api_match_mentee(m matches) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', m.id,
	    'call_id', m.call_id,
	    'application_id', m.application_id,
	    'business_name', a.business_name,
	    'status', m.status,
	    'mentor', json_build_object('full_name', um.full_name, 'email', um.email),
	    'since', m.responded_at,
	    'ended_at', m.ended_at,
	    'end_reason', m.end_reason,
	    'version', m.version)
	FROM applications a, users um
	WHERE a.id = m.application_id AND um.id = m.mentor_id
$$;

-- A match as the caller may see it, or NULL when she may not see it at
-- all (which the API answers with 404): staff see every match; a mentor
-- her own once published; a mentee her own once accepted.
CREATE FUNCTION api_match_for(m matches, uid bigint, role text) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT CASE
	    WHEN role IN ('staff', 'admin') THEN api_match_staff(m)
	    WHEN role = 'mentor' AND m.mentor_id = uid AND m.status <> 'proposed'
	    THEN api_match_mentor(m)
	    WHEN role = 'applicant' AND m.status IN ('accepted', 'ended')
		AND EXISTS (SELECT 1 FROM applications a WHERE a.id = m.application_id
		AND a.applicant_id = uid)
	    THEN api_match_mentee(m)
	END
$$;

CREATE FUNCTION api_mentoring_session(s mentoring_sessions) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', s.id,
	    'match_id', s.match_id,
	    'held_on', s.held_on,
	    'minutes', s.minutes,
	    'topics', to_json(s.topics),
	    'notes', s.notes,
	    'next_steps', s.next_steps,
	    'logged_by', json_build_object('id', u.id, 'full_name', u.full_name,
		'side', CASE WHEN u.id = m.mentor_id THEN 'mentor' ELSE 'mentee' END),
	    'logged_at', s.logged_at)
	FROM users u, matches m
	WHERE u.id = s.logged_by AND m.id = s.match_id
$$;

-- The mentees of a call that matching serves: funded (or later, in
-- follow-up), and waitlisted when the call's settings say so.
CREATE FUNCTION mentoring_eligible(a applications, s matching_settings)
RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT a.status IN ('funded', 'in_followup')
	    OR (s.include_waitlisted AND a.status = 'waitlisted')
$$;

-- ==== what matching reads ====

-- Every code of the lists compat.c compares, with its bit: a code's bit
-- is its position - 1 (wards: by code order), and the wards near each
-- ward.  The server turns code arrays into bit masks with these, once
-- per request.
CREATE FUNCTION mentoring_code_bits()
RETURNS TABLE (list text, code text, wbit int)
LANGUAGE sql STABLE AS $$
	SELECT 'sectors', code, position - 1 FROM sectors
	UNION ALL SELECT 'skills', code, position - 1 FROM mentoring_skills
	UNION ALL SELECT 'languages', code, position - 1 FROM mentoring_languages
	UNION ALL SELECT 'times', code, position - 1 FROM mentoring_times
	UNION ALL SELECT 'wards', code, wbit FROM mentoring_ward_bits()
	UNION ALL SELECT 'nearby:' || x.ward_code, x.nearby_code, b.wbit
	    FROM ward_nearby x JOIN mentoring_ward_bits() b ON b.code = x.nearby_code
$$;

-- Every application of a call as matching sees it: her sector, needs,
-- ward, language and times; her verified priority and rank; whether
-- matching serves her (eligible) and whether she has an active match.
CREATE FUNCTION mentoring_mentee_facts(call bigint)
RETURNS TABLE (application_id bigint, sector text, needs text[], ward text,
    language text, times text[], priority boolean, rank bigint,
    eligible boolean, active boolean)
LANGUAGE sql STABLE AS $$
	SELECT a.id, a.sector, coalesce(n.areas, '{}'), a.ward_code,
	    coalesce(n.language, u.locale), coalesce(n.availability, '{}'),
	    mentoring_priority(a.id),
	    coalesce(r.rank, 0),
	    mentoring_eligible(a, s),
	    EXISTS (SELECT 1 FROM matches m WHERE m.application_id = a.id
		AND m.status IN ('proposed', 'published', 'accepted'))
	FROM applications a
	JOIN users u ON u.id = a.applicant_id
	JOIN matching_settings s ON s.call_id = a.call_id
	LEFT JOIN mentoring_needs n ON n.application_id = a.id
	LEFT JOIN mentoring_ranks(call) r ON r.application_id = a.id
	WHERE a.call_id = call
$$;

-- Every mentor with a profile, and her places left (capacity less her
-- active matches, everywhere).  available: enabled and not paused.
CREATE FUNCTION mentoring_mentor_facts()
RETURNS TABLE (mentor_id bigint, sectors text[], skills text[], wards text[],
    remote boolean, languages text[], times text[], places int,
    available boolean)
LANGUAGE sql STABLE AS $$
	SELECT p.user_id, p.sectors, p.skills, p.wards, p.remote, p.languages,
	    p.availability,
	    greatest(p.capacity - coalesce(l.n, 0), 0)::int,
	    p.paused_at IS NULL AND u.disabled_at IS NULL
	FROM mentor_profiles p
	JOIN users u ON u.id = p.user_id AND u.role = 'mentor'
	LEFT JOIN (SELECT m.mentor_id, count(*) AS n FROM matches m
	    WHERE m.status IN ('proposed', 'published', 'accepted')
	    GROUP BY m.mentor_id) l ON l.mentor_id = p.user_id
$$;

-- The explanation of a score, from what compat.c computed: each part
-- with its weight, points, maximum and what made it.  points and max are
-- in the order of compat.h (sector, skills, place, language,
-- availability); place is COMPAT_AT_* (0 none, 1 same ward, 2 nearby
-- ward, 3 remote).
CREATE FUNCTION mentoring_parts(s matching_settings, points int[], max int[],
    sector_fit boolean, covered text[], missing text[], place int,
    language_fit boolean, common text[]) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'sector', jsonb_build_object('weight', s.weight_sector,
		'points', points[1], 'max', max[1], 'fit', sector_fit),
	    'skills', jsonb_build_object('weight', s.weight_skills,
		'points', points[2], 'max', max[2],
		'covered', to_jsonb(covered), 'missing', to_jsonb(missing)),
	    'place', jsonb_build_object('weight', s.weight_place,
		'points', points[3], 'max', max[3],
		'fit', (ARRAY['none', 'same_ward', 'nearby_ward', 'remote'])[place + 1]),
	    'language', jsonb_build_object('weight', s.weight_language,
		'points', points[4], 'max', max[4], 'fit', language_fit),
	    'availability', jsonb_build_object('weight', s.weight_availability,
		'points', points[5], 'max', max[5], 'common', to_jsonb(common)))
$$;

-- ==== what the match handlers answer ====

-- A run, its proposals and the women it left out, with the reason in
-- both languages: the answer of POST /api/calls/{id}/matching.
CREATE FUNCTION api_matching_run(run bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'run', json_build_object(
		'id', r.id,
		'call_id', r.call_id,
		'run_at', r.run_at,
		'settings', r.settings,
		'mentees', r.mentees,
		'mentors', r.mentors,
		'places', r.places,
		'pairs', r.pairs,
		'proposed', r.proposed,
		'proposed_priority', r.proposed_priority,
		'unmatched', (SELECT count(*) FROM matching_unmatched u
		    WHERE u.run_id = r.id),
		'kept', (SELECT count(*) FROM matches m WHERE m.call_id = r.call_id
		    AND m.status = 'proposed' AND m.origin <> 'auto'),
		'total_score', r.total_score,
		'solve_ms', r.solve_ms),
	    'matches', (SELECT coalesce(json_agg(api_match_staff(m) ORDER BY m.id), '[]')
		FROM matches m WHERE m.run_id = r.id),
	    'unmatched', (SELECT coalesce(json_agg(json_build_object(
		'application_id', a.id,
		'reference', a.reference,
		'business_name', a.business_name,
		'applicant_name', ua.full_name,
		'priority', u.priority,
		'rank', u.rank,
		'reason', u.reason,
		'reason_label', json_build_object('vi', mr.label_vi, 'en', mr.label_en),
		'options', u.options,
		'best_score', u.best_score,
		'min_score', (r.settings ->> 'min_score')::int)
		ORDER BY u.priority DESC, u.rank, a.id), '[]')
		FROM matching_unmatched u
		JOIN applications a ON a.id = u.application_id
		JOIN users ua ON ua.id = a.applicant_id
		JOIN matching_reasons mr ON mr.code = u.reason
		WHERE u.run_id = r.id))
	FROM matching_runs r WHERE r.id = run
$$;

-- The women of a call that matching serves and who have no active
-- match: GET /api/calls/{id}/mentees/unmatched.
CREATE FUNCTION api_mentees_unmatched(call bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH lr AS (SELECT * FROM matching_runs WHERE call_id = call
	    ORDER BY id DESC LIMIT 1)
	SELECT json_build_object(
	    'call_id', call,
	    'last_run', (SELECT json_build_object('id', lr.id, 'run_at', lr.run_at)
		FROM lr),
	    'items', coalesce(json_agg(json_build_object(
		'application_id', a.id,
		'reference', a.reference,
		'business_name', a.business_name,
		'applicant_name', ua.full_name,
		'status', a.status,
		'priority', mentoring_priority(a.id),
		'rank', r.rank,
		'last_run', (SELECT json_build_object('reason', u.reason,
		    'reason_label', json_build_object('vi', mr.label_vi,
			'en', mr.label_en),
		    'options', u.options, 'best_score', u.best_score,
		    'min_score', (lr.settings ->> 'min_score')::int)
		    FROM lr JOIN matching_unmatched u ON u.run_id = lr.id
		    JOIN matching_reasons mr ON mr.code = u.reason
		    WHERE u.application_id = a.id),
		'last_match', (SELECT json_build_object('id', m.id,
		    'status', m.status, 'mentor_name', um.full_name,
		    'reason', coalesce(m.decline_reason, m.end_reason),
		    'at', coalesce(m.ended_at, m.responded_at))
		    FROM matches m JOIN users um ON um.id = m.mentor_id
		    WHERE m.application_id = a.id ORDER BY m.id DESC LIMIT 1))
		ORDER BY mentoring_priority(a.id) DESC, r.rank, a.id), '[]'))
	FROM applications a
	JOIN users ua ON ua.id = a.applicant_id
	JOIN matching_settings s ON s.call_id = a.call_id
	LEFT JOIN mentoring_ranks(call) r ON r.application_id = a.id
	WHERE a.call_id = call AND mentoring_eligible(a, s)
	  AND NOT EXISTS (SELECT 1 FROM matches m WHERE m.application_id = a.id
	      AND m.status IN ('proposed', 'published', 'accepted'))
$$;

-- Minutes and sessions per mentee and per mentor, of one call or all:
-- GET /api/mentoring/hours.  Every accepted or ended match counts, also
-- one with no session yet.
CREATE FUNCTION api_mentoring_hours(call bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH mm AS (
		SELECT m.id, m.application_id, m.mentor_id, m.status
		FROM matches m
		WHERE m.status IN ('accepted', 'ended')
		  AND (call IS NULL OR m.call_id = call)),
	ss AS (
		SELECT mm.application_id, mm.mentor_id, s.minutes
		FROM mm JOIN mentoring_sessions s ON s.match_id = mm.id)
	SELECT json_build_object(
	    'call_id', call,
	    'sessions', (SELECT count(*) FROM ss),
	    'minutes', (SELECT coalesce(sum(minutes), 0) FROM ss),
	    'hours', (SELECT round(coalesce(sum(minutes), 0) / 60.0, 2) FROM ss),
	    'mentees', (SELECT coalesce(json_agg(json_build_object(
		'application_id', a.id,
		'reference', a.reference,
		'business_name', a.business_name,
		'applicant_name', ua.full_name,
		'mentors', x.mentors,
		'sessions', x.sessions,
		'minutes', x.minutes,
		'hours', round(x.minutes / 60.0, 2))
		ORDER BY x.minutes DESC, a.id), '[]')
		FROM (SELECT mm.application_id,
		    count(DISTINCT mm.mentor_id) AS mentors,
		    (SELECT count(*) FROM ss WHERE ss.application_id = mm.application_id) AS sessions,
		    (SELECT coalesce(sum(minutes), 0) FROM ss
			WHERE ss.application_id = mm.application_id) AS minutes
		    FROM mm GROUP BY mm.application_id) x
		JOIN applications a ON a.id = x.application_id
		JOIN users ua ON ua.id = a.applicant_id),
	    'mentors', (SELECT coalesce(json_agg(json_build_object(
		'mentor_id', u.id,
		'full_name', u.full_name,
		'mentees', x.mentees,
		'sessions', x.sessions,
		'minutes', x.minutes,
		'hours', round(x.minutes / 60.0, 2))
		ORDER BY x.minutes DESC, u.id), '[]')
		FROM (SELECT mm.mentor_id,
		    count(DISTINCT mm.application_id) AS mentees,
		    (SELECT count(*) FROM ss WHERE ss.mentor_id = mm.mentor_id) AS sessions,
		    (SELECT coalesce(sum(minutes), 0) FROM ss
			WHERE ss.mentor_id = mm.mentor_id) AS minutes
		    FROM mm GROUP BY mm.mentor_id) x
		JOIN users u ON u.id = x.mentor_id))
$$;

-- Tell the mentee, on each of her channels, that her mentor accepted.
CREATE FUNCTION mentoring_notify_accepted(match bigint) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	m	matches;
	a	applications;
	u	users;
	t	users;
	p	applicant_profiles;
	tpl	message_templates;
	ch	text;
	to_	text;
	n	int := 0;
BEGIN
	SELECT * INTO m FROM matches WHERE id = match;
	SELECT * INTO a FROM applications WHERE id = m.application_id;
	SELECT * INTO u FROM users WHERE id = a.applicant_id;
	SELECT * INTO t FROM users WHERE id = m.mentor_id;
	SELECT * INTO p FROM applicant_profiles WHERE user_id = u.id;
	SELECT * INTO tpl FROM message_templates
	    WHERE event = 'match.accepted' AND locale = u.locale;
	FOREACH ch IN ARRAY coalesce(p.notify_channels, ARRAY['email']) LOOP
		to_ := CASE ch WHEN 'email' THEN u.email ELSE u.phone END;
		CONTINUE WHEN to_ IS NULL;
		INSERT INTO outbox (user_id, channel, recipient, locale, event,
		    subject, body, dedupe_key)
		VALUES (u.id, ch, to_, u.locale, 'match.accepted', tpl.subject,
		    replace(replace(replace(replace(tpl.body, '{name}', u.full_name),
		    '{mentor}', t.full_name), '{email}', t.email),
		    '{business}', coalesce(a.business_name, '')),
		    format('match_accepted:%s:%s', m.id, ch))
		ON CONFLICT (dedupe_key) DO NOTHING;
		n := n + 1;
	END LOOP;
	RETURN n;
END
$$;

-- ==== audit ====

-- The parts of a score are derived data: not copied into the log.
CREATE TRIGGER mentor_profiles_audit AFTER INSERT OR UPDATE ON mentor_profiles
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER mentoring_needs_audit AFTER INSERT OR UPDATE ON mentoring_needs
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER matching_settings_audit AFTER UPDATE ON matching_settings
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER matching_runs_audit AFTER INSERT ON matching_runs
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER matches_audit AFTER INSERT OR UPDATE OR DELETE ON matches
	FOR EACH ROW EXECUTE FUNCTION audit_row('parts');
CREATE TRIGGER mentoring_sessions_audit AFTER INSERT ON mentoring_sessions
	FOR EACH ROW EXECUTE FUNCTION audit_row();
