// Rows of the role matrix (tests/api/routes.test.mjs) for blind scoring:
// the blind view, a reviewer's own review, the reviews and discussion of
// an application, and the close of scoring.  Also the helpers the review
// tests (reviews.test.mjs, blind.test.mjs) make their cases with: calls
// with an anchored rubric, applicants and applications in SQL moved along
// the allowed transitions, committees and released assignments in SQL
// (the committee endpoints are tested on their own), reviewers who log in.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { api, db, login } from '../lib.mjs';
import { PASSWORD, createUser, freshEmail } from '../fixtures.mjs';
import { fullDraft, ifMatch, makeCall } from '../apps_fixtures.mjs';
import { theirs } from '../routetable.mjs';

// Every table a review request could write.
export const REVIEW_TABLES = ['reviews', 'review_revisions', 'discussion_posts', 'audit_log', 'applications',
  'application_events', 'outbox', 'calls'];

// A call with makeCall's rubric (impact 0..10 weight 60, feasibility
// 0..10 weight 40), each criterion anchored at 0, 5 and 10, opened.
export async function reviewCall(cols = {}) {
  const id = await makeCall({ status: 'draft', ...cols });
  await db.query(`INSERT INTO criterion_anchors (criterion_id, score, text_vi, text_en)
    SELECT k.id, s.score, s.vi || ' (' || k.key || ')', s.en || ' (' || k.key || ')'
    FROM call_criteria k,
      (VALUES (0, 'Chưa có gì', 'Nothing yet'), (5, 'Trung bình', 'Average'), (10, 'Xuất sắc', 'Excellent')) s(score, vi, en)
    WHERE k.call_id = $1`, [id]);
  await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [id]);
  return id;
}

// The call stops taking applications and goes under review.
export async function toReviewing(callId) {
  await db.query("UPDATE calls SET status = 'closed' WHERE id = $1 AND status = 'open'", [callId]);
  await db.query("UPDATE calls SET status = 'reviewing' WHERE id = $1 AND status = 'closed'", [callId]);
}

// An applicant who never logs in (the role matrix and most review tests
// need her application, not her session).
export async function sqlApplicant(name = 'Lê Thị Thu') {
  const phone = `+8491${String(randomInt(1e7)).padStart(7, '0')}`;
  const { rows } = await db.query(`INSERT INTO users (email, full_name, role, phone)
    VALUES ($1, $2, 'applicant', $3) RETURNING id`, [freshEmail('ap'), name, phone]);
  return Number(rows[0].id);
}

const PATH = {
  draft: [],
  submitted: ['submitted'],
  screening: ['submitted', 'screening'],
  eligible: ['submitted', 'screening', 'eligible'],
  ineligible: ['submitted', 'screening', 'ineligible'],
  in_review: ['submitted', 'screening', 'eligible', 'in_review'],
  reviewed: ['submitted', 'screening', 'eligible', 'in_review', 'reviewed'],
};

// A complete application of a new applicant to an open call, moved along
// the allowed transitions to status.  Returns its id.
export async function sqlApp(callId, status = 'in_review', over = {}) {
  const d = fullDraft(over);
  const applicant = await sqlApplicant();
  const { rows } = await db.query(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector,
      description, problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd,
      budget_lines, women_capital_pct, woman_manager, ward_code)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '00037') RETURNING id`,
  [callId, applicant, d.business_name, d.stage, d.sector, d.description, d.problem_customers, d.plan, d.team_size,
    d.women_employed, d.jobs_planned, d.amount_requested_vnd, JSON.stringify(d.budget_lines), d.women_capital_pct,
    d.woman_manager]);
  const id = Number(rows[0].id);
  await moveApp(id, status);
  return id;
}

// Move an application on to status along the allowed transitions.
export async function moveApp(id, status) {
  const { rows } = await db.query('SELECT status FROM applications WHERE id = $1', [id]);
  const path = PATH[status];
  for (const st of path.slice(path.indexOf(rows[0].status) + 1)) {
    await db.query(`UPDATE applications SET status = $2, screening_reason = CASE WHEN $2 = 'ineligible'
      THEN 'Không thuộc đối tượng hỗ trợ' ELSE screening_reason END WHERE id = $1`, [id, st]);
  }
}

// Put a reviewer on the call's committee and assign her the application:
// released and declared free of conflict unless told otherwise.
export async function assign(callId, appId, reviewerId, { released = true, declared = true } = {}) {
  await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [callId, reviewerId]);
  const { rows } = await db.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, released_at,
      no_conflict_at, due_at)
    VALUES ($1, $2, $3, 'manual', CASE WHEN $4 THEN now() END, CASE WHEN $5 THEN now() END,
      CASE WHEN $4 THEN now() + interval '14 days' END)
    RETURNING id`, [callId, appId, reviewerId, released, declared]);
  return Number(rows[0].id);
}

// A reviewer account made by staff, with a password, logged in.
export async function newReviewer(staffToken, name) {
  const made = await createUser(staffToken, { role: 'reviewer', full_name: name });
  const r = await api('POST', '/api/auth/set-password', { body: { token: made.set_password_token, password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  const token = await login({ email: made.user.email, password: PASSWORD });
  return { id: Number(made.user.id), token, name, email: made.user.email };
}

export const putReview = (token, appId, body, etag) => api('PUT', `/api/applications/${appId}/review`,
  { token, body, headers: etag ? ifMatch(etag) : {} });
export const submitReview = (token, appId, etag) => api('POST', `/api/applications/${appId}/review/submit`,
  { token, headers: ifMatch(etag) });

// Save and submit a complete review; returns the submitted review.
export async function reviewed(token, appId, scores, recommendation = 'fund', extra = {}) {
  const cur = await api('GET', `/api/applications/${appId}/review`, { token });
  const etag = cur.status === 200 ? cur.json.version : undefined;
  const p = await putReview(token, appId, { scores, recommendation, ...extra }, etag);
  assert.ok(p.status === 200 || p.status === 201, `save: ${p.text}`);
  const s = await submitReview(token, appId, p.json.version);
  assert.equal(s.status, 200, `submit: ${s.text}`);
  return s.json;
}

export default function rows({ tokens, ids, others }) {
  // An application assigned to another reviewer, not to her
  // (tests/api/ownership.test.mjs).
  const notHers = theirs(async () => {
    const call = await reviewCall();
    const app = await sqlApp(call);
    await assign(call, app, others.reviewer);
    return app;
  });
  // An application in review that the demo reviewer may score.
  const mine = async () => {
    const call = await reviewCall();
    const app = await sqlApp(call);
    await assign(call, app, ids.reviewer);
    return app;
  };
  // The same with her draft, complete.
  const drafted = async () => {
    const app = await mine();
    const r = await putReview(tokens.reviewer, app, { scores: { impact: 7, feasibility: 6 }, recommendation: 'fund' });
    assert.equal(r.status, 201, r.text);
    return app;
  };
  // The same, submitted: the others' reviews and the discussion are open.
  const submitted = async () => {
    const app = await mine();
    await reviewed(tokens.reviewer, app, { impact: 7, feasibility: null });
    return app;
  };

  return {
    'GET /api/applications/{id}/blind': {
      other: { reviewer: notHers },
      allowed: ['reviewer'], ok: 200, prep: mine,
      call: (token, id) => api('GET', `/api/applications/${id}/blind`, { token }),
    },
    'GET /api/applications/{id}/review': {
      other: { reviewer: notHers },
      allowed: ['reviewer'], ok: 200, prep: drafted,
      call: (token, id) => api('GET', `/api/applications/${id}/review`, { token }),
    },
    'PUT /api/applications/{id}/review': {
      other: { reviewer: notHers },
      allowed: ['reviewer'], ok: 201, prep: mine,
      call: (token, id) => putReview(token, id, { scores: { impact: 5 }, comment_committee: 'Kế hoạch còn sơ sài.' }),
    },
    'POST /api/applications/{id}/review/submit': {
      other: { reviewer: notHers },
      allowed: ['reviewer'], ok: 200, prep: drafted,
      call: (token, id) => submitReview(token, id, 1),
    },
    'GET /api/applications/{id}/reviews': {
      other: { reviewer: notHers },
      allowed: ['reviewer', 'staff', 'admin'], ok: 200, prep: submitted,
      call: (token, id) => api('GET', `/api/applications/${id}/reviews`, { token }),
    },
    'GET /api/applications/{id}/discussion': {
      other: { reviewer: notHers },
      allowed: ['reviewer', 'staff', 'admin'], ok: 200, prep: submitted,
      call: (token, id) => api('GET', `/api/applications/${id}/discussion`, { token }),
    },
    'POST /api/applications/{id}/discussion': {
      other: { reviewer: notHers },
      allowed: ['reviewer', 'staff', 'admin'], ok: 201, prep: submitted,
      call: (token, id) => api('POST', `/api/applications/${id}/discussion`,
        { token, body: { body: 'Điểm tác động hơi cao so với kế hoạch.' } }),
    },
    'POST /api/calls/{id}/scoring/close': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const call = await reviewCall();
        await toReviewing(call);
        return call;
      },
      call: (token, id) => api('POST', `/api/calls/${id}/scoring/close`, { token }),
    },
  };
}
