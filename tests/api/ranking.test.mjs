// The transparent ranking (app/review/ranking.c) and the scoring settings
// of a call (app/calls/calls.c): the arithmetic of the ranking against
// examples computed by hand, "cannot judge", which priority claims count,
// the policy's combine rule and cap, incomplete applications, the
// disagreement flag at its threshold, per-reviewer normalisation, the
// sentences read aloud, the tie-breaks, what reviewers may not see, who
// may ask; then the settings and anchors of a call, each rule refused with
// nothing written.  Committees, assignments, reviews and verified claims
// are rows made here in SQL (their routes are tested elsewhere).  Who may
// call the route: routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BASE, api, db, demo, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, freshEmail, register, unchanged, userIdOf } from './fixtures.mjs';
import { ALL_WARDS, fullDraft } from './apps_fixtures.mjs';
import { at, callBody, createCall, setStatus } from './matrix/calls.mjs';

after(() => db.end());

// What a refused call request could write.
const CALL_TABLES = ['calls', 'call_criteria', 'criterion_anchors', 'audit_log'];

const tokens = {};
const ids = {};

before(async () => {
  for (const who of ['staff', 'admin', 'applicant', 'mentor', 'reviewer1', 'reviewer2']) {
    tokens[who] = await login(who);
    ids[who] = await userIdOf(demo[who].email);
  }
  // A member of staff who reads in English.
  const en = await register({ full_name: 'Staff Reading English' });
  await db.query("UPDATE users SET role = 'staff', locale = 'en' WHERE id = $1", [en.user.id]);
  tokens.staffEn = en.token;
  await setupA();
});

// A user made in SQL (no password: never logs in).
async function sqlUser(role, name) {
  const { rows } = await db.query('INSERT INTO users (email, full_name, role) VALUES ($1, $2, $3) RETURNING id',
    [freshEmail(role), name, role]);
  return Number(rows[0].id);
}

// Three criteria whose maxima differ, so that a review's score is not a
// plain sum: impact /10 weight 50, plan /5 weight 30, team /4 weight 20.
const RUBRIC3 = [['impact', 'Tác động', 'Impact', 10, 50], ['plan', 'Kế hoạch', 'Plan', 5, 30], ['team', 'Đội ngũ', 'Team', 4, 20]];

// A call made in SQL, open by default (its rubric and policy set while it
// is a draft, as they must be).  Applications are made while it is open,
// then it is moved on with closeForReview().
async function rankCall({ rubric = RUBRIC3, status = 'open', ...cols } = {}) {
  const c = {
    title_vi: 'Đợt xếp hạng', title_en: 'Ranking round', description_vi: 'Thử', description_en: 'Test',
    opens_at: new Date(Date.now() - 86400e3).toISOString(), closes_at: new Date(Date.now() + 30 * 86400e3).toISOString(),
    budget_vnd: 2000000000, max_award_vnd: 50000000, stages: ['idea', 'startup', 'new_business'], wards: ALL_WARDS,
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
    let pos = 0;
    for (const [key, vi, en, max, weight] of rubric) {
      await client.query('INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [id, ++pos, key, vi, en, max, weight]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  if (status === 'open') await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [id]);
  return id;
}

async function closeForReview(call) {
  for (const s of ['closed', 'reviewing']) await db.query('UPDATE calls SET status = $2 WHERE id = $1', [call, s]);
}

const PATH = { eligible: ['submitted', 'screening', 'eligible'], in_review: ['submitted', 'screening', 'eligible', 'in_review'] };
PATH.reviewed = [...PATH.in_review, 'reviewed'];
PATH.funded = [...PATH.reviewed, 'funded'];

// An application of a new applicant, complete, moved to `status`, with
// its claims ([category, 'verified' | 'pending' | 'rejected']); a verified
// claim has its certificate on file, as the database demands.
async function rankApp(call, { name, applicant = 'Nguyễn Thị Bí Mật', submitted, claims = [], status = 'in_review', amount = 30000000 }) {
  const who = await sqlUser('applicant', applicant);
  const d = fullDraft({ business_name: name, amount_requested_vnd: amount, budget_lines: [{ item: 'Thiết bị', amount_vnd: amount }] });
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
        problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
        woman_manager, ward_code)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '00037') RETURNING id`,
    [call, who, d.business_name, d.stage, d.sector, d.description, d.problem_customers, d.plan, d.team_size,
      d.women_employed, d.jobs_planned, d.amount_requested_vnd, JSON.stringify(d.budget_lines), d.women_capital_pct, d.woman_manager]);
    const id = Number(rows[0].id);
    for (const st of PATH[status]) await client.query('UPDATE applications SET status = $2 WHERE id = $1', [id, st]);
    if (submitted) await client.query('UPDATE applications SET submitted_at = $2 WHERE id = $1', [id, submitted]);
    for (const [category, st] of claims) {
      if (st === 'verified') {
        await client.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
          VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', 1000, $3, $4)`,
        [id, category === 'disability' ? 'disability_certificate' : 'household_certificate',
          createHash('sha256').update(`${id}${category}`).digest(), who]);
      }
      await client.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until,
          status, note, decided_by, decided_at)
        VALUES ($1, $2, 'GCN-123', current_date - 30, current_date + 300, $3, $4,
          CASE WHEN $3 = 'pending' THEN NULL ELSE $5::bigint END, CASE WHEN $3 = 'pending' THEN NULL ELSE now() END)`,
      [id, category, st, st === 'rejected' ? 'Giấy chứng nhận không khớp' : null, ids.staff]);
    }
    await client.query('COMMIT');
    const reference = await scalar('SELECT reference FROM applications WHERE id = $1', [id]);
    return { id, reference, applicant: who, applicantName: applicant, name, amount };
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

async function committee(call, reviewers) {
  for (const r of reviewers) {
    await db.query('INSERT INTO call_reviewers (call_id, reviewer_id, added_by) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [call, r, ids.staff]);
  }
}

// A review of app by reviewer, assigned and (by default) submitted.
// scores: {key: integer | null (cannot judge)}.
async function review(call, app, reviewer, scores, status = 'submitted') {
  await committee(call, [reviewer]);
  // The assignment as it was made while the application was in review
  // (committee triggers refuse new ones on decided applications).
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, created_by, released_at, no_conflict_at)
      VALUES ($1, $2, $3, 'manual', $4, now(), now())`, [call, app.id, reviewer, ids.staff]);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
  await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, recommendation, status, submitted_at)
    VALUES ($1, $2, $3, 'maybe', $4, CASE WHEN $4 = 'submitted' THEN now() END)`, [app.id, reviewer, JSON.stringify(scores), status]);
}

const s3 = (impact, plan, team) => ({ impact, plan, team });
const ranking = (call, token = tokens.staff) => api('GET', `/api/calls/${call}/ranking`, { token });
const byApp = (r) => Object.fromEntries(r.json.items.map((i) => [i.application_id, i]));

// Call A: policy poor 10, near-poor 7, hardship 5, disability 5, added up
// and capped at 12; three reviews required; disagreement above 20 points.
//
// A review's score is 100 * sum(score / max * weight) / sum(weight) over
// the criteria judged, e.g. (8, 4, 3) = 100 * (0.8*50 + 0.8*30 + 0.75*20)
// / 100 = 79 and (6, 3, cannot judge) = 100 * (0.6*50 + 0.6*30) / 80 = 60.
const A = {};
async function setupA() {
  A.call = await rankCall({ bonus_poor: 10, bonus_near_poor: 7, bonus_hardship: 5, bonus_disability: 5, priority_combine: 'sum',
    priority_cap: 12, reviewers_per_application: 3, disagreement_threshold: 20 });
  A.r = [];
  for (let i = 1; i <= 4; i++) A.r.push(await sqlUser('reviewer', `Người chấm ${i}`));
  const [r1, r2, r3, r4] = A.r;
  await committee(A.call, [ids.reviewer1]);

  // Verified poor and disability: 10 + 5 = 15, capped at 12.
  // Reviews 79, 60, 75: merit 214/3 = 71.333333, median 75, spread 19.
  A.x1 = await rankApp(A.call, { name: 'Bún chả Hàng Mành', applicant: 'Lê Thị Một', submitted: '2026-03-02 09:00+07',
    claims: [['poor', 'verified'], ['disability', 'verified']] });
  await review(A.call, A.x1, r1, s3(8, 4, 3));
  await review(A.call, A.x1, r2, s3(6, 3, null));
  await review(A.call, A.x1, r3, s3(7, 5, 2));
  // A pending and a rejected claim: no points.  Reviews 100, 47, 84:
  // merit 77, median 84, spread 53 (a disagreement).  Submitted first.
  A.x2 = await rankApp(A.call, { name: 'Xôi Yến', applicant: 'Trần Thị Hai', submitted: '2026-03-01 09:00+07',
    claims: [['poor', 'pending'], ['near_poor', 'rejected']] });
  await review(A.call, A.x2, r1, s3(10, 5, 4));
  await review(A.call, A.x2, r2, s3(5, 2, 2));
  await review(A.call, A.x2, r3, s3(8, 4, 4));
  // Verified near-poor (7), pending disability.  Reviews 79, 68, 63:
  // merit 70, final 77 like x2: verified priority goes first.
  A.x3 = await rankApp(A.call, { name: 'Trà chanh Nhà Thờ', applicant: 'Phạm Thị Ba', submitted: '2026-03-03 09:00+07',
    claims: [['near_poor', 'verified'], ['disability', 'pending']] });
  await review(A.call, A.x3, r1, s3(8, 4, 3));
  await review(A.call, A.x3, r2, s3(8, 3, 2));
  await review(A.call, A.x3, r3, s3(6, 3, 3));
  // Two with the same reviews 60, 58, 63 (merit 181/3 = 60.333333), no
  // priority: the earlier submission goes first.
  A.x4 = await rankApp(A.call, { name: 'May đo Hàng Gai', applicant: 'Võ Thị Bốn', submitted: '2026-03-04 10:00+07' });
  A.x5 = await rankApp(A.call, { name: 'Thêu tay Hàng Trống', applicant: 'Đỗ Thị Năm', submitted: '2026-03-04 11:00+07' });
  for (const x of [A.x4, A.x5]) {
    await review(A.call, x, r1, s3(6, 3, null));
    await review(A.call, x, r2, s3(5, 3, 3));
    await review(A.call, x, r3, s3(7, 3, 2));
  }
  // Reviews 60, 80, 70: spread exactly 20, the threshold: no flag.
  A.x8 = await rankApp(A.call, { name: 'Gốm Bát Tràng phố cổ', applicant: 'Bùi Thị Tám', submitted: '2026-03-05 09:00+07' });
  await review(A.call, A.x8, r1, s3(6, 3, null));
  await review(A.call, A.x8, r2, s3(8, 4, null));
  await review(A.call, A.x8, r3, s3(5, 5, 3));
  // Incomplete: two submitted reviews (100 and 100) and a draft.
  A.x6 = await rankApp(A.call, { name: 'Bánh cốm Hàng Than', applicant: 'Hoàng Thị Sáu', submitted: '2026-03-06 09:00+07' });
  await review(A.call, A.x6, r1, s3(10, 5, 4));
  await review(A.call, A.x6, r2, s3(10, 5, 4));
  await review(A.call, A.x6, r3, s3(1, 1, 1), 'draft');
  // Incomplete: the one submitted review is by a reviewer with a known
  // conflict of interest, so it does not count.
  A.x7 = await rankApp(A.call, { name: 'Phở cuốn Ngũ Xã', applicant: 'Đặng Thị Bảy', submitted: '2026-03-07 09:00+07' });
  await committee(A.call, [r4]);
  await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, recommendation, status, submitted_at)
    VALUES ($1, $2, $3, 'fund', 'submitted', now())`, [A.x7.id, r4, JSON.stringify(s3(10, 5, 4))]);
  await db.query(`INSERT INTO conflicts (application_id, reviewer_id, type, reason, declared_by)
    VALUES ($1, $2, 'family', 'Chị gái của người nộp', $3)`, [A.x7.id, r4, ids.staff]);
  // Not in review: never ranked.
  A.x0 = await rankApp(A.call, { name: 'Chưa chấm', status: 'eligible', claims: [['poor', 'verified']] });
  await closeForReview(A.call);
}

test('ranking arithmetic: weighted review scores, "cannot judge" re-weighted, mean, median, spread, bonus, order', async () => {
  const r = await ranking(A.call);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  const order = r.json.items.map((i) => i.application_id);
  assert.deepEqual(order, [A.x1, A.x3, A.x2, A.x8, A.x4, A.x5, A.x6, A.x7].map((x) => x.id),
    'ranked by final, then the incomplete ones by submission');
  assert.deepEqual(r.json.items.map((i) => i.rank), [1, 2, 3, 4, 5, 6, null, null]);
  assert.ok(!order.includes(A.x0.id), 'an application not yet in review is not ranked');

  const it = byApp(r);
  const pick = (i) => ({
    merit: i.merit, merit_raw: i.merit_raw, median: i.median, low: i.low, high: i.high, spread: i.spread,
    disagreement: i.disagreement, reviews: i.reviews, required: i.required, bonus: i.bonus, final: i.final,
  });
  assert.deepEqual(pick(it[A.x1.id]), {
    merit: 71.333333, merit_raw: 71.333333, median: 75, low: 60, high: 79, spread: 19, disagreement: false,
    reviews: 3, required: 3, bonus: 12, final: 83.333333,
  });
  assert.deepEqual(pick(it[A.x2.id]), {
    merit: 77, merit_raw: 77, median: 84, low: 47, high: 100, spread: 53, disagreement: true,
    reviews: 3, required: 3, bonus: 0, final: 77,
  });
  assert.deepEqual(pick(it[A.x3.id]), {
    merit: 70, merit_raw: 70, median: 68, low: 63, high: 79, spread: 16, disagreement: false,
    reviews: 3, required: 3, bonus: 7, final: 77,
  });
  for (const x of [A.x4, A.x5]) {
    assert.deepEqual(pick(it[x.id]), {
      merit: 60.333333, merit_raw: 60.333333, median: 60, low: 58, high: 63, spread: 5, disagreement: false,
      reviews: 3, required: 3, bonus: 0, final: 60.333333,
    });
  }
  assert.deepEqual(pick(it[A.x8.id]), {
    merit: 70, merit_raw: 70, median: 70, low: 60, high: 80, spread: 20, disagreement: false,
    reviews: 3, required: 3, bonus: 0, final: 70,
  });
  // Incomplete: merit so far, no final, no rank; the draft review and the
  // conflicted reviewer's review do not count.
  assert.deepEqual(pick(it[A.x6.id]), {
    merit: 100, merit_raw: 100, median: 100, low: 100, high: 100, spread: 0, disagreement: false,
    reviews: 2, required: 3, bonus: 0, final: null,
  });
  assert.deepEqual(pick(it[A.x7.id]), {
    merit: null, merit_raw: null, median: null, low: null, high: null, spread: null, disagreement: false,
    reviews: 0, required: 3, bonus: 0, final: null,
  });
  assert.equal(it[A.x6.id].complete, false);
  assert.equal(it[A.x1.id].complete, true);

  // Reference, business, status; the call's settings and a summary.
  assert.equal(it[A.x1.id].reference, A.x1.reference);
  assert.equal(it[A.x1.id].business_name, 'Bún chả Hàng Mành');
  assert.equal(it[A.x1.id].status, 'in_review');
  const c = r.json.call;
  assert.equal(c.id, A.call);
  assert.equal(c.status, 'reviewing');
  assert.equal(c.reviewers_per_application, 3);
  assert.equal(c.disagreement_threshold, 20);
  assert.equal(c.normalise_reviewers, false);
  assert.deepEqual(c.rubric.map((k) => [k.key, k.max_score, k.weight]), [['impact', 10, 50], ['plan', 5, 30], ['team', 4, 20]]);
  assert.deepEqual(c.priority_policy, { bonus: { poor: 10, near_poor: 7, hardship: 5, disability: 5 }, combine: 'sum', cap: 12 });
  // 20 reviews counted: 18 of the six complete ones and two of x6; their
  // raw mean is (214 + 231 + 210 + 181 + 181 + 210 + 200) / 20 = 71.35.
  assert.deepEqual({ ...r.json.summary, sd: undefined }, {
    applications: 8, ranked: 6, incomplete: 2, reviews: 20, reviews_ignored: 0, reviewers: 3, normalised: false,
    normalised_reviewers: 0, mean: 71.35, sd: undefined,
  });
  assert.match(r.json.tie_break.en, /verified priority first, then the earlier submission/);
  assert.match(r.json.tie_break.vi, /ưu tiên đã xác minh xếp trước/);
});

test('only verified priority counts: a pending or rejected claim earns nothing; categories are listed with labels', async () => {
  const it = byApp(await ranking(A.call));
  assert.deepEqual(it[A.x1.id].verified_categories, [
    { code: 'poor', label: { vi: 'Hộ nghèo', en: 'Poor household' } },
    { code: 'disability', label: { vi: 'Người khuyết tật', en: 'Person with a disability' } },
  ]);
  assert.deepEqual(it[A.x2.id].verified_categories, [], 'pending poor and rejected near-poor are not verified');
  assert.equal(it[A.x2.id].bonus, 0);
  assert.deepEqual(it[A.x3.id].verified_categories.map((x) => x.code), ['near_poor'], 'the pending disability claim is left out');
  assert.equal(it[A.x3.id].bonus, 7);

  // Verifying the pending claim changes the bonus at the next reading
  // (nothing is cached): 7 + 5 = 12, the cap.
  await db.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
    VALUES ($1, 'disability_certificate', 'application/pdf', 'xac-nhan.pdf', 1000, $2, $3)`,
  [A.x3.id, createHash('sha256').update(`x3-${A.x3.id}`).digest(), A.x3.applicant]);
  await db.query("UPDATE priority_claims SET status = 'verified', decided_by = $2, decided_at = now() WHERE application_id = $1 AND category = 'disability'",
    [A.x3.id, ids.staff]);
  try {
    const again = byApp(await ranking(A.call));
    assert.equal(again[A.x3.id].bonus, 12);
    assert.equal(again[A.x3.id].final, 82);
  } finally {
    await db.query("UPDATE priority_claims SET status = 'pending', decided_by = NULL, decided_at = NULL WHERE application_id = $1 AND category = 'disability'", [A.x3.id]);
  }
  assert.equal(byApp(await ranking(A.call))[A.x3.id].bonus, 7);
});

test('the policy: "max" takes the largest verified bonus, "sum" adds them, the cap bounds either', async () => {
  const B = await rankCall({ rubric: [['overall', 'Tổng thể', 'Overall', 10, 100]], reviewers_per_application: 1,
    bonus_poor: 10, bonus_near_poor: 7, bonus_hardship: 5, bonus_disability: 5, priority_combine: 'max', priority_cap: 100 });
  const C = await rankCall({ rubric: [['overall', 'Tổng thể', 'Overall', 10, 100]], reviewers_per_application: 1,
    bonus_poor: 10, bonus_near_poor: 7, bonus_hardship: 5, bonus_disability: 5, priority_combine: 'max', priority_cap: 8 });
  const rv = await sqlUser('reviewer', 'Người chấm chính sách');
  const make = async (call, name, claims) => {
    const x = await rankApp(call, { name, claims });
    await review(call, x, rv, { overall: 5 });
    return x;
  };
  const b1 = await make(B, 'Hai diện', [['poor', 'verified'], ['disability', 'verified']]);
  const b2 = await make(B, 'Một diện', [['disability', 'verified'], ['poor', 'rejected']]);
  const b3 = await make(B, 'Chưa xác minh', [['hardship', 'pending']]);
  const c1 = await make(C, 'Hai diện, trần 8', [['poor', 'verified'], ['disability', 'verified']]);
  const c2 = await make(C, 'Khuyết tật, dưới trần', [['disability', 'verified']]);
  await closeForReview(B);
  await closeForReview(C);

  const rb = byApp(await ranking(B));
  assert.equal(rb[b1.id].bonus, 10, 'max(10, 5), not 15');
  assert.equal(rb[b1.id].final, 60);
  assert.equal(rb[b2.id].bonus, 5);
  assert.equal(rb[b3.id].bonus, 0);
  const rc = byApp(await ranking(C));
  assert.equal(rc[c1.id].bonus, 8, 'max 10, capped at 8');
  assert.equal(rc[c2.id].bonus, 5, 'under the cap');
  // Call A adds them up: 10 + 5 = 15, capped at 12 (previous test).
  assert.equal(byApp(await ranking(A.call))[A.x1.id].bonus, 12);
});

test('the explanation a committee reads aloud, exactly, in the reader\'s language and in both', async () => {
  const vi = byApp(await ranking(A.call, tokens.staff));
  const en = byApp(await ranking(A.call, tokens.staffEn));
  const expected = {
    [A.x1.id]: ['83.3 = merit 71.3 (3 reviews, spread 19) + 12 priority (poor household, person with a disability, verified)',
      '83,3 = điểm chuyên môn 71,3 (3 đánh giá, chênh lệch 19) + 12 ưu tiên (hộ nghèo, người khuyết tật, đã xác minh)'],
    [A.x3.id]: ['77.0 = merit 70.0 (3 reviews, spread 16) + 7 priority (near-poor household, verified)',
      '77,0 = điểm chuyên môn 70,0 (3 đánh giá, chênh lệch 16) + 7 ưu tiên (hộ cận nghèo, đã xác minh)'],
    [A.x2.id]: ['77.0 = merit 77.0 (3 reviews, spread 53) + 0 priority',
      '77,0 = điểm chuyên môn 77,0 (3 đánh giá, chênh lệch 53) + 0 ưu tiên'],
    [A.x5.id]: ['60.3 = merit 60.3 (3 reviews, spread 5) + 0 priority',
      '60,3 = điểm chuyên môn 60,3 (3 đánh giá, chênh lệch 5) + 0 ưu tiên'],
    [A.x6.id]: ['not ranked: 2 of 3 required reviews (merit so far 100.0)',
      'chưa xếp hạng: mới có 2/3 đánh giá bắt buộc (điểm chuyên môn tạm tính 100,0)'],
    [A.x7.id]: ['not ranked: 0 of 3 required reviews', 'chưa xếp hạng: mới có 0/3 đánh giá bắt buộc'],
  };
  for (const [id, [e, v]] of Object.entries(expected)) {
    assert.equal(en[id].explanation, e);
    assert.equal(vi[id].explanation, v);
    for (const x of [en[id], vi[id]]) assert.deepEqual(x.explanations, { vi: v, en: e });
  }
});

test('ties are broken by the stated rule and the item says which rule put it below which application', async () => {
  const en = byApp(await ranking(A.call, tokens.staffEn));
  // x3 and x2 both 77: x3 has verified priority (x2 was submitted earlier).
  assert.deepEqual(en[A.x2.id].tie_break, {
    rule: 'verified_priority', above: A.x3.id, text: 'verified priority first',
    texts: { vi: 'ưu tiên đã xác minh xếp trước', en: 'verified priority first' },
  });
  // x4 and x5 both 60.333333, no priority: x4 was submitted an hour earlier.
  assert.deepEqual(en[A.x5.id].tie_break, {
    rule: 'earlier_submission', above: A.x4.id, text: 'submitted earlier', texts: { vi: 'nộp sớm hơn', en: 'submitted earlier' },
  });
  const vi = byApp(await ranking(A.call, tokens.staff));
  assert.equal(vi[A.x5.id].tie_break.text, 'nộp sớm hơn');
  for (const x of [A.x1, A.x3, A.x8, A.x4, A.x6, A.x7]) assert.equal(en[x.id].tie_break, null, `no tie for ${x.name}`);
});

test('the disagreement flag is raised when the spread passes the threshold, not at it', async () => {
  const flags = async () => {
    const it = byApp(await ranking(A.call));
    return [A.x1, A.x8, A.x2].map((x) => it[x.id].disagreement);
  };
  try {
    // Spreads: x1 19, x8 20, x2 53.
    assert.deepEqual(await flags(), [false, false, true], 'threshold 20');
    await db.query('UPDATE calls SET disagreement_threshold = 19 WHERE id = $1', [A.call]);
    assert.deepEqual(await flags(), [false, true, true], 'threshold 19');
    await db.query('UPDATE calls SET disagreement_threshold = 18 WHERE id = $1', [A.call]);
    assert.deepEqual(await flags(), [true, true, true], 'threshold 18');
    await db.query('UPDATE calls SET disagreement_threshold = 53 WHERE id = $1', [A.call]);
    assert.deepEqual(await flags(), [false, false, false], 'threshold 53');
  } finally {
    await db.query('UPDATE calls SET disagreement_threshold = 20 WHERE id = $1', [A.call]);
  }
});

// One criterion /100 weighted 100: a review's score is its number.  H is
// harsh (P 40, R 20), A and B are not (A: P 70, Q 60, S 80; B: Q 62, R
// 50, S 70).  Raw means: S 75, Q 61, P 55, R 35: H's low mark puts P
// below Q.  Normalised, each reviewer's scores become call mean + z *
// call deviation (mean 56.5, population deviation sqrt(2606/8) =
// 18.048546); P's 40 is H's best mark (z = +1 → 74.548546) and A's 70
// her average (→ 56.5), so P's merit is 65.524273; Q gets A's worst
// (z = -1.224745 → 34.395136) and B's 62 (→ 59.427861): 46.911499.
test('normalisation: a harsh reviewer no longer decides the order once the call turns it on', async () => {
  const N = await rankCall({ rubric: [['quality', 'Chất lượng', 'Quality', 100, 100]], reviewers_per_application: 2,
    normalise_reviewers: true, disagreement_threshold: 20 });
  const H = await sqlUser('reviewer', 'Người chấm khắt khe');
  const RA = await sqlUser('reviewer', 'Người chấm A');
  const RB = await sqlUser('reviewer', 'Người chấm B');
  const P = await rankApp(N, { name: 'P', submitted: '2026-03-01 09:00+07' });
  const Q = await rankApp(N, { name: 'Q', submitted: '2026-03-01 10:00+07' });
  const R = await rankApp(N, { name: 'R', submitted: '2026-03-01 11:00+07' });
  const S = await rankApp(N, { name: 'S', submitted: '2026-03-01 12:00+07' });
  const q = (v) => ({ quality: v });
  await review(N, P, H, q(40));
  await review(N, R, H, q(20));
  await review(N, P, RA, q(70));
  await review(N, Q, RA, q(60));
  await review(N, S, RA, q(80));
  await review(N, Q, RB, q(62));
  await review(N, R, RB, q(50));
  await review(N, S, RB, q(70));
  await closeForReview(N);

  const on = await ranking(N, tokens.staffEn);
  assert.equal(on.status, 200, on.text);
  assert.deepEqual(on.json.items.map((i) => i.application_id), [S.id, P.id, Q.id, R.id]);
  const it = byApp(on);
  const pick = (i) => [i.merit, i.merit_raw, i.low, i.high, i.spread, i.disagreement];
  assert.deepEqual(pick(it[S.id]), [77.799945, 75, 76.995025, 78.604864, 1.609839, false]);
  assert.deepEqual(pick(it[P.id]), [65.524273, 55, 56.5, 74.548546, 18.048546, false]);
  assert.deepEqual(pick(it[Q.id]), [46.911499, 61, 34.395136, 59.427861, 25.032725, true]);
  assert.deepEqual(pick(it[R.id]), [35.764284, 35, 33.077114, 38.451454, 5.37434, false]);
  assert.equal(it[P.id].explanation, '65.5 = merit 65.5 (2 reviews, spread 18) + 0 priority');
  assert.deepEqual(on.json.summary, {
    applications: 4, ranked: 4, incomplete: 0, reviews: 8, reviews_ignored: 0, reviewers: 3, normalised: true,
    normalised_reviewers: 3, mean: 56.5, sd: 18.048546,
  });
  assert.equal(on.json.call.normalise_reviewers, true);

  // Off: the raw means, and the harsh reviewer's order.
  await db.query('UPDATE calls SET normalise_reviewers = false WHERE id = $1', [N]);
  const off = await ranking(N);
  assert.deepEqual(off.json.items.map((i) => i.application_id), [S.id, Q.id, P.id, R.id]);
  assert.deepEqual(off.json.items.map((i) => i.merit), [75, 61, 55, 35]);
  assert.equal(off.json.summary.normalised, false);
  assert.equal(off.json.summary.normalised_reviewers, 0);
});

test('every review judged "cannot judge" throughout is ignored, and counts for nothing', async () => {
  const call = await rankCall({ reviewers_per_application: 2 });
  const [a, b, c] = [await sqlUser('reviewer', 'X'), await sqlUser('reviewer', 'Y'), await sqlUser('reviewer', 'Z')];
  const x = await rankApp(call, { name: 'Không chấm được' });
  await review(call, x, a, s3(null, null, null));
  await review(call, x, b, s3(10, null, null));
  await review(call, x, c, s3(null, 2, 4));
  await closeForReview(call);
  const r = await ranking(call);
  const i = r.json.items[0];
  // (10/10*50)/50 = 100 and (2/5*30 + 4/4*20)/50 = 64: merit 82.
  assert.deepEqual([i.reviews, i.merit, i.spread, i.rank], [2, 82, 36, 1]);
  assert.equal(r.json.summary.reviews_ignored, 1);
});

test('later decision states stay in the ranking; other calls\' applications and reviews never leak in', async () => {
  const call = await rankCall({ rubric: [['overall', 'Tổng thể', 'Overall', 10, 100]], reviewers_per_application: 1 });
  const rv = await sqlUser('reviewer', 'Người chấm');
  const f = await rankApp(call, { name: 'Đã được hỗ trợ', status: 'funded' });
  const g = await rankApp(call, { name: 'Đã chấm xong', status: 'reviewed' });
  await review(call, f, rv, { overall: 9 });
  await review(call, g, rv, { overall: 4 });
  await closeForReview(call);
  const r = await ranking(call);
  assert.deepEqual(r.json.items.map((i) => [i.application_id, i.status, i.final]), [[f.id, 'funded', 90], [g.id, 'reviewed', 40]]);
  assert.equal(r.json.summary.applications, 2);
});

test('reviewers of the call see the ranking without names or anything personal, field by field', async () => {
  const r = await ranking(A.call, tokens.reviewer1);
  assert.equal(r.status, 200, r.text);
  const ITEM = ['rank', 'complete', 'application_id', 'reference', 'status', 'business_name', 'reviews', 'required', 'merit',
    'merit_raw', 'median', 'low', 'high', 'spread', 'disagreement', 'bonus', 'verified_categories', 'final', 'tie_break',
    'explanation', 'explanations'];
  assert.deepEqual(Object.keys(r.json).sort(), ['call', 'items', 'summary', 'tie_break']);
  for (const i of r.json.items) assert.deepEqual(Object.keys(i).sort(), [...ITEM].sort());

  // Every key of the items and summary at any depth, and every string of
  // the whole document.  (The call's settings name the policy's
  // categories, e.g. priority_policy.bonus.disability: that is the
  // published policy, not anybody's data.)
  const keys = new Set();
  const strings = [];
  const walk = (v, collect) => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, collect));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) { if (collect) keys.add(k); walk(x, collect); }
    else if (typeof v === 'string') strings.push(v);
  };
  walk(r.json.items, true);
  walk(r.json.summary, true);
  walk(r.json.tie_break, true);
  walk(r.json.call, false);
  assert.deepEqual(Object.keys(r.json.call).sort(), ['disagreement_threshold', 'id', 'normalise_reviewers', 'priority_policy',
    'review_due_at', 'reviewers_per_application', 'rubric', 'scoring_closed_at', 'status', 'title']);
  const PERSONAL = ['applicant', 'applicant_id', 'full_name', 'name', 'email', 'phone', 'national_id', 'date_of_birth',
    'address', 'household_status', 'disability', 'disability_level', 'amount_requested_vnd', 'documents', 'claims',
    'cert_number', 'note', 'reviewer', 'reviewer_id', 'comment_committee', 'comment_applicant'];
  for (const k of PERSONAL) assert.ok(!keys.has(k), `a reviewer must not see "${k}"`);
  const names = [A.x1, A.x2, A.x3, A.x4, A.x5, A.x6, A.x7, A.x8].map((x) => x.applicantName);
  for (const s of strings) {
    for (const n of names) assert.ok(!s.includes(n), `"${n}" shown to a reviewer in "${s}"`);
    assert.ok(!s.includes('@'), `an e-mail address shown to a reviewer: "${s}"`);
    assert.ok(!s.includes('GCN-123'), 'a certificate number shown to a reviewer');
  }
  assert.ok(!r.text.includes('30000000'), 'the amount requested is not shown to reviewers');
  // The same ranking as staff see, less the personal fields.
  const staff = await ranking(A.call);
  assert.deepEqual(r.json.items.map((i) => [i.application_id, i.final, i.explanations]),
    staff.json.items.map((i) => [i.application_id, i.final, i.explanations]));
  // A reviewer's reading is not a read of personal data: no audit row.
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE request_id = $1", [r.headers.get('x-request-id')])), 0);
});

test('staff also see who applied and for how much; the read is audited', async () => {
  const r = await ranking(A.call, tokens.admin);
  assert.equal(r.status, 200, r.text);
  const x1 = byApp(r)[A.x1.id];
  assert.deepEqual(x1.applicant, { id: A.x1.applicant, full_name: 'Lê Thị Một' });
  assert.equal(x1.amount_requested_vnd, 30000000);
  const { rows } = await db.query('SELECT actor_id, action, entity, entity_id, after FROM audit_log WHERE request_id = $1',
    [r.headers.get('x-request-id')]);
  assert.deepEqual(rows.map((a) => ({ ...a, actor_id: Number(a.actor_id) })), [{
    actor_id: ids.admin, action: 'applications.read_personal', entity: 'calls', entity_id: String(A.call),
    after: { via: 'ranking', fields: ['full_name', 'amount_requested_vnd', 'verified_categories'], applications: 8 },
  }]);
});

test('who may ask: a reviewer outside the committee 403, applicants and mentors 403, drafts and unknown calls 404', async () => {
  const r2 = await unchanged(assert, () => ranking(A.call, tokens.reviewer2), ['audit_log']);
  assertErr(assert, r2, 403, 'forbidden');
  for (const who of ['applicant', 'mentor']) assertErr(assert, await ranking(A.call, tokens[who]), 403, 'forbidden');
  assertErr(assert, await ranking(A.call, null), 401, 'unauthorized');

  const draft = await rankCall({ status: 'draft' });
  for (const who of ['staff', 'admin']) {
    assertErr(assert, await unchanged(assert, () => ranking(draft, tokens[who]), ['audit_log']), 404, 'not_found');
    assertErr(assert, await ranking(999999999, tokens[who]), 404, 'not_found');
  }
  await committee(draft, [ids.reviewer1]);
  assertErr(assert, await ranking(draft, tokens.reviewer1), 404, 'not_found');

  // An open call has nothing in review yet: an empty ranking, not an error.
  const open = await rankCall({ status: 'open' });
  const e = await ranking(open);
  assert.equal(e.status, 200, e.text);
  assert.deepEqual(e.json.items, []);
  assert.deepEqual(e.json.summary, { applications: 0, ranked: 0, incomplete: 0, reviews: 0, reviews_ignored: 0, reviewers: 0,
    normalised: false, normalised_reviewers: 0, mean: null, sd: null });
});

test('a reviewer sees the ranking once the reviews released to her are submitted, or scoring is closed', async () => {
  const call = await rankCall({ rubric: [['overall', 'Tổng thể', 'Overall', 10, 100]], reviewers_per_application: 1 });
  const other = await sqlUser('reviewer', 'Người chấm khác');
  const y = await rankApp(call, { name: 'Y' });
  const z = await rankApp(call, { name: 'Z' });
  await closeForReview(call);
  await committee(call, [ids.reviewer1]);
  await review(call, y, other, { overall: 6 });
  const assign = (app, released) => db.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, created_by, released_at)
    VALUES ($1, $2, $3, 'auto', $4, CASE WHEN $5 THEN now() END)`, [call, app.id, ids.reviewer1, ids.staff, released]);
  const mine = () => ranking(call, tokens.reviewer1);
  const refused = async () => {
    const r = await unchanged(assert, mine, ['audit_log']);
    assertErr(assert, r, 409, 'conflict');
    assert.match(fieldsOf(r).reviews, /not submitted/);
  };

  // Proposed but not released: she knows nothing of it yet.
  await assign(y, false);
  assert.equal((await mine()).status, 200);
  await db.query('UPDATE assignments SET released_at = now() WHERE application_id = $1 AND reviewer_id = $2', [y.id, ids.reviewer1]);
  await refused();
  // A draft is not a review.
  await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, status) VALUES ($1, $2, '{"overall": 9}', 'draft')`, [y.id, ids.reviewer1]);
  await refused();
  await db.query("UPDATE reviews SET status = 'submitted', submitted_at = now(), recommendation = 'fund' WHERE application_id = $1 AND reviewer_id = $2",
    [y.id, ids.reviewer1]);
  const ok = await mine();
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.items.find((i) => i.application_id === y.id).merit, 75, 'her 90 and the other 60');
  // Another released assignment without a review; staff are never held back.
  await assign(z, true);
  await refused();
  assert.equal((await ranking(call)).status, 200);
  // Once scoring is closed, the ranking is for the whole committee.
  await db.query('UPDATE calls SET scoring_closed_at = now() WHERE id = $1', [call]);
  assert.equal((await mine()).status, 200);
});

// A call of 20 000 applications and 60 000 reviews, written in bulk
// (triggers off, as a restore would), ranked through the API.
test('20 000 applications and 60 000 reviews: one request, timed', async () => {
  const N = 20000;
  const call = await rankCall({ bonus_poor: 10, bonus_disability: 5, priority_cap: 12, reviewers_per_application: 3, normalise_reviewers: true });
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    const { rows: [{ first }] } = await c.query(`WITH u AS (INSERT INTO users (email, full_name, role)
        SELECT 'rank-big-' || $1 || '-' || g || '@sen.test', 'Người nộp ' || g, 'applicant' FROM generate_series(1, $2::int) g
        RETURNING id) SELECT min(id) AS first FROM u`, [call, N]);
    const { rows: [{ rfirst }] } = await c.query(`WITH u AS (INSERT INTO users (email, full_name, role)
        SELECT 'rank-big-r-' || $1 || '-' || g || '@sen.test', 'Người chấm ' || g, 'reviewer' FROM generate_series(1, 40) g
        RETURNING id) SELECT min(id) AS rfirst FROM u`, [call]);
    await c.query(`INSERT INTO applications (call_id, applicant_id, reference, status, business_name, stage, sector, description,
        problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
        woman_manager, ward_code, submitted_at)
      SELECT $1, $2::bigint + g - 1, 'HK-9999-' || ($1::bigint * 100000 + g), 'in_review', 'Cơ sở "số" ' || g, 'idea',
        'food_beverage', 'Mô tả', 'Khách hàng', 'Kế hoạch', 3, 2, 2, 1000000,
        '[{"item": "Thiết bị", "amount_vnd": 1000000}]', 100, true, '00037',
        timestamptz '2026-03-01 00:00+07' + (g % 5000) * interval '1 minute'
      FROM generate_series(1, $3::int) g`, [call, first, N]);
    // Three reviewers each, 40 reviewers in all; scores vary with g.
    await c.query(`INSERT INTO reviews (application_id, reviewer_id, scores, recommendation, status, submitted_at, pseudonym)
      SELECT a.id, $2::bigint + ((a.id + k * 7) % 40), jsonb_build_object('impact', (a.id * 7 + k * 3) % 11,
        'plan', CASE WHEN (a.id + k) % 17 = 0 THEN NULL ELSE (a.id * 3 + k) % 6 END, 'team', (a.id + k * 5) % 5),
        'maybe', 'submitted', now(), k + 1
      FROM applications a, generate_series(0, 2) k WHERE a.call_id = $1`, [call, rfirst]);
    await c.query(`INSERT INTO priority_claims (application_id, category, status, decided_by, decided_at)
      SELECT a.id, 'poor', 'verified', $2, now() FROM applications a WHERE a.call_id = $1 AND a.id % 4 = 0`, [call, ids.staff]);
    await c.query('COMMIT');
    await closeForReview(call);
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
  try {
    await ranking(call); // warm the connection and the plan
    await committee(call, [ids.reviewer1]);
    for (const [who, token] of [['staff', tokens.staff], ['reviewer', tokens.reviewer1]]) {
      // The server sends nothing before the whole answer is ready: the
      // headers mark its time; the body and JSON.parse are the client's.
      const ms = (t) => (Number(process.hrtime.bigint() - t) / 1e6).toFixed(0);
      const t0 = process.hrtime.bigint();
      const res = await fetch(`${BASE}/api/calls/${call}/ranking`, { headers: { authorization: `Bearer ${token}` } });
      const answered = ms(t0);
      const text = await res.text();
      const received = ms(t0);
      const r = { status: res.status, text, json: JSON.parse(text) };
      console.log(`# ranking of ${N} applications and ${3 * N} reviews as ${who}: answered in ${answered} ms, ` +
        `${(text.length / 1e6).toFixed(1)} MB received at ${received} ms, parsed at ${ms(t0)} ms`);
      assert.equal(r.status, 200, r.text.slice(0, 500));
      assert.equal(r.json.items.length, N);
      assert.equal(r.json.summary.ranked + r.json.summary.incomplete, N);
      assert.equal(r.json.summary.reviews + r.json.summary.reviews_ignored, 3 * N);
      assert.equal(r.json.summary.normalised_reviewers, 40);
      const ranked = r.json.items.filter((i) => i.rank !== null);
      for (let k = 1; k < ranked.length; k++) {
        assert.ok(ranked[k - 1].final >= ranked[k].final, `order at ${k}`);
        assert.equal(ranked[k].rank, k + 1);
      }
      assert.equal(r.json.items.filter((i) => i.bonus === 10).length, N / 4);
    }
  } finally {
    const d = await db.connect();
    try {
      await d.query('BEGIN');
      await d.query('SET LOCAL session_replication_role = replica');
      await d.query('DELETE FROM priority_claims WHERE application_id IN (SELECT id FROM applications WHERE call_id = $1)', [call]);
      await d.query('DELETE FROM reviews WHERE application_id IN (SELECT id FROM applications WHERE call_id = $1)', [call]);
      await d.query('DELETE FROM applications WHERE call_id = $1', [call]);
      await d.query("DELETE FROM users WHERE email LIKE 'rank-big-%' || $1 || '-%@sen.test'", [`${call}`]);
      await d.query('COMMIT');
    } finally {
      d.release();
    }
  }
});

// ---- The scoring settings of a call and the anchors of its rubric ----

const ANCHORS = [
  { score: 10, text: { vi: 'Tác động rõ rệt tới cả khu phố', en: 'A clear impact on the whole street' } },
  { score: 0, text: { vi: 'Không thấy tác động', en: 'No visible impact' } },
  { score: 5, text: { vi: '  Có tác động với vài hộ  ', en: 'Some households benefit' } },
];
const withAnchors = (anchors = ANCHORS, i = 0) => {
  const rubric = callBody().rubric;
  rubric[i] = { ...rubric[i], anchors };
  return rubric;
};
const anchorRows = (call) => db.query(`SELECT k.key, a.score, a.text_vi, a.text_en FROM criterion_anchors a
  JOIN call_criteria k ON k.id = a.criterion_id WHERE k.call_id = $1 ORDER BY k.position, a.score`, [call]).then((r) => r.rows);
const patch = (id, etag, body) => api('PATCH', `/api/calls/${id}`, { token: tokens.staff, body, headers: { 'if-match': etag } });

test('a call\'s scoring settings: defaults, values, anchors sorted by score and trimmed, stored, shown to all', async () => {
  const d = await createCall(tokens.staff);
  assert.equal(d.call.review_due_at, null);
  assert.equal(d.call.review_due_at_local, null);
  assert.equal(d.call.disagreement_threshold, 20);
  assert.equal(d.call.normalise_reviewers, false);
  assert.ok(d.call.rubric.every((k) => !('anchors' in k)), 'no anchors unless given');

  const r = await api('POST', '/api/calls', { token: tokens.staff, body: callBody({
    review_due_at: '2030-05-01T17:00:00+07:00', closes_at: '2030-04-01T17:00:00+07:00', disagreement_threshold: 0,
    normalise_reviewers: true, rubric: withAnchors(),
  }) });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.equal(c.review_due_at, '2030-05-01T10:00:00Z');
  assert.equal(c.review_due_at_local, '2030-05-01T17:00:00+07:00');
  assert.equal(c.disagreement_threshold, 0);
  assert.equal(c.normalise_reviewers, true);
  assert.deepEqual(c.rubric[0].anchors, [
    { score: 0, text: { vi: 'Không thấy tác động', en: 'No visible impact' } },
    { score: 5, text: { vi: 'Có tác động với vài hộ', en: 'Some households benefit' } },
    { score: 10, text: { vi: 'Tác động rõ rệt tới cả khu phố', en: 'A clear impact on the whole street' } },
  ]);
  assert.ok(!('anchors' in c.rubric[1]));
  const row = (await db.query('SELECT review_due_at, disagreement_threshold, normalise_reviewers FROM calls WHERE id = $1', [c.id])).rows[0];
  assert.equal(row.review_due_at.toISOString(), '2030-05-01T10:00:00.000Z');
  assert.equal(row.disagreement_threshold, 0);
  assert.equal(row.normalise_reviewers, true);
  assert.deepEqual(await anchorRows(c.id), [
    { key: 'impact', score: 0, text_vi: 'Không thấy tác động', text_en: 'No visible impact' },
    { key: 'impact', score: 5, text_vi: 'Có tác động với vài hộ', text_en: 'Some households benefit' },
    { key: 'impact', score: 10, text_vi: 'Tác động rõ rệt tới cả khu phố', text_en: 'A clear impact on the whole street' },
  ]);
  // Anchors are audited with the call's creation.
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE entity = 'criterion_anchors' AND request_id = $1",
    [r.headers.get('x-request-id')])), 3);
  // Everyone reads them once the call is open (anchors help reviewers and
  // tell applicants how they will be judged).
  await setStatus(tokens.staff, c.id, 'open');
  const pub = await api('GET', `/api/calls/${c.id}`);
  assert.equal(pub.status, 200);
  assert.deepEqual(pub.json.rubric, c.rubric);
  assert.equal(pub.json.normalise_reviewers, true);
});

test('every rule of the scoring settings and anchors, refused with its field and nothing written', async () => {
  const long = 'x'.repeat(501);
  const cases = [
    [{ disagreement_threshold: -1 }, 'disagreement_threshold', /between 0 and 100/],
    [{ disagreement_threshold: 101 }, 'disagreement_threshold', /between 0 and 100/],
    [{ disagreement_threshold: 12.5 }, 'disagreement_threshold', /integer/],
    [{ disagreement_threshold: '20' }, 'disagreement_threshold', /integer/],
    [{ disagreement_threshold: null }, 'disagreement_threshold', /null/],
    [{ normalise_reviewers: 'yes' }, 'normalise_reviewers', /true or false/],
    [{ normalise_reviewers: null }, 'normalise_reviewers', /null/],
    [{ review_due_at: '2030-05-01' }, 'review_due_at', /YYYY-MM-DDTHH:MM:SS/],
    [{ review_due_at: 5 }, 'review_due_at', /YYYY-MM-DDTHH:MM:SS/],
    [{ review_due_at: at(10), closes_at: at(20) }, 'review_due_at', /after closes_at/],
    [{ review_due_at: '2030-04-01T10:00:00Z', closes_at: '2030-04-01T17:00:00+07:00' }, 'review_due_at', /after closes_at/],
    [{ rubric: withAnchors([{ score: 11, text: { vi: 'a', en: 'a' } }]) }, 'rubric[0].anchors[0].score', /at most 10, the criterion's max_score/],
    [{ rubric: withAnchors([{ score: -1, text: { vi: 'a', en: 'a' } }]) }, 'rubric[0].anchors[0].score', /between 0 and 100/],
    [{ rubric: withAnchors([{ score: 2.5, text: { vi: 'a', en: 'a' } }]) }, 'rubric[0].anchors[0].score', /integer/],
    [{ rubric: withAnchors([{ score: 4, text: { vi: 'a', en: 'a' } }, { score: 4, text: { vi: 'b', en: 'b' } }]) },
      'rubric[0].anchors[1].score', /already described by another anchor/],
    [{ rubric: withAnchors([{ text: { vi: 'a', en: 'a' } }]) }, 'rubric[0].anchors[0].score', /required/],
    [{ rubric: withAnchors([{ score: 1 }]) }, 'rubric[0].anchors[0].text', /required/],
    [{ rubric: withAnchors([{ score: 1, text: { vi: 'a' } }]) }, 'rubric[0].anchors[0].text.en', /required/],
    [{ rubric: withAnchors([{ score: 1, text: { vi: '   ', en: 'a' } }]) }, 'rubric[0].anchors[0].text.vi', /blank/],
    [{ rubric: withAnchors([{ score: 1, text: { vi: long, en: 'a' } }]) }, 'rubric[0].anchors[0].text.vi', /at most 500/],
    [{ rubric: withAnchors([{ score: 1, text: { vi: 'Dòng 1\nDòng 2', en: 'a' } }]) }, 'rubric[0].anchors[0].text.vi', /control/],
    [{ rubric: withAnchors([{ score: 1, text: 'một' }]) }, 'rubric[0].anchors[0].text', /object/],
    [{ rubric: withAnchors([{ score: 1, text: { vi: 'a', en: 'a', fr: 'b' } }]) }, 'rubric[0].anchors[0].text.fr', /not a known field/],
    [{ rubric: withAnchors([{ score: 1, text: { vi: 'a', en: 'a' }, colour: 'red' }]) }, 'rubric[0].anchors[0].colour', /not a known field/],
    [{ rubric: withAnchors({ score: 1 }) }, 'rubric[0].anchors', /array/],
    [{ rubric: withAnchors(Array.from({ length: 102 }, (_, i) => ({ score: i % 11, text: { vi: 'a', en: 'a' } }))) },
      'rubric[0].anchors', /between 0 and 101/],
  ];
  for (const [over, field, message] of cases) {
    const r = await unchanged(assert, () => api('POST', '/api/calls', { token: tokens.staff, body: callBody(over) }), CALL_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], `expected an error on ${field}: ${r.text}`);
    assert.match(fieldsOf(r)[field], message, r.text);
  }
  // The rules across fields are reported all at once.
  const r2 = await unchanged(assert, () => api('POST', '/api/calls', { token: tokens.staff, body: callBody({
    review_due_at: at(1), rubric: withAnchors([{ score: 12, text: { vi: 'a', en: 'a' } }, { score: 3, text: { vi: 'a', en: 'a' } },
      { score: 3, text: { vi: 'b', en: 'b' } }]),
  }) }), CALL_TABLES);
  assertErr(assert, r2, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r2)).sort(), ['review_due_at', 'rubric[0].anchors[0].score', 'rubric[0].anchors[2].score']);
});

test('PATCH: settings change and clear; anchors replaced with the rubric of a draft; after opening they are frozen', async () => {
  const { id, etag } = await createCall(tokens.staff, { rubric: withAnchors(), review_due_at: at(40) });
  let r = await patch(id, etag, { disagreement_threshold: 35, normalise_reviewers: true, review_due_at: null });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.disagreement_threshold, 35);
  assert.equal(r.json.normalise_reviewers, true);
  assert.equal(r.json.review_due_at, null);
  assert.equal(r.json.rubric[0].anchors.length, 3, 'a PATCH without the rubric keeps the anchors');
  assert.equal((await anchorRows(id)).length, 3);

  // A draft's rubric is replaced whole, anchors with it.
  const two = withAnchors([{ score: 2, text: { vi: 'Đủ', en: 'Enough' } }], 1);
  r = await patch(id, r.headers.get('etag'), { rubric: two });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(await anchorRows(id), [{ key: 'feasibility', score: 2, text_vi: 'Đủ', text_en: 'Enough' }]);
  // A refused PATCH leaves them as they were.
  const bad = await unchanged(assert, () => patch(id, r.headers.get('etag'), { rubric: withAnchors([{ score: 11, text: { vi: 'a', en: 'a' } }]) }),
    CALL_TABLES);
  assertErr(assert, bad, 422, 'validation_failed');
  assert.ok(fieldsOf(bad)['rubric[0].anchors[0].score'], bad.text);
  const bad2 = await unchanged(assert, () => patch(id, r.headers.get('etag'), { review_due_at: at(1) }), CALL_TABLES);
  assertErr(assert, bad2, 422, 'validation_failed');
  assert.match(fieldsOf(bad2).review_due_at, /after closes_at/);

  // Open: the anchors are frozen with the rubric.
  r = await patch(id, r.headers.get('etag'), { rubric: withAnchors() });
  assert.equal(r.status, 200, r.text);
  let tag = await setStatus(tokens.staff, id, 'open');
  const read = (await api('GET', `/api/calls/${id}`, { token: tokens.staff })).json;
  const frozen = [
    withAnchors(ANCHORS.slice(0, 2)),					// one removed
    withAnchors([...ANCHORS, { score: 7, text: { vi: 'Khá', en: 'Good' } }]),	// one added
    withAnchors(ANCHORS.map((a) => (a.score === 0 ? { ...a, text: { vi: 'Khác', en: 'Other' } } : a))), // reworded
    withAnchors([{ score: 1, text: { vi: 'a', en: 'a' } }], 2),		// anchors on another criterion
    callBody().rubric,							// all removed
  ];
  for (const rubric of frozen) {
    const x = await unchanged(assert, () => patch(id, tag, { rubric }), CALL_TABLES);
    assertErr(assert, x, 409, 'conflict');
    assert.match(fieldsOf(x).rubric, /frozen/);
  }
  assert.equal((await anchorRows(id)).length, 3);
  // Sending back what was read, or the anchors in another order, or an
  // empty list where there are none, is not a change; the settings stay
  // editable.
  const same = read.rubric.map((k) => ({ ...k, anchors: k.anchors ? [...k.anchors].reverse() : [] }));
  r = await patch(id, tag, { rubric: same, disagreement_threshold: 10, normalise_reviewers: false, review_due_at: at(60) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rubric, read.rubric);
  assert.equal(r.json.disagreement_threshold, 10);
  tag = r.headers.get('etag');
  r = await patch(id, tag, { rubric: read.rubric });
  assert.equal(r.status, 200, r.text);

  // The database refuses on its own: frozen, and within 0..max_score.
  const crit = await scalar("SELECT id FROM call_criteria WHERE call_id = $1 AND key = 'impact'", [id]);
  await assert.rejects(db.query("INSERT INTO criterion_anchors (criterion_id, score, text_vi, text_en) VALUES ($1, 7, 'a', 'a')", [crit]),
    (e) => e.code === 'SN409' && e.column === 'rubric');
  await assert.rejects(db.query('DELETE FROM criterion_anchors WHERE criterion_id = $1', [crit]), (e) => e.code === 'SN409');
  const draft = await createCall(tokens.staff);
  const dcrit = await scalar("SELECT id FROM call_criteria WHERE call_id = $1 AND key = 'impact'", [draft.id]);
  await assert.rejects(db.query("INSERT INTO criterion_anchors (criterion_id, score, text_vi, text_en) VALUES ($1, 11, 'a', 'a')", [dcrit]),
    (e) => e.code === 'SN422' && e.column === 'rubric');
  await db.query("INSERT INTO criterion_anchors (criterion_id, score, text_vi, text_en) VALUES ($1, 8, 'a', 'a')", [dcrit]);
  await assert.rejects(db.query('UPDATE call_criteria SET max_score = 5 WHERE id = $1', [dcrit]), (e) => e.code === 'SN422');
});

test('answers have exactly the fields the OpenAPI document describes', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const schema = (n) => doc.components.schemas[n];
  const keys = (o) => Object.keys(o).sort();
  const staff = (await ranking(A.call)).json;
  const reviewer = (await ranking(A.call, tokens.reviewer1)).json;
  assert.deepEqual(keys(staff), keys(schema('RankingResponse').properties));
  assert.deepEqual(keys(staff.call), keys(schema('RankingCall').properties));
  assert.deepEqual(keys(staff.call.rubric[0]), keys(schema('RankingCall').properties.rubric.items.properties));
  assert.deepEqual(keys(staff.summary), keys(schema('RankingSummary').properties));
  for (const i of staff.items) assert.deepEqual(keys(i), keys(schema('RankingItem').properties), 'staff: every field');
  for (const i of reviewer.items) assert.deepEqual(keys(i), [...schema('RankingItem').required].sort(), 'reviewers: the required ones');
  const withCats = staff.items.find((i) => i.verified_categories.length > 0);
  assert.deepEqual(keys(withCats.verified_categories[0]), keys(schema('RankingCategory').properties));
  const tied = staff.items.find((i) => i.tie_break);
  assert.deepEqual(keys(tied.tie_break), keys(schema('RankingTieBreak').properties));

  // A call: every property of Call, anchors as CallAnchor.
  const c = await createCall(tokens.staff, { rubric: withAnchors() });
  assert.deepEqual(keys(c.call), keys(schema('Call').properties));
  assert.deepEqual(keys(c.call), [...schema('Call').required].sort());
  assert.deepEqual(keys(c.call.rubric[0]), keys(schema('CallCriterion').properties));
  assert.deepEqual(keys(c.call.rubric[0].anchors[0]), keys(schema('CallAnchor').properties));
  // The request schemas name the same fields the server accepts.
  for (const f of ['review_due_at', 'disagreement_threshold', 'normalise_reviewers']) {
    assert.ok(f in schema('CallCreateRequest').properties && f in schema('CallUpdateRequest').properties, f);
  }
});
