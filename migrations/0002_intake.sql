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
-- deprivations, near-poor with fewer (app/lib/priority.c).  valid_to is
-- the last day a standard applies; when periods overlap, the one that
-- started last is in force (poverty_standard_in_force below).
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

-- The standard in force for an area on a day (a Hà Nội date), or none.
CREATE FUNCTION poverty_standard_in_force(area text, day date)
RETURNS poverty_standards
LANGUAGE sql STABLE AS $$
	SELECT s.* FROM poverty_standards s
	WHERE s.area = $1 AND s.valid_from <= $2
	  AND (s.valid_to IS NULL OR s.valid_to >= $2)
	ORDER BY s.valid_from DESC, s.id DESC
	LIMIT 1
$$;

-- The categories that may earn priority, and the certificate that proves
-- each: what the self-check tells an applicant to upload, and what staff
-- verify against.  Poor, near-poor and hardship are household statuses
-- (a household holds one at a time); disability is personal.
CREATE TABLE priority_categories (
	code		text PRIMARY KEY CHECK (code IN
			    ('poor', 'near_poor', 'hardship', 'disability')),
	position	int NOT NULL UNIQUE,
	household	boolean NOT NULL,
	label_vi	text NOT NULL,
	label_en	text NOT NULL,
	document_kind	text NOT NULL CHECK (document_kind IN
			    ('household_certificate', 'disability_certificate')),
	certificate_vi	text NOT NULL,
	certificate_en	text NOT NULL,
	issuer_vi	text NOT NULL,
	issuer_en	text NOT NULL
);

INSERT INTO priority_categories VALUES
	('poor', 1, true, 'Hộ nghèo', 'Poor household', 'household_certificate',
	 'Giấy chứng nhận hộ nghèo', 'Poor household certificate',
	 'UBND phường cấp sau kỳ rà soát hộ nghèo, hộ cận nghèo hằng năm',
	 'Issued by the ward People''s Committee after the yearly poverty review'),
	('near_poor', 2, true, 'Hộ cận nghèo', 'Near-poor household',
	 'household_certificate',
	 'Giấy chứng nhận hộ cận nghèo', 'Near-poor household certificate',
	 'UBND phường cấp sau kỳ rà soát hộ nghèo, hộ cận nghèo hằng năm',
	 'Issued by the ward People''s Committee after the yearly poverty review'),
	('hardship', 3, true, 'Hộ có hoàn cảnh khó khăn', 'Household in hardship',
	 'household_certificate',
	 'Giấy xác nhận hộ có hoàn cảnh khó khăn',
	 'Ward certificate of household hardship',
	 'UBND phường xác nhận', 'Certified by the ward People''s Committee'),
	('disability', 4, false, 'Người khuyết tật', 'Person with a disability',
	 'disability_certificate',
	 'Giấy xác nhận khuyết tật', 'Disability certificate',
	 'Chủ tịch UBND phường cấp theo Luật Người khuyết tật 2010',
	 'Issued by the chair of the ward People''s Committee (Law on Persons with Disabilities, 2010)');

-- Business stages, with what each means (an application's dates are
-- checked against max_months on submission).
CREATE TABLE business_stages (
	code		text PRIMARY KEY CHECK (code IN ('idea', 'startup', 'new_business')),
	position	int NOT NULL UNIQUE,
	label_vi	text NOT NULL,
	label_en	text NOT NULL,
	definition_vi	text NOT NULL,
	definition_en	text NOT NULL,
	-- startup: months since it began operating; new_business: months
	-- since registration.
	max_months	int CHECK (max_months > 0)
);

INSERT INTO business_stages VALUES
	('idea', 1, 'Ý tưởng kinh doanh', 'Business idea',
	 'Có ý tưởng, chưa bắt đầu hoạt động kinh doanh',
	 'An idea, not operating yet', NULL),
	('startup', 2, 'Khởi nghiệp', 'Startup',
	 'Đã hoạt động kinh doanh dưới 12 tháng',
	 'Operating for less than 12 months', 12),
	('new_business', 3, 'Doanh nghiệp mới thành lập', 'New business',
	 'Đã đăng ký kinh doanh chưa đủ 3 năm',
	 'Registered less than 3 years ago', 36);

-- The other short lists a form offers, with bilingual labels.
CREATE TABLE reference_labels (
	list		text NOT NULL CHECK (list IN ('household_status',
			    'disability_level', 'document_kind', 'call_status',
			    'area', 'deprivation')),
	code		text NOT NULL CHECK (code ~ '^[a-z][a-z_]*$'),
	position	int NOT NULL,
	label_vi	text NOT NULL,
	label_en	text NOT NULL,
	note_vi		text,
	note_en		text,
	PRIMARY KEY (list, code),
	UNIQUE (list, position)
);

INSERT INTO reference_labels VALUES
	('household_status', 'none', 1, 'Không thuộc diện nào dưới đây',
	 'None of these', NULL, NULL),
	('household_status', 'hardship', 2, 'Hộ có hoàn cảnh khó khăn',
	 'Household in hardship', 'Do UBND phường xác nhận',
	 'Certified by the ward People''s Committee'),
	('household_status', 'near_poor', 3, 'Hộ cận nghèo', 'Near-poor household',
	 'Có giấy chứng nhận hộ cận nghèo còn hiệu lực',
	 'With a valid near-poor household certificate'),
	('household_status', 'poor', 4, 'Hộ nghèo', 'Poor household',
	 'Có giấy chứng nhận hộ nghèo còn hiệu lực',
	 'With a valid poor household certificate'),
	('disability_level', 'mild', 1, 'Khuyết tật nhẹ', 'Mild disability', NULL, NULL),
	('disability_level', 'severe', 2, 'Khuyết tật nặng', 'Severe disability', NULL, NULL),
	('disability_level', 'especially_severe', 3, 'Khuyết tật đặc biệt nặng',
	 'Especially severe disability', NULL, NULL),
	('document_kind', 'business_plan', 1, 'Kế hoạch kinh doanh', 'Business plan',
	 NULL, NULL),
	('document_kind', 'household_certificate', 2,
	 'Giấy chứng nhận hộ nghèo, hộ cận nghèo hoặc giấy xác nhận hộ có hoàn cảnh khó khăn',
	 'Poor, near-poor or hardship household certificate', NULL, NULL),
	('document_kind', 'disability_certificate', 3, 'Giấy xác nhận khuyết tật',
	 'Disability certificate', NULL, NULL),
	('document_kind', 'id_card', 4, 'Căn cước công dân (CCCD)',
	 'Citizen identity card (CCCD)', NULL, NULL),
	('document_kind', 'other', 5, 'Tài liệu khác', 'Other document', NULL, NULL),
	('call_status', 'draft', 1, 'Bản nháp', 'Draft', NULL, NULL),
	('call_status', 'open', 2, 'Đang nhận hồ sơ', 'Open for applications', NULL, NULL),
	('call_status', 'closed', 3, 'Đã hết hạn nhận hồ sơ', 'Closed', NULL, NULL),
	('call_status', 'reviewing', 4, 'Đang chấm hồ sơ', 'Under review', NULL, NULL),
	('call_status', 'decided', 5, 'Đã có kết quả', 'Decided', NULL, NULL),
	('call_status', 'archived', 6, 'Đã lưu trữ', 'Archived', NULL, NULL),
	('area', 'urban', 1, 'Thành thị', 'Urban', 'Hoàn Kiếm là khu vực thành thị',
	 'Hoàn Kiếm is an urban area'),
	('area', 'rural', 2, 'Nông thôn', 'Rural', NULL, NULL),
	-- The 12 deprivation indicators of Decree 07/2021/NĐ-CP; the note is
	-- the dimension each belongs to.
	('deprivation', 'employment', 1, 'Việc làm', 'Employment',
	 'Việc làm', 'Employment'),
	('deprivation', 'dependants', 2, 'Người phụ thuộc trong hộ gia đình',
	 'Dependants in the household', 'Việc làm', 'Employment'),
	('deprivation', 'nutrition', 3, 'Dinh dưỡng', 'Nutrition', 'Y tế', 'Health'),
	('deprivation', 'health_insurance', 4, 'Bảo hiểm y tế', 'Health insurance',
	 'Y tế', 'Health'),
	('deprivation', 'adult_education', 5, 'Trình độ giáo dục của người lớn',
	 'Education of adults', 'Giáo dục', 'Education'),
	('deprivation', 'child_schooling', 6, 'Tình trạng đi học của trẻ em',
	 'School attendance of children', 'Giáo dục', 'Education'),
	('deprivation', 'housing_quality', 7, 'Chất lượng nhà ở', 'Housing quality',
	 'Nhà ở', 'Housing'),
	('deprivation', 'housing_area', 8, 'Diện tích nhà ở bình quân đầu người',
	 'Living space per person', 'Nhà ở', 'Housing'),
	('deprivation', 'drinking_water', 9, 'Nguồn nước sinh hoạt',
	 'Domestic water source', 'Nước sinh hoạt và vệ sinh',
	 'Water and sanitation'),
	('deprivation', 'sanitation', 10, 'Nhà tiêu hợp vệ sinh', 'Hygienic latrine',
	 'Nước sinh hoạt và vệ sinh', 'Water and sanitation'),
	('deprivation', 'telecoms', 11, 'Sử dụng dịch vụ viễn thông',
	 'Use of telecommunication services', 'Thông tin', 'Information'),
	('deprivation', 'information_access', 12,
	 'Phương tiện phục vụ tiếp cận thông tin',
	 'Means of access to information', 'Thông tin', 'Information');

-- Everything a form offers, bilingual: GET /api/reference.
CREATE FUNCTION api_reference() RETURNS json
LANGUAGE sql STABLE AS $$
	WITH l AS (
		SELECT list, position, json_build_object(
		    'code', code,
		    'label', json_build_object('vi', label_vi, 'en', label_en),
		    'note', CASE WHEN note_vi IS NOT NULL THEN
			json_build_object('vi', note_vi, 'en', note_en) END) AS item
		FROM reference_labels)
	SELECT json_build_object(
	    'wards', (SELECT json_agg(json_build_object('code', code,
		'name_vi', name_vi, 'name_ascii', name_ascii) ORDER BY code)
		FROM wards),
	    'sectors', (SELECT json_agg(json_build_object('code', code,
		'label', json_build_object('vi', name_vi, 'en', name_en))
		ORDER BY position) FROM sectors),
	    'business_stages', (SELECT json_agg(json_build_object('code', code,
		'label', json_build_object('vi', label_vi, 'en', label_en),
		'definition', json_build_object('vi', definition_vi,
		    'en', definition_en),
		'max_months', max_months) ORDER BY position)
		FROM business_stages),
	    'household_statuses', (SELECT json_agg(item ORDER BY position)
		FROM l WHERE list = 'household_status'),
	    'disability_levels', (SELECT json_agg(item ORDER BY position)
		FROM l WHERE list = 'disability_level'),
	    'document_kinds', (SELECT json_agg(item ORDER BY position)
		FROM l WHERE list = 'document_kind'),
	    'priority_categories', (SELECT json_agg(json_build_object(
		'code', code,
		'label', json_build_object('vi', label_vi, 'en', label_en),
		'household', household,
		'document_kind', document_kind,
		'certificate', json_build_object('vi', certificate_vi,
		    'en', certificate_en),
		'issuer', json_build_object('vi', issuer_vi, 'en', issuer_en))
		ORDER BY position) FROM priority_categories),
	    'call_statuses', (SELECT json_agg(item ORDER BY position)
		FROM l WHERE list = 'call_status'),
	    'areas', (SELECT json_agg(item ORDER BY position)
		FROM l WHERE list = 'area'),
	    -- The note of an indicator is its dimension.
	    'deprivation_indicators', (SELECT json_agg(item ORDER BY position)
		FROM l WHERE list = 'deprivation'),
	    'poverty_standards', (SELECT coalesce(json_agg(json_build_object(
		'name', s.name, 'area', s.area,
		'income_line_vnd', s.income_line_vnd,
		'poor_min_deprivations', s.poor_min_deprivations,
		'deprivation_count', s.deprivation_count,
		'valid_from', s.valid_from, 'valid_to', s.valid_to)
		ORDER BY s.area DESC), '[]')
		FROM (VALUES ('urban'), ('rural')) a(area),
		    poverty_standard_in_force(a.area,
			(now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) s
		WHERE s.id IS NOT NULL))
$$;

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
BEGIN
	IF NEW.status <> OLD.status AND NOT EXISTS (SELECT 1 FROM call_transitions
	    WHERE from_status = OLD.status AND to_status = NEW.status) THEN
		RAISE EXCEPTION 'a call cannot go from % to %', OLD.status,
		    NEW.status USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	-- A call opens only ready to be judged and still able to receive
	-- applications: a rubric whose weights sum to 100, a future close.
	IF NEW.status = 'open' AND OLD.status <> 'open' THEN
		IF (SELECT coalesce(sum(weight), 0) FROM call_criteria
		    WHERE call_id = NEW.id) <> 100 THEN
			RAISE EXCEPTION 'a call opens only with a rubric whose weights sum to 100'
			    USING ERRCODE = 'SN409', COLUMN = 'rubric';
		END IF;
		IF NEW.closes_at <= now() THEN
			RAISE EXCEPTION 'a call opens only with a closing time in the future'
			    USING ERRCODE = 'SN409', COLUMN = 'closes_at';
		END IF;
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
	-- The version is what a form edited; bookkeeping of the review and
	-- decision steps (release, close of scoring, ...) does not make an
	-- open call form stale.
	IF NEW.version = OLD.version AND (to_jsonb(NEW) - ARRAY['version',
	    'updated_at', 'assignments_released_at', 'scoring_closed_at',
	    'decisions_released_at']) IS DISTINCT FROM (to_jsonb(OLD) -
	    ARRAY['version', 'updated_at', 'assignments_released_at',
	    'scoring_closed_at', 'decisions_released_at']) THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER calls_guard BEFORE UPDATE ON calls
	FOR EACH ROW EXECUTE FUNCTION calls_guard();

-- Wards must exist (an array cannot carry a foreign key), and neither
-- list may name anything twice.
CREATE FUNCTION calls_wards_exist() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM unnest(NEW.wards) w
	    WHERE w NOT IN (SELECT code FROM wards)) THEN
		RAISE EXCEPTION 'unknown ward code'
		    USING ERRCODE = 'SN422', COLUMN = 'wards';
	END IF;
	IF cardinality(NEW.wards) <> (SELECT count(DISTINCT w)
	    FROM unnest(NEW.wards) w) THEN
		RAISE EXCEPTION 'a ward is listed twice'
		    USING ERRCODE = 'SN422', COLUMN = 'wards';
	END IF;
	IF cardinality(NEW.stages) <> (SELECT count(DISTINCT st)
	    FROM unnest(NEW.stages) st) THEN
		RAISE EXCEPTION 'a stage is listed twice'
		    USING ERRCODE = 'SN422', COLUMN = 'stages';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER calls_wards_exist BEFORE INSERT OR UPDATE OF wards, stages
	ON calls FOR EACH ROW EXECUTE FUNCTION calls_wards_exist();

-- Times in API replies: RFC 3339 in UTC, and the same instant as Hà Nội
-- wall time with its offset (2026-12-01T08:00:00+07:00), which is what
-- the people of Hoàn Kiếm read.  Calls store whole seconds.
CREATE FUNCTION call_time_utc(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
	SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

CREATE FUNCTION call_time_local(t timestamptz) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
	SELECT to_char(t AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD"T"HH24:MI:SS')
	    || CASE WHEN o < interval '0' THEN '-' || to_char(-o, 'HH24:MI')
	       ELSE '+' || to_char(o, 'HH24:MI') END
	FROM (SELECT (t AT TIME ZONE 'Asia/Ho_Chi_Minh') - (t AT TIME ZONE 'UTC')
	    AS o) x
$$;

-- Whether a call takes applications right now: open, and between its
-- opening and closing time.
CREATE FUNCTION call_accepting(c calls) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT c.status = 'open' AND now() >= c.opens_at AND now() < c.closes_at
$$;

-- How calls appear in API responses: one definition for every endpoint.
-- It shows the scoring settings and anchors that 0003_review.sql adds, so
-- its body is checked when it is first used rather than now.
SET check_function_bodies = off;
CREATE FUNCTION api_call(c calls) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', c.id,
	    'title', json_build_object('vi', c.title_vi, 'en', c.title_en),
	    'description', json_build_object('vi', c.description_vi,
		'en', c.description_en),
	    'opens_at', call_time_utc(c.opens_at),
	    'opens_at_local', call_time_local(c.opens_at),
	    'closes_at', call_time_utc(c.closes_at),
	    'closes_at_local', call_time_local(c.closes_at),
	    'budget_vnd', c.budget_vnd,
	    'max_award_vnd', c.max_award_vnd,
	    'stages', to_json(c.stages),
	    'wards', to_json(c.wards),
	    'allow_outside_district', c.allow_outside_district,
	    'reviewers_per_application', c.reviewers_per_application,
	    'rubric', (SELECT coalesce(json_agg(CASE WHEN an.list IS NULL
		THEN json_build_object(
		    'key', k.key,
		    'label', json_build_object('vi', k.label_vi, 'en', k.label_en),
		    'max_score', k.max_score,
		    'weight', k.weight)
		ELSE json_build_object(
		    'key', k.key,
		    'label', json_build_object('vi', k.label_vi, 'en', k.label_en),
		    'max_score', k.max_score,
		    'weight', k.weight,
		    'anchors', an.list) END ORDER BY k.position), '[]')
		FROM call_criteria k
		-- Anchors only where the criterion has some, by score.
		LEFT JOIN LATERAL (SELECT json_agg(json_build_object(
		    'score', ca.score,
		    'text', json_build_object('vi', ca.text_vi, 'en', ca.text_en))
		    ORDER BY ca.score) AS list
		    FROM criterion_anchors ca WHERE ca.criterion_id = k.id) an ON true
		WHERE k.call_id = c.id),
	    'priority_policy', json_build_object(
		'bonus', json_build_object(
		    'poor', c.bonus_poor,
		    'near_poor', c.bonus_near_poor,
		    'hardship', c.bonus_hardship,
		    'disability', c.bonus_disability),
		'combine', c.priority_combine,
		'cap', c.priority_cap,
		'reserved_share_pct', c.priority_reserved_pct),
	    'review_due_at', call_time_utc(c.review_due_at),
	    'review_due_at_local', call_time_local(c.review_due_at),
	    'disagreement_threshold', c.disagreement_threshold,
	    'normalise_reviewers', c.normalise_reviewers,
	    'assignments_released_at', call_time_utc(c.assignments_released_at),
	    'scoring_closed_at', call_time_utc(c.scoring_closed_at),
	    'status', c.status,
	    'accepting_applications', call_accepting(c),
	    'version', c.version,
	    'created_at', call_time_utc(c.created_at),
	    'updated_at', call_time_utc(c.updated_at))
$$;
RESET check_function_bodies;

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
	CHECK (NOT outside_district OR coalesce(length(btrim(address)), 0) > 0),
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
	budget_lines		jsonb NOT NULL DEFAULT '[]',
	-- Women-owned (Decision 2415/QĐ-TTg): women hold at least 51 % of the
	-- capital and a woman manages the business.
	women_capital_pct	int CHECK (women_capital_pct BETWEEN 0 AND 100),
	woman_manager		boolean,
	-- Where the applicant lived when she submitted (from her profile).
	ward_code		text REFERENCES wards (code),
	outside_district	boolean,
	screening_reason	text,
	search_folded		text NOT NULL DEFAULT '',
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	submitted_at		timestamptz,
	-- At most 50 lines of {item, amount_vnd}.
	CONSTRAINT applications_budget_lines_check CHECK (CASE
	    WHEN jsonb_typeof(budget_lines) = 'array'
	    THEN jsonb_array_length(budget_lines) <= 50 ELSE false END),
	-- An ineligible applicant is told why.
	CONSTRAINT applications_screening_reason_check CHECK (
	    length(screening_reason) <= 2000 AND (status <> 'ineligible'
	    OR coalesce(length(btrim(screening_reason)), 0) > 0)),
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
	want	text;
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
		want := CASE WHEN NEW.category = 'disability'
		    THEN 'disability_certificate' ELSE 'household_certificate' END;
		IF NOT EXISTS (SELECT 1 FROM documents
		    WHERE application_id = NEW.application_id AND documents.kind = want) THEN
			RAISE EXCEPTION 'no % has been uploaded to verify against', want
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

-- Wake the sender (LISTEN sen_outbox) as soon as a message is queued
-- rather than at its next poll.  PostgreSQL delivers the notification at
-- commit, and folds identical ones of a transaction into one; a rolled
-- back transaction notifies nobody.  The sender still polls, for retries
-- and for notifications it missed while reconnecting.
CREATE FUNCTION outbox_wake() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('sen_outbox', '');
	RETURN NULL;
END
$$;

CREATE TRIGGER outbox_wake AFTER INSERT ON outbox
	FOR EACH STATEMENT EXECUTE FUNCTION outbox_wake();

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

-- ==== applications ====
-- The JSON of profiles and applications, built here once for every
-- endpoint (app/applications/), and the rules of submission that the
-- database enforces as well as the handlers.

-- Today in Hà Nội: ages, certificate validity and business dates are
-- counted in local days.
CREATE FUNCTION applications_today() RETURNS date
LANGUAGE sql STABLE AS $$
	SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;

-- A call takes applications while it is open and within its dates.
CREATE FUNCTION applications_call_accepting(c calls) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT c.status = 'open' AND now() >= c.opens_at AND now() < c.closes_at
$$;

-- Whether a certificate is on file and has not expired.  Disability
-- certificates carry no end of validity; household certificates always
-- do (the yearly poverty review renews them).
CREATE FUNCTION applications_cert_valid(num text, valid_until date,
    may_be_open boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT num IS NOT NULL AND CASE WHEN valid_until IS NULL THEN may_be_open
	    ELSE valid_until >= applications_today() END
$$;

-- The applicant's profile.  The national ID is shown whole only to staff
-- (reveal); she sees its last four digits, enough to recognise it.
CREATE FUNCTION api_profile(uid bigint, reveal boolean) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'user_id', u.id,
	    'full_name', u.full_name,
	    'email', u.email,
	    'phone', u.phone,
	    'locale', u.locale,
	    'date_of_birth', p.date_of_birth,
	    'national_id', CASE WHEN reveal THEN p.national_id
		ELSE repeat('*', length(p.national_id) - 4) || right(p.national_id, 4) END,
	    'ward_code', p.ward_code,
	    'ward_name', w.name_vi,
	    'outside_district', coalesce(p.outside_district, false),
	    'address', p.address,
	    'household_status', coalesce(p.household_status, 'none'),
	    'household_cert_number', p.household_cert_number,
	    'household_cert_issued_on', p.household_cert_issued_on,
	    'household_cert_valid_until', p.household_cert_valid_until,
	    'household_cert_valid', CASE WHEN p.household_status <> 'none' THEN
		applications_cert_valid(p.household_cert_number,
		p.household_cert_valid_until, false) END,
	    'disability', coalesce(p.disability, false),
	    'disability_level', p.disability_level,
	    'disability_cert_number', p.disability_cert_number,
	    'disability_cert_issued_on', p.disability_cert_issued_on,
	    'disability_cert_valid_until', p.disability_cert_valid_until,
	    'disability_cert_valid', CASE WHEN p.disability THEN
		applications_cert_valid(p.disability_cert_number,
		p.disability_cert_valid_until, true) END,
	    'disability_details', p.disability_details,
	    'notify_channels', coalesce(p.notify_channels, '{email}'),
	    'version', p.version,
	    'updated_at', p.updated_at)
	FROM users u
	LEFT JOIN applicant_profiles p ON p.user_id = u.id
	LEFT JOIN wards w ON w.code = p.ward_code
	WHERE u.id = uid
$$;

-- What the applicant should do next, in her language.
CREATE FUNCTION applications_next_steps(a applications, c calls, loc text)
RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
	WHEN a.status = 'draft' AND NOT applications_call_accepting(c) THEN
		CASE loc WHEN 'en'
		THEN 'This call no longer takes applications: the draft cannot be submitted.'
		ELSE 'Đợt hỗ trợ này không còn nhận hồ sơ: bản nháp không thể nộp.' END
	WHEN a.status = 'draft' THEN
		CASE loc WHEN 'en'
		THEN 'Complete the application and your profile, then submit it before '
		    || to_char(c.closes_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY') || '.'
		ELSE 'Hoàn thiện hồ sơ và thông tin cá nhân, rồi nộp trước '
		    || to_char(c.closes_at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY') || '.' END
	WHEN a.status IN ('submitted', 'screening') AND EXISTS (
	    SELECT 1 FROM priority_claims pc WHERE pc.application_id = a.id
	    AND pc.status = 'pending' AND NOT EXISTS (SELECT 1 FROM documents d
		WHERE d.application_id = a.id AND d.kind = CASE pc.category
		WHEN 'disability' THEN 'disability_certificate'
		ELSE 'household_certificate' END)) THEN
		CASE loc WHEN 'en'
		THEN 'Upload a copy of your certificate so that staff can verify your priority claim.'
		ELSE 'Hãy tải lên bản chụp giấy chứng nhận để cán bộ xác minh diện ưu tiên của chị.' END
	WHEN a.status IN ('submitted', 'screening') THEN
		CASE loc WHEN 'en'
		THEN 'Staff are checking that the application is eligible. You will get a message when they have decided.'
		ELSE 'Cán bộ đang kiểm tra điều kiện của hồ sơ. Chị sẽ nhận được tin nhắn khi có kết quả.' END
	WHEN a.status = 'eligible' THEN
		CASE loc WHEN 'en'
		THEN 'The application is eligible and will be scored by the review committee.'
		ELSE 'Hồ sơ đủ điều kiện và sẽ được hội đồng chấm điểm.' END
	WHEN a.status = 'ineligible' THEN
		CASE loc WHEN 'en'
		THEN 'The application is not eligible: ' || a.screening_reason
		ELSE 'Hồ sơ không đủ điều kiện: ' || a.screening_reason END
	WHEN a.status = 'withdrawn' THEN
		CASE loc WHEN 'en'
		THEN 'You withdrew this application. While the call is open you may start a new one.'
		ELSE 'Chị đã rút hồ sơ này. Khi đợt hỗ trợ còn mở, chị có thể tạo hồ sơ mới.' END
	ELSE
		CASE loc WHEN 'en'
		THEN 'Nothing to do for now: you will get a message when the status changes.'
		ELSE 'Hiện chưa cần làm gì: chị sẽ nhận được tin nhắn khi trạng thái thay đổi.' END
	END
$$;

-- An application as its applicant sees it; staff also get the applicant's
-- personal data (a read the handler writes to the audit log) and every
-- claim's note.  Documents are listed without their bytes.
CREATE FUNCTION api_application(a applications, staff boolean, loc text)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (jsonb_build_object(
	    'id', a.id,
	    'call_id', a.call_id,
	    'applicant_id', a.applicant_id,
	    'reference', a.reference,
	    'status', a.status,
	    'status_label', (SELECT label FROM status_labels
		WHERE status = a.status AND locale = loc),
	    'version', a.version,
	    'business_name', a.business_name,
	    'stage', a.stage,
	    'sector', a.sector,
	    'operating_since', a.operating_since,
	    'registered_on', a.registered_on,
	    'description', a.description,
	    'problem_customers', a.problem_customers,
	    'plan', a.plan,
	    'team_size', a.team_size,
	    'women_employed', a.women_employed,
	    'jobs_planned', a.jobs_planned,
	    'amount_requested_vnd', a.amount_requested_vnd,
	    'budget_lines', a.budget_lines,
	    'budget_total_vnd', budget_total(a.budget_lines),
	    'women_capital_pct', a.women_capital_pct,
	    'woman_manager', a.woman_manager,
	    'ward_code', a.ward_code,
	    'outside_district', a.outside_district,
	    'screening_reason', a.screening_reason,
	    'created_at', a.created_at,
	    'updated_at', a.updated_at,
	    'submitted_at', a.submitted_at)
	|| jsonb_build_object(
	    'call', jsonb_build_object(
		'id', c.id,
		'title', CASE loc WHEN 'en' THEN c.title_en ELSE c.title_vi END,
		'status', c.status,
		'closes_at', c.closes_at,
		'max_award_vnd', c.max_award_vnd,
		'stages', c.stages,
		'accepting_applications', applications_call_accepting(c)),
	    'claims', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'category', pc.category,
		'status', pc.status,
		'note', CASE WHEN staff OR pc.status = 'rejected' THEN pc.note END,
		'cert_number', pc.cert_number,
		'cert_issued_on', pc.cert_issued_on,
		'cert_valid_until', pc.cert_valid_until,
		'cert_valid', applications_cert_valid(pc.cert_number,
		    pc.cert_valid_until, pc.category = 'disability'),
		'decided_at', pc.decided_at) ORDER BY pc.id), '[]')
		FROM priority_claims pc WHERE pc.application_id = a.id),
	    'documents', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'id', d.id,
		'kind', d.kind,
		'content_type', d.content_type,
		'filename', d.filename,
		'size_bytes', d.size_bytes,
		'uploaded_at', d.uploaded_at) ORDER BY d.id), '[]')
		FROM documents d WHERE d.application_id = a.id),
	    'events', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'from', e.from_status,
		'to', e.to_status,
		'at', e.at,
		'actor_role', ur.role,
		'reason', e.reason) ORDER BY e.id), '[]')
		FROM application_events e LEFT JOIN users ur ON ur.id = e.actor_id
		WHERE e.application_id = a.id),
	    'next_steps', applications_next_steps(a, c, u.locale))
	|| CASE WHEN staff THEN jsonb_build_object(
	    'applicant', api_profile(a.applicant_id, true)::jsonb)
	    ELSE '{}' END)::json
	FROM calls c, users u
	WHERE c.id = a.call_id AND u.id = a.applicant_id
$$;

-- Everything submission checks, in one document for the handler
-- (lifecycle.c does the checking).
CREATE FUNCTION applications_submit_facts(app_id bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'today', applications_today(),
	    'application', to_json(a),
	    'profile', to_json(p),
	    'phone', u.phone,
	    'call', json_build_object(
		'accepting', applications_call_accepting(c),
		'stages', c.stages,
		'max_award_vnd', c.max_award_vnd,
		'wards', c.wards,
		'allow_outside_district', c.allow_outside_district))
	FROM applications a
	JOIN calls c ON c.id = a.call_id
	JOIN users u ON u.id = a.applicant_id
	LEFT JOIN applicant_profiles p ON p.user_id = a.applicant_id
	WHERE a.id = app_id
$$;

-- Submission, once the handler has checked everything: where she lives
-- is copied onto the application, her household status and disability
-- become pending priority claims (with the certificate as she declared
-- it), and the status moves to submitted (applications_guard gives the
-- reference, the event trigger queues her messages).
CREATE FUNCTION applications_submit(app_id bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	a	applications;
	p	applicant_profiles;
BEGIN
	SELECT * INTO a FROM applications WHERE id = app_id;
	SELECT * INTO p FROM applicant_profiles WHERE user_id = a.applicant_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'complete your profile first'
		    USING ERRCODE = 'SN422', COLUMN = 'profile';
	END IF;

	UPDATE applications SET ward_code = p.ward_code,
	    outside_district = p.outside_district, status = 'submitted'
	    WHERE id = app_id;

	IF p.household_status <> 'none' THEN
		INSERT INTO priority_claims (application_id, category,
		    cert_number, cert_issued_on, cert_valid_until)
		VALUES (app_id, p.household_status, p.household_cert_number,
		    p.household_cert_issued_on, p.household_cert_valid_until);
	END IF;
	IF p.disability THEN
		INSERT INTO priority_claims (application_id, category,
		    cert_number, cert_issued_on, cert_valid_until)
		VALUES (app_id, 'disability', p.disability_cert_number,
		    p.disability_cert_issued_on, p.disability_cert_valid_until);
	END IF;
END
$$;

-- An application is submitted only to a call that takes applications,
-- whoever writes the row.
CREATE FUNCTION applications_submit_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.status = 'submitted' AND OLD.status <> 'submitted' AND NOT (
	    SELECT applications_call_accepting(c) FROM calls c
	    WHERE c.id = NEW.call_id) THEN
		RAISE EXCEPTION 'the call is not accepting applications'
		    USING ERRCODE = 'SN409', COLUMN = 'call_id';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER applications_submit_guard BEFORE UPDATE OF status ON applications
	FOR EACH ROW EXECUTE FUNCTION applications_submit_guard();

-- ==== listing ====
-- Listing, search and CSV export of applications (app/applications/list.c).

-- Business names sort in Vietnamese alphabetical order (a ă â b c d đ e
-- ê …), not by code point, which would put "Ánh" after "Xuân".  ICU
-- collations are deterministic in PostgreSQL (equal only when the bytes
-- are), so keyset pagination can compare with them.
CREATE COLLATION sen_vi (provider = icu, locale = 'vi');

-- A LIKE pattern that finds q anywhere in folded text (search_folded),
-- taking q literally: \ % and _ are escaped.  LIKE rather than strpos()
-- because the trigram index on search_folded can answer LIKE '%…%' and
-- cannot answer strpos().
CREATE FUNCTION sen_contains(q text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT '%' || replace(replace(replace(sen_fold(q), '\', '\\'),
	    '%', '\%'), '_', '\_') || '%'
$$;

-- Times in pagination cursors: microseconds since the epoch, exact both
-- ways (a cursor that lost a microsecond would skip or repeat rows).
CREATE FUNCTION sen_usec(t timestamptz) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE STRICT AS $$
	SELECT (extract(epoch FROM t) * 1000000)::bigint
$$;

CREATE FUNCTION sen_from_usec(us bigint) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE STRICT AS $$
	SELECT to_timestamp(us / 1000000) + (us % 1000000) * interval '1 microsecond'
$$;

-- An application in a list.  Claims are personal data: the caller shows
-- them only to the applicant herself and to staff (whose reads of them are
-- audited); staff also see who applied.
CREATE FUNCTION api_application_item(a applications, locale text, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (jsonb_build_object(
	    'id', a.id,
	    'reference', a.reference,
	    'status', a.status,
	    'call', (SELECT jsonb_build_object('id', c.id, 'title',
		CASE locale WHEN 'en' THEN c.title_en ELSE c.title_vi END)
		FROM calls c WHERE c.id = a.call_id),
	    'business_name', a.business_name,
	    'stage', a.stage,
	    'sector', a.sector,
	    'ward_code', a.ward_code,
	    'amount_requested_vnd', a.amount_requested_vnd,
	    'submitted_at', a.submitted_at,
	    'updated_at', a.updated_at,
	    'claims', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'category', pc.category, 'status', pc.status)
		ORDER BY pc.category), '[]')
		FROM priority_claims pc WHERE pc.application_id = a.id))
	    || CASE WHEN staff THEN jsonb_build_object('applicant',
		(SELECT jsonb_build_object('id', u.id, 'full_name', u.full_name)
		FROM users u WHERE u.id = a.applicant_id))
	    ELSE '{}' END)::json
$$;

-- Sort orders of the list in their default direction, each ending in id
-- so that ties page stably.  NULL keys come last in both directions, so
-- a descending order needs its own DESC NULLS LAST index; created_at is
-- never NULL and one index serves both ways.  reference (ascending) has
-- its unique index, submitted_at ascending applications_submitted_idx.
CREATE INDEX applications_created_idx ON applications (created_at, id);
CREATE INDEX applications_submitted_desc_idx ON applications
	(submitted_at DESC NULLS LAST, id DESC);
CREATE INDEX applications_amount_desc_idx ON applications
	(amount_requested_vnd DESC NULLS LAST, id DESC);
CREATE INDEX applications_name_idx ON applications
	((business_name COLLATE sen_vi), id);
