// Funding decisions (app/decisions/, migrations/0004_decisions.sql): the
// allocation proposal on rankings made by hand (the reserve used, the
// reserve partly unused and returned, ties at the budget edge, the
// minimum merit, staff-set amounts), decisions beside the proposal and
// the departures that must say why, their release together (nothing seen
// before; after it, her letter in her language with the reviewers'
// comments for her and never the confidential ones or a reviewer's name),
// reversal, reconsideration within its window and only once, and the
// decision settings of a call.  Every refused write proves that nothing
// changed.  Budget under concurrency: decisions_budget.test.mjs; awards,
// the waitlist and payments: awards.test.mjs; who may call what:
// routes.test.mjs (rows in matrix/decisions.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, register, unchanged, userIdOf } from './fixtures.mjs';
import { etagOf, ifMatch } from './apps_fixtures.mjs';
import {
  DEC_TABLES, M, allocation, closeScoring, decide, decideAsProposed, decisionCall, rankedApp, release, releasedApp,
} from './decisions_fixtures.mjs';

after(() => db.end());

let staff, admin, staffId;
let hoa, lan;	// applicants who log in: Hoa reads Vietnamese, Lan English
before(async () => {
  staff = await login('staff');
  admin = await login('admin');
  staffId = await userIdOf('staff@sen.example');
  const h = await register({ full_name: 'Trần Thị Hoa' });
  hoa = { token: h.token, id: h.user.id };
  const l = await register({ full_name: 'Lê Thị Lan', locale: 'en' });
  lan = { token: l.token, id: l.user.id };
});

const byApp = (a) => Object.fromEntries(a.items.map((i) => [i.application_id, i]));
const decisionRow = async (appId) => (await db.query(
  "SELECT * FROM decisions WHERE application_id = $1 AND status <> 'reversed'", [appId])).rows[0];
const appStatus = (id) => scalar('SELECT status FROM applications WHERE id = $1', [id]);

test('allocation: the reserve funds verified priority first, in rank order; the general walk goes on past what does not fit', async () => {
  // Budget 100, 30 % reserved (30).  Reserve walk: B (poor, 30) fits and
  // uses it all; C (disability, 20) does not fit what is left (0).
  // General walk over 70: A 40 (30 left), C 20 (10 left), D 30 does not
  // fit, E 10 (0 left).  D waits.
  const call = await decisionCall({ budget_vnd: 100 * M, priority_reserved_pct: 30 });
  const A = await rankedApp(call, { merit: 90, amount: 40 * M });
  const B = await rankedApp(call, { merit: 85, amount: 30 * M, claims: ['poor'] });
  const C = await rankedApp(call, { merit: 80, amount: 20 * M, claims: ['disability'] });
  const D = await rankedApp(call, { merit: 70, amount: 30 * M });
  const E = await rankedApp(call, { merit: 60, amount: 10 * M });
  await closeScoring(call);

  const before_ = await scalar('SELECT count(*) FROM decisions');
  const r = await allocation(staff, call.id);
  assert.equal(r.status, 200, r.text);
  assert.equal(await scalar('SELECT count(*) FROM decisions'), before_, 'the proposal writes nothing');
  const it = byApp(r.json);
  assert.deepEqual(r.json.items.map((i) => i.application_id), [A.id, B.id, C.id, D.id, E.id]);
  assert.deepEqual([A, B, C, D, E].map((x) => [it[x.id].outcome, it[x.id].pool, it[x.id].amount_vnd]), [
    ['funded', 'general', 40 * M], ['funded', 'reserve', 30 * M], ['funded', 'general', 20 * M],
    ['waitlisted', null, null], ['funded', 'general', 10 * M]]);
  assert.deepEqual([A, B, C, D, E].map((x) => it[x.id].running_total_vnd), [40, 70, 90, 90, 100].map((v) => v * M));
  assert.deepEqual(r.json.totals, {
    budget_vnd: 100 * M, reserve_vnd: 30 * M, reserve_used_vnd: 30 * M, reserve_returned_vnd: 0, general_vnd: 70 * M,
    general_used_vnd: 70 * M, funded_vnd: 100 * M, unspent_vnd: 0, funded: 4, waitlisted: 1, below_minimum: 0, excluded: 0,
  });
  assert.deepEqual(r.json.waitlist, [{ position: 1, application_id: D.id, reference: D.reference, rank: 4, proposed_vnd: 30 * M }]);
  assert.equal(it[D.id].left_vnd, 10 * M);
  // The share of each priority category, and what came from the reserve.
  const cat = Object.fromEntries(r.json.categories.map((c) => [c.code, c]));
  assert.deepEqual(cat.poor, { code: 'poor', funded: 1, amount_vnd: 30 * M, reserve_vnd: 30 * M, share_pct: 30 });
  assert.deepEqual(cat.disability, { code: 'disability', funded: 1, amount_vnd: 20 * M, reserve_vnd: 0, share_pct: 20 });
  assert.equal(cat.near_poor.funded, 0);
  // Why each one is where it is, in both languages.
  assert.equal(it[B.id].reason.en, 'funded from the priority reserve (rank 2)');
  assert.equal(it[B.id].reason.vi, 'được hỗ trợ từ quỹ dành riêng cho diện ưu tiên (hạng 2)');
  assert.equal(it[E.id].reason.en, 'funded from the general pool (rank 5; rank 4 did not fit, so the walk went on)');
  assert.equal(it[D.id].reason.en, 'waitlisted: 10 000 000 VND left, 30 000 000 requested');
  assert.equal(it[D.id].reason.vi, 'danh sách chờ: còn 10 000 000 đồng, đề nghị 30 000 000');
  assert.deepEqual(it[C.id].verified_categories, ['disability']);
  assert.equal(it[C.id].priority, true);
  assert.equal(it[A.id].merit, 90);
});

test('allocation: what the reserve does not use returns to the general pool and funds further down', async () => {
  // Budget 100, 40 % reserved (40).  Only P (near-poor, 15) is priority:
  // the reserve uses 15 and returns 25.  General 85: A 50 (35 left), B 40
  // does not fit, C 30 (5 left).  Without the 25 returned, C would wait.
  const call = await decisionCall({ budget_vnd: 100 * M, priority_reserved_pct: 40 });
  const A = await rankedApp(call, { merit: 90, amount: 50 * M });
  const B = await rankedApp(call, { merit: 80, amount: 40 * M });
  const C = await rankedApp(call, { merit: 70, amount: 30 * M });
  const P = await rankedApp(call, { merit: 50, amount: 15 * M, claims: ['near_poor'] });
  await closeScoring(call);

  const r = await allocation(staff, call.id);
  assert.equal(r.status, 200, r.text);
  const it = byApp(r.json);
  assert.equal(r.json.totals.reserve_vnd, 40 * M);
  assert.equal(r.json.totals.reserve_used_vnd, 15 * M);
  assert.equal(r.json.totals.reserve_returned_vnd, 25 * M);
  assert.equal(r.json.totals.general_vnd, 85 * M);
  assert.equal(r.json.totals.unspent_vnd, 5 * M);
  assert.deepEqual([A, B, C, P].map((x) => [it[x.id].outcome, it[x.id].pool]),
    [['funded', 'general'], ['waitlisted', null], ['funded', 'general'], ['funded', 'reserve']]);
  assert.equal(it[P.id].rank, 4, 'the reserve reaches down the ranking');
  assert.equal(it[B.id].waitlist_position, 1);
});

test('allocation: equal scores at the budget edge go by the ranking\'s tie-break (the earlier submission), not by the order of the rows', async () => {
  // Budget 50: A 30, then two equal 70s asking 20 each: one fits.  T2 was
  // made later (higher id) but submitted earlier, so it ranks first.
  const call = await decisionCall({ budget_vnd: 50 * M });
  const A = await rankedApp(call, { merit: 80, amount: 30 * M });
  const T1 = await rankedApp(call, { merit: 70, amount: 20 * M, submitted: '2026-03-05 10:00+07' });
  const T2 = await rankedApp(call, { merit: 70, amount: 20 * M, submitted: '2026-03-04 10:00+07' });
  await closeScoring(call);

  const r = await allocation(staff, call.id);
  assert.equal(r.status, 200, r.text);
  const it = byApp(r.json);
  assert.deepEqual(r.json.items.map((i) => i.application_id), [A.id, T2.id, T1.id]);
  assert.equal(it[T2.id].outcome, 'funded');
  assert.equal(it[T1.id].outcome, 'waitlisted');
  assert.deepEqual(it[T1.id].tie_break, { rule: 'earlier_submission', above: T2.id });
  assert.equal(it[T1.id].final, it[T2.id].final);
  assert.equal(it[T1.id].left_vnd, 0);
  assert.equal(r.json.totals.unspent_vnd, 0);
});

test('allocation: the minimum merit (set through the decision settings) leaves out those below it, exactly at it is in', async () => {
  const call = await decisionCall({ budget_vnd: 100 * M });
  const A = await rankedApp(call, { merit: 90, amount: 30 * M });
  const C = await rankedApp(call, { merit: 60, amount: 10 * M });
  const B = await rankedApp(call, { merit: 59, amount: 10 * M });
  await closeScoring(call);

  const v = Number(await scalar('SELECT version FROM calls WHERE id = $1', [call.id]));
  const s = await api('PATCH', `/api/calls/${call.id}/decision-settings`, { token: staff, body: { min_merit: 60 }, headers: ifMatch(v) });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.min_merit, 60);
  assert.equal(etagOf(s), v + 1);

  const r = await allocation(staff, call.id);
  const it = byApp(r.json);
  assert.equal(r.json.call.min_merit, 60);
  assert.deepEqual([A, C, B].map((x) => it[x.id].outcome), ['funded', 'funded', 'below_minimum']);
  assert.equal(it[B.id].reason.en, 'below the minimum merit: 59.0 < 60.0');
  assert.equal(it[B.id].reason.vi, 'dưới điểm tối thiểu: 59,0 < 60,0');
  assert.equal(r.json.totals.below_minimum, 1);
  assert.equal(r.json.totals.unspent_vnd, 60 * M);

  // Rejecting what falls below the minimum follows the proposal; funding
  // it departs from it and must say why.
  const no = await unchanged(assert, () => decide(staff, B.id, { outcome: 'funded', amount_vnd: 10 * M, rationale: 'Có tiềm năng.' }), DEC_TABLES);
  assertErr(assert, no, 422, 'validation_failed');
  assert.match(fieldsOf(no).departure_reason, /below the minimum merit: 59\.0 < 60\.0/);
  const ok = await decide(staff, B.id, { outcome: 'rejected', rationale: 'Dưới điểm tối thiểu của đợt.' });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.departs, false);
  assert.deepEqual(ok.json.proposal, { outcome: 'below_minimum', amount_vnd: 10 * M, reason: 'below the minimum merit: 59.0 < 60.0', rank: 3 });
});

test('allocation: staff-set amounts, from a funded decision or tried in the query, cap the award and free money further down', async () => {
  // Budget 60: A 40, B 30 does not fit (20 left).  A at 30 lets B in.
  const call = await decisionCall({ budget_vnd: 60 * M });
  const A = await rankedApp(call, { merit: 90, amount: 40 * M });
  const B = await rankedApp(call, { merit: 80, amount: 30 * M });
  await closeScoring(call);

  let it = byApp((await allocation(staff, call.id)).json);
  assert.deepEqual([it[A.id].outcome, it[B.id].outcome], ['funded', 'waitlisted']);

  // A what-if: nothing is written.
  const r = await unchanged(assert, () => allocation(staff, call.id, `?amount.${A.id}=30000000`), DEC_TABLES);
  assert.equal(r.status, 200, r.text);
  it = byApp(r.json);
  assert.deepEqual([it[A.id].outcome, it[A.id].amount_vnd, it[A.id].cap, it[A.id].staff_amount_from], ['funded', 30 * M, 'staff_amount', 'query']);
  assert.equal(it[A.id].reason.en, 'funded from the general pool (rank 1): 30 000 000 set by staff of 40 000 000 requested');
  assert.deepEqual([it[B.id].outcome, it[B.id].amount_vnd], ['funded', 30 * M]);

  // Deciding A at 30 is setting her amount: the proposal follows it, so
  // the decision does not depart, and B's proposal is now to fund.
  const d = await decide(staff, A.id, { outcome: 'funded', amount_vnd: 30 * M, rationale: 'Giảm phần quảng cáo.' });
  assert.equal(d.status, 201, d.text);
  assert.equal(d.json.departs, false);
  assert.equal(d.json.proposal.reason, 'funded from the general pool (rank 1): 30 000 000 set by staff of 40 000 000 requested');
  it = byApp((await allocation(staff, call.id)).json);
  assert.deepEqual([it[A.id].staff_amount_vnd, it[A.id].staff_amount_from], [30 * M, 'decision']);
  assert.deepEqual(it[A.id].decision, { id: d.json.id, outcome: 'funded', amount_vnd: 30 * M, status: 'pending' });
  assert.equal(it[B.id].outcome, 'funded');

  // Malformed or foreign staff-set amounts are refused.
  for (const qs of ['?amount.abc=1', `?amount.${A.id}=0`, `?amount.${A.id}=1.5`, `?amount.${A.id}=-3`,
    `?amount.${A.id}=1&amount.${A.id}=2`, '?amount.999999999=1000', `?amount.${A.id}=100000000000000`]) {
    const bad = await unchanged(assert, () => allocation(staff, call.id, qs), DEC_TABLES);
    assertErr(assert, bad, 400, 'validation_failed');
    assert.equal(Object.keys(fieldsOf(bad)).length, 1, qs);
  }
  assertErr(assert, await allocation(staff, 999999999), 404, 'not_found');
});

test('decisions: a rationale is required, amounts go with funding only, within what she asked; nothing is written when refused', async () => {
  const call = await decisionCall({ budget_vnd: 100 * M, max_award_vnd: 35 * M });
  const A = await rankedApp(call, { merit: 90, amount: 40 * M });
  const N = await rankedApp(call, { merit: 80, amount: 20 * M, review: false });
  await closeScoring(call);

  const cases = [
    [{ outcome: 'funded', amount_vnd: 35 * M }, 'rationale'],
    [{ outcome: 'funded', amount_vnd: 35 * M, rationale: '  \n ' }, 'rationale'],
    [{ outcome: 'funded', rationale: 'Tốt' }, 'amount_vnd'],
    [{ outcome: 'funded', amount_vnd: null, rationale: 'Tốt' }, 'amount_vnd'],
    [{ outcome: 'waitlisted', amount_vnd: 10 * M, rationale: 'Chờ' }, 'amount_vnd'],
    [{ outcome: 'approved', rationale: 'Tốt' }, 'outcome'],
    [{ outcome: 'funded', amount_vnd: 0, rationale: 'Tốt' }, 'amount_vnd'],
    [{ outcome: 'funded', amount_vnd: 35 * M, rationale: 'Tốt', extra: 1 }, 'extra'],
    [{ outcome: 'rejected', rationale: 'x'.repeat(4001) }, 'rationale'],
  ];
  for (const [body, field] of cases) {
    const r = await unchanged(assert, () => decide(staff, A.id, body), DEC_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], `${JSON.stringify(body)}: ${r.text}`);
  }
  // Above the call's maximum award (35, though she asked 40): the
  // database says so, and the proposal had capped it.
  const over = await unchanged(assert, () => decide(staff, A.id, { outcome: 'funded', amount_vnd: 36 * M, rationale: 'Tốt', departure_reason: 'Thử' }), DEC_TABLES);
  assertErr(assert, over, 422, 'validation_failed');
  assert.match(fieldsOf(over).amount_vnd, /at most 35,000,000 VND/);

  // An application that is not reviewed (no review: still in review).
  assert.equal(await appStatus(N.id), 'in_review');
  const nr = await unchanged(assert, () => decide(staff, N.id, { outcome: 'rejected', rationale: 'Thiếu phiếu chấm' }), DEC_TABLES);
  assertErr(assert, nr, 409, 'conflict');
  assert.match(nr.json.error.message, /only a reviewed application/i);
  assertErr(assert, await unchanged(assert, () => decide(staff, 999999999, { outcome: 'rejected', rationale: 'Không có' }), DEC_TABLES), 404, 'not_found');

  // Funding at the capped amount follows the proposal.
  const ok = await decide(staff, A.id, { outcome: 'funded', amount_vnd: 35 * M, rationale: 'Tốt' });
  assert.equal(ok.status, 201, ok.text);
  assert.deepEqual([ok.json.departs, ok.json.proposal.outcome, ok.json.proposal.amount_vnd], [false, 'funded', 35 * M]);
  assert.equal(ok.json.proposal.reason, 'funded from the general pool (rank 1): max award 35 000 000 of 40 000 000 requested');
  const row = await decisionRow(A.id);
  assert.deepEqual([row.status, row.outcome, Number(row.amount_vnd), row.rationale, Number(row.decided_by)],
    ['pending', 'funded', 35 * M, 'Tốt', staffId]);
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE entity = 'decisions' AND entity_id = $1 AND action = 'decisions.record'", [String(row.id)])), 1);
});

test('decisions: a departure from the proposal says why; a pending decision is replaced (If-Match), a released one is not', async () => {
  const call = await decisionCall({ budget_vnd: 100 * M });
  const A = await rankedApp(call, { merit: 90, amount: 40 * M });
  const B = await rankedApp(call, { merit: 80, amount: 30 * M });
  await closeScoring(call);

  // The proposal funds A: waitlisting her departs from it.
  const no = await unchanged(assert, () => decide(staff, A.id, { outcome: 'waitlisted', rationale: 'Cần thêm thông tin' }), DEC_TABLES);
  assertErr(assert, no, 422, 'validation_failed');
  assert.equal(fieldsOf(no).departure_reason, 'is required: the proposal is funded from the general pool (rank 1)');
  const w = await decide(staff, A.id, { outcome: 'waitlisted', rationale: 'Cần thêm thông tin', departure_reason: 'Chưa xác minh được địa điểm kinh doanh.' });
  assert.equal(w.status, 201, w.text);
  assert.equal(w.json.departs, true);
  assert.equal(w.json.departure_reason, 'Chưa xác minh được địa điểm kinh doanh.');
  const v1 = etagOf(w);

  // Replaced while pending: with a stale If-Match, refused; with the
  // current one (or none), replaced in place.
  assertErr(assert, await unchanged(assert, () => decide(staff, A.id, { outcome: 'funded', amount_vnd: 40 * M, rationale: 'Đã xác minh.' }, ifMatch(v1 + 5)), DEC_TABLES), 412, 'precondition_failed');
  const f = await decide(staff, A.id, { outcome: 'funded', amount_vnd: 40 * M, rationale: 'Đã xác minh.' }, ifMatch(v1));
  assert.equal(f.status, 200, f.text);
  assert.equal(f.json.id, w.json.id);
  assert.equal(etagOf(f), v1 + 1);
  assert.deepEqual([f.json.outcome, f.json.departs, f.json.departure_reason], ['funded', false, null]);
  assert.equal(Number(await scalar('SELECT count(*) FROM decisions WHERE application_id = $1', [A.id])), 1);
  // The database holds the rule too: a departure without its reason.
  await assert.rejects(db.query("UPDATE decisions SET outcome = 'rejected', amount_vnd = NULL WHERE id = $1", [f.json.id]), /decisions_departure_check/);

  assert.equal((await decide(staff, B.id, { outcome: 'funded', amount_vnd: 30 * M, rationale: 'Tốt' })).status, 201);
  assert.equal((await release(staff, call.id)).status, 200);
  const again = await unchanged(assert, () => decide(staff, A.id, { outcome: 'rejected', rationale: 'Đổi ý', departure_reason: 'Thử' }), DEC_TABLES);
  assertErr(assert, again, 409, 'conflict');
  assert.match(again.json.error.message, /released: it changes only through a reversal/);
});

test('release: nothing shows before; every reviewed application needs a decision; then all move together, with letters in her language', async () => {
  const call = await decisionCall({ budget_vnd: 70 * M, title_vi: 'Đợt hỗ trợ Hoàn Kiếm', title_en: 'Hoàn Kiếm support round' });
  const reviewerName = await scalar('SELECT full_name FROM users WHERE id = $1', [call.reviewer]);
  const H = await rankedApp(call, { merit: 90, amount: 40 * M, applicant: hoa.id, comment: 'Kế hoạch bán hàng rất rõ ràng.', confidential: 'BÍ MẬT: người nộp là họ hàng của cán bộ phường.' });
  const L = await rankedApp(call, { merit: 80, amount: 30 * M, applicant: lan.id, comment: 'The market study is thin.', confidential: 'CONFIDENTIAL: doubts about the figures.' });
  const X = await rankedApp(call, { merit: 40, amount: 10 * M });
  // A second review of Hoa's by a reviewer with a conflict: it does not
  // count, and its comment for her must not reach her either.
  const other = Number(await scalar("INSERT INTO users (email, full_name, role) VALUES ('conflicted-' || gen_random_uuid() || '@sen.test', 'Phạm Văn Xung Đột', 'reviewer') RETURNING id"));
  await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [call.id, other]);
  await db.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, released_at, no_conflict_at)
    VALUES ($1, $2, $3, 'manual', now(), now())`, [call.id, H.id, other]);
  await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, comment_applicant, comment_committee, recommendation, status, submitted_at)
    VALUES ($1, $2, '{"merit": 10}', 'NHẬN XÉT KHÔNG ĐƯỢC TÍNH', 'x', 'reject', 'submitted', now())`, [H.id, other]);
  await db.query("INSERT INTO conflicts (application_id, reviewer_id, type, reason, declared_by) VALUES ($1, $2, 'family', 'Họ hàng', $3)", [H.id, other, staffId]);

  // Release while scoring is open: refused.
  assertErr(assert, await unchanged(assert, () => release(staff, call.id), DEC_TABLES), 409, 'conflict');
  await closeScoring(call);

  const outboxBefore = Number(await scalar('SELECT count(*) FROM outbox WHERE user_id = ANY($1)', [[hoa.id, lan.id]]));
  assert.equal((await decide(staff, H.id, { outcome: 'funded', amount_vnd: 40 * M, rationale: 'Kế hoạch khả thi, tác động tốt.' })).status, 201);
  assert.equal((await decide(staff, L.id, { outcome: 'waitlisted', rationale: 'Good, but the budget is spent.', departure_reason: 'Thirty would fit but the panel asked for more detail first.' })).status, 201);

  // Nothing is visible to her yet: no decision, a status as before, no message.
  assertErr(assert, await api('GET', `/api/applications/${H.id}/decision`, { token: hoa.token }), 404, 'not_found');
  assert.equal((await api('GET', `/api/applications/${H.id}`, { token: hoa.token })).json.status, 'reviewed');
  assert.equal(Number(await scalar('SELECT count(*) FROM outbox WHERE user_id = ANY($1)', [[hoa.id, lan.id]])), outboxBefore);
  const staffView = await api('GET', `/api/applications/${H.id}/decision`, { token: staff });
  assert.equal(staffView.status, 200, staffView.text);
  assert.equal(staffView.json.decision.status, 'pending');

  // X is undecided: the release waits for it.
  const held = await unchanged(assert, () => release(staff, call.id), DEC_TABLES);
  assertErr(assert, held, 409, 'conflict');
  assert.ok(held.json.error.message.includes(X.reference), held.text);
  const list = await api('GET', `/api/calls/${call.id}/decisions`, { token: staff });
  assert.deepEqual(list.json.undecided.map((u) => u.application_id), [X.id]);
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE action = 'applications.read_personal' AND entity = 'calls' AND entity_id = $1 AND after->>'via' = 'decisions'", [String(call.id)])), 1);
  assert.deepEqual([list.json.counts.pending, list.json.counts.departures], [2, 1]);
  assert.deepEqual(list.json.budget, { budget_vnd: 70 * M, committed_vnd: 40 * M, pending_funded_vnd: 40 * M, available_vnd: 30 * M });

  assert.equal((await decide(staff, X.id, { outcome: 'rejected', rationale: 'Điểm thấp.', departure_reason: 'Điểm quá thấp so với các hồ sơ khác.' })).status, 201);
  const r = await release(staff, call.id);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.released, r.json.funded, r.json.waitlisted, r.json.rejected, r.json.awards, r.json.call_status],
    [3, 1, 1, 1, 1, 'decided']);
  assert.equal(await scalar('SELECT status FROM calls WHERE id = $1', [call.id]), 'decided');
  assert.deepEqual([await appStatus(H.id), await appStatus(L.id), await appStatus(X.id)], ['funded', 'waitlisted', 'rejected']);
  assertErr(assert, await unchanged(assert, () => release(staff, call.id), DEC_TABLES), 409, 'conflict');

  // Her letter, in Vietnamese: the amount, the tranches, the rationale, the
  // counted reviewer's comment for her; never the confidential comment,
  // the uncounted review's comment, or a reviewer's name.
  const mail = (await db.query("SELECT * FROM outbox WHERE user_id = $1 AND event LIKE 'decision.%'", [hoa.id])).rows;
  assert.equal(mail.length, 1);
  const m = mail[0];
  assert.deepEqual([m.channel, m.locale, m.event], ['email', 'vi', 'decision.funded']);
  assert.equal(m.subject, `Sen: hồ sơ ${H.reference} được hỗ trợ — Đợt hỗ trợ Hoàn Kiếm`);
  for (const s of ['Chào chị Trần Thị Hoa', '40.000.000 đồng', 'Kế hoạch khả thi, tác động tốt.', 'Nhận xét 1: Kế hoạch bán hàng rất rõ ràng.',
    'Đợt 1: 20.000.000 đồng, ngay khi nhận hỗ trợ', 'Đợt 2: 12.000.000 đồng, sau khi báo cáo sau 3 tháng được duyệt',
    'Đợt 3: 8.000.000 đồng, sau khi báo cáo sau 6 tháng được duyệt']) {
    assert.ok(m.body.includes(s), `letter has "${s}":\n${m.body}`);
  }
  for (const s of ['BÍ MẬT', 'họ hàng', 'NHẬN XÉT KHÔNG ĐƯỢC TÍNH', 'Nhận xét 2', reviewerName, 'Phạm Văn Xung Đột', 'Reviewer']) {
    assert.ok(!m.body.includes(s) && !m.subject.includes(s), `letter must not contain "${s}"`);
  }
  // The status message went too, and the letter is kept with the decision.
  assert.equal(Number(await scalar("SELECT count(*) FROM outbox WHERE user_id = $1 AND event = 'application.status' AND subject LIKE '%Được hỗ trợ'", [hoa.id])), 1);
  const mine = await api('GET', `/api/applications/${H.id}/decision`, { token: hoa.token });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual([mine.json.decision.outcome, mine.json.decision.amount_vnd, mine.json.decision.letter.body], ['funded', 40 * M, m.body]);
  for (const k of ['departure_reason', 'proposal', 'decided_by', 'departs']) assert.ok(!(k in mine.json.decision), `applicant must not see ${k}`);
  assert.equal(mine.json.can_ask_reconsideration, false);
  assert.ok(mine.json.award.id > 0);

  // Lan reads English; hers is a waitlist letter with how to ask for a
  // reconsideration and until when.
  const lm = (await db.query("SELECT * FROM outbox WHERE user_id = $1 AND event LIKE 'decision.%'", [lan.id])).rows;
  assert.equal(lm.length, 1);
  assert.deepEqual([lm[0].locale, lm[0].event], ['en', 'decision.waitlisted']);
  assert.equal(lm[0].subject, `Sen: application ${L.reference} is on the waitlist — Hoàn Kiếm support round`);
  for (const s of ['Dear Lê Thị Lan', 'is on the waitlist', 'Good, but the budget is spent.', 'Comment 1: The market study is thin.', 'you may ask once for it to be reconsidered']) {
    assert.ok(lm[0].body.includes(s), `letter has "${s}":\n${lm[0].body}`);
  }
  for (const s of ['CONFIDENTIAL', 'doubts', 'Thirty would fit', reviewerName]) assert.ok(!lm[0].body.includes(s), `letter must not contain "${s}"`);
  const lv = await api('GET', `/api/applications/${L.id}/decision`, { token: lan.token });
  assert.equal(lv.json.can_ask_reconsideration, true);

  // Another applicant's decision is as good as none.
  assertErr(assert, await api('GET', `/api/applications/${L.id}/decision`, { token: hoa.token }), 404, 'not_found');
  // Staff reads of a decision (her letter names her) are logged.
  assert.ok(Number(await scalar("SELECT count(*) FROM audit_log WHERE action = 'applications.read_personal' AND entity_id = $1 AND after->>'via' = 'decision'", [String(H.id)])) >= 1);
});

test('the database: a released decision changes only through a recorded reversal; history stays', async () => {
  const { app, decision } = await releasedApp(staff, (await register()).user.id, 'rejected');
  const id = decision.id;
  await assert.rejects(db.query("UPDATE decisions SET rationale = 'Sửa lén' WHERE id = $1", [id]), /changes only through a recorded reversal/);
  await assert.rejects(db.query("UPDATE decisions SET status = 'reversed', reversed_at = now() WHERE id = $1", [id]), /reversal and reason recorded/);
  await assert.rejects(db.query('DELETE FROM decisions WHERE id = $1', [id]), /never deleted/);
  await assert.rejects(db.query("UPDATE decision_letters SET body = 'x' WHERE decision_id = $1", [id]), /kept as they were/);
  await assert.rejects(db.query("INSERT INTO decision_reversals (decision_id, kind, reason) VALUES ($1, 'reversal', '   ')", [id]), /decision_reversals_reason_check/);
  assert.equal((await decisionRow(app.id)).status, 'released');
});

test('reversal: with a reason, the decision is replaced and released at once with its letter; a funded one is not reversed', async () => {
  const who = await register({ full_name: 'Đỗ Thị Hạnh' });
  const { call, app, decision } = await releasedApp(staff, who.user.id, 'rejected');
  const path = `/api/decisions/${decision.id}/reverse`;

  for (const [body, field] of [[{ outcome: 'waitlisted' }, 'reason'], [{ reason: ' ', outcome: 'waitlisted' }, 'reason'],
    [{ reason: 'Sai sót', outcome: 'funded' }, 'amount_vnd'], [{ reason: 'Sai sót', outcome: 'waitlisted', amount_vnd: 5 }, 'amount_vnd']]) {
    const r = await unchanged(assert, () => api('POST', path, { token: staff, body }), DEC_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], r.text);
  }
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: staff, body: { reason: 'Sai sót', outcome: 'rejected' } }), DEC_TABLES), 422, 'validation_failed');
  assertErr(assert, await unchanged(assert, () => api('POST', '/api/decisions/999999999/reverse', { token: staff, body: { reason: 'Sai sót', outcome: 'waitlisted' } }), DEC_TABLES), 404, 'not_found');

  const r = await api('POST', path, { token: staff, body: { reason: 'Điểm bị nhập sai: phiếu chấm đã được sửa.', outcome: 'waitlisted', rationale: 'Xếp vào danh sách chờ sau khi sửa điểm.' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.decision.outcome, 'waitlisted');
  assert.equal(r.json.decision.source, 'reversal');
  assert.equal(r.json.decision.replaces_id, decision.id);
  assert.equal(r.json.history.length, 1);
  assert.deepEqual([r.json.history[0].id, r.json.history[0].status, r.json.history[0].reversal.reason, r.json.history[0].reversal.reversed_by],
    [decision.id, 'reversed', 'Điểm bị nhập sai: phiếu chấm đã được sửa.', staffId]);
  assert.equal(await appStatus(app.id), 'waitlisted');
  const letter = await scalar("SELECT body FROM outbox WHERE user_id = $1 AND event = 'decision.waitlisted'", [who.user.id]);
  assert.ok(letter.includes('Quyết định trước đây về hồ sơ của chị đã được xem xét lại và thay đổi.'), letter);
  // The old decision is reversed once.
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: staff, body: { reason: 'Lần nữa', outcome: 'funded', amount_vnd: 10 * M } }), DEC_TABLES), 409, 'conflict');

  // A funded decision ends through its award, not a reversal.
  const f = await releasedApp(staff, (await register()).user.id, 'funded');
  const nf = await unchanged(assert, () => api('POST', `/api/decisions/${f.decision.id}/reverse`, { token: staff, body: { reason: 'Nhầm', outcome: 'rejected' } }), DEC_TABLES);
  assertErr(assert, nf, 409, 'conflict');
  assert.match(nf.json.error.message, /revoked/);
  assert.ok(call.id);
});

test('reconsideration: hers, once, within the window, of a decision not to fund; staff answer, upheld or changed', async () => {
  const who = await register({ full_name: 'Vũ Thị Thu' });
  const { call, app } = await releasedApp(staff, who.user.id, 'rejected');
  const path = `/api/applications/${app.id}/reconsideration`;
  const T = ['reconsiderations', ...DEC_TABLES];

  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: who.token, body: {} }), T), 422, 'validation_failed');
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: hoa.token, body: { reason: 'Không phải của tôi' } }), T), 404, 'not_found');
  const r = await api('POST', path, { token: who.token, body: { reason: 'Hồ sơ của tôi đã có giấy phép kinh doanh, hội đồng chưa xem.' } });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.status, r.json.reason], ['open', 'Hồ sơ của tôi đã có giấy phép kinh doanh, hội đồng chưa xem.']);
  const once = await unchanged(assert, () => api('POST', path, { token: who.token, body: { reason: 'Lần nữa' } }), T);
  assertErr(assert, once, 409, 'conflict');
  assert.match(once.json.error.message, /asked once/);
  const mine = await api('GET', `/api/applications/${app.id}/decision`, { token: who.token });
  assert.equal(mine.json.can_ask_reconsideration, false);
  assert.equal(mine.json.reconsideration.status, 'open');

  // A reversal waits for the answer.
  const d = await decisionRow(app.id);
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/decisions/${d.id}/reverse`, { token: staff, body: { reason: 'x', outcome: 'waitlisted' } }), T), 409, 'conflict');

  const answer = `/api/reconsiderations/${r.json.id}/answer`;
  for (const [body, field] of [[{ outcome: 'changed', answer: 'Đổi' }, 'new_outcome'], [{ outcome: 'upheld', answer: 'Giữ', new_outcome: 'funded' }, 'new_outcome'],
    [{ outcome: 'changed', answer: 'Đổi', new_outcome: 'funded' }, 'amount_vnd'], [{ outcome: 'upheld' }, 'answer']]) {
    const x = await unchanged(assert, () => api('POST', answer, { token: staff, body }), T);
    assertErr(assert, x, 422, 'validation_failed');
    assert.ok(fieldsOf(x)[field], x.text);
  }
  const a = await api('POST', answer, { token: staff, body: { outcome: 'changed', answer: 'Giấy phép đã được xác minh: hồ sơ được hỗ trợ.', new_outcome: 'funded', amount_vnd: 30 * M } });
  assert.equal(a.status, 200, a.text);
  assert.deepEqual([a.json.status, a.json.answer, a.json.answered_by], ['changed', 'Giấy phép đã được xác minh: hồ sơ được hỗ trợ.', staffId]);
  assert.equal(await appStatus(app.id), 'funded');
  const nd = await decisionRow(app.id);
  assert.deepEqual([nd.source, nd.outcome, Number(nd.amount_vnd), Number(a.json.new_decision_id)], ['reconsideration', 'funded', 30 * M, Number(nd.id)]);
  assert.equal(Number(await scalar("SELECT count(*) FROM awards WHERE application_id = $1 AND status = 'active'", [app.id])), 1);
  const msgs = (await db.query("SELECT event, body FROM outbox WHERE user_id = $1 AND event IN ('reconsideration.answered', 'decision.funded') ORDER BY id", [who.user.id])).rows;
  assert.deepEqual(msgs.map((x) => x.event), ['decision.funded', 'reconsideration.answered']);
  assert.ok(msgs[1].body.includes('Giấy phép đã được xác minh'), msgs[1].body);
  assert.ok(msgs[0].body.includes('Theo đề nghị xem xét lại của chị'), msgs[0].body);
  assertErr(assert, await unchanged(assert, () => api('POST', answer, { token: staff, body: { outcome: 'upheld', answer: 'Lần hai' } }), T), 409, 'conflict');
  assert.ok(call.id);
});

test('reconsideration: not after the window, not of a decision to fund, and an upheld answer is sent to her', async () => {
  const late = await register({ full_name: 'Ngô Thị Muộn' });
  const L = await releasedApp(staff, late.user.id, 'waitlisted', { cols: { reconsideration_days: 3 } });
  const until = await scalar('SELECT reconsider_until - released_at FROM decisions WHERE id = $1', [L.decision.id]);
  assert.equal(until.days, 3);
  // Four days later (the release moved back; the guard would refuse the
  // change, so triggers are off for it).
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query("UPDATE decisions SET released_at = released_at - interval '4 days', reconsider_until = reconsider_until - interval '4 days', decided_at = decided_at - interval '4 days' WHERE id = $1", [L.decision.id]);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
  const r = await unchanged(assert, () => api('POST', `/api/applications/${L.app.id}/reconsideration`, { token: late.token, body: { reason: 'Tôi đi vắng' } }), ['reconsiderations', ...DEC_TABLES]);
  assertErr(assert, r, 409, 'conflict');
  assert.match(r.json.error.message, /could be asked until/);

  const fund = await register();
  const F = await releasedApp(staff, fund.user.id, 'funded');
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/applications/${F.app.id}/reconsideration`, { token: fund.token, body: { reason: 'Xin thêm' } }), ['reconsiderations', ...DEC_TABLES]), 409, 'conflict');

  const up = await register({ full_name: 'Đinh Thị Giữ', locale: 'en' });
  const U = await releasedApp(staff, up.user.id, 'rejected');
  const k = await api('POST', `/api/applications/${U.app.id}/reconsideration`, { token: up.token, body: { reason: 'Please look again.' } });
  assert.equal(k.status, 201, k.text);
  const a = await api('POST', `/api/reconsiderations/${k.json.id}/answer`, { token: admin, body: { outcome: 'upheld', answer: 'The panel read it again; the scores stand.' } });
  assert.equal(a.status, 200, a.text);
  assert.equal(await appStatus(U.app.id), 'rejected');
  const m = (await db.query("SELECT locale, subject, body FROM outbox WHERE user_id = $1 AND event = 'reconsideration.answered'", [up.user.id])).rows;
  assert.equal(m.length, 1);
  assert.equal(m[0].locale, 'en');
  assert.ok(m[0].body.includes('the decision stays as it was') && m[0].body.includes('the scores stand'), m[0].body);
  const list = await api('GET', `/api/calls/${U.call.id}/decisions`, { token: staff });
  assert.deepEqual(list.json.reconsiderations.map((x) => [x.id, x.status]), [[k.json.id, 'upheld']]);
  assertErr(assert, await unchanged(assert, () => api('POST', '/api/reconsiderations/999999999/answer', { token: staff, body: { outcome: 'upheld', answer: 'x' } }), DEC_TABLES), 404, 'not_found');
});

test('decision settings: validated whole (schedule sums to 100, gates within the follow-up), If-Match, minimum merit frozen once released', async () => {
  const call = await decisionCall();
  const path = `/api/calls/${call.id}/decision-settings`;
  const v = Number(await scalar('SELECT version FROM calls WHERE id = $1', [call.id]));
  const T = ['calls', 'audit_log'];

  assertErr(assert, await unchanged(assert, () => api('PATCH', path, { token: staff, body: { min_merit: 10 } }), T), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => api('PATCH', path, { token: staff, body: { min_merit: 10 }, headers: ifMatch(v + 1) }), T), 412, 'precondition_failed');
  for (const [body, fields] of [
    [{ tranche_pcts: [50, 30, 30] }, ['tranche_pcts']],
    [{ tranche_pcts: [60, 40] }, ['tranche_gates']],
    [{ tranche_pcts: [60, 40], tranche_gates: [6] }, ['tranche_gates[0]']],
    [{ tranche_gates: [2, 0] }, ['tranche_gates[1]']],
    [{ min_merit: 101, reconsideration_days: 0 }, ['min_merit', 'reconsideration_days']],
    [{ tranche_pcts: [0, 100], tranche_gates: [null] }, ['tranche_pcts[0]']],
  ]) {
    const r = await unchanged(assert, () => api('PATCH', path, { token: staff, body, headers: ifMatch(v) }), T);
    assertErr(assert, r, 422, 'validation_failed');
    assert.deepEqual(Object.keys(fieldsOf(r)).sort(), fields.sort(), r.text);
  }
  const r = await api('PATCH', path, { token: admin, body: { tranche_pcts: [60, 40], tranche_gates: [null], reconsideration_days: 7 }, headers: ifMatch(v) });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.tranche_pcts, r.json.tranche_gates, r.json.reconsideration_days, r.json.min_merit], [[60, 40], [null], 7, 0]);
  const row = (await db.query('SELECT tranche_pcts, tranche_gates, reconsideration_days FROM calls WHERE id = $1', [call.id])).rows[0];
  assert.deepEqual([row.tranche_pcts, row.tranche_gates, row.reconsideration_days], [[60, 40], [null], 7]);
  assertErr(assert, await api('PATCH', '/api/calls/999999999/decision-settings', { token: staff, body: {}, headers: ifMatch(1) }), 404, 'not_found');

  // Awards of this call follow its schedule: 60 % at once, 40 % on staff's
  // approval.  Once released, the minimum merit stays.
  const app = await rankedApp(call, { merit: 70, amount: 20 * M });
  await closeScoring(call);
  await decideAsProposed(staff, call.id);
  assert.equal((await release(staff, call.id)).status, 200);
  const tr = (await db.query('SELECT t.number, t.amount_vnd, t.gate_checkin FROM award_tranches t JOIN awards w ON w.id = t.award_id WHERE w.application_id = $1 ORDER BY t.number', [app.id])).rows;
  assert.deepEqual(tr.map((t) => [t.number, Number(t.amount_vnd), t.gate_checkin]), [[1, 12 * M, null], [2, 8 * M, null]]);
  const v2 = Number(await scalar('SELECT version FROM calls WHERE id = $1', [call.id]));
  const frozen = await unchanged(assert, () => api('PATCH', path, { token: staff, body: { min_merit: 50 }, headers: ifMatch(v2) }), T);
  assertErr(assert, frozen, 409, 'conflict');
  assert.ok(fieldsOf(frozen).min_merit);
});

test('the answers have the shapes assets/openapi.json documents (every property, the required ones present)', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const schema = (n) => (typeof n === 'string' ? doc.components.schemas[n] : n);
  const keys = (o) => Object.keys(o).sort();
  // Exactly the documented properties (full views), or the required ones
  // and nothing undocumented (her partial views).
  const same = (o, n) => {
    const s = schema(n);
    assert.deepEqual(keys(o), keys(s.properties), `${JSON.stringify(o)}`);
    for (const k of s.required) assert.ok(k in o, `${k} required`);
  };
  const within = (o, n) => {
    const s = schema(n);
    for (const k of keys(o)) assert.ok(k in s.properties, `${k} undocumented`);
    for (const k of s.required) assert.ok(k in o, `${k} required`);
  };

  const who = await register({ full_name: 'Chu Thị Hình' });
  const call = await decisionCall({ budget_vnd: 60 * M, priority_reserved_pct: 20 });
  const A = await rankedApp(call, { merit: 90, amount: 30 * M, claims: ['poor'], applicant: who.user.id });
  const W = await rankedApp(call, { merit: 80, amount: 40 * M });
  const X = await rankedApp(call, { merit: 70, amount: 20 * M, submitted: '2026-03-01 09:00+07' });
  const T = await rankedApp(call, { merit: 70, amount: 20 * M, submitted: '2026-03-02 09:00+07' });
  await closeScoring(call);

  const al = await allocation(staff, call.id);
  same(al.json, 'AllocationResponse');
  same(al.json.call, schema('AllocationResponse').properties.call);
  same(al.json.totals, 'AllocationTotals');
  same(al.json.categories[0], 'AllocationCategory');
  same(al.json.waitlist[0], 'AllocationWaitlistEntry');
  for (const it of al.json.items) same(it, 'AllocationItem');
  assert.ok(al.json.items.some((i) => i.tie_break !== null) && al.json.waitlist.length > 0);

  const d = await decide(staff, A.id, { outcome: 'funded', amount_vnd: 30 * M, rationale: 'Tốt' });
  same(d.json, 'Decision');
  for (const x of [W, X, T]) {
    const it = al.json.items.find((i) => i.application_id === x.id);
    const r = await decide(staff, x.id, it.outcome === 'funded' ? { outcome: 'funded', amount_vnd: it.amount_vnd, rationale: 'Tốt' }
      : { outcome: 'waitlisted', rationale: 'Chờ', departure_reason: it.outcome === 'waitlisted' ? undefined : 'x' });
    assert.ok([200, 201].includes(r.status), r.text);
  }
  const list = await api('GET', `/api/calls/${call.id}/decisions`, { token: staff });
  same(list.json, 'DecisionCallList');
  same(list.json.settings, 'DecisionSettings');
  same(list.json.budget, schema('DecisionCallList').properties.budget);
  same(list.json.counts, schema('DecisionCallList').properties.counts);
  const rel = await release(staff, call.id);
  same(rel.json, 'DecisionReleaseResult');

  const staffView = await api('GET', `/api/applications/${A.id}/decision`, { token: staff });
  same(staffView.json, 'DecisionApplicationView');
  same(staffView.json.decision, 'Decision');
  const herView = await api('GET', `/api/applications/${A.id}/decision`, { token: who.token });
  same(herView.json, 'DecisionApplicationView');
  within(herView.json.decision, 'Decision');
  assert.deepEqual(keys(herView.json.decision), [...schema('Decision').required].sort());

  const w = Number(await scalar('SELECT id FROM awards WHERE application_id = $1', [A.id]));
  const award = await api('GET', `/api/awards/${w}`, { token: staff });
  same(award.json, 'Award');
  for (const t of award.json.tranches) same(t, 'AwardTranche');
  same(award.json.totals, schema('Award').properties.totals);
  const p = await api('POST', `/api/awards/${w}/disbursements`, { token: staff, body: { tranche: 1, amount_vnd: 1 * M, paid_on: await scalar('SELECT applications_today()::text'), method: 'cash', reference: 'PT-1' } });
  same(p.json.disbursements[0], 'AwardDisbursement');
  const rv = await api('POST', `/api/awards/${w}/revoke`, { token: staff, body: { reason: 'Thử hình dạng.' } });
  same(rv.json, 'AwardRevokeResult');
  assert.ok(rv.json.offers.length > 0, rv.text);
  for (const o of rv.json.offers) same(o, 'AwardOffer');
  const aw = await api('GET', `/api/calls/${call.id}/awards`, { token: staff });
  same(aw.json, 'AwardCallList');
  same(aw.json.totals, schema('AwardCallList').properties.totals);
  for (const i of aw.json.items) same(i, schema('AwardCallList').properties.items.items);

  const rejected = await releasedApp(staff, who.user.id, 'rejected');
  const k = await api('POST', `/api/applications/${rejected.app.id}/reconsideration`, { token: who.token, body: { reason: 'Xin xem lại.' } });
  within(k.json, 'DecisionReconsideration');
  const ans = await api('POST', `/api/reconsiderations/${k.json.id}/answer`, { token: staff, body: { outcome: 'upheld', answer: 'Giữ nguyên.' } });
  same(ans.json, 'DecisionReconsideration');
});
