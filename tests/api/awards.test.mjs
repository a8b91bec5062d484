// Awards (app/decisions/awards.c, tranches.c; migrations/0004): the
// waitlist offered the freed money after a decline and after a revoke,
// by the proposal's rules (the reserve too); tranches gated by the
// follow-up check-ins (checkin_approved) or staff's approval; edits of
// the tranches; payments, over-payment refused by the database even when
// the handler is bypassed and when two payments race; who may read an
// award; totals per award and per call that always add up.  Every
// refused write proves that nothing changed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { appPool, assertErr, fieldsOf, register, unchanged, userIdOf } from './fixtures.mjs';
import { etagOf, ifMatch, today } from './apps_fixtures.mjs';
import { sqlCheckin, sqlReview } from './matrix/followup.mjs';
import {
  DEC_TABLES, M, closeScoring, decideAsProposed, decisionCall, rankedApp, release, releasedApp,
} from './decisions_fixtures.mjs';

after(() => db.end());

let staff, staffId;
before(async () => {
  staff = await login('staff');
  staffId = await userIdOf('staff@sen.example');
  day = await today();
});

const appStatus = (id) => scalar('SELECT status FROM applications WHERE id = $1', [id]);
const awardOf = async (appId) => (await db.query('SELECT * FROM awards WHERE application_id = $1 ORDER BY id DESC LIMIT 1', [appId])).rows[0];
const current = async (appId) => (await db.query("SELECT * FROM decisions WHERE application_id = $1 AND status <> 'reversed'", [appId])).rows[0];
const pay = (token, award, body) => api('POST', `/api/awards/${award}/disbursements`, { token, body });
let day;
const payment = (over = {}) => ({ tranche: 1, amount_vnd: 5 * M, paid_on: day, method: 'bank_transfer', reference: 'UNC-2026-001', ...over });
const noFunds = { funds_used: [] };

test('a decline frees her award for the next on the waitlist, who is offered it at once with her letter', async () => {
  // Budget 100: A 50, B 40, C 30 does not fit (10 left), D 10.  C waits.
  const b = await register({ full_name: 'Trần Thị Bê' });
  const c = await register({ full_name: 'Cao Thị Xê', locale: 'en' });
  const call = await decisionCall({ budget_vnd: 100 * M });
  const A = await rankedApp(call, { merit: 90, amount: 50 * M });
  const B = await rankedApp(call, { merit: 80, amount: 40 * M, applicant: b.user.id });
  const C = await rankedApp(call, { merit: 70, amount: 30 * M, applicant: c.user.id });
  const D = await rankedApp(call, { merit: 60, amount: 10 * M });
  await closeScoring(call);
  const proposal = await decideAsProposed(staff, call.id);
  assert.deepEqual(proposal.waitlist.map((w) => w.application_id), [C.id]);
  assert.equal((await release(staff, call.id)).status, 200);
  assert.equal(await appStatus(C.id), 'waitlisted');

  const path = `/api/applications/${B.id}/decline-award`;
  // Only hers, with a reason; another's is as good as none.
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: b.token, body: {} }), DEC_TABLES), 422, 'validation_failed');
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: c.token, body: { reason: 'Không phải của tôi' } }), DEC_TABLES), 404, 'not_found');
  // C has no award to decline.
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/applications/${C.id}/decline-award`, { token: c.token, body: { reason: 'x' } }), DEC_TABLES), 409, 'conflict');

  const r = await api('POST', path, { token: b.token, body: { reason: 'Gia đình chuyển vào Đà Nẵng.' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.status, r.json.ended_reason], ['declined', 'Gia đình chuyển vào Đà Nẵng.']);
  assert.ok(!('offers' in r.json), 'she is not told who was offered her money');
  assert.equal(await appStatus(B.id), 'withdrawn');
  assert.equal(await scalar('SELECT status FROM businesses WHERE application_id = $1', [B.id]), 'closed');

  // C: offered 30 of the 40 freed, released at once, award and letter.
  assert.equal(await appStatus(C.id), 'funded');
  const dc = await current(C.id);
  assert.deepEqual([dc.source, dc.status, dc.outcome, Number(dc.amount_vnd), dc.decided_by], ['promotion', 'released', 'funded', 30 * M, null]);
  const rev = (await db.query('SELECT r.* FROM decision_reversals r WHERE r.decision_id = $1', [dc.replaces_id])).rows[0];
  assert.deepEqual([rev.kind, Number(rev.reversed_by)], ['promotion', b.user.id]);
  assert.equal((await awardOf(C.id)).status, 'active');
  const letter = (await db.query("SELECT locale, subject, body FROM outbox WHERE user_id = $1 AND event = 'decision.funded'", [c.user.id])).rows;
  assert.equal(letter.length, 1);
  assert.equal(letter[0].locale, 'en');
  assert.ok(letter[0].body.startsWith('Dear Cao Thị Xê,\n\nFunds of the call have been freed, and your application is the next on the waitlist.'), letter[0].body);
  assert.ok(letter[0].body.includes('30,000,000 VND'), letter[0].body);
  assert.ok(!letter[0].body.includes('Trần Thị Bê') && !letter[0].body.includes('Đà Nẵng'), 'nothing of the one who declined');
  // 10 of the freed 40 stay unspent: 50 + 30 + 10 committed.
  assert.equal(Number(await scalar('SELECT decision_committed($1)', [call.id])), 90 * M);
  const aw = await api('GET', `/api/calls/${call.id}/awards`, { token: staff });
  assert.deepEqual([aw.json.totals.committed_vnd, aw.json.totals.available_vnd, aw.json.totals.awards, aw.json.totals.active], [90 * M, 10 * M, 4, 3]);

  // Declined once: nothing more to decline.
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: b.token, body: { reason: 'Lần nữa' } }), DEC_TABLES), 409, 'conflict');
  assert.ok(A && D);
});

test('a revoke with part paid: what was paid stays spent, the rest is offered by the rules, the reserve first', async () => {
  // Budget 100, reserve 30.  Reserve: P (poor, 30).  General 70: A 50, B
  // 20; W1 (20) and W2 (poor, 20) wait, W1 first.
  const call = await decisionCall({ budget_vnd: 100 * M, priority_reserved_pct: 30 });
  const A = await rankedApp(call, { merit: 90, amount: 50 * M });
  const P = await rankedApp(call, { merit: 85, amount: 30 * M, claims: ['poor'] });
  const B = await rankedApp(call, { merit: 80, amount: 20 * M });
  const W1 = await rankedApp(call, { merit: 75, amount: 20 * M });
  const W2 = await rankedApp(call, { merit: 70, amount: 20 * M, claims: ['poor'] });
  await closeScoring(call);
  const proposal = await decideAsProposed(staff, call.id);
  assert.deepEqual(proposal.waitlist.map((w) => w.application_id), [W1.id, W2.id]);
  assert.equal((await release(staff, call.id)).status, 200);

  // P is paid 10 of her first tranche, then her award is revoked: 20 is
  // freed.  The reserve is short of its 30 again (priority awards: the 10
  // paid), so W2, priority, is offered the 20 before W1, who ranks higher.
  const wp = await awardOf(P.id);
  assert.equal((await pay(staff, wp.id, payment({ amount_vnd: 10 * M }))).status, 201);
  const path = `/api/awards/${wp.id}/revoke`;
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: staff, body: { reason: '' } }), DEC_TABLES), 422, 'validation_failed');
  assertErr(assert, await unchanged(assert, () => api('POST', '/api/awards/999999999/revoke', { token: staff, body: { reason: 'x' } }), DEC_TABLES), 404, 'not_found');

  const r = await api('POST', path, { token: staff, body: { reason: 'Không sử dụng vốn đúng mục đích (biên bản kiểm tra ngày 12/3).' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.award.status, r.json.award.totals.paid_vnd, r.json.award.totals.remaining_vnd], ['revoked', 10 * M, 0]);
  assert.deepEqual(r.json.offers.map((o) => [o.application_id, o.amount_vnd, o.pool, o.rank]), [[W2.id, 20 * M, 'reserve', 5]]);
  assert.equal(await appStatus(P.id), 'closed');
  assert.equal(await appStatus(W2.id), 'funded');
  assert.equal(await appStatus(W1.id), 'waitlisted');
  // She is told why, on her status message.
  const msg = await scalar("SELECT body FROM outbox WHERE user_id = $1 AND event = 'application.status' ORDER BY id DESC LIMIT 1", [P.applicant]);
  assert.ok(msg.includes('Không sử dụng vốn đúng mục đích'), msg);
  // 50 + 20 (B) + 10 paid of P + 20 (W2) = 100.
  const aw = await api('GET', `/api/calls/${call.id}/awards`, { token: staff });
  assert.deepEqual(aw.json.totals, {
    budget_vnd: 100 * M, pending_vnd: 0, awarded_vnd: 90 * M, paid_vnd: 10 * M, paid_ended_vnd: 10 * M, to_pay_vnd: 90 * M,
    committed_vnd: 100 * M, available_vnd: 0, awards: 4, active: 3,
  });
  const item = aw.json.items.find((i) => i.id === Number(wp.id));
  assert.deepEqual([item.committed_vnd, item.remaining_vnd], [10 * M, 0]);
  // A revoked award is not paid any more.
  assertErr(assert, await unchanged(assert, () => pay(staff, wp.id, payment()), DEC_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => api('POST', path, { token: staff, body: { reason: 'Lần nữa' } }), DEC_TABLES), 409, 'conflict');
  assert.ok(A && B);
});

test('declining is for before anything is paid; after that, only staff revoke', async () => {
  const who = await register({ full_name: 'Lý Thị Đã Nhận' });
  const { award } = await releasedApp(staff, who.user.id, 'funded');
  assert.equal((await pay(staff, award, payment({ amount_vnd: 1 * M }))).status, 201);
  const app = Number(await scalar('SELECT application_id FROM awards WHERE id = $1', [award]));
  const r = await unchanged(assert, () => api('POST', `/api/applications/${app}/decline-award`, { token: who.token, body: { reason: 'Đổi ý' } }), DEC_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(r.json.error.message, /only revoked by staff/);
});

test('tranches: the first at once; a later one when the check-in that gates it is approved (or, without one, on staff approval)', async () => {
  const who = await register({ full_name: 'Hồ Thị Giải Ngân' });
  const { app, award } = await releasedApp(staff, who.user.id, 'funded', { amount: 40 * M });
  const bid = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [app.id]));
  let a = await api('GET', `/api/awards/${award}`, { token: staff });
  assert.deepEqual(a.json.tranches.map((t) => [t.number, t.amount_vnd, t.gate.kind, t.gate.checkin_number, t.open]),
    [[1, 20 * M, 'award', undefined, true], [2, 12 * M, 'checkin', 2, false], [3, 8 * M, 'checkin', 3, false]]);
  assert.equal(a.json.totals.payable_now_vnd, 20 * M);

  assert.equal((await pay(staff, award, payment({ amount_vnd: 20 * M, reference: 'UNC-1' }))).status, 201);
  // Tranche 2 waits for the 3-month check-in.
  const closed = await unchanged(assert, () => pay(staff, award, payment({ tranche: 2, amount_vnd: 12 * M })), DEC_TABLES);
  assertErr(assert, closed, 409, 'conflict');
  assert.match(fieldsOf(closed).tranche, /check-in 2 of the follow-up/);
  // The check-in submitted but not yet approved: still closed.
  const k2 = await sqlCheckin(bid, 2, who.user.id, noFunds, new Date(Date.now() + 70 * 864e5).toISOString());
  assert.equal(await scalar('SELECT checkin_approved($1, 2)', [bid]), false);
  assertErr(assert, await unchanged(assert, () => pay(staff, award, payment({ tranche: 2, amount_vnd: 1 * M })), DEC_TABLES), 409, 'conflict');
  // Staff cannot stand in for a check-in that gates the tranche.
  const sa = await unchanged(assert, () => api('POST', `/api/awards/${award}/tranches/2/approve`, { token: staff }), DEC_TABLES);
  assertErr(assert, sa, 409, 'conflict');
  assert.match(sa.json.error.message, /check-in 2/);
  await sqlReview(k2, 'approve', staffId, null, new Date(Date.now() + 70 * 864e5).toISOString());
  assert.equal(await scalar('SELECT checkin_approved($1, 2)', [bid]), true);
  const p2 = await pay(staff, award, payment({ tranche: 2, amount_vnd: 12 * M, method: 'mobile_money', reference: 'MOMO-77' }));
  assert.equal(p2.status, 201, p2.text);

  // Tranche 3 is gated by check-in 3; staff make it a staff-approved one.
  a = await api('GET', `/api/awards/${award}`, { token: staff });
  const v = etagOf(a);
  const put = (body, headers = ifMatch(v)) => api('PUT', `/api/awards/${award}/tranches`, { token: staff, body, headers });
  const tr = (g3) => ({ tranches: [{ amount_vnd: 20 * M }, { amount_vnd: 12 * M, gate_checkin: 2 }, { amount_vnd: 8 * M, gate_checkin: g3 }] });
  assertErr(assert, await unchanged(assert, () => put(tr(null), {}), DEC_TABLES), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => put(tr(null), ifMatch(v + 3)), DEC_TABLES), 412, 'precondition_failed');
  const e = await put(tr(null));
  assert.equal(e.status, 200, e.text);
  assert.equal(etagOf(e), v + 1);
  assertErr(assert, await unchanged(assert, () => pay(staff, award, payment({ tranche: 3, amount_vnd: 8 * M })), DEC_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/awards/${award}/tranches/1/approve`, { token: staff }), DEC_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/awards/${award}/tranches/4/approve`, { token: staff }), DEC_TABLES), 404, 'not_found');
  const ap = await api('POST', `/api/awards/${award}/tranches/3/approve`, { token: staff, body: { note: 'Đã thăm cơ sở ngày 5/6.' } });
  assert.equal(ap.status, 200, ap.text);
  assert.deepEqual([ap.json.tranches[2].gate.kind, ap.json.tranches[2].gate.approved, ap.json.tranches[2].gate.note, ap.json.tranches[2].open],
    ['staff_approval', true, 'Đã thăm cơ sở ngày 5/6.', true]);
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/awards/${award}/tranches/3/approve`, { token: staff }), DEC_TABLES), 409, 'conflict');
  assert.equal((await pay(staff, award, payment({ tranche: 3, amount_vnd: 8 * M, method: 'cash', reference: 'PT-0031' }))).status, 201);

  a = await api('GET', `/api/awards/${award}`, { token: staff });
  assert.deepEqual(a.json.totals, { amount_vnd: 40 * M, paid_vnd: 40 * M, remaining_vnd: 0, payable_now_vnd: 0 });
  assert.deepEqual(a.json.disbursements.map((d) => [d.tranche, d.amount_vnd, d.method, d.reference, d.recorded_by]),
    [[1, 20 * M, 'bank_transfer', 'UNC-1', staffId], [2, 12 * M, 'mobile_money', 'MOMO-77', staffId], [3, 8 * M, 'cash', 'PT-0031', staffId]]);
  // Fully paid: one more đồng is an over-payment.
  assertErr(assert, await unchanged(assert, () => pay(staff, award, payment({ tranche: 3, amount_vnd: 1 })), DEC_TABLES), 422, 'validation_failed');
  // And the database's own gate, bypassing the handler: a fresh award,
  // its tranche 2 before check-in 2.
  const f = await releasedApp(staff, (await register()).user.id, 'funded');
  await assert.rejects(db.query(`INSERT INTO disbursements (award_id, tranche_id, amount_vnd, paid_on, method, reference, recorded_by)
    SELECT $1, id, 1000, current_date, 'cash', 'X', $2 FROM award_tranches WHERE award_id = $1 AND number = 2`, [f.award, staffId]), /tranche 2 is not open yet/);
});

test('payments: over-payment is refused by the database, through the API, bypassing it, and when two race', async () => {
  const { award } = await releasedApp(staff, (await register()).user.id, 'funded', { amount: 30 * M });
  // Tranche 1 is 15.
  const over = await unchanged(assert, () => pay(staff, award, payment({ amount_vnd: 15 * M + 1 })), DEC_TABLES);
  assertErr(assert, over, 422, 'validation_failed');
  assert.match(fieldsOf(over).amount_vnd, /over-payment: 15,000,000 VND of tranche 1 remain/);
  for (const [body, field] of [[{ tranche: 1, amount_vnd: 1, paid_on: '2999-01-01', method: 'cash', reference: 'x' }, 'paid_on'],
    [{ tranche: 1, amount_vnd: 1, paid_on: '2001-01-01', method: 'cash', reference: 'x' }, 'paid_on'],
    [{ tranche: 1, amount_vnd: 1, paid_on: '2026-01-01', method: 'cheque', reference: 'x' }, 'method'],
    [{ tranche: 9, amount_vnd: 1, paid_on: day, method: 'cash', reference: 'x' }, 'tranche'],
    [{ tranche: 1, amount_vnd: 0, paid_on: day, method: 'cash', reference: 'x' }, 'amount_vnd'],
    [{ tranche: 1, amount_vnd: 1, paid_on: day, method: 'cash', reference: '  ' }, 'reference'],
    [{ tranche: 1, amount_vnd: 1, paid_on: day, method: 'cash' }, 'reference']]) {
    const r = await unchanged(assert, () => pay(staff, award, body), DEC_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], `${JSON.stringify(body)}: ${r.text}`);
  }
  assertErr(assert, await unchanged(assert, () => pay(staff, 999999999, payment()), DEC_TABLES), 404, 'not_found');

  // Two payments of 10 at once against the 15: one goes through.
  const both = await Promise.all([pay(staff, award, payment({ amount_vnd: 10 * M, reference: 'A' })),
    pay(staff, award, payment({ amount_vnd: 10 * M, reference: 'B' }))]);
  assert.deepEqual(both.map((r) => r.status).sort(), [201, 422]);

  // Bypassing the handler, as the server's own role: still refused.
  const pool = appPool();
  try {
    await assert.rejects(pool.query(`INSERT INTO disbursements (award_id, tranche_id, amount_vnd, paid_on, method, reference, recorded_by)
      SELECT $1, id, $2, current_date, 'cash', 'Lách', $3 FROM award_tranches WHERE award_id = $1 AND number = 1`, [award, 5 * M + 1, staffId]),
    /over-payment/);
    // Two connections racing past the API: the tranche's lock lets one.
    const racers = [appPool(), appPool()];
    try {
      const res = await Promise.allSettled(racers.map(async (p, i) => {
        const c = await p.connect();
        try {
          await c.query('BEGIN');
          await c.query(`INSERT INTO disbursements (award_id, tranche_id, amount_vnd, paid_on, method, reference, recorded_by)
            SELECT $1, id, $2, current_date, 'cash', $3, $4 FROM award_tranches WHERE award_id = $1 AND number = 1`, [award, 4 * M, `R${i}`, staffId]);
          await c.query('SELECT pg_sleep(0.05)');
          await c.query('COMMIT');
        } catch (e) {
          await c.query('ROLLBACK');
          throw e;
        } finally {
          c.release();
        }
      }));
      assert.deepEqual(res.map((x) => x.status).sort(), ['fulfilled', 'rejected']);
    } finally {
      await Promise.all(racers.map((p) => p.end()));
    }
    // A payment is never changed or removed.
    await assert.rejects(pool.query('UPDATE disbursements SET amount_vnd = 1 WHERE award_id = $1', [award]), /kept as they were|permission denied/);
    await assert.rejects(pool.query('DELETE FROM disbursements WHERE award_id = $1', [award]), /kept as they were|permission denied/);
  } finally {
    await pool.end();
  }
  assert.equal(Number(await scalar('SELECT award_paid($1)', [award])), 14 * M);
  assert.equal(Number(await scalar('SELECT tranche_paid(id) FROM award_tranches WHERE award_id = $1 AND number = 1', [award])), 14 * M);
});

test('tranche edits: they sum to the award, a paid tranche stays, gates name check-ins of her schedule', async () => {
  const { award } = await releasedApp(staff, (await register()).user.id, 'funded', { amount: 30 * M });
  assert.equal((await pay(staff, award, payment({ amount_vnd: 5 * M }))).status, 201);
  const v = etagOf(await api('GET', `/api/awards/${award}`, { token: staff }));
  const put = (tranches) => api('PUT', `/api/awards/${award}/tranches`, { token: staff, body: { tranches }, headers: ifMatch(v) });
  for (const [tranches, field] of [
    [[{ amount_vnd: 15 * M }, { amount_vnd: 10 * M, gate_checkin: 2 }], 'tranches'],
    [[{ amount_vnd: 10 * M }, { amount_vnd: 20 * M, gate_checkin: 2 }], 'tranches[0].amount_vnd'],
    [[{ amount_vnd: 15 * M, gate_checkin: 1 }, { amount_vnd: 15 * M, gate_checkin: 2 }], 'tranches[0].gate_checkin'],
    [[{ amount_vnd: 15 * M }, { amount_vnd: 15 * M, gate_checkin: 9 }], 'tranches[1].gate_checkin'],
    [[{ amount_vnd: 15 * M }, { amount_vnd: 15 * M, gate_checkin: 13 }], 'tranches[1].gate_checkin'],
    [[], 'tranches'],
    [[{ amount_vnd: 30 * M, extra: true }], 'tranches[0].extra'],
  ]) {
    const r = await unchanged(assert, () => put(tranches), DEC_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], `${JSON.stringify(tranches)}: ${r.text}`);
  }
  // Two tranches instead of three; the paid first one unchanged.
  const r = await put([{ amount_vnd: 15 * M }, { amount_vnd: 15 * M, gate_checkin: 5 }]);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.tranches.map((t) => [t.number, t.amount_vnd, t.gate.checkin_number, t.pct]), [[1, 15 * M, undefined, 50], [2, 15 * M, 5, 50]]);
  // The database holds the same, whoever writes.
  await assert.rejects(db.query('UPDATE award_tranches SET amount_vnd = amount_vnd - 1 WHERE award_id = $1 AND number = 1', [award]), /has been paid from/);
  await assert.rejects(db.query('UPDATE award_tranches SET amount_vnd = amount_vnd - 1 WHERE award_id = $1 AND number = 2', [award]), /sum to it/);
  await assert.rejects(db.query('DELETE FROM award_tranches WHERE award_id = $1 AND number = 1', [award]), /has been paid from/);
});

test('who reads an award: its owner and staff; another applicant as if it did not exist', async () => {
  const who = await register({ full_name: 'Mai Thị Chủ' });
  const other = await register({ full_name: 'Khác Thị Người' });
  const { award } = await releasedApp(staff, who.user.id, 'funded');
  const mine = await api('GET', `/api/awards/${award}`, { token: who.token });
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.amount_vnd, 30 * M);
  assertErr(assert, await api('GET', `/api/awards/${award}`, { token: other.token }), 404, 'not_found');
  assertErr(assert, await api('GET', '/api/awards/999999999', { token: staff }), 404, 'not_found');
  assert.equal((await pay(staff, award, payment({ amount_vnd: 2 * M }))).status, 201);
  const again = await api('GET', `/api/awards/${award}`, { token: who.token });
  assert.equal(again.json.disbursements[0].recorded_by, null, 'she does not see which member of staff recorded it');
  assertErr(assert, await api('GET', `/api/applications/${again.json.application_id}/decision`, { token: other.token }), 404, 'not_found');
});

test('a business closed by the follow-up takes its award with it: what was paid stays spent, the rest is no longer committed', async () => {
  const { call, app, award } = await releasedApp(staff, (await register()).user.id, 'funded', { amount: 30 * M });
  assert.equal((await pay(staff, award, payment({ amount_vnd: 4 * M }))).status, 201);
  const bid = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [app.id]));
  const r = await api('POST', `/api/businesses/${bid}/close`, { token: staff, body: { reason: 'Chị đã chuyển về quê' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(await appStatus(app.id), 'closed');
  const w = await awardOf(app.id);
  assert.deepEqual([w.status, w.ended_reason, Number(w.ended_by)], ['revoked', 'Chị đã chuyển về quê', staffId]);
  assert.equal(Number(await scalar('SELECT decision_committed($1)', [call.id])), 4 * M);
  assertErr(assert, await unchanged(assert, () => pay(staff, award, payment({ amount_vnd: 1 * M })), DEC_TABLES), 409, 'conflict');
});
