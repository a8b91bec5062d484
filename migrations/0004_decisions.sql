-- 0004 Decisions: funding decisions within the call's budget, released
-- together, awards paid in tranches, and what may change afterwards.
--
-- Staff decide each reviewed application (funded, waitlisted or rejected)
-- with a rationale, beside the allocation proposal the server computed
-- from the ranking (app/decisions/, app/lib/allocation.c); a decision
-- that departs from the proposal says why.  Decisions stay pending, seen
-- by nobody but staff, until staff release them together: then the
-- applications move, each applicant gets her letter (outbox), and every
-- funded one gets an award with its tranche schedule.
--
-- The rules that protect public money hold here whoever writes:
--   * the money committed in a call never exceeds calls.budget_vnd:
--     pending funded decisions, active awards, and what was paid of
--     awards that ended.  Every write that can raise it locks the call's
--     row (FOR NO KEY UPDATE) and then sums, so two writers at once take
--     turns and the second sees the first (decision_budget_check);
--   * a released decision changes only through a recorded reversal with
--     its reason (decision_reversals); a reversed one never changes;
--   * payments never exceed their tranche (the tranche's row is locked,
--     then summed), the tranches of an award sum to the award, a paid
--     tranche keeps its amount and gate, and a later tranche is paid only
--     once its gate is open: the follow-up check-in that gates it was
--     approved (checkin_approved, migrations/0006) or, for a tranche
--     without one, staff approved it;
--   * a reconsideration is asked once per application, by her, within
--     the call's window after the release, of a decision not to fund.
--
-- Freed money (an award declined or revoked) is offered to the waitlist
-- by the proposal's rules; that needs the ranking, computed in C, which
-- then calls decision_promote() for each offer.
--
-- This file runs before 0006_followup.sql on a new database: what it
-- uses of the follow-up (businesses, followup_schedule, checkin_approved)
-- is only looked up when the functions run.

-- ==== settings of a call ====

-- A tranche schedule: 1 to 10 percentages, each 1..100, summing to 100.
CREATE FUNCTION decision_pcts_valid(p int[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT p IS NOT NULL AND array_ndims(p) = 1 AND array_lower(p, 1) = 1
	    AND cardinality(p) BETWEEN 1 AND 10
	    AND NOT EXISTS (SELECT 1 FROM unnest(p) x
		WHERE x IS NULL OR x NOT BETWEEN 1 AND 100)
	    AND (SELECT sum(x) FROM unnest(p) x) = 100
$$;

-- The check-in (its number in the follow-up schedule, 1..12) that opens
-- each tranche after the first, or NULL: staff approve that tranche.
CREATE FUNCTION decision_gates_valid(g int[], p int[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT g IS NOT NULL AND cardinality(g) = cardinality(p) - 1
	    AND (cardinality(g) = 0 OR (array_ndims(g) = 1
		AND array_lower(g, 1) = 1))
	    AND NOT EXISTS (SELECT 1 FROM unnest(g) x WHERE x NOT BETWEEN 1 AND 12)
$$;

ALTER TABLE calls
	-- Below this merit (0..100 points) an application is not funded.
	ADD COLUMN min_merit int NOT NULL DEFAULT 0
	    CONSTRAINT calls_min_merit_check CHECK (min_merit BETWEEN 0 AND 100),
	-- Days after the release within which she may ask once for a
	-- reconsideration of a decision not to fund her.
	ADD COLUMN reconsideration_days int NOT NULL DEFAULT 14
	    CONSTRAINT calls_reconsideration_days_check
	    CHECK (reconsideration_days BETWEEN 1 AND 90),
	-- The default tranches of an award, as percentages, and the check-in
	-- that gates each later one (the baseline is 1, then 3, 6, 12, 24
	-- months by default: tranche 2 after the 3-month check-in, tranche 3
	-- after the 6-month one).  Awards copy them when they are made.
	ADD COLUMN tranche_pcts int[] NOT NULL DEFAULT '{50,30,20}'
	    CONSTRAINT calls_tranche_pcts_check
	    CHECK (decision_pcts_valid(tranche_pcts)),
	ADD COLUMN tranche_gates int[] NOT NULL DEFAULT '{2,3}',
	ADD CONSTRAINT calls_tranche_gates_check
	    CHECK (decision_gates_valid(tranche_gates, tranche_pcts));

-- ==== the status machine ====

-- What decisions add to an application's moves: she declines her award
-- (funded or in follow-up, nothing paid: withdrawn), staff revoke one
-- (closed), a reversal or a reconsideration changes a decision not to
-- fund (waitlisted ⇄ rejected, rejected → funded).
INSERT INTO application_transitions (from_status, to_status) VALUES
	('funded', 'withdrawn'), ('in_followup', 'withdrawn'),
	('funded', 'closed'),
	('waitlisted', 'rejected'), ('rejected', 'waitlisted'),
	('rejected', 'funded');

-- ==== tables ====

-- A decision on an application.  source: staff (recorded pending, then
-- released with the others), promotion (freed money offered to the next
-- on the waitlist), reversal or reconsideration (replacing a released
-- decision); the last three are released when made.  The proposal is
-- kept beside a staff decision: its outcome (funded, waitlisted,
-- below_minimum, excluded), amount, reason and rank.  One current
-- decision per application: the others were reversed.
CREATE TABLE decisions (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id		bigint NOT NULL REFERENCES applications (id),
	call_id			bigint NOT NULL REFERENCES calls (id),
	outcome			text NOT NULL CHECK (outcome IN
				    ('funded', 'waitlisted', 'rejected')),
	amount_vnd		bigint,
	rationale		text NOT NULL,
	departure_reason	text,
	source			text NOT NULL DEFAULT 'staff' CHECK (source IN
				    ('staff', 'promotion', 'reversal', 'reconsideration')),
	replaces_id		bigint REFERENCES decisions (id),
	proposed_outcome	text CHECK (proposed_outcome IN ('funded',
				    'waitlisted', 'below_minimum', 'excluded')),
	proposed_amount_vnd	bigint CHECK (proposed_amount_vnd > 0),
	proposal_reason		text CHECK (length(proposal_reason) <= 500),
	rank			int CHECK (rank >= 1),
	status			text NOT NULL DEFAULT 'pending' CHECK (status IN
				    ('pending', 'released', 'reversed')),
	decided_by		bigint REFERENCES users (id),
	decided_at		timestamptz NOT NULL DEFAULT now(),
	released_by		bigint REFERENCES users (id),
	released_at		timestamptz,
	-- She may ask for a reconsideration until then (not funded only).
	reconsider_until	timestamptz,
	reversed_at		timestamptz,
	version			int NOT NULL DEFAULT 1,
	CONSTRAINT decisions_amount_vnd_check CHECK ((outcome = 'funded') =
	    (amount_vnd IS NOT NULL) AND (amount_vnd IS NULL OR amount_vnd > 0)),
	CONSTRAINT decisions_rationale_check CHECK (
	    length(btrim(rationale)) BETWEEN 1 AND 4000),
	CONSTRAINT decisions_departure_reason_check CHECK (
	    departure_reason IS NULL
	    OR length(btrim(departure_reason)) BETWEEN 1 AND 2000),
	-- A staff decision is made beside the proposal, and says why when it
	-- departs from it (decision_departs below).
	CONSTRAINT decisions_proposal_check CHECK (source <> 'staff'
	    OR proposed_outcome IS NOT NULL),
	CONSTRAINT decisions_departure_check CHECK (source <> 'staff'
	    OR departure_reason IS NOT NULL OR (CASE outcome
		WHEN 'funded' THEN proposed_outcome = 'funded'
		    AND amount_vnd = proposed_amount_vnd
		WHEN 'waitlisted' THEN proposed_outcome = 'waitlisted'
		ELSE proposed_outcome IN ('below_minimum', 'excluded') END)),
	-- Only promotions are made by the rules rather than by a person.
	CONSTRAINT decisions_decided_by_check CHECK (source = 'promotion'
	    OR decided_by IS NOT NULL),
	CONSTRAINT decisions_replaces_id_check CHECK ((source = 'staff') =
	    (replaces_id IS NULL)),
	CONSTRAINT decisions_released_at_check CHECK ((status = 'pending') =
	    (released_at IS NULL)),
	CONSTRAINT decisions_reversed_at_check CHECK ((status = 'reversed') =
	    (reversed_at IS NOT NULL)),
	CONSTRAINT decisions_reconsider_until_check CHECK (
	    reconsider_until IS NULL OR (released_at IS NOT NULL
	    AND outcome <> 'funded' AND reconsider_until > released_at))
);

CREATE UNIQUE INDEX decisions_current_idx ON decisions (application_id)
	WHERE status <> 'reversed';
CREATE INDEX decisions_call_idx ON decisions (call_id, status);

-- Why a released decision was replaced, by whom, when.  Never changed.
CREATE TABLE decision_reversals (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	decision_id	bigint NOT NULL UNIQUE REFERENCES decisions (id),
	kind		text NOT NULL CHECK (kind IN
			    ('reversal', 'promotion', 'reconsideration')),
	reason		text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
	reversed_by	bigint REFERENCES users (id),
	reversed_at	timestamptz NOT NULL DEFAULT now()
);

-- The letter of a released decision, as queued to her (her language).
CREATE TABLE decision_letters (
	decision_id	bigint PRIMARY KEY REFERENCES decisions (id),
	locale		text NOT NULL CHECK (locale IN ('vi', 'en')),
	subject		text NOT NULL,
	body		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- An award: the money of a released funded decision.  It ends when she
-- declines it (nothing paid yet) or staff revoke it; what was paid of an
-- ended award stays spent.
CREATE TABLE awards (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	decision_id	bigint NOT NULL UNIQUE REFERENCES decisions (id),
	application_id	bigint NOT NULL REFERENCES applications (id),
	call_id		bigint NOT NULL REFERENCES calls (id),
	amount_vnd	bigint NOT NULL CHECK (amount_vnd > 0),
	status		text NOT NULL DEFAULT 'active' CHECK (status IN
			    ('active', 'declined', 'revoked')),
	ended_reason	text CHECK (length(btrim(ended_reason)) BETWEEN 1 AND 2000),
	ended_by	bigint REFERENCES users (id),
	ended_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	version		int NOT NULL DEFAULT 1,
	CONSTRAINT awards_ended_check CHECK ((status = 'active') =
	    (ended_at IS NULL) AND (ended_at IS NULL) = (ended_reason IS NULL))
);

CREATE UNIQUE INDEX awards_active_idx ON awards (application_id)
	WHERE status = 'active';
CREATE INDEX awards_call_idx ON awards (call_id, id);

-- The tranches of an award, numbered from 1.  The first is paid once the
-- award is made; a later one opens when the check-in gate_checkin of the
-- business's follow-up schedule is approved, or, without a gate, when
-- staff approve it (approved_*).
CREATE TABLE award_tranches (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	award_id	bigint NOT NULL REFERENCES awards (id),
	number		int NOT NULL CHECK (number BETWEEN 1 AND 10),
	amount_vnd	bigint NOT NULL CHECK (amount_vnd > 0),
	gate_checkin	int CHECK (gate_checkin BETWEEN 1 AND 12),
	approved_by	bigint REFERENCES users (id),
	approved_at	timestamptz,
	approval_note	text CHECK (length(approval_note) <= 2000),
	UNIQUE (award_id, number),
	CONSTRAINT award_tranches_first_check CHECK (number > 1
	    OR gate_checkin IS NULL),
	CONSTRAINT award_tranches_approved_check CHECK ((approved_at IS NULL) =
	    (approved_by IS NULL) AND (approved_at IS NULL
	    OR (number > 1 AND gate_checkin IS NULL)))
);

-- Payments.  Never changed or removed: they happened.
CREATE TABLE disbursements (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	award_id	bigint NOT NULL REFERENCES awards (id),
	tranche_id	bigint NOT NULL REFERENCES award_tranches (id),
	amount_vnd	bigint NOT NULL CHECK (amount_vnd > 0),
	paid_on		date NOT NULL,
	method		text NOT NULL CHECK (method IN
			    ('bank_transfer', 'cash', 'mobile_money')),
	reference	text NOT NULL CHECK (length(btrim(reference)) BETWEEN 1 AND 100),
	recorded_by	bigint NOT NULL REFERENCES users (id),
	recorded_at	timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX disbursements_award_idx ON disbursements (award_id, id);
CREATE INDEX disbursements_tranche_idx ON disbursements (tranche_id);

-- A request for reconsideration: once per application, of a released
-- decision not to fund, within its window; staff uphold or change it.
CREATE TABLE reconsiderations (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	application_id	bigint NOT NULL UNIQUE REFERENCES applications (id),
	decision_id	bigint NOT NULL REFERENCES decisions (id),
	call_id		bigint NOT NULL REFERENCES calls (id),
	reason		text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
	requested_by	bigint NOT NULL REFERENCES users (id),
	requested_at	timestamptz NOT NULL DEFAULT now(),
	status		text NOT NULL DEFAULT 'open' CHECK (status IN
			    ('open', 'upheld', 'changed')),
	answer		text CHECK (length(btrim(answer)) BETWEEN 1 AND 2000),
	answered_by	bigint REFERENCES users (id),
	answered_at	timestamptz,
	new_decision_id	bigint REFERENCES decisions (id),
	version		int NOT NULL DEFAULT 1,
	CONSTRAINT reconsiderations_answered_check CHECK ((status = 'open') =
	    (answered_at IS NULL) AND (status = 'open') = (answer IS NULL)),
	CONSTRAINT reconsiderations_new_decision_id_check CHECK (
	    (status = 'changed') = (new_decision_id IS NOT NULL))
);

CREATE INDEX reconsiderations_call_idx ON reconsiderations (call_id, status);

-- ==== money ====

-- What was paid of an award, and of a tranche.
CREATE FUNCTION award_paid(aid bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(amount_vnd), 0)::bigint FROM disbursements
	WHERE award_id = aid
$$;

CREATE FUNCTION tranche_paid(tid bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(amount_vnd), 0)::bigint FROM disbursements
	WHERE tranche_id = tid
$$;

-- The money each application holds of its call's budget: a pending (or
-- just released, before its award exists) funded decision its amount,
-- an active award its amount, an ended award what was paid of it.
CREATE FUNCTION decision_commitments(cid bigint)
RETURNS TABLE (application_id bigint, committed bigint)
LANGUAGE sql STABLE AS $$
	SELECT x.application_id, sum(x.amount)::bigint FROM (
		SELECT d.application_id, d.amount_vnd AS amount
		FROM decisions d
		WHERE d.call_id = cid AND d.outcome = 'funded'
		  AND d.status <> 'reversed'
		  AND NOT EXISTS (SELECT 1 FROM awards w WHERE w.decision_id = d.id)
		UNION ALL
		SELECT w.application_id, CASE WHEN w.status = 'active'
		    THEN w.amount_vnd ELSE award_paid(w.id) END
		FROM awards w WHERE w.call_id = cid) x
	GROUP BY x.application_id
$$;

CREATE FUNCTION decision_committed(cid bigint) RETURNS bigint
LANGUAGE sql STABLE AS $$
	SELECT coalesce(sum(committed), 0)::bigint FROM decision_commitments(cid)
$$;

-- VND as she reads it: 30.000.000 đồng, 30,000,000 VND.
CREATE FUNCTION decision_vnd(v bigint, loc text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT CASE WHEN loc = 'en'
	    THEN regexp_replace(v::text, '(\d)(?=(\d{3})+$)', '\1,', 'g') || ' VND'
	    ELSE regexp_replace(v::text, '(\d)(?=(\d{3})+$)', '\1.', 'g') || ' đồng'
	END
$$;

-- The budget holds: locks the call, then sums (a new snapshot, so a
-- writer that waited for the lock counts what the other committed).
-- ask: what the change being checked adds, for the message.
CREATE FUNCTION decision_budget_check(cid bigint, ask bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	budget	bigint;
	used	bigint;
BEGIN
	SELECT c.budget_vnd INTO budget FROM calls c WHERE c.id = cid
	    FOR NO KEY UPDATE;
	used := decision_committed(cid);
	IF used > budget THEN
		RAISE EXCEPTION 'over the call''s budget of %: % are committed already, % would not fit',
		    decision_vnd(budget, 'en'), decision_vnd(used - ask, 'en'),
		    decision_vnd(ask, 'en')
		    USING ERRCODE = 'SN409', COLUMN = 'amount_vnd';
	END IF;
END
$$;

CREATE FUNCTION decisions_budget() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM decision_budget_check(NEW.call_id, CASE WHEN TG_OP = 'INSERT'
	    THEN NEW.amount_vnd ELSE greatest(NEW.amount_vnd
	    - coalesce(OLD.amount_vnd, 0), 0) END);
	RETURN NULL;
END
$$;

CREATE TRIGGER decisions_budget AFTER INSERT OR UPDATE ON decisions
	FOR EACH ROW WHEN (NEW.outcome = 'funded')
	EXECUTE FUNCTION decisions_budget();
CREATE TRIGGER awards_budget AFTER INSERT OR UPDATE ON awards
	FOR EACH ROW EXECUTE FUNCTION decisions_budget();

-- A smaller budget must still hold what was committed.
CREATE FUNCTION calls_budget_holds() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	used	bigint := decision_committed(NEW.id);
BEGIN
	IF used > NEW.budget_vnd THEN
		RAISE EXCEPTION 'the call has committed % already: the budget cannot be smaller',
		    decision_vnd(used, 'en')
		    USING ERRCODE = 'SN409', COLUMN = 'budget_vnd';
	END IF;
	RETURN NULL;
END
$$;

CREATE TRIGGER calls_budget_holds AFTER UPDATE OF budget_vnd ON calls
	FOR EACH ROW WHEN (NEW.budget_vnd < OLD.budget_vnd)
	EXECUTE FUNCTION calls_budget_holds();

-- Once a decision of the call is released, its minimum merit is what the
-- proposal was made with.
CREATE FUNCTION calls_min_merit_frozen() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF EXISTS (SELECT 1 FROM decisions d WHERE d.call_id = NEW.id
	    AND d.status <> 'pending') THEN
		RAISE EXCEPTION 'decisions of this call have been released: its minimum merit stays'
		    USING ERRCODE = 'SN409', COLUMN = 'min_merit';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER calls_min_merit_frozen BEFORE UPDATE OF min_merit ON calls
	FOR EACH ROW WHEN (NEW.min_merit <> OLD.min_merit)
	EXECUTE FUNCTION calls_min_merit_frozen();

-- ==== decisions ====

-- Whether a decision departs from its proposal (as the table's check and
-- dec_departs() in app/lib/decisions.c).
CREATE FUNCTION decision_departs(outcome text, amount bigint,
    proposed text, proposed_amount bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
	SELECT NOT coalesce(CASE outcome
	    WHEN 'funded' THEN proposed = 'funded' AND amount = proposed_amount
	    WHEN 'waitlisted' THEN proposed = 'waitlisted'
	    ELSE proposed IN ('below_minimum', 'excluded') END, false)
$$;

-- What a decision may be and become.  A staff decision is made pending
-- on a reviewed application; the others on an application that can move
-- to their outcome.  Every decision is made pending and released by
-- decision_release_one(), the one place that moves applications.  A
-- funded amount is at most what she asked and the call's maximum award.
-- Released decisions change only into reversed, with their reversal
-- recorded first; nothing else of them changes; only pending ones are
-- ever deleted.
CREATE FUNCTION decisions_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	a	applications;
	c	calls;
	cap	bigint;
	keep	text[] := '{status,reversed_at,version}';
BEGIN
	IF TG_OP = 'DELETE' THEN
		IF OLD.status <> 'pending' THEN
			RAISE EXCEPTION 'a released decision is never deleted'
			    USING ERRCODE = 'SN409';
		END IF;
		RETURN OLD;
	END IF;

	IF TG_OP = 'UPDATE' THEN
		IF OLD.status = 'reversed' THEN
			RAISE EXCEPTION 'a reversed decision stays as it was'
			    USING ERRCODE = 'SN409';
		END IF;
		IF OLD.status = 'released' THEN
			IF NEW.status <> 'reversed' OR (to_jsonb(NEW) - keep)
			    <> (to_jsonb(OLD) - keep) THEN
				RAISE EXCEPTION 'a released decision changes only through a recorded reversal'
				    USING ERRCODE = 'SN409';
			END IF;
			IF NOT EXISTS (SELECT 1 FROM decision_reversals r
			    WHERE r.decision_id = OLD.id) THEN
				RAISE EXCEPTION 'a released decision is reversed only with its reversal and reason recorded'
				    USING ERRCODE = 'SN409', COLUMN = 'reason';
			END IF;
			NEW.reversed_at := coalesce(NEW.reversed_at, now());
			NEW.version := OLD.version + 1;
			RETURN NEW;
		END IF;
		IF (NEW.application_id, NEW.source, NEW.replaces_id) IS DISTINCT FROM
		    (OLD.application_id, OLD.source, OLD.replaces_id)
		    OR NEW.status = 'reversed' THEN
			RAISE EXCEPTION 'a pending decision is replaced or released, nothing else'
			    USING ERRCODE = 'SN409';
		END IF;
	ELSIF NEW.status <> 'pending' THEN
		RAISE EXCEPTION 'a decision is made pending, then released'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;

	SELECT * INTO a FROM applications WHERE id = NEW.application_id;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such application' USING ERRCODE = 'SN404';
	END IF;
	NEW.call_id := a.call_id;
	SELECT * INTO c FROM calls WHERE id = a.call_id;

	IF NEW.status = 'pending' THEN
		IF NEW.source = 'staff' AND a.status <> 'reviewed' THEN
			RAISE EXCEPTION 'only a reviewed application is decided; this one is %',
			    a.status USING ERRCODE = 'SN409', COLUMN = 'status';
		END IF;
		IF NEW.source <> 'staff' AND NOT EXISTS (SELECT 1
		    FROM application_transitions t WHERE t.from_status = a.status
		    AND t.to_status = NEW.outcome) THEN
			RAISE EXCEPTION 'an application that is % cannot become %',
			    a.status, NEW.outcome
			    USING ERRCODE = 'SN409', COLUMN = 'outcome';
		END IF;
	END IF;
	IF NEW.outcome = 'funded' THEN
		cap := least(a.amount_requested_vnd, c.max_award_vnd);
		IF NEW.amount_vnd > cap THEN
			RAISE EXCEPTION 'must be at most % (what she asked, or the call''s maximum award if smaller)',
			    decision_vnd(cap, 'en')
			    USING ERRCODE = 'SN422', COLUMN = 'amount_vnd';
		END IF;
	END IF;
	IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER decisions_guard BEFORE INSERT OR UPDATE OR DELETE ON decisions
	FOR EACH ROW EXECUTE FUNCTION decisions_guard();

-- History is never rewritten.
CREATE FUNCTION decision_history_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% are kept as they were recorded', TG_TABLE_NAME
	    USING ERRCODE = 'SN409';
END
$$;

CREATE TRIGGER decision_reversals_immutable BEFORE UPDATE OR DELETE
	ON decision_reversals FOR EACH ROW
	EXECUTE FUNCTION decision_history_immutable();
CREATE TRIGGER decision_letters_immutable BEFORE UPDATE OR DELETE
	ON decision_letters FOR EACH ROW
	EXECUTE FUNCTION decision_history_immutable();
CREATE TRIGGER disbursements_immutable BEFORE UPDATE OR DELETE
	ON disbursements FOR EACH ROW
	EXECUTE FUNCTION decision_history_immutable();

-- A reversal is of a released decision.
CREATE FUNCTION decision_reversals_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM decisions WHERE id = NEW.decision_id
	    AND status = 'released') THEN
		RAISE EXCEPTION 'only a released decision is reversed'
		    USING ERRCODE = 'SN409';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER decision_reversals_guard BEFORE INSERT ON decision_reversals
	FOR EACH ROW EXECUTE FUNCTION decision_reversals_guard();

-- Record (or replace) the pending staff decision on an application, with
-- the proposal the handler computed; the guard and the budget trigger
-- check the rest.
CREATE FUNCTION decision_record(app_id bigint, outc text, amount bigint,
    why text, departure text, p_outcome text, p_amount bigint,
    p_reason text, p_rank int, actor bigint) RETURNS decisions
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
BEGIN
	SELECT * INTO d FROM decisions WHERE application_id = app_id
	    AND status <> 'reversed' FOR UPDATE;
	IF FOUND AND d.status <> 'pending' THEN
		RAISE EXCEPTION 'the decision on this application has been released: it changes only through a reversal'
		    USING ERRCODE = 'SN409', COLUMN = 'decision';
	END IF;
	IF FOUND THEN
		UPDATE decisions SET outcome = outc, amount_vnd = amount,
		    rationale = btrim(why), departure_reason = nullif(btrim(departure), ''),
		    proposed_outcome = p_outcome, proposed_amount_vnd = p_amount,
		    proposal_reason = p_reason, rank = p_rank,
		    decided_by = actor, decided_at = now()
		WHERE id = d.id RETURNING * INTO d;
	ELSE
		INSERT INTO decisions (application_id, call_id, outcome,
		    amount_vnd, rationale, departure_reason, proposed_outcome,
		    proposed_amount_vnd, proposal_reason, rank, decided_by)
		SELECT app_id, a.call_id, outc, amount, btrim(why),
		    nullif(btrim(departure), ''), p_outcome, p_amount, p_reason,
		    p_rank, actor
		FROM applications a WHERE a.id = app_id
		RETURNING * INTO d;
	END IF;
	RETURN d;
END
$$;

-- ==== letters ====

CREATE FUNCTION decision_intro(src text, loc text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE src
	WHEN 'promotion' THEN CASE loc WHEN 'en'
		THEN 'Funds of the call have been freed, and your application is the next on the waitlist.'
		ELSE 'Một khoản kinh phí của đợt hỗ trợ vừa được giải phóng, và hồ sơ của chị là hồ sơ tiếp theo trong danh sách chờ.' END
		|| chr(10) || chr(10)
	WHEN 'reversal' THEN CASE loc WHEN 'en'
		THEN 'The earlier decision on your application has been reviewed and changed.'
		ELSE 'Quyết định trước đây về hồ sơ của chị đã được xem xét lại và thay đổi.' END
		|| chr(10) || chr(10)
	WHEN 'reconsideration' THEN CASE loc WHEN 'en'
		THEN 'Following your request for reconsideration, the decision on your application has been changed.'
		ELSE 'Theo đề nghị xem xét lại của chị, quyết định về hồ sơ của chị đã được thay đổi.' END
		|| chr(10) || chr(10)
	ELSE '' END
$$;

-- The reviewers' comments for the applicant, of the reviews that count,
-- numbered: never the comments for the committee, never who wrote them.
CREATE FUNCTION decision_comments(app_id bigint, loc text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT coalesce(chr(10) || CASE loc WHEN 'en'
	    THEN 'The review committee''s comments for you:'
	    ELSE 'Nhận xét của hội đồng chấm dành cho chị:' END || chr(10)
	    || string_agg(chr(10) || CASE loc WHEN 'en' THEN 'Comment '
		ELSE 'Nhận xét ' END || x.n || ': ' || x.comment, '' ORDER BY x.n)
	    || chr(10), '')
	FROM (SELECT btrim(r.comment_applicant) AS comment,
	    row_number() OVER (ORDER BY r.pseudonym) AS n
	    FROM reviews r WHERE r.application_id = app_id AND review_counts(r)
	    AND coalesce(btrim(r.comment_applicant), '') <> '') x
$$;

SET check_function_bodies = off;

-- How each tranche of the decision's award opens, one line each.
CREATE FUNCTION decision_tranches_text(did bigint, loc text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT string_agg('- ' || CASE loc WHEN 'en' THEN 'Tranche ' ELSE 'Đợt ' END
	    || t.number || ': ' || decision_vnd(t.amount_vnd, loc) || ', '
	    || CASE WHEN t.number = 1 THEN CASE loc WHEN 'en'
		THEN 'once the award is made' ELSE 'ngay khi nhận hỗ trợ' END
	    WHEN t.gate_checkin IS NULL THEN CASE loc WHEN 'en'
		THEN 'once staff confirm it' ELSE 'sau khi cán bộ xác nhận' END
	    ELSE CASE loc WHEN 'en' THEN 'after your ' ELSE 'sau khi ' END
		|| coalesce(followup_label_text(s.months, loc),
		    'check-in ' || t.gate_checkin)
		|| CASE loc WHEN 'en' THEN ' is approved' ELSE ' được duyệt' END
	    END || chr(10), '' ORDER BY t.number)
	FROM awards w
	JOIN award_tranches t ON t.award_id = w.id
	LEFT JOIN businesses b ON b.application_id = w.application_id
	LEFT JOIN followup_schedule s ON s.business_id = b.id
	    AND s.number = t.gate_checkin
	WHERE w.decision_id = did
$$;

RESET check_function_bodies;

CREATE FUNCTION decision_reconsider_text(d decisions, loc text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE WHEN d.reconsider_until IS NULL OR EXISTS (SELECT 1
	    FROM reconsiderations k WHERE k.application_id = d.application_id)
	THEN '' ELSE chr(10) || CASE loc WHEN 'en'
	    THEN 'If you think this decision is not right, you may ask once for it to be reconsidered, on Sen, before '
		|| to_char(d.reconsider_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY')
		|| ' (Hà Nội time), saying why.'
	    ELSE 'Nếu chị thấy quyết định này chưa thỏa đáng, chị có thể đề nghị xem xét lại một lần trên Sen, trước '
		|| to_char(d.reconsider_until AT TIME ZONE 'Asia/Ho_Chi_Minh', 'HH24:MI DD/MM/YYYY')
		|| ', kèm theo lý do.' END || chr(10) END
$$;

-- Write the letter of a released decision in her language and queue it
-- by e-mail (every account has one; the short status message goes to
-- her other channels too): the outcome, the amount and tranches, the
-- rationale, the reviewers' comments for her, how to ask for a
-- reconsideration.
CREATE FUNCTION decision_letter_queue(did bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
	a	applications;
	u	users;
	c	calls;
	t	message_templates;
	vars	jsonb;
	subj	text;
	body	text;
BEGIN
	SELECT * INTO d FROM decisions WHERE id = did;
	SELECT * INTO a FROM applications WHERE id = d.application_id;
	SELECT * INTO u FROM users WHERE id = a.applicant_id;
	SELECT * INTO c FROM calls WHERE id = a.call_id;
	SELECT * INTO t FROM message_templates
	    WHERE event = 'decision.' || d.outcome AND locale = u.locale;

	vars := jsonb_build_object(
	    'name', u.full_name,
	    'reference', a.reference,
	    'business', a.business_name,
	    'call', CASE u.locale WHEN 'en' THEN c.title_en ELSE c.title_vi END,
	    'amount', decision_vnd(d.amount_vnd, u.locale),
	    'rationale', btrim(d.rationale),
	    'intro', decision_intro(d.source, u.locale),
	    'comments', decision_comments(a.id, u.locale),
	    'tranches', coalesce(decision_tranches_text(d.id, u.locale), ''),
	    'reconsideration', decision_reconsider_text(d, u.locale));
	subj := committee_fill(t.subject, vars);
	body := committee_fill(t.body, vars);

	INSERT INTO decision_letters (decision_id, locale, subject, body)
	VALUES (did, u.locale, subj, body);
	INSERT INTO outbox (user_id, channel, recipient, locale, event,
	    subject, body, dedupe_key)
	VALUES (u.id, 'email', u.email, u.locale, 'decision.' || d.outcome,
	    subj, body, format('decision_letter:%s', did))
	ON CONFLICT (dedupe_key) DO NOTHING;
END
$$;

-- ==== awards ====

-- The award of a released funded decision, its tranches from the call's
-- schedule: each but the last in whole thousands of đồng, the last what
-- remains; an award too small to split is paid at once.  A gate that the
-- business's follow-up schedule does not have is left to staff approval.
CREATE FUNCTION award_create(did bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
	c	calls;
	aid	bigint;
	bid	bigint;
	n	int;
	i	int;
	amt	bigint[] := '{}';
	acc	bigint := 0;
	g	int;
BEGIN
	SELECT * INTO d FROM decisions WHERE id = did;
	SELECT * INTO c FROM calls WHERE id = d.call_id;
	INSERT INTO awards (decision_id, application_id, call_id, amount_vnd)
	VALUES (did, d.application_id, d.call_id, d.amount_vnd)
	RETURNING id INTO aid;

	n := cardinality(c.tranche_pcts);
	FOR i IN 1 .. n - 1 LOOP
		amt := amt || (d.amount_vnd * c.tranche_pcts[i] / 100 / 1000 * 1000);
		acc := acc + amt[i];
	END LOOP;
	amt := amt || (d.amount_vnd - acc);
	IF EXISTS (SELECT 1 FROM unnest(amt) x WHERE x < 1) THEN
		n := 1;
		amt := ARRAY[d.amount_vnd];
	END IF;

	SELECT id INTO bid FROM businesses WHERE application_id = d.application_id;
	FOR i IN 1 .. n LOOP
		g := CASE WHEN i > 1 THEN c.tranche_gates[i - 1] END;
		IF g IS NOT NULL AND (bid IS NULL OR NOT EXISTS (SELECT 1
		    FROM followup_schedule s WHERE s.business_id = bid
		    AND s.number = g)) THEN
			g := NULL;
		END IF;
		INSERT INTO award_tranches (award_id, number, amount_vnd, gate_checkin)
		VALUES (aid, i, amt[i], g);
	END LOOP;
	RETURN aid;
END
$$;

-- An award is made of a released funded decision, for its amount, and
-- keeps them; it only ends (declined or revoked, with the reason), once.
CREATE FUNCTION awards_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'an award is never deleted: it ends'
		    USING ERRCODE = 'SN409';
	END IF;
	IF TG_OP = 'INSERT' THEN
		IF NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = NEW.decision_id
		    AND d.status = 'released' AND d.outcome = 'funded'
		    AND d.amount_vnd = NEW.amount_vnd
		    AND d.application_id = NEW.application_id
		    AND d.call_id = NEW.call_id) THEN
			RAISE EXCEPTION 'an award is made of a released funded decision, for its amount'
			    USING ERRCODE = 'SN409';
		END IF;
		IF NEW.status <> 'active' THEN
			RAISE EXCEPTION 'an award starts active' USING ERRCODE = 'SN409';
		END IF;
		RETURN NEW;
	END IF;
	IF (NEW.decision_id, NEW.application_id, NEW.call_id, NEW.amount_vnd,
	    NEW.created_at) IS DISTINCT FROM (OLD.decision_id, OLD.application_id,
	    OLD.call_id, OLD.amount_vnd, OLD.created_at) THEN
		RAISE EXCEPTION 'an award keeps its decision and amount'
		    USING ERRCODE = 'SN409';
	END IF;
	IF OLD.status <> 'active' AND (NEW.status, NEW.ended_reason, NEW.ended_by,
	    NEW.ended_at) IS DISTINCT FROM (OLD.status, OLD.ended_reason,
	    OLD.ended_by, OLD.ended_at) THEN
		RAISE EXCEPTION 'the award has ended (%)', OLD.status
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NEW.status = 'declined' AND OLD.status = 'active'
	    AND award_paid(OLD.id) > 0 THEN
		RAISE EXCEPTION 'money has been paid of this award: it cannot be declined, only revoked by staff'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NEW.version = OLD.version THEN
		NEW.version := OLD.version + 1;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER awards_guard BEFORE INSERT OR UPDATE OR DELETE ON awards
	FOR EACH ROW EXECUTE FUNCTION awards_guard();

-- The tranches of an award sum to it and are numbered 1..n, at commit
-- (an edit changes several rows).
CREATE FUNCTION award_tranches_sum() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	aid	bigint;
	amount	bigint;
	total	bigint;
	n	int;
	top	int;
BEGIN
	IF TG_TABLE_NAME = 'awards' THEN
		aid := NEW.id;
	ELSE
		aid := coalesce(NEW.award_id, OLD.award_id);
	END IF;
	SELECT amount_vnd INTO amount FROM awards WHERE id = aid;
	SELECT coalesce(sum(amount_vnd), 0), count(*), coalesce(max(number), 0)
	    INTO total, n, top FROM award_tranches WHERE award_id = aid;
	IF total <> amount THEN
		RAISE EXCEPTION 'the tranches of an award sum to it: % of %',
		    decision_vnd(total, 'en'), decision_vnd(amount, 'en')
		    USING ERRCODE = 'SN422', COLUMN = 'tranches';
	END IF;
	IF n <> top THEN
		RAISE EXCEPTION 'tranches are numbered from 1 without gaps'
		    USING ERRCODE = 'SN422', COLUMN = 'tranches';
	END IF;
	RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER award_tranches_sum
	AFTER INSERT OR UPDATE OR DELETE ON award_tranches
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION award_tranches_sum();
CREATE CONSTRAINT TRIGGER awards_tranches_sum AFTER INSERT ON awards
	DEFERRABLE INITIALLY DEFERRED
	FOR EACH ROW EXECUTE FUNCTION award_tranches_sum();

-- Tranches of an active award only; a tranche holds at least what was
-- paid of it, and one paid from keeps its amount and gate and stays; a
-- new gate takes back staff's approval.
CREATE FUNCTION award_tranches_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	t	award_tranches := coalesce(NEW, OLD);
	paid	bigint;
BEGIN
	IF NOT EXISTS (SELECT 1 FROM awards WHERE id = t.award_id
	    AND status = 'active') THEN
		RAISE EXCEPTION 'the award has ended: its tranches stay as they are'
		    USING ERRCODE = 'SN409', COLUMN = 'tranches';
	END IF;
	IF TG_OP = 'INSERT' THEN
		RETURN NEW;
	END IF;
	paid := tranche_paid(OLD.id);
	IF TG_OP = 'DELETE' THEN
		IF paid > 0 THEN
			RAISE EXCEPTION 'tranche % has been paid from: it stays', OLD.number
			    USING ERRCODE = 'SN409', COLUMN = 'tranches';
		END IF;
		RETURN OLD;
	END IF;
	IF (NEW.award_id, NEW.number) IS DISTINCT FROM (OLD.award_id, OLD.number) THEN
		RAISE EXCEPTION 'a tranche keeps its award and number'
		    USING ERRCODE = 'SN409', COLUMN = 'tranches';
	END IF;
	IF paid > 0 AND (NEW.amount_vnd, NEW.gate_checkin)
	    IS DISTINCT FROM (OLD.amount_vnd, OLD.gate_checkin) THEN
		RAISE EXCEPTION 'tranche % has been paid from: its amount and gate stay', OLD.number
		    USING ERRCODE = 'SN409', COLUMN = 'tranches';
	END IF;
	IF NEW.gate_checkin IS DISTINCT FROM OLD.gate_checkin THEN
		NEW.approved_at := NULL;
		NEW.approved_by := NULL;
		NEW.approval_note := NULL;
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER award_tranches_guard BEFORE INSERT OR UPDATE OR DELETE
	ON award_tranches FOR EACH ROW EXECUTE FUNCTION award_tranches_guard();

-- Whether a tranche's own gate is open, and whether it may be paid: its
-- gate and those of every tranche before it are open.
CREATE FUNCTION award_gate_met(t award_tranches) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
	bid	bigint;
	ok	boolean;
BEGIN
	IF t.number = 1 THEN
		RETURN true;
	END IF;
	IF t.gate_checkin IS NULL THEN
		RETURN t.approved_at IS NOT NULL;
	END IF;
	SELECT b.id INTO bid FROM awards w JOIN businesses b
	    ON b.application_id = w.application_id WHERE w.id = t.award_id;
	IF bid IS NULL THEN
		RETURN false;
	END IF;
	ok := checkin_approved(bid, t.gate_checkin);
	RETURN coalesce(ok, false);
END
$$;

CREATE FUNCTION award_tranche_open(aid bigint, num int) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM award_tranches WHERE award_id = aid
	    AND number = num)
	    AND NOT EXISTS (SELECT 1 FROM award_tranches t WHERE t.award_id = aid
		AND t.number <= num AND NOT award_gate_met(t))
$$;

-- A payment: of a tranche of this award, an active award, an open
-- tranche, and never more than the tranche holds.  The tranche's row is
-- locked, then its payments summed, so that two payments at once take
-- turns and the second sees the first.
CREATE FUNCTION disbursements_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	t	award_tranches;
	w	awards;
	paid	bigint;
	today	date := (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date;
BEGIN
	-- The award first (award_end locks it to end it), then the tranche.
	SELECT * INTO w FROM awards WHERE id = NEW.award_id FOR SHARE;
	SELECT * INTO t FROM award_tranches WHERE id = NEW.tranche_id FOR UPDATE;
	IF NOT FOUND OR t.award_id <> NEW.award_id THEN
		RAISE EXCEPTION 'not a tranche of this award'
		    USING ERRCODE = 'SN422', COLUMN = 'tranche';
	END IF;
	IF w.status <> 'active' THEN
		RAISE EXCEPTION 'the award has ended (%): nothing more is paid of it',
		    w.status USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF NOT award_tranche_open(t.award_id, t.number) THEN
		RAISE EXCEPTION 'tranche % is not open yet: %', t.number,
		    award_gate_text(t.award_id, t.number)
		    USING ERRCODE = 'SN409', COLUMN = 'tranche';
	END IF;
	paid := tranche_paid(t.id);
	IF paid + NEW.amount_vnd > t.amount_vnd THEN
		RAISE EXCEPTION 'over-payment: % of tranche % remain to be paid',
		    decision_vnd(t.amount_vnd - paid, 'en'), t.number
		    USING ERRCODE = 'SN422', COLUMN = 'amount_vnd';
	END IF;
	IF NEW.paid_on > today THEN
		RAISE EXCEPTION 'a payment is recorded once made: not in the future'
		    USING ERRCODE = 'SN422', COLUMN = 'paid_on';
	END IF;
	IF NEW.paid_on < (w.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN
		RAISE EXCEPTION 'a payment cannot be before the award (%)',
		    (w.created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
		    USING ERRCODE = 'SN422', COLUMN = 'paid_on';
	END IF;
	RETURN NEW;
END
$$;

CREATE TRIGGER disbursements_guard BEFORE INSERT ON disbursements
	FOR EACH ROW EXECUTE FUNCTION disbursements_guard();

-- Why the first closed gate up to tranche num is closed, in words.
CREATE FUNCTION award_gate_text(aid bigint, num int) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	t	award_tranches;
BEGIN
	SELECT * INTO t FROM award_tranches x WHERE x.award_id = aid
	    AND x.number <= num AND NOT award_gate_met(x)
	    ORDER BY x.number LIMIT 1;
	IF NOT FOUND THEN
		RETURN 'it is open';
	END IF;
	IF t.gate_checkin IS NULL THEN
		RETURN format('tranche %s waits for staff approval', t.number);
	END IF;
	RETURN format('tranche %s opens when check-in %s of the follow-up is approved',
	    t.number, t.gate_checkin);
END
$$;

-- End an active award: declined by her (nothing paid yet) or revoked by
-- staff, with the reason.  Its business's follow-up closes, and the
-- application moves (declined: withdrawn; revoked: closed) with the
-- reason on its event, which tells her.  The caller locked the call and
-- offers the freed money to the waitlist.
CREATE FUNCTION award_end(aid bigint, how text, why text, actor bigint)
RETURNS awards
LANGUAGE plpgsql AS $$
DECLARE
	w	awards;
	st	text;
	target	text := CASE how WHEN 'declined' THEN 'withdrawn' ELSE 'closed' END;
BEGIN
	SELECT * INTO w FROM awards WHERE id = aid FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such award' USING ERRCODE = 'SN404';
	END IF;
	IF w.status <> 'active' THEN
		RAISE EXCEPTION 'the award has ended already (%)', w.status
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	UPDATE awards SET status = how, ended_reason = btrim(why),
	    ended_by = actor, ended_at = now()
	WHERE id = aid RETURNING * INTO w;

	UPDATE businesses SET status = 'closed', risks = '[]',
	    closed_at = now(), closed_by = actor, closed_reason = btrim(why)
	WHERE application_id = w.application_id AND status <> 'closed';

	SELECT status INTO st FROM applications WHERE id = w.application_id
	    FOR UPDATE;
	IF EXISTS (SELECT 1 FROM application_transitions
	    WHERE from_status = st AND to_status = target) THEN
		PERFORM set_config('sen.reason', btrim(why), true);
		UPDATE applications SET status = target WHERE id = w.application_id;
		PERFORM set_config('sen.reason', '', true);
	END IF;
	RETURN w;
END
$$;

-- An application that leaves its award behind (closed by the follow-up,
-- say) takes the award with it: what was paid stays spent, the rest is
-- no longer committed.
CREATE FUNCTION applications_award_end() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE awards SET status = 'revoked', ended_at = now(),
	    ended_by = nullif(current_setting('sen.actor_id', true), '')::bigint,
	    ended_reason = coalesce(nullif(btrim(current_setting('sen.reason', true)), ''),
		'The application was ' || NEW.status)
	WHERE application_id = NEW.id AND status = 'active';
	RETURN NULL;
END
$$;

CREATE TRIGGER applications_award_end AFTER UPDATE OF status ON applications
	FOR EACH ROW WHEN (NEW.status IN ('withdrawn', 'closed')
	    AND OLD.status <> NEW.status)
	EXECUTE FUNCTION applications_award_end();

-- Replace tranches of an active award with tranches = [{amount_vnd,
-- gate_checkin}] (checked by the handler; the triggers check again).
-- A tranche that is the same stays untouched with its approval.
CREATE FUNCTION award_tranches_set(aid bigint, tranches jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	n	int := jsonb_array_length(tranches);
	i	int;
	amt	bigint;
	g	int;
BEGIN
	PERFORM 1 FROM awards WHERE id = aid FOR UPDATE;
	DELETE FROM award_tranches WHERE award_id = aid AND number > n;
	FOR i IN 1 .. n LOOP
		amt := (tranches -> (i - 1) ->> 'amount_vnd')::bigint;
		g := (tranches -> (i - 1) ->> 'gate_checkin')::int;
		INSERT INTO award_tranches AS t (award_id, number, amount_vnd, gate_checkin)
		VALUES (aid, i, amt, g)
		ON CONFLICT (award_id, number) DO UPDATE
		    SET amount_vnd = EXCLUDED.amount_vnd,
			gate_checkin = EXCLUDED.gate_checkin
		    WHERE (t.amount_vnd, t.gate_checkin) IS DISTINCT FROM
			(EXCLUDED.amount_vnd, EXCLUDED.gate_checkin);
	END LOOP;
	UPDATE awards SET version = version + 1 WHERE id = aid;
END
$$;

-- ==== release, reversal, promotion ====

-- Release one pending decision: it becomes visible, her application
-- moves (its event queues the status message), a funded one gets its
-- award, and her letter is written and queued.
CREATE FUNCTION decision_release_one(did bigint, actor bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
	c	calls;
BEGIN
	SELECT * INTO d FROM decisions WHERE id = did;
	SELECT * INTO c FROM calls WHERE id = d.call_id;
	UPDATE decisions SET status = 'released', released_at = now(),
	    released_by = actor,
	    reconsider_until = CASE WHEN d.outcome <> 'funded'
		THEN now() + make_interval(days => c.reconsideration_days) END
	WHERE id = did RETURNING * INTO d;

	PERFORM set_config('sen.reason', '', true);
	UPDATE applications SET status = d.outcome WHERE id = d.application_id;
	IF d.outcome = 'funded' THEN
		PERFORM award_create(did);
	END IF;
	PERFORM decision_letter_queue(did);
END
$$;

-- Release every pending decision of a call at once, when every reviewed
-- application has one: the call is then decided.
CREATE FUNCTION decisions_release(cid bigint, actor bigint) RETURNS json
LANGUAGE plpgsql AS $$
DECLARE
	c	calls;
	missing	text;
	r	record;
	n	int := 0;
BEGIN
	SELECT * INTO c FROM calls WHERE id = cid FOR NO KEY UPDATE;
	IF NOT FOUND OR c.status = 'draft' THEN
		RAISE EXCEPTION 'no such call' USING ERRCODE = 'SN404';
	END IF;
	IF c.status <> 'reviewing' OR c.scoring_closed_at IS NULL THEN
		RAISE EXCEPTION 'decisions are released once scoring is closed, while the call is under review; this call is %',
		    c.status || CASE WHEN c.status = 'reviewing'
		    THEN ' and scoring is open' ELSE '' END
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	SELECT string_agg(a.reference, ', ' ORDER BY a.reference) INTO missing
	FROM applications a
	WHERE a.call_id = cid AND a.status = 'reviewed'
	  AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.application_id = a.id
	      AND d.status = 'pending');
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'decisions are released together: these reviewed applications have none yet: %',
		    left(missing, 600)
		    USING ERRCODE = 'SN409', COLUMN = 'decisions';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM decisions WHERE call_id = cid
	    AND status = 'pending') THEN
		RAISE EXCEPTION 'there is no pending decision to release'
		    USING ERRCODE = 'SN409', COLUMN = 'decisions';
	END IF;

	FOR r IN SELECT id FROM decisions WHERE call_id = cid
	    AND status = 'pending' ORDER BY id LOOP
		PERFORM decision_release_one(r.id, actor);
		n := n + 1;
	END LOOP;
	UPDATE calls SET status = 'decided' WHERE id = cid;

	RETURN json_build_object(
	    'call_id', cid,
	    'call_status', 'decided',
	    'released', n,
	    'funded', (SELECT count(*) FROM decisions WHERE call_id = cid
		AND status = 'released' AND outcome = 'funded'),
	    'waitlisted', (SELECT count(*) FROM decisions WHERE call_id = cid
		AND status = 'released' AND outcome = 'waitlisted'),
	    'rejected', (SELECT count(*) FROM decisions WHERE call_id = cid
		AND status = 'released' AND outcome = 'rejected'),
	    'awards', (SELECT count(*) FROM awards WHERE call_id = cid),
	    'committed_vnd', decision_committed(cid),
	    'budget_vnd', c.budget_vnd,
	    'letters', n);
END
$$;

-- Replace the released decision old_id: the reversal is recorded with
-- its reason, the old decision is marked reversed, the new one is made
-- and released at once (letter, award).  The new decision's id.
CREATE FUNCTION decision_replace(old_id bigint, kind text, why text,
    outc text, amount bigint, rationale text, actor bigint,
    p_outcome text, p_amount bigint, p_reason text, p_rank int)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
	nid	bigint;
	who	bigint := CASE WHEN kind = 'promotion' THEN NULL ELSE actor END;
BEGIN
	SELECT * INTO d FROM decisions WHERE id = old_id FOR UPDATE;
	INSERT INTO decision_reversals (decision_id, kind, reason, reversed_by)
	VALUES (old_id, kind, btrim(why), actor);
	UPDATE decisions SET status = 'reversed', reversed_at = now()
	WHERE id = old_id;
	INSERT INTO decisions (application_id, call_id, outcome, amount_vnd,
	    rationale, source, replaces_id, proposed_outcome,
	    proposed_amount_vnd, proposal_reason, rank, decided_by)
	VALUES (d.application_id, d.call_id, outc, amount, btrim(rationale),
	    kind, old_id, p_outcome, p_amount, p_reason, p_rank, who)
	RETURNING id INTO nid;
	PERFORM decision_release_one(nid, who);
	RETURN nid;
END
$$;

-- Staff reverse a released decision not to fund (a funded one ends
-- through its award instead): the new outcome, released at once.  While
-- she has a reconsideration open, the answer to it is the way.
CREATE FUNCTION decision_reverse(did bigint, why text, outc text,
    amount bigint, rationale text, actor bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
BEGIN
	SELECT * INTO d FROM decisions WHERE id = did;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such decision' USING ERRCODE = 'SN404';
	END IF;
	PERFORM 1 FROM calls WHERE id = d.call_id FOR NO KEY UPDATE;
	SELECT * INTO d FROM decisions WHERE id = did FOR UPDATE;
	IF d.status = 'pending' THEN
		RAISE EXCEPTION 'this decision is still pending: record a new one instead'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF d.status = 'reversed' THEN
		RAISE EXCEPTION 'this decision has been reversed already'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	IF d.outcome = 'funded' THEN
		RAISE EXCEPTION 'a funded decision is not reversed: its award is declined by her or revoked by staff'
		    USING ERRCODE = 'SN409', COLUMN = 'outcome';
	END IF;
	IF outc = d.outcome THEN
		RAISE EXCEPTION 'the decision is % already', outc
		    USING ERRCODE = 'SN422', COLUMN = 'outcome';
	END IF;
	IF EXISTS (SELECT 1 FROM reconsiderations WHERE application_id =
	    d.application_id AND status = 'open') THEN
		RAISE EXCEPTION 'she has asked for a reconsideration: answer it instead'
		    USING ERRCODE = 'SN409', COLUMN = 'reconsideration';
	END IF;
	RETURN decision_replace(did, 'reversal', why, outc, amount,
	    coalesce(nullif(btrim(rationale), ''), why), actor,
	    NULL, NULL, NULL, NULL);
END
$$;

-- Freed money offered to a waitlisted application (the handler chose it
-- by the proposal's rules): her waitlisted decision is replaced by a
-- funded one, released at once with her letter; a reconsideration she
-- had open is answered by it.
CREATE FUNCTION decision_promote(app_id bigint, amount bigint, p_rank int,
    pool text, freed_by bigint, actor bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
	nid	bigint;
BEGIN
	SELECT * INTO d FROM decisions WHERE application_id = app_id
	    AND status = 'released' AND outcome = 'waitlisted' FOR UPDATE;
	IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM applications
	    WHERE id = app_id AND status = 'waitlisted') THEN
		RAISE EXCEPTION 'only a waitlisted application is offered freed money'
		    USING ERRCODE = 'SN409', COLUMN = 'outcome';
	END IF;
	nid := decision_replace(d.id, 'promotion',
	    format('Offered from the waitlist: award %s ended and freed its money.', freed_by),
	    'funded', amount,
	    format('Được mời nhận hỗ trợ từ danh sách chờ (hạng %s) khi kinh phí của đợt được giải phóng. / Offered an award from the waitlist (rank %s) when funds of the call were freed.',
		p_rank, p_rank),
	    actor, 'funded', amount,
	    format('offered from the waitlist (%s pool, rank %s)', pool, p_rank),
	    p_rank);
	UPDATE reconsiderations SET status = 'changed', new_decision_id = nid,
	    answered_at = now(),
	    answer = 'Offered an award from the waitlist. / Chị được mời nhận hỗ trợ từ danh sách chờ.'
	WHERE application_id = app_id AND status = 'open';
	RETURN nid;
END
$$;

-- ==== reconsideration ====

-- She asks, once, of her own released decision not to fund, within its
-- window, with a reason.
CREATE FUNCTION reconsiderations_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	d	decisions;
	a	applications;
BEGIN
	IF TG_OP = 'UPDATE' THEN
		IF OLD.status <> 'open' THEN
			RAISE EXCEPTION 'this reconsideration has been answered already'
			    USING ERRCODE = 'SN409', COLUMN = 'status';
		END IF;
		IF (NEW.application_id, NEW.decision_id, NEW.call_id, NEW.reason,
		    NEW.requested_by, NEW.requested_at) IS DISTINCT FROM
		    (OLD.application_id, OLD.decision_id, OLD.call_id, OLD.reason,
		    OLD.requested_by, OLD.requested_at) THEN
			RAISE EXCEPTION 'a request stays as she made it'
			    USING ERRCODE = 'SN409';
		END IF;
		IF NEW.version = OLD.version THEN
			NEW.version := OLD.version + 1;
		END IF;
		RETURN NEW;
	END IF;

	SELECT * INTO a FROM applications WHERE id = NEW.application_id;
	IF NOT FOUND OR a.applicant_id <> NEW.requested_by THEN
		RAISE EXCEPTION 'no such application' USING ERRCODE = 'SN404';
	END IF;
	IF EXISTS (SELECT 1 FROM reconsiderations
	    WHERE application_id = NEW.application_id) THEN
		RAISE EXCEPTION 'a reconsideration is asked once, and you have asked already'
		    USING ERRCODE = 'SN409', COLUMN = 'reason';
	END IF;
	SELECT * INTO d FROM decisions WHERE application_id = NEW.application_id
	    AND status = 'released';
	IF NOT FOUND OR d.id <> NEW.decision_id THEN
		RAISE EXCEPTION 'there is no released decision on this application to reconsider'
		    USING ERRCODE = 'SN409', COLUMN = 'decision';
	END IF;
	IF d.outcome = 'funded' THEN
		RAISE EXCEPTION 'a decision to fund is not reconsidered'
		    USING ERRCODE = 'SN409', COLUMN = 'decision';
	END IF;
	IF d.reconsider_until IS NULL OR now() > d.reconsider_until THEN
		RAISE EXCEPTION 'reconsideration could be asked until %',
		    to_char(d.reconsider_until AT TIME ZONE 'Asia/Ho_Chi_Minh',
			'HH24:MI DD/MM/YYYY') || ' (Hà Nội time)'
		    USING ERRCODE = 'SN409', COLUMN = 'reason';
	END IF;
	NEW.call_id := d.call_id;
	RETURN NEW;
END
$$;

CREATE TRIGGER reconsiderations_guard BEFORE INSERT OR UPDATE
	ON reconsiderations FOR EACH ROW EXECUTE FUNCTION reconsiderations_guard();
CREATE TRIGGER reconsiderations_no_delete BEFORE DELETE ON reconsiderations
	FOR EACH ROW EXECUTE FUNCTION decision_history_immutable();

CREATE FUNCTION reconsideration_request(app_id bigint, uid bigint, why text)
RETURNS reconsiderations
LANGUAGE plpgsql AS $$
DECLARE
	k	reconsiderations;
BEGIN
	INSERT INTO reconsiderations (application_id, decision_id, call_id,
	    reason, requested_by)
	SELECT app_id, coalesce((SELECT d.id FROM decisions d
	    WHERE d.application_id = app_id AND d.status = 'released'), 0),
	    a.call_id, btrim(why), uid
	FROM applications a WHERE a.id = app_id
	RETURNING * INTO k;
	IF k.id IS NULL THEN
		RAISE EXCEPTION 'no such application' USING ERRCODE = 'SN404';
	END IF;
	RETURN k;
END
$$;

-- Staff answer a request: upheld (the decision stays), or changed (the
-- decision is replaced by new_outcome, released at once with its
-- letter).  She is told the answer either way.
CREATE FUNCTION reconsideration_answer(rid bigint, how text, why text,
    new_outcome text, amount bigint, actor bigint) RETURNS reconsiderations
LANGUAGE plpgsql AS $$
DECLARE
	k	reconsiderations;
	d	decisions;
	a	applications;
	u	users;
	t	message_templates;
	nid	bigint;
	vars	jsonb;
BEGIN
	SELECT * INTO k FROM reconsiderations WHERE id = rid;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no such reconsideration' USING ERRCODE = 'SN404';
	END IF;
	PERFORM 1 FROM calls WHERE id = k.call_id FOR NO KEY UPDATE;
	SELECT * INTO k FROM reconsiderations WHERE id = rid FOR UPDATE;
	IF k.status <> 'open' THEN
		RAISE EXCEPTION 'this reconsideration has been answered already'
		    USING ERRCODE = 'SN409', COLUMN = 'status';
	END IF;
	SELECT * INTO d FROM decisions WHERE id = k.decision_id;
	IF how = 'changed' THEN
		IF new_outcome = d.outcome THEN
			RAISE EXCEPTION 'the decision is % already: a changed decision is another',
			    new_outcome USING ERRCODE = 'SN422', COLUMN = 'new_outcome';
		END IF;
		nid := decision_replace(d.id, 'reconsideration', why, new_outcome,
		    amount, why, actor, NULL, NULL, NULL, NULL);
	END IF;
	UPDATE reconsiderations SET status = how, answer = btrim(why),
	    answered_by = actor, answered_at = now(), new_decision_id = nid
	WHERE id = rid RETURNING * INTO k;

	SELECT * INTO a FROM applications WHERE id = k.application_id;
	SELECT * INTO u FROM users WHERE id = a.applicant_id;
	SELECT * INTO t FROM message_templates
	    WHERE event = 'reconsideration.answered' AND locale = u.locale;
	vars := jsonb_build_object('name', u.full_name, 'reference', a.reference,
	    'answer', btrim(why),
	    'result', CASE WHEN how = 'upheld' THEN CASE u.locale WHEN 'en'
		THEN 'the decision stays as it was' ELSE 'quyết định được giữ nguyên' END
	    ELSE CASE u.locale WHEN 'en'
		THEN 'the decision has been changed (its letter follows)'
		ELSE 'quyết định đã được thay đổi (thư thông báo gửi kèm)' END END);
	INSERT INTO outbox (user_id, channel, recipient, locale, event,
	    subject, body, dedupe_key)
	VALUES (u.id, 'email', u.email, u.locale, 'reconsideration.answered',
	    committee_fill(t.subject, vars), committee_fill(t.body, vars),
	    format('reconsideration:%s', k.id))
	ON CONFLICT (dedupe_key) DO NOTHING;
	RETURN k;
END
$$;

-- ==== what the API shows ====

CREATE FUNCTION decision_settings_json(c calls) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'call_id', c.id,
	    'min_merit', c.min_merit,
	    'reserved_share_pct', c.priority_reserved_pct,
	    'reconsideration_days', c.reconsideration_days,
	    'tranche_pcts', to_jsonb(c.tranche_pcts),
	    'tranche_gates', to_jsonb(c.tranche_gates),
	    'version', c.version)
$$;

-- A decision.  The applicant sees the outcome, amount, rationale, her
-- letter and her window; staff also see the proposal beside it, the
-- departure's reason, who decided and released it, and its reversal.
CREATE FUNCTION api_decision(d decisions, staff boolean) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'id', d.id,
	    'application_id', d.application_id,
	    'call_id', d.call_id,
	    'reference', a.reference,
	    'business_name', a.business_name,
	    'outcome', d.outcome,
	    'amount_vnd', d.amount_vnd,
	    'rationale', d.rationale,
	    'status', d.status,
	    'source', d.source,
	    'released_at', call_time_utc(d.released_at),
	    'reconsider_until', call_time_utc(d.reconsider_until),
	    'reconsider_until_local', call_time_local(d.reconsider_until),
	    'award_id', (SELECT w.id FROM awards w WHERE w.decision_id = d.id),
	    'letter', (SELECT jsonb_build_object('locale', l.locale,
		'subject', l.subject, 'body', l.body)
		FROM decision_letters l WHERE l.decision_id = d.id),
	    'version', d.version)
	|| CASE WHEN staff THEN jsonb_build_object(
	    'requested_vnd', a.amount_requested_vnd,
	    'proposal', CASE WHEN d.proposed_outcome IS NOT NULL THEN
		jsonb_build_object('outcome', d.proposed_outcome,
		'amount_vnd', d.proposed_amount_vnd, 'reason', d.proposal_reason,
		'rank', d.rank) END,
	    'departs', CASE WHEN d.proposed_outcome IS NOT NULL THEN
		decision_departs(d.outcome, d.amount_vnd, d.proposed_outcome,
		d.proposed_amount_vnd) END,
	    'departure_reason', d.departure_reason,
	    'replaces_id', d.replaces_id,
	    'decided_by', d.decided_by,
	    'decided_at', call_time_utc(d.decided_at),
	    'released_by', d.released_by,
	    'reversed_at', call_time_utc(d.reversed_at),
	    'reversal', (SELECT jsonb_build_object('kind', r.kind,
		'reason', r.reason, 'reversed_by', r.reversed_by,
		'reversed_at', call_time_utc(r.reversed_at))
		FROM decision_reversals r WHERE r.decision_id = d.id))
	ELSE '{}' END
	FROM applications a WHERE a.id = d.application_id
$$;

CREATE FUNCTION api_reconsideration(k reconsiderations, staff boolean)
RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object(
	    'id', k.id,
	    'application_id', k.application_id,
	    'decision_id', k.decision_id,
	    'reason', k.reason,
	    'requested_at', call_time_utc(k.requested_at),
	    'status', k.status,
	    'answer', k.answer,
	    'answered_at', call_time_utc(k.answered_at),
	    'new_decision_id', k.new_decision_id,
	    'version', k.version)
	|| CASE WHEN staff THEN jsonb_build_object(
	    'reference', (SELECT reference FROM applications
		WHERE id = k.application_id),
	    'answered_by', k.answered_by) ELSE '{}' END
$$;

-- The decision on an application: her current one (an applicant sees it
-- only once released: NULL before, which the handler answers with 404),
-- whether and until when she may ask for a reconsideration, her request,
-- her award; staff also see every earlier decision.
CREATE FUNCTION api_application_decision(app_id bigint, staff boolean)
RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'application_id', a.id,
	    'reference', a.reference,
	    'application_status', a.status,
	    'decision', api_decision(d, staff),
	    'can_ask_reconsideration', d.status = 'released'
		AND d.outcome <> 'funded' AND now() <= d.reconsider_until
		AND NOT EXISTS (SELECT 1 FROM reconsiderations k
		    WHERE k.application_id = a.id),
	    'reconsideration', (SELECT api_reconsideration(k, staff)
		FROM reconsiderations k WHERE k.application_id = a.id),
	    'award', (SELECT jsonb_build_object('id', w.id,
		'amount_vnd', w.amount_vnd, 'status', w.status,
		'paid_vnd', award_paid(w.id))
		FROM awards w WHERE w.application_id = a.id
		ORDER BY w.id DESC LIMIT 1),
	    'history', CASE WHEN staff THEN (SELECT coalesce(jsonb_agg(
		api_decision(h, true) ORDER BY h.id), '[]')
		FROM decisions h WHERE h.application_id = a.id
		AND h.status = 'reversed') ELSE (SELECT coalesce(jsonb_agg(
		jsonb_build_object('id', h.id, 'outcome', h.outcome,
		'amount_vnd', h.amount_vnd, 'released_at',
		call_time_utc(h.released_at), 'reversed_at',
		call_time_utc(h.reversed_at)) ORDER BY h.id), '[]')
		FROM decisions h WHERE h.application_id = a.id
		AND h.status = 'reversed') END)
	FROM applications a
	JOIN decisions d ON d.application_id = a.id AND d.status <> 'reversed'
	WHERE a.id = app_id AND (staff OR d.status = 'released')
$$;

-- The decisions of a call as staff see them: the settings, the budget and
-- what is committed, counts, the reviewed applications still undecided,
-- every decision, and the requests for reconsideration.
CREATE FUNCTION api_call_decisions(cid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'call_id', c.id,
	    'call_status', c.status,
	    'scoring_closed_at', call_time_utc(c.scoring_closed_at),
	    'settings', decision_settings_json(c),
	    'budget', json_build_object(
		'budget_vnd', c.budget_vnd,
		'committed_vnd', decision_committed(c.id),
		'pending_funded_vnd', (SELECT coalesce(sum(amount_vnd), 0)
		    FROM decisions WHERE call_id = c.id AND status = 'pending'
		    AND outcome = 'funded'),
		'available_vnd', c.budget_vnd - decision_committed(c.id)),
	    'counts', (SELECT json_build_object(
		'pending', count(*) FILTER (WHERE status = 'pending'),
		'released', count(*) FILTER (WHERE status = 'released'),
		'reversed', count(*) FILTER (WHERE status = 'reversed'),
		'funded', count(*) FILTER (WHERE status <> 'reversed'
		    AND outcome = 'funded'),
		'waitlisted', count(*) FILTER (WHERE status <> 'reversed'
		    AND outcome = 'waitlisted'),
		'rejected', count(*) FILTER (WHERE status <> 'reversed'
		    AND outcome = 'rejected'),
		'departures', count(*) FILTER (WHERE status <> 'reversed'
		    AND source = 'staff' AND decision_departs(outcome,
		    amount_vnd, proposed_outcome, proposed_amount_vnd)))
		FROM decisions WHERE call_id = c.id),
	    'undecided', (SELECT coalesce(json_agg(json_build_object(
		'application_id', a.id, 'reference', a.reference,
		'business_name', a.business_name) ORDER BY a.id), '[]')
		FROM applications a WHERE a.call_id = c.id
		AND a.status = 'reviewed' AND NOT EXISTS (SELECT 1
		    FROM decisions d WHERE d.application_id = a.id
		    AND d.status <> 'reversed')),
	    'items', (SELECT coalesce(json_agg(api_decision(d, true)
		ORDER BY d.id), '[]') FROM decisions d WHERE d.call_id = c.id),
	    'reconsiderations', (SELECT coalesce(json_agg(
		api_reconsideration(k, true) ORDER BY k.status <> 'open', k.id),
		'[]') FROM reconsiderations k WHERE k.call_id = c.id))
	FROM calls c WHERE c.id = cid AND c.status <> 'draft'
$$;

SET check_function_bodies = off;

-- An award with its tranches (how each opens, whether it is open, what
-- was paid of it), its payments and totals.  Staff also see who
-- recorded and approved what.
CREATE FUNCTION api_award(w awards, staff boolean) RETURNS json
LANGUAGE sql STABLE AS $$
	SELECT json_build_object(
	    'id', w.id,
	    'decision_id', w.decision_id,
	    'application_id', w.application_id,
	    'reference', a.reference,
	    'business_name', a.business_name,
	    'call', json_build_object('id', c.id, 'title',
		json_build_object('vi', c.title_vi, 'en', c.title_en)),
	    'business_id', b.id,
	    'amount_vnd', w.amount_vnd,
	    'status', w.status,
	    'ended_reason', w.ended_reason,
	    'ended_at', call_time_utc(w.ended_at),
	    'created_at', call_time_utc(w.created_at),
	    'version', w.version,
	    'tranches', (SELECT coalesce(json_agg(json_build_object(
		'number', t.number,
		'amount_vnd', t.amount_vnd,
		'pct', round(t.amount_vnd * 100.0 / w.amount_vnd, 1),
		'gate', CASE WHEN t.number = 1 THEN json_build_object(
		    'kind', 'award')
		    WHEN t.gate_checkin IS NULL THEN json_build_object(
		    'kind', 'staff_approval',
		    'approved', t.approved_at IS NOT NULL,
		    'approved_at', call_time_utc(t.approved_at),
		    'note', t.approval_note)
		    ELSE json_build_object('kind', 'checkin',
		    'checkin_number', t.gate_checkin,
		    'checkin_label', s.label,
		    'checkin_due_on', s.due_on,
		    'checkin_status', coalesce(k.status, 'none'),
		    'approved', coalesce(k.status = 'approved', false)) END,
		'gate_open', award_gate_met(t),
		'open', w.status = 'active' AND award_tranche_open(w.id, t.number),
		'paid_vnd', tranche_paid(t.id),
		'remaining_vnd', t.amount_vnd - tranche_paid(t.id))
		ORDER BY t.number), '[]')
		FROM award_tranches t
		LEFT JOIN followup_schedule s ON s.business_id = b.id
		    AND s.number = t.gate_checkin
		LEFT JOIN checkins k ON k.schedule_id = s.id
		WHERE t.award_id = w.id),
	    'disbursements', (SELECT coalesce(json_agg(json_build_object(
		'id', x.id,
		'tranche', t.number,
		'amount_vnd', x.amount_vnd,
		'paid_on', x.paid_on,
		'method', x.method,
		'reference', x.reference,
		'recorded_at', call_time_utc(x.recorded_at),
		'recorded_by', CASE WHEN staff THEN x.recorded_by END)
		ORDER BY x.id), '[]')
		FROM disbursements x JOIN award_tranches t ON t.id = x.tranche_id
		WHERE x.award_id = w.id),
	    'totals', json_build_object(
		'amount_vnd', w.amount_vnd,
		'paid_vnd', award_paid(w.id),
		'remaining_vnd', CASE WHEN w.status = 'active'
		    THEN w.amount_vnd - award_paid(w.id) ELSE 0 END,
		'payable_now_vnd', CASE WHEN w.status = 'active' THEN
		    (SELECT coalesce(sum(t.amount_vnd - tranche_paid(t.id)), 0)
		    FROM award_tranches t WHERE t.award_id = w.id
		    AND award_tranche_open(w.id, t.number)) ELSE 0 END))
	FROM applications a
	JOIN calls c ON c.id = a.call_id
	LEFT JOIN businesses b ON b.application_id = a.id
	WHERE a.id = w.application_id
$$;

RESET check_function_bodies;

-- The awards of a call with their totals; every figure from one snapshot,
-- so that they always add up: committed = pending funded decisions +
-- active awards + what was paid of ended ones; paid = every payment.
CREATE FUNCTION api_call_awards(cid bigint) RETURNS json
LANGUAGE sql STABLE AS $$
	WITH aw AS (
		SELECT w.*, award_paid(w.id) AS paid, a.reference,
		    a.business_name
		FROM awards w JOIN applications a ON a.id = w.application_id
		WHERE w.call_id = cid),
	pend AS (
		SELECT coalesce(sum(amount_vnd), 0)::bigint AS v FROM decisions
		WHERE call_id = cid AND status = 'pending' AND outcome = 'funded')
	SELECT json_build_object(
	    'call_id', c.id,
	    'call_status', c.status,
	    'totals', json_build_object(
		'budget_vnd', c.budget_vnd,
		'pending_vnd', (SELECT v FROM pend),
		'awarded_vnd', (SELECT coalesce(sum(amount_vnd), 0) FROM aw
		    WHERE status = 'active'),
		'paid_vnd', (SELECT coalesce(sum(paid), 0) FROM aw),
		'paid_ended_vnd', (SELECT coalesce(sum(paid), 0) FROM aw
		    WHERE status <> 'active'),
		'to_pay_vnd', (SELECT coalesce(sum(amount_vnd - paid), 0) FROM aw
		    WHERE status = 'active'),
		'committed_vnd', (SELECT v FROM pend)
		    + (SELECT coalesce(sum(CASE WHEN status = 'active'
			THEN amount_vnd ELSE paid END), 0) FROM aw),
		'available_vnd', c.budget_vnd - (SELECT v FROM pend)
		    - (SELECT coalesce(sum(CASE WHEN status = 'active'
			THEN amount_vnd ELSE paid END), 0) FROM aw),
		'awards', (SELECT count(*) FROM aw),
		'active', (SELECT count(*) FROM aw WHERE status = 'active')),
	    'items', (SELECT coalesce(json_agg(json_build_object(
		'id', aw.id,
		'application_id', aw.application_id,
		'reference', aw.reference,
		'business_name', aw.business_name,
		'status', aw.status,
		'amount_vnd', aw.amount_vnd,
		'paid_vnd', aw.paid,
		'remaining_vnd', CASE WHEN aw.status = 'active'
		    THEN aw.amount_vnd - aw.paid ELSE 0 END,
		'committed_vnd', CASE WHEN aw.status = 'active'
		    THEN aw.amount_vnd ELSE aw.paid END,
		'tranches', (SELECT count(*) FROM award_tranches t
		    WHERE t.award_id = aw.id),
		'ended_reason', aw.ended_reason) ORDER BY aw.id), '[]') FROM aw))
	FROM calls c WHERE c.id = cid AND c.status <> 'draft'
$$;

-- ==== messages ====

INSERT INTO message_templates (event, locale, subject, body) VALUES
	('decision.funded', 'vi',
	 'Sen: hồ sơ {reference} được hỗ trợ — {call}',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 '{intro}Chúc mừng chị! Hồ sơ {reference} ("{business}") gửi đợt hỗ trợ "{call}" được hỗ trợ {amount}.' || chr(10) || chr(10) ||
	 'Lý do: {rationale}' || chr(10) || chr(10) ||
	 'Khoản hỗ trợ được giải ngân theo các đợt:' || chr(10) ||
	 '{tranches}{comments}' || chr(10) ||
	 'Nếu chị không nhận khoản hỗ trợ này, xin hãy báo từ chối trên Sen để kinh phí được chuyển cho hồ sơ tiếp theo trong danh sách chờ.' || chr(10) || chr(10) ||
	 'Xem chi tiết trên Sen.'),
	('decision.funded', 'en',
	 'Sen: application {reference} is funded — {call}',
	 'Dear {name},' || chr(10) || chr(10) ||
	 '{intro}Congratulations! Your application {reference} ("{business}") to "{call}" is funded: {amount}.' || chr(10) || chr(10) ||
	 'Rationale: {rationale}' || chr(10) || chr(10) ||
	 'The award is paid in tranches:' || chr(10) ||
	 '{tranches}{comments}' || chr(10) ||
	 'If you do not take up this award, please decline it on Sen, so that the money goes to the next application on the waitlist.' || chr(10) || chr(10) ||
	 'See the details on Sen.'),
	('decision.waitlisted', 'vi',
	 'Sen: hồ sơ {reference} trong danh sách chờ — {call}',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 '{intro}Hồ sơ {reference} ("{business}") gửi đợt hỗ trợ "{call}" được xếp vào danh sách chờ. Khi có kinh phí được giải phóng, các hồ sơ trong danh sách chờ được mời nhận hỗ trợ theo thứ tự xếp hạng, và chị sẽ nhận được thư báo.' || chr(10) || chr(10) ||
	 'Lý do: {rationale}' || chr(10) ||
	 '{comments}{reconsideration}' || chr(10) ||
	 'Xem chi tiết trên Sen.'),
	('decision.waitlisted', 'en',
	 'Sen: application {reference} is on the waitlist — {call}',
	 'Dear {name},' || chr(10) || chr(10) ||
	 '{intro}Your application {reference} ("{business}") to "{call}" is on the waitlist. When funds are freed, applications on the waitlist are offered an award in the order of the ranking, and you will get a letter.' || chr(10) || chr(10) ||
	 'Rationale: {rationale}' || chr(10) ||
	 '{comments}{reconsideration}' || chr(10) ||
	 'See the details on Sen.'),
	('decision.rejected', 'vi',
	 'Sen: kết quả hồ sơ {reference} — {call}',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 '{intro}Rất tiếc, hồ sơ {reference} ("{business}") chưa được hỗ trợ trong đợt "{call}".' || chr(10) || chr(10) ||
	 'Lý do: {rationale}' || chr(10) ||
	 '{comments}{reconsideration}' || chr(10) ||
	 'Xem chi tiết trên Sen.'),
	('decision.rejected', 'en',
	 'Sen: the decision on application {reference} — {call}',
	 'Dear {name},' || chr(10) || chr(10) ||
	 '{intro}We are sorry: your application {reference} ("{business}") to "{call}" is not funded.' || chr(10) || chr(10) ||
	 'Rationale: {rationale}' || chr(10) ||
	 '{comments}{reconsideration}' || chr(10) ||
	 'See the details on Sen.'),
	('reconsideration.answered', 'vi',
	 'Sen: trả lời đề nghị xem xét lại hồ sơ {reference}',
	 'Chào chị {name},' || chr(10) || chr(10) ||
	 'Đề nghị xem xét lại hồ sơ {reference} của chị đã được trả lời: {result}.' || chr(10) || chr(10) ||
	 '{answer}' || chr(10) || chr(10) ||
	 'Xem chi tiết trên Sen.'),
	('reconsideration.answered', 'en',
	 'Sen: your request for reconsideration of {reference} is answered',
	 'Dear {name},' || chr(10) || chr(10) ||
	 'Your request for reconsideration of application {reference} has been answered: {result}.' || chr(10) || chr(10) ||
	 '{answer}' || chr(10) || chr(10) ||
	 'See the details on Sen.');

-- ==== audit ====

CREATE TRIGGER decisions_audit AFTER INSERT OR UPDATE OR DELETE ON decisions
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER decision_reversals_audit AFTER INSERT ON decision_reversals
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER awards_audit AFTER INSERT OR UPDATE ON awards
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER award_tranches_audit AFTER INSERT OR UPDATE OR DELETE
	ON award_tranches FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER disbursements_audit AFTER INSERT ON disbursements
	FOR EACH ROW EXECUTE FUNCTION audit_row();
CREATE TRIGGER reconsiderations_audit AFTER INSERT OR UPDATE
	ON reconsiderations FOR EACH ROW EXECUTE FUNCTION audit_row();
