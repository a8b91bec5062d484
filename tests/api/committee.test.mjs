// The committee of a call, conflicts of interest, release, the reviewer's
// declaration and recusal, her queue, overdue reviews and reminders
// (app/review/committee*.c, migrations/0003 "committee").  Calls and
// applications are made in SQL; reviewers are made by staff through the
// API.  Every refused write is shown to write nothing.  Assignment
// itself: assignment.test.mjs; who may call what: routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { appPool, assertErr, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import {
  COMMITTEE_TABLES, committeeEtag, makeApps, newReviewers, reviewCall, scalarNum, setCommittee, sqlAssign,
} from './matrix/committee.mjs';

const tokens = {};
let staffId;
let adminId;
let revs = [];		// four reviewers (vi), one in English
let revEn;

before(async () => {
  tokens.staff = await login('staff');
  tokens.admin = await login('admin');
  tokens.applicant = await login('applicant');
  staffId = await userIdOf('staff@sen.example');
  adminId = await userIdOf('admin@sen.example');
  revs = await newReviewers(tokens.staff, 4);
  [revEn] = await newReviewers(tokens.staff, 1, { locale: 'en' });
});

after(() => db.end());

const putCommittee = (callId, ids, etag, token = tokens.staff) => api('PUT', `/api/calls/${callId}/reviewers`, {
  token, headers: etag === undefined ? {} : { 'if-match': etag }, body: { reviewer_ids: ids },
});
const release = (callId) => api('POST', `/api/calls/${callId}/assignments/release`, { token: tokens.staff });
const declare = (token, id, body) => api('POST', `/api/assignments/${id}/declaration`, { token, body });
const queue = (token) => api('GET', '/api/reviews/mine', { token });
const membersOf = async (callId) => (await db.query(
  'SELECT reviewer_id, added_by FROM call_reviewers WHERE call_id = $1 ORDER BY reviewer_id', [callId])).rows
  .map((r) => ({ id: Number(r.reviewer_id), by: r.added_by === null ? null : Number(r.added_by) }));
const assignmentOf = async (id) => (await db.query('SELECT * FROM assignments WHERE id = $1', [id])).rows[0];

// A review as the reviews module would leave it (its routes are someone
// else's): a draft, or submitted with every criterion of the test rubric.
async function sqlReview(appId, reviewerId, submitted) {
  await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, recommendation, status, submitted_at)
    VALUES ($1, $2, '{"impact": 7, "feasibility": 6}', $3, $4, $5)`,
  [appId, reviewerId, submitted ? 'fund' : null, submitted ? 'submitted' : 'draft', submitted ? new Date() : null]);
}

test('staff name the committee: active reviewer accounts only, If-Match on its ETag, every problem named', async () => {
  const call = await reviewCall();
  const r0 = await api('GET', `/api/calls/${call}/reviewers`, { token: tokens.staff });
  assert.equal(r0.status, 200, r0.text);
  assert.deepEqual(r0.json.items, []);
  const e0 = r0.headers.get('etag');
  assert.match(e0, /^"[1-9]\d*"$/);
  assert.equal(`"${r0.json.version}"`, e0);

  const [a, b, c] = revs;
  let r = await unchanged(assert, () => putCommittee(call, [a.id]), COMMITTEE_TABLES);
  assertErr(assert, r, 428, 'precondition_failed');
  r = await unchanged(assert, () => putCommittee(call, [a.id], '"12345"'), COMMITTEE_TABLES);
  assertErr(assert, r, 412, 'precondition_failed');

  // A mentor, an applicant, a disabled reviewer and nobody at all.
  const mentor = await userIdOf('mentor@sen.example');
  const applicant = await userIdOf('applicant@sen.example');
  const [disabled] = await newReviewers(tokens.staff, 1);
  await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [disabled.id]);
  r = await unchanged(assert, () => putCommittee(call, [a.id, mentor, applicant, disabled.id, 99999999], e0), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  const named = fieldsOf(r).reviewer_ids;
  assert.match(named, /^these are not active reviewer accounts: [\d, ]+$/);
  assert.deepEqual(named.split(': ')[1].split(', ').map(Number), [mentor, applicant, disabled.id, 99999999].sort((x, y) => x - y),
    'exactly the bad ones, the good one not');
  r = await unchanged(assert, () => putCommittee(call, [a.id, a.id], e0), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  r = await unchanged(assert, () => putCommittee(call, [0], e0), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  r = await unchanged(assert, () => api('PUT', `/api/calls/${call}/reviewers`, {
    token: tokens.staff, headers: { 'if-match': e0 }, body: { reviewer_ids: [a.id], extra: true } }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  r = await unchanged(assert, () => putCommittee(99999999, [a.id], e0), COMMITTEE_TABLES);
  assertErr(assert, r, 404, 'not_found');

  const audit = await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'committee.update' AND entity = 'call_reviewers'");
  r = await putCommittee(call, [b.id, a.id], e0);
  assert.equal(r.status, 200, r.text);
  const e1 = r.headers.get('etag');
  assert.notEqual(e1, e0);
  assert.deepEqual(await membersOf(call), [a, b].map((x) => ({ id: x.id, by: staffId })).sort((x, y) => x.id - y.id));
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'committee.update' AND entity = 'call_reviewers'"), audit + 2);
  assert.deepEqual(r.json.items.map((i) => i.id).sort(), [a.id, b.id].sort());
  for (const i of r.json.items) {
    const who = revs.find((x) => x.id === i.id);
    assert.deepEqual([i.full_name, i.email, i.disabled, i.assignments, i.released, i.reviews_submitted],
      [who.name, who.email, false, 0, 0, 0]);
  }
  assert.equal(await committeeEtag(tokens.staff, call), e1);

  // The same committee again changes nothing; a stale ETag is refused.
  r = await unchanged(assert, () => putCommittee(call, [a.id, b.id], e1), COMMITTEE_TABLES);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), e1);
  r = await unchanged(assert, () => putCommittee(call, [c.id], e0), COMMITTEE_TABLES);
  assertErr(assert, r, 412, 'precondition_failed');

  // A member disabled since stays on it (the rest can still be edited);
  // a newcomer must be active.
  const [later] = await newReviewers(tokens.staff, 1);
  r = await putCommittee(call, [a.id, b.id, later.id], e1);
  assert.equal(r.status, 200, r.text);
  await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [later.id]);
  r = await putCommittee(call, [a.id, b.id, later.id, c.id], r.headers.get('etag'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.find((i) => i.id === later.id).disabled, true);
  assert.deepEqual((await membersOf(call)).map((m) => m.id), [a.id, b.id, later.id, c.id].sort((x, y) => x - y));

  // The database holds the rule whoever writes.
  await assert.rejects(db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [call, mentor]),
    /active reviewer/);
});

test('a reviewer leaves the committee only while nothing of hers was released; her proposals go with her', async () => {
  const call = await reviewCall();
  const [app1, app2] = await makeApps(call, 2);
  const [a, b] = revs;
  let r = await putCommittee(call, [a.id, b.id], await committeeEtag(tokens.staff, call));
  assert.equal(r.status, 200, r.text);
  const proposal = await sqlAssign(call, app1, a.id, { source: 'auto' });
  await sqlAssign(call, app2, b.id, { released: true });

  r = await putCommittee(call, [b.id], r.headers.get('etag'));
  assert.equal(r.status, 200, r.text);
  assert.equal(await assignmentOf(proposal), undefined, 'her unreleased proposal went with her');
  assert.deepEqual((await membersOf(call)).map((m) => m.id), [b.id]);

  r = await unchanged(assert, () => putCommittee(call, [], r.headers.get('etag')), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).reviewer_ids, new RegExp(`${b.id}$`));
  assert.deepEqual((await membersOf(call)).map((m) => m.id), [b.id]);
  await assert.rejects(db.query('DELETE FROM call_reviewers WHERE call_id = $1', [call]), /released/);
});

test('staff record a conflict: every problem named, the pair\'s assignment removed, the pair excluded for good', async () => {
  const call = await reviewCall();
  const [app, app2] = await makeApps(call, 2);
  const other = await reviewCall();
  const [foreign] = await makeApps(other, 1);
  const [a, b] = revs;
  await setCommittee(call, [a.id, b.id]);
  const added = await api('POST', `/api/calls/${call}/assignments`, { token: tokens.staff, body: { application_id: app, reviewer_id: a.id } });
  assert.equal(added.status, 201, added.text);
  const post = (body, callId = call) => api('POST', `/api/calls/${callId}/conflicts`, { token: tokens.staff, body });

  let r = await unchanged(assert, () => post({}), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['application_id', 'reason', 'reviewer_id', 'type']);
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: a.id, type: 'cousin', reason: '  \n ' }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['reason', 'type']);
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: a.id, type: 'family', reason: 'x'.repeat(2001) }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  r = await unchanged(assert, () => post({ application_id: foreign, reviewer_id: staffId, type: 'family', reason: 'Em gái' }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['application_id', 'reviewer_id'], 'both at once');
  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: a.id, type: 'family', reason: 'Em gái' }, 99999999),
    COMMITTEE_TABLES);
  assertErr(assert, r, 404, 'not_found');

  const audit = await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'conflicts.record'");
  r = await post({ application_id: app, reviewer_id: a.id, type: 'family', reason: '  Chị ruột của chủ cơ sở  ' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.application_id, app);
  assert.deepEqual(r.json.reviewer, { id: a.id, full_name: a.name });
  assert.equal(r.json.type, 'family');
  assert.deepEqual(r.json.type_label, { vi: 'quan hệ gia đình', en: 'family relationship' });
  assert.equal(r.json.reason, 'Chị ruột của chủ cơ sở');
  assert.equal(r.json.source, 'staff');
  assert.equal(r.json.declared_by.id, staffId);
  assert.equal(r.json.removed_assignment_id, added.json.id);
  const row = (await db.query('SELECT * FROM conflicts WHERE application_id = $1 AND reviewer_id = $2', [app, a.id])).rows[0];
  assert.deepEqual([row.type, row.reason, Number(row.declared_by)], ['family', 'Chị ruột của chủ cơ sở', staffId]);
  assert.equal(await assignmentOf(added.json.id), undefined, 'the assignment is gone');
  // Two audit rows: the conflict and the assignment it removed.
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'conflicts.record'"), audit + 2);

  // A conflict without an assignment, for a reviewer not on the committee.
  const [c] = [revs[2]];
  r = await post({ application_id: app2, reviewer_id: c.id, type: 'same_household', reason: 'Cùng hộ khẩu' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.removed_assignment_id, null);

  r = await unchanged(assert, () => post({ application_id: app, reviewer_id: a.id, type: 'other', reason: 'Lần nữa' }), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  r = await unchanged(assert, () => api('POST', `/api/calls/${call}/assignments`, {
    token: tokens.staff, body: { application_id: app, reviewer_id: a.id } }), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  const auto = await api('POST', `/api/calls/${call}/assignments/auto`, { token: tokens.staff });
  assert.equal(auto.status, 200, auto.text);
  assert.equal(await scalarNum('SELECT count(*) FROM assignments WHERE application_id = $1 AND reviewer_id = $2', [app, a.id]), 0);

  const list = await api('GET', `/api/calls/${call}/conflicts`, { token: tokens.staff });
  assert.equal(list.status, 200, list.text);
  assert.deepEqual(list.json.items.map((x) => [x.application_id, x.reviewer.id, x.type]),
    [[app, a.id, 'family'], [app2, c.id, 'same_household']]);
  assertErr(assert, await api('GET', '/api/calls/99999999/conflicts', { token: tokens.staff }), 404, 'not_found');

  // Never changed or deleted, not even by the owner; the server's role
  // may not try.
  await assert.rejects(db.query('DELETE FROM conflicts WHERE id = $1', [row.id]), /never changed or deleted/);
  await assert.rejects(db.query("UPDATE conflicts SET reason = 'x' WHERE id = $1", [row.id]), /never changed or deleted/);
  const app_ = appPool();
  try {
    await assert.rejects(app_.query('DELETE FROM conflicts WHERE id = $1', [row.id]), /permission denied/);
  } finally {
    await app_.end();
  }
});

test('a submitted review keeps its assignment: a late conflict is recorded and the review stops counting; no removal (409); a draft review goes with its assignment', async () => {
  const call = await reviewCall();
  const [app, app2] = await makeApps(call, 2);
  const [a, b] = revs;
  await setCommittee(call, [a.id, b.id]);
  const done = await sqlAssign(call, app, a.id, { released: true });
  await db.query('UPDATE assignments SET no_conflict_at = now() WHERE id = $1', [done]);
  await sqlReview(app, a.id, true);

  let r = await unchanged(assert, () => api('DELETE', `/api/assignments/${done}`, { token: tokens.staff }), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  // A conflict found late is recorded; the assignment and the review stay
  // as history, but the review no longer counts.
  r = await api('POST', `/api/calls/${call}/conflicts`, {
    token: tokens.staff, body: { application_id: app, reviewer_id: a.id, type: 'business', reason: 'Đối tác' } });
  assert.equal(r.status, 201, r.text);
  assert.ok(await assignmentOf(done));
  assert.equal(await scalarNum(`SELECT count(*) FROM reviews r WHERE application_id = $1 AND reviewer_id = $2
    AND review_counts(r)`, [app, a.id]), 0, 'the conflicted review does not count');
  r = await unchanged(assert, () => api('DELETE', `/api/assignments/${done}`, { token: tokens.staff }), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.ok(await assignmentOf(done));

  const draft = await sqlAssign(call, app2, b.id, { released: true });
  await db.query('UPDATE assignments SET no_conflict_at = now() WHERE id = $1', [draft]);
  await sqlReview(app2, b.id, false);
  r = await api('DELETE', `/api/assignments/${draft}`, { token: tokens.staff });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  assert.equal(await assignmentOf(draft), undefined);
  assert.equal(await scalarNum('SELECT count(*) FROM reviews WHERE application_id = $1 AND reviewer_id = $2', [app2, b.id]), 0,
    'the draft went with it');
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'assignments.remove' AND entity = 'assignments' AND entity_id = $1",
    [String(draft)]), 1);
  r = await unchanged(assert, () => api('DELETE', `/api/assignments/${draft}`, { token: tokens.staff }), COMMITTEE_TABLES);
  assertErr(assert, r, 404, 'not_found');
});

test('release: reviewers see nothing before it, their queue after it, and each gets one message in her language', async () => {
  const call = await reviewCall({ k: 2, due: null });
  const apps = await makeApps(call, 3);
  const [a] = revs;
  await setCommittee(call, [a.id, revEn.id]);
  const auto = await api('POST', `/api/calls/${call}/assignments/auto`, { token: tokens.staff });
  assert.equal(auto.status, 200, auto.text);
  assert.equal(auto.json.assignments, 6);

  // Before release: nothing for her, and her assignment ids do not exist.
  const mine = async (who) => (await queue(who.token)).json.items.filter((i) => i.call.id === call);
  assert.deepEqual(await mine(a), []);
  const hers = Number(await scalar('SELECT min(id) FROM assignments WHERE call_id = $1 AND reviewer_id = $2', [call, a.id]));
  let r = await unchanged(assert, () => declare(a.token, hers, { conflict: false }), COMMITTEE_TABLES);
  assertErr(assert, r, 404, 'not_found');

  // A release needs a due date ahead.
  r = await unchanged(assert, () => release(call), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.ok(fieldsOf(r).review_due_at);
  await db.query("UPDATE calls SET review_due_at = now() - interval '1 hour' WHERE id = $1", [call]);
  r = await unchanged(assert, () => release(call), COMMITTEE_TABLES);
  assertErr(assert, r, 409, 'conflict');
  await db.query("UPDATE calls SET review_due_at = '2031-06-30 17:00:00+07' WHERE id = $1", [call]);

  r = await release(call);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.released, 6);
  assert.equal(r.json.messages, 2);
  assert.equal(r.json.due_at, '2031-06-30T10:00:00Z');
  assert.equal(r.json.due_at_local, '2031-06-30T17:00:00+07:00');
  assert.deepEqual(r.json.reviewers.map((x) => [x.id, x.released]).sort(), [[a.id, 3], [revEn.id, 3]].sort());
  const rows = (await db.query('SELECT released_at, due_at FROM assignments WHERE call_id = $1', [call])).rows;
  assert.equal(rows.length, 6);
  for (const x of rows) {
    assert.ok(x.released_at);
    assert.equal(x.due_at.toISOString(), '2031-06-30T10:00:00.000Z');
  }
  assert.ok(await scalar('SELECT assignments_released_at FROM calls WHERE id = $1', [call]));
  const msgs = (await db.query(`SELECT user_id, channel, recipient, locale, event, subject, body, dedupe_key FROM outbox
    WHERE event = 'review.assigned' AND dedupe_key LIKE $1 ORDER BY user_id`, [`assignments_released:${call}:%`])).rows;
  assert.equal(msgs.length, 2);
  const vi = msgs.find((m) => Number(m.user_id) === a.id);
  const en = msgs.find((m) => Number(m.user_id) === revEn.id);
  assert.deepEqual([vi.channel, vi.recipient, vi.locale], ['email', a.email, 'vi']);
  assert.equal(vi.subject, 'Sen: 3 hồ sơ mới cần chấm — Hỗ trợ phụ nữ khởi nghiệp 2026');
  assert.match(vi.body, /^Kính gửi Thành viên/);
  assert.match(vi.body, /Hạn chấm: 17:00 30\/06\/2031\./);
  assert.deepEqual([en.locale, en.subject], ['en', 'Sen: 3 new applications to review — Women starting a business 2026']);
  assert.match(en.body, /by 17:00 30\/06\/2031 \(Hà Nội time\)/);
  const maxId = await scalarNum('SELECT max(id) FROM assignments WHERE call_id = $1 AND reviewer_id = $2', [call, a.id]);
  assert.equal(vi.dedupe_key, `assignments_released:${call}:${a.id}:${maxId}`);

  // After release: her queue, blind, in her language.
  const q = await queue(a.token);
  assert.equal(q.status, 200, q.text);
  const items = q.json.items.filter((i) => i.call.id === call);
  assert.equal(items.length, 3);
  assert.deepEqual(items.map((i) => i.application_id).sort(), apps.slice().sort());
  for (const i of items) {
    assert.deepEqual(Object.keys(i).sort(), ['application_id', 'assignment_id', 'business_name', 'call', 'declaration',
      'declared_at', 'due_at', 'due_at_local', 'overdue', 'released_at', 'review_status', 'scoring_open', 'sector', 'stage']);
    assert.deepEqual(i.call, { id: call, title: 'Hỗ trợ phụ nữ khởi nghiệp 2026' });
    assert.match(i.business_name, /^Cơ sở \d+$/);
    assert.deepEqual([i.stage, i.sector, i.declaration, i.declared_at, i.review_status, i.overdue, i.scoring_open],
      ['idea', 'food_beverage', 'pending', null, 'none', false, true]);
    assert.equal(i.due_at, '2031-06-30T10:00:00Z');
  }
  // Nothing about the applicants, anywhere in the answer.
  assert.ok(!q.text.includes('Bí Mật') && !q.text.includes('@sen.test') && !q.text.includes('HK-'), q.text);
  for (const key of ['applicant', 'applicant_id', 'full_name', 'email', 'phone', 'national_id', 'reference']) {
    assert.ok(!q.text.includes(`"${key}"`), `no ${key} in the queue`);
  }
  assert.ok(q.json.summary.total >= 3);
  const qen = await queue(revEn.token);
  assert.equal(qen.json.items.find((i) => i.call.id === call).call.title, 'Women starting a business 2026');

  // Released again: nothing to release, nothing written.
  r = await unchanged(assert, () => release(call), COMMITTEE_TABLES);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.released, r.json.messages, r.json.reviewers], [0, 0, []]);

  // Later work is told in a message of its own.
  const [late] = await makeApps(call, 1);
  const add = await api('POST', `/api/calls/${call}/assignments`, { token: tokens.staff, body: { application_id: late, reviewer_id: a.id } });
  assert.equal(add.status, 201, add.text);
  assert.deepEqual((await mine(a)).length, 3, 'not before its release');
  r = await release(call);
  assert.deepEqual([r.json.released, r.json.messages], [1, 1]);
  assert.equal(await scalar('SELECT subject FROM outbox WHERE dedupe_key = $1', [`assignments_released:${call}:${a.id}:${add.json.id}`]),
    'Sen: 1 hồ sơ mới cần chấm — Hỗ trợ phụ nữ khởi nghiệp 2026');
  assert.equal((await mine(a)).length, 4);

  // The database keeps a release a release.
  await assert.rejects(db.query('UPDATE assignments SET released_at = NULL WHERE id = $1', [add.json.id]), /stays released/);
});

test('declaration: no conflict once, only on her own released assignment; validation names every field', async () => {
  const call = await reviewCall();
  const [app, app2] = await makeApps(call, 2);
  const [a, b] = revs;
  await setCommittee(call, [a.id, b.id]);
  const mineId = await sqlAssign(call, app, a.id, { released: true });
  const unreleased = await sqlAssign(call, app2, a.id);
  const hersB = await sqlAssign(call, app, b.id, { released: true });

  let r = await unchanged(assert, () => declare(a.token, mineId, {}), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)), ['conflict']);
  r = await unchanged(assert, () => declare(a.token, mineId, { conflict: true }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['reason', 'type']);
  r = await unchanged(assert, () => declare(a.token, mineId, { conflict: true, type: 'cousin', reason: ' ' }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['reason', 'type']);
  r = await unchanged(assert, () => declare(a.token, mineId, { conflict: false, type: 'family', reason: 'x' }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['reason', 'type']);
  r = await unchanged(assert, () => declare(a.token, mineId, { conflict: 'no' }), COMMITTEE_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  r = await unchanged(assert, () => api('POST', `/api/assignments/${mineId}/declaration`, { token: a.token, body: '[' }), COMMITTEE_TABLES);
  assertErr(assert, r, 400, 'bad_json');

  // Another's, an unreleased one, one that does not exist: 404 alike.
  for (const id of [hersB, unreleased, 99999999]) {
    r = await unchanged(assert, () => declare(a.token, id, { conflict: false }), COMMITTEE_TABLES);
    assertErr(assert, r, 404, 'not_found');
  }
  // Staff and applicants may not declare for her.
  for (const t of [tokens.staff, tokens.applicant]) {
    r = await unchanged(assert, () => declare(t, mineId, { conflict: false }), COMMITTEE_TABLES);
    assertErr(assert, r, 403, 'forbidden');
  }

  r = await declare(a.token, mineId, { conflict: false });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.assignment_id, r.json.application_id, r.json.declaration], [mineId, app, 'no_conflict']);
  assert.match(r.json.declared_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok((await assignmentOf(mineId)).no_conflict_at);
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'assignments.declare' AND entity_id = $1", [String(mineId)]), 1);
  const item = (await queue(a.token)).json.items.find((i) => i.assignment_id === mineId);
  assert.equal(item.declaration, 'no_conflict');

  for (const body of [{ conflict: false }, { conflict: true, type: 'family', reason: 'Nhận ra muộn' }]) {
    r = await unchanged(assert, () => declare(a.token, mineId, body), COMMITTEE_TABLES);
    assertErr(assert, r, 409, 'conflict');
  }
  await assert.rejects(db.query('UPDATE assignments SET no_conflict_at = now() WHERE id = $1', [mineId]), /already been made/);
});

test('recusal: the assignment goes, the conflict is kept for good, every active member of staff is told', async () => {
  const call = await reviewCall({ k: 2 });
  const apps = await makeApps(call, 2);
  const [a, b, c] = revs;
  await setCommittee(call, [a.id, b.id, c.id]);
  // A member of staff in English, and one disabled who is told nothing.
  const { rows: [{ id: staffEn }] } = await db.query(`INSERT INTO users (email, full_name, role, locale)
    VALUES ($1, 'Staff Member', 'staff', 'en') RETURNING id`, [`staff-en-${Date.now()}@sen.test`]);
  const { rows: [{ id: staffOff }] } = await db.query(`INSERT INTO users (email, full_name, role, disabled_at)
    VALUES ($1, 'Cán bộ đã nghỉ', 'staff', now()) RETURNING id`, [`staff-off-${Date.now()}@sen.test`]);
  assert.equal((await api('POST', `/api/calls/${call}/assignments/auto`, { token: tokens.staff })).status, 200);
  assert.equal((await release(call)).status, 200);
  const aid = Number(await scalar('SELECT min(id) FROM assignments WHERE call_id = $1 AND reviewer_id = $2', [call, b.id]));
  const { application_id: appId } = await assignmentOf(aid);
  const ref = await scalar('SELECT reference FROM applications WHERE id = $1', [appId]);

  const r = await declare(b.token, aid, { conflict: true, type: 'business', reason: 'Tôi từng góp vốn vào cơ sở này' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.assignment_id, r.json.application_id, r.json.declaration], [aid, Number(appId), 'recused']);
  assert.deepEqual([r.json.conflict.source, r.json.conflict.type, r.json.conflict.declared_by.id, r.json.conflict.reviewer.id],
    ['recusal', 'business', b.id, b.id]);

  assert.equal(await assignmentOf(aid), undefined, 'the assignment is gone');
  const x = (await db.query('SELECT * FROM conflicts WHERE application_id = $1 AND reviewer_id = $2', [appId, b.id])).rows[0];
  assert.deepEqual([x.type, x.reason, Number(x.declared_by)], ['business', 'Tôi từng góp vốn vào cơ sở này', b.id]);
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'assignments.recuse' AND entity = 'conflicts'"
    + ' AND entity_id = $1', [String(x.id)]), 1);

  // One e-mail to each active member of staff, in her language.
  const staff = (await db.query("SELECT id, email, locale FROM users WHERE role = 'staff' AND disabled_at IS NULL ORDER BY id")).rows;
  assert.equal(r.json.staff_notified, staff.length);
  const told = (await db.query("SELECT user_id, recipient, locale, subject, body, dedupe_key FROM outbox WHERE event = 'review.recusal' AND dedupe_key LIKE $1 ORDER BY user_id",
    [`recusal:${aid}:%`])).rows;
  assert.deepEqual(told.map((m) => [Number(m.user_id), m.recipient, m.locale]), staff.map((s) => [Number(s.id), s.email, s.locale]));
  assert.ok(told.every((m) => m.dedupe_key === `recusal:${aid}:${m.user_id}`));
  assert.ok(!told.some((m) => Number(m.user_id) === Number(staffOff)), 'a disabled account is told nothing');
  const vi = told.find((m) => Number(m.user_id) === staffId);
  assert.equal(vi.subject, `Sen: ${b.name} xin rút khỏi hồ sơ ${ref}`);
  assert.match(vi.body, /xung đột lợi ích \(quan hệ kinh doanh\)/);
  assert.match(vi.body, /Lý do: Tôi từng góp vốn vào cơ sở này/);
  assert.match(vi.body, /Hồ sơ còn 1\/2 người chấm/);
  const en = told.find((m) => Number(m.user_id) === Number(staffEn));
  assert.equal(en.subject, `Sen: ${b.name} recused from application ${ref}`);
  assert.match(en.body, /\(business relationship\)/);
  assert.match(en.body, /now has 1 of 2 reviewers/);

  // Gone from her queue; excluded from every later run, and by hand.
  assert.ok(!(await queue(b.token)).json.items.some((i) => i.application_id === Number(appId)));
  const again = await api('POST', `/api/calls/${call}/assignments/auto`, { token: tokens.staff });
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.complete, true);
  assert.equal(await scalarNum('SELECT count(*) FROM assignments WHERE application_id = $1 AND reviewer_id = $2', [appId, b.id]), 0);
  assert.equal(await scalarNum('SELECT count(*) FROM assignments WHERE application_id = $1', [appId]), 2, 'someone else took her place');
  const byHand = await unchanged(assert, () => api('POST', `/api/calls/${call}/assignments`, {
    token: tokens.staff, body: { application_id: Number(appId), reviewer_id: b.id } }), COMMITTEE_TABLES);
  assertErr(assert, byHand, 409, 'conflict');
  // A second declaration on the recused assignment: it no longer exists.
  assertErr(assert, await unchanged(assert, () => declare(b.token, aid, { conflict: false }), COMMITTEE_TABLES), 404, 'not_found');
  await db.query('UPDATE users SET disabled_at = now() WHERE id = $1', [staffEn]);
});

test('a reviewer or an applicant calling the staff endpoints gets 403 and writes nothing', async () => {
  const call = await reviewCall();
  const [app] = await makeApps(call, 1);
  const [a] = revs;
  await setCommittee(call, [a.id]);
  const aid = await sqlAssign(call, app, a.id, { released: true });
  const calls = [
    ['GET', `/api/calls/${call}/reviewers`], ['PUT', `/api/calls/${call}/reviewers`, { reviewer_ids: [] }],
    ['GET', `/api/calls/${call}/conflicts`],
    ['POST', `/api/calls/${call}/conflicts`, { application_id: app, reviewer_id: a.id, type: 'other', reason: 'x' }],
    ['GET', `/api/calls/${call}/assignments`], ['POST', `/api/calls/${call}/assignments`, { application_id: app, reviewer_id: a.id }],
    ['POST', `/api/calls/${call}/assignments/auto`], ['POST', `/api/calls/${call}/assignments/release`],
    ['DELETE', `/api/assignments/${aid}`], ['GET', `/api/calls/${call}/reviews/overdue`],
  ];
  for (const token of [a.token, tokens.applicant]) {
    for (const [method, path, body] of calls) {
      const r = await unchanged(assert, () => api(method, path, { token, body }), COMMITTEE_TABLES);
      assertErr(assert, r, 403, 'forbidden');
    }
  }
  assert.ok(await assignmentOf(aid));
  for (const [method, path] of [['GET', '/api/reviews/mine'], ['POST', `/api/assignments/${aid}/declaration`]]) {
    assertErr(assert, await api(method, path, { token: tokens.staff, body: method === 'POST' ? { conflict: false } : undefined }),
      403, 'forbidden');
  }
});

test('overdue reviews are listed for staff; reminders: one per overdue assignment per day, in her language', async () => {
  const call = await reviewCall({ k: 1 });
  const apps = await makeApps(call, 4);
  const [a, b, c] = revs;
  await setCommittee(call, [a.id, b.id, c.id, revEn.id]);
  const late = await sqlAssign(call, apps[0], a.id, { released: true });
  const lateEn = await sqlAssign(call, apps[1], revEn.id, { released: true });
  const done = await sqlAssign(call, apps[2], b.id, { released: true });
  const onTime = await sqlAssign(call, apps[3], c.id, { released: true });
  await db.query("UPDATE assignments SET due_at = now() - interval '2 days' WHERE id = ANY($1)", [[late, lateEn, done]]);
  await sqlReview(apps[2], b.id, true);
  await sqlReview(apps[1], revEn.id, false);

  let r = await api('GET', `/api/calls/${call}/reviews/overdue`, { token: tokens.staff });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.call_id, call);
  assert.deepEqual(r.json.items.map((i) => i.assignment_id).sort(), [late, lateEn].sort());
  const item = r.json.items.find((i) => i.assignment_id === late);
  assert.deepEqual(item.reviewer, { id: a.id, full_name: a.name, email: a.email });
  assert.equal(item.days_overdue, 2);
  assert.deepEqual([item.application_id, item.declared, item.review_status, item.last_reminder_at], [apps[0], false, 'none', null]);
  assert.match(item.reference, /^HK-/);
  assert.equal(r.json.items.find((i) => i.assignment_id === lateEn).review_status, 'draft');
  assertErr(assert, await api('GET', '/api/calls/99999999/reviews/overdue', { token: tokens.staff }), 404, 'not_found');

  // Her queue says so too.
  const q = (await queue(a.token)).json;
  assert.equal(q.items.find((i) => i.assignment_id === late).overdue, true);
  assert.ok(q.summary.overdue >= 1);
  assert.equal((await queue(c.token)).json.items.find((i) => i.assignment_id === onTime).overdue, false);

  // The job, called as the housekeeping calls it (as the server's own
  // role, sen_app): twice the same day.
  const reminders = () => db.query("SELECT * FROM outbox WHERE event = 'review.reminder' AND dedupe_key ~ $1 ORDER BY id",
    [`^review_reminder:(${late}|${lateEn}|${done}|${onTime}):`]);
  const server = appPool();
  let first;
  try {
    first = Number((await server.query('SELECT review_reminders() AS n')).rows[0].n);
  } finally {
    await server.end();
  }
  assert.ok(first >= 2);
  const sent = (await reminders()).rows;
  assert.equal(sent.length, 2);
  const day = await scalar("SELECT to_char(now() AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM-DD')");
  const vi = sent.find((m) => Number(m.user_id) === a.id);
  const en = sent.find((m) => Number(m.user_id) === revEn.id);
  assert.deepEqual([vi.dedupe_key, vi.recipient, vi.locale, vi.channel], [`review_reminder:${late}:${day}`, a.email, 'vi', 'email']);
  const biz = await scalar('SELECT business_name FROM applications WHERE id = $1', [apps[0]]);
  assert.equal(vi.subject, `Sen: nhắc chấm hồ sơ "${biz}" (đã quá hạn)`);
  assert.match(vi.body, /đã quá hạn chấm/);
  assert.deepEqual([en.dedupe_key, en.locale], [`review_reminder:${lateEn}:${day}`, 'en']);
  assert.match(en.subject, /^Sen: reminder — ".+" is overdue$/);
  assert.ok((await assignmentOf(late)).last_reminder_at);
  assert.equal(await scalarNum("SELECT count(*) FROM audit_log WHERE action = 'reviews.remind' AND entity = 'assignments' AND entity_id = $1",
    [String(late)]), 1);
  assert.equal((await assignmentOf(done)).last_reminder_at, null);
  assert.equal((await assignmentOf(onTime)).last_reminder_at, null);

  const before = (await assignmentOf(late)).last_reminder_at;
  assert.equal(Number(await scalar('SELECT review_reminders()')), 0, 'nothing new the same day');
  assert.equal((await reminders()).rows.length, 2);
  assert.equal((await assignmentOf(late)).last_reminder_at.getTime(), before.getTime());
  r = await api('GET', `/api/calls/${call}/reviews/overdue`, { token: tokens.staff });
  assert.equal(r.json.items.find((i) => i.assignment_id === late).last_reminder_at,
    before.toISOString().replace(/\.\d+Z$/, 'Z'));

  // Once scoring is closed nobody is reminded any more.
  const closed = await reviewCall({ k: 1 });
  const [capp] = await makeApps(closed, 1);
  await setCommittee(closed, [a.id]);
  const stale = await sqlAssign(closed, capp, a.id, { released: true });
  await db.query("UPDATE assignments SET due_at = now() - interval '1 day' WHERE id = $1", [stale]);
  await db.query('UPDATE calls SET scoring_closed_at = now() WHERE id = $1', [closed]);
  await scalar('SELECT review_reminders()');
  assert.equal(await scalarNum('SELECT count(*) FROM outbox WHERE dedupe_key LIKE $1', [`review_reminder:${stale}:%`]), 0);
});

test('once scoring is closed the committee and assignments stay as they are (409); conflicts can still be recorded', async () => {
  const call = await reviewCall();
  const [app, app2] = await makeApps(call, 2);
  const [a, b] = revs;
  await setCommittee(call, [a.id, b.id]);
  const aid = await sqlAssign(call, app, a.id);
  const etag = await committeeEtag(tokens.staff, call);
  await db.query('UPDATE calls SET scoring_closed_at = now() WHERE id = $1', [call]);
  const writes = [
    () => putCommittee(call, [a.id], etag),
    () => api('POST', `/api/calls/${call}/assignments`, { token: tokens.staff, body: { application_id: app2, reviewer_id: b.id } }),
    () => api('POST', `/api/calls/${call}/assignments/auto`, { token: tokens.staff }),
    () => release(call),
    () => api('DELETE', `/api/assignments/${aid}`, { token: tokens.staff }),
  ];
  for (const w of writes) {
    const r = await unchanged(assert, w, COMMITTEE_TABLES);
    assertErr(assert, r, 409, 'conflict');
    assert.match(r.json.error.message, /Scoring of this call is closed/);
  }
  const r = await api('POST', `/api/calls/${call}/conflicts`, {
    token: tokens.staff, body: { application_id: app2, reviewer_id: b.id, type: 'other', reason: 'Biết chủ cơ sở' } });
  assert.equal(r.status, 201, r.text);
  // Reads still work.
  for (const path of ['reviewers', 'conflicts', 'assignments', 'reviews/overdue']) {
    assert.equal((await api('GET', `/api/calls/${call}/${path}`, { token: tokens.staff })).status, 200);
  }
  for (const path of ['reviewers', 'assignments']) {
    assertErr(assert, await api('GET', `/api/calls/99999999/${path}`, { token: tokens.admin }), 404, 'not_found');
  }
  assert.ok(adminId > 0);
});

test('the OpenAPI document names exactly the fields each answer has', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const schema = (n) => doc.components.schemas[n];
  const keys = (o) => Object.keys(o).sort();
  const props = (s) => keys(s.properties);
  // n: a schema's name, or an inline schema.
  const same = (o, n) => {
    const s = typeof n === 'string' ? schema(n) : n;
    assert.deepEqual(keys(o), props(s), JSON.stringify(o));
    assert.deepEqual(keys(o), [...s.required].sort(), `${JSON.stringify(o)}: required`);
  };
  const call = await reviewCall({ k: 2 });
  const apps = await makeApps(call, 3);
  const [a, b, c] = revs;
  await setCommittee(call, [a.id, b.id]);
  await db.query('INSERT INTO conflicts (application_id, reviewer_id, type, reason, declared_by) VALUES ($1, $2, $3, $4, $5)',
    [apps[0], a.id, 'other', 'Quen biết', staffId]);

  const committee = await api('GET', `/api/calls/${call}/reviewers`, { token: tokens.staff });
  same(committee.json, 'Committee');
  same(committee.json.items[0], 'CommitteeMember');
  const auto = await api('POST', `/api/calls/${call}/assignments/auto`, { token: tokens.staff });
  same(auto.json, 'CommitteeAutoResult');
  same(auto.json.loads[0], 'CommitteeLoad');
  same(auto.json.short[0], 'CommitteeShortApplication');
  const list = await api('GET', `/api/calls/${call}/assignments`, { token: tokens.staff });
  same(list.json, 'CommitteeAssignmentList');
  same(list.json.summary, schema('CommitteeAssignmentList').properties.summary);
  same(list.json.items[0], 'CommitteeAssignment');
  const rel = await release(call);
  same(rel.json, 'CommitteeReleaseResult');
  same(rel.json.reviewers[0], schema('CommitteeReleaseResult').properties.reviewers.items);
  const q = (await queue(b.token)).json;
  same(q, 'CommitteeQueue');
  same(q.items[0], 'CommitteeQueueItem');
  same(q.summary, schema('CommitteeQueue').properties.summary);
  same(q.items[0].call, schema('CommitteeQueueItem').properties.call);

  const here = q.items.filter((i) => i.call.id === call);
  assert.equal(here.length, 3);
  const declared = await declare(b.token, here[0].assignment_id, { conflict: false });
  const recused = await declare(b.token, here[1].assignment_id, { conflict: true, type: 'other', reason: 'Hàng xóm' });
  for (const r of [declared, recused]) {
    assert.equal(r.status, 200, r.text);
    for (const k of keys(r.json)) assert.ok(props(schema('CommitteeDeclarationResult')).includes(k), k);
    for (const k of schema('CommitteeDeclarationResult').required) assert.ok(k in r.json, k);
  }
  same(recused.json.conflict, 'CommitteeConflict');
  const conflict = await api('POST', `/api/calls/${call}/conflicts`, {
    token: tokens.staff, body: { application_id: apps[2], reviewer_id: c.id, type: 'other', reason: 'Quen biết' } });
  same(conflict.json, 'CommitteeConflictRecorded');
  same((await api('GET', `/api/calls/${call}/conflicts`, { token: tokens.staff })).json, 'CommitteeConflictList');

  await db.query("UPDATE assignments SET due_at = now() - interval '1 day' WHERE call_id = $1", [call]);
  const overdue = (await api('GET', `/api/calls/${call}/reviews/overdue`, { token: tokens.staff })).json;
  same(overdue, 'CommitteeOverdueList');
  same(overdue.items[0], 'CommitteeOverdueItem');

  // The request schemas name the fields the server accepts.
  assert.deepEqual(props(schema('CommitteeUpdateRequest')), ['reviewer_ids']);
  assert.deepEqual(props(schema('CommitteeConflictRequest')), ['application_id', 'reason', 'reviewer_id', 'type']);
  assert.deepEqual(props(schema('CommitteeAssignmentRequest')), ['application_id', 'reviewer_id']);
  assert.deepEqual(props(schema('CommitteeDeclarationRequest')), ['conflict', 'reason', 'type']);
  assert.equal(schema('CommitteeConflictRequest').properties.reason.maxLength, 2000);
  assert.equal(schema('CommitteeUpdateRequest').properties.reviewer_ids.maxItems, 500);
});
