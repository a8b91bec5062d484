-- 0006 Follow-up of supported businesses, and capacity-building trainings
-- ("nâng cao năng lực").
--
-- When an application becomes funded, the business it describes gets a
-- record here and a schedule of check-ins from its call's settings
-- (baseline at the award, then 3, 6, 12 and 24 months by default).  The
-- entrepreneur (from her phone) or staff (after a visit) answer each
-- scheduled check-in; staff approve it or return it with a comment, and
-- a returned check-in is answered again as a new revision, every
-- revision kept.  A business is on_track, at_risk or closed: the rules
-- are followup_risks() below, recomputed after every check-in, review
-- and flag, and by the periodic job (app/core/housekeeping.c).
--
-- Time is a parameter: every function whose answer depends on the time
-- takes "now" (timestamptz), so that the API passes now() and the tests
-- pass the times they choose.  Days are Hà Nội days.
--
-- The same rules in C, for the handlers and the unit tests:
-- app/lib/followup.c.

-- ==== settings of a call ====

-- A schedule: months after the award, the first 0 (the baseline, the
-- reference the revenue rule compares with), strictly increasing, up to
-- ten years, at most twelve check-ins.  fu_months_check() in C.
CREATE FUNCTION followup_months_valid(m int[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT m IS NOT NULL AND array_ndims(m) = 1 AND array_lower(m, 1) = 1
	    AND cardinality(m) BETWEEN 1 AND 12 AND m[1] = 0
	    AND NOT EXISTS (SELECT 1 FROM generate_subscripts(m, 1) i
		WHERE m[i] IS NULL OR m[i] > 120
		OR (i > 1 AND m[i] <= m[i - 1]))
$$;

-- Schedules are made when an application is funded: changing these
-- later changes no existing schedule.  The grace period, the reminder
-- lead and the revenue threshold are read when they are applied.
ALTER TABLE calls
	ADD COLUMN followup_months int[] NOT NULL DEFAULT '{0,3,6,12,24}'
	    CONSTRAINT calls_followup_months_check
	    CHECK (followup_months_valid(followup_months)),
	-- Days after its due date before an unanswered check-in is missed
	-- (and the business at risk).
	ADD COLUMN followup_grace_days int NOT NULL DEFAULT 14
	    CONSTRAINT calls_followup_grace_days_check
	    CHECK (followup_grace_days BETWEEN 0 AND 90),
	-- Days before its due date that the reminder goes out.
	ADD COLUMN followup_remind_days int NOT NULL DEFAULT 7
	    CONSTRAINT calls_followup_remind_days_check
	    CHECK (followup_remind_days BETWEEN 0 AND 60),
	-- Revenue below the baseline by more than this share is falling.
	ADD COLUMN followup_revenue_drop_pct int NOT NULL DEFAULT 20
	    CONSTRAINT calls_followup_revenue_drop_pct_check
	    CHECK (followup_revenue_drop_pct BETWEEN 1 AND 100);

-- ==== support areas ====

-- What a woman may ask support for in a check-in, and the topics of
-- trainings.  The mentoring feature keeps a list of skills of its own;
-- the two are to be unified (one list) when both are merged.
CREATE TABLE followup_support_areas (
	code		text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
	position	int NOT NULL UNIQUE,
	label_vi	text NOT NULL,
	label_en	text NOT NULL
);

INSERT INTO followup_support_areas (code, position, label_vi, label_en) VALUES
	('business_planning', 1, 'Lập kế hoạch kinh doanh', 'Business planning'),
	('bookkeeping', 2, 'Ghi chép sổ sách, kế toán', 'Bookkeeping and accounts'),
	('marketing', 3, 'Tiếp thị và bán hàng', 'Marketing and sales'),
	('digital_sales', 4, 'Bán hàng trực tuyến, mạng xã hội',
	 'Online sales and social media'),
	('finance_access', 5, 'Tiếp cận vốn, tín dụng', 'Access to finance and credit'),
	('registration_legal', 6, 'Đăng ký kinh doanh, thủ tục pháp lý',
	 'Business registration and legal matters'),
	('product_quality', 7, 'Chất lượng sản phẩm, an toàn thực phẩm',
	 'Product quality and food safety'),
	('pricing_costs', 8, 'Tính giá, quản lý chi phí', 'Pricing and costs'),
	('customer_service', 9, 'Chăm sóc khách hàng', 'Customer service'),
	('leadership', 10, 'Lãnh đạo, quản lý nhân sự', 'Leadership and managing staff');

CREATE FUNCTION api_support_areas() RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object('items', coalesce(json_agg(json_build_object(
	    'code', code,
	    'label', json_build_object('vi', label_vi, 'en', label_en))
	    ORDER BY position), '[]'))
	FROM followup_support_areas
$$;

-- ==== businesses and their schedules ====

-- Today in Hà Nội at a given time.
CREATE FUNCTION followup_today(now timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT (now AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;

-- The name of a scheduled check-in: baseline, month_3, month_12 ...
-- (fu_label() in C).
CREATE FUNCTION followup_label(months int) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT CASE months WHEN 0 THEN 'baseline' ELSE 'month_' || months END
$$;

-- The same for people, in a language.
CREATE FUNCTION followup_label_text(months int, loc text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT CASE WHEN loc = 'en' THEN CASE months WHEN 0
	    THEN 'baseline check-in' ELSE 'check-in after ' || months || ' months' END
	ELSE CASE months WHEN 0 THEN 'báo cáo đầu kỳ'
	    ELSE 'báo cáo sau ' || months || ' tháng' END END
$$;

-- A check-in may be sent from this many days before its due date
-- (FU_OPEN_DAYS in app/lib/followup.h).
CREATE FUNCTION followup_opens_on(due date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT due - 30
$$;

-- A supported business: one per funded application.  Its name, sector
-- and ward are those of the application when it was funded.  status:
-- on_track, at_risk (risks says why) or closed (for good).
CREATE TABLE businesses (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL UNIQUE REFERENCES applications (id),
	call_id		bigint NOT NULL REFERENCES calls (id),
	owner_id	bigint NOT NULL REFERENCES users (id),
	name		text NOT NULL,
	sector		text REFERENCES sectors (code),
	ward_code	text REFERENCES wards (code),
	award_on	date NOT NULL,
	status		text NOT NULL DEFAULT 'on_track'
			    CHECK (status IN ('on_track', 'at_risk', 'closed')),
	-- [{"code": "missed_checkin" | "revenue_falling" | "flagged", …}]
	risks		jsonb NOT NULL DEFAULT '[]'
			    CHECK (jsonb_typeof(risks) = 'array'),
	-- A staff flag puts the business at risk until it is lifted.
	flag_reason	text CHECK (length(btrim(flag_reason)) BETWEEN 1 AND 2000),
	flagged_by	bigint REFERENCES users (id),
	flagged_at	timestamptz,
	closed_at	timestamptz,
	closed_by	bigint REFERENCES users (id),
	closed_reason	text CHECK (length(btrim(closed_reason)) BETWEEN 1 AND 2000),
	version		int NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT businesses_flag_check CHECK ((flag_reason IS NULL) =
	    (flagged_at IS NULL)),
	CONSTRAINT businesses_closed_check CHECK ((status = 'closed') =
	    (closed_at IS NOT NULL) AND (closed_at IS NULL) =
	    (closed_reason IS NULL))
);

CREATE INDEX businesses_owner_idx ON businesses (owner_id, id);
CREATE INDEX businesses_status_idx ON businesses (status, id);
CREATE INDEX businesses_call_idx ON businesses (call_id, id);

-- The scheduled check-ins of a business; number 1 is the baseline.
CREATE TABLE followup_schedule (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	business_id	bigint NOT NULL REFERENCES businesses (id),
	number		int NOT NULL CHECK (number BETWEEN 1 AND 12),
	months		int NOT NULL CHECK (months BETWEEN 0 AND 120),
	label		text NOT NULL,
	due_on		date NOT NULL,
	UNIQUE (business_id, number),
	UNIQUE (business_id, months)
);

CREATE INDEX followup_schedule_due_idx ON followup_schedule (due_on, business_id);

-- A closed business stays closed; versions for If-Match.
CREATE FUNCTION businesses_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.status = 'closed' AND NEW.status <> 'closed' THEN
		RAISE EXCEPTION 'a closed business stays closed'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER businesses_guard BEFORE UPDATE ON businesses
	FOR EACH ROW EXECUTE FUNCTION businesses_guard();

-- Funding starts the follow-up: the business and its schedule, from the
-- call's months, counted from the day of the award (an end of month is
-- kept: 31 January + 1 month is 28 or 29 February, as fu_schedule()).
-- Whoever funds the application (the decisions feature) needs to do
-- nothing else.
CREATE FUNCTION followup_start() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	c	calls;
	bid	bigint;
	award	date := followup_today(now());
BEGIN
	SELECT * INTO c FROM calls WHERE id = NEW.call_id;
	INSERT INTO businesses (application_id, call_id, owner_id, name,
	    sector, ward_code, award_on)
	VALUES (NEW.id, NEW.call_id, NEW.applicant_id,
	    coalesce(NEW.business_name, NEW.reference, 'HK'), NEW.sector,
	    NEW.ward_code, award)
	ON CONFLICT (application_id) DO NOTHING
	RETURNING id INTO bid;
	IF bid IS NULL THEN
		RETURN NULL;
	END IF;
	INSERT INTO followup_schedule (business_id, number, months, label, due_on)
	SELECT bid, i, c.followup_months[i], followup_label(c.followup_months[i]),
	    (award + make_interval(months => c.followup_months[i]))::date
	FROM generate_subscripts(c.followup_months, 1) i;
	RETURN NULL;
END
$$;

CREATE TRIGGER applications_followup AFTER UPDATE OF status ON applications
	FOR EACH ROW WHEN (NEW.status = 'funded' AND OLD.status <> 'funded')
	EXECUTE FUNCTION followup_start();

-- ==== check-ins ====

-- The answer to one scheduled check-in, as last submitted: typed columns
-- for the reports.  status: submitted (waiting for staff), approved, or
-- returned (to be answered again: a new revision).  Every revision is
-- kept in checkin_versions.
CREATE TABLE checkins (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	business_id		bigint NOT NULL REFERENCES businesses (id),
	schedule_id		bigint NOT NULL UNIQUE REFERENCES followup_schedule (id),
	status			text NOT NULL DEFAULT 'submitted'
				    CHECK (status IN ('submitted', 'approved', 'returned')),
	revision		int NOT NULL DEFAULT 1 CHECK (revision >= 1),
	operating		boolean NOT NULL,
	closed_reason		text CHECK (length(btrim(closed_reason)) BETWEEN 1 AND 2000),
	registration_status	text NOT NULL CHECK (registration_status IN
				    ('not_registered', 'in_progress', 'household_business',
				    'cooperative', 'enterprise')),
	-- The last month, VND; profit may be negative.
	revenue_vnd		bigint CHECK (revenue_vnd BETWEEN 0 AND 1000000000000),
	profit_vnd		bigint,
	-- Paid workers now.
	workers_women		int CHECK (workers_women BETWEEN 0 AND 10000),
	workers_men		int CHECK (workers_men BETWEEN 0 AND 10000),
	workers_disabled	int CHECK (workers_disabled BETWEEN 0 AND 10000),
	-- Jobs created since the award, and how many of them went to women.
	jobs_created		int CHECK (jobs_created BETWEEN 0 AND 10000),
	jobs_created_women	int,
	-- Use of the funds so far, against the application's budget lines:
	-- [{"line": 1, "item": "…", "budget_vnd": …, "used_vnd": …}]
	funds_used		jsonb NOT NULL DEFAULT '[]'
				    CHECK (jsonb_typeof(funds_used) = 'array'),
	milestones		text[] NOT NULL DEFAULT '{}'
				    CHECK (cardinality(milestones) <= 20),
	-- The household's poverty status now (who left poverty).
	household_status	text NOT NULL CHECK (household_status IN
				    ('none', 'hardship', 'near_poor', 'poor')),
	challenges		text CHECK (length(challenges) <= 2000),
	support_needed		text[] NOT NULL DEFAULT '{}',
	submitted_by		bigint NOT NULL REFERENCES users (id),
	submitted_at		timestamptz NOT NULL DEFAULT now(),
	reviewed_by		bigint REFERENCES users (id),
	reviewed_at		timestamptz,
	review_comment		text,
	version			int NOT NULL DEFAULT 1,
	-- An operating business reports its month; a closed one says why.
	CONSTRAINT checkins_operating_check CHECK (CASE WHEN operating
	    THEN closed_reason IS NULL AND revenue_vnd IS NOT NULL
		AND profit_vnd IS NOT NULL AND workers_women IS NOT NULL
		AND jobs_created IS NOT NULL
	    ELSE closed_reason IS NOT NULL END),
	-- Profit may be negative, never more than the revenue.
	CONSTRAINT checkins_profit_vnd_check CHECK (profit_vnd BETWEEN
	    -1000000000000 AND 1000000000000 AND profit_vnd <= revenue_vnd),
	CONSTRAINT checkins_workers_check CHECK ((workers_women IS NULL) =
	    (workers_men IS NULL) AND (workers_women IS NULL) =
	    (workers_disabled IS NULL)
	    AND workers_disabled <= workers_women + workers_men),
	CONSTRAINT checkins_jobs_created_women_check CHECK (
	    jobs_created_women IS NULL OR (jobs_created IS NOT NULL
	    AND jobs_created_women BETWEEN 0 AND jobs_created)),
	CONSTRAINT checkins_review_check CHECK (status = 'submitted' OR
	    (reviewed_by IS NOT NULL AND reviewed_at IS NOT NULL)),
	-- She is told what to change.
	CONSTRAINT checkins_review_comment_check CHECK (
	    coalesce(length(review_comment), 0) <= 2000 AND (status <> 'returned'
	    OR coalesce(length(btrim(review_comment)), 0) > 0))
);

CREATE INDEX checkins_business_idx ON checkins (business_id, id);
CREATE INDEX checkins_status_idx ON checkins (status, submitted_at);

-- Every submitted revision of a check-in, with what staff decided.
CREATE TABLE checkin_versions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	checkin_id	bigint NOT NULL REFERENCES checkins (id),
	revision	int NOT NULL,
	data		jsonb NOT NULL,
	submitted_by	bigint NOT NULL REFERENCES users (id),
	submitted_at	timestamptz NOT NULL,
	decision	text CHECK (decision IN ('approve', 'return')),
	comment		text,
	reviewed_by	bigint REFERENCES users (id),
	reviewed_at	timestamptz,
	UNIQUE (checkin_id, revision)
);

-- What a check-in says, as one JSON document (the API's and the
-- revisions').
CREATE FUNCTION followup_checkin_data(k checkins) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'operating', k.operating,
	    'closed_reason', k.closed_reason,
	    'registration_status', k.registration_status,
	    'revenue_vnd', k.revenue_vnd,
	    'profit_vnd', k.profit_vnd,
	    'workers', CASE WHEN k.workers_women IS NOT NULL THEN
		jsonb_build_object('women', k.workers_women, 'men', k.workers_men,
		'with_disability', k.workers_disabled) END,
	    'jobs_created', k.jobs_created,
	    'jobs_created_women', k.jobs_created_women,
	    'funds_used', k.funds_used,
	    'milestones', to_jsonb(k.milestones),
	    'household_status', k.household_status,
	    'challenges', k.challenges,
	    'support_needed', to_jsonb(k.support_needed))
$$;

-- What the database holds a check-in to, whoever writes it: no new
-- answer for a closed business, an approved check-in is final, support
-- areas from the list.
CREATE FUNCTION checkins_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'UPDATE' AND OLD.status = 'approved' THEN
		RAISE EXCEPTION 'an approved check-in is final'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NEW.status = 'submitted' AND (TG_OP = 'INSERT' OR OLD.status <> 'submitted')
	    AND (SELECT status FROM businesses WHERE id = NEW.business_id) = 'closed' THEN
		RAISE EXCEPTION 'the business has closed: it takes no more check-ins'
		    USING ERRCODE = 'SN409', COLUMN = 'business';
	END IF;
	IF NOT (SELECT business_id = NEW.business_id FROM followup_schedule
	    WHERE id = NEW.schedule_id) THEN
		RAISE EXCEPTION 'the scheduled check-in belongs to another business'
		    USING ERRCODE = 'SN422', COLUMN = 'schedule_number';
	END IF;
	IF EXISTS (SELECT 1 FROM unnest(NEW.support_needed) x
	    WHERE x NOT IN (SELECT code FROM followup_support_areas)) OR
	    cardinality(NEW.support_needed) <> (SELECT count(DISTINCT x)
	    FROM unnest(NEW.support_needed) x) THEN
		RAISE EXCEPTION 'support areas come from the list, each once'
		    USING ERRCODE = 'SN422', COLUMN = 'support_needed';
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER checkins_guard BEFORE INSERT OR UPDATE ON checkins
	FOR EACH ROW EXECUTE FUNCTION checkins_guard();

-- ==== rules: at risk, due, reminders ====

-- Why a business is at risk at a time, as a JSON array (empty: on track).
-- The rules (fu_risks() in C):
--   missed_checkin: a scheduled check-in whose due date is more than the
--     call's grace period behind today, and that has no submitted or
--     approved answer (a returned one does not count);
--   revenue_falling: the revenue of each of the two latest approved
--     check-ins after the baseline (by schedule number) is lower than the
--     approved baseline's revenue by more than the call's threshold:
--     100 × revenue < baseline × (100 − threshold).  Needs an approved
--     baseline with revenue above 0 and two such later check-ins;
--   flagged: staff flagged it, with a reason.
CREATE FUNCTION followup_risks(bid bigint, now timestamptz) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	WITH b AS (
		SELECT b.*, c.followup_grace_days AS grace,
		    c.followup_revenue_drop_pct AS drop_pct
		FROM businesses b JOIN calls c ON c.id = b.call_id
		WHERE b.id = bid),
	answered AS (
		SELECT s.*, k.status AS kstatus, k.revenue_vnd
		FROM followup_schedule s
		LEFT JOIN checkins k ON k.schedule_id = s.id
		WHERE s.business_id = bid),
	base AS (
		SELECT revenue_vnd FROM answered
		WHERE number = 1 AND kstatus = 'approved'),
	recent AS (
		SELECT number, revenue_vnd FROM answered
		WHERE number > 1 AND kstatus = 'approved'
		ORDER BY number DESC LIMIT 2)
	SELECT coalesce(jsonb_agg(r ORDER BY ord, n), '[]') FROM (
		SELECT 1 AS ord, a.number AS n, jsonb_build_object(
		    'code', 'missed_checkin', 'number', a.number,
		    'label', a.label, 'due_on', a.due_on) AS r
		FROM answered a, b
		WHERE a.due_on + b.grace < followup_today(now)
		  AND a.kstatus IS DISTINCT FROM 'submitted'
		  AND a.kstatus IS DISTINCT FROM 'approved'
		UNION ALL
		SELECT 2, 0, jsonb_build_object('code', 'revenue_falling',
		    'baseline_vnd', base.revenue_vnd,
		    'recent_vnd', (SELECT jsonb_agg(revenue_vnd ORDER BY number)
			FROM recent),
		    'threshold_pct', b.drop_pct)
		FROM base, b
		WHERE base.revenue_vnd > 0
		  AND (SELECT count(*) FROM recent WHERE revenue_vnd * 100 <
		      base.revenue_vnd * (100 - b.drop_pct)) = 2
		UNION ALL
		SELECT 3, 0, jsonb_build_object('code', 'flagged',
		    'reason', b.flag_reason, 'flagged_at', b.flagged_at)
		FROM b WHERE b.flag_reason IS NOT NULL) x
$$;

-- Store the status of one business at a time; its status.  A closed
-- business is left alone.  Called after every check-in, review and flag
-- (with now()) and by followup_recompute_all().
CREATE FUNCTION followup_recompute(bid bigint, now timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	b	businesses;
	r	jsonb;
	st	text;
BEGIN
	SELECT * INTO b FROM businesses WHERE id = bid FOR UPDATE;
	IF NOT FOUND THEN
		RETURN NULL;
	END IF;
	IF b.status = 'closed' THEN
		RETURN 'closed';
	END IF;
	r := followup_risks(bid, now);
	st := CASE WHEN jsonb_array_length(r) > 0 THEN 'at_risk' ELSE 'on_track' END;
	IF st <> b.status OR r <> b.risks THEN
		UPDATE businesses SET status = st, risks = r WHERE id = bid;
	END IF;
	RETURN st;
END
$$;

-- Every open business (the periodic job); how many changed status.
CREATE FUNCTION followup_recompute_all(now timestamptz) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	r	record;
	n	int := 0;
	st	text;
BEGIN
	FOR r IN SELECT id, status FROM businesses WHERE status <> 'closed'
	    ORDER BY id LOOP
		st := followup_recompute(r.id, now);
		IF st <> r.status THEN
			n := n + 1;
		END IF;
	END LOOP;
	RETURN n;
END
$$;

-- The state of an unanswered scheduled check-in on a day (fu_due_state()
-- in C): upcoming (not open yet), open (may be sent, due later), due
-- (due today or within the window staff look at: the caller decides),
-- overdue (after its due date), missed (after the grace period too).
CREATE FUNCTION followup_due_state(due date, today date, grace int)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT CASE WHEN today > due + grace THEN 'missed'
	    WHEN today > due THEN 'overdue'
	    WHEN today >= followup_opens_on(due) THEN 'open'
	    ELSE 'upcoming' END
$$;

-- Scheduled check-ins without a submitted or approved answer, of
-- businesses still followed (not closed, application funded or in
-- follow-up), due within `within` days of now or overdue: oldest first.  state: due_soon, overdue or missed.
CREATE FUNCTION followup_due(now timestamptz, within int)
RETURNS TABLE (schedule_id bigint, business_id bigint, number int,
    label text, months int, due_on date, days_overdue int, state text,
    checkin_id bigint, checkin_status text)
LANGUAGE sql STABLE AS $$
	SELECT s.id, b.id, s.number, s.label, s.months, s.due_on,
	    followup_today(now) - s.due_on,
	    CASE WHEN followup_today(now) > s.due_on + c.followup_grace_days
		THEN 'missed'
		WHEN followup_today(now) > s.due_on THEN 'overdue'
		ELSE 'due_soon' END,
	    k.id, k.status
	FROM followup_schedule s
	JOIN businesses b ON b.id = s.business_id
	JOIN calls c ON c.id = b.call_id
	JOIN applications a ON a.id = b.application_id
	LEFT JOIN checkins k ON k.schedule_id = s.id
	WHERE b.status <> 'closed' AND a.status IN ('funded', 'in_followup')
	  AND (k.id IS NULL OR k.status = 'returned')
	  AND s.due_on <= followup_today(now) + within
	ORDER BY s.due_on, b.id, s.number
$$;

-- Messages to the entrepreneur about her follow-up and trainings.
INSERT INTO message_templates (event, locale, subject, body) VALUES
	('followup.due_soon', 'vi',
	 'Sen: hạn gửi {label} của "{business}" là ngày {due}',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Đã đến lúc gửi {label} của "{business}" (hạn {due}): doanh thu, lợi nhuận, lao động, việc sử dụng vốn hỗ trợ. Chị có thể gửi ngay trên điện thoại.' || chr(10) || chr(10) ||
	 'Vào Sen để gửi báo cáo.'),
	('followup.due_soon', 'en',
	 'Sen: the {label} of "{business}" is due on {due}',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'It is time to send the {label} of "{business}" (due {due}): revenue, profit, workers and the use of the funds. You can send it from your phone.' || chr(10) || chr(10) ||
	 'Open Sen to send it.'),
	('followup.overdue', 'vi',
	 'Sen: đã quá hạn gửi {label} của "{business}"',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Sen chưa nhận được {label} của "{business}", hạn ngày {due}. Chị hãy gửi sớm, hoặc liên hệ cán bộ nếu cần giúp đỡ.' || chr(10) || chr(10) ||
	 'Vào Sen để gửi báo cáo.'),
	('followup.overdue', 'en',
	 'Sen: the {label} of "{business}" is overdue',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'The {label} of "{business}" was due on {due} and has not reached Sen. Please send it soon, or contact staff if you need help.' || chr(10) || chr(10) ||
	 'Open Sen to send it.'),
	('followup.returned', 'vi',
	 'Sen: cần bổ sung {label} của "{business}"',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Cán bộ đã trả lại {label} của "{business}" để chị bổ sung:' || chr(10) || chr(10) ||
	 '{comment}' || chr(10) || chr(10) ||
	 'Vào Sen để sửa và gửi lại.'),
	('followup.returned', 'en',
	 'Sen: the {label} of "{business}" needs changes',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'Staff returned the {label} of "{business}" for you to complete:' || chr(10) || chr(10) ||
	 '{comment}' || chr(10) || chr(10) ||
	 'Open Sen to change it and send it again.'),
	('training.promoted', 'vi',
	 'Sen: chị đã có chỗ trong lớp "{training}"',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Một chỗ đã trống: chị đã được chuyển từ danh sách chờ vào lớp "{training}", bắt đầu lúc {starts}.' || chr(10) || chr(10) ||
	 'Nếu không tham gia được, chị hãy hủy đăng ký trên Sen để nhường chỗ.'),
	('training.promoted', 'en',
	 'Sen: you have a seat in "{training}"',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'A seat came free: you moved from the waiting list into "{training}", starting at {starts}.' || chr(10) || chr(10) ||
	 'If you cannot come, please cancel on Sen so that someone else can.'),
	('training.cancelled', 'vi',
	 'Sen: lớp "{training}" đã bị hủy',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Lớp "{training}" dự kiến bắt đầu lúc {starts} đã bị hủy. Xin lỗi chị vì sự bất tiện; các lớp khác có trên Sen.'),
	('training.cancelled', 'en',
	 'Sen: "{training}" has been cancelled',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'The session "{training}" that was to start at {starts} has been cancelled. We are sorry; other sessions are listed on Sen.');

-- Queue a message to a user on each channel of her profile, the {names}
-- of the template replaced from vars; key makes it go once (per
-- channel).  How many were queued.
CREATE FUNCTION followup_notify(uid bigint, ev text, vars jsonb, key text)
RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	u	users;
	t	message_templates;
	ch	text;
	to_	text;
	subj	text;
	body	text;
	v	record;
	k	int;
	n	int := 0;
BEGIN
	SELECT * INTO u FROM users WHERE id = uid;
	SELECT * INTO t FROM message_templates WHERE event = ev AND locale = u.locale;
	subj := t.subject;
	body := replace(t.body, '{name}', u.full_name);
	FOR v IN SELECT * FROM jsonb_each_text(vars) LOOP
		subj := replace(subj, '{' || v.key || '}', coalesce(v.value, ''));
		body := replace(body, '{' || v.key || '}', coalesce(v.value, ''));
	END LOOP;
	FOREACH ch IN ARRAY coalesce((SELECT notify_channels FROM applicant_profiles
	    WHERE user_id = uid), ARRAY['email']) LOOP
		to_ := CASE ch WHEN 'email' THEN u.email ELSE u.phone END;
		CONTINUE WHEN to_ IS NULL;
		INSERT INTO outbox (user_id, channel, recipient, locale, event,
		    subject, body, dedupe_key)
		VALUES (uid, ch, to_, u.locale, ev, subj, body, key || ':' || ch)
		ON CONFLICT (dedupe_key) DO NOTHING;
		GET DIAGNOSTICS k = ROW_COUNT;
		n := n + k;
	END LOOP;
	RETURN n;
END
$$;

-- The {label}, {business} and {due} of a scheduled check-in for a
-- message, in its owner's language.
CREATE FUNCTION followup_message_vars(sid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'label', followup_label_text(s.months, u.locale),
	    'business', b.name,
	    'due', to_char(s.due_on, 'DD/MM/YYYY'))
	FROM followup_schedule s
	JOIN businesses b ON b.id = s.business_id
	JOIN users u ON u.id = b.owner_id
	WHERE s.id = sid
$$;

-- Reminders to the entrepreneur for scheduled check-ins without a
-- submitted or approved answer, of businesses followed (not closed,
-- application funded or in follow-up): one from the call's
-- followup_remind_days before the due date until the due date
-- (followup.due_soon), one after it (followup.overdue).  Each goes once:
-- the outbox's dedupe key is followup:<schedule id>:<kind>:<channel>.
-- Run by the periodic job with now(); how many messages were queued.
CREATE FUNCTION followup_reminders(now timestamptz) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	r	record;
	n	int := 0;
	kind	text;
	today	date := followup_today(now);
BEGIN
	FOR r IN SELECT s.id, s.due_on, b.owner_id
	    FROM followup_schedule s
	    JOIN businesses b ON b.id = s.business_id
	    JOIN calls c ON c.id = b.call_id
	    JOIN applications a ON a.id = b.application_id
	    WHERE b.status <> 'closed' AND a.status IN ('funded', 'in_followup')
	      AND s.due_on - c.followup_remind_days <= today
	      AND NOT EXISTS (SELECT 1 FROM checkins k WHERE k.schedule_id = s.id
		AND k.status IN ('submitted', 'approved'))
	    ORDER BY s.due_on, s.id LOOP
		kind := CASE WHEN today <= r.due_on THEN 'due_soon' ELSE 'overdue' END;
		n := n + followup_notify(r.owner_id, 'followup.' || kind,
		    followup_message_vars(r.id),
		    format('followup:%s:%s', r.id, kind));
	END LOOP;
	RETURN n;
END
$$;

-- ==== writes ====

-- Move the application of a business along the allowed transitions to
-- `target` (in_followup, completed or closed), through in_followup when
-- it is still funded; the reason goes on its events (and in the
-- messages they queue).  Nothing when it is there already or cannot go.
CREATE FUNCTION followup_move_application(app_id bigint, target text,
    reason text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	cur	text;
BEGIN
	SELECT status INTO cur FROM applications WHERE id = app_id FOR UPDATE;
	IF cur = target THEN
		RETURN;
	END IF;
	PERFORM set_config('sen.reason', coalesce(reason, ''), true);
	IF cur = 'funded' AND target <> 'in_followup' THEN
		UPDATE applications SET status = 'in_followup' WHERE id = app_id;
		cur := 'in_followup';
	END IF;
	IF EXISTS (SELECT 1 FROM application_transitions
	    WHERE from_status = cur AND to_status = target) THEN
		UPDATE applications SET status = target WHERE id = app_id;
	END IF;
	PERFORM set_config('sen.reason', '', true);
END
$$;

-- Submit the answer to scheduled check-in `num` of a business (data: the
-- API's body, already checked by the handler; the constraints check it
-- again), as a new check-in or as the next revision of a returned one.
-- The check-in's id.
CREATE FUNCTION checkin_submit(bid bigint, num int, data jsonb, actor bigint,
    now timestamptz) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	s	followup_schedule;
	k	checkins;
	a	applications;
	funds	jsonb;
BEGIN
	SELECT * INTO s FROM followup_schedule WHERE business_id = bid AND number = num;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'not a check-in of this business''s schedule'
		    USING ERRCODE = 'SN422', COLUMN = 'schedule_number';
	END IF;
	IF followup_today(now) < followup_opens_on(s.due_on) THEN
		RAISE EXCEPTION 'this check-in opens on %', followup_opens_on(s.due_on)
		    USING ERRCODE = 'SN409', COLUMN = 'schedule_number';
	END IF;
	SELECT * INTO k FROM checkins WHERE schedule_id = s.id FOR UPDATE;
	IF FOUND AND k.status <> 'returned' THEN
		RAISE EXCEPTION 'this check-in has been answered already'
		    USING ERRCODE = 'SN409', COLUMN = 'schedule_number';
	END IF;

	-- The lines used, with their item and budget from the application.
	SELECT ap.* INTO a FROM applications ap JOIN businesses b
	    ON b.application_id = ap.id WHERE b.id = bid;
	SELECT coalesce(jsonb_agg(jsonb_build_object('line', u.line,
	    'item', l.v ->> 'item', 'budget_vnd', (l.v ->> 'amount_vnd')::bigint,
	    'used_vnd', u.used) ORDER BY u.line), '[]')
	INTO funds
	FROM (SELECT (f ->> 'line')::int AS line, (f ->> 'used_vnd')::bigint AS used
	    FROM jsonb_array_elements(coalesce(data -> 'funds_used', '[]')) f) u
	LEFT JOIN jsonb_array_elements(a.budget_lines) WITH ORDINALITY AS l(v, n)
	    ON l.n = u.line;
	IF EXISTS (SELECT 1 FROM jsonb_array_elements(funds) f
	    WHERE f ->> 'item' IS NULL
	    OR (f ->> 'used_vnd')::bigint > (f ->> 'budget_vnd')::bigint) THEN
		RAISE EXCEPTION 'funds used must name budget lines and stay within them'
		    USING ERRCODE = 'SN422', COLUMN = 'funds_used';
	END IF;

	-- A returned check-in is answered again: its next revision.
	INSERT INTO checkins AS c (business_id, schedule_id, status, revision,
	    operating, closed_reason, registration_status, revenue_vnd,
	    profit_vnd, workers_women, workers_men, workers_disabled,
	    jobs_created, jobs_created_women, funds_used, milestones,
	    household_status, challenges, support_needed, submitted_by,
	    submitted_at)
	VALUES (bid, s.id, 'submitted', 1,
	    (data ->> 'operating')::boolean,
	    nullif(btrim(data ->> 'closed_reason'), ''),
	    data ->> 'registration_status',
	    (data ->> 'revenue_vnd')::bigint,
	    (data ->> 'profit_vnd')::bigint,
	    (data #>> '{workers,women}')::int,
	    (data #>> '{workers,men}')::int,
	    (data #>> '{workers,with_disability}')::int,
	    (data ->> 'jobs_created')::int,
	    (data ->> 'jobs_created_women')::int,
	    funds,
	    ARRAY(SELECT btrim(x.m) FROM jsonb_array_elements_text(
		coalesce(data -> 'milestones', '[]')) WITH ORDINALITY AS x(m, n)
		ORDER BY x.n),
	    data ->> 'household_status',
	    nullif(btrim(data ->> 'challenges'), ''),
	    ARRAY(SELECT x.a FROM jsonb_array_elements_text(
		coalesce(data -> 'support_needed', '[]')) WITH ORDINALITY AS x(a, n)
		ORDER BY x.n),
	    actor, now)
	ON CONFLICT (schedule_id) DO UPDATE SET
	    status = 'submitted', revision = c.revision + 1,
	    operating = EXCLUDED.operating,
	    closed_reason = EXCLUDED.closed_reason,
	    registration_status = EXCLUDED.registration_status,
	    revenue_vnd = EXCLUDED.revenue_vnd,
	    profit_vnd = EXCLUDED.profit_vnd,
	    workers_women = EXCLUDED.workers_women,
	    workers_men = EXCLUDED.workers_men,
	    workers_disabled = EXCLUDED.workers_disabled,
	    jobs_created = EXCLUDED.jobs_created,
	    jobs_created_women = EXCLUDED.jobs_created_women,
	    funds_used = EXCLUDED.funds_used,
	    milestones = EXCLUDED.milestones,
	    household_status = EXCLUDED.household_status,
	    challenges = EXCLUDED.challenges,
	    support_needed = EXCLUDED.support_needed,
	    submitted_by = EXCLUDED.submitted_by,
	    submitted_at = EXCLUDED.submitted_at,
	    reviewed_by = NULL, reviewed_at = NULL, review_comment = NULL
	RETURNING * INTO k;

	INSERT INTO checkin_versions (checkin_id, revision, data, submitted_by,
	    submitted_at)
	VALUES (k.id, k.revision, followup_checkin_data(k), actor, now);

	PERFORM followup_recompute(bid, now);
	RETURN k.id;
END
$$;

-- Staff's decision on a submitted check-in.  Approving one (normally the
-- baseline, the first) starts the application's follow-up (funded →
-- in_followup); approving one that says the business closed closes the
-- business and the application; once every scheduled check-in is
-- approved, the application is completed.  Returning it tells her why
-- (outbox).  The business's status is recomputed.
CREATE FUNCTION checkin_review(cid bigint, decision text, comment text,
    actor bigint, now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	k	checkins;
	s	followup_schedule;
	b	businesses;
BEGIN
	SELECT * INTO k FROM checkins WHERE id = cid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such check-in' USING ERRCODE = 'SN404';
	END IF;
	IF k.status <> 'submitted' THEN
		RAISE EXCEPTION 'only a submitted check-in can be reviewed; this one is %',
		    k.status USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	SELECT * INTO s FROM followup_schedule WHERE id = k.schedule_id;
	SELECT * INTO b FROM businesses WHERE id = k.business_id FOR UPDATE;

	UPDATE checkins SET status = CASE decision WHEN 'approve' THEN 'approved'
	    ELSE 'returned' END, reviewed_by = actor, reviewed_at = now,
	    review_comment = nullif(btrim(comment), '')
	WHERE id = cid;
	UPDATE checkin_versions SET decision = checkin_review.decision,
	    comment = nullif(btrim(checkin_review.comment), ''),
	    reviewed_by = actor, reviewed_at = now
	WHERE checkin_id = cid AND revision = k.revision;

	IF decision = 'return' THEN
		PERFORM followup_notify(b.owner_id, 'followup.returned',
		    followup_message_vars(s.id) || jsonb_build_object('comment',
		    btrim(comment)), format('followup:%s:return:%s', cid, k.revision));
	ELSIF NOT k.operating AND b.status <> 'closed' THEN
		UPDATE businesses SET status = 'closed', closed_at = now,
		    closed_by = actor, closed_reason = k.closed_reason
		WHERE id = b.id;
		PERFORM followup_move_application(b.application_id, 'closed',
		    k.closed_reason);
	ELSE
		PERFORM followup_move_application(b.application_id,
		    'in_followup', NULL);
		IF NOT EXISTS (SELECT 1 FROM followup_schedule fs
		    LEFT JOIN checkins c2 ON c2.schedule_id = fs.id
		    WHERE fs.business_id = b.id
		    AND c2.status IS DISTINCT FROM 'approved') THEN
			PERFORM followup_move_application(b.application_id,
			    'completed', NULL);
		END IF;
	END IF;

	PERFORM followup_recompute(b.id, now);
END
$$;

-- Staff close a business (a visit found it closed, she cannot be
-- reached ...): for good, with the reason; the application closes too.
CREATE FUNCTION business_close(bid bigint, reason text, actor bigint,
    now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	b	businesses;
BEGIN
	SELECT * INTO b FROM businesses WHERE id = bid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such business' USING ERRCODE = 'SN404';
	END IF;
	IF b.status = 'closed' THEN
		RAISE EXCEPTION 'the business is closed already'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	UPDATE businesses SET status = 'closed', risks = '[]', closed_at = now,
	    closed_by = actor, closed_reason = btrim(reason)
	WHERE id = bid;
	PERFORM followup_move_application(b.application_id, 'closed', btrim(reason));
END
$$;

-- Whether scheduled check-in `num` (1 is the baseline) of a business has
-- an approved answer.  For the decisions feature: a tranche gated on a
-- check-in is paid only when this is true.  A business is the follow-up
-- of one application (businesses.application_id).
CREATE FUNCTION checkin_approved(bid bigint, num int) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM checkins k
	    JOIN followup_schedule s ON s.id = k.schedule_id
	    WHERE s.business_id = bid AND s.number = num AND k.status = 'approved')
$$;

-- The same by label: 'baseline', 'month_3', 'month_6' ...
CREATE FUNCTION checkin_approved(bid bigint, label text) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM checkins k
	    JOIN followup_schedule s ON s.id = k.schedule_id
	    WHERE s.business_id = bid AND s.label = checkin_approved.label
	    AND k.status = 'approved')
$$;

-- Whether a mentor may read a business and its check-ins (read-only):
-- she is the accepted mentor of the application the business came from
-- (matches, migrations/0005).  Every read of a business by a mentor goes
-- through this one function.
CREATE FUNCTION mentor_can_see_business(mentor bigint, bid bigint)
RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM businesses b
	    JOIN matches m ON m.application_id = b.application_id
	    WHERE b.id = bid AND m.mentor_id = mentor AND m.status = 'accepted')
$$;

-- ==== JSON of the API ====

-- A check-in as a viewer sees it: 'staff', 'owner' or 'mentor' (who does
-- not see the household's poverty status); with every revision when
-- asked.
CREATE FUNCTION api_checkin(k checkins, viewer text, with_versions boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (jsonb_build_object(
	    'id', k.id,
	    'business_id', k.business_id,
	    'schedule', jsonb_build_object('number', s.number, 'label', s.label,
		'months', s.months, 'due_on', s.due_on),
	    'status', k.status,
	    'approved', k.status = 'approved',
	    'revision', k.revision,
	    'version', k.version,
	    'submitted_by', jsonb_build_object('id', k.submitted_by,
		'role', (SELECT role FROM users WHERE id = k.submitted_by)),
	    'submitted_at', k.submitted_at,
	    'reviewed_at', k.reviewed_at,
	    'review_comment', k.review_comment)
	|| (followup_checkin_data(k) - CASE WHEN viewer = 'mentor'
	    THEN 'household_status' ELSE '' END)
	|| CASE WHEN with_versions THEN jsonb_build_object('versions',
	    (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'revision', v.revision,
		'submitted_at', v.submitted_at,
		'submitted_by_role', (SELECT role FROM users WHERE id = v.submitted_by),
		'decision', v.decision,
		'comment', v.comment,
		'reviewed_at', v.reviewed_at,
		'data', v.data - CASE WHEN viewer = 'mentor'
		    THEN 'household_status' ELSE '' END)
		ORDER BY v.revision), '[]')
	    FROM checkin_versions v WHERE v.checkin_id = k.id))
	    ELSE '{}' END)::json
	FROM followup_schedule s WHERE s.id = k.schedule_id
$$;

-- A business with its schedule and check-ins as a viewer sees it at a
-- time.  Staff also see the flag's reason and who flagged it, and the
-- owner's phone; the others see that it is flagged, not why.
CREATE FUNCTION api_business(b businesses, viewer text, loc text,
    now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT (jsonb_build_object(
	    'id', b.id,
	    'application_id', b.application_id,
	    'reference', a.reference,
	    'application_status', a.status,
	    'call', jsonb_build_object('id', c.id, 'title',
		CASE loc WHEN 'en' THEN c.title_en ELSE c.title_vi END),
	    'name', b.name,
	    'sector', b.sector,
	    'ward_code', b.ward_code,
	    'ward_name', (SELECT name_vi FROM wards WHERE code = b.ward_code),
	    'owner', jsonb_build_object('id', u.id, 'full_name', u.full_name)
		|| CASE WHEN viewer = 'staff' THEN jsonb_build_object(
		    'phone', u.phone, 'email', u.email) ELSE '{}' END,
	    'award_on', b.award_on,
	    'status', b.status,
	    'risks', CASE WHEN viewer = 'staff' THEN b.risks
		ELSE (SELECT coalesce(jsonb_agg(r - 'reason' - 'flagged_at'), '[]')
		    FROM jsonb_array_elements(b.risks) r) END,
	    'closed', CASE WHEN b.closed_at IS NOT NULL THEN jsonb_build_object(
		'at', b.closed_at, 'reason', b.closed_reason) END,
	    'settings', jsonb_build_object('grace_days', c.followup_grace_days,
		'revenue_drop_pct', c.followup_revenue_drop_pct),
	    'budget_lines', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'line', l.n, 'item', l.v ->> 'item',
		'amount_vnd', (l.v ->> 'amount_vnd')::bigint) ORDER BY l.n), '[]')
		FROM jsonb_array_elements(a.budget_lines) WITH ORDINALITY AS l(v, n)),
	    'version', b.version,
	    'schedule', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'number', s.number, 'label', s.label, 'months', s.months,
		'due_on', s.due_on, 'opens_on', followup_opens_on(s.due_on),
		'state', CASE WHEN k.status IN ('submitted', 'approved',
		    'returned') THEN k.status ELSE followup_due_state(s.due_on,
		    followup_today(now), c.followup_grace_days) END,
		'checkin_id', k.id) ORDER BY s.number), '[]')
		FROM followup_schedule s LEFT JOIN checkins k ON k.schedule_id = s.id
		WHERE s.business_id = b.id),
	    'checkins', (SELECT coalesce(jsonb_agg(api_checkin(k, viewer, false)::jsonb
		ORDER BY s.number), '[]')
		FROM checkins k JOIN followup_schedule s ON s.id = k.schedule_id
		WHERE k.business_id = b.id))
	|| CASE WHEN viewer = 'staff' THEN jsonb_build_object('flag',
	    CASE WHEN b.flag_reason IS NOT NULL THEN jsonb_build_object(
		'reason', b.flag_reason, 'at', b.flagged_at,
		'by', b.flagged_by) END)
	    ELSE jsonb_build_object('flagged', b.flag_reason IS NOT NULL) END)::json
	FROM applications a, calls c, users u
	WHERE a.id = b.application_id AND c.id = b.call_id AND u.id = b.owner_id
$$;

-- A business in staff's list.
CREATE FUNCTION api_business_item(b businesses, loc text, now timestamptz)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', b.id,
	    'name', b.name,
	    'owner', json_build_object('id', u.id, 'full_name', u.full_name),
	    'call', json_build_object('id', c.id, 'title',
		CASE loc WHEN 'en' THEN c.title_en ELSE c.title_vi END),
	    'reference', a.reference,
	    'application_status', a.status,
	    'ward_code', b.ward_code,
	    'sector', b.sector,
	    'award_on', b.award_on,
	    'status', b.status,
	    'risks', (SELECT coalesce(json_agg(r ->> 'code'), '[]')
		FROM jsonb_array_elements(b.risks) r),
	    'next_due', (SELECT json_build_object('number', s.number,
		'label', s.label, 'due_on', s.due_on, 'state',
		followup_due_state(s.due_on, followup_today(now),
		    c.followup_grace_days))
		FROM followup_schedule s LEFT JOIN checkins k ON k.schedule_id = s.id
		WHERE s.business_id = b.id AND (k.id IS NULL OR k.status = 'returned')
		ORDER BY s.number LIMIT 1))
	FROM applications a, calls c, users u
	WHERE a.id = b.application_id AND c.id = b.call_id AND u.id = b.owner_id
$$;

-- GET /api/followups/due: the list for staff, filtered, at most lim rows.
CREATE FUNCTION api_followups_due(now timestamptz, within int, call bigint,
    ward text, lim int) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH d AS (
		SELECT d.*, row_number() OVER (ORDER BY d.due_on, d.business_id,
		    d.number) AS pos
		FROM followup_due(now, within) d
		JOIN businesses b ON b.id = d.business_id
		WHERE (call IS NULL OR b.call_id = call)
		  AND (ward IS NULL OR b.ward_code = ward))
	SELECT json_build_object(
	    'as_of', now,
	    'today', followup_today(now),
	    'within_days', within,
	    'truncated', (SELECT count(*) FROM d) > lim,
	    'items', coalesce(json_agg(json_build_object(
		'business', json_build_object('id', b.id, 'name', b.name,
		    'ward_code', b.ward_code, 'status', b.status,
		    'call_id', b.call_id),
		'owner', json_build_object('id', u.id, 'full_name', u.full_name,
		    'phone', u.phone),
		'number', d.number, 'label', d.label, 'months', d.months,
		'due_on', d.due_on, 'days_overdue', d.days_overdue,
		'state', d.state, 'checkin_id', d.checkin_id,
		'checkin_status', d.checkin_status) ORDER BY d.pos), '[]'))
	FROM d
	JOIN businesses b ON b.id = d.business_id
	JOIN users u ON u.id = b.owner_id
	WHERE d.pos <= lim
$$;

-- ==== trainings ====

-- Training sessions and workshops.  A session is published when staff
-- create it; it may be cancelled, never deleted.  Its topic comes from
-- the support areas.
CREATE TABLE trainings (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	topic		text NOT NULL REFERENCES followup_support_areas (code),
	title_vi	text NOT NULL CHECK (length(btrim(title_vi)) BETWEEN 1 AND 200),
	title_en	text NOT NULL CHECK (length(btrim(title_en)) BETWEEN 1 AND 200),
	description_vi	text NOT NULL DEFAULT '' CHECK (length(description_vi) <= 5000),
	description_en	text NOT NULL DEFAULT '' CHECK (length(description_en) <= 5000),
	starts_at	timestamptz NOT NULL,
	ends_at		timestamptz NOT NULL,
	place		text,
	online_url	text CHECK (length(online_url) <= 500
			    AND online_url ~ '^https?://[^[:space:]]+$'),
	seats		int NOT NULL CHECK (seats BETWEEN 1 AND 1000),
	status		text NOT NULL DEFAULT 'scheduled'
			    CHECK (status IN ('scheduled', 'cancelled')),
	version		int NOT NULL DEFAULT 1,
	created_by	bigint REFERENCES users (id),
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT trainings_ends_at_check CHECK (ends_at > starts_at),
	-- Somewhere to go: a place, a link, or both.
	CONSTRAINT trainings_place_check CHECK (CASE WHEN place IS NULL
	    THEN online_url IS NOT NULL
	    ELSE length(btrim(place)) BETWEEN 1 AND 300 END)
);

CREATE INDEX trainings_starts_idx ON trainings (starts_at, id);

-- Registrations.  A session's seats are taken in the order of
-- registration; when it is full she goes on its waiting list, in order
-- (queue_no), and moves up when a seat comes free.  A cancelled
-- registration may be made again (she goes to the end of the line).
CREATE SEQUENCE training_queue_seq;

CREATE TABLE training_registrations (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	training_id	bigint NOT NULL REFERENCES trainings (id),
	user_id		bigint NOT NULL REFERENCES users (id),
	status		text NOT NULL CHECK (status IN
			    ('registered', 'waitlisted', 'cancelled')),
	queue_no	bigint NOT NULL DEFAULT nextval('training_queue_seq'),
	registered_at	timestamptz NOT NULL DEFAULT now(),
	promoted_at	timestamptz,
	cancelled_at	timestamptz,
	attended	boolean,
	attendance_by	bigint REFERENCES users (id),
	attendance_at	timestamptz,
	UNIQUE (training_id, user_id),
	CONSTRAINT training_registrations_attended_check CHECK (
	    attended IS NULL OR status = 'registered'),
	CONSTRAINT training_registrations_cancelled_check CHECK (
	    (status = 'cancelled') = (cancelled_at IS NOT NULL))
);

CREATE INDEX training_registrations_user_idx ON training_registrations (user_id, id);
CREATE INDEX training_registrations_queue_idx ON training_registrations
	(training_id, status, queue_no);

CREATE FUNCTION trainings_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.status = 'cancelled' THEN
		RAISE EXCEPTION 'a cancelled session cannot be changed'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER trainings_guard BEFORE UPDATE ON trainings
	FOR EACH ROW EXECUTE FUNCTION trainings_guard();

-- Never more women registered than seats, whoever writes the rows.
CREATE FUNCTION trainings_seats_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	tid	bigint;
BEGIN
	IF TG_TABLE_NAME = 'trainings' THEN
		tid := NEW.id;
	ELSE
		tid := NEW.training_id;
	END IF;
	IF (SELECT count(*) FROM training_registrations
	    WHERE training_id = tid AND status = 'registered') >
	    (SELECT seats FROM trainings WHERE id = tid) THEN
		RAISE EXCEPTION 'more registrations than seats'
		    USING ERRCODE = 'SN409', COLUMN = 'seats';
	END IF;
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER trainings_seats_taken
	AFTER UPDATE OF seats ON trainings
	FOR EACH ROW EXECUTE FUNCTION trainings_seats_check();
CREATE CONSTRAINT TRIGGER training_registrations_seats_taken
	AFTER INSERT OR UPDATE OF status ON training_registrations
	FOR EACH ROW EXECUTE FUNCTION trainings_seats_check();

-- Fill free seats from the waiting list, in order; each woman promoted
-- is told (outbox).  How many were promoted.  The caller holds the
-- session's row lock.
CREATE FUNCTION training_promote(tid bigint, now timestamptz) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	t	trainings;
	r	record;
	n	int := 0;
BEGIN
	SELECT * INTO t FROM trainings WHERE id = tid;
	IF t.status <> 'scheduled' THEN
		RETURN 0;
	END IF;
	FOR r IN UPDATE training_registrations SET status = 'registered',
	    promoted_at = now
	    WHERE id IN (SELECT id FROM training_registrations
		WHERE training_id = tid AND status = 'waitlisted'
		ORDER BY queue_no
		LIMIT greatest(t.seats - (SELECT count(*) FROM training_registrations
		    WHERE training_id = tid AND status = 'registered'), 0))
	    RETURNING id, user_id, queue_no LOOP
		n := n + 1;
		PERFORM followup_notify(r.user_id, 'training.promoted',
		    jsonb_build_object('training', CASE (SELECT locale FROM users
			WHERE id = r.user_id) WHEN 'en' THEN t.title_en
			ELSE t.title_vi END,
		    'starts', to_char(t.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh',
			'HH24:MI DD/MM/YYYY')),
		    format('training:%s:%s:promoted', r.id, r.queue_no));
	END LOOP;
	RETURN n;
END
$$;

-- Register a woman for a session: a seat if one is free, else the
-- waiting list.  Her registration's status.
CREATE FUNCTION training_register(tid bigint, uid bigint, now timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	t	trainings;
	r	training_registrations;
	st	text;
BEGIN
	SELECT * INTO t FROM trainings WHERE id = tid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such session' USING ERRCODE = 'SN404';
	END IF;
	IF t.status <> 'scheduled' THEN
		RAISE EXCEPTION 'the session has been cancelled'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF t.starts_at <= now THEN
		RAISE EXCEPTION 'the session has started: registration is closed'
		    USING ERRCODE = 'SN409', COLUMN = 'starts_at';
	END IF;
	SELECT * INTO r FROM training_registrations
	    WHERE training_id = tid AND user_id = uid FOR UPDATE;
	IF FOUND AND r.status <> 'cancelled' THEN
		RAISE EXCEPTION 'you are % for this session already', r.status
		    USING ERRCODE = 'SN409', COLUMN = 'registration';
	END IF;
	st := CASE WHEN (SELECT count(*) FROM training_registrations
	    WHERE training_id = tid AND status = 'registered') < t.seats
	    THEN 'registered' ELSE 'waitlisted' END;
	IF r.id IS NULL THEN
		INSERT INTO training_registrations (training_id, user_id, status,
		    registered_at)
		VALUES (tid, uid, st, now);
	ELSE
		UPDATE training_registrations SET status = st,
		    queue_no = nextval('training_queue_seq'), registered_at = now,
		    promoted_at = NULL, cancelled_at = NULL, attended = NULL,
		    attendance_by = NULL, attendance_at = NULL
		WHERE id = r.id;
	END IF;
	RETURN st;
END
$$;

-- Cancel her registration before the session starts; her seat goes to
-- the first woman waiting.
CREATE FUNCTION training_cancel(tid bigint, uid bigint, now timestamptz)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	t	trainings;
	r	training_registrations;
BEGIN
	SELECT * INTO t FROM trainings WHERE id = tid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such session' USING ERRCODE = 'SN404';
	END IF;
	SELECT * INTO r FROM training_registrations
	    WHERE training_id = tid AND user_id = uid AND status <> 'cancelled'
	    FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'you are not registered for this session'
		    USING ERRCODE = 'SN404';
	END IF;
	IF t.starts_at <= now THEN
		RAISE EXCEPTION 'the session has started: it is too late to cancel'
		    USING ERRCODE = 'SN409', COLUMN = 'starts_at';
	END IF;
	UPDATE training_registrations SET status = 'cancelled', cancelled_at = now
	    WHERE id = r.id;
	IF r.status = 'registered' THEN
		PERFORM training_promote(tid, now);
	END IF;
END
$$;

-- Staff record whether a registered woman came, once the session has
-- started (and may correct it).
CREATE FUNCTION training_attendance(tid bigint, uid bigint, came boolean,
    actor bigint, now timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	t	trainings;
	r	training_registrations;
BEGIN
	SELECT * INTO t FROM trainings WHERE id = tid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such session' USING ERRCODE = 'SN404';
	END IF;
	IF t.status = 'cancelled' THEN
		RAISE EXCEPTION 'the session was cancelled'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF t.starts_at > now THEN
		RAISE EXCEPTION 'the session has not started yet'
		    USING ERRCODE = 'SN409', COLUMN = 'starts_at';
	END IF;
	SELECT * INTO r FROM training_registrations
	    WHERE training_id = tid AND user_id = uid FOR UPDATE;
	IF NOT FOUND OR r.status = 'cancelled' THEN
		RAISE EXCEPTION 'is not registered for this session'
		    USING ERRCODE = 'SN422', COLUMN = 'user_id';
	END IF;
	IF r.status = 'waitlisted' THEN
		RAISE EXCEPTION 'is on the waiting list, not registered'
		    USING ERRCODE = 'SN422', COLUMN = 'user_id';
	END IF;
	UPDATE training_registrations SET attended = came, attendance_by = actor,
	    attendance_at = now
	WHERE id = r.id;
END
$$;

-- A cancelled session: every woman registered or waiting is told.
CREATE FUNCTION training_cancelled(tid bigint) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	t	trainings;
	r	record;
	n	int := 0;
BEGIN
	SELECT * INTO t FROM trainings WHERE id = tid;
	FOR r IN SELECT g.user_id, u.locale FROM training_registrations g
	    JOIN users u ON u.id = g.user_id
	    WHERE g.training_id = tid AND g.status <> 'cancelled' ORDER BY g.id LOOP
		n := n + followup_notify(r.user_id, 'training.cancelled',
		    jsonb_build_object('training', CASE r.locale WHEN 'en'
			THEN t.title_en ELSE t.title_vi END,
		    'starts', to_char(t.starts_at AT TIME ZONE 'Asia/Ho_Chi_Minh',
			'HH24:MI DD/MM/YYYY')),
		    format('training:%s:cancelled:%s', tid, r.user_id));
	END LOOP;
	RETURN n;
END
$$;

-- A session as someone sees it: her own registration when uid is hers,
-- the list of registrations for staff.
CREATE FUNCTION api_training(t trainings, uid bigint, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	WITH counts AS (
		SELECT count(*) FILTER (WHERE status = 'registered') AS registered,
		    count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted,
		    count(*) FILTER (WHERE attended) AS attended
		FROM training_registrations WHERE training_id = t.id)
	SELECT (jsonb_build_object(
	    'id', t.id,
	    'topic', t.topic,
	    'topic_label', (SELECT jsonb_build_object('vi', label_vi, 'en', label_en)
		FROM followup_support_areas WHERE code = t.topic),
	    'title', jsonb_build_object('vi', t.title_vi, 'en', t.title_en),
	    'description', jsonb_build_object('vi', t.description_vi,
		'en', t.description_en),
	    'starts_at', call_time_utc(t.starts_at),
	    'starts_at_local', call_time_local(t.starts_at),
	    'ends_at', call_time_utc(t.ends_at),
	    'ends_at_local', call_time_local(t.ends_at),
	    'place', t.place,
	    'online_url', t.online_url,
	    'seats', t.seats,
	    'registered', counts.registered,
	    'waitlisted', counts.waitlisted,
	    'seats_left', greatest(t.seats - counts.registered, 0),
	    'status', t.status,
	    'version', t.version,
	    'mine', (SELECT jsonb_build_object('status', r.status,
		'waitlist_position', CASE WHEN r.status = 'waitlisted' THEN
		    (SELECT count(*) FROM training_registrations w
		    WHERE w.training_id = t.id AND w.status = 'waitlisted'
		    AND w.queue_no <= r.queue_no) END,
		'registered_at', r.registered_at, 'attended', r.attended)
		FROM training_registrations r
		WHERE r.training_id = t.id AND r.user_id = uid))
	|| CASE WHEN staff THEN jsonb_build_object(
	    'attended', counts.attended,
	    'registrations', (SELECT coalesce(jsonb_agg(jsonb_build_object(
		'user_id', r.user_id, 'full_name', u.full_name,
		'status', r.status, 'registered_at', r.registered_at,
		'promoted_at', r.promoted_at, 'cancelled_at', r.cancelled_at,
		'attended', r.attended)
		ORDER BY r.status <> 'registered', r.status = 'cancelled',
		r.queue_no), '[]')
		FROM training_registrations r JOIN users u ON u.id = r.user_id
		WHERE r.training_id = t.id))
	    ELSE '{}' END)::json
	FROM counts
$$;

-- Her trainings, newest first: what she registered for and whether she
-- attended.
CREATE FUNCTION api_my_trainings(uid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'attended', count(*) FILTER (WHERE r.attended),
	    'items', coalesce(json_agg(api_training(t, uid, false)
		ORDER BY t.starts_at DESC, t.id DESC), '[]'))
	FROM training_registrations r JOIN trainings t ON t.id = r.training_id
	WHERE r.user_id = uid
$$;

-- ==== audit ====

CREATE TRIGGER businesses_audit AFTER INSERT OR UPDATE ON businesses
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER followup_schedule_audit AFTER INSERT OR UPDATE OR DELETE
	ON followup_schedule FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER checkins_audit AFTER INSERT OR UPDATE ON checkins
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER checkin_versions_audit AFTER INSERT OR UPDATE ON checkin_versions
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER trainings_audit AFTER INSERT OR UPDATE ON trainings
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER training_registrations_audit AFTER INSERT OR UPDATE
	ON training_registrations FOR EACH ROW EXECUTE FUNCTION audit_row();
