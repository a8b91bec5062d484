// Rows of the role matrix (tests/api/routes.test.mjs) for the committee
// routes (app/review/committee*.c); also the helpers that the committee
// and assignment tests share: calls with eligible applications made in
// SQL (the intake API is tested on its own), reviewer accounts made by
// staff through the API with sessions written in SQL (no scrypt), and
// assignments as rows.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { api, db, scalar, unique } from '../lib.mjs';
import { createUser } from '../fixtures.mjs';
import { makeCall } from '../apps_fixtures.mjs';
import { MISSING_ID } from '../routetable.mjs';

// Every table a committee request could write.
export const COMMITTEE_TABLES = ['call_reviewers', 'conflicts', 'assignments', 'reviews', 'outbox', 'audit_log', 'calls', 'applications'];

// A call open for applications, k reviewers per application, reviews due
// in `due` days (null: no due date).
export async function reviewCall({ k = 2, due = 14 } = {}) {
  const id = await makeCall({ reviewers_per_application: k });
  if (due !== null) await db.query("UPDATE calls SET review_due_at = date_trunc('second', now()) + make_interval(days => $2) WHERE id = $1", [id, due]);
  return id;
}

// n applications of the call, each by its own applicant (one active
// application per applicant and call), complete, moved along the
// allowed transitions to `status`.  Returns their ids, ascending.
export async function makeApps(callId, n, status = 'eligible') {
  const tag = unique('ap');
  const { rows } = await db.query(`
    WITH u AS (
      INSERT INTO users (email, full_name, role)
      SELECT $2 || '-' || g || '@sen.test', 'Nguyễn Thị Bí Mật ' || g, 'applicant'
      FROM generate_series(1, $3::int) g RETURNING id),
    a AS (
      INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
        problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd,
        budget_lines, women_capital_pct, woman_manager, ward_code)
      SELECT $1, u.id, 'Cơ sở ' || u.id, 'idea', 'food_beverage', 'Bánh cuốn tráng tay',
        'Người đi làm', 'Mua nồi tráng bánh', 3, 2, 2, 30000000,
        '[{"item": "Nồi", "amount_vnd": 30000000}]', 100, true, '00049'
      FROM u RETURNING id)
    SELECT id FROM a ORDER BY id`, [callId, tag, n]);
  const ids = rows.map((r) => Number(r.id));
  const path = { draft: [], submitted: ['submitted'], screening: ['submitted', 'screening'],
    eligible: ['submitted', 'screening', 'eligible'], ineligible: ['submitted', 'screening', 'ineligible'],
    in_review: ['submitted', 'screening', 'eligible', 'in_review'] }[status];
  for (const st of path) {
    await db.query(`UPDATE applications SET status = $2,
        screening_reason = CASE WHEN $2 = 'ineligible' THEN 'Không thuộc đối tượng' ELSE screening_reason END
      WHERE id = ANY($1::bigint[])`, [ids, st]);
  }
  return ids;
}

// A session for a user, written in SQL: the token the API accepts.
export async function sessionFor(userId) {
  const token = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO sessions (token_hash, user_id, expires_at)
    VALUES (sha256(convert_to($1, 'UTF8')), $2, now() + interval '2 hours')`, [token, userId]);
  return token;
}

// n reviewer accounts made by staff through the API; { id, token, name }.
export async function newReviewers(staffToken, n, fields = {}) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const made = await createUser(staffToken, { role: 'reviewer', full_name: `Thành viên ${unique('hd')}`, ...fields });
    out.push({ id: made.user.id, name: made.user.full_name, email: made.user.email, token: await sessionFor(made.user.id) });
  }
  return out;
}

// The committee, in SQL.
export async function setCommittee(callId, reviewerIds) {
  for (const r of reviewerIds) {
    await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [callId, r]);
  }
}

// An assignment as a row; released (due with the call) when asked.
export async function sqlAssign(callId, appId, reviewerId, { released = false, source = 'manual' } = {}) {
  const { rows } = await db.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, released_at, due_at)
    SELECT $1, $2, $3, $4, CASE WHEN $5 THEN now() END, CASE WHEN $5 THEN c.review_due_at END
    FROM calls c WHERE c.id = $1 RETURNING id`, [callId, appId, reviewerId, source, released]);
  return Number(rows[0].id);
}

export async function committeeEtag(token, callId) {
  const r = await api('GET', `/api/calls/${callId}/reviewers`, { token });
  assert.equal(r.status, 200, r.text);
  return r.headers.get('etag');
}

export const scalarNum = async (sql, params) => Number(await scalar(sql, params));

export default function rows({ tokens, ids, others }) {
  // A call with one eligible application and the demo reviewer on its committee.
  const prepared = async ({ committee = true, assign = false, released = false } = {}) => {
    const call = await reviewCall();
    const [app] = await makeApps(call, 1);
    if (committee) await setCommittee(call, [ids.reviewer]);
    const assignment = assign ? await sqlAssign(call, app, ids.reviewer, { released }) : null;
    return { call, app, assignment };
  };

  return {
    'GET /api/calls/{id}/reviewers': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => prepared(),
      call: (token, p) => api('GET', `/api/calls/${p.call}/reviewers`, { token }),
    },
    'PUT /api/calls/{id}/reviewers': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const p = await prepared({ committee: false });
        p.etag = await committeeEtag(tokens.staff, p.call);
        return p;
      },
      call: (token, p) => api('PUT', `/api/calls/${p.call}/reviewers`, {
        token, headers: { 'if-match': p.etag }, body: { reviewer_ids: [ids.reviewer] },
      }),
    },
    'GET /api/calls/{id}/conflicts': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => prepared(),
      call: (token, p) => api('GET', `/api/calls/${p.call}/conflicts`, { token }),
    },
    'POST /api/calls/{id}/conflicts': {
      allowed: ['staff', 'admin'], ok: 201, prep: () => prepared(),
      call: (token, p) => api('POST', `/api/calls/${p.call}/conflicts`, {
        token, body: { application_id: p.app, reviewer_id: ids.reviewer, type: 'business', reason: 'Đối tác kinh doanh' },
      }),
    },
    'GET /api/calls/{id}/assignments': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => prepared({ assign: true }),
      call: (token, p) => api('GET', `/api/calls/${p.call}/assignments`, { token }),
    },
    'POST /api/calls/{id}/assignments': {
      allowed: ['staff', 'admin'], ok: 201, prep: () => prepared(),
      call: (token, p) => api('POST', `/api/calls/${p.call}/assignments`, {
        token, body: { application_id: p.app, reviewer_id: ids.reviewer },
      }),
    },
    'POST /api/calls/{id}/assignments/auto': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => prepared(),
      call: (token, p) => api('POST', `/api/calls/${p.call}/assignments/auto`, { token }),
    },
    'POST /api/calls/{id}/assignments/release': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => prepared({ assign: true }),
      call: (token, p) => api('POST', `/api/calls/${p.call}/assignments/release`, { token }),
    },
    'DELETE /api/assignments/{id}': {
      allowed: ['staff', 'admin'], ok: 204, prep: () => prepared({ assign: true }),
      call: (token, p) => api('DELETE', `/api/assignments/${p.assignment}`, { token }),
    },
    'POST /api/assignments/{id}/declaration': {
      allowed: ['reviewer'], ok: 200, prep: () => prepared({ assign: true, released: true }),
      // Another reviewer's assignment (tests/api/ownership.test.mjs).
      other: {
        reviewer: async () => {
          const p = await prepared();
          await setCommittee(p.call, [ids.reviewer, others.reviewer]);
          p.assignment = await sqlAssign(p.call, p.app, others.reviewer, { released: true });
          return { arg: p, missing: { ...p, assignment: MISSING_ID } };
        },
      },
      call: (token, p) => api('POST', `/api/assignments/${p.assignment}/declaration`, { token, body: { conflict: false } }),
    },
    'GET /api/reviews/mine': {
      allowed: ['reviewer'], ok: 200,
      call: (token) => api('GET', '/api/reviews/mine', { token }),
    },
    'GET /api/calls/{id}/reviews/overdue': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => prepared({ assign: true, released: true }),
      call: (token, p) => api('GET', `/api/calls/${p.call}/reviews/overdue`, { token }),
    },
  };
}
