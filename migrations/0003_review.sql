-- 0003 Review committees: the committee of a call, conflicts of interest,
-- assignments (proposed, then released), blind reviews with their
-- revisions, the discussion, and the call's scoring settings.
--
-- Blindness is a property of what the API selects (api_blind_application
-- below is the only view a reviewer gets of an application); the tables
-- here hold no personal data of applicants.

-- Scoring settings of a call.
ALTER TABLE calls
	ADD COLUMN review_due_at timestamptz,
	-- Spread of review scores (0-100 scale) above which an application
	-- is flagged for discussion.
	ADD COLUMN disagreement_threshold int NOT NULL DEFAULT 20
	    CHECK (disagreement_threshold BETWEEN 0 AND 100),
	-- Per-reviewer z-score normalisation of review scores in the ranking.
	ADD COLUMN normalise_reviewers boolean NOT NULL DEFAULT false,
	ADD COLUMN scoring_closed_at timestamptz,
	ADD COLUMN assignments_released_at timestamptz;

-- Anchored descriptions: what each score of a criterion means, so that
-- reviewers score alike.  Frozen with the rubric.
CREATE TABLE criterion_anchors (
	criterion_id	bigint NOT NULL REFERENCES call_criteria (id) ON DELETE CASCADE,
	score		int NOT NULL CHECK (score >= 0),
	text_vi		text NOT NULL CHECK (length(btrim(text_vi)) BETWEEN 1 AND 500),
	text_en		text NOT NULL CHECK (length(btrim(text_en)) BETWEEN 1 AND 500),
	PRIMARY KEY (criterion_id, score)
);

CREATE FUNCTION criterion_anchors_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM call_criteria cc JOIN calls c ON c.id = cc.call_id
	    WHERE cc.id = coalesce(NEW.criterion_id, OLD.criterion_id)
	    AND c.status <> 'draft') THEN
		RAISE EXCEPTION 'the rubric is frozen once the call is open'
		    USING ERRCODE = 'SN409', COLUMN = 'rubric';
	END IF;
	RETURN coalesce(NEW, OLD);
END
$$;

CREATE TRIGGER criterion_anchors_frozen BEFORE INSERT OR UPDATE OR DELETE
	ON criterion_anchors FOR EACH ROW EXECUTE FUNCTION criterion_anchors_frozen();

-- The committee of a call.
CREATE TABLE call_reviewers (
	call_id		bigint NOT NULL REFERENCES calls (id),
	reviewer_id	bigint NOT NULL REFERENCES users (id),
	added_at	timestamptz NOT NULL DEFAULT now(),
	added_by	bigint REFERENCES users (id),
	PRIMARY KEY (call_id, reviewer_id)
);

-- Conflicts of interest, declared by a reviewer (recusal) or recorded by
-- staff.  A conflict excludes the reviewer from the application for good:
-- rows are never deleted.
CREATE TABLE conflicts (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL REFERENCES applications (id),
	reviewer_id	bigint NOT NULL REFERENCES users (id),
	type		text NOT NULL CHECK (type IN ('family', 'business',
			    'same_household', 'other')),
	reason		text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
	declared_by	bigint NOT NULL REFERENCES users (id),
	declared_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (application_id, reviewer_id)
);

-- Who reviews what.  Proposed by the solver or added by staff; reviewers
-- see an assignment only once staff released the call's assignments.
-- Before seeing the application the reviewer declares no conflict
-- (declared_at) or recuses (a conflicts row, and the assignment goes).
CREATE TABLE assignments (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	call_id		bigint NOT NULL REFERENCES calls (id),
	application_id	bigint NOT NULL REFERENCES applications (id),
	reviewer_id	bigint NOT NULL REFERENCES users (id),
	source		text NOT NULL CHECK (source IN ('auto', 'manual')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	created_by	bigint REFERENCES users (id),
	released_at	timestamptz,
	no_conflict_at	timestamptz,	-- the reviewer declared no conflict
	due_at		timestamptz,
	last_reminder_at timestamptz,
	UNIQUE (application_id, reviewer_id)
);

CREATE INDEX assignments_reviewer_idx ON assignments (reviewer_id, released_at);
CREATE INDEX assignments_call_idx ON assignments (call_id, application_id);

-- Nobody reviews an application she has a conflict with.
CREATE FUNCTION assignments_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM conflicts WHERE application_id = NEW.application_id
	    AND reviewer_id = NEW.reviewer_id) THEN
		RAISE EXCEPTION 'the reviewer has a conflict of interest with this application'
		    USING ERRCODE = 'SN409', COLUMN = 'reviewer_id';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM call_reviewers WHERE call_id = NEW.call_id
	    AND reviewer_id = NEW.reviewer_id) THEN
		RAISE EXCEPTION 'the reviewer is not on the committee of this call'
		    USING ERRCODE = 'SN422', COLUMN = 'reviewer_id';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.application_id
	    AND call_id = NEW.call_id) THEN
		RAISE EXCEPTION 'the application does not belong to this call'
		    USING ERRCODE = 'SN422', COLUMN = 'application_id';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER assignments_guard BEFORE INSERT OR UPDATE OF application_id,
	reviewer_id ON assignments FOR EACH ROW EXECUTE FUNCTION assignments_guard();

-- A review: one per assignment, scores per criterion, two comments and a
-- recommendation.  Drafts may be partial; a submitted review has every
-- criterion scored or marked "cannot judge" (checked on submission).
CREATE TABLE reviews (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL REFERENCES applications (id),
	reviewer_id	bigint NOT NULL REFERENCES users (id),
	-- {"impact": 7, "team": null (cannot judge), …} keyed by criterion key
	scores		jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(scores) = 'object'),
	comment_applicant text CHECK (length(comment_applicant) <= 5000),
	comment_committee text CHECK (length(comment_committee) <= 5000),
	recommendation	text CHECK (recommendation IN ('fund', 'maybe', 'reject')),
	status		text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
	version		int NOT NULL DEFAULT 1,
	submitted_at	timestamptz,
	updated_at	timestamptz NOT NULL DEFAULT now(),
	-- "Reviewer 2": her number among the reviewers of the application,
	-- given when she starts her review and never changed (reviews_guard),
	-- so that the others and the discussion always call her the same.
	pseudonym	int NOT NULL CHECK (pseudonym >= 1),
	-- Changes to a submitted review that she has not submitted yet: the
	-- whole working copy {scores, comment_applicant, comment_committee,
	-- recommendation}.  The columns above stay what she submitted last,
	-- which is what counts, until she submits the revision.
	revision_draft	jsonb CHECK (jsonb_typeof(revision_draft) = 'object'),
	UNIQUE (application_id, reviewer_id),
	UNIQUE (application_id, pseudonym),
	CONSTRAINT reviews_submitted_complete_check CHECK (status = 'draft'
	    OR (submitted_at IS NOT NULL AND recommendation IS NOT NULL)),
	CONSTRAINT reviews_revision_draft_status_check CHECK (revision_draft IS NULL
	    OR status = 'submitted')
);

CREATE INDEX reviews_reviewer_idx ON reviews (reviewer_id, status);

-- Every submitted version of a review is kept.
CREATE TABLE review_revisions (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	review_id	bigint NOT NULL REFERENCES reviews (id),
	revision	int NOT NULL,
	scores		jsonb NOT NULL,
	comment_applicant text,
	comment_committee text,
	recommendation	text NOT NULL,
	submitted_at	timestamptz NOT NULL,
	UNIQUE (review_id, revision)
);

-- The discussion of an application, open to its reviewers (after their
-- own review is submitted) and staff.
CREATE TABLE discussion_posts (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL REFERENCES applications (id),
	author_id	bigint NOT NULL REFERENCES users (id),
	body		text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 5000),
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX discussion_posts_app_idx ON discussion_posts (application_id, id);

CREATE TRIGGER call_reviewers_audit AFTER INSERT OR DELETE ON call_reviewers
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER conflicts_audit AFTER INSERT ON conflicts
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER assignments_audit AFTER INSERT OR UPDATE OR DELETE ON assignments
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER reviews_audit AFTER INSERT OR UPDATE ON reviews
	FOR EACH ROW EXECUTE FUNCTION audit_row();

-- ==== ranking ====
-- What the calls API checks of anchors, also checked here; and anchors
-- are audited like the criteria they describe.

-- An anchor describes a score the criterion can give: 0..max_score.
CREATE FUNCTION criterion_anchors_score() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	top	int;
BEGIN
	SELECT max_score INTO top FROM call_criteria WHERE id = NEW.criterion_id;
	IF NEW.score > top THEN
		RAISE EXCEPTION 'an anchor''s score must be at most the criterion''s max_score (%)',
		    top USING ERRCODE = 'SN422', COLUMN = 'rubric';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER criterion_anchors_score BEFORE INSERT OR UPDATE
	ON criterion_anchors FOR EACH ROW EXECUTE FUNCTION criterion_anchors_score();

-- ...and a criterion's maximum cannot drop below an anchor of it.
CREATE FUNCTION call_criteria_anchors_fit() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM criterion_anchors
	    WHERE criterion_id = NEW.id AND score > NEW.max_score) THEN
		RAISE EXCEPTION 'the criterion has an anchor above its new max_score'
		    USING ERRCODE = 'SN422', COLUMN = 'rubric';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER call_criteria_anchors_fit BEFORE UPDATE OF max_score
	ON call_criteria FOR EACH ROW EXECUTE FUNCTION call_criteria_anchors_fit();

CREATE TRIGGER criterion_anchors_audit AFTER INSERT OR UPDATE OR DELETE
	ON criterion_anchors FOR EACH ROW EXECUTE FUNCTION audit_row();

-- ==== reviews ====
-- Blind scoring (app/review/reviews.c and its neighbours): the one view a
-- reviewer gets of an application, her review and its revisions, the
-- others' reviews under stable pseudonyms, the discussion, and the close
-- of scoring.  The handlers check each rule first, to answer with every
-- problem at once; the rules that protect the scores hold here as well,
-- whoever writes.

-- Statuses in which an application is, or has been, in front of the
-- committee.
CREATE FUNCTION review_stage(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT status IN ('eligible', 'in_review', 'reviewed', 'funded',
	    'waitlisted', 'rejected', 'in_followup', 'completed', 'closed')
$$;

-- A reviewer's assignment to an application, when she may work on it:
-- staff released it, she is on the call's committee, she has no conflict
-- of interest with it (declared or recorded), and the application is
-- past screening.  NULL otherwise.  She still has to declare that she
-- has no conflict (no_conflict_at) before she sees anything of it.
CREATE FUNCTION review_assignment(app_id bigint, uid bigint)
RETURNS assignments
LANGUAGE sql STABLE AS $$
	SELECT s.* FROM assignments s
	JOIN applications a ON a.id = s.application_id AND a.call_id = s.call_id
	JOIN call_reviewers cr ON cr.call_id = s.call_id
	    AND cr.reviewer_id = s.reviewer_id
	WHERE s.application_id = app_id AND s.reviewer_id = uid
	  AND s.released_at IS NOT NULL AND review_stage(a.status)
	  AND NOT EXISTS (SELECT 1 FROM conflicts k
	      WHERE k.application_id = app_id AND k.reviewer_id = uid)
$$;

-- A review counts (toward the call's required number, and for the other
-- reviewers to read) when it is submitted by a reviewer who is still
-- assigned to the application and has no conflict with it.
CREATE FUNCTION review_counts(r reviews) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT r.status = 'submitted'
	    AND EXISTS (SELECT 1 FROM assignments s
		WHERE s.application_id = r.application_id
		AND s.reviewer_id = r.reviewer_id AND s.released_at IS NOT NULL)
	    AND NOT EXISTS (SELECT 1 FROM conflicts k
		WHERE k.application_id = r.application_id
		AND k.reviewer_id = r.reviewer_id)
$$;

-- The content of a review as the columns hold it (for a submitted
-- review: what she submitted last), and her working copy: that, or her
-- unsubmitted changes to it.
CREATE FUNCTION review_copy(r reviews) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('scores', r.scores,
	    'comment_applicant', r.comment_applicant,
	    'comment_committee', r.comment_committee,
	    'recommendation', r.recommendation)
$$;

CREATE FUNCTION review_working(r reviews) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT coalesce(r.revision_draft, review_copy(r))
$$;

-- Scores against the call's rubric: each key a criterion, each value an
-- integer from 0 to its maximum or null ("cannot judge"); complete: every
-- criterion present.  Raises SN422 naming scores.<key>.
CREATE FUNCTION review_scores_check(cid bigint, scores jsonb, complete boolean)
RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
	e	record;
	mx	int;
	missing	text;
BEGIN
	IF jsonb_typeof(scores) IS DISTINCT FROM 'object' THEN
		RAISE EXCEPTION 'scores must be an object'
		    USING ERRCODE = 'SN422', COLUMN = 'scores';
	END IF;
	FOR e IN SELECT key, value FROM jsonb_each(scores) LOOP
		SELECT k.max_score INTO mx FROM call_criteria k
		    WHERE k.call_id = cid AND k.key = e.key;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'is not a criterion of this call''s rubric'
			    USING ERRCODE = 'SN422', COLUMN = 'scores.' || e.key;
		END IF;
		CONTINUE WHEN jsonb_typeof(e.value) = 'null';
		IF jsonb_typeof(e.value) <> 'number' OR e.value::text !~ '^[0-9]+$'
		    OR e.value::text::numeric > mx THEN
			RAISE EXCEPTION 'must be an integer from 0 to %, or null', mx
			    USING ERRCODE = 'SN422', COLUMN = 'scores.' || e.key;
		END IF;
	END LOOP;
	IF complete THEN
		SELECT k.key INTO missing FROM call_criteria k
		    WHERE k.call_id = cid AND NOT scores ? k.key
		    ORDER BY k.position LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION 'a submitted review scores every criterion (or marks it "cannot judge")'
			    USING ERRCODE = 'SN422', COLUMN = 'scores.' || missing;
		END IF;
	END IF;
END
$$;

-- Nobody writes a review once the call's scoring is closed, nor one of a
-- reviewer with a conflict of interest; scores fit the rubric; the
-- pseudonym is given once; versions count the changes.  The call's row
-- is share-locked so that closing the scoring (which locks it for
-- update) waits for the reviews being written and counts them all.
CREATE FUNCTION reviews_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	cid	bigint;
	closed	timestamptz;
BEGIN
	SELECT c.id, c.scoring_closed_at INTO cid, closed
	    FROM calls c JOIN applications a ON a.call_id = c.id
	    WHERE a.id = NEW.application_id FOR SHARE OF c;
	IF closed IS NOT NULL THEN
		RAISE EXCEPTION 'scoring of this call is closed'
		    USING ERRCODE = 'SN409', COLUMN = 'scoring_closed_at';
	END IF;
	IF TG_OP = 'UPDATE' AND (NEW.application_id, NEW.reviewer_id)
	    IS DISTINCT FROM (OLD.application_id, OLD.reviewer_id) THEN
		RAISE EXCEPTION 'a review stays with its application and reviewer'
		    USING ERRCODE = 'SN409';
	END IF;
	IF EXISTS (SELECT 1 FROM conflicts k WHERE k.application_id =
	    NEW.application_id AND k.reviewer_id = NEW.reviewer_id) THEN
		RAISE EXCEPTION 'the reviewer has a conflict of interest with this application'
		    USING ERRCODE = 'SN409', COLUMN = 'reviewer_id';
	END IF;
	PERFORM review_scores_check(cid, NEW.scores, NEW.status = 'submitted');
	IF NEW.revision_draft IS NOT NULL THEN
		PERFORM review_scores_check(cid,
		    coalesce(NEW.revision_draft -> 'scores', '{}'), false);
	END IF;

	IF TG_OP = 'INSERT' THEN
		IF NEW.pseudonym IS NULL THEN
			SELECT coalesce(max(pseudonym), 0) + 1 INTO NEW.pseudonym
			    FROM reviews WHERE application_id = NEW.application_id;
		END IF;
	ELSE
		NEW.pseudonym := OLD.pseudonym;
		IF NEW.version = OLD.version THEN
			NEW.version := OLD.version + 1;
		END IF;
	END IF;
	NEW.updated_at := now();
	RETURN NEW;
END
$$;

CREATE TRIGGER reviews_guard BEFORE INSERT OR UPDATE ON reviews
	FOR EACH ROW EXECUTE FUNCTION reviews_guard();

-- Save her working copy w = {scores, comment_applicant,
-- comment_committee, recommendation} (the handler merged her partial
-- save into it and checked it).  A new review starts as a draft; a draft
-- is changed in place; changes to a submitted review wait in
-- revision_draft until she submits them (none when they undo themselves).
-- Nothing is written when nothing changes.
CREATE FUNCTION review_save(app_id bigint, uid bigint, w jsonb)
RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r	reviews;
BEGIN
	SELECT * INTO r FROM reviews
	    WHERE application_id = app_id AND reviewer_id = uid FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO reviews (application_id, reviewer_id, scores,
		    comment_applicant, comment_committee, recommendation)
		VALUES (app_id, uid, coalesce(w -> 'scores', '{}'),
		    w ->> 'comment_applicant', w ->> 'comment_committee',
		    w ->> 'recommendation');
		RETURN;
	END IF;
	IF w IS NOT DISTINCT FROM review_working(r) THEN
		RETURN;
	END IF;
	IF r.status = 'draft' THEN
		UPDATE reviews SET scores = coalesce(w -> 'scores', '{}'),
		    comment_applicant = w ->> 'comment_applicant',
		    comment_committee = w ->> 'comment_committee',
		    recommendation = w ->> 'recommendation'
		WHERE id = r.id;
	ELSE
		UPDATE reviews SET revision_draft = nullif(w, review_copy(r))
		WHERE id = r.id;
	END IF;
END
$$;

-- Submit her working copy: it becomes the review that counts, and a new
-- revision (1, 2, ...) keeps it for good.  A submitted review without
-- changes since has nothing to submit.  At least one criterion must be
-- scored (the handler says so first, with everything else missing).
CREATE FUNCTION review_submit(rid bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r	reviews;
	w	jsonb;
	n	int;
BEGIN
	SELECT * INTO r FROM reviews WHERE id = rid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no review to submit: save it first'
		    USING ERRCODE = 'SN404';
	END IF;
	SELECT count(*) INTO n FROM review_revisions WHERE review_id = rid;
	IF r.status = 'submitted' AND r.revision_draft IS NULL THEN
		RAISE EXCEPTION 'nothing to submit: no changes since revision %', n
		    USING ERRCODE = 'SN409';
	END IF;
	w := review_working(r);
	IF NOT EXISTS (SELECT 1 FROM jsonb_each(w -> 'scores') e
	    WHERE jsonb_typeof(e.value) <> 'null') THEN
		RAISE EXCEPTION 'at least one criterion must be scored'
		    USING ERRCODE = 'SN422', COLUMN = 'scores';
	END IF;

	UPDATE reviews SET scores = w -> 'scores',
	    comment_applicant = w ->> 'comment_applicant',
	    comment_committee = w ->> 'comment_committee',
	    recommendation = w ->> 'recommendation',
	    status = 'submitted', submitted_at = now(), revision_draft = NULL
	WHERE id = rid RETURNING * INTO r;

	INSERT INTO review_revisions (review_id, revision, scores,
	    comment_applicant, comment_committee, recommendation, submitted_at)
	VALUES (rid, n + 1, r.scores, r.comment_applicant, r.comment_committee,
	    r.recommendation, r.submitted_at);
END
$$;

-- Revisions are the record of what each reviewer submitted and when:
-- never changed, never removed.
CREATE FUNCTION review_revisions_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'review revisions are kept as they were submitted'
	    USING ERRCODE = 'SN403';
END
$$;

CREATE TRIGGER review_revisions_immutable BEFORE UPDATE OR DELETE
	ON review_revisions FOR EACH ROW
	EXECUTE FUNCTION review_revisions_immutable();

-- The discussion of an application is for staff and for its reviewers
-- who submitted their own review; it is open while the application is
-- in front of the committee (until the decision).
CREATE FUNCTION discussion_open(status text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT status IN ('eligible', 'in_review', 'reviewed')
$$;

CREATE FUNCTION discussion_posts_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM users u WHERE u.id = NEW.author_id
	    AND u.role IN ('staff', 'admin'))
	    AND NOT EXISTS (SELECT 1 FROM reviews r
		WHERE r.application_id = NEW.application_id
		AND r.reviewer_id = NEW.author_id AND r.status = 'submitted'
		AND (review_assignment(NEW.application_id,
		    NEW.author_id)).no_conflict_at IS NOT NULL) THEN
		RAISE EXCEPTION 'only staff and the reviewers of the application who submitted their review take part in its discussion'
		    USING ERRCODE = 'SN403';
	END IF;
	IF NOT (SELECT discussion_open(a.status) FROM applications a
	    WHERE a.id = NEW.application_id) THEN
		RAISE EXCEPTION 'the discussion of this application is closed'
		    USING ERRCODE = 'SN409';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER discussion_posts_guard BEFORE INSERT ON discussion_posts
	FOR EACH ROW EXECUTE FUNCTION discussion_posts_guard();

-- The blind view of an application: what a reviewer judges, and nothing
-- that says who applied.  Every reviewer-facing answer about an
-- application is built here, so that blindness lives in one place:
-- business content, the ward's name, the call's rubric with its anchors
-- and her assignment.  Never the applicant (her id, name, contact,
-- national ID, birth date, address, household or disability status),
-- her priority claims, documents, screening reason or status history.
-- Budget lines are rebuilt from their two known fields.
CREATE FUNCTION api_blind_application(a applications, uid bigint)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', a.id,
	    'reference', a.reference,
	    'status', a.status,
	    'call', json_build_object(
		'id', c.id,
		'title', json_build_object('vi', c.title_vi, 'en', c.title_en),
		'review_due_at', c.review_due_at,
		'scoring_closed_at', c.scoring_closed_at),
	    'assignment', (SELECT json_build_object('id', s.id,
		'due_at', s.due_at, 'no_conflict_at', s.no_conflict_at)
		FROM assignments s
		WHERE s.application_id = a.id AND s.reviewer_id = uid),
	    'business_name', a.business_name,
	    'stage', a.stage,
	    'stage_label', (SELECT json_build_object('vi', b.label_vi,
		'en', b.label_en) FROM business_stages b WHERE b.code = a.stage),
	    'sector', a.sector,
	    'sector_label', (SELECT json_build_object('vi', x.name_vi,
		'en', x.name_en) FROM sectors x WHERE x.code = a.sector),
	    'ward', w.name_vi,
	    'operating_since', a.operating_since,
	    'registered_on', a.registered_on,
	    'description', a.description,
	    'problem_customers', a.problem_customers,
	    'plan', a.plan,
	    'team_size', a.team_size,
	    'women_employed', a.women_employed,
	    'jobs_planned', a.jobs_planned,
	    'amount_requested_vnd', a.amount_requested_vnd,
	    'budget_lines', (SELECT coalesce(json_agg(json_build_object(
		'item', l.v ->> 'item',
		'amount_vnd', (l.v ->> 'amount_vnd')::bigint) ORDER BY l.n), '[]')
		FROM jsonb_array_elements(a.budget_lines) WITH ORDINALITY l(v, n)),
	    'budget_total_vnd', budget_total(a.budget_lines),
	    'rubric', (SELECT coalesce(json_agg(json_build_object(
		'key', k.key,
		'label', json_build_object('vi', k.label_vi, 'en', k.label_en),
		'max_score', k.max_score,
		'weight', k.weight,
		'anchors', (SELECT coalesce(json_agg(json_build_object(
		    'score', an.score,
		    'text', json_build_object('vi', an.text_vi, 'en', an.text_en))
		    ORDER BY an.score), '[]')
		    FROM criterion_anchors an WHERE an.criterion_id = k.id))
		ORDER BY k.position), '[]')
		FROM call_criteria k WHERE k.call_id = c.id))
	FROM calls c LEFT JOIN wards w ON w.code = a.ward_code
	WHERE c.id = a.call_id
$$;

-- The rubric as the handlers check scores against it.
CREATE FUNCTION review_rubric(cid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT coalesce(json_agg(json_build_object('key', k.key,
	    'max_score', k.max_score, 'weight', k.weight) ORDER BY k.position),
	    '[]')
	FROM call_criteria k WHERE k.call_id = cid
$$;

CREATE FUNCTION review_revisions_json(rid bigint) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object(
	    'revision', v.revision,
	    'scores', v.scores,
	    'comment_applicant', v.comment_applicant,
	    'comment_committee', v.comment_committee,
	    'recommendation', v.recommendation,
	    'submitted_at', v.submitted_at) ORDER BY v.revision), '[]')
	FROM review_revisions v WHERE v.review_id = rid
$$;

-- Her own review: her working copy, whether it has unsubmitted changes,
-- whether she may still change it, and her submitted revisions.  (The
-- handler adds her progress: the running total needs the ranking's
-- arithmetic, in C.)
CREATE FUNCTION api_review_own(r reviews) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', r.id,
	    'application_id', r.application_id,
	    'pseudonym', 'Reviewer ' || r.pseudonym,
	    'reviewer_number', r.pseudonym,
	    'status', r.status,
	    'unsubmitted_changes', r.revision_draft IS NOT NULL,
	    'scores', w -> 'scores',
	    'comment_applicant', w ->> 'comment_applicant',
	    'comment_committee', w ->> 'comment_committee',
	    'recommendation', w ->> 'recommendation',
	    'editable', a.status = 'in_review' AND c.scoring_closed_at IS NULL,
	    'revision', jsonb_array_length(v),
	    'revisions', v,
	    'submitted_at', r.submitted_at,
	    'updated_at', r.updated_at,
	    'version', r.version)
	FROM applications a JOIN calls c ON c.id = a.call_id,
	    LATERAL (SELECT review_working(r) AS w,
		review_revisions_json(r.id) AS v) x
	WHERE a.id = r.application_id
$$;

-- One review in the list of an application's reviews.  Reviewers see
-- the counted reviews (their own among them) under pseudonyms, with both
-- comments; staff see every review, drafts too (their status, not their
-- content), who wrote it, whether it counts, and every revision.
CREATE FUNCTION api_review_item(r reviews, viewer bigint, staff boolean)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'pseudonym', 'Reviewer ' || r.pseudonym,
	    'reviewer_number', r.pseudonym,
	    'mine', r.reviewer_id = viewer,
	    'status', r.status,
	    'scores', CASE WHEN r.status = 'submitted' THEN r.scores END,
	    'comment_applicant', CASE WHEN r.status = 'submitted'
		THEN r.comment_applicant END,
	    'comment_committee', CASE WHEN r.status = 'submitted'
		THEN r.comment_committee END,
	    'recommendation', CASE WHEN r.status = 'submitted'
		THEN r.recommendation END,
	    'revision', (SELECT count(*) FROM review_revisions v
		WHERE v.review_id = r.id),
	    'submitted_at', r.submitted_at)
	|| CASE WHEN staff THEN jsonb_build_object(
	    'reviewer', (SELECT jsonb_build_object('id', u.id,
		'full_name', u.full_name, 'email', u.email)
		FROM users u WHERE u.id = r.reviewer_id),
	    'counted', review_counts(r),
	    'unsubmitted_changes', r.revision_draft IS NOT NULL,
	    'updated_at', r.updated_at,
	    'revisions', review_revisions_json(r.id))
	ELSE '{}' END
$$;

CREATE FUNCTION api_reviews_of(app_id bigint, viewer bigint, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'application_id', a.id,
	    'reference', a.reference,
	    'required', c.reviewers_per_application,
	    'counted', (SELECT count(*) FROM reviews r
		WHERE r.application_id = a.id AND review_counts(r)),
	    'scoring_closed_at', c.scoring_closed_at,
	    'reviews', (SELECT coalesce(json_agg(api_review_item(r, viewer, staff)
		ORDER BY r.pseudonym), '[]')
		FROM reviews r WHERE r.application_id = a.id
		AND (staff OR review_counts(r))))
	FROM applications a JOIN calls c ON c.id = a.call_id
	WHERE a.id = app_id
$$;

-- A post of the discussion: to reviewers its author is a pseudonym
-- ("Reviewer 2") or "Staff"; staff see names.
CREATE FUNCTION api_discussion_post(p discussion_posts, viewer bigint,
    staff boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'id', p.id,
	    'author', CASE WHEN staff THEN u.full_name
		WHEN u.role IN ('staff', 'admin') THEN 'Staff'
		ELSE 'Reviewer ' || r.pseudonym END,
	    'author_kind', CASE WHEN u.role IN ('staff', 'admin')
		THEN 'staff' ELSE 'reviewer' END,
	    'reviewer_number', r.pseudonym,
	    'mine', p.author_id = viewer,
	    'body', p.body,
	    'created_at', p.created_at)
	|| CASE WHEN staff THEN jsonb_build_object('author_id', u.id,
	    'author_role', u.role) ELSE '{}' END
	FROM users u
	LEFT JOIN reviews r ON r.application_id = p.application_id
	    AND r.reviewer_id = p.author_id AND u.role = 'reviewer'
	WHERE u.id = p.author_id
$$;

CREATE FUNCTION api_discussion(app_id bigint, viewer bigint, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'application_id', a.id,
	    'open', discussion_open(a.status),
	    'posts', (SELECT coalesce(json_agg(api_discussion_post(p, viewer,
		staff) ORDER BY p.id), '[]')
		FROM discussion_posts p WHERE p.application_id = a.id))
	FROM applications a WHERE a.id = app_id
$$;

-- Close the scoring of a call under review: no review changes after
-- this; applications in review with at least the call's number of
-- counted reviews move to reviewed, the others stay in review and are
-- listed as incomplete.  The call's row lock makes reviews being written
-- finish first (reviews_guard share-locks it) and later ones see it
-- closed.
CREATE FUNCTION scoring_close(cid bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	calls;
	done	json;
	open_	json;
BEGIN
	SELECT * INTO c FROM calls WHERE id = cid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such call' USING ERRCODE = 'SN404';
	END IF;
	IF c.scoring_closed_at IS NOT NULL THEN
		RAISE EXCEPTION 'scoring of this call is already closed'
		    USING ERRCODE = 'SN409', COLUMN = 'scoring_closed_at';
	END IF;
	IF c.status <> 'reviewing' THEN
		RAISE EXCEPTION 'scoring closes while the call is under review; this call is %',
		    c.status USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;

	UPDATE calls SET scoring_closed_at = now() WHERE id = cid
	    RETURNING * INTO c;

	WITH counts AS (
		SELECT a.id, a.reference, a.business_name,
		    (SELECT count(*) FROM reviews r WHERE r.application_id = a.id
			AND review_counts(r))::int AS n
		FROM applications a
		WHERE a.call_id = cid AND a.status = 'in_review'),
	moved AS (
		UPDATE applications SET status = 'reviewed'
		WHERE id IN (SELECT id FROM counts
		    WHERE n >= c.reviewers_per_application)
		RETURNING id)
	SELECT
	    coalesce(json_agg(json_build_object('id', k.id,
		'reference', k.reference, 'business_name', k.business_name,
		'reviews', k.n) ORDER BY k.id)
		FILTER (WHERE m.id IS NOT NULL), '[]'),
	    coalesce(json_agg(json_build_object('id', k.id,
		'reference', k.reference, 'business_name', k.business_name,
		'reviews', k.n) ORDER BY k.id)
		FILTER (WHERE m.id IS NULL), '[]')
	INTO done, open_
	FROM counts k LEFT JOIN moved m ON m.id = k.id;

	RETURN json_build_object(
	    'call_id', c.id,
	    'scoring_closed_at', c.scoring_closed_at,
	    'required', c.reviewers_per_application,
	    'reviewed', done,
	    'incomplete', open_);
END
$$;

CREATE TRIGGER review_revisions_audit AFTER INSERT ON review_revisions
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER discussion_posts_audit AFTER INSERT ON discussion_posts
	FOR EACH ROW EXECUTE FUNCTION audit_row();

-- ==== committee ====
-- The committee of a call, conflicts of interest, assignments from their
-- proposal to their release, the reviewer's declaration, her queue,
-- overdue reviews and their reminders (app/review/committee*.c).
--
-- Rules kept here as well as in the handlers:
--   * only active reviewer accounts join a committee or get assignments,
--     and only eligible (or in_review) applications are assigned;
--   * a conflict of interest is never updated or deleted, and recording
--     one removes the pair's assignment;
--   * an assignment whose review was submitted is never deleted; deleting
--     one takes its draft review along (it counted for nothing);
--   * a reviewer leaves a committee only while none of her assignments in
--     the call was released and she has no review there: her unreleased
--     assignments (proposals she never saw) go with her;
--   * a declaration is made once: no_conflict_at, once set, stays.

-- Kinds of conflict, as people read them.
CREATE FUNCTION committee_conflict_label(kind text, loc text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE loc WHEN 'en' THEN CASE kind
		WHEN 'family' THEN 'family relationship'
		WHEN 'business' THEN 'business relationship'
		WHEN 'same_household' THEN 'same household'
		ELSE 'other' END
	ELSE CASE kind
		WHEN 'family' THEN 'quan hệ gia đình'
		WHEN 'business' THEN 'quan hệ kinh doanh'
		WHEN 'same_household' THEN 'cùng hộ gia đình'
		ELSE 'lý do khác' END
	END
$$;

-- {name} placeholders of a template filled from vars in one pass, so
-- that a value which itself holds "{…}" (a reason typed by a person) is
-- never expanded; unknown placeholders stay as they are.
CREATE FUNCTION committee_fill(t text, vars jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	out_	text := '';
	i	int;
	j	int;
	k	text;
BEGIN
	LOOP
		i := strpos(t, '{');
		EXIT WHEN i = 0;
		j := strpos(substr(t, i), '}');
		EXIT WHEN j = 0;
		k := substr(t, i + 1, j - 2);
		IF vars ? k THEN
			out_ := out_ || substr(t, 1, i - 1) || coalesce(vars ->> k, '');
		ELSE
			out_ := out_ || substr(t, 1, i + j - 1);
		END IF;
		t := substr(t, i + j);
	END LOOP;
	RETURN out_ || t;
END
$$;

-- A due date as reviewers read it: Hà Nội wall time.
CREATE FUNCTION committee_due_text(t timestamptz, loc text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN t IS NULL THEN
		CASE loc WHEN 'en' THEN 'not set' ELSE 'chưa ấn định' END
	ELSE to_char(t AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY')
	    || CASE loc WHEN 'en' THEN ' (Hà Nội time)' ELSE '' END END
$$;

INSERT INTO message_templates (event, locale, subject, body) VALUES
	('review.assigned', 'vi',
	 'Sen: {n} hồ sơ mới cần chấm — {call}',
	 'Kính gửi {name},' || chr(10) || chr(10) ||
	 'Bạn được giao {n} hồ sơ mới cần chấm trong đợt hỗ trợ "{call}". Hạn chấm: {due}.' || chr(10) || chr(10) ||
	 'Trước khi xem mỗi hồ sơ, bạn cần xác nhận không có xung đột lợi ích với hồ sơ đó, hoặc xin rút nếu có. ' ||
	 'Danh sách hồ sơ ở mục "Hồ sơ cần chấm" trên Sen.'),
	('review.assigned', 'en',
	 'Sen: {n} new applications to review — {call}',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'You have {n} new applications to review in "{call}", by {due}.' || chr(10) || chr(10) ||
	 'Before you read each application, declare that you have no conflict of interest with it, or recuse yourself. ' ||
	 'Your queue is under "My reviews" on Sen.'),
	('review.reminder', 'vi',
	 'Sen: nhắc chấm hồ sơ "{business}" (đã quá hạn)',
	 'Kính gửi {name},' || chr(10) || chr(10) ||
	 'Hồ sơ "{business}" trong đợt hỗ trợ "{call}" đã quá hạn chấm ({due}) mà phiếu chấm của bạn chưa được nộp. ' ||
	 'Xin hãy hoàn thành và nộp phiếu chấm trên Sen, hoặc báo cho cán bộ nếu bạn không thể chấm hồ sơ này.'),
	('review.reminder', 'en',
	 'Sen: reminder — "{business}" is overdue',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'Your review of "{business}" in "{call}" was due by {due} and has not been submitted. ' ||
	 'Please complete and submit it on Sen, or tell the staff if you cannot review this application.'),
	('review.recusal', 'vi',
	 'Sen: {reviewer} xin rút khỏi hồ sơ {reference}',
	 'Thành viên hội đồng {reviewer} đã khai báo xung đột lợi ích ({type}) với hồ sơ {reference} ("{business}") ' ||
	 'của đợt hỗ trợ "{call}" và sẽ không chấm hồ sơ này.' || chr(10) || chr(10) ||
	 'Lý do: {reason}' || chr(10) || chr(10) ||
	 'Hồ sơ còn {have}/{need} người chấm. Hãy phân công người khác; phân công tự động sẽ không bao giờ giao lại hồ sơ này cho {reviewer}.'),
	('review.recusal', 'en',
	 'Sen: {reviewer} recused from application {reference}',
	 'Committee member {reviewer} declared a conflict of interest ({type}) with application {reference} ("{business}") ' ||
	 'in "{call}" and will not review it.' || chr(10) || chr(10) ||
	 'Reason: {reason}' || chr(10) || chr(10) ||
	 'The application now has {have} of {need} reviewers. Assign someone else; automatic assignment will never give it to {reviewer} again.');

-- Once scoring is closed, or the call decided, its committee and
-- assignments stay as they were: the reason, or NULL while open.
CREATE FUNCTION committee_frozen(c calls) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE
	WHEN c.status IN ('decided', 'archived') THEN
		'The call is ' || c.status || ': its committee and assignments can no longer change'
	WHEN c.scoring_closed_at IS NOT NULL THEN
		'Scoring of this call is closed: its committee and assignments can no longer change'
	END
$$;

-- The committee's ETag: a digest of who is on it, so that two members of
-- staff editing it at once cannot overwrite each other (If-Match), and
-- a committee changed and changed back is the same committee.  From 1 to
-- 2 000 000 000, within what api_if_match() reads.
CREATE FUNCTION committee_version(cid bigint) RETURNS int
LANGUAGE sql STABLE AS $$
	SELECT (('x' || substr(md5(coalesce(string_agg(reviewer_id::text, ','
	    ORDER BY reviewer_id), '')), 1, 8))::bit(32)::bigint
	    % 2000000000 + 1)::int
	FROM call_reviewers WHERE call_id = cid
$$;

-- Only active reviewer accounts join a committee.
CREATE FUNCTION call_reviewers_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		-- Already a member (ON CONFLICT DO NOTHING will keep her).
		IF EXISTS (SELECT 1 FROM call_reviewers WHERE call_id = NEW.call_id
		    AND reviewer_id = NEW.reviewer_id) THEN
			RETURN NEW;
		END IF;
		IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.reviewer_id
		    AND role = 'reviewer' AND disabled_at IS NULL) THEN
			RAISE EXCEPTION 'only an active reviewer account can join a committee'
			    USING ERRCODE = 'SN422', COLUMN = 'reviewer_ids';
		END IF;
		RETURN NEW;
	END IF;
	IF EXISTS (SELECT 1 FROM assignments WHERE call_id = OLD.call_id
	    AND reviewer_id = OLD.reviewer_id AND released_at IS NOT NULL)
	    OR EXISTS (SELECT 1 FROM reviews r JOIN applications a
		ON a.id = r.application_id WHERE a.call_id = OLD.call_id
		AND r.reviewer_id = OLD.reviewer_id) THEN
		RAISE EXCEPTION 'a reviewer whose assignments were released cannot leave the committee'
		    USING ERRCODE = 'SN409', COLUMN = 'reviewer_ids';
	END IF;
	DELETE FROM assignments WHERE call_id = OLD.call_id
	    AND reviewer_id = OLD.reviewer_id;
	RETURN OLD;
END
$$;

CREATE TRIGGER call_reviewers_guard BEFORE INSERT OR DELETE ON call_reviewers
	FOR EACH ROW EXECUTE FUNCTION call_reviewers_guard();

-- Conflicts are history: never changed, never deleted.
CREATE FUNCTION conflicts_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'a conflict of interest is never changed or deleted'
	    USING ERRCODE = 'SN409';
END
$$;

CREATE TRIGGER conflicts_immutable BEFORE UPDATE OR DELETE ON conflicts
	FOR EACH ROW EXECUTE FUNCTION conflicts_immutable();
CREATE TRIGGER conflicts_no_truncate BEFORE TRUNCATE ON conflicts
	FOR EACH STATEMENT EXECUTE FUNCTION conflicts_immutable();

-- A conflict removes the pair's assignment and draft review.  When her
-- review was already submitted, both stay as history and the review
-- simply stops counting (review_counts excludes conflicted reviewers).
CREATE FUNCTION conflicts_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT committee_review_submitted(NEW.application_id, NEW.reviewer_id) THEN
		DELETE FROM assignments WHERE application_id = NEW.application_id
		    AND reviewer_id = NEW.reviewer_id;
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER conflicts_apply AFTER INSERT ON conflicts
	FOR EACH ROW EXECUTE FUNCTION conflicts_apply();

CREATE INDEX conflicts_reviewer_idx ON conflicts (reviewer_id);

-- More of who may be assigned: an active reviewer, an application that
-- is eligible or in review (checked when the pair is made).
CREATE FUNCTION assignments_guard_more() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.reviewer_id
	    AND role = 'reviewer' AND disabled_at IS NULL) THEN
		RAISE EXCEPTION 'only an active reviewer account can be assigned'
		    USING ERRCODE = 'SN422', COLUMN = 'reviewer_id';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM applications WHERE id = NEW.application_id
	    AND status IN ('eligible', 'in_review')) THEN
		RAISE EXCEPTION 'only an eligible application can be assigned'
		    USING ERRCODE = 'SN422', COLUMN = 'application_id';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER assignments_guard_more BEFORE INSERT OR UPDATE OF
	application_id, reviewer_id ON assignments
	FOR EACH ROW EXECUTE FUNCTION assignments_guard_more();

-- Released stays released, a declaration is final.
CREATE FUNCTION assignments_update_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF OLD.released_at IS NOT NULL AND NEW.released_at IS DISTINCT FROM OLD.released_at THEN
		RAISE EXCEPTION 'a released assignment stays released'
		    USING ERRCODE = 'SN409', COLUMN = 'released_at';
	END IF;
	IF OLD.no_conflict_at IS NOT NULL AND NEW.no_conflict_at IS DISTINCT FROM OLD.no_conflict_at THEN
		RAISE EXCEPTION 'the declaration for this assignment has already been made'
		    USING ERRCODE = 'SN409', COLUMN = 'conflict';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER assignments_update_guard BEFORE UPDATE ON assignments
	FOR EACH ROW EXECUTE FUNCTION assignments_update_guard();

ALTER TABLE assignments
	ADD CONSTRAINT assignments_no_conflict_at_check
	    CHECK (no_conflict_at IS NULL OR released_at IS NOT NULL),
	ADD CONSTRAINT assignments_due_at_check
	    CHECK (due_at IS NULL OR released_at IS NOT NULL);

-- A review is submitted when it has been at least once (a revision kept).
CREATE FUNCTION committee_review_submitted(app bigint, rev bigint)
RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM reviews r WHERE r.application_id = app
	    AND r.reviewer_id = rev AND (r.status = 'submitted'
	    OR r.submitted_at IS NOT NULL OR EXISTS (SELECT 1
		FROM review_revisions v WHERE v.review_id = r.id)))
$$;

-- An assignment whose review was submitted stays (the review counts in
-- the ranking); deleting another takes its draft review along.
CREATE FUNCTION assignments_delete_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF committee_review_submitted(OLD.application_id, OLD.reviewer_id) THEN
		RAISE EXCEPTION 'the reviewer has submitted her review of this application: the assignment stays'
		    USING ERRCODE = 'SN409', COLUMN = 'assignment';
	END IF;
	DELETE FROM reviews WHERE application_id = OLD.application_id
	    AND reviewer_id = OLD.reviewer_id;
	RETURN OLD;
END
$$;

CREATE TRIGGER assignments_delete_guard BEFORE DELETE ON assignments
	FOR EACH ROW EXECUTE FUNCTION assignments_delete_guard();

CREATE INDEX assignments_due_idx ON assignments (due_at)
	WHERE released_at IS NOT NULL;

-- The status of the reviewer's review of an application.
CREATE FUNCTION committee_review_status(r reviews) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN r.id IS NULL THEN 'none' ELSE r.status END
$$;

-- The committee of a call, as staff see it.
CREATE FUNCTION api_committee(cid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'call_id', cid,
	    'version', committee_version(cid),
	    'items', coalesce((SELECT json_agg(json_build_object(
		'id', u.id,
		'full_name', u.full_name,
		'email', u.email,
		'locale', u.locale,
		'disabled', u.disabled_at IS NOT NULL,
		'added_at', call_time_utc(cr.added_at),
		'added_by', cr.added_by,
		'assignments', (SELECT count(*) FROM assignments a
		    WHERE a.call_id = cid AND a.reviewer_id = u.id),
		'released', (SELECT count(*) FROM assignments a
		    WHERE a.call_id = cid AND a.reviewer_id = u.id
		    AND a.released_at IS NOT NULL),
		'reviews_submitted', (SELECT count(*) FROM reviews r
		    JOIN applications ap ON ap.id = r.application_id
		    WHERE ap.call_id = cid AND r.reviewer_id = u.id
		    AND r.status = 'submitted'))
		ORDER BY u.full_name COLLATE sen_vi, u.id)
		FROM call_reviewers cr JOIN users u ON u.id = cr.reviewer_id
		WHERE cr.call_id = cid), '[]'))
$$;

-- A conflict of interest, as staff see it.
CREATE FUNCTION api_conflict(x conflicts) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', x.id,
	    'application_id', x.application_id,
	    'reference', a.reference,
	    'business_name', a.business_name,
	    'reviewer', json_build_object('id', r.id, 'full_name', r.full_name),
	    'type', x.type,
	    'type_label', json_build_object(
		'vi', committee_conflict_label(x.type, 'vi'),
		'en', committee_conflict_label(x.type, 'en')),
	    'reason', x.reason,
	    'source', CASE WHEN x.declared_by = x.reviewer_id
		THEN 'recusal' ELSE 'staff' END,
	    'declared_by', json_build_object('id', d.id,
		'full_name', d.full_name, 'role', d.role),
	    'declared_at', call_time_utc(x.declared_at))
	FROM applications a, users r, users d
	WHERE a.id = x.application_id AND r.id = x.reviewer_id
	  AND d.id = x.declared_by
$$;

-- An assignment, as staff see it, from its row and those it joins (no
-- query of its own, so that a list of thousands is one join).
CREATE FUNCTION committee_assignment_json(x assignments, a applications,
    u users, r reviews) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', x.id,
	    'call_id', x.call_id,
	    'application_id', x.application_id,
	    'reference', a.reference,
	    'business_name', a.business_name,
	    'application_status', a.status,
	    'reviewer', json_build_object('id', u.id, 'full_name', u.full_name,
		'disabled', u.disabled_at IS NOT NULL),
	    'source', x.source,
	    'created_at', call_time_utc(x.created_at),
	    'created_by', x.created_by,
	    'released', x.released_at IS NOT NULL,
	    'released_at', call_time_utc(x.released_at),
	    'declared', x.no_conflict_at IS NOT NULL,
	    'no_conflict_at', call_time_utc(x.no_conflict_at),
	    'due_at', call_time_utc(x.due_at),
	    'overdue', x.due_at < now() AND committee_review_status(r) <> 'submitted',
	    'last_reminder_at', call_time_utc(x.last_reminder_at),
	    'review_status', committee_review_status(r))
$$;

CREATE FUNCTION api_assignment(x assignments) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT committee_assignment_json(x, a, u, r)
	FROM applications a
	JOIN users u ON u.id = x.reviewer_id
	LEFT JOIN reviews r ON r.application_id = x.application_id
	    AND r.reviewer_id = x.reviewer_id
	WHERE a.id = x.application_id
$$;

-- The assignments of a call (optionally of one application or one
-- reviewer), and how far its eligible applications are covered.
CREATE FUNCTION api_assignments(cid bigint, app bigint, rev bigint)
RETURNS json
LANGUAGE sql STABLE AS $$
	WITH apps AS (
		SELECT ap.id, (SELECT count(*) FROM assignments x
		    WHERE x.application_id = ap.id AND x.call_id = cid) AS n
		FROM applications ap
		WHERE ap.call_id = cid AND ap.status IN ('eligible', 'in_review'))
	SELECT json_build_object(
	    'call_id', c.id,
	    'reviewers_per_application', c.reviewers_per_application,
	    'review_due_at', call_time_utc(c.review_due_at),
	    'assignments_released_at', call_time_utc(c.assignments_released_at),
	    'summary', json_build_object(
		'applications', (SELECT count(*) FROM apps),
		'applications_short', (SELECT count(*) FROM apps
		    WHERE n < c.reviewers_per_application),
		'assignments', (SELECT count(*) FROM assignments x
		    WHERE x.call_id = cid),
		'released', (SELECT count(*) FROM assignments x
		    WHERE x.call_id = cid AND x.released_at IS NOT NULL),
		'unreleased', (SELECT count(*) FROM assignments x
		    WHERE x.call_id = cid AND x.released_at IS NULL)),
	    'items', coalesce((SELECT json_agg(committee_assignment_json(x, a, u, r)
		ORDER BY x.application_id, x.reviewer_id)
		FROM assignments x
		JOIN applications a ON a.id = x.application_id
		JOIN users u ON u.id = x.reviewer_id
		LEFT JOIN reviews r ON r.application_id = x.application_id
		    AND r.reviewer_id = x.reviewer_id
		WHERE x.call_id = cid
		  AND (app IS NULL OR x.application_id = app)
		  AND (rev IS NULL OR x.reviewer_id = rev)), '[]'))
	FROM calls c WHERE c.id = cid
$$;

-- Release the call's proposed assignments: reviewers see them from now
-- on, due by the call's review_due_at, and each reviewer with new work
-- gets one message (e-mail, in her language).  The caller has locked the
-- call and checked that it is open and has a due date ahead.
CREATE FUNCTION committee_release(cid bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	calls;
	out_	json;
BEGIN
	SELECT * INTO c FROM calls WHERE id = cid;

	WITH rel AS (
		UPDATE assignments SET released_at = now(), due_at = c.review_due_at
		WHERE call_id = cid AND released_at IS NULL
		RETURNING id, reviewer_id),
	per AS (
		SELECT reviewer_id, count(*) AS n, max(id) AS last
		FROM rel GROUP BY reviewer_id),
	msg AS (
		INSERT INTO outbox (user_id, channel, recipient, locale, event,
		    subject, body, dedupe_key)
		SELECT u.id, 'email', u.email, u.locale, 'review.assigned',
		    committee_fill(t.subject, v.vars),
		    committee_fill(t.body, v.vars),
		    format('assignments_released:%s:%s:%s', cid, u.id, per.last)
		FROM per
		JOIN users u ON u.id = per.reviewer_id
		JOIN message_templates t ON t.event = 'review.assigned'
		    AND t.locale = u.locale
		CROSS JOIN LATERAL (SELECT jsonb_build_object(
		    'name', u.full_name, 'n', per.n,
		    'call', CASE u.locale WHEN 'en' THEN c.title_en ELSE c.title_vi END,
		    'due', committee_due_text(c.review_due_at, u.locale)) AS vars) v
		WHERE u.disabled_at IS NULL
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING user_id)
	SELECT json_build_object(
	    'call_id', cid,
	    'released', (SELECT coalesce(sum(n), 0) FROM per),
	    'due_at', call_time_utc(c.review_due_at),
	    'due_at_local', call_time_local(c.review_due_at),
	    'messages', (SELECT count(*) FROM msg),
	    'reviewers', (SELECT coalesce(json_agg(json_build_object(
		'id', u.id, 'full_name', u.full_name, 'released', per.n)
		ORDER BY u.full_name COLLATE sen_vi, u.id), '[]')
		FROM per JOIN users u ON u.id = per.reviewer_id))
	INTO out_;

	IF (out_ ->> 'released')::int > 0 THEN
		UPDATE calls SET assignments_released_at = now() WHERE id = cid;
	END IF;
	RETURN out_;
END
$$;

-- The reviewer's declaration on her own released assignment: no
-- conflict, or a recusal (a conflicts row declared by her, which removes
-- the assignment, and a message to every active member of staff).
CREATE FUNCTION committee_declare(aid bigint, uid bigint, has_conflict boolean,
    kind text, why text) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	x	assignments;
	c	calls;
	ap	applications;
	me	users;
	cid	bigint;
	xid	bigint;
	have	int;
	sent	int;
BEGIN
	-- The call first, as every write to its assignments does.
	SELECT call_id INTO cid FROM assignments
	    WHERE id = aid AND reviewer_id = uid AND released_at IS NOT NULL;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such assignment' USING ERRCODE = 'SN404';
	END IF;
	SELECT * INTO c FROM calls WHERE id = cid FOR UPDATE;
	SELECT * INTO x FROM assignments
	    WHERE id = aid AND reviewer_id = uid AND released_at IS NOT NULL
	    FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'No such assignment' USING ERRCODE = 'SN404';
	END IF;
	IF x.no_conflict_at IS NOT NULL THEN
		RAISE EXCEPTION 'You have already declared that you have no conflict of interest with this application'
		    USING ERRCODE = 'SN409', COLUMN = 'conflict';
	END IF;

	IF NOT has_conflict THEN
		UPDATE assignments SET no_conflict_at = now() WHERE id = aid
		    RETURNING * INTO x;
		RETURN json_build_object(
		    'assignment_id', x.id,
		    'application_id', x.application_id,
		    'declaration', 'no_conflict',
		    'declared_at', call_time_utc(x.no_conflict_at));
	END IF;

	INSERT INTO conflicts (application_id, reviewer_id, type, reason,
	    declared_by)
	VALUES (x.application_id, uid, kind, btrim(why), uid)
	RETURNING id INTO xid;

	SELECT * INTO ap FROM applications WHERE id = x.application_id;
	SELECT * INTO me FROM users WHERE id = uid;
	SELECT count(*) INTO have FROM assignments
	    WHERE application_id = x.application_id;

	WITH msg AS (
		INSERT INTO outbox (user_id, channel, recipient, locale, event,
		    subject, body, dedupe_key)
		SELECT s.id, 'email', s.email, s.locale, 'review.recusal',
		    committee_fill(t.subject, v.vars),
		    committee_fill(t.body, v.vars),
		    format('recusal:%s:%s', aid, s.id)
		FROM users s
		JOIN message_templates t ON t.event = 'review.recusal'
		    AND t.locale = s.locale
		CROSS JOIN LATERAL (SELECT jsonb_build_object(
		    'reviewer', me.full_name,
		    'reference', ap.reference,
		    'business', ap.business_name,
		    'call', CASE s.locale WHEN 'en' THEN c.title_en ELSE c.title_vi END,
		    'type', committee_conflict_label(kind, s.locale),
		    'reason', btrim(why),
		    'have', have,
		    'need', c.reviewers_per_application) AS vars) v
		WHERE s.role = 'staff' AND s.disabled_at IS NULL
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING 1)
	SELECT count(*) INTO sent FROM msg;

	RETURN json_build_object(
	    'assignment_id', aid,
	    'application_id', x.application_id,
	    'declaration', 'recused',
	    'conflict', (SELECT api_conflict(k) FROM conflicts k WHERE k.id = xid),
	    'staff_notified', sent);
END
$$;

-- The reviewer's queue: her released assignments with the blind
-- business content needed to recognise a conflict (never the
-- applicant's name, contact details or anything personal).
CREATE FUNCTION api_review_queue(uid bigint, loc text) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH q AS (
		SELECT x.*, ap.business_name, ap.stage, ap.sector, c.title_vi,
		    c.title_en, c.scoring_closed_at, committee_review_status(r) AS rs
		FROM assignments x
		JOIN applications ap ON ap.id = x.application_id
		JOIN calls c ON c.id = x.call_id
		LEFT JOIN reviews r ON r.application_id = x.application_id
		    AND r.reviewer_id = x.reviewer_id
		WHERE x.reviewer_id = uid AND x.released_at IS NOT NULL)
	SELECT json_build_object(
	    'summary', json_build_object(
		'total', (SELECT count(*) FROM q),
		'to_declare', (SELECT count(*) FROM q WHERE no_conflict_at IS NULL),
		'to_review', (SELECT count(*) FROM q WHERE rs <> 'submitted'),
		'submitted', (SELECT count(*) FROM q WHERE rs = 'submitted'),
		'overdue', (SELECT count(*) FROM q
		    WHERE due_at < now() AND rs <> 'submitted')),
	    'items', coalesce((SELECT json_agg(json_build_object(
		'assignment_id', q.id,
		'application_id', q.application_id,
		'business_name', q.business_name,
		'stage', q.stage,
		'sector', q.sector,
		'call', json_build_object('id', q.call_id, 'title',
		    CASE loc WHEN 'en' THEN q.title_en ELSE q.title_vi END),
		'released_at', call_time_utc(q.released_at),
		'due_at', call_time_utc(q.due_at),
		'due_at_local', call_time_local(q.due_at),
		'overdue', q.due_at < now() AND q.rs <> 'submitted',
		'declaration', CASE WHEN q.no_conflict_at IS NULL
		    THEN 'pending' ELSE 'no_conflict' END,
		'declared_at', call_time_utc(q.no_conflict_at),
		'review_status', q.rs,
		'scoring_open', q.scoring_closed_at IS NULL)
		ORDER BY q.rs = 'submitted', q.due_at, q.id) FROM q), '[]'))
$$;

-- Released assignments past due without a submitted review.
CREATE FUNCTION api_overdue(cid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'call_id', cid,
	    'items', coalesce((SELECT json_agg(json_build_object(
		'assignment_id', x.id,
		'application_id', x.application_id,
		'reference', ap.reference,
		'business_name', ap.business_name,
		'reviewer', json_build_object('id', u.id,
		    'full_name', u.full_name, 'email', u.email),
		'due_at', call_time_utc(x.due_at),
		'days_overdue', applications_today()
		    - (x.due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
		'declared', x.no_conflict_at IS NOT NULL,
		'review_status', committee_review_status(r),
		'last_reminder_at', call_time_utc(x.last_reminder_at))
		ORDER BY x.due_at, u.full_name COLLATE sen_vi, x.id)
		FROM assignments x
		JOIN applications ap ON ap.id = x.application_id
		JOIN users u ON u.id = x.reviewer_id
		LEFT JOIN reviews r ON r.application_id = x.application_id
		    AND r.reviewer_id = x.reviewer_id
		WHERE x.call_id = cid AND x.released_at IS NOT NULL
		  AND x.due_at < now()
		  AND coalesce(r.status, 'none') <> 'submitted'), '[]'))
$$;

-- Reminders of overdue reviews: one message per overdue assignment per
-- Hà Nội day (the dedupe key holds the date), in the reviewer's
-- language, and last_reminder_at on the assignments reminded.  The
-- housekeeping of the first worker calls it every 15 minutes
-- (app/core/housekeeping.c); calling it again the same day queues
-- nothing new.  Calls whose scoring is closed are left alone: nobody can
-- submit any more.  Returns the number of messages queued.
CREATE FUNCTION review_reminders() RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
	n	int;
BEGIN
	IF coalesce(current_setting('sen.action', true), '') = '' THEN
		PERFORM set_config('sen.action', 'reviews.remind', true);
	END IF;

	WITH due AS (
		SELECT x.id, x.due_at, u.id AS uid, u.email, u.locale,
		    u.full_name, ap.business_name, c.title_vi, c.title_en
		FROM assignments x
		JOIN users u ON u.id = x.reviewer_id
		JOIN applications ap ON ap.id = x.application_id
		JOIN calls c ON c.id = x.call_id
		LEFT JOIN reviews r ON r.application_id = x.application_id
		    AND r.reviewer_id = x.reviewer_id
		WHERE x.released_at IS NOT NULL AND x.due_at < now()
		  AND coalesce(r.status, 'none') <> 'submitted'
		  AND u.disabled_at IS NULL
		  AND committee_frozen(c) IS NULL),
	msg AS (
		INSERT INTO outbox (user_id, channel, recipient, locale, event,
		    subject, body, dedupe_key)
		SELECT d.uid, 'email', d.email, d.locale, 'review.reminder',
		    committee_fill(t.subject, v.vars),
		    committee_fill(t.body, v.vars),
		    format('review_reminder:%s:%s', d.id,
			to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD'))
		FROM due d
		JOIN message_templates t ON t.event = 'review.reminder'
		    AND t.locale = d.locale
		CROSS JOIN LATERAL (SELECT jsonb_build_object(
		    'name', d.full_name,
		    'business', d.business_name,
		    'call', CASE d.locale WHEN 'en' THEN d.title_en ELSE d.title_vi END,
		    'due', committee_due_text(d.due_at, d.locale)) AS vars) v
		ON CONFLICT (dedupe_key) DO NOTHING
		RETURNING dedupe_key),
	upd AS (
		UPDATE assignments x SET last_reminder_at = now()
		FROM msg WHERE x.id = split_part(msg.dedupe_key, ':', 2)::bigint
		RETURNING x.id)
	SELECT count(*) INTO n FROM upd;

	RETURN n;
END
$$;
