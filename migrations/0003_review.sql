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
