// The budget of a call under concurrency (migrations/0004_decisions.sql,
// decision_budget_check): staff deciding at the same moment through the
// API, and writers that bypass the handlers altogether, never commit more
// than the budget; exactly the decisions that fit succeed.  A budget
// cannot shrink below what is committed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { db, login, scalar } from './lib.mjs';
import { appPool, assertErr, fieldsOf, register, unchanged, userIdOf } from './fixtures.mjs';
import { DEC_TABLES, M, closeScoring, decide, decisionCall, rankedApp } from './decisions_fixtures.mjs';

after(() => db.end());

let tokens, staffId;
before(async () => {
  const admin = await login('admin');
  tokens = [await login('staff'), admin];
  // Two more members of staff, each with her own session.
  for (let i = 0; i < 2; i++) {
    const u = await register({ full_name: `Cán bộ ${i}` });
    await db.query("UPDATE users SET role = 'staff' WHERE id = $1", [u.user.id]);
    tokens.push(u.token);
  }
  staffId = await userIdOf('staff@sen.example');
});

const committed = (call) => scalar('SELECT decision_committed($1)', [call.id]).then(Number);

test('concurrent decisions through the API: twelve at once against a budget for three; three succeed, nine are refused, nothing overspent', async () => {
  const call = await decisionCall({ budget_vnd: 100 * M });
  const apps = [];
  for (let i = 0; i < 12; i++) apps.push(await rankedApp(call, { merit: 90 - i, amount: 30 * M }));
  await closeScoring(call);

  const results = await Promise.all(apps.map((a, i) => decide(tokens[i % tokens.length], a.id, {
    outcome: 'funded', amount_vnd: 30 * M, rationale: 'Quyết định cùng lúc.', departure_reason: 'Thử quyết định đồng thời.',
  })));
  const ok = results.filter((r) => r.status === 201);
  const refused = results.filter((r) => r.status !== 201);
  assert.equal(ok.length, 3, results.map((r) => r.status).join(' '));
  assert.equal(refused.length, 9);
  for (const r of refused) {
    assertErr(assert, r, 409, 'conflict');
    assert.match(fieldsOf(r).amount_vnd, /over the call's budget of 100,000,000 VND/, r.text);
  }
  assert.equal(await committed(call), 90 * M);
  assert.equal(Number(await scalar('SELECT count(*) FROM decisions WHERE call_id = $1', [call.id])), 3);
  assert.deepEqual(ok.map((r) => r.json.application_id).sort(),
    (await db.query('SELECT application_id FROM decisions WHERE call_id = $1', [call.id])).rows.map((x) => Number(x.application_id)).sort());

  // The rest still fits: 10 of a waitlisted one at a staff-set amount.
  const waiting = apps.find((a) => !ok.some((o) => o.json.application_id === a.id));
  const rest = await decide(tokens[0], waiting.id, { outcome: 'funded', amount_vnd: 10 * M, rationale: 'Phần còn lại.', departure_reason: 'Dùng nốt ngân sách.' });
  assert.equal(rest.status, 201, rest.text);
  assert.equal(await committed(call), 100 * M);
});

test('concurrent writers that bypass the handlers (twelve connections as sen_app): the database still lets exactly three commit', async () => {
  const call = await decisionCall({ budget_vnd: 100 * M });
  const apps = [];
  for (let i = 0; i < 12; i++) apps.push(await rankedApp(call, { merit: 90 - i, amount: 30 * M }));
  await closeScoring(call);

  const pools = apps.map(() => appPool());
  try {
    const results = await Promise.allSettled(apps.map(async (a, i) => {
      const c = await pools[i].connect();
      try {
        await c.query('BEGIN');
        await c.query("SELECT set_config('sen.actor_id', $1, true)", [String(staffId)]);
        await c.query(`SELECT decision_record($1, 'funded', $2, 'Trực tiếp', 'Bỏ qua API', 'waitlisted', $2, 'test', $3, $4)`,
          [a.id, 30 * M, i + 1, staffId]);
        // Hold the transaction open a while, as a slow writer would.
        await c.query('SELECT pg_sleep(0.05)');
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK');
        throw e;
      } finally {
        c.release();
      }
    }));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const bad = results.filter((r) => r.status === 'rejected');
    assert.equal(ok.length, 3);
    for (const r of bad) {
      assert.equal(r.reason.code, 'SN409', String(r.reason));
      assert.match(r.reason.message, /over the call's budget/);
    }
  } finally {
    await Promise.all(pools.map((p) => p.end()));
  }
  assert.equal(await committed(call), 90 * M);

  // A fourth one written directly, even a smaller one: refused too.
  const undecided = Number(await scalar('SELECT a.id FROM applications a WHERE a.call_id = $1 AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.application_id = a.id) LIMIT 1', [call.id]));
  await assert.rejects(db.query(`INSERT INTO decisions (application_id, call_id, outcome, amount_vnd, rationale, departure_reason, proposed_outcome,
      proposed_amount_vnd, decided_by) VALUES ($1, $2, 'funded', $3, 'Trực tiếp', 'Thử', 'waitlisted', $3, $4)`, [undecided, call.id, 20 * M, staffId]),
  /over the call's budget of 100,000,000 VND: 90,000,000 VND are committed already, 20,000,000 VND would not fit/);
  assert.equal(await committed(call), 90 * M);

  // The budget cannot shrink below what is committed; above it, it can.
  await assert.rejects(db.query('UPDATE calls SET budget_vnd = $2 WHERE id = $1', [call.id, 80 * M]), /committed 90,000,000 VND already/);
  await db.query('UPDATE calls SET budget_vnd = $2 WHERE id = $1', [call.id, 90 * M]);
  const r = await unchanged(assert, () => decide(tokens[0], undecided, {
    outcome: 'funded', amount_vnd: 1 * M, rationale: 'Một triệu', departure_reason: 'Thử',
  }), DEC_TABLES);
  assertErr(assert, r, 409, 'conflict');
});
