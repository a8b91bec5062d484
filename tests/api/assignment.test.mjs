// Assignment of reviewers (app/review/committee_assign.c over
// app/lib/assign.c), through the API on hand-made cases: a case where a
// greedy order fails although a feasible assignment exists, infeasible
// cases that say which applications are short and why, balanced loads,
// determinism, conflicts and recusals respected, manual and released
// assignments kept, two runs at once, and manual assignments with their
// refusals.  Who may call each route: routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login } from './lib.mjs';
import { assertErr, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import { COMMITTEE_TABLES, makeApps, newReviewers, reviewCall, scalarNum, setCommittee, sqlAssign } from './matrix/committee.mjs';

const tokens = {};
let staffId;
let pool = [];	// reviewer accounts, reused across calls

before(async () => {
  tokens.staff = await login('staff');
  tokens.admin = await login('admin');
  staffId = await userIdOf('staff@sen.example');
  pool = await newReviewers(tokens.staff, 6);
});

after(() => db.end());

const auto = (callId, token = tokens.staff) => api('POST', `/api/calls/${callId}/assignments/auto`, { token });

// The call's assignments as rows, ordered.
async function rowsOf(callId) {
  const { rows } = await db.query(`SELECT id, application_id, reviewer_id, source, released_at, created_by
    FROM assignments WHERE call_id = $1 ORDER BY application_id, reviewer_id`, [callId]);
  return rows.map((r) => ({ ...r, id: Number(r.id), app: Number(r.application_id), rev: Number(r.reviewer_id),
    created_by: r.created_by === null ? null : Number(r.created_by) }));
}
const pairs = (rows) => rows.map((r) => `${r.app}:${r.rev}`);

// Reviewers per application and load per reviewer.
function tally(rows, apps, revs) {
  const perApp = Object.fromEntries(apps.map((a) => [a, []]));
  const load = Object.fromEntries(revs.map((r) => [r, 0]));
  for (const r of rows) {
    perApp[r.app].push(r.rev);
    load[r.rev]++;
  }
  return { perApp, load };
}

// No assignment of the call pairs a reviewer with an application she has
// a conflict with.
async function assertNoConflictAssigned(callId) {
  const n = await scalarNum(`SELECT count(*) FROM assignments x JOIN conflicts c
    ON c.application_id = x.application_id AND c.reviewer_id = x.reviewer_id WHERE x.call_id = $1`, [callId]);
  assert.equal(n, 0, 'an assignment with a conflict of interest');
}

async function conflict(callId, appId, revId) {
  const r = await api('POST', `/api/calls/${callId}/conflicts`, {
    token: tokens.staff, body: { application_id: appId, reviewer_id: revId, type: 'family', reason: 'Chị em họ' },
  });
  assert.equal(r.status, 201, r.text);
}

// A call with n eligible applications and the first m reviewers of the pool.
async function setup(n, m, k) {
  const call = await reviewCall({ k });
  const apps = await makeApps(call, n);
  const revs = pool.slice(0, m).map((r) => r.id).sort((a, b) => a - b);
  await setCommittee(call, revs);
  return { call, apps, revs };
}

// The obvious greedy: applications in order, each takes the least loaded
// reviewers it may have (lowest id first) up to the balanced share
// ceil(n k / m).  True when it covers everything.
function greedy(apps, revs, k, blocked) {
  const cap = Math.ceil((apps.length * k) / revs.length);
  const load = Object.fromEntries(revs.map((r) => [r, 0]));
  for (const a of apps) {
    const got = revs.filter((r) => !blocked.has(`${a}:${r}`) && load[r] < cap)
      .sort((x, y) => load[x] - load[y] || x - y).slice(0, k);
    if (got.length < k) return false;
    for (const r of got) load[r]++;
  }
  return true;
}

test('no conflicts: every application gets k distinct reviewers, loads within one, stored as an unreleased proposal', async () => {
  const { call, apps, revs } = await setup(7, 3, 2);
  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.call_id, call);
  assert.equal(r.json.reviewers_per_application, 2);
  assert.equal(r.json.applications, 7);
  assert.equal(r.json.reviewers, 3);
  assert.equal(r.json.assignments, 14);
  assert.equal(r.json.proposed, 14);
  assert.equal(r.json.kept, 0);
  assert.equal(r.json.complete, true);
  assert.deepEqual(r.json.short, []);
  assert.deepEqual(r.json.loads.map((l) => l.load).sort(), [4, 5, 5]);
  for (const l of r.json.loads) {
    assert.ok(revs.includes(l.reviewer_id));
    assert.equal(l.full_name, pool.find((p) => p.id === l.reviewer_id).name);
    assert.equal(l.state, 'balanced');
    assert.equal(l.fixed, 0);
  }

  const rows = await rowsOf(call);
  assert.equal(rows.length, 14);
  const { perApp, load } = tally(rows, apps, revs);
  for (const a of apps) {
    assert.equal(perApp[a].length, 2);
    assert.equal(new Set(perApp[a]).size, 2, 'two different reviewers');
  }
  assert.ok(Math.max(...Object.values(load)) - Math.min(...Object.values(load)) <= 1, JSON.stringify(load));
  for (const row of rows) {
    assert.equal(row.source, 'auto');
    assert.equal(row.released_at, null);
    assert.equal(row.created_by, staffId);
  }
  // The staff list shows the same, with names.
  const list = await api('GET', `/api/calls/${call}/assignments`, { token: tokens.staff });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.items.length, 14);
  assert.deepEqual(list.json.summary, { applications: 7, applications_short: 0, assignments: 14, released: 0, unreleased: 14 });
  const item = list.json.items[0];
  assert.equal(item.call_id, call);
  assert.equal(item.source, 'auto');
  assert.equal(item.released, false);
  assert.equal(item.declared, false);
  assert.equal(item.due_at, null);
  assert.equal(item.review_status, 'none');
  assert.equal(item.reviewer.full_name, pool.find((p) => p.id === item.reviewer.id).name);
  assert.equal(item.business_name, `Cơ sở ${await scalarNum('SELECT applicant_id FROM applications WHERE id = $1', [item.application_id])}`);
  assert.match(item.reference, /^HK-\d{4}-\d{5,}$/);

  // Narrowed to one reviewer or one application; the summary stays whole.
  const one = await api('GET', `/api/calls/${call}/assignments?reviewer_id=${revs[0]}`, { token: tokens.staff });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.items.length, load[revs[0]]);
  assert.ok(one.json.items.every((i) => i.reviewer.id === revs[0]));
  assert.equal(one.json.summary.assignments, 14);
  const app = await api('GET', `/api/calls/${call}/assignments?application_id=${apps[3]}&reviewer_id=${perApp[apps[3]][1]}`,
    { token: tokens.staff });
  assert.deepEqual(app.json.items.map((i) => [i.application_id, i.reviewer.id]), [[apps[3], perApp[apps[3]][1]]]);
  for (const q of ['reviewer_id=abc', 'application_id=0', 'reviewer_id=-3', `application_id=${'9'.repeat(30)}`]) {
    assertErr(assert, await api('GET', `/api/calls/${call}/assignments?${q}`, { token: tokens.staff }), 400, 'validation_failed');
  }
});

test('a greedy order fails where a feasible assignment exists: the flow finds it', async () => {
  // Apps 1 and 2 cannot have reviewer 1: the greedy gives app 0 reviewer
  // 0, app 1 reviewer 2, and app 2 finds both at their share of one.
  const { call, apps, revs } = await setup(3, 3, 1);
  await conflict(call, apps[1], revs[1]);
  await conflict(call, apps[2], revs[1]);
  const blocked = new Set([`${apps[1]}:${revs[1]}`, `${apps[2]}:${revs[1]}`]);
  assert.equal(greedy(apps, revs, 1, blocked), false, 'the greedy fails on this case');

  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complete, true, r.text);
  assert.equal(r.json.assignments, 3);
  const rows = await rowsOf(call);
  const { perApp, load } = tally(rows, apps, revs);
  assert.deepEqual(perApp[apps[0]], [revs[1]], 'reviewer 1 must take app 0');
  assert.deepEqual(Object.values(load), [1, 1, 1]);
  await assertNoConflictAssigned(call);

  // The same trap at k = 2: six apps, four reviewers, loads of three;
  // apps 3..5 cannot have reviewer 3.
  const b = await setup(6, 4, 2);
  const blockedB = new Set();
  for (const a of b.apps.slice(3)) {
    await conflict(b.call, a, b.revs[3]);
    blockedB.add(`${a}:${b.revs[3]}`);
  }
  assert.equal(greedy(b.apps, b.revs, 2, blockedB), false, 'the greedy fails on this case too');
  const rb = await auto(b.call);
  assert.equal(rb.status, 200, rb.text);
  assert.equal(rb.json.complete, true, rb.text);
  const tb = tally(await rowsOf(b.call), b.apps, b.revs);
  assert.deepEqual(Object.values(tb.load), [3, 3, 3, 3]);
  for (const a of b.apps) assert.equal(tb.perApp[a].length, 2);
  assert.deepEqual(tb.perApp[b.apps[0]].includes(b.revs[3]) && tb.perApp[b.apps[1]].includes(b.revs[3])
    && tb.perApp[b.apps[2]].includes(b.revs[3]), true, 'reviewer 3 sits on apps 0, 1 and 2');
  await assertNoConflictAssigned(b.call);
});

test('infeasible: too few reviewers without a conflict — the application is named, with the reason in both languages', async () => {
  const { call, apps, revs } = await setup(3, 3, 2);
  await conflict(call, apps[0], revs[0]);
  await conflict(call, apps[0], revs[2]);
  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complete, false);
  assert.equal(r.json.assignments, 5);
  assert.equal(r.json.short.length, 1);
  const s = r.json.short[0];
  assert.equal(s.application_id, apps[0]);
  assert.match(s.reference, /^HK-/);
  assert.equal(s.business_name, await (async () => `Cơ sở ${await scalarNum('SELECT applicant_id FROM applications WHERE id = $1', [apps[0]])}`)());
  assert.equal(s.assigned, 1);
  assert.equal(s.needed, 2);
  assert.equal(s.eligible_reviewers, 1);
  assert.equal(s.reason, 'conflicts');
  assert.equal(s.message.en, 'not enough reviewers without a conflict (1 without a conflict, 2 needed)');
  assert.equal(s.message.vi, 'không đủ thành viên hội đồng không có xung đột lợi ích (1 người không có xung đột, cần 2)');
  const { perApp } = tally(await rowsOf(call), apps, revs);
  assert.deepEqual(perApp[apps[0]], [revs[1]]);
  assert.equal(perApp[apps[1]].length, 2);
  assert.equal(perApp[apps[2]].length, 2);
  await assertNoConflictAssigned(call);
  // The staff list counts it short.
  const list = await api('GET', `/api/calls/${call}/assignments`, { token: tokens.staff });
  assert.equal(list.json.summary.applications_short, 1);
});

test('infeasible under the balance rule: the short applications say the others are at their share', async () => {
  // Reviewers 1 and 2 may only take apps 0 and 1; reviewer 0 anything.
  // Six apps, k = 1: loads 2, 1, 1 and two apps short, since a load of
  // 3 for reviewer 0 would put her two above the others.
  const { call, apps, revs } = await setup(6, 3, 1);
  for (const a of apps.slice(2)) {
    await conflict(call, a, revs[1]);
    await conflict(call, a, revs[2]);
  }
  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.assignments, 4);
  assert.equal(r.json.short.length, 2);
  for (const s of r.json.short) {
    assert.ok(apps.slice(2).includes(s.application_id));
    assert.equal(s.reason, 'balance');
    assert.equal(s.assigned, 0);
    assert.equal(s.eligible_reviewers, 1);
    assert.match(s.message.en, /^the reviewers without a conflict are at their balanced share; /);
    assert.match(s.message.vi, /phần việc cân bằng/);
  }
  const { load } = tally(await rowsOf(call), apps, revs);
  assert.deepEqual([load[revs[0]], load[revs[1]], load[revs[2]]], [2, 1, 1]);
  await assertNoConflictAssigned(call);
});

test('determinism: the same input twice gives the same assignment, and the second run rewrites nothing', async () => {
  const { call, apps, revs } = await setup(9, 4, 2);
  await conflict(call, apps[0], revs[0]);
  await conflict(call, apps[4], revs[2]);
  const first = await auto(call);
  assert.equal(first.status, 200, first.text);
  const rows1 = await rowsOf(call);
  const audit = await scalarNum("SELECT count(*) FROM audit_log WHERE entity = 'assignments'");
  const second = await auto(call);
  assert.equal(second.status, 200, second.text);
  const rows2 = await rowsOf(call);
  assert.deepEqual(rows2.map((r) => [r.id, r.app, r.rev]), rows1.map((r) => [r.id, r.app, r.rev]), 'the same rows, same ids');
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE entity = 'assignments'"), audit, 'nothing rewritten');
  assert.deepEqual(second.json, first.json);

  // A second call built the same way gets the same pattern (ids shifted).
  const twin = await setup(9, 4, 2);
  await conflict(twin.call, twin.apps[0], twin.revs[0]);
  await conflict(twin.call, twin.apps[4], twin.revs[2]);
  assert.equal((await auto(twin.call)).status, 200);
  const pattern = (rows, a, r) => rows.map((x) => `${a.indexOf(x.app)}:${r.indexOf(x.rev)}`).sort();
  assert.deepEqual(pattern(await rowsOf(twin.call), twin.apps, twin.revs), pattern(rows1, apps, revs));
});

test('a larger call: complete, balanced within one, no conflicted pair', async () => {
  const { call, apps, revs } = await setup(30, 6, 3);
  for (let i = 0; i < 8; i++) await conflict(call, apps[(i * 7) % 30], revs[i % 6]);
  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.complete, true);
  const { perApp, load } = tally(await rowsOf(call), apps, revs);
  for (const a of apps) assert.equal(new Set(perApp[a]).size, 3);
  assert.deepEqual(Object.values(load).sort(), [15, 15, 15, 15, 15, 15]);
  await assertNoConflictAssigned(call);
});

test('manual and released assignments are kept and counted; the earlier proposal is replaced, not duplicated', async () => {
  const { call, apps, revs } = await setup(4, 4, 2);
  const manual = await api('POST', `/api/calls/${call}/assignments`, {
    token: tokens.staff, body: { application_id: apps[0], reviewer_id: revs[3] },
  });
  assert.equal(manual.status, 201, manual.text);
  assert.equal(manual.json.source, 'manual');
  assert.equal(manual.json.released, false);
  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.kept, 1);
  assert.equal(r.json.proposed, 7);
  assert.equal(r.json.assignments, 8);
  const l3 = r.json.loads.find((l) => l.reviewer_id === revs[3]);
  assert.deepEqual([l3.load, l3.fixed], [2, 1]);
  let rows = await rowsOf(call);
  assert.equal(rows.length, 8);
  const m = rows.find((x) => x.id === manual.json.id);
  assert.deepEqual([m.app, m.rev, m.source], [apps[0], revs[3], 'manual'], 'the manual one is the same row');
  assert.deepEqual(Object.values(tally(rows, apps, revs).load), [2, 2, 2, 2]);

  // A conflict on a proposed pair: the next run gives that application
  // someone else and leaves the other proposed rows alone.
  const victim = rows.find((x) => x.source === 'auto' && x.app === apps[2]);
  await conflict(call, victim.app, victim.rev);
  const before = new Map(rows.map((x) => [`${x.app}:${x.rev}`, x.id]));
  assert.equal((await auto(call)).status, 200);
  rows = await rowsOf(call);
  assert.equal(rows.length, 8);
  assert.ok(!pairs(rows).includes(`${victim.app}:${victim.rev}`));
  // A pair proposed again is the same row (same id, not rewritten).
  for (const x of rows) {
    if (before.has(`${x.app}:${x.rev}`)) assert.equal(x.id, before.get(`${x.app}:${x.rev}`));
  }
  assert.ok(rows.filter((x) => before.has(`${x.app}:${x.rev}`)).length >= 5);
  await assertNoConflictAssigned(call);

  // Released: a new application comes in, the next run keeps every
  // released row as it is and proposes only for the newcomer.
  const rel = await api('POST', `/api/calls/${call}/assignments/release`, { token: tokens.staff });
  assert.equal(rel.status, 200, rel.text);
  const released = await rowsOf(call);
  const [late] = await makeApps(call, 1);
  const again = await auto(call);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.kept, 8);
  assert.equal(again.json.proposed, 2);
  rows = await rowsOf(call);
  for (const x of released) {
    const y = rows.find((z) => z.id === x.id);
    assert.ok(y, 'a released assignment stays');
    assert.deepEqual([y.app, y.rev, String(y.released_at)], [x.app, x.rev, String(x.released_at)]);
  }
  const fresh = rows.filter((x) => x.app === late);
  assert.equal(fresh.length, 2);
  for (const x of fresh) assert.deepEqual([x.source, x.released_at], ['auto', null]);
  const { load } = tally(rows, [...apps, late], revs);
  assert.ok(Math.max(...Object.values(load)) - Math.min(...Object.values(load)) <= 1, JSON.stringify(load));
});

test('auto leaves out disabled reviewers and applications that are not eligible', async () => {
  const call = await reviewCall({ k: 1 });
  const eligible = await makeApps(call, 3);
  const inReview = await makeApps(call, 1, 'in_review');
  const others = [...await makeApps(call, 1, 'submitted'), ...await makeApps(call, 1, 'ineligible'), ...await makeApps(call, 1, 'draft')];
  const [on, off] = await newReviewers(tokens.staff, 2);
  await setCommittee(call, [on.id, off.id]);
  await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [off.id]);
  const r = await auto(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.applications, 4);
  assert.equal(r.json.reviewers, 1);
  const rows = await rowsOf(call);
  assert.deepEqual(rows.map((x) => x.app).sort((a, b) => a - b), [...eligible, ...inReview].sort((a, b) => a - b));
  assert.ok(rows.every((x) => x.rev === on.id));
  for (const a of others) assert.ok(!rows.some((x) => x.app === a));
});

test('two members of staff pressing auto at once: one proposal, nothing assigned twice', async () => {
  const { call, apps } = await setup(12, 5, 3);
  const [a, b] = await Promise.all([auto(call, tokens.staff), auto(call, tokens.admin)]);
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);
  assert.equal(a.json.assignments, 36);
  assert.equal(b.json.assignments, 36);
  const rows = await rowsOf(call);
  assert.equal(rows.length, 36);
  assert.equal(new Set(pairs(rows)).size, 36);
  for (const app of apps) assert.equal(rows.filter((x) => x.app === app).length, 3);
  // The later run found the earlier one's proposal and kept it.
  assert.deepEqual(a.json.loads, b.json.loads);

  // Four at once: still one proposal.
  const many = await Promise.all([auto(call), auto(call, tokens.admin), auto(call), auto(call, tokens.admin)]);
  for (const r of many) assert.equal(r.status, 200, r.text);
  assert.deepEqual(pairs(await rowsOf(call)), pairs(rows));

  // A run waits for the call's lock: while a transaction here holds it,
  // the request does not finish; let go, it does.
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT id FROM calls WHERE id = $1 FOR UPDATE', [call]);
    let done = false;
    const pending = auto(call).then((r) => { done = true; return r; });
    await new Promise((res) => { setTimeout(res, 400); });
    assert.equal(done, false, 'the run waits for the lock on the call');
    await client.query('COMMIT');
    const r = await pending;
    assert.equal(r.status, 200, r.text);
  } finally {
    client.release();
  }
});

test('auto is refused without a committee, once scoring is closed, and for an unknown call — writing nothing', async () => {
  const call = await reviewCall();
  await makeApps(call, 2);
  let r = await unchanged(assert, () => auto(call), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(r.json.error.message, /no active reviewers/);

  await setCommittee(call, [pool[0].id]);
  await db.query('UPDATE calls SET scoring_closed_at = now() WHERE id = $1', [call]);
  r = await unchanged(assert, () => auto(call), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(r.json.error.message, /closed/);

  r = await unchanged(assert, () => auto(99999999), COMMITTEE_TABLES);
  assertErr(assert, r, 404, 'not_found');
});

test('a manual assignment: 422 for an application or reviewer out of place, 409 for a conflict or a repeat', async () => {
  const call = await reviewCall();
  const [app] = await makeApps(call, 1);
  const [submitted] = await makeApps(call, 1, 'submitted');
  const other = await reviewCall();
  const [foreign] = await makeApps(other, 1);
  const [member, outsider] = [pool[0].id, pool[1].id];
  await setCommittee(call, [member]);
  const post = (body) => api('POST', `/api/calls/${call}/assignments`, { token: tokens.staff, body });

  let r = await unchanged(assert, () => post({ application_id: submitted, reviewer_id: outsider }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['application_id', 'reviewer_id'], 'both problems at once');
  r = await unchanged(assert, () => post({ application_id: foreign, reviewer_id: member }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.match(fieldsOf(r).application_id, /eligible application of this call/);
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: staffId }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.match(fieldsOf(r).reviewer_id, /committee/);
  r = await unchanged(assert, () => post({ application_id: app }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).reviewer_id);
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: member, extra: 1 }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');

  // A disabled member may not get new work.
  const [gone] = await newReviewers(tokens.staff, 1);
  await setCommittee(call, [gone.id]);
  await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [gone.id]);
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: gone.id }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');

  r = await post({ application_id: app, reviewer_id: member });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.application_id, r.json.reviewer.id, r.json.source, r.json.created_by], [app, member, 'manual', staffId]);
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'assignments.add' AND entity = 'assignments' AND entity_id = $1",
    [String(r.json.id)]), 1);
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: member }), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).reviewer_id, /already assigned/);

  const [app2] = await makeApps(call, 1);
  await conflict(call, app2, member);
  r = await unchanged(assert, () => post({ application_id: app2, reviewer_id: member }), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).reviewer_id, /conflict of interest/);

  r = await unchanged(assert, () => api('POST', '/api/calls/99999999/assignments', {
    token: tokens.staff, body: { application_id: app, reviewer_id: member } }), COMMITTEE_TABLES);
  assertErr(assert, r, 404, 'not_found');

  // The database holds the same rules whoever writes.
  await assert.rejects(db.query("INSERT INTO assignments (call_id, application_id, reviewer_id, source) VALUES ($1, $2, $3, 'manual')",
    [call, app2, member]), /conflict of interest/);
  await assert.rejects(db.query("INSERT INTO assignments (call_id, application_id, reviewer_id, source) VALUES ($1, $2, $3, 'manual')",
    [call, submitted, member]), /eligible/);
});
