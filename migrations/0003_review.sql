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
	UNIQUE (application_id, reviewer_id),
	CONSTRAINT reviews_submitted_complete_check CHECK (status = 'draft'
	    OR (submitted_at IS NOT NULL AND recommendation IS NOT NULL))
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
