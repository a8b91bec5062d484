-- 0002 Intake: funding calls, applicant profiles, applications and their
-- lifecycle, priority claims, documents, and the notification outbox.
--
-- The rules that protect public money and personal data are enforced here
-- as well as in the C handlers: a handler with a bug cannot write an
-- application that skips a state, a verified claim on an expired
-- certificate, or a frozen rubric that changes after the call opened.
-- Our own refusals use SQLSTATEs of class SN (see app/core/db.c):
-- SN409 conflict, SN422 validation, SN404 not found, with COLUMN naming
-- the field where there is one.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Vietnamese text folded for search: lower case, no diacritics, đ → d.
-- unaccent() itself is only STABLE; fixing the dictionary makes it safe
-- to index.
CREATE FUNCTION sen_fold(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1))
$$;

-- Business sectors, the reference list applications choose from.
CREATE TABLE sectors (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
	name_vi		text NOT NULL,
	name_en		text NOT NULL,
	position	int NOT NULL
);

INSERT INTO sectors (code, name_vi, name_en, position) VALUES
	('food_beverage', 'Ăn uống, chế biến thực phẩm', 'Food and beverage', 1),
	('retail_trade', 'Bán lẻ, buôn bán nhỏ', 'Retail and small trade', 2),
	('handicrafts', 'Thủ công mỹ nghệ', 'Handicrafts', 3),
	('garment_textile', 'May mặc, dệt may', 'Garments and textiles', 4),
	('tourism_hospitality', 'Du lịch, lưu trú', 'Tourism and hospitality', 5),
	('beauty_wellness', 'Làm đẹp, chăm sóc sức khỏe', 'Beauty and wellness', 6),
	('education_childcare', 'Giáo dục, trông trẻ', 'Education and childcare', 7),
	('digital_ecommerce', 'Dịch vụ số, thương mại điện tử', 'Digital services and e-commerce', 8),
	('agri_processing', 'Nông sản, chế biến nông sản', 'Agricultural products', 9),
	('manufacturing', 'Sản xuất nhỏ', 'Small manufacturing', 10),
	('services_other', 'Dịch vụ khác', 'Other services', 11);

-- National poverty standards.  The thresholds change with each national
-- period (Decree 07/2021/NĐ-CP for 2022-2025), so they are rows, not code.
-- A household whose monthly income per person is at or below the line is
-- poor with at least poor_min_deprivations of the 12 basic-service
-- deprivations, near-poor with fewer.
CREATE TABLE poverty_standards (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name			text NOT NULL,
	area			text NOT NULL CHECK (area IN ('urban', 'rural')),
	valid_from		date NOT NULL,
	valid_to		date,
	income_line_vnd		bigint NOT NULL CHECK (income_line_vnd > 0),
	poor_min_deprivations	int NOT NULL CHECK (poor_min_deprivations BETWEEN 1 AND 12),
	deprivation_count	int NOT NULL DEFAULT 12 CHECK (deprivation_count > 0),
	CHECK (valid_to IS NULL OR valid_to > valid_from)
);

INSERT INTO poverty_standards (name, area, valid_from, valid_to,
    income_line_vnd, poor_min_deprivations) VALUES
	('Nghị định 07/2021/NĐ-CP', 'urban', '2022-01-01', NULL, 2000000, 3),
	('Nghị định 07/2021/NĐ-CP', 'rural', '2022-01-01', NULL, 1500000, 3);

-- Funding calls.  Money is bigint VND.  The priority policy is data: each
-- verified category earns its bonus, the bonuses combine by sum or max,
-- and the result is capped (Hoàn Kiếm's rule, "the largest household
-- category plus the disability bonus, capped", is combine = sum: a
-- household holds one status at a time).
CREATE TABLE calls (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title_vi		text NOT NULL CHECK (length(btrim(title_vi)) BETWEEN 1 AND 200),
	title_en		text NOT NULL CHECK (length(btrim(title_en)) BETWEEN 1 AND 200),
	description_vi		text NOT NULL CHECK (length(description_vi) <= 20000),
	description_en		text NOT NULL CHECK (length(description_en) <= 20000),
	opens_at		timestamptz NOT NULL,
	closes_at		timestamptz NOT NULL,
	budget_vnd		bigint NOT NULL CHECK (budget_vnd > 0),
	max_award_vnd		bigint NOT NULL CHECK (max_award_vnd > 0),
	stages			text[] NOT NULL CHECK (cardinality(stages) > 0
				    AND stages <@ ARRAY['idea', 'startup', 'new_business']),
	wards			text[] NOT NULL CHECK (cardinality(wards) > 0),
	allow_outside_district	boolean NOT NULL DEFAULT false,
	reviewers_per_application int NOT NULL DEFAULT 3
				    CHECK (reviewers_per_application BETWEEN 1 AND 10),
	bonus_poor		int NOT NULL DEFAULT 0 CHECK (bonus_poor BETWEEN 0 AND 100),
	bonus_near_poor		int NOT NULL DEFAULT 0 CHECK (bonus_near_poor BETWEEN 0 AND 100),
	bonus_hardship		int NOT NULL DEFAULT 0 CHECK (bonus_hardship BETWEEN 0 AND 100),
	bonus_disability	int NOT NULL DEFAULT 0 CHECK (bonus_disability BETWEEN 0 AND 100),
	priority_combine	text NOT NULL DEFAULT 'sum'
				    CHECK (priority_combine IN ('sum', 'max')),
	priority_cap		int NOT NULL DEFAULT 100 CHECK (priority_cap BETWEEN 0 AND 100),
	priority_reserved_pct	int NOT NULL DEFAULT 0
				    CHECK (priority_reserved_pct BETWEEN 0 AND 100),
	status			text NOT NULL DEFAULT 'draft' CHECK (status IN
				    ('draft', 'open', 'closed', 'reviewing', 'decided', 'archived')),
	version			int NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	created_by		bigint REFERENCES users (id),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT calls_closes_at_check CHECK (closes_at > opens_at),
	CONSTRAINT calls_max_award_within_budget_check CHECK (max_award_vnd <= budget_vnd)
);

CREATE INDEX calls_status_idx ON calls (status, opens_at);

-- The review rubric: criteria with a bilingual label, a maximum score and
-- a weight; the weights of a call sum to 100 (checked at commit).
CREATE TABLE call_criteria (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	call_id		bigint NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
	position	int NOT NULL CHECK (position >= 1),
	key		text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
	label_vi	text NOT NULL CHECK (length(btrim(label_vi)) BETWEEN 1 AND 200),
	label_en	text NOT NULL CHECK (length(btrim(label_en)) BETWEEN 1 AND 200),
	max_score	int NOT NULL CHECK (max_score BETWEEN 1 AND 100),
	weight		int NOT NULL CHECK (weight BETWEEN 1 AND 100),
	UNIQUE (call_id, key),
	UNIQUE (call_id, position)
);

CREATE FUNCTION call_criteria_weights() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	cid	bigint := coalesce(NEW.call_id, OLD.call_id);
	total	int;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM calls WHERE id = cid) THEN
		RETURN NULL;		-- the call itself was deleted
	END IF;
	SELECT coalesce(sum(weight), 0) INTO total
	    FROM call_criteria WHERE call_id = cid;
	IF total <> 100 THEN
		RAISE EXCEPTION 'rubric weights must sum to 100 (they sum to %)',
		    total USING ERRCODE = 'SN422', COLUMN = 'rubric';
	END IF;
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER call_criteria_weights_sum
	AFTER INSERT OR UPDATE OR DELETE ON call_criteria
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION call_criteria_weights();

-- Once a call is open, its rubric and priority policy are frozen: the
-- applications already submitted were written against them.
CREATE FUNCTION call_criteria_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM calls
	    WHERE id = coalesce(NEW.call_id, OLD.call_id) AND status <> 'draft') THEN
		RAISE EXCEPTION 'the rubric is frozen once the call is open'
		    USING ERRCODE = 'SN409', COLUMN = 'rubric';
	END IF;
	RETURN coalesce(NEW, OLD);
END
$$;

CREATE TRIGGER call_criteria_frozen BEFORE INSERT OR UPDATE OR DELETE
	ON call_criteria FOR EACH ROW EXECUTE FUNCTION call_criteria_frozen();

-- Allowed moves of a call's status.
CREATE TABLE call_transitions (
	from_status	text NOT NULL,
	to_status	text NOT NULL,
	PRIMARY KEY (from_status, to_status)
);

INSERT INTO call_transitions VALUES
	('draft', 'open'), ('open', 'closed'), ('closed', 'open'),
	('closed', 'reviewing'), ('reviewing', 'decided'),
	('decided', 'archived');

CREATE FUNCTION calls_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	w	text;
BEGIN
	IF NEW.status <> OLD.status AND NOT EXISTS (SELECT 1 FROM call_transitions
	    WHERE from_status = OLD.status AND to_status = NEW.status) THEN
		RAISE EXCEPTION 'a call cannot go from % to %', OLD.status,
		    NEW.status USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF OLD.status <> 'draft' AND (
	    NEW.bonus_poor, NEW.bonus_near_poor, NEW.bonus_hardship,
	    NEW.bonus_disability, NEW.priority_combine, NEW.priority_cap,
	    NEW.priority_reserved_pct) IS DISTINCT FROM (
	    OLD.bonus_poor, OLD.bonus_near_poor, OLD.bonus_hardship,
	    OLD.bonus_disability, OLD.priority_combine, OLD.priority_cap,
	    OLD.priority_reserved_pct) THEN
		RAISE EXCEPTION 'the priority policy is frozen once the call is open'
		    USING ERRCODE = 'SN409', COLUMN = 'priority_policy';
	END IF;
	IF NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER calls_guard BEFORE UPDATE ON calls
	FOR EACH ROW EXECUTE FUNCTION calls_guard();

-- Wards must exist (an array cannot carry a foreign key).
CREATE FUNCTION calls_wards_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM unnest(NEW.wards) w
	    WHERE w NOT IN (SELECT code FROM wards)) THEN
		RAISE EXCEPTION 'unknown ward code'
		    USING ERRCODE = 'SN422', COLUMN = 'wards';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER calls_wards_exist BEFORE INSERT OR UPDATE OF wards ON calls
	FOR EACH ROW EXECUTE FUNCTION calls_wards_exist();

-- What an applicant tells about herself once, for every application.
-- National ID, household and disability status are personal data: only
-- she and staff ever see them (never reviewers), and staff reads are
-- audited.  Her name and phone live in users.
CREATE TABLE applicant_profiles (
	user_id			bigint PRIMARY KEY REFERENCES users (id),
	date_of_birth		date CHECK (date_of_birth >= '1900-01-01'),
	national_id		text CHECK (national_id ~ '^[0-9]{12}$'),
	ward_code		text REFERENCES wards (code),
	outside_district	boolean NOT NULL DEFAULT false,
	address			text CHECK (length(address) <= 300),
	household_status	text NOT NULL DEFAULT 'none' CHECK (household_status
				    IN ('none', 'hardship', 'near_poor', 'poor')),
	household_cert_number	text CHECK (length(household_cert_number) BETWEEN 1 AND 60),
	household_cert_issued_on date,
	household_cert_valid_until date,
	disability		boolean NOT NULL DEFAULT false,
	disability_level	text CHECK (disability_level IN
				    ('mild', 'severe', 'especially_severe')),
	disability_cert_number	text CHECK (length(disability_cert_number) BETWEEN 1 AND 60),
	disability_cert_issued_on date,
	disability_cert_valid_until date,
	disability_details	text CHECK (length(disability_details) <= 2000),
	-- How she wants to hear from Sen; sms and zalo go to users.phone.
	notify_channels		text[] NOT NULL DEFAULT '{email}'
				    CHECK (notify_channels <@ ARRAY['email', 'sms', 'zalo']),
	version			int NOT NULL DEFAULT 1,
	updated_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (NOT (outside_district AND ward_code IS NOT NULL)),
	CHECK (household_status <> 'none' OR (household_cert_number IS NULL
	    AND household_cert_issued_on IS NULL
	    AND household_cert_valid_until IS NULL)),
	CHECK (household_cert_valid_until IS NULL OR household_cert_issued_on IS NULL
	    OR household_cert_valid_until >= household_cert_issued_on),
	CHECK (disability OR (disability_level IS NULL
	    AND disability_cert_number IS NULL AND disability_cert_issued_on IS NULL
	    AND disability_cert_valid_until IS NULL AND disability_details IS NULL)),
	CHECK (disability_cert_valid_until IS NULL OR disability_cert_issued_on IS NULL
	    OR disability_cert_valid_until >= disability_cert_issued_on)
);

CREATE FUNCTION applicant_profiles_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.date_of_birth IS NOT NULL AND
	    NEW.date_of_birth > (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	    - interval '18 years' THEN
		RAISE EXCEPTION 'must be 18 or older'
		    USING ERRCODE = 'SN422', COLUMN = 'date_of_birth';
	END IF;
	IF TG_OP = 'UPDATE' THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER applicant_profiles_guard
	BEFORE INSERT OR UPDATE ON applicant_profiles
	FOR EACH ROW EXECUTE FUNCTION applicant_profiles_guard();

-- Applications.  A draft may be incomplete; from submission on, the row
-- must hold a complete, consistent application (checks below), and its
-- status moves only along application_transitions.
CREATE FUNCTION budget_total(lines jsonb) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce(sum((l ->> 'amount_vnd')::bigint), 0)
	FROM jsonb_array_elements(coalesce(lines, '[]')) l
$$;

CREATE TABLE applications (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	call_id			bigint NOT NULL REFERENCES calls (id),
	applicant_id		bigint NOT NULL REFERENCES users (id),
	-- HK-2026-00042, given on submission.
	reference		text UNIQUE CHECK (reference ~ '^HK-[0-9]{4}-[0-9]{5,}$'),
	status			text NOT NULL DEFAULT 'draft' CHECK (status IN (
				    'draft', 'submitted', 'screening', 'eligible',
				    'ineligible', 'in_review', 'reviewed', 'funded',
				    'waitlisted', 'rejected', 'in_followup',
				    'completed', 'closed', 'withdrawn')),
	version			int NOT NULL DEFAULT 1,
	business_name		text CHECK (length(btrim(business_name)) BETWEEN 1 AND 200),
	stage			text CHECK (stage IN ('idea', 'startup', 'new_business')),
	sector			text REFERENCES sectors (code),
	-- startup: operating under 12 months; new_business: registered under
	-- 3 years (checked on submission against these dates).
	operating_since		date,
	registered_on		date,
	description		text CHECK (length(description) <= 5000),
	problem_customers	text CHECK (length(problem_customers) <= 5000),
	plan			text CHECK (length(plan) <= 5000),
	team_size		int CHECK (team_size BETWEEN 0 AND 10000),
	women_employed		int CHECK (women_employed BETWEEN 0 AND 10000),
	jobs_planned		int CHECK (jobs_planned BETWEEN 0 AND 10000),
	amount_requested_vnd	bigint CHECK (amount_requested_vnd > 0),
	-- [{"item": "…", "amount_vnd": 1000000}, …]
	budget_lines		jsonb NOT NULL DEFAULT '[]'
				    CHECK (jsonb_typeof(budget_lines) = 'array'),
	-- Women-owned (Decision 2415/QĐ-TTg): women hold at least 51 % of the
	-- capital and a woman manages the business.
	women_capital_pct	int CHECK (women_capital_pct BETWEEN 0 AND 100),
	woman_manager		boolean,
	-- Where the applicant lived when she submitted (from her profile).
	ward_code		text REFERENCES wards (code),
	outside_district	boolean,
	screening_reason	text CHECK (length(screening_reason) <= 2000),
	search_folded		text NOT NULL DEFAULT '',
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	submitted_at		timestamptz,
	CONSTRAINT applications_women_within_team_check CHECK (women_employed IS NULL
	    OR team_size IS NULL OR women_employed <= team_size),
	-- From submission on, an application is complete and consistent.
	CONSTRAINT applications_complete_check CHECK (status IN ('draft', 'withdrawn') OR (
	    reference IS NOT NULL AND submitted_at IS NOT NULL
	    AND business_name IS NOT NULL AND stage IS NOT NULL
	    AND sector IS NOT NULL AND description IS NOT NULL
	    AND problem_customers IS NOT NULL AND plan IS NOT NULL
	    AND team_size IS NOT NULL AND women_employed IS NOT NULL
	    AND jobs_planned IS NOT NULL AND amount_requested_vnd IS NOT NULL
	    AND budget_total(budget_lines) = amount_requested_vnd
	    AND women_capital_pct >= 51 AND woman_manager
	    AND (ward_code IS NOT NULL OR outside_district)))
);

-- One active application per applicant per call.
CREATE UNIQUE INDEX applications_one_active ON applications (call_id, applicant_id)
	WHERE status <> 'withdrawn';
CREATE INDEX applications_applicant_idx ON applications (applicant_id, id);
CREATE INDEX applications_call_status_idx ON applications (call_id, status, id);
CREATE INDEX applications_submitted_idx ON applications (submitted_at, id);
CREATE INDEX applications_search_idx ON applications
	USING gin (search_folded gin_trgm_ops);

-- Allowed moves of an application's status.  Later issues (review,
-- decisions, follow-up) use the rest of the chain.
CREATE TABLE application_transitions (
	from_status	text NOT NULL,
	to_status	text NOT NULL,
	PRIMARY KEY (from_status, to_status)
);

INSERT INTO application_transitions VALUES
	('draft', 'submitted'),
	('submitted', 'screening'),
	('screening', 'eligible'), ('screening', 'ineligible'),
	('draft', 'withdrawn'), ('submitted', 'withdrawn'),
	('screening', 'withdrawn'),
	('eligible', 'in_review'), ('in_review', 'reviewed'),
	('reviewed', 'funded'), ('reviewed', 'waitlisted'),
	('reviewed', 'rejected'), ('waitlisted', 'funded'),
	('funded', 'in_followup'), ('in_followup', 'completed'),
	('in_followup', 'closed');

-- Every status change, timestamped and attributed.
CREATE TABLE application_events (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL REFERENCES applications (id),
	from_status	text,
	to_status	text NOT NULL,
	actor_id	bigint REFERENCES users (id),
	reason		text,
	at		timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX application_events_app_idx ON application_events (application_id, id);

-- Human-readable references, numbered per year (Hà Nội time).
CREATE TABLE reference_counters (
	year	int PRIMARY KEY,
	last	int NOT NULL
);

CREATE FUNCTION applications_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	yr	int;
	n	int;
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.status <> OLD.status THEN
		IF NOT EXISTS (SELECT 1 FROM application_transitions
		    WHERE from_status = OLD.status AND to_status = NEW.status) THEN
			RAISE EXCEPTION 'an application cannot go from % to %',
			    OLD.status, NEW.status
			    USING ERRCODE = 'SN409', COLUMN = 'status';
		END IF;
		IF NEW.status = 'submitted' AND NEW.reference IS NULL THEN
			yr := extract(year FROM now() AT TIME ZONE 'Asia/Ho_Chi_Minh');
			INSERT INTO reference_counters AS c (year, last) VALUES (yr, 1)
			    ON CONFLICT (year) DO UPDATE SET last = c.last + 1
			    RETURNING last INTO n;
			NEW.reference := format('HK-%s-%s', yr, lpad(n::text, 5, '0'));
			NEW.submitted_at := now();
		END IF;
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	NEW.search_folded := sen_fold(concat_ws(' ', NEW.reference,
	    NEW.business_name, NEW.description,
	    (SELECT full_name FROM users WHERE id = NEW.applicant_id)));
	RETURN NEW;
END
$$;

CREATE TRIGGER applications_guard BEFORE INSERT OR UPDATE ON applications
	FOR EACH ROW EXECUTE FUNCTION applications_guard();

CREATE FUNCTION applications_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' OR NEW.status <> OLD.status THEN
		INSERT INTO application_events (application_id, from_status,
		    to_status, actor_id, reason)
		VALUES (NEW.id, CASE WHEN TG_OP = 'UPDATE' THEN OLD.status END,
		    NEW.status,
		    nullif(current_setting('sen.actor_id', true), '')::bigint,
		    nullif(current_setting('sen.reason', true), ''));
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER applications_event AFTER INSERT OR UPDATE OF status ON applications
	FOR EACH ROW EXECUTE FUNCTION applications_event();

-- A claim of priority, made on submission from the profile, and its
-- verification by staff against the uploaded certificate.  Only verified
-- claims ever earn priority points.
CREATE TABLE priority_claims (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id		bigint NOT NULL REFERENCES applications (id),
	category		text NOT NULL CHECK (category IN
				    ('poor', 'near_poor', 'hardship', 'disability')),
	cert_number		text,
	cert_issued_on		date,
	cert_valid_until	date,
	status			text NOT NULL DEFAULT 'pending'
				    CHECK (status IN ('pending', 'verified', 'rejected')),
	note			text CHECK (length(note) <= 2000),
	decided_by		bigint REFERENCES users (id),
	decided_at		timestamptz,
	UNIQUE (application_id, category),
	CHECK (status = 'pending' OR (decided_by IS NOT NULL AND decided_at IS NOT NULL)),
	CHECK (status <> 'rejected' OR length(btrim(note)) > 0)
);

-- Documents.  Kinds other than business_plan and other are personal data.
CREATE TABLE documents (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL REFERENCES applications (id),
	kind		text NOT NULL CHECK (kind IN ('business_plan',
			    'household_certificate', 'disability_certificate',
			    'id_card', 'other')),
	content_type	text NOT NULL CHECK (content_type IN
			    ('application/pdf', 'image/jpeg', 'image/png')),
	filename	text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
	size_bytes	bigint NOT NULL CHECK (size_bytes > 0),
	sha256		bytea NOT NULL CHECK (length(sha256) = 32),
	uploaded_by	bigint NOT NULL REFERENCES users (id),
	uploaded_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX documents_application_idx ON documents (application_id, id);

-- The bytes, apart, so that listing documents never drags them along.
-- They are PDF, JPEG or PNG (compressed already): PostgreSQL need not try
-- to compress them again, only to move them out of line.
CREATE TABLE document_contents (
	document_id	bigint PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
	content		bytea NOT NULL
);
ALTER TABLE document_contents ALTER COLUMN content SET STORAGE EXTERNAL;

-- How a document appears in API responses (never its bytes).
CREATE FUNCTION api_document(d documents) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', d.id,
	    'application_id', d.application_id,
	    'kind', d.kind,
	    'content_type', d.content_type,
	    'filename', d.filename,
	    'size_bytes', d.size_bytes,
	    'sha256', encode(d.sha256, 'hex'),
	    'uploaded_at', d.uploaded_at)
$$;

-- Who may add and remove documents, whatever the code path: an applicant
-- only on her own application, adding while it is a draft, submitted or
-- being screened, removing only while it is a draft; staff and admins on
-- any application; nobody else.  The application row is locked (FOR
-- SHARE) so that its status cannot move until the change commits.
-- Without an acting user (sen.actor_id, set by the API), e.g. in
-- maintenance scripts, nothing is checked.
CREATE FUNCTION documents_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	actor	bigint := nullif(current_setting('sen.actor_id', true), '')::bigint;
	d	documents := coalesce(NEW, OLD);
	a	applications;
	r	text;
BEGIN
	IF actor IS NULL THEN
		RETURN d;
	END IF;
	SELECT role INTO r FROM users WHERE id = actor;
	SELECT * INTO a FROM applications WHERE id = d.application_id FOR SHARE;
	IF r IN ('staff', 'admin') THEN
		RETURN d;
	END IF;
	IF r IS DISTINCT FROM 'applicant' OR a.applicant_id <> actor THEN
		RAISE EXCEPTION 'no such application'
		    USING ERRCODE = 'SN404';
	END IF;
	IF TG_OP = 'INSERT' AND a.status NOT IN ('draft', 'submitted', 'screening') THEN
		RAISE EXCEPTION 'documents can be added only while the application is a draft, submitted or being screened'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF TG_OP = 'DELETE' AND a.status <> 'draft' THEN
		RAISE EXCEPTION 'documents can be removed only while the application is a draft'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF TG_OP = 'INSERT' AND NEW.uploaded_by <> actor THEN
		RAISE EXCEPTION 'a document is uploaded by the acting user'
		    USING ERRCODE = 'SN422', COLUMN = 'uploaded_by';
	END IF;
	RETURN d;
END
$$;

CREATE TRIGGER documents_guard BEFORE INSERT OR DELETE ON documents
	FOR EACH ROW EXECUTE FUNCTION documents_guard();

-- A document's metadata never changes: a new version is a new upload.
CREATE FUNCTION documents_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'documents cannot be changed, only added or removed'
	    USING ERRCODE = 'SN409';
END
$$;

CREATE TRIGGER documents_immutable BEFORE UPDATE ON documents
	FOR EACH ROW EXECUTE FUNCTION documents_immutable();
CREATE TRIGGER document_contents_immutable BEFORE UPDATE ON document_contents
	FOR EACH ROW EXECUTE FUNCTION documents_immutable();

CREATE FUNCTION priority_claims_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	kind	text;
BEGIN
	IF NEW.status = 'verified' AND OLD.status IS DISTINCT FROM 'verified' THEN
		IF NEW.cert_valid_until IS NOT NULL AND NEW.cert_valid_until <
		    (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN
			RAISE EXCEPTION 'the certificate has expired and cannot be verified'
			    USING ERRCODE = 'SN422', COLUMN = 'verified';
		END IF;
		IF NEW.category <> 'disability' AND NEW.cert_valid_until IS NULL THEN
			RAISE EXCEPTION 'a household certificate without a validity date cannot be verified'
			    USING ERRCODE = 'SN422', COLUMN = 'verified';
		END IF;
		kind := CASE WHEN NEW.category = 'disability'
		    THEN 'disability_certificate' ELSE 'household_certificate' END;
		IF NOT EXISTS (SELECT 1 FROM documents
		    WHERE application_id = NEW.application_id AND documents.kind = kind) THEN
			RAISE EXCEPTION 'no % has been uploaded to verify against', kind
			    USING ERRCODE = 'SN422', COLUMN = 'verified';
		END IF;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER priority_claims_guard BEFORE INSERT OR UPDATE ON priority_claims
	FOR EACH ROW EXECUTE FUNCTION priority_claims_guard();

-- Notifications.  Status changes queue messages here, in the applicant's
-- language, one per channel she chose; `sen-admin outbox` delivers them
-- (SMTP for e-mail, an HTTP gateway for SMS and Zalo) or, when a channel
-- is not configured, writes them to its log.  dedupe_key makes queuing
-- idempotent; the sender's lease (locked_until) and the id it sends as an
-- idempotency key keep a message from going out twice.
CREATE TABLE message_templates (
	event		text NOT NULL,
	locale		text NOT NULL CHECK (locale IN ('vi', 'en')),
	subject		text NOT NULL,
	body		text NOT NULL,
	PRIMARY KEY (event, locale)
);

CREATE TABLE outbox (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	user_id		bigint REFERENCES users (id),
	channel		text NOT NULL CHECK (channel IN ('email', 'sms', 'zalo')),
	recipient	text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
	locale		text NOT NULL CHECK (locale IN ('vi', 'en')),
	event		text NOT NULL,
	subject		text NOT NULL,
	body		text NOT NULL,
	dedupe_key	text NOT NULL UNIQUE,
	status		text NOT NULL DEFAULT 'pending' CHECK (status IN
			    ('pending', 'sending', 'sent', 'logged', 'failed')),
	attempts	int NOT NULL DEFAULT 0 CHECK (attempts >= 0),
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	locked_until	timestamptz,
	last_error	text,
	created_at	timestamptz NOT NULL DEFAULT now(),
	sent_at		timestamptz,
	CHECK (status NOT IN ('sent', 'logged') OR sent_at IS NOT NULL)
);

CREATE INDEX outbox_due_idx ON outbox (next_attempt_at)
	WHERE status IN ('pending', 'sending');
CREATE INDEX outbox_user_idx ON outbox (user_id, id);

-- Labels of statuses in messages.
CREATE TABLE status_labels (
	status		text NOT NULL,
	locale		text NOT NULL CHECK (locale IN ('vi', 'en')),
	label		text NOT NULL,
	PRIMARY KEY (status, locale)
);

INSERT INTO status_labels (status, locale, label) VALUES
	('draft', 'vi', 'Bản nháp'), ('draft', 'en', 'Draft'),
	('submitted', 'vi', 'Đã nộp'), ('submitted', 'en', 'Submitted'),
	('screening', 'vi', 'Đang sơ tuyển'), ('screening', 'en', 'Being screened'),
	('eligible', 'vi', 'Đủ điều kiện'), ('eligible', 'en', 'Eligible'),
	('ineligible', 'vi', 'Không đủ điều kiện'), ('ineligible', 'en', 'Not eligible'),
	('in_review', 'vi', 'Đang chấm điểm'), ('in_review', 'en', 'In review'),
	('reviewed', 'vi', 'Đã chấm điểm'), ('reviewed', 'en', 'Reviewed'),
	('funded', 'vi', 'Được hỗ trợ'), ('funded', 'en', 'Funded'),
	('waitlisted', 'vi', 'Danh sách chờ'), ('waitlisted', 'en', 'Waitlisted'),
	('rejected', 'vi', 'Không được hỗ trợ'), ('rejected', 'en', 'Not funded'),
	('in_followup', 'vi', 'Đang theo dõi'), ('in_followup', 'en', 'In follow-up'),
	('completed', 'vi', 'Hoàn thành'), ('completed', 'en', 'Completed'),
	('closed', 'vi', 'Đã đóng'), ('closed', 'en', 'Closed'),
	('withdrawn', 'vi', 'Đã rút'), ('withdrawn', 'en', 'Withdrawn');

INSERT INTO message_templates (event, locale, subject, body) VALUES
	('application.status', 'vi',
	 'Sen: hồ sơ {reference} — {status}',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Hồ sơ {reference} gửi đợt hỗ trợ "{call}" đã chuyển sang trạng thái: {status}.{reason}' || chr(10) || chr(10) ||
	 'Xem chi tiết trên Sen.'),
	('application.status', 'en',
	 'Sen: application {reference} — {status}',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'Your application {reference} to "{call}" is now: {status}.{reason}' || chr(10) || chr(10) ||
	 'See the details on Sen.');

-- Queue a message to the applicant for each of her channels when her
-- application changes status.  Drafts being created are not news.
CREATE FUNCTION application_events_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	u	users;
	p	applicant_profiles;
	a	applications;
	c	calls;
	t	message_templates;
	ch	text;
	to_	text;
	subj	text;
	body	text;
	lbl	text;
BEGIN
	IF NEW.to_status = 'draft' THEN
		RETURN NULL;
	END IF;
	SELECT * INTO a FROM applications WHERE id = NEW.application_id;
	SELECT * INTO u FROM users WHERE id = a.applicant_id;
	SELECT * INTO c FROM calls WHERE id = a.call_id;
	SELECT * INTO p FROM applicant_profiles WHERE user_id = u.id;
	SELECT * INTO t FROM message_templates
	    WHERE event = 'application.status' AND locale = u.locale;
	SELECT label INTO lbl FROM status_labels
	    WHERE status = NEW.to_status AND locale = u.locale;

	FOREACH ch IN ARRAY coalesce(p.notify_channels, ARRAY['email']) LOOP
		to_ := CASE ch WHEN 'email' THEN u.email ELSE u.phone END;
		CONTINUE WHEN to_ IS NULL;
		subj := replace(replace(t.subject, '{reference}',
		    coalesce(a.reference, '')), '{status}', lbl);
		body := replace(replace(replace(replace(replace(t.body,
		    '{name}', u.full_name),
		    '{reference}', coalesce(a.reference, '')),
		    '{call}', CASE u.locale WHEN 'vi' THEN c.title_vi ELSE c.title_en END),
		    '{status}', lbl),
		    '{reason}', CASE WHEN NEW.reason IS NULL THEN ''
			ELSE chr(10) || chr(10) || NEW.reason END);
		INSERT INTO outbox (user_id, channel, recipient, locale, event,
		    subject, body, dedupe_key)
		VALUES (u.id, ch, to_, u.locale, 'application.status', subj,
		    body, format('application_event:%s:%s', NEW.id, ch))
		ON CONFLICT (dedupe_key) DO NOTHING;
	END LOOP;
	RETURN NULL;
END
$$;

CREATE TRIGGER application_events_notify AFTER INSERT ON application_events
	FOR EACH ROW EXECUTE FUNCTION application_events_notify();

-- Audit every change of these through the API.
CREATE TRIGGER calls_audit AFTER INSERT OR UPDATE OR DELETE ON calls
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER call_criteria_audit AFTER INSERT OR UPDATE OR DELETE ON call_criteria
	FOR EACH ROW EXECUTE FUNCTION audit_row();
-- The national ID is not copied into the log: the log is read more widely
-- than the profile.
CREATE TRIGGER applicant_profiles_audit AFTER INSERT OR UPDATE ON applicant_profiles
	FOR EACH ROW EXECUTE FUNCTION audit_row('national_id');
CREATE TRIGGER applications_audit AFTER INSERT OR UPDATE ON applications
	FOR EACH ROW EXECUTE FUNCTION audit_row('search_folded');
CREATE TRIGGER priority_claims_audit AFTER INSERT OR UPDATE ON priority_claims
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER documents_audit AFTER INSERT OR DELETE ON documents
	FOR EACH ROW EXECUTE FUNCTION audit_row();
