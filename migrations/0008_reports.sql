-- 0008 Reports: the programme's figures for a call, a date range, a ward
-- or the whole district (GET /api/reports/..., app/reports/).
--
-- Every figure of every report is a query over the tables, here and only
-- here: the handlers call the report_* functions and write their rows as
-- CSV, or the api_report_* functions, which build the JSON from the very
-- same rows.  Staff can reproduce any figure in psql, e.g.
--
--   SELECT * FROM report_funnel(12, '2026-01-01', '2026-06-30', NULL, now());
--   SELECT count(*) FROM report_applied(12, NULL, NULL, '00049');
--
-- The parameters, the same for every report:
--   p_call          a call's id, or NULL: every call;
--   p_from, p_to    Hà Nội dates, both included, or NULL: no bound;
--   p_ward          a ward's code, 'outside' (women who live outside the
--                   district), or NULL: the district and outside;
--   p_now           the moment of the report (the API passes now()):
--                   whether a point in time has passed, what is overdue.
--
-- The scope: an application belongs to a report by its call and by the
-- ward it was submitted from (applications.ward_code, or
-- outside_district, copied from her profile when she submitted);
-- awards, payments, businesses, check-ins, reviews and mentoring belong
-- through their application, trainings through the woman who applied
-- (report_training).
--
-- The range applies to one date per figure, said beside each below:
-- submission for applications, the first move to a status for
-- eligible and reviewed, the release of the decision for awards, the
-- first payment for disbursements, the 12- or 24-month point for
-- survival, the submission of the check-in for outcomes, the day held
-- for mentoring sessions, the start for trainings, the release of the
-- assignment for reviewers.  Days are Hà Nội days.
--
-- Shares are percentages with one decimal (NULL when there is nothing
-- to divide by); hours have two.

-- ==== helpers ====

CREATE FUNCTION report_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT (t AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
$$;

-- A day within the range (NULL is in no range).
CREATE FUNCTION report_in_range(d date, p_from date, p_to date)
RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT d IS NOT NULL AND (p_from IS NULL OR d >= p_from)
	    AND (p_to IS NULL OR d <= p_to)
$$;

-- The ward an application was submitted from: a ward's code, 'outside',
-- or NULL (a draft that never said).
CREATE FUNCTION report_ward(a applications) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN a.ward_code IS NOT NULL THEN a.ward_code
	    WHEN a.outside_district THEN 'outside' END
$$;

CREATE FUNCTION report_scope(a applications, p_call bigint, p_ward text)
RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT (p_call IS NULL OR a.call_id = p_call)
	    AND (p_ward IS NULL OR report_ward(a) = p_ward)
$$;

-- n of d as a percentage, one decimal.
CREATE FUNCTION report_pct(n numeric, d numeric) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE WHEN d > 0 THEN round(100 * n / d, 1) END
$$;

-- Whether an application holds a verified priority claim of a category
-- (priority_claims.status = 'verified'; pending and rejected claims
-- never count).  'any': of some category; 'all': every application.
CREATE FUNCTION report_verified(p_app bigint, p_category text)
RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT p_category = 'all' OR EXISTS (SELECT 1 FROM priority_claims pc
	    WHERE pc.application_id = p_app AND pc.status = 'verified'
	    AND (p_category = 'any' OR pc.category = p_category))
$$;

-- A supported business: the follow-up of an application with an award
-- that she did not decline (a declined award's business was never
-- supported, though the follow-up made it when she was funded).
CREATE FUNCTION report_supported(b businesses) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM awards w
	    WHERE w.application_id = b.application_id
	    AND w.status <> 'declined')
$$;

-- How the reports echo their filters.
CREATE FUNCTION report_filters(p_call bigint, p_from date, p_to date,
    p_ward text) RETURNS json
LANGUAGE sql IMMUTABLE AS $$
	SELECT json_build_object('call_id', p_call, 'from', p_from,
	    'to', p_to, 'ward', p_ward)
$$;

-- ==== the facts every figure counts ====

-- Applied: submitted applications (withdrawn ones included: she did
-- apply), dated by their submission (applications.submitted_at).
CREATE FUNCTION report_applied(p_call bigint, p_from date, p_to date,
    p_ward text)
RETURNS TABLE (application_id bigint, call_id bigint, ward text, on_day date)
LANGUAGE sql STABLE AS $$
	SELECT a.id, a.call_id, report_ward(a), report_day(a.submitted_at)
	FROM applications a
	WHERE a.submitted_at IS NOT NULL AND report_scope(a, p_call, p_ward)
	  AND report_in_range(report_day(a.submitted_at), p_from, p_to)
$$;

-- Reached a status: applications that ever moved to p_status (an
-- application_events row), whatever became of them later, dated by their
-- first move there (application_events.at).  'eligible': found eligible
-- at screening; 'reviewed': the committee's scoring of it closed.
CREATE FUNCTION report_reached(p_status text, p_call bigint, p_from date,
    p_to date, p_ward text)
RETURNS TABLE (application_id bigint, call_id bigint, ward text, on_day date)
LANGUAGE sql STABLE AS $$
	SELECT x.id, x.call_id, x.ward, x.on_day FROM (
		SELECT a.id, a.call_id, report_ward(a) AS ward,
		    (SELECT min(report_day(e.at)) FROM application_events e
			WHERE e.application_id = a.id
			AND e.to_status = p_status) AS on_day
		FROM applications a
		WHERE a.submitted_at IS NOT NULL
		  AND report_scope(a, p_call, p_ward)) x
	WHERE report_in_range(x.on_day, p_from, p_to)
$$;

-- Awards: awards made (a funded decision released: its award) that she
-- did not decline, dated by the release of their decision
-- (decisions.released_at).  money_vnd, "money awarded": what the award
-- holds of the call's budget, as decision_commitments() counts it: its
-- amount while it is active; what was paid of it once staff revoked it
-- (the rest went back to the call).
CREATE FUNCTION report_awards(p_call bigint, p_from date, p_to date,
    p_ward text)
RETURNS TABLE (award_id bigint, application_id bigint, call_id bigint,
    ward text, on_day date, money_vnd bigint)
LANGUAGE sql STABLE AS $$
	SELECT w.id, a.id, a.call_id, report_ward(a), report_day(d.released_at),
	    CASE WHEN w.status = 'active' THEN w.amount_vnd
		ELSE award_paid(w.id) END
	FROM awards w
	JOIN decisions d ON d.id = w.decision_id
	JOIN applications a ON a.id = w.application_id
	WHERE w.status <> 'declined' AND report_scope(a, p_call, p_ward)
	  AND report_in_range(report_day(d.released_at), p_from, p_to)
$$;

-- Disbursed: applications paid at least once (disbursements of any of
-- their awards), dated by their first payment (disbursements.paid_on).
-- paid_vnd: everything paid to her, on any date.
CREATE FUNCTION report_disbursed(p_call bigint, p_from date, p_to date,
    p_ward text)
RETURNS TABLE (application_id bigint, call_id bigint, ward text,
    on_day date, paid_vnd bigint)
LANGUAGE sql STABLE AS $$
	SELECT a.id, a.call_id, report_ward(a), p.first_on, p.paid
	FROM applications a
	JOIN (SELECT w.application_id, min(x.paid_on) AS first_on,
		sum(x.amount_vnd)::bigint AS paid
	    FROM disbursements x JOIN awards w ON w.id = x.award_id
	    GROUP BY w.application_id) p ON p.application_id = a.id
	WHERE report_scope(a, p_call, p_ward)
	  AND report_in_range(p.first_on, p_from, p_to)
$$;

-- Still operating after p_months: supported businesses whose point,
-- p_months months after the award (businesses.award_on, an end of month
-- kept as the follow-up schedule does), is p_now's day or before, dated
-- by that point.  operating: an approved check-in scheduled at p_months
-- or later (followup_schedule.months) says that the business operates.
CREATE FUNCTION report_survival(p_months int, p_call bigint, p_from date,
    p_to date, p_ward text, p_now timestamptz)
RETURNS TABLE (business_id bigint, application_id bigint, call_id bigint,
    ward text, on_day date, operating boolean)
LANGUAGE sql STABLE AS $$
	SELECT b.id, a.id, a.call_id, report_ward(a), x.point,
	    EXISTS (SELECT 1 FROM checkins k
		JOIN followup_schedule s ON s.id = k.schedule_id
		WHERE k.business_id = b.id AND k.status = 'approved'
		AND k.operating AND s.months >= p_months)
	FROM businesses b
	JOIN applications a ON a.id = b.application_id
	CROSS JOIN LATERAL (SELECT (b.award_on
	    + make_interval(months => p_months))::date AS point) x
	WHERE report_supported(b) AND report_scope(a, p_call, p_ward)
	  AND x.point <= report_day(p_now)
	  AND report_in_range(x.point, p_from, p_to)
$$;

-- What the follow-up says of each supported business over the range.
-- Its check-ins that count: approved ones submitted in the range
-- (checkins.submitted_at); "latest": the one of them latest in the
-- schedule (followup_schedule.number); "baseline": its approved
-- baseline check-in (schedule months 0), submitted on any date.  A
-- business is followed when it has a check-in that counts, or closed in
-- the range (businesses.closed_at).  For each followed business:
--   operating           the latest says it operates, and the business was
--                       not closed on or before the end of the range (with
--                       no end: not closed at all);
--   jobs_created,       of the latest, for a business operating (jobs
--   jobs_created_women  created since the award; NULL otherwise);
--   revenue_change_vnd  the latest's revenue minus the baseline's, when
--                       the latest comes after the baseline and both say
--                       a revenue (last month's, VND);
--   poor_at_baseline    the baseline says the household is poor or
--                       near-poor, and a latest comes after it;
--   left_poverty        of those, the latest says the household is none
--                       of poor, near-poor or hardship ('none'); NULL for
--                       the others.
CREATE FUNCTION report_business_outcomes(p_call bigint, p_from date,
    p_to date, p_ward text)
RETURNS TABLE (business_id bigint, application_id bigint, call_id bigint,
    ward text, latest_months int, operating boolean, jobs_created int,
    jobs_created_women int, revenue_change_vnd bigint,
    poor_at_baseline boolean, left_poverty boolean)
LANGUAGE sql STABLE AS $$
	WITH bs AS (
		SELECT b.id, b.closed_at, a.id AS app, a.call_id,
		    report_ward(a) AS ward
		FROM businesses b JOIN applications a ON a.id = b.application_id
		WHERE report_supported(b) AND report_scope(a, p_call, p_ward)),
	latest AS (
		SELECT DISTINCT ON (k.business_id) k.business_id, s.months,
		    k.operating, k.jobs_created, k.jobs_created_women,
		    k.revenue_vnd, k.household_status
		FROM checkins k JOIN followup_schedule s ON s.id = k.schedule_id
		WHERE k.status = 'approved'
		  AND k.business_id IN (SELECT bs.id FROM bs)
		  AND report_in_range(report_day(k.submitted_at), p_from, p_to)
		ORDER BY k.business_id, s.number DESC),
	base AS (
		SELECT k.business_id, k.revenue_vnd, k.household_status
		FROM checkins k JOIN followup_schedule s ON s.id = k.schedule_id
		WHERE k.status = 'approved' AND s.months = 0
		  AND k.business_id IN (SELECT bs.id FROM bs)),
	f AS (
		SELECT bs.id, bs.app, bs.call_id, bs.ward, l.months,
		    coalesce(l.operating AND NOT (bs.closed_at IS NOT NULL
			AND (p_to IS NULL OR report_day(bs.closed_at) <= p_to)),
			false) AS op,
		    l.jobs_created, l.jobs_created_women, l.revenue_vnd,
		    l.household_status, base.revenue_vnd AS base_revenue,
		    base.household_status AS base_household
		FROM bs
		LEFT JOIN latest l ON l.business_id = bs.id
		LEFT JOIN base ON base.business_id = bs.id
		WHERE l.business_id IS NOT NULL
		   OR report_in_range(report_day(bs.closed_at), p_from, p_to))
	SELECT f.id, f.app, f.call_id, f.ward, f.months, f.op,
	    CASE WHEN f.op THEN f.jobs_created END,
	    CASE WHEN f.op THEN f.jobs_created_women END,
	    CASE WHEN f.months > 0 THEN f.revenue_vnd - f.base_revenue END,
	    coalesce(f.months > 0 AND f.base_household IN ('poor', 'near_poor'),
		false),
	    CASE WHEN f.months > 0 AND f.base_household IN ('poor', 'near_poor')
		THEN f.household_status = 'none' END
	FROM f
$$;

-- Mentoring sessions of the applications in scope (through their
-- match), dated by the day they were held (mentoring_sessions.held_on).
CREATE FUNCTION report_sessions(p_call bigint, p_from date, p_to date,
    p_ward text)
RETURNS TABLE (session_id bigint, match_id bigint, mentor_id bigint,
    application_id bigint, ward text, on_day date, minutes int)
LANGUAGE sql STABLE AS $$
	SELECT s.id, m.id, m.mentor_id, a.id, report_ward(a), s.held_on,
	    s.minutes
	FROM mentoring_sessions s
	JOIN matches m ON m.id = s.match_id
	JOIN applications a ON a.id = m.application_id
	WHERE report_scope(a, p_call, p_ward)
	  AND report_in_range(s.held_on, p_from, p_to)
$$;

-- Mentorships: matches that a mentor accepted (accepted, or ended after
-- she accepted: responded_at is set then), of applications in scope,
-- that ran at some time in the range: accepted (responded_at) on or
-- before its end, and not ended (ended_at) before its start.
CREATE FUNCTION report_mentorships(p_call bigint, p_from date, p_to date,
    p_ward text)
RETURNS TABLE (match_id bigint, mentor_id bigint, application_id bigint,
    ward text, accepted_on date, ended_on date)
LANGUAGE sql STABLE AS $$
	SELECT m.id, m.mentor_id, a.id, report_ward(a),
	    report_day(m.responded_at), report_day(m.ended_at)
	FROM matches m
	JOIN applications a ON a.id = m.application_id
	WHERE m.status IN ('accepted', 'ended') AND m.responded_at IS NOT NULL
	  AND report_scope(a, p_call, p_ward)
	  AND (p_to IS NULL OR report_day(m.responded_at) <= p_to)
	  AND (p_from IS NULL OR m.ended_at IS NULL
	      OR report_day(m.ended_at) >= p_from)
$$;

-- Training: registrations with a seat (training_registrations.status
-- 'registered') for sessions that were not cancelled, dated by the
-- session's start (trainings.starts_at).  With a call or a ward, only
-- women with a submitted application in that scope; without either,
-- every woman.  attended: staff recorded that she came (false: she did
-- not; NULL: not recorded).
CREATE FUNCTION report_training(p_call bigint, p_from date, p_to date,
    p_ward text)
RETURNS TABLE (registration_id bigint, training_id bigint, user_id bigint,
    on_day date, attended boolean)
LANGUAGE sql STABLE AS $$
	SELECT r.id, t.id, r.user_id, report_day(t.starts_at), r.attended
	FROM training_registrations r
	JOIN trainings t ON t.id = r.training_id
	WHERE r.status = 'registered' AND t.status = 'scheduled'
	  AND report_in_range(report_day(t.starts_at), p_from, p_to)
	  AND ((p_call IS NULL AND p_ward IS NULL) OR EXISTS (SELECT 1
	      FROM applications a WHERE a.applicant_id = r.user_id
	      AND a.submitted_at IS NOT NULL
	      AND report_scope(a, p_call, p_ward)))
$$;

-- Review assignments released to reviewers (assignments.released_at), of
-- applications in scope, dated by their release.  submitted: her review
-- of the application is submitted; overdue: it is not, and the
-- assignment's due time (due_at) is before p_now.
CREATE FUNCTION report_assignments(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz)
RETURNS TABLE (assignment_id bigint, reviewer_id bigint,
    application_id bigint, ward text, on_day date, submitted boolean,
    overdue boolean)
LANGUAGE sql STABLE AS $$
	SELECT x.id, x.reviewer_id, a.id, report_ward(a),
	    report_day(x.released_at),
	    coalesce(r.status = 'submitted', false),
	    coalesce(r.status, 'none') <> 'submitted'
		AND coalesce(x.due_at < p_now, false)
	FROM assignments x
	JOIN applications a ON a.id = x.application_id
	LEFT JOIN reviews r ON r.application_id = x.application_id
	    AND r.reviewer_id = x.reviewer_id
	WHERE x.released_at IS NOT NULL AND report_scope(a, p_call, p_ward)
	  AND report_in_range(report_day(x.released_at), p_from, p_to)
$$;

-- ==== the reports ====

-- The funnel, one row per stage:
--   applied        count(*) FROM report_applied          (submission)
--   eligible       count(*) FROM report_reached('eligible')  (first move)
--   reviewed       count(*) FROM report_reached('reviewed')  (first move)
--   funded         count(DISTINCT application_id) FROM report_awards
--                                                        (release)
--   disbursed      count(*) FROM report_disbursed        (first payment)
--   operating_12m  count(*) FILTER (WHERE operating) FROM
--   operating_24m  report_survival(12 | 24): reached is count(*), the
--                  businesses whose point has passed (the point)
-- pct_of_applied: count of applied; pct_of_reached: count of reached
-- (the survival rates).  dated_by names the date the range applies to.
CREATE FUNCTION report_funnel(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz)
RETURNS TABLE (stage text, count bigint, pct_of_applied numeric,
    reached bigint, pct_of_reached numeric, dated_by text)
LANGUAGE sql STABLE AS $$
	WITH applied AS (
		SELECT count(*) AS n
		FROM report_applied(p_call, p_from, p_to, p_ward)),
	s12 AS (
		SELECT count(*) FILTER (WHERE operating) AS n,
		    count(*) AS reached
		FROM report_survival(12, p_call, p_from, p_to, p_ward, p_now)),
	s24 AS (
		SELECT count(*) FILTER (WHERE operating) AS n,
		    count(*) AS reached
		FROM report_survival(24, p_call, p_from, p_to, p_ward, p_now)),
	st (pos, stage, n, reached, dated_by) AS (
		SELECT 1, 'applied', (SELECT n FROM applied), NULL::bigint,
		    'submitted_at'
		UNION ALL
		SELECT 2, 'eligible', (SELECT count(*) FROM report_reached(
		    'eligible', p_call, p_from, p_to, p_ward)), NULL,
		    'eligible_at'
		UNION ALL
		SELECT 3, 'reviewed', (SELECT count(*) FROM report_reached(
		    'reviewed', p_call, p_from, p_to, p_ward)), NULL,
		    'reviewed_at'
		UNION ALL
		SELECT 4, 'funded', (SELECT count(DISTINCT x.application_id)
		    FROM report_awards(p_call, p_from, p_to, p_ward) x), NULL,
		    'released_at'
		UNION ALL
		SELECT 5, 'disbursed', (SELECT count(*) FROM report_disbursed(
		    p_call, p_from, p_to, p_ward)), NULL, 'first_paid_on'
		UNION ALL
		SELECT 6, 'operating_12m', s12.n, s12.reached, 'month_12_on'
		FROM s12
		UNION ALL
		SELECT 7, 'operating_24m', s24.n, s24.reached, 'month_24_on'
		FROM s24)
	SELECT st.stage, st.n, report_pct(st.n, (SELECT n FROM applied)),
	    st.reached, report_pct(st.n, st.reached), st.dated_by
	FROM st ORDER BY st.pos
$$;

-- The priority picture.  Section 'category', one row per verified
-- category (poor, near_poor, hardship, disability), then 'any' (at
-- least one of them) and 'all' (everyone, the denominators):
--   applicants    report_applied with a verified claim of the category
--                 (report_verified), and its share of all applicants;
--   awardees      count(DISTINCT application_id) of report_awards with
--                 one, and its share of all awardees;
--   awarded_vnd   sum(money_vnd) of those awards, and its share of all
--                 money awarded.
-- Section 'reserve', one row per call (the call of p_call; without it,
-- every call with an applicant or an award counted above): awarded_vnd,
-- the money awarded in the call (report_awards); the call's budget, the
-- share of it reserved for verified-priority women
-- (calls.priority_reserved_pct) and that reserve in VND as the
-- allocation computes it, floor(budget × pct / 100); what of the money
-- awarded went to women with a verified priority (category 'any'), and
-- that as a share of the money awarded and of the budget -- the one to
-- hold against reserved_pct.
CREATE FUNCTION report_priority(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz)
RETURNS TABLE (section text, category text, call_id bigint,
    call_title text, applicants bigint, applicants_pct numeric,
    awardees bigint, awardees_pct numeric, awarded_vnd bigint,
    awarded_pct numeric, budget_vnd bigint, reserved_pct int,
    reserved_vnd bigint, priority_awarded_vnd bigint,
    priority_pct_of_awarded numeric, priority_pct_of_budget numeric)
LANGUAGE sql STABLE AS $$
	WITH ap AS (
		SELECT x.application_id, x.call_id
		FROM report_applied(p_call, p_from, p_to, p_ward) x),
	aw AS (
		SELECT x.application_id, x.call_id, x.money_vnd,
		    report_verified(x.application_id, 'any') AS priority
		FROM report_awards(p_call, p_from, p_to, p_ward) x),
	tot AS (
		SELECT (SELECT count(*) FROM ap) AS applicants,
		    (SELECT count(DISTINCT aw.application_id) FROM aw)
			AS awardees,
		    (SELECT coalesce(sum(aw.money_vnd), 0) FROM aw) AS money),
	cats (pos, code) AS (
		VALUES (1, 'poor'), (2, 'near_poor'), (3, 'hardship'),
		    (4, 'disability'), (5, 'any'), (6, 'all')),
	per AS (
		SELECT c.pos, c.code,
		    (SELECT count(*) FROM ap
			WHERE report_verified(ap.application_id, c.code))
			AS n_ap,
		    (SELECT count(DISTINCT aw.application_id) FROM aw
			WHERE report_verified(aw.application_id, c.code))
			AS n_aw,
		    (SELECT coalesce(sum(aw.money_vnd), 0) FROM aw
			WHERE report_verified(aw.application_id, c.code))
			AS money
		FROM cats c),
	calls_in AS (
		SELECT c.* FROM calls c
		WHERE (p_call IS NOT NULL AND c.id = p_call)
		   OR (p_call IS NULL AND (c.id IN (SELECT ap.call_id FROM ap)
		       OR c.id IN (SELECT aw.call_id FROM aw))))
	SELECT r.section, r.category, r.call_id, r.call_title, r.applicants,
	    r.applicants_pct, r.awardees, r.awardees_pct, r.awarded_vnd,
	    r.awarded_pct, r.budget_vnd, r.reserved_pct, r.reserved_vnd,
	    r.priority_awarded_vnd, r.priority_pct_of_awarded,
	    r.priority_pct_of_budget
	FROM (
		SELECT 1 AS k1, per.pos::bigint AS k2, 'category' AS section,
		    per.code AS category, NULL::bigint AS call_id,
		    NULL::text AS call_title, per.n_ap AS applicants,
		    report_pct(per.n_ap, tot.applicants) AS applicants_pct,
		    per.n_aw AS awardees,
		    report_pct(per.n_aw, tot.awardees) AS awardees_pct,
		    per.money::bigint AS awarded_vnd,
		    report_pct(per.money, tot.money) AS awarded_pct,
		    NULL::bigint AS budget_vnd, NULL::int AS reserved_pct,
		    NULL::bigint AS reserved_vnd,
		    NULL::bigint AS priority_awarded_vnd,
		    NULL::numeric AS priority_pct_of_awarded,
		    NULL::numeric AS priority_pct_of_budget
		FROM per, tot
		UNION ALL
		SELECT 2, c.id, 'reserve', NULL, c.id, c.title_vi,
		    NULL, NULL, NULL, NULL, m.money, NULL,
		    c.budget_vnd, c.priority_reserved_pct,
		    c.budget_vnd * c.priority_reserved_pct / 100,
		    m.priority_money, report_pct(m.priority_money, m.money),
		    report_pct(m.priority_money, c.budget_vnd)
		FROM calls_in c
		CROSS JOIN LATERAL (SELECT
			coalesce(sum(aw.money_vnd), 0)::bigint AS money,
			coalesce(sum(aw.money_vnd) FILTER (WHERE aw.priority),
			0)::bigint AS priority_money
		    FROM aw WHERE aw.call_id = c.id) m) r
	ORDER BY r.k1, r.k2
$$;

-- Per ward: the 18 wards of the district in the order of their codes,
-- then 'outside' (women living outside the district), always all 19
-- rows, zeros shown:
--   applicants            count(*) FROM report_applied      (submission)
--   awards, awarded_vnd   count(DISTINCT application_id), sum(money_vnd)
--                         FROM report_awards                (release)
--   jobs_created,         sum(...) FROM report_business_outcomes
--   jobs_created_women      (check-ins submitted in the range)
--   businesses_operating  count(*) FILTER (WHERE operating), the same.
-- The rows of a ward filter's other wards are zeros.
CREATE FUNCTION report_wards(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz)
RETURNS TABLE (ward text, name text, applicants bigint, awards bigint,
    awarded_vnd bigint, jobs_created bigint, jobs_created_women bigint,
    businesses_operating bigint)
LANGUAGE sql STABLE AS $$
	WITH w (pos, code, name) AS (
		SELECT row_number() OVER (ORDER BY wards.code), wards.code,
		    wards.name_vi
		FROM wards
		UNION ALL
		SELECT 1000, 'outside', 'Ngoài quận Hoàn Kiếm'),
	ap AS (
		SELECT x.ward, count(*) AS n
		FROM report_applied(p_call, p_from, p_to, p_ward) x
		GROUP BY x.ward),
	aw AS (
		SELECT x.ward, count(DISTINCT x.application_id) AS n,
		    sum(x.money_vnd) AS money
		FROM report_awards(p_call, p_from, p_to, p_ward) x
		GROUP BY x.ward),
	bo AS (
		SELECT x.ward, sum(x.jobs_created) AS jobs,
		    sum(x.jobs_created_women) AS jobs_women,
		    count(*) FILTER (WHERE x.operating) AS operating
		FROM report_business_outcomes(p_call, p_from, p_to, p_ward) x
		GROUP BY x.ward)
	SELECT w.code, w.name, coalesce(ap.n, 0), coalesce(aw.n, 0),
	    coalesce(aw.money, 0)::bigint, coalesce(bo.jobs, 0)::bigint,
	    coalesce(bo.jobs_women, 0)::bigint, coalesce(bo.operating, 0)
	FROM w
	LEFT JOIN ap ON ap.ward = w.code
	LEFT JOIN aw ON aw.ward = w.code
	LEFT JOIN bo ON bo.ward = w.code
	ORDER BY w.pos
$$;

-- Outcomes, one row per figure (value; base: what a share or a median is
-- of, where there is one; unit):
--   businesses_followed          count(*) FROM report_business_outcomes
--   businesses_operating         … FILTER (WHERE operating), of followed
--   survival_rate_pct            operating as a share of followed
--   jobs_created                 sum(jobs_created), base: operating
--   jobs_created_women           sum(jobs_created_women), base: operating
--   median_revenue_change_vnd    the median of revenue_change_vnd (whole
--                                VND, percentile_cont), base: how many
--                                businesses have one
--   households_poor_at_baseline  count(*) FILTER (WHERE poor_at_baseline)
--   households_left_poverty      … FILTER (WHERE left_poverty), of those
--   households_left_poverty_pct  that as a share
--   mentoring_sessions,          count(*), sum(minutes), sum(minutes)/60
--   mentoring_minutes,           FROM report_sessions (the day held)
--   mentoring_hours
--   mentees_mentored             count(DISTINCT application_id) of those
--   training_registered          count(*) FROM report_training (start)
--   training_attended            … FILTER (WHERE attended), of registered
--   training_women               count(DISTINCT user_id) of those attended
CREATE FUNCTION report_outcomes(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz)
RETURNS TABLE (figure text, value numeric, base bigint, unit text)
LANGUAGE sql STABLE AS $$
	WITH o AS (
		SELECT count(*) AS followed,
		    count(*) FILTER (WHERE x.operating) AS operating,
		    coalesce(sum(x.jobs_created), 0) AS jobs,
		    coalesce(sum(x.jobs_created_women), 0) AS jobs_women,
		    round(percentile_cont(0.5) WITHIN GROUP
			(ORDER BY x.revenue_change_vnd)::numeric) AS median,
		    count(x.revenue_change_vnd) AS with_change,
		    count(*) FILTER (WHERE x.poor_at_baseline) AS poor,
		    count(*) FILTER (WHERE x.left_poverty) AS left_poverty
		FROM report_business_outcomes(p_call, p_from, p_to, p_ward) x),
	m AS (
		SELECT count(*) AS sessions,
		    coalesce(sum(x.minutes), 0) AS minutes,
		    count(DISTINCT x.application_id) AS mentees
		FROM report_sessions(p_call, p_from, p_to, p_ward) x),
	t AS (
		SELECT count(*) AS registered,
		    count(*) FILTER (WHERE x.attended) AS attended,
		    count(DISTINCT x.user_id) FILTER (WHERE x.attended) AS women
		FROM report_training(p_call, p_from, p_to, p_ward) x)
	SELECT v.figure, v.value, v.base, v.unit FROM o, m, t,
	LATERAL (VALUES
	    (1, 'businesses_followed', o.followed::numeric, NULL::bigint,
		'businesses'),
	    (2, 'businesses_operating', o.operating, o.followed, 'businesses'),
	    (3, 'survival_rate_pct', report_pct(o.operating, o.followed),
		o.followed, 'percent'),
	    (4, 'jobs_created', o.jobs, o.operating, 'jobs'),
	    (5, 'jobs_created_women', o.jobs_women, o.operating, 'jobs'),
	    (6, 'median_revenue_change_vnd', o.median, o.with_change, 'vnd'),
	    (7, 'households_poor_at_baseline', o.poor, NULL, 'households'),
	    (8, 'households_left_poverty', o.left_poverty, o.poor,
		'households'),
	    (9, 'households_left_poverty_pct',
		report_pct(o.left_poverty, o.poor), o.poor, 'percent'),
	    (10, 'mentoring_sessions', m.sessions, NULL, 'sessions'),
	    (11, 'mentoring_minutes', m.minutes, NULL, 'minutes'),
	    (12, 'mentoring_hours', round(m.minutes / 60.0, 2), NULL, 'hours'),
	    (13, 'mentees_mentored', m.mentees, NULL, 'applications'),
	    (14, 'training_registered', t.registered, NULL, 'registrations'),
	    (15, 'training_attended', t.attended, t.registered,
		'registrations'),
	    (16, 'training_women', t.women, NULL, 'women'))
	    v (pos, figure, value, base, unit)
	ORDER BY v.pos
$$;

-- Workload.  Section 'reviewer', one row per reviewer with a released
-- assignment counted by report_assignments (its release): assigned
-- count(*), submitted and overdue the count of those.  Section 'mentor',
-- one row per mentor with a mentorship (report_mentorships: ran in the
-- range) or a session (report_sessions: held in the range): mentees
-- count(DISTINCT application_id) of her mentorships, sessions count(*),
-- minutes sum(minutes), hours minutes / 60.  Reviewers first, then
-- mentors, each by name (Vietnamese order), then id.
CREATE FUNCTION report_workload(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz)
RETURNS TABLE (section text, user_id bigint, full_name text,
    assigned bigint, submitted bigint, overdue bigint, mentees bigint,
    sessions bigint, minutes bigint, hours numeric)
LANGUAGE sql STABLE AS $$
	WITH x AS (
		SELECT * FROM report_assignments(p_call, p_from, p_to, p_ward,
		    p_now)),
	ms AS (
		SELECT * FROM report_mentorships(p_call, p_from, p_to, p_ward)),
	ss AS (
		SELECT * FROM report_sessions(p_call, p_from, p_to, p_ward)),
	rows AS (
		SELECT 1 AS pos, 'reviewer' AS section, u.id, u.full_name,
		    count(*) AS assigned,
		    count(*) FILTER (WHERE x.submitted) AS submitted,
		    count(*) FILTER (WHERE x.overdue) AS overdue,
		    NULL::bigint AS mentees, NULL::bigint AS sessions,
		    NULL::bigint AS minutes
		FROM x JOIN users u ON u.id = x.reviewer_id
		GROUP BY u.id
		UNION ALL
		SELECT 2, 'mentor', u.id, u.full_name, NULL, NULL, NULL,
		    (SELECT count(DISTINCT ms.application_id) FROM ms
			WHERE ms.mentor_id = u.id),
		    (SELECT count(*) FROM ss WHERE ss.mentor_id = u.id),
		    (SELECT coalesce(sum(ss.minutes), 0) FROM ss
			WHERE ss.mentor_id = u.id)
		FROM users u
		WHERE u.id IN (SELECT ms.mentor_id FROM ms
		    UNION SELECT ss.mentor_id FROM ss))
	SELECT rows.section, rows.id, rows.full_name, rows.assigned,
	    rows.submitted, rows.overdue, rows.mentees, rows.sessions,
	    rows.minutes, round(rows.minutes / 60.0, 2)
	FROM rows
	ORDER BY rows.pos, rows.full_name COLLATE sen_vi, rows.id
$$;

-- ==== JSON for the API ====
-- The same rows as above, as JSON: nothing is counted here but sums of
-- those rows (totals).

CREATE FUNCTION api_report_funnel(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'report', 'funnel',
	    'filters', report_filters(p_call, p_from, p_to, p_ward),
	    'generated_at', call_time_utc(p_now),
	    'stages', (SELECT json_agg(json_build_object(
		'stage', r.stage, 'count', r.count,
		'pct_of_applied', r.pct_of_applied, 'reached', r.reached,
		'pct_of_reached', r.pct_of_reached, 'dated_by', r.dated_by)
		ORDER BY r.ordinality)
		FROM report_funnel(p_call, p_from, p_to, p_ward, p_now)
		    WITH ORDINALITY r))
$$;

CREATE FUNCTION api_report_priority(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH r AS (
		SELECT * FROM report_priority(p_call, p_from, p_to, p_ward,
		    p_now) WITH ORDINALITY r)
	SELECT json_build_object(
	    'report', 'priority',
	    'filters', report_filters(p_call, p_from, p_to, p_ward),
	    'generated_at', call_time_utc(p_now),
	    'categories', (SELECT json_agg(json_build_object(
		'category', r.category,
		'applicants', r.applicants, 'applicants_pct', r.applicants_pct,
		'awardees', r.awardees, 'awardees_pct', r.awardees_pct,
		'awarded_vnd', r.awarded_vnd, 'awarded_pct', r.awarded_pct)
		ORDER BY r.ordinality) FROM r WHERE r.section = 'category'),
	    'reserve', coalesce((SELECT json_agg(json_build_object(
		'call_id', r.call_id, 'call_title', r.call_title,
		'budget_vnd', r.budget_vnd, 'reserved_pct', r.reserved_pct,
		'reserved_vnd', r.reserved_vnd,
		'awarded_vnd', r.awarded_vnd,
		'priority_awarded_vnd', r.priority_awarded_vnd,
		'priority_pct_of_awarded', r.priority_pct_of_awarded,
		'priority_pct_of_budget', r.priority_pct_of_budget)
		ORDER BY r.ordinality)
		FROM r WHERE r.section = 'reserve'), '[]'))
$$;

CREATE FUNCTION api_report_wards(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH r AS (
		SELECT * FROM report_wards(p_call, p_from, p_to, p_ward, p_now)
		    WITH ORDINALITY r)
	SELECT json_build_object(
	    'report', 'wards',
	    'filters', report_filters(p_call, p_from, p_to, p_ward),
	    'generated_at', call_time_utc(p_now),
	    'wards', (SELECT json_agg(json_build_object(
		'ward', r.ward, 'name', r.name, 'applicants', r.applicants,
		'awards', r.awards, 'awarded_vnd', r.awarded_vnd,
		'jobs_created', r.jobs_created,
		'jobs_created_women', r.jobs_created_women,
		'businesses_operating', r.businesses_operating)
		ORDER BY r.ordinality)
		FROM r),
	    'totals', (SELECT json_build_object(
		'applicants', sum(r.applicants), 'awards', sum(r.awards),
		'awarded_vnd', sum(r.awarded_vnd),
		'jobs_created', sum(r.jobs_created),
		'jobs_created_women', sum(r.jobs_created_women),
		'businesses_operating', sum(r.businesses_operating),
		'wards_reached', count(*) FILTER (WHERE r.applicants > 0
		    AND r.ward <> 'outside'))
		FROM r))
$$;

CREATE FUNCTION api_report_outcomes(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'report', 'outcomes',
	    'filters', report_filters(p_call, p_from, p_to, p_ward),
	    'generated_at', call_time_utc(p_now),
	    'figures', (SELECT json_object_agg(r.figure, json_build_object(
		'value', r.value, 'base', r.base, 'unit', r.unit)
		ORDER BY r.ordinality)
		FROM report_outcomes(p_call, p_from, p_to, p_ward, p_now)
		    WITH ORDINALITY r))
$$;

CREATE FUNCTION api_report_workload(p_call bigint, p_from date, p_to date,
    p_ward text, p_now timestamptz) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH r AS (
		SELECT * FROM report_workload(p_call, p_from, p_to, p_ward,
		    p_now) WITH ORDINALITY r)
	SELECT json_build_object(
	    'report', 'workload',
	    'filters', report_filters(p_call, p_from, p_to, p_ward),
	    'generated_at', call_time_utc(p_now),
	    'reviewers', coalesce((SELECT json_agg(json_build_object(
		'user_id', r.user_id, 'full_name', r.full_name,
		'assigned', r.assigned, 'submitted', r.submitted,
		'overdue', r.overdue) ORDER BY r.ordinality)
		FROM r WHERE r.section = 'reviewer'), '[]'),
	    'mentors', coalesce((SELECT json_agg(json_build_object(
		'user_id', r.user_id, 'full_name', r.full_name,
		'mentees', r.mentees, 'sessions', r.sessions,
		'minutes', r.minutes, 'hours', r.hours) ORDER BY r.ordinality)
		FROM r WHERE r.section = 'mentor'), '[]'),
	    'totals', json_build_object(
		'assigned', (SELECT coalesce(sum(r.assigned), 0) FROM r),
		'submitted', (SELECT coalesce(sum(r.submitted), 0) FROM r),
		'overdue', (SELECT coalesce(sum(r.overdue), 0) FROM r),
		'sessions', (SELECT coalesce(sum(r.sessions), 0) FROM r),
		'minutes', (SELECT coalesce(sum(r.minutes), 0) FROM r),
		'hours', (SELECT round(coalesce(sum(r.minutes), 0) / 60.0, 2)
		    FROM r)))
$$;
