// Helpers for the decision and award tests (and their role-matrix rows):
// calls whose ranking is made by hand in SQL, decided through the API.
// A decision call has one criterion, "merit" out of 100 with weight 100,
// and needs one review per application, so that the one review's score
// is the application's merit and a ranking is written down directly.
// Committees, assignments, reviews and verified claims are rows made
// here (their routes are tested elsewhere).  Not a test file itself.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, db, scalar } from './lib.mjs';
import { freshEmail } from './fixtures.mjs';
import { ALL_WARDS, fullDraft } from './apps_fixtures.mjs';

// Every table a decision or award request could write.
export const DEC_TABLES = ['decisions', 'decision_reversals', 'decision_letters', 'awards', 'award_tranches',
  'disbursements', 'reconsiderations', 'applications', 'application_events', 'outbox', 'audit_log', 'businesses',
  'followup_schedule', 'calls'];

export const M = 1000000;

// A user made in SQL (no password: never logs in).
export async function sqlUser(role, name, locale = 'vi') {
  return Number(await scalar('INSERT INTO users (email, full_name, role, locale) VALUES ($1, $2, $3, $4) RETURNING id',
    [freshEmail(role), name, role, locale]));
}

// An open call (columns of calls override), its one-criterion rubric, a
// reviewer on its committee.  { id, reviewer }.
export async function decisionCall(cols = {}) {
  const c = {
    title_vi: 'Đợt quyết định', title_en: 'Decision round', description_vi: 'Thử', description_en: 'Test',
    opens_at: new Date(Date.now() - 86400e3).toISOString(), closes_at: new Date(Date.now() + 30 * 86400e3).toISOString(),
    budget_vnd: 100 * M, max_award_vnd: 50 * M, stages: ['idea', 'startup', 'new_business'], wards: ALL_WARDS,
    reviewers_per_application: 1, bonus_poor: 0, bonus_near_poor: 0, bonus_hardship: 0, bonus_disability: 0,
    ...cols,
  };
  const names = Object.keys(c);
  const client = await db.connect();
  let id;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`INSERT INTO calls (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      names.map((k) => c[k]));
    id = Number(rows[0].id);
    await client.query(`INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight)
      VALUES ($1, 1, 'merit', 'Điểm', 'Merit', 100, 100)`, [id]);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [id]);
  const reviewer = await sqlUser('reviewer', 'Người chấm Bí Danh');
  await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [id, reviewer]);
  return { id, reviewer };
}

// An application of `applicant` (a new SQL user when absent) in review,
// with its verified claims (categories) and one submitted review scoring
// `merit`, with a comment for her and one for the committee.
export async function rankedApp(call, {
  merit, amount = 30 * M, claims = [], submitted, applicant, name = 'Bánh cuốn Thanh Trì',
  comment = 'Kế hoạch rõ ràng.', confidential = 'Chỉ dành cho hội đồng.', review = true,
} = {}) {
  const who = applicant || await sqlUser('applicant', 'Nguyễn Thị Nộp');
  const d = fullDraft({ business_name: name, amount_requested_vnd: amount, budget_lines: [{ item: 'Thiết bị', amount_vnd: amount }] });
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
        problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
        woman_manager, ward_code)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '00037') RETURNING id`,
    [call.id, who, d.business_name, d.stage, d.sector, d.description, d.problem_customers, d.plan, d.team_size,
      d.women_employed, d.jobs_planned, d.amount_requested_vnd, JSON.stringify(d.budget_lines), d.women_capital_pct, d.woman_manager]);
    const id = Number(rows[0].id);
    for (const st of ['submitted', 'screening', 'eligible', 'in_review']) {
      await client.query('UPDATE applications SET status = $2 WHERE id = $1', [id, st]);
    }
    if (submitted) await client.query('UPDATE applications SET submitted_at = $2 WHERE id = $1', [id, submitted]);
    for (const category of claims) {
      await client.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
        VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', 1000, $3, $4)`,
      [id, category === 'disability' ? 'disability_certificate' : 'household_certificate',
        createHash('sha256').update(`${id}${category}`).digest(), who]);
      await client.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until,
          status, decided_by, decided_at)
        VALUES ($1, $2, 'GCN-1', current_date - 30, current_date + 300, 'verified', $3, now())`, [id, category, who]);
    }
    if (review) {
      await client.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, released_at, no_conflict_at)
        VALUES ($1, $2, $3, 'manual', now(), now())`, [call.id, id, call.reviewer]);
      await client.query(`INSERT INTO reviews (application_id, reviewer_id, scores, comment_applicant, comment_committee,
          recommendation, status, submitted_at)
        VALUES ($1, $2, $3, $4, $5, 'maybe', 'submitted', now())`,
      [id, call.reviewer, JSON.stringify({ merit }), comment, confidential]);
    }
    await client.query('COMMIT');
    const reference = await scalar('SELECT reference FROM applications WHERE id = $1', [id]);
    return { id, reference, applicant: who, amount, merit };
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

// Close the call and its scoring: applications with their review become
// reviewed (scoring_close of migrations/0003).
export async function closeScoring(call) {
  for (const s of ['closed', 'reviewing']) await db.query('UPDATE calls SET status = $2 WHERE id = $1', [call.id, s]);
  await db.query('SELECT scoring_close($1)', [call.id]);
}

export const decide = (token, appId, body, headers = {}) => api('POST', `/api/applications/${appId}/decision`, { token, body, headers });
export const release = (token, callId) => api('POST', `/api/calls/${callId}/decisions/release`, { token });
export const allocation = (token, callId, qs = '') => api('GET', `/api/calls/${callId}/allocation${qs}`, { token });

// Decide as the proposal says, then release: { apps by id → decision }.
export async function decideAsProposed(token, callId) {
  const a = await allocation(token, callId);
  assert.equal(a.status, 200, a.text);
  for (const it of a.json.items) {
    if (it.status !== 'reviewed') continue;
    const outcome = it.outcome === 'funded' ? 'funded' : it.outcome === 'waitlisted' ? 'waitlisted' : 'rejected';
    const r = await decide(token, it.application_id, {
      outcome, amount_vnd: outcome === 'funded' ? it.amount_vnd : null, rationale: `Theo đề xuất: ${it.reason.vi}`,
    });
    assert.equal(r.status, 201, r.text);
  }
  return a.json;
}

// A call with one reviewed application of `applicant`, decided `outcome`
// and released (funded: its award).  { call, app, decision, award }.
export async function releasedApp(token, applicant, outcome = 'funded', { amount = 30 * M, cols = {} } = {}) {
  const call = await decisionCall(cols);
  const app = await rankedApp(call, { merit: 80, amount, applicant });
  await closeScoring(call);
  const body = { outcome, rationale: 'Hồ sơ tốt, kế hoạch khả thi.', amount_vnd: outcome === 'funded' ? amount : null };
  if (outcome !== 'funded') body.departure_reason = 'Thử nghiệm kết quả khác đề xuất.';
  const d = await decide(token, app.id, body);
  assert.equal(d.status, 201, d.text);
  const r = await release(token, call.id);
  assert.equal(r.status, 200, r.text);
  const award = Number(await scalar("SELECT id FROM awards WHERE application_id = $1 AND status = 'active'", [app.id])) || null;
  return { call, app, decision: d.json, award };
}
