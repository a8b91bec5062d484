// The programme's reports (GET /api/reports/*, migrations/0008_reports.sql)
// against a data set made by hand in SQL: a fresh call with ten
// applications in four wards and outside the district, verified priority,
// reviews, decisions, awards (one declined, two revoked), payments,
// check-ins at the baseline, 12 and 24 months with revenues, mentoring
// with sessions, and trainings with attendance.  Every figure of every
// report is asserted against numbers worked out here by hand (the
// arithmetic is in the comments), for the call, the call and a ward, and
// the call over two ranges of days; then the CSV of each report is
// parsed and checked against its JSON, and the district-wide reports are
// checked for what must hold whatever other tests left in the database.
//
// Time: the data lives on days counted from an anchor A, the first day
// of the month 36 months before today in Hà Nội; d(m, k) is A + m months
// + k days (k ≤ 27, so that d(m, 27) < d(m + 1, 0) in every month).
// Today lies between d(36, 0) and d(37, 0): points 12 and 24 months after
// d(2, 0) have passed, 24 months after d(18, 0) has not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, BASE, db, demo, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, userIdOf } from './fixtures.mjs';
import { ALL_WARDS, fullDraft, makeCall } from './apps_fixtures.mjs';
import { mentor, sqlUser } from './mentoring_fixtures.mjs';
import { sqlCheckin, sqlReview, sqlTraining } from './matrix/followup.mjs';

after(() => db.end());

const M = 1000000;
const REPORTS = ['funnel', 'priority', 'wards', 'outcomes', 'workload'];

let staff, admin, staffId, anchor;
let call;            // the fresh call's id
const app = {};      // A1 … A10: { id, user, business, award }
const people = {};   // reviewers, mentors, the woman from elsewhere

// A + m months + k days, as YYYY-MM-DD.
const d = (m, k = 0) => new Date(Date.UTC(anchor.y, anchor.m + m, 1 + k)).toISOString().slice(0, 10);
// 10:00 in Hà Nội on that day.
const at = (m, k = 0, hm = '10:00') => `${d(m, k)} ${hm}+07`;

const report = (name, qs, token = staff) => api('GET', `/api/reports/${name}${qs}`, { token });

// ==== the data set ====

// A submitted application of a new woman: ward (a code, or 'outside'),
// submitted at t, verified claims (with their certificates on file),
// then along the statuses of path, each move at its time: [[status, t]];
// reviews ([[reviewer, 'submitted' | 'draft' | null]]) are assigned while
// it is in review.
async function application(name, { ward, submitted, claims = [], path = [], amount = 30 * M, reason = null, reviews = [] }) {
  const user = await sqlUser('applicant', name);
  const dr = fullDraft({ business_name: `Cơ sở ${name}`, amount_requested_vnd: amount,
    budget_lines: [{ item: 'Thiết bị', amount_vnd: amount - 10 * M }, { item: 'Quảng cáo', amount_vnd: 10 * M }] });
  const id = Number(await scalar(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
      problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
      woman_manager, ward_code, outside_district)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
  [call, user, dr.business_name, dr.stage, dr.sector, dr.description, dr.problem_customers, dr.plan, dr.team_size,
    dr.women_employed, dr.jobs_planned, amount, JSON.stringify(dr.budget_lines), dr.women_capital_pct, dr.woman_manager,
    ward === 'outside' ? null : ward, ward === 'outside']));
  if (!submitted) return { id, user };
  await move(id, 'submitted', submitted);
  await db.query('UPDATE applications SET submitted_at = $2 WHERE id = $1', [id, submitted]);
  for (const category of claims) {
    await db.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
      VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', 1000, $3, $4)`,
    [id, category === 'disability' ? 'disability_certificate' : 'household_certificate',
      createHash('sha256').update(`${id}${category}`).digest(), user]);
    await db.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until,
        status, decided_by, decided_at)
      VALUES ($1, $2, 'GCN-1', current_date - 30, current_date + 300, 'verified', $3, now())`, [id, category, staffId]);
  }
  for (const [status, t] of path) {
    if (status === 'ineligible') await db.query('UPDATE applications SET screening_reason = $2 WHERE id = $1', [id, reason]);
    if (status === 'reviewed') for (const [reviewer, state] of reviews) await assign(reviewer, id, state);
    await move(id, status, t);
  }
  return { id, user };
}

// A move of status, its event dated t.
async function move(id, status, t) {
  await db.query('UPDATE applications SET status = $2 WHERE id = $1', [id, status]);
  await db.query('UPDATE application_events SET at = $3 WHERE application_id = $1 AND to_status = $2', [id, status, t]);
}

// Screened at s, eligible at e (in review the same day), reviewed at r.
const REVIEWED = (e, r, s) => [['screening', s], ['eligible', e], ['in_review', e], ['reviewed', r]];

// A staff decision on a reviewed application, released at t: the
// application moves; a funded one gets its award (created at t, one
// tranche) and its business, whose follow-up starts on t's day.
async function decide(a, outcome, t, amount = null) {
  const proposed = { funded: 'funded', waitlisted: 'waitlisted', rejected: 'below_minimum' }[outcome];
  const did = Number(await scalar(`INSERT INTO decisions (application_id, call_id, outcome, amount_vnd, rationale,
      proposed_outcome, proposed_amount_vnd, decided_by)
    VALUES ($1, $2, $3, $4, 'Theo đề xuất.', $5, $4, $6) RETURNING id`, [a.id, call, outcome, amount, proposed, staffId]));
  await db.query("UPDATE decisions SET status = 'released', released_at = $2, released_by = $3 WHERE id = $1", [did, t, staffId]);
  await move(a.id, outcome, t);
  if (outcome !== 'funded') return;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    a.award = Number((await client.query(`INSERT INTO awards (decision_id, application_id, call_id, amount_vnd, created_at)
      VALUES ($1, $2, $3, $4, $5) RETURNING id`, [did, a.id, call, amount, t])).rows[0].id);
    a.tranche = Number((await client.query(`INSERT INTO award_tranches (award_id, number, amount_vnd)
      VALUES ($1, 1, $2) RETURNING id`, [a.award, amount])).rows[0].id);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  a.business = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [a.id]));
  const day = t.slice(0, 10);
  await db.query('UPDATE businesses SET award_on = $2 WHERE id = $1', [a.business, day]);
  await db.query('UPDATE followup_schedule SET due_on = ($2::date + make_interval(months => months))::date WHERE business_id = $1',
    [a.business, day]);
}

const pay = (a, amount, day) => db.query(`INSERT INTO disbursements (award_id, tranche_id, amount_vnd, paid_on, method, reference,
    recorded_by) VALUES ($1, $2, $3, $4, 'bank_transfer', 'UNC-1', $5)`, [a.award, a.tranche, amount, day, staffId]);

// A check-in of schedule number n (1 baseline, 4 the 12th month, 5 the
// 24th) submitted at t by her, approved by staff two days later.
async function checkin(a, n, t, approvedAt, over) {
  const id = await sqlCheckin(a.business, n, a.user, { funds_used: [], ...over }, t);
  await sqlReview(id, 'approve', staffId, null, approvedAt);
  return id;
}
const operating = (revenue, jobs, women, household) => ({ operating: true, revenue_vnd: revenue, profit_vnd: Math.round(revenue / 4),
  jobs_created: jobs, jobs_created_women: women, household_status: household });

// An assignment released on d(1,6), due on d(1,13), and her review.
async function assign(reviewer, id, review) {
  await db.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, released_at, no_conflict_at, due_at)
    VALUES ($1, $2, $3, 'manual', $4, $4, $5)`, [call, id, reviewer, at(1, 6), at(1, 13, '17:00')]);
  if (review === 'submitted') {
    await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, recommendation, status, submitted_at)
      VALUES ($1, $2, '{"impact": 7, "feasibility": 6}', 'fund', 'submitted', $3)`, [id, reviewer, at(1, 10)]);
  } else if (review === 'draft') {
    await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores) VALUES ($1, $2, '{"impact": 5}')`, [id, reviewer]);
  }
}

// A match accepted at t (published the day before).
async function match(mentorId, a, t) {
  const id = Number(await scalar(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
    VALUES ($1, $2, $3, 'manual', 800, '{}') RETURNING id`, [call, a.id, mentorId]));
  await db.query(`UPDATE matches SET status = 'published', published_at = $2::timestamptz - interval '1 day',
    expires_at = $2::timestamptz + interval '6 days' WHERE id = $1`, [id, t]);
  await db.query("UPDATE matches SET status = 'accepted', responded_at = $2 WHERE id = $1", [id, t]);
  return id;
}
const session = (matchId, day, minutes, by) => db.query(`INSERT INTO mentoring_sessions (match_id, held_on, minutes, logged_by)
  VALUES ($1, $2, $3, $4)`, [matchId, day, minutes, by]);

const register = (training, user, attended, status = 'registered') => db.query(`INSERT INTO training_registrations
    (training_id, user_id, status, attended, attendance_by, attendance_at)
  VALUES ($1, $2, $3, $4, $5, CASE WHEN $4::boolean IS NULL THEN NULL ELSE now() END)`,
[training, user, status, attended, attended === null ? null : staffId]);

before(async () => {
  staff = await login('staff');
  admin = await login('admin');
  staffId = await userIdOf(demo.staff.email);
  const today = await scalar('SELECT applications_today()::text');
  const [y, mo] = today.split('-').map(Number);
  anchor = { y, m: mo - 1 - 36 };

  // The call: 1 000 M budget, 30 % reserved for verified priority.  Its
  // title starts with = and holds a comma and quotes: the CSV must quote
  // it and neutralise it as a formula.
  call = await makeCall({ title_vi: '=Hỗ trợ, "Sen" 2023', budget_vnd: 1000 * M, max_award_vnd: 100 * M,
    priority_reserved_pct: 30 });

  people.r1 = await sqlUser('reviewer', 'Lê Thị Chấm');
  people.r2 = await sqlUser('reviewer', 'Bùi Thị Duyệt');
  for (const r of [people.r1, people.r2]) await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [call, r]);
  people.m1 = await mentor({ capacity: 5 }, 'Đặng Thị Cố Vấn');
  people.m2 = await mentor({ capacity: 5 }, 'Hoàng Thị Hướng Dẫn');

  const R = at(2, 0); // the release of the decisions
  // Ward, submission, verified claims; eligible, reviewed (screened).
  // Reviews (released d(1,6), due d(1,13)): R1 has five, one never
  // started (A7: overdue); R2 four, one left a draft (A5: overdue).
  app.A1 = await application('A1', { ward: '00037', submitted: at(0, 9), claims: ['poor', 'disability'], amount: 40 * M,
    reviews: [[people.r1, 'submitted'], [people.r2, 'submitted']],
    path: REVIEWED(at(0, 20), at(1, 15), at(0, 10)) });
  app.A2 = await application('A2', { ward: '00037', submitted: at(0, 11), reviews: [[people.r1, 'submitted']],
    path: REVIEWED(at(0, 21), at(1, 15), at(0, 12)) });
  app.A3 = await application('A3', { ward: '00049', submitted: at(0, 14), claims: ['near_poor'], amount: 50 * M,
    reviews: [[people.r1, 'submitted']],
    path: REVIEWED(at(0, 22), at(1, 15), at(0, 15)) });
  app.A4 = await application('A4', { ward: '00049', submitted: at(1, 0), claims: ['hardship'], amount: 20 * M,
    reviews: [[people.r2, 'submitted']],
    path: REVIEWED(at(1, 5), at(1, 15), at(1, 1)) });
  app.A5 = await application('A5', { ward: 'outside', submitted: at(0, 19), claims: ['poor'], reviews: [[people.r2, 'draft']],
    path: REVIEWED(at(0, 25), at(1, 15), at(0, 20)) });
  app.A6 = await application('A6', { ward: '00088', submitted: at(0, 24), reason: 'Không đủ điều kiện về địa bàn.',
    path: [['screening', at(0, 25)], ['ineligible', at(1, 1)]] });
  app.A7 = await application('A7', { ward: '00088', submitted: at(0, 25), claims: ['disability'], reviews: [[people.r1, null]],
    path: REVIEWED(at(1, 2), at(1, 20), at(0, 26)) });
  app.A8 = await application('A8', { ward: '00037' }); // a draft, never submitted
  app.A9 = await application('A9', { ward: '00088', submitted: at(0, 26), amount: 25 * M, reviews: [[people.r2, 'submitted']],
    path: REVIEWED(at(1, 3), at(1, 15), at(0, 27)) });
  app.A10 = await application('A10', { ward: '00040', submitted: at(0, 27), reviews: [[people.r1, 'submitted']],
    path: REVIEWED(at(1, 4), at(1, 15), at(1, 0)) });

  await decide(app.A1, 'funded', R, 40 * M);
  await decide(app.A2, 'funded', R, 30 * M);
  await decide(app.A3, 'funded', R, 50 * M);
  await decide(app.A4, 'funded', R, 20 * M);
  await decide(app.A5, 'rejected', R);
  await decide(app.A7, 'waitlisted', R);
  await decide(app.A9, 'funded', at(18, 0), 25 * M); // released late
  await decide(app.A10, 'funded', R, 30 * M);

  await pay(app.A1, 20 * M, d(2, 9));
  await pay(app.A1, 12 * M, d(5, 14));
  await pay(app.A2, 30 * M, d(2, 19));
  await pay(app.A9, 25 * M, d(18, 10));
  await pay(app.A10, 10 * M, d(2, 20));

  // She declines A4's award (nothing paid); staff revoke A10's after
  // 10 M were paid, its business closed on d(6,0).
  await db.query("SELECT award_end($1, 'declined', 'Chị đã nhận hỗ trợ khác.', $2)", [app.A4.award, app.A4.user]);
  await db.query("SELECT award_end($1, 'revoked', 'Không sử dụng vốn đúng mục đích.', $2)", [app.A10.award, staffId]);
  await db.query('UPDATE businesses SET closed_at = $2 WHERE id = $1', [app.A10.business, at(6, 0)]);

  // Check-ins: revenue (last month), jobs created (women), household.
  await checkin(app.A1, 1, at(2, 4), at(2, 6), operating(10 * M, 0, 0, 'poor'));
  await checkin(app.A1, 4, at(14, 2), at(14, 3), operating(16 * M, 3, 2, 'near_poor'));
  await checkin(app.A1, 5, at(26, 1), at(26, 2), operating(20 * M, 4, 3, 'none'));
  await checkin(app.A2, 1, at(2, 5), at(2, 6), operating(8 * M, 0, 0, 'none'));
  // A2 closed: her 12-month check-in says so; approving it on d(14,6)
  // closes the business and the application (the award is revoked then,
  // fully paid).
  await checkin(app.A2, 4, at(14, 4), at(14, 6), { operating: false, closed_reason: 'Mặt bằng bị thu hồi.', revenue_vnd: null,
    profit_vnd: null, workers: null, jobs_created: null, jobs_created_women: null, household_status: 'none' });
  await checkin(app.A3, 1, at(2, 9), at(2, 11), operating(12 * M, 0, 0, 'near_poor'));
  await checkin(app.A3, 4, at(14, 9), at(14, 11), operating(9 * M, 1, 1, 'near_poor'));
  await checkin(app.A9, 1, at(18, 3), at(18, 5), operating(5 * M, 0, 0, 'near_poor'));
  await checkin(app.A9, 4, at(30, 2), at(30, 4), operating(7 * M, 2, 2, 'none'));
  assert.equal(await scalar('SELECT status FROM businesses WHERE id = $1', [app.A2.business]), 'closed');
  assert.equal(await scalar('SELECT status FROM awards WHERE id = $1', [app.A2.award]), 'revoked');

  // Mentoring: M1 mentors A1 (sessions of 90, 60 and 45 minutes) and
  // A2 (30 minutes, then the match ended on d(5,0)); M2 mentors A3 (120
  // minutes), and was offered A9 but the offer ended unanswered.
  const m11 = await match(people.m1, app.A1, at(2, 5));
  await session(m11, d(3, 0), 90, people.m1);
  await session(m11, d(4, 0), 60, app.A1.user);
  await session(m11, d(20, 0), 45, people.m1);
  const m12 = await match(people.m1, app.A2, at(2, 6));
  await session(m12, d(3, 1), 30, people.m1);
  await db.query("UPDATE matches SET status = 'ended', ended_at = $2, end_reason = 'Doanh nghiệp đóng cửa.' WHERE id = $1", [m12, at(5, 0)]);
  const m23 = await match(people.m2, app.A3, at(2, 10));
  await session(m23, d(12, 14), 120, people.m2);
  const m29 = Number(await scalar(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
    VALUES ($1, $2, $3, 'manual', 700, '{}') RETURNING id`, [call, app.A9.id, people.m2]));
  await db.query(`UPDATE matches SET status = 'published', published_at = now(), expires_at = now() + interval '7 days'
    WHERE id = $1`, [m29]);
  await db.query("UPDATE matches SET status = 'ended', ended_at = now(), end_reason = 'Rút lại.' WHERE id = $1", [m29]);

  // Trainings: T1 on d(3,10): A1 came, A2 did not, a woman who never
  // applied to this call came, A5 only waited; T2 on d(15,0): A3 came, A1
  // not recorded; T3 on d(3,12) was cancelled (A1's attendance there does
  // not count).
  people.elsewhere = await sqlUser('applicant', 'Trịnh Thị Khác');
  const start = (m, k) => ({ starts_at: `${d(m, k)} 08:00+07`, ends_at: `${d(m, k)} 11:00+07` });
  const t1 = await sqlTraining({ ...start(3, 10), seats: 3 });
  await register(t1, app.A1.user, true);
  await register(t1, app.A2.user, false);
  await register(t1, people.elsewhere, true);
  await register(t1, app.A5.user, null, 'waitlisted');
  const t2 = await sqlTraining(start(15, 0));
  await register(t2, app.A3.user, true);
  await register(t2, app.A1.user, null);
  const t3 = await sqlTraining(start(3, 12));
  await register(t3, app.A1.user, true);
  await db.query("UPDATE trainings SET status = 'cancelled' WHERE id = $1", [t3]);
});

// ==== helpers for the answers ====

const stages = (r) => Object.fromEntries(r.json.stages.map((s) => [s.stage, s]));
const byCategory = (r) => Object.fromEntries(r.json.categories.map((c) => [c.category, c]));
const byWard = (r) => Object.fromEntries(r.json.wards.map((w) => [w.ward, w]));
const fig = (r) => Object.fromEntries(Object.entries(r.json.figures).map(([k, v]) => [k, [v.value, v.base]]));

// [count, pct_of_applied, reached, pct_of_reached] per stage.
function funnelIs(r, want) {
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.stages.map((s) => s.stage),
    ['applied', 'eligible', 'reviewed', 'funded', 'disbursed', 'operating_12m', 'operating_24m']);
  const got = Object.fromEntries(r.json.stages.map((s) => [s.stage, [s.count, s.pct_of_applied, s.reached, s.pct_of_reached]]));
  assert.deepEqual(got, want);
}

// [applicants, %, awardees, %, awarded VND, %] per category.
function categoriesAre(r, want) {
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.categories.map((c) => c.category), ['poor', 'near_poor', 'hardship', 'disability', 'any', 'all']);
  const got = Object.fromEntries(r.json.categories.map((c) => [c.category,
    [c.applicants, c.applicants_pct, c.awardees, c.awardees_pct, c.awarded_vnd, c.awarded_pct]]));
  assert.deepEqual(got, want);
}

// [applicants, awards, awarded VND, jobs, women's jobs, operating] of the
// wards named; every other row is zeros.
function wardsAre(r, want) {
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.wards.map((w) => w.ward), [...ALL_WARDS, 'outside']);
  for (const w of r.json.wards) {
    const got = [w.applicants, w.awards, w.awarded_vnd, w.jobs_created, w.jobs_created_women, w.businesses_operating];
    assert.deepEqual(got, want[w.ward] || [0, 0, 0, 0, 0, 0], `ward ${w.ward}`);
  }
}

function workloadIs(r, reviewers, mentors) {
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.reviewers.map((x) => [x.full_name, x.assigned, x.submitted, x.overdue]), reviewers);
  assert.deepEqual(r.json.mentors.map((x) => [x.full_name, x.mentees, x.sessions, x.minutes, x.hours]), mentors);
}

// ==== the call, every date ====

test('funnel of the call', async () => {
  // applied: the 9 submitted (A8 is a draft) → 100.0
  // eligible: all but A6 (ineligible) = 8 → 8/9 = 88.9
  // reviewed: the same 8 → 88.9
  // funded: awards not declined: A1 A2 A3 A9 A10 = 5 (A4 declined) → 55.6
  // disbursed: paid at least once: A1 A2 A9 A10 = 4 → 44.4
  // 12 months: supported businesses A1 A2 A3 (point d(14,0)), A9
  //   (d(30,0)), A10 (d(14,0)) all passed = 5 reached; operating at 12
  //   months or later: A1, A3, A9 (A2 said closed, A10 none) = 3 → 3/5 =
  //   60.0 of reached, 3/9 = 33.3 of applied
  // 24 months: A9's point d(42,0) is ahead: A1 A2 A3 A10 = 4 reached;
  //   only A1 answered at 24 months, operating = 1 → 25.0, 1/9 = 11.1
  funnelIs(await report('funnel', `?call_id=${call}`), {
    applied: [9, 100, null, null],
    eligible: [8, 88.9, null, null],
    reviewed: [8, 88.9, null, null],
    funded: [5, 55.6, null, null],
    disbursed: [4, 44.4, null, null],
    operating_12m: [3, 33.3, 5, 60],
    operating_24m: [1, 11.1, 4, 25],
  });
  const r = await report('funnel', `?call_id=${call}`, admin);
  assert.deepEqual(r.json.filters, { call_id: call, from: null, to: null, ward: null });
  assert.equal(r.json.report, 'funnel');
  assert.deepEqual(r.json.stages.map((s) => s.dated_by),
    ['submitted_at', 'eligible_at', 'reviewed_at', 'released_at', 'first_paid_on', 'month_12_on', 'month_24_on']);
  assert.match(r.json.generated_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('priority picture of the call, against its reserve', async () => {
  // Applicants 9; verified: A1 poor + disability, A3 near-poor, A4
  // hardship, A5 poor, A7 disability.
  //   poor 2 (A1 A5) = 22.2; near-poor 1 = 11.1; hardship 1 = 11.1;
  //   disability 2 (A1 A7) = 22.2; any 5 = 55.6
  // Awardees 5, money awarded: A1 40 M (active), A2 30 M (revoked after
  // being paid 30 M), A3 50 M, A9 25 M, A10 10 M (revoked, 10 M of 30 M
  // paid) = 155 M.
  //   poor: A1 → 1 = 20.0, 40 M = 40/155 = 25.8
  //   near-poor: A3 → 1 = 20.0, 50 M = 32.3
  //   hardship: A4 declined → 0 = 0.0, 0 = 0.0
  //   disability: A1 → 1 = 20.0, 40 M = 25.8
  //   any: A1 A3 → 2 = 40.0, 90 M = 58.1
  const r = await report('priority', `?call_id=${call}`);
  categoriesAre(r, {
    poor: [2, 22.2, 1, 20, 40 * M, 25.8],
    near_poor: [1, 11.1, 1, 20, 50 * M, 32.3],
    hardship: [1, 11.1, 0, 0, 0, 0],
    disability: [2, 22.2, 1, 20, 40 * M, 25.8],
    any: [5, 55.6, 2, 40, 90 * M, 58.1],
    all: [9, 100, 5, 100, 155 * M, 100],
  });
  // Reserve: 30 % of 1 000 M = 300 M; 90 M of the 155 M went to verified
  // priority = 58.1 % of the money awarded, 9.0 % of the budget.
  assert.deepEqual(r.json.reserve, [{
    call_id: call, call_title: '=Hỗ trợ, "Sen" 2023', budget_vnd: 1000 * M, reserved_pct: 30, reserved_vnd: 300 * M,
    awarded_vnd: 155 * M, priority_awarded_vnd: 90 * M, priority_pct_of_awarded: 58.1, priority_pct_of_budget: 9,
  }]);
});

test('per ward: all 18 and outside, zeros shown', async () => {
  // 00037 Phúc Tân: A1 A2 applied (A8 a draft); both funded, 40 + 30 =
  //   70 M; A1's latest check-in (24 months) operating: 4 jobs, 3 women's;
  //   A2's latest says closed: 0 → operating 1
  // 00040 Đồng Xuân: A10 applied, funded, 10 M (revoked, paid); closed,
  //   no check-in → 0 jobs, not operating
  // 00049 Hàng Đào: A3 A4 applied; A3 funded 50 M (A4 declined); A3 at
  //   12 months: 1 job (a woman's), operating
  // 00088 Hàng Bài: A6 A7 A9 applied; A9 funded 25 M; at 12 months 2
  //   jobs (2 women's), operating
  // outside: A5 applied, not funded
  const r = await report('wards', `?call_id=${call}`);
  wardsAre(r, {
    '00037': [2, 2, 70 * M, 4, 3, 1],
    '00040': [1, 1, 10 * M, 0, 0, 0],
    '00049': [2, 1, 50 * M, 1, 1, 1],
    '00088': [3, 1, 25 * M, 2, 2, 1],
    outside: [1, 0, 0, 0, 0, 0],
  });
  assert.equal(byWard(r)['00049'].name, 'Hàng Đào');
  assert.equal(byWard(r).outside.name, 'Ngoài quận Hoàn Kiếm');
  // Totals: the sums of the rows; 4 wards of 18 reached.
  assert.deepEqual(r.json.totals, { applicants: 9, awards: 5, awarded_vnd: 155 * M, jobs_created: 7, jobs_created_women: 6,
    businesses_operating: 3, wards_reached: 4 });
});

test('outcomes of the call', async () => {
  // Followed: supported businesses with an approved check-in, or closed:
  //   A1 (latest: 24 months), A2 (12: closed), A3 (12), A9 (12), A10
  //   (closed, no check-in) = 5; A4's award was declined: not supported.
  // Operating: A1 A3 A9 = 3 → survival 3/5 = 60.0
  // Jobs (latest, operating ones): A1 4 + A3 1 + A9 2 = 7; women's 3+1+2 = 6
  // Revenue change since the baseline: A1 20 − 10 = +10 M, A3 9 − 12 =
  //   −3 M, A9 7 − 5 = +2 M (A2 closed: none) → median of (−3, 2, 10) = 2 M
  // Households poor or near-poor at the baseline with a later check-in:
  //   A1 (poor), A3 (near-poor), A9 (near-poor) = 3; none in the latest:
  //   A1, A9 = 2 → 66.7
  // Mentoring: sessions 90 + 60 + 45 (A1) + 30 (A2) + 120 (A3) = 5,
  //   345 minutes = 5.75 hours, 3 mentees
  // Training (women of this call): T1 A1 came, A2 did not; T2 A3 came, A1
  //   not recorded → 4 registered, 2 attended, 2 women (the woman from
  //   elsewhere, the waiting A5 and cancelled T3 not counted)
  const r = await report('outcomes', `?call_id=${call}`);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(fig(r), {
    businesses_followed: [5, null],
    businesses_operating: [3, 5],
    survival_rate_pct: [60, 5],
    jobs_created: [7, 3],
    jobs_created_women: [6, 3],
    median_revenue_change_vnd: [2 * M, 3],
    households_poor_at_baseline: [3, null],
    households_left_poverty: [2, 3],
    households_left_poverty_pct: [66.7, 3],
    mentoring_sessions: [5, null],
    mentoring_minutes: [345, null],
    mentoring_hours: [5.75, null],
    mentees_mentored: [3, null],
    training_registered: [4, null],
    training_attended: [2, 4],
    training_women: [2, null],
  });
  assert.equal(r.json.figures.median_revenue_change_vnd.unit, 'vnd');
  assert.equal(r.json.figures.survival_rate_pct.unit, 'percent');
});

test('workload of the call', async () => {
  // Reviewers, by name (B before L): R2 Bùi: A1 A4 A9 submitted, A5 a
  // draft past due → 4, 3, 1; R1 Lê: A1 A2 A3 A10 submitted, A7 never
  // started past due → 5, 4, 1.
  // Mentors (Đ before H): M1 Đặng: A1 and A2, 4 sessions, 90+60+45+30 =
  // 225 minutes = 3.75 hours; M2 Hoàng: A3 (A9's offer ended unanswered),
  // 1 session of 120 minutes = 2 hours.
  const r = await report('workload', `?call_id=${call}`);
  workloadIs(r, [['Bùi Thị Duyệt', 4, 3, 1], ['Lê Thị Chấm', 5, 4, 1]],
    [['Đặng Thị Cố Vấn', 2, 4, 225, 3.75], ['Hoàng Thị Hướng Dẫn', 1, 1, 120, 2]]);
  assert.deepEqual(r.json.reviewers.map((x) => x.user_id), [people.r2, people.r1]);
  assert.deepEqual(r.json.mentors.map((x) => x.user_id), [people.m1, people.m2]);
  assert.deepEqual(r.json.totals, { assigned: 9, submitted: 7, overdue: 2, sessions: 5, minutes: 345, hours: 5.75 });
});

// ==== the call and a ward ====

test('the call in one ward (Hàng Đào) and outside the district', async () => {
  const q = `?call_id=${call}&ward=00049`;
  // A3 and A4 applied, both eligible and reviewed; A3 funded (A4
  // declined); nothing paid; A3 operating at 12 months, not answered at 24.
  funnelIs(await report('funnel', q), {
    applied: [2, 100, null, null],
    eligible: [2, 100, null, null],
    reviewed: [2, 100, null, null],
    funded: [1, 50, null, null],
    disbursed: [0, 0, null, null],
    operating_12m: [1, 50, 1, 100],
    operating_24m: [0, 0, 1, 0],
  });
  // Applicants A3 (near-poor), A4 (hardship); awardee A3, 50 M.
  const p = await report('priority', q);
  categoriesAre(p, {
    poor: [0, 0, 0, 0, 0, 0],
    near_poor: [1, 50, 1, 100, 50 * M, 100],
    hardship: [1, 50, 0, 0, 0, 0],
    disability: [0, 0, 0, 0, 0, 0],
    any: [2, 100, 1, 100, 50 * M, 100],
    all: [2, 100, 1, 100, 50 * M, 100],
  });
  // 50 M of the 1 000 M budget = 5.0 %.
  assert.deepEqual(p.json.reserve.map((x) => [x.call_id, x.awarded_vnd, x.priority_awarded_vnd, x.priority_pct_of_awarded,
    x.priority_pct_of_budget]), [[call, 50 * M, 50 * M, 100, 5]]);
  wardsAre(await report('wards', q), { '00049': [2, 1, 50 * M, 1, 1, 1] });
  // A3 alone: operating, 1 job; 9 − 12 = −3 M; near-poor and still so;
  // M2's 120 minutes; T2 attended.
  const o = await report('outcomes', q);
  assert.deepEqual(fig(o), {
    businesses_followed: [1, null], businesses_operating: [1, 1], survival_rate_pct: [100, 1],
    jobs_created: [1, 1], jobs_created_women: [1, 1], median_revenue_change_vnd: [-3 * M, 1],
    households_poor_at_baseline: [1, null], households_left_poverty: [0, 1], households_left_poverty_pct: [0, 1],
    mentoring_sessions: [1, null], mentoring_minutes: [120, null], mentoring_hours: [2, null], mentees_mentored: [1, null],
    training_registered: [1, null], training_attended: [1, 1], training_women: [1, null],
  });
  // R1 reviewed A3, R2 A4; M2 mentors A3.
  workloadIs(await report('workload', q), [['Bùi Thị Duyệt', 1, 1, 0], ['Lê Thị Chấm', 1, 1, 0]],
    [['Hoàng Thị Hướng Dẫn', 1, 1, 120, 2]]);

  // Outside the district: A5 only (poor, rejected).
  const out = `?call_id=${call}&ward=outside`;
  const f = stages(await report('funnel', out));
  assert.deepEqual([f.applied.count, f.eligible.count, f.reviewed.count, f.funded.count], [1, 1, 1, 0]);
  wardsAre(await report('wards', out), { outside: [1, 0, 0, 0, 0, 0] });
  assert.deepEqual(byCategory(await report('priority', out)).poor.applicants, 1);
  workloadIs(await report('workload', out), [['Bùi Thị Duyệt', 1, 0, 1]], []);
});

// ==== the call over ranges of days ====

test('the call from d(0,21) to d(2,10): each figure by its own date', async () => {
  const q = `?call_id=${call}&from=${d(0, 21)}&to=${d(2, 10)}`;
  // applied (submission): A4 d(1,0), A6 d(0,24), A7 d(0,25), A9 d(0,26),
  //   A10 d(0,27) = 5 (A1 A2 A3 A5 submitted before d(0,21))
  // eligible (first move): A2 d(0,21) (the first day counts), A3, A4, A5,
  //   A7, A9, A10 = 7 (A1 on d(0,20)) → 7/5 = 140.0
  // reviewed: d(1,15) and A7's d(1,20): all 8 → 160.0
  // funded (release d(2,0)): A1 A2 A3 A10 = 4 (A9 released d(18,0)) → 80.0
  // disbursed (first payment): A1 d(2,9) = 1 (A2 d(2,19), A10 d(2,20)
  //   and A9 d(18,10) later) → 20.0
  // operating: no 12- or 24-month point in the range
  funnelIs(await report('funnel', q), {
    applied: [5, 100, null, null],
    eligible: [7, 140, null, null],
    reviewed: [8, 160, null, null],
    funded: [4, 80, null, null],
    disbursed: [1, 20, null, null],
    operating_12m: [0, 0, 0, null],
    operating_24m: [0, 0, 0, null],
  });
  // Applicants A4 (hardship), A6, A7 (disability), A9, A10 = 5; awardees
  // A1 40 M, A2 30 M, A3 50 M, A10 10 M = 130 M.
  //   poor: A1 1 = 25.0, 40/130 = 30.8; near-poor: A3 1 = 25.0, 50/130 =
  //   38.5; disability: A1 1 = 25.0, 30.8; any: 2 = 50.0, 90/130 = 69.2
  const p = await report('priority', q);
  categoriesAre(p, {
    poor: [0, 0, 1, 25, 40 * M, 30.8],
    near_poor: [0, 0, 1, 25, 50 * M, 38.5],
    hardship: [1, 20, 0, 0, 0, 0],
    disability: [1, 20, 1, 25, 40 * M, 30.8],
    any: [2, 40, 2, 50, 90 * M, 69.2],
    all: [5, 100, 4, 100, 130 * M, 100],
  });
  assert.deepEqual(p.json.reserve.map((x) => [x.awarded_vnd, x.priority_awarded_vnd, x.priority_pct_of_awarded,
    x.priority_pct_of_budget]), [[130 * M, 90 * M, 69.2, 9]]);
  // Check-ins submitted in the range: the baselines of A1 (d(2,4)), A2
  // (d(2,5)) and A3 (d(2,9)), operating with 0 jobs.  A2 closed on
  // d(14,6), after the range: operating then.  A10 closed on d(6,0),
  // after it too, with no check-in: not followed.
  wardsAre(await report('wards', q), {
    '00037': [0, 2, 70 * M, 0, 0, 2],
    '00040': [1, 1, 10 * M, 0, 0, 0],
    '00049': [1, 1, 50 * M, 0, 0, 1],
    '00088': [3, 0, 0, 0, 0, 0],
  });
  // Followed A1 A2 A3, all operating; only baselines: no revenue change,
  // no household after one; no session held, no training started.
  assert.deepEqual(fig(await report('outcomes', q)), {
    businesses_followed: [3, null], businesses_operating: [3, 3], survival_rate_pct: [100, 3],
    jobs_created: [0, 3], jobs_created_women: [0, 3], median_revenue_change_vnd: [null, 0],
    households_poor_at_baseline: [0, null], households_left_poverty: [0, 0], households_left_poverty_pct: [null, 0],
    mentoring_sessions: [0, null], mentoring_minutes: [0, null], mentoring_hours: [0, null], mentees_mentored: [0, null],
    training_registered: [0, null], training_attended: [0, 0], training_women: [0, null],
  });
  // Assignments released d(1,6): all.  Mentorships accepted d(2,5),
  // d(2,6), d(2,10) (the last day counts): M1 2, M2 1; no session yet.
  workloadIs(await report('workload', q), [['Bùi Thị Duyệt', 4, 3, 1], ['Lê Thị Chấm', 5, 4, 1]],
    [['Đặng Thị Cố Vấn', 2, 0, 0, 0], ['Hoàng Thị Hướng Dẫn', 1, 0, 0, 0]]);
});

test('the call from d(14,0) to d(20,0): a year on', async () => {
  const q = `?call_id=${call}&from=${d(14, 0)}&to=${d(20, 0)}`;
  // Nothing submitted, screened or reviewed; A9 released d(18,0) and
  // first paid d(18,10).  12-month points of A1 A2 A3 A10 on d(14,0) = 4
  // reached, operating at 12 months: A1 A3 = 2 → 50.0.  No 24-month point.
  funnelIs(await report('funnel', q), {
    applied: [0, null, null, null],
    eligible: [0, null, null, null],
    reviewed: [0, null, null, null],
    funded: [1, null, null, null],
    disbursed: [1, null, null, null],
    operating_12m: [2, null, 4, 50],
    operating_24m: [0, null, 0, null],
  });
  // No applicant; A9 (no verified claim) the one awardee, 25 M.
  const p = await report('priority', q);
  categoriesAre(p, {
    poor: [0, null, 0, 0, 0, 0],
    near_poor: [0, null, 0, 0, 0, 0],
    hardship: [0, null, 0, 0, 0, 0],
    disability: [0, null, 0, 0, 0, 0],
    any: [0, null, 0, 0, 0, 0],
    all: [0, null, 1, 100, 25 * M, 100],
  });
  // Check-ins submitted in the range: A1 at 12 months (3 jobs, 2 women's),
  // A2 at 12 months (closed), A3 at 12 months (1, 1), A9's baseline
  // d(18,3) (0 jobs).
  wardsAre(await report('wards', q), {
    '00037': [0, 0, 0, 3, 2, 1],
    '00049': [0, 0, 0, 1, 1, 1],
    '00088': [0, 1, 25 * M, 0, 0, 1],
  });
  // Followed A1 A2 A3 A9; operating A1 A3 A9 = 3 → 75.0.  Revenue change
  // where the latest comes after the baseline: A1 16 − 10 = +6 M, A3 −3 M
  // → median of (−3, 6) = 1.5 M.  Poor or near-poor at the baseline with
  // a later check-in: A1 (now near-poor), A3 (near-poor) = 2, none left.
  // Sessions: M1 with A1 on d(20,0), 45 minutes.  Training: T2 on d(15,0):
  // A3 came, A1 not recorded.
  assert.deepEqual(fig(await report('outcomes', q)), {
    businesses_followed: [4, null], businesses_operating: [3, 4], survival_rate_pct: [75, 4],
    jobs_created: [4, 3], jobs_created_women: [3, 3], median_revenue_change_vnd: [1.5 * M, 2],
    households_poor_at_baseline: [2, null], households_left_poverty: [0, 2], households_left_poverty_pct: [0, 2],
    mentoring_sessions: [1, null], mentoring_minutes: [45, null], mentoring_hours: [0.75, null], mentees_mentored: [1, null],
    training_registered: [2, null], training_attended: [1, 2], training_women: [1, null],
  });
  // No assignment released in the range.  Mentorships running: A1 (M1)
  // and A3 (M2); A2's ended on d(5,0), before it.
  workloadIs(await report('workload', q), [],
    [['Đặng Thị Cố Vấn', 1, 1, 45, 0.75], ['Hoàng Thị Hướng Dẫn', 1, 0, 0, 0]]);
});

// ==== CSV ====

// RFC 4180: records end in CRLF; a field is bare or quoted, "" a quote.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        assert.ok(i < text.length, 'a quoted field is closed');
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        assert.ok(text[i] !== '\n' && text[i] !== '"', `a bare LF or quote at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    assert.equal(text.slice(i, i + 2), '\r\n', `CRLF after a record at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
    if (i === text.length) return rows;
  }
}

async function csvOf(name, qs, token = staff) {
  const res = await fetch(`${BASE}/api/reports/${name}${qs}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  assert.equal(res.status, 200, bytes.toString());
  assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.match(res.headers.get('content-disposition'), new RegExp(`^attachment; filename="sen-report-${name}-\\d{8}\\.csv"$`));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark first');
  const rows = parseCsv(bytes.subarray(3).toString('utf8'));
  const header = rows.shift();
  for (const r of rows) assert.equal(r.length, header.length, 'every record as long as the header');
  return rows.map((r) => Object.fromEntries(header.map((h, j) => [h, r[j]])));
}

// A cell against a JSON value: NULL is empty, numbers read back exactly.
function cellIs(cell, value, what) {
  if (value === null || value === undefined) assert.equal(cell, '', what);
  else if (typeof value === 'number') assert.equal(Number(cell), value, `${what}: ${cell}`);
  else assert.equal(cell, value, what);
}

test('CSV: the same figures as the JSON, for every report', async () => {
  const q = `?call_id=${call}`;
  const json = {};
  for (const name of REPORTS) json[name] = (await report(name, q)).json;

  const funnel = await csvOf('funnel', `${q}&format=csv`);
  assert.deepEqual(Object.keys(funnel[0]), ['stage', 'count', 'pct_of_applied', 'reached', 'pct_of_reached', 'dated_by']);
  assert.equal(funnel.length, 7);
  funnel.forEach((row, i) => { for (const k of Object.keys(row)) cellIs(row[k], json.funnel.stages[i][k], `funnel ${i} ${k}`); });
  // Numbers as the database writes them: one decimal for shares.
  assert.equal(funnel[1].pct_of_applied, '88.9');
  assert.equal(funnel[0].pct_of_applied, '100.0');

  const prio = await csvOf('priority', `${q}&format=csv`);
  assert.deepEqual(prio.map((r) => [r.section, r.category]), [['category', 'poor'], ['category', 'near_poor'],
    ['category', 'hardship'], ['category', 'disability'], ['category', 'any'], ['category', 'all'], ['reserve', '']]);
  prio.slice(0, 6).forEach((row, i) => {
    for (const k of ['applicants', 'applicants_pct', 'awardees', 'awardees_pct', 'awarded_vnd', 'awarded_pct']) {
      cellIs(row[k], json.priority.categories[i][k], `priority ${i} ${k}`);
    }
    assert.equal(row.budget_vnd, '');
  });
  const reserve = prio[6];
  for (const k of ['call_id', 'budget_vnd', 'reserved_pct', 'reserved_vnd', 'awarded_vnd', 'priority_awarded_vnd',
    'priority_pct_of_awarded', 'priority_pct_of_budget']) cellIs(reserve[k], json.priority.reserve[0][k], `reserve ${k}`);
  // The title, quoted (a comma, quotes) and kept from running as a formula.
  assert.equal(reserve.call_title, `'${json.priority.reserve[0].call_title}`);

  const wards = await csvOf('wards', `${q}&format=csv`);
  assert.equal(wards.length, 19);
  assert.deepEqual(wards.map((w) => w.ward), [...ALL_WARDS, 'outside']);
  wards.forEach((row, i) => { for (const k of Object.keys(row)) cellIs(row[k], json.wards.wards[i][k], `wards ${i} ${k}`); });

  const outcomes = await csvOf('outcomes', `${q}&format=csv`);
  assert.deepEqual(Object.keys(outcomes[0]), ['figure', 'value', 'base', 'unit']);
  assert.deepEqual(outcomes.map((r) => r.figure), Object.keys(json.outcomes.figures));
  for (const row of outcomes) {
    const f = json.outcomes.figures[row.figure];
    cellIs(row.value, f.value, row.figure);
    cellIs(row.base, f.base, `${row.figure} base`);
    assert.equal(row.unit, f.unit);
  }
  assert.equal(outcomes.find((r) => r.figure === 'median_revenue_change_vnd').value, '2000000');

  const work = await csvOf('workload', `${q}&format=csv`, admin);
  assert.deepEqual(work.map((r) => [r.section, r.full_name]), [['reviewer', 'Bùi Thị Duyệt'], ['reviewer', 'Lê Thị Chấm'],
    ['mentor', 'Đặng Thị Cố Vấn'], ['mentor', 'Hoàng Thị Hướng Dẫn']]);
  work.slice(0, 2).forEach((row, i) => {
    for (const k of ['user_id', 'full_name', 'assigned', 'submitted', 'overdue']) cellIs(row[k], json.workload.reviewers[i][k], k);
    assert.equal(row.mentees, '');
  });
  work.slice(2).forEach((row, i) => {
    for (const k of ['user_id', 'full_name', 'mentees', 'sessions', 'minutes', 'hours']) cellIs(row[k], json.workload.mentors[i][k], k);
    assert.equal(row.assigned, '');
  });
  assert.equal(work[2].hours, '3.75');

  // A range and a ward reach the CSV as well.
  const ranged = await csvOf('funnel', `?call_id=${call}&ward=00049&from=${d(0, 21)}&to=${d(2, 10)}&format=csv`);
  // A4 submitted d(1,0) (A3 before); eligible A3 d(0,22), A4 d(1,5).
  assert.deepEqual(ranged.slice(0, 2).map((r) => [r.stage, r.count]), [['applied', '1'], ['eligible', '2']]);
});

// ==== the whole district ====

test('the whole district: every ward listed, this call included, the reports agree with each other', async () => {
  const all = {};
  const mine = {};
  for (const name of REPORTS) {
    all[name] = await report(name, '');
    assert.equal(all[name].status, 200, all[name].text);
    assert.deepEqual(all[name].json.filters, { call_id: null, from: null, to: null, ward: null });
    mine[name] = (await report(name, `?call_id=${call}`)).json;
  }
  const sum = (rows, k) => rows.reduce((s, w) => s + w[k], 0);

  // 18 wards and outside, in order, whatever other tests left behind.
  const wards = all.wards.json.wards;
  assert.deepEqual(wards.map((w) => w.ward), [...ALL_WARDS, 'outside']);
  const names = (await db.query('SELECT code, name_vi FROM wards ORDER BY code')).rows;
  assert.deepEqual(wards.slice(0, 18).map((w) => [w.ward, w.name]), names.map((w) => [w.code, w.name_vi]));
  for (const w of wards) {
    const m = mine.wards.wards.find((x) => x.ward === w.ward);
    for (const k of ['applicants', 'awards', 'awarded_vnd', 'jobs_created', 'jobs_created_women', 'businesses_operating']) {
      assert.ok(w[k] >= m[k], `district ${w.ward} ${k} ${w[k]} ≥ this call's ${m[k]}`);
    }
  }

  // The funnel and the priority picture count the same things as the
  // wards, district-wide too: every application is in one row.
  const f = stages(all.funnel);
  const p = byCategory(all.priority);
  assert.equal(sum(wards, 'applicants'), f.applied.count);
  assert.equal(sum(wards, 'applicants'), p.all.applicants);
  assert.equal(sum(wards, 'awards'), f.funded.count);
  assert.equal(sum(wards, 'awards'), p.all.awardees);
  assert.equal(sum(wards, 'awarded_vnd'), p.all.awarded_vnd);
  const o = fig(all.outcomes);
  assert.equal(sum(wards, 'businesses_operating'), o.businesses_operating[0]);
  assert.equal(sum(wards, 'jobs_created'), o.jobs_created[0]);
  assert.equal(sum(wards, 'jobs_created_women'), o.jobs_created_women[0]);

  // Every figure at least this call's.
  const mf = stages({ json: mine.funnel });
  for (const s of Object.keys(f)) {
    assert.ok(f[s].count >= mf[s].count, `${s}`);
    if (f[s].reached !== null) assert.ok(f[s].reached >= mf[s].reached, `${s} reached`);
  }
  const mp = byCategory({ json: mine.priority });
  for (const c of Object.keys(p)) {
    for (const k of ['applicants', 'awardees', 'awarded_vnd']) assert.ok(p[c][k] >= mp[c][k], `${c} ${k}`);
  }
  // The reserve: a row per call counted, this one among them, as above.
  const row = all.priority.json.reserve.find((x) => x.call_id === call);
  assert.deepEqual(row, mine.priority.reserve[0]);
  const mo = fig({ json: mine.outcomes });
  for (const k of ['businesses_followed', 'businesses_operating', 'jobs_created', 'mentoring_sessions', 'mentoring_minutes',
    'training_registered']) assert.ok(o[k][0] >= mo[k][0], k);
  // District-wide, the woman who never applied counts at T1 as well.
  assert.ok(o.training_attended[0] >= mo.training_attended[0] + 1);
  assert.ok(o.training_women[0] >= mo.training_women[0] + 1);
  // Our reviewers' and mentors' rows hold only this call's work.
  for (const x of mine.workload.reviewers) assert.deepEqual(all.workload.json.reviewers.find((y) => y.user_id === x.user_id), x);
  for (const x of mine.workload.mentors) assert.deepEqual(all.workload.json.mentors.find((y) => y.user_id === x.user_id), x);

  // The 18 wards are listed for a ward filter too, zeros elsewhere.
  const one = await report('wards', '?ward=00088');
  assert.equal(one.json.wards.length, 19);
  for (const w of one.json.wards) if (w.ward !== '00088') assert.equal(w.applicants, 0);
  assert.ok(byWard(one)['00088'].applicants >= 3);
});

// ==== the documentation ====

test('the answers have the shapes assets/openapi.json documents', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const resolve = (s) => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
  // Every value against its schema: exactly the documented properties,
  // types, enums, null only where nullable.
  const check = (v, s, where) => {
    s = resolve(s);
    if (v === null) return assert.ok(s.nullable, `${where}: null, not nullable`);
    if (s.enum) assert.ok(s.enum.includes(v), `${where}: ${v} not in ${s.enum}`);
    switch (s.type) {
      case 'object':
        assert.deepEqual(Object.keys(v).sort(), Object.keys(s.properties).sort(), where);
        for (const k of s.required) assert.ok(k in v, `${where}.${k} required`);
        for (const [k, sub] of Object.entries(s.properties)) check(v[k], sub, `${where}.${k}`);
        break;
      case 'array':
        assert.ok(Array.isArray(v), where);
        if (s.minItems !== undefined) assert.ok(v.length >= s.minItems, `${where}: ${v.length} items`);
        if (s.maxItems !== undefined) assert.ok(v.length <= s.maxItems, `${where}: ${v.length} items`);
        v.forEach((x, i) => check(x, s.items, `${where}[${i}]`));
        break;
      case 'integer': assert.ok(Number.isInteger(v), `${where}: ${v}`); break;
      case 'number': assert.equal(typeof v, 'number', where); break;
      case 'string':
        assert.equal(typeof v, 'string', where);
        if (s.pattern) assert.match(v, new RegExp(s.pattern), where);
        break;
      default: assert.fail(`${where}: undocumented type ${s.type}`);
    }
  };
  for (const name of REPORTS) {
    const op = doc.paths[`/api/reports/${name}`].get;
    assert.deepEqual(op.tags, ['reports']);
    const content = op.responses['200'].content;
    for (const qs of [`?call_id=${call}`, `?call_id=${call}&ward=00049&from=${d(14, 0)}&to=${d(20, 0)}`, '']) {
      const r = await report(name, qs);
      check(r.json, content['application/json'].schema, `${name}${qs}`);
    }
    // The documented example is an answer of the same shape.
    check(content['application/json'].example, content['application/json'].schema, `${name} example`);
    assert.ok(content['text/csv; charset=utf-8'].example.startsWith('\ufeff'));
    assert.deepEqual(op.parameters.map((p) => doc.components.parameters[p.$ref.split('/').pop()].name),
      ['call_id', 'from', 'to', 'ward', 'format']);
  }
});

// ==== refusals ====

test('staff and admins only', async () => {
  const others = { applicant: await login('applicant'), reviewer: await login('reviewer1'), mentor: await login('mentor') };
  for (const name of REPORTS) {
    for (const [who, token] of Object.entries(others)) {
      const r = await report(name, `?call_id=${call}`, token);
      assertErr(assert, r, 403, 'forbidden');
      assert.ok(!r.text.includes('applied') && !r.text.includes('Hàng'), `${who} learns nothing`);
      assertErr(assert, await report(name, '?format=csv', token), 403, 'forbidden');
    }
    assertErr(assert, await api('GET', `/api/reports/${name}?format=csv`), 401, 'unauthorized');
  }
});

test('bad parameters: 400 naming every one of them', async () => {
  let r = await report('funnel', '?call_id=abc&from=2026-13-01&to=soon&ward=123&format=pdf&colour=red');
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['call_id', 'colour', 'format', 'from', 'to', 'ward']);

  // The order of the dates, and a repeated parameter.
  r = await report('wards', `?from=${d(2, 0)}&to=${d(1, 0)}&ward=00037&ward=00049`);
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(fieldsOf(r), { to: 'must not be before from', ward: 'is given more than once' });

  // A call and a ward that do not exist are mistakes, not empty reports.
  const missing = Number(await scalar('SELECT coalesce(max(id), 0) + 1000 FROM calls'));
  r = await report('priority', `?call_id=${missing}&ward=00001`);
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(fieldsOf(r), { call_id: 'is not a call', ward: "is not one of the district's wards" });
  // Along with the others, all in one answer, in the CSV as in the JSON.
  r = await report('outcomes', `?call_id=${missing}&from=yesterday&format=csv`);
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['call_id', 'from']);
  // One message per parameter: the first problem found.
  r = await report('wards', '?ward=00001&ward=00049');
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(fieldsOf(r), { ward: 'is given more than once' });
  r = await report('workload', '?ward=%ff');
  assertErr(assert, r, 400, 'validation_failed');
  assert.ok(fieldsOf(r).ward);

  // Empty values are "any": the district-wide report.
  r = await report('funnel', '?call_id=&from=&to=&ward=&format=');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.filters, { call_id: null, from: null, to: null, ward: null });
});
