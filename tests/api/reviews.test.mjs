// Reviews (app/review/reviews.c, review_list.c, discussion_thread.c,
// review_close.c): who may reach an application, saving drafts with
// If-Match, score validation against the rubric, the running weighted
// total, submission, revisions, when the others' reviews and the
// discussion open, stable pseudonyms, what staff see, and closing the
// scoring.  Committees, assignments and conflicts are rows made in SQL
// (their endpoints are tested on their own); blindness field by field is
// blind.test.mjs; the role matrix is routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, demo, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import { etagOf, ifMatch, makeCall } from './apps_fixtures.mjs';
import {
  REVIEW_TABLES, assign, moveApp, newReviewer, putReview, reviewCall, reviewed, sqlApp, submitReview, toReviewing,
} from './matrix/reviews.mjs';

after(() => db.end());

const T = REVIEW_TABLES;
const tokens = {};
const ids = {};
const rv = [];	// reviewers made for these tests: { id, token, name, email }

before(async () => {
  for (const who of ['staff', 'admin', 'applicant', 'mentor', 'reviewer1', 'reviewer2']) {
    tokens[who] = await login(who);
    ids[who] = await userIdOf(demo[who].email);
  }
  for (const name of ['Nguyễn Thị Định', 'Bùi Thị Xuân', 'Trần Thị Dung', 'Lê Chân']) {
    rv.push(await newReviewer(tokens.staff, name));
  }
});

const url = (app, rest = '') => `/api/applications/${app}${rest}`;
const get = (token, app, rest) => api('GET', url(app, rest), { token });
const post = (token, app, body) => api('POST', url(app, '/discussion'), { token, body });
const reviewRow = async (app, reviewer) => (await db.query(
  'SELECT * FROM reviews WHERE application_id = $1 AND reviewer_id = $2', [app, reviewer])).rows[0];
const revisionsOf = async (reviewId) => (await db.query(
  'SELECT revision, scores, comment_applicant, comment_committee, recommendation FROM review_revisions WHERE review_id = $1 ORDER BY revision',
  [reviewId])).rows;

// One application in review and a reviewer assigned to it.
async function oneApp(reviewer = rv[0], callCols = {}) {
  const call = await reviewCall(callCols);
  const app = await sqlApp(call);
  await assign(call, app, reviewer.id);
  return { call, app };
}

// Every reviewer request on an application, refused alike.
const REQUESTS = [
  ['blind', (t, a) => get(t, a, '/blind')],
  ['review', (t, a) => get(t, a, '/review')],
  ['save', (t, a) => putReview(t, a, { scores: { impact: 5 } })],
  ['submit', (t, a) => submitReview(t, a, 1)],
  ['reviews', (t, a) => get(t, a, '/reviews')],
  ['discussion', (t, a) => get(t, a, '/discussion')],
  ['post', (t, a) => post(t, a, { body: 'Xin chào' })],
];

async function allRefused(token, app, status, code, tables = T) {
  for (const [name, fn] of REQUESTS) {
    const r = await unchanged(assert, () => fn(token, app), tables);
    assertErr(assert, r, status, code);
    assert.ok(r.json, name);
  }
}

test('a reviewer not assigned, not released, conflicted, off the committee, or on an application not in review gets 404 everywhere', async () => {
  const [a, b] = rv;
  const call = await reviewCall();
  const app = await sqlApp(call);
  await assign(call, app, a.id);
  assert.equal((await get(a.token, app, '/blind')).status, 200, 'the assigned reviewer reads it');

  // Not assigned (another reviewer of the same call).
  await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [call, b.id]);
  await allRefused(b.token, app, 404, 'not_found');
  // An application that does not exist says the same.
  await allRefused(a.token, 2147480000, 404, 'not_found');

  // Assigned but not released yet.
  const app2 = await sqlApp(call);
  await assign(call, app2, a.id, { released: false, declared: false });
  await allRefused(a.token, app2, 404, 'not_found');

  // Conflicted: staff recorded a conflict after the assignment was made.
  const app3 = await sqlApp(call);
  await assign(call, app3, a.id);
  await db.query(`INSERT INTO conflicts (application_id, reviewer_id, type, reason, declared_by)
    VALUES ($1, $2, 'family', 'Chị dâu của người nộp', $3)`, [app3, a.id, ids.staff]);
  await allRefused(a.token, app3, 404, 'not_found');

  // Taken off the committee: impossible once her assignments were
  // released (call_reviewers_guard), which is what keeps her reviews
  // reachable; a proposal she never saw goes with her.
  const call4 = await reviewCall();
  const app4 = await sqlApp(call4);
  await assign(call4, app4, a.id);
  await assert.rejects(db.query('DELETE FROM call_reviewers WHERE call_id = $1 AND reviewer_id = $2', [call4, a.id]),
    (e) => e.code === 'SN409');
  const call4b = await reviewCall();
  const app4b = await sqlApp(call4b);
  await assign(call4b, app4b, a.id, { released: false, declared: false });
  await db.query('DELETE FROM call_reviewers WHERE call_id = $1 AND reviewer_id = $2', [call4b, a.id]);
  await allRefused(a.token, app4b, 404, 'not_found');

  // An application not past screening, whatever an assignment says (if
  // the database lets such an assignment exist at all).
  const app5 = await sqlApp(call, 'screening');
  const made = await assign(call, app5, a.id).then(() => true, (e) => {
    assert.match(e.code, /^SN4/, e.message);
    return false;
  });
  if (made) await allRefused(a.token, app5, 404, 'not_found');
});

test('a released assignment without a declaration is 409 with where to declare, everywhere', async () => {
  const a = rv[0];
  const call = await reviewCall();
  const app = await sqlApp(call);
  const asg = await assign(call, app, a.id, { declared: false });
  for (const [name, fn] of REQUESTS) {
    const r = await unchanged(assert, () => fn(a.token, app), T);
    assertErr(assert, r, 409, 'conflict');
    assert.match(r.json.error.message, new RegExp(`/api/assignments/${asg}/declaration`), name);
  }
  await db.query('UPDATE assignments SET no_conflict_at = now() WHERE id = $1', [asg]);
  assert.equal((await get(a.token, app, '/blind')).status, 200);
});

test('applicants and mentors are refused every review route (403 by role), and write nothing', async () => {
  const { call, app } = await oneApp();
  await reviewed(rv[0].token, app, { impact: 3, feasibility: 4 });
  await toReviewing(call);
  for (const who of ['applicant', 'mentor']) {
    for (const [, fn] of REQUESTS) assertErr(assert, await unchanged(assert, () => fn(tokens[who], app), T), 403, 'forbidden');
    assertErr(assert, await unchanged(assert, () => api('POST', `/api/calls/${call}/scoring/close`, { token: tokens[who] }), T),
      403, 'forbidden');
  }
  // Staff are not reviewers: no blind view, no review of their own.
  for (const who of ['staff', 'admin']) {
    for (const [, fn] of REQUESTS.slice(0, 4)) {
      assertErr(assert, await unchanged(assert, () => fn(tokens[who], app), T), 403, 'forbidden');
    }
  }
  // A reviewer may not close the scoring.
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/calls/${call}/scoring/close`, { token: rv[0].token }), T),
    403, 'forbidden');
});

test('the first save creates the draft (201) without If-Match; later saves need the current ETag', async () => {
  const a = rv[0];
  const { app } = await oneApp();
  assertErr(assert, await get(a.token, app, '/review'), 404, 'not_found');

  // A first save that claims a version: there is none to match.
  assertErr(assert, await unchanged(assert, () => putReview(a.token, app, { scores: { impact: 5 } }, 1), T),
    412, 'precondition_failed');

  const r = await putReview(a.token, app, { scores: { impact: 5 }, comment_committee: 'Ổn.' });
  assert.equal(r.status, 201, r.text);
  assert.equal(etagOf(r), 1);
  assert.equal(r.json.version, 1);
  assert.equal(r.json.status, 'draft');
  assert.deepEqual(r.json.scores, { impact: 5 });
  assert.equal(r.json.comment_committee, 'Ổn.');
  assert.equal(r.json.comment_applicant, null);
  assert.equal(r.json.recommendation, null);
  assert.equal(r.json.editable, true);
  assert.equal(r.json.revision, 0);
  assert.deepEqual(r.json.revisions, []);
  const row = await reviewRow(app, a.id);
  assert.deepEqual(row.scores, { impact: 5 });
  assert.equal(row.status, 'draft');
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE action = 'reviews.save' AND entity = 'reviews' AND entity_id = $1 AND actor_id = $2",
    [String(row.id), a.id])), 1, 'the save is audited, with her as the actor');

  // Then: If-Match is required, must be current, must be well formed.
  assertErr(assert, await unchanged(assert, () => putReview(a.token, app, { scores: { impact: 6 } }), T), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => putReview(a.token, app, { scores: { impact: 6 } }, 2), T), 412, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => api('PUT', url(app, '/review'), { token: a.token, body: { scores: {} }, headers: { 'if-match': '1' } }), T),
    400, 'bad_json');

  const g = await get(a.token, app, '/review');
  assert.equal(g.status, 200);
  assert.equal(etagOf(g), 1);
  const r2 = await putReview(a.token, app, { scores: { feasibility: 7 }, comment_committee: null, recommendation: 'maybe' }, 1);
  assert.equal(r2.status, 200, r2.text);
  assert.equal(etagOf(r2), 2);
  assert.deepEqual(r2.json.scores, { impact: 5, feasibility: 7 }, 'scores merge criterion by criterion');
  assert.equal(r2.json.comment_committee, null, 'null clears');
  assert.equal(r2.json.recommendation, 'maybe');

  // A save that changes nothing writes nothing and keeps the version.
  const same = await unchanged(assert, () => putReview(a.token, app, { scores: { impact: 5 } }, 2), T);
  assert.equal(same.status, 200, same.text);
  assert.equal(etagOf(same), 2);
});

test('scores are checked against the rubric: unknown criteria, out of range and non-integers are named, all at once, nothing written', async () => {
  const a = rv[0];
  const { app } = await oneApp();
  const first = await putReview(a.token, app, { scores: { impact: 4 } });
  assert.equal(first.status, 201);
  const cases = [
    [{ scores: { team: 3 } }, { 'scores.team': 'is not a known field' }],
    [{ scores: { impact: 11 } }, { 'scores.impact': 'must be between 0 and 10' }],
    [{ scores: { impact: -1 } }, { 'scores.impact': 'must be between 0 and 10' }],
    [{ scores: { impact: 7.5 } }, { 'scores.impact': 'must be an integer' }],
    [{ scores: { impact: '7' } }, { 'scores.impact': 'must be an integer' }],
    [{ scores: { impact: true } }, { 'scores.impact': 'must be an integer' }],
    [{ scores: { impact: { v: 1 } } }, { 'scores.impact': 'must be an integer' }],
    [{ scores: [7, 8] }, { scores: 'must be an object' }],
    [{ scores: null }, { scores: 'must not be null' }],
    [{ recommendation: 'yes' }, { recommendation: 'must be one of: fund, maybe, reject' }],
    [{ comment_applicant: 'x'.repeat(5001) }, { comment_applicant: 'must be at most 5000 characters' }],
    [{ comment_committee: 7 }, { comment_committee: 'must be a string' }],
    [{ score: { impact: 1 } }, { score: 'is not a known field' }],
  ];
  for (const [body, fields] of cases) {
    const r = await unchanged(assert, () => putReview(a.token, app, body, 1), T);
    assertErr(assert, r, 422, 'validation_failed');
    assert.deepEqual(fieldsOf(r), fields, JSON.stringify(body));
  }
  // Every problem of one save at once.
  const all = await unchanged(assert, () => putReview(a.token, app, {
    scores: { impact: 11, feasibility: 2.5, team: 1 }, recommendation: 'no', comment_committee: 'x'.repeat(5001),
  }, 1), T);
  assertErr(assert, all, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(all)).sort(),
    ['comment_committee', 'recommendation', 'scores.feasibility', 'scores.impact', 'scores.team']);
  // The limits themselves pass: 0, the maximum, null, 5000 characters.
  const ok = await putReview(a.token, app, { scores: { impact: 0, feasibility: 10 }, comment_applicant: 'đ'.repeat(5000) }, 1);
  assert.equal(ok.status, 200, ok.text);
  const ok2 = await putReview(a.token, app, { scores: { impact: null } }, 2);
  assert.equal(ok2.status, 200, ok2.text);
  assert.deepEqual(ok2.json.scores, { impact: null, feasibility: 10 });
  // Bodies that are not JSON objects.
  assertErr(assert, await unchanged(assert, () => api('PUT', url(app, '/review'), { token: a.token, body: '[1]', headers: ifMatch(3) }), T),
    400, 'bad_json');
  assertErr(assert, await unchanged(assert, () => api('PUT', url(app, '/review'), { token: a.token, body: '{"scores": {}}', headers: { ...ifMatch(3), 'content-type': 'text/plain' } }), T),
    415, 'bad_json');

  // The database holds the same rules, whoever writes.
  const row = await reviewRow(app, a.id);
  for (const [scores, column] of [['{"team": 1}', 'scores.team'], ['{"impact": 11}', 'scores.impact'],
    ['{"impact": 2.5}', 'scores.impact'], ['{"impact": "3"}', 'scores.impact'], ['{"impact": -1}', 'scores.impact']]) {
    await assert.rejects(db.query('UPDATE reviews SET scores = $2 WHERE id = $1', [row.id, scores]),
      (e) => e.code === 'SN422' && e.column === column, scores);
  }
  await assert.rejects(db.query("UPDATE reviews SET status = 'submitted', submitted_at = now(), recommendation = 'fund', scores = '{\"impact\": 3}' WHERE id = $1", [row.id]),
    (e) => e.code === 'SN422' && e.column === 'scores.feasibility', 'a submitted review scores every criterion');
});

test('the running weighted total covers the scored criteria, "cannot judge" re-weighted away, and says what remains', async () => {
  const a = rv[0];
  // impact 0..3 weight 60, feasibility 0..7 weight 40.
  const call = await makeCall({ status: 'draft' });
  await db.query("UPDATE call_criteria SET max_score = CASE key WHEN 'impact' THEN 3 ELSE 7 END WHERE call_id = $1", [call]);
  await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [call]);
  const app = await sqlApp(call);
  await assign(call, app, a.id);

  const steps = [
    // body, weighted_total, scored, cannot_judge, remaining
    [{ comment_committee: 'Chưa chấm' }, null, 0, 0, 2],
    [{ scores: { impact: 1 } }, 33.3, 1, 0, 1],		// 1/3 = 33.33
    [{ scores: { feasibility: null } }, 33.3, 1, 1, 0],	// feasibility re-weighted away
    [{ scores: { feasibility: 7 } }, 60.0, 2, 0, 0],	// 1/3 * 60 + 7/7 * 40 = 20 + 40
    [{ scores: { impact: 2, feasibility: 3 } }, 57.1, 2, 0, 0],	// 40 + 3/7 * 40 = 57.14
    [{ scores: { impact: null, feasibility: null } }, null, 0, 2, 0],
    [{ scores: { impact: 0, feasibility: 0 } }, 0.0, 2, 0, 0],
  ];
  let etag;
  for (const [body, total, scored, cj, remaining] of steps) {
    const r = await putReview(a.token, app, body, etag);
    assert.ok(r.status === 200 || r.status === 201, r.text);
    etag = r.json.version;
    assert.deepEqual(r.json.progress, { criteria: 2, scored, cannot_judge: cj, remaining, weighted_total: total },
      JSON.stringify(body));
    // The reply says 57.1, not 57.100000000000001.
    if (total !== null) assert.match(r.text, new RegExp(`"weighted_total":${total.toFixed(1).replace('.', '\\.')}[,}]`));
  }
  const g = await get(a.token, app, '/review');
  assert.equal(g.json.progress.weighted_total, 0);
});

test('submission needs every criterion scored or "cannot judge", one of them scored, and a recommendation: all missing at once', async () => {
  const a = rv[0];
  const { app } = await oneApp();
  assertErr(assert, await unchanged(assert, () => submitReview(a.token, app, 1), T), 404, 'not_found');
  const d = await putReview(a.token, app, { scores: { impact: 6 } });
  assertErr(assert, await unchanged(assert, () => api('POST', url(app, '/review/submit'), { token: a.token }), T),
    428, 'precondition_failed');

  let r = await unchanged(assert, () => submitReview(a.token, app, d.json.version), T);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(fieldsOf(r), {
    'scores.feasibility': 'is required: a score from 0 to 10, or null for "cannot judge"',
    recommendation: 'is required: fund, maybe or reject',
  });

  const all = await putReview(a.token, app, { scores: { impact: null, feasibility: null }, recommendation: 'reject' }, d.json.version);
  r = await unchanged(assert, () => submitReview(a.token, app, all.json.version), T);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(fieldsOf(r), { scores: 'at least one criterion must be scored: all are marked "cannot judge"' });
  assertErr(assert, await unchanged(assert, () => submitReview(a.token, app, all.json.version - 1), T), 412, 'precondition_failed');

  const ok = await putReview(a.token, app, { scores: { feasibility: 9 }, comment_applicant: 'Kế hoạch khả thi.' }, all.json.version);
  const s = await submitReview(a.token, app, ok.json.version);
  assert.equal(s.status, 200, s.text);
  assert.equal(etagOf(s), ok.json.version + 1);
  assert.equal(s.json.status, 'submitted');
  assert.equal(s.json.revision, 1);
  assert.ok(s.json.submitted_at);
  assert.deepEqual(s.json.progress, { criteria: 2, scored: 1, cannot_judge: 1, remaining: 0, weighted_total: 90.0 });
  const row = await reviewRow(app, a.id);
  assert.equal(row.status, 'submitted');
  assert.deepEqual(row.scores, { impact: null, feasibility: 9 });
  assert.deepEqual(await revisionsOf(row.id), [{ revision: 1, scores: { impact: null, feasibility: 9 },
    comment_applicant: 'Kế hoạch khả thi.', comment_committee: null, recommendation: 'reject' }]);
  // Nothing new to submit.
  const again = await unchanged(assert, () => submitReview(a.token, app, s.json.version), T);
  assertErr(assert, again, 409, 'conflict');
});

test('a submitted review is revised until scoring closes: changes wait until submitted, and every revision is kept', async () => {
  const [a, b] = rv;
  const { call, app } = await oneApp(a);
  await assign(call, app, b.id);
  await reviewed(b.token, app, { impact: 5, feasibility: 5 }, 'maybe');
  const s1 = await reviewed(a.token, app, { impact: 8, feasibility: 6 }, 'fund', { comment_committee: 'Tốt' });
  const row = await reviewRow(app, a.id);

  // She changes her mind: her working copy changes, what counts does not.
  const c = await putReview(a.token, app, { scores: { impact: 4 }, recommendation: 'maybe' }, s1.version);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.json.status, 'submitted');
  assert.equal(c.json.unsubmitted_changes, true);
  assert.deepEqual(c.json.scores, { impact: 4, feasibility: 6 });
  assert.equal(c.json.progress.weighted_total, 48.0);	// 0.4 * 60 + 0.6 * 40
  assert.deepEqual((await reviewRow(app, a.id)).scores, { impact: 8, feasibility: 6 });
  const seenByB = (await get(b.token, app, '/reviews')).json.reviews.find((x) => !x.mine);
  assert.deepEqual(seenByB.scores, { impact: 8, feasibility: 6 });
  assert.equal(seenByB.recommendation, 'fund');
  assert.equal(seenByB.weighted_total, 72.0);
  const staffSees = (await get(tokens.staff, app, '/reviews')).json.reviews.find((x) => x.reviewer.id === a.id);
  assert.equal(staffSees.unsubmitted_changes, true);
  assert.deepEqual(staffSees.scores, { impact: 8, feasibility: 6 });
  // Others' reviews stay open to her meanwhile.
  assert.equal((await get(a.token, app, '/reviews')).status, 200);

  // Undoing the change leaves nothing to submit.
  const u = await putReview(a.token, app, { scores: { impact: 8 }, recommendation: 'fund' }, c.json.version);
  assert.equal(u.json.unsubmitted_changes, false);
  assertErr(assert, await unchanged(assert, () => submitReview(a.token, app, u.json.version), T), 409, 'conflict');

  // Revise and submit: revision 2, the first kept as it was.
  const c2 = await putReview(a.token, app, { scores: { impact: 4 }, comment_applicant: 'Cần rõ hơn về chi phí.' }, u.json.version);
  const s2 = await submitReview(a.token, app, c2.json.version);
  assert.equal(s2.status, 200, s2.text);
  assert.equal(s2.json.revision, 2);
  assert.equal(s2.json.unsubmitted_changes, false);
  assert.deepEqual(s2.json.revisions.map((v) => [v.revision, v.scores.impact]), [[1, 8], [2, 4]]);
  assert.deepEqual(await revisionsOf(row.id), [
    { revision: 1, scores: { impact: 8, feasibility: 6 }, comment_applicant: null, comment_committee: 'Tốt', recommendation: 'fund' },
    { revision: 2, scores: { impact: 4, feasibility: 6 }, comment_applicant: 'Cần rõ hơn về chi phí.', comment_committee: 'Tốt', recommendation: 'fund' },
  ]);
  const st = (await get(tokens.staff, app, '/reviews')).json.reviews.find((x) => x.reviewer.id === a.id);
  assert.deepEqual(st.revisions.map((v) => [v.revision, v.weighted_total]), [[1, 72.0], [2, 48.0]]);
  assert.equal(st.weighted_total, 48.0);
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE action = 'reviews.submit' AND entity = 'review_revisions' AND actor_id = $1 AND after->>'review_id' = $2",
    [a.id, String(row.id)])), 2);

  // Revisions are never changed nor removed, even by the database owner.
  await assert.rejects(db.query("UPDATE review_revisions SET scores = '{}' WHERE review_id = $1", [row.id]), (e) => e.code === 'SN403');
  await assert.rejects(db.query('DELETE FROM review_revisions WHERE review_id = $1', [row.id]), (e) => e.code === 'SN403');

  // Once scoring is closed, neither save nor submit.
  await toReviewing(call);
  const close = await api('POST', `/api/calls/${call}/scoring/close`, { token: tokens.staff });
  assert.equal(close.status, 200, close.text);
  const cur = (await get(a.token, app, '/review')).json;
  assert.equal(cur.editable, false);
  for (const fn of [() => putReview(a.token, app, { scores: { impact: 9 } }, cur.version), () => submitReview(a.token, app, cur.version)]) {
    const r = await unchanged(assert, fn, T);
    assertErr(assert, r, 409, 'conflict');
    assert.match(r.json.error.message, /closed/);
  }
  await assert.rejects(db.query("UPDATE reviews SET comment_committee = 'sau' WHERE id = $1", [row.id]),
    (e) => e.code === 'SN409', 'the database refuses it too');
});

test('the others\' reviews open to a reviewer only once her own is submitted; drafts are never shown to reviewers', async () => {
  const [a, b, c] = rv;
  const { call, app } = await oneApp(a);
  await assign(call, app, b.id);
  await assign(call, app, c.id);
  await putReview(c.token, app, { scores: { impact: 1 }, comment_committee: 'Nháp của C' });
  const da = await putReview(a.token, app, { scores: { impact: 6, feasibility: 6 }, recommendation: 'fund' });

  for (const who of [a, b]) {
    const r = await unchanged(assert, () => get(who.token, app, '/reviews'), T);
    assertErr(assert, r, 403, 'forbidden');
    assert.match(r.json.error.message, /Submit your own review first/);
  }
  await reviewed(b.token, app, { impact: 9, feasibility: 8 }, 'fund', { comment_committee: 'Rất tốt', comment_applicant: 'Chúc mừng' });
  assertErr(assert, await get(a.token, app, '/reviews'), 403, 'forbidden');
  assert.equal((await submitReview(a.token, app, da.json.version)).status, 200);

  const r = await get(a.token, app, '/reviews');
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['application_id', 'counted', 'reference', 'required', 'reviews', 'scoring_closed_at']);
  assert.equal(r.json.application_id, app);
  assert.equal(r.json.required, 3);
  assert.equal(r.json.counted, 2);
  assert.equal(r.json.reviews.length, 2, 'C\'s draft is not shown');
  const other = r.json.reviews.find((x) => !x.mine);
  assert.deepEqual(Object.keys(other).sort(), ['comment_applicant', 'comment_committee', 'mine', 'pseudonym', 'recommendation',
    'reviewer_number', 'revision', 'scores', 'status', 'submitted_at', 'weighted_total']);
  assert.deepEqual(other.scores, { impact: 9, feasibility: 8 });
  assert.equal(other.weighted_total, 86.0);	// 54 + 32
  assert.equal(other.comment_committee, 'Rất tốt');
  assert.equal(other.comment_applicant, 'Chúc mừng');
  assert.equal(other.status, 'submitted');
  assert.ok(!r.text.includes(b.name) && !r.text.includes(b.email) && !r.text.includes('Nháp của C'));
});

test('pseudonyms: "Reviewer n" in the order reviews were started, the same in every answer, whatever happens later', async () => {
  const [a, b, c, d] = rv;
  const { call, app } = await oneApp(a);
  for (const x of [b, c, d]) await assign(call, app, x.id);
  // C starts first, then A, then B.
  await putReview(c.token, app, { scores: { impact: 2 } });
  await putReview(a.token, app, { scores: { impact: 3 } });
  await putReview(b.token, app, { scores: { impact: 4 } });
  const expect = new Map([[c.id, 1], [a.id, 2], [b.id, 3]]);
  for (const x of [a, b, c]) {
    const own = await get(x.token, app, '/review');
    assert.equal(own.json.reviewer_number, expect.get(x.id));
    assert.equal(own.json.pseudonym, `Reviewer ${expect.get(x.id)}`);
  }
  await reviewed(a.token, app, { impact: 3, feasibility: 3 });
  await reviewed(b.token, app, { impact: 4, feasibility: 4 });
  await reviewed(c.token, app, { impact: 2, feasibility: 2 });
  // A revises; D joins late.
  await reviewed(a.token, app, { impact: 5, feasibility: 3 });
  await reviewed(d.token, app, { impact: 7, feasibility: 7 });
  expect.set(d.id, 4);
  const byScore = { 5: a.id, 4: b.id, 2: c.id, 7: d.id };
  for (const x of [a, b, c, d]) {
    for (let i = 0; i < 2; i++) {
      const r = await get(x.token, app, '/reviews');
      assert.deepEqual(r.json.reviews.map((v) => v.pseudonym), ['Reviewer 1', 'Reviewer 2', 'Reviewer 3', 'Reviewer 4']);
      for (const v of r.json.reviews) {
        assert.equal(v.reviewer_number, expect.get(byScore[v.scores.impact]));
        assert.equal(v.mine, byScore[v.scores.impact] === x.id);
      }
    }
    assert.equal((await post(x.token, app, { body: `Ý kiến của ${x.id}` })).status, 201);
  }
  const disc = await get(a.token, app, '/discussion');
  for (const p of disc.json.posts) {
    const author = Number(p.body.split(' ').pop());
    assert.equal(p.author, `Reviewer ${expect.get(author)}`);
    assert.equal(p.reviewer_number, expect.get(author));
  }
  // Staff see the same numbers next to the names.
  const st = await get(tokens.staff, app, '/reviews');
  for (const v of st.json.reviews) assert.equal(v.reviewer_number, expect.get(v.reviewer.id));
  // The database never renumbers.
  const row = await reviewRow(app, a.id);
  await db.query('UPDATE reviews SET pseudonym = 9 WHERE id = $1', [row.id]).catch(() => {});
  assert.equal((await reviewRow(app, a.id)).pseudonym, 2);
});

test('reviewers starting at the same moment get distinct numbers, and none is lost', async () => {
  const call = await reviewCall();
  const app = await sqlApp(call);
  for (const x of rv) await assign(call, app, x.id);
  const rs = await Promise.all(rv.map((x) => putReview(x.token, app, { scores: { impact: 5 } })));
  for (const r of rs) assert.equal(r.status, 201, r.text);
  assert.deepEqual(rs.map((r) => r.json.reviewer_number).sort(), [1, 2, 3, 4]);
  assert.equal(Number(await scalar('SELECT count(*) FROM reviews WHERE application_id = $1', [app])), 4);
});

test('staff see every review with names, both comments, drafts by status only, whether each counts, and the revisions', async () => {
  const [a, b, c] = rv;
  const { call, app } = await oneApp(a);
  await assign(call, app, b.id);
  await assign(call, app, c.id);
  await reviewed(a.token, app, { impact: 10, feasibility: 5 }, 'fund', { comment_applicant: 'Tốt', comment_committee: 'Nội bộ' });
  await putReview(b.token, app, { scores: { impact: 2 }, comment_committee: 'Nháp' });
  await reviewed(c.token, app, { impact: 1, feasibility: 1 }, 'reject');
  // C is found to have a conflict: her review no longer counts.
  await db.query(`INSERT INTO conflicts (application_id, reviewer_id, type, reason, declared_by)
    VALUES ($1, $2, 'business', 'Đối tác kinh doanh', $3)`, [app, c.id, ids.staff]);

  for (const who of ['staff', 'admin']) {
    const r = await get(tokens[who], app, '/reviews');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.counted, 1);
    const [ra, rb, rc] = r.json.reviews;
    assert.deepEqual(ra.reviewer, { id: a.id, full_name: a.name, email: a.email });
    assert.equal(ra.comment_applicant, 'Tốt');
    assert.equal(ra.comment_committee, 'Nội bộ');
    assert.equal(ra.counted, true);
    assert.equal(ra.weighted_total, 80.0);
    assert.equal(ra.revisions.length, 1);
    assert.deepEqual(Object.keys(ra.revisions[0]).sort(), ['comment_applicant', 'comment_committee', 'recommendation', 'revision',
      'scores', 'submitted_at', 'weighted_total']);
    assert.equal(rb.reviewer.full_name, b.name);
    assert.equal(rb.status, 'draft');
    assert.equal(rb.scores, null);
    assert.equal(rb.comment_committee, null);
    assert.equal(rb.weighted_total, null);
    assert.equal(rb.counted, false);
    assert.equal(rc.counted, false);
    assert.equal(rc.status, 'submitted');
  }
  // Reviewers see only what counts: A sees her own; C has no access any more.
  const ra = await get(a.token, app, '/reviews');
  assert.deepEqual(ra.json.reviews.map((v) => v.mine), [true]);
  assertErr(assert, await get(c.token, app, '/reviews'), 404, 'not_found');
  // The database refuses a review of a conflicted reviewer.
  await assert.rejects(db.query("UPDATE reviews SET comment_committee = 'x' WHERE application_id = $1 AND reviewer_id = $2", [app, c.id]),
    (e) => e.code === 'SN409');
  assertErr(assert, await get(tokens.staff, 2147480001, '/reviews'), 404, 'not_found');
});

test('the discussion: its reviewers once their review is in, and staff; pseudonyms to reviewers, names to staff', async () => {
  const [a, b, c] = rv;
  const { call, app } = await oneApp(a);
  await assign(call, app, b.id);
  const outsider = c;
  await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [call, outsider.id]);

  // Before her review is submitted: 403 (she is on it), nothing written.
  await putReview(a.token, app, { scores: { impact: 5 } });
  for (const r of [await get(a.token, app, '/discussion'), await unchanged(assert, () => post(a.token, app, { body: 'Sớm quá' }), T)]) {
    assertErr(assert, r, 403, 'forbidden');
    assert.match(r.json.error.message, /Submit your own review first/);
  }
  // Not assigned: 404.
  assertErr(assert, await get(outsider.token, app, '/discussion'), 404, 'not_found');
  assertErr(assert, await unchanged(assert, () => post(outsider.token, app, { body: 'Xin chào' }), T), 404, 'not_found');

  await reviewed(a.token, app, { impact: 5, feasibility: 5 });
  await reviewed(b.token, app, { impact: 7, feasibility: 5 });
  const empty = await get(a.token, app, '/discussion');
  assert.deepEqual(empty.json, { application_id: app, open: true, posts: [] });

  const p1 = await post(a.token, app, { body: 'Tôi nghĩ kế hoạch\nchưa rõ.' });
  assert.equal(p1.status, 201, p1.text);
  assert.deepEqual(Object.keys(p1.json).sort(), ['author', 'author_kind', 'body', 'created_at', 'id', 'mine', 'reviewer_number']);
  assert.equal(p1.json.author, 'Reviewer 1');
  assert.equal(p1.json.mine, true);
  assert.equal(p1.json.body, 'Tôi nghĩ kế hoạch\nchưa rõ.');
  const p2 = await post(tokens.staff, app, { body: 'Cán bộ: đã xác minh.' });
  assert.equal(p2.status, 201, p2.text);
  assert.equal(p2.json.author, (await db.query('SELECT full_name FROM users WHERE id = $1', [ids.staff])).rows[0].full_name);
  assert.equal(p2.json.author_id, ids.staff);
  assert.equal((await post(b.token, app, { body: 'Đồng ý một phần.' })).status, 201);
  assert.equal((await post(tokens.admin, app, { body: 'Ghi nhận.' })).status, 201);
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE action = 'discussion.post' AND entity = 'discussion_posts' AND entity_id = $1",
    [String(p1.json.id)])), 1);

  const seenByB = await get(b.token, app, '/discussion');
  assert.deepEqual(seenByB.json.posts.map((p) => [p.author, p.author_kind, p.reviewer_number, p.mine]), [
    ['Reviewer 1', 'reviewer', 1, false], ['Staff', 'staff', null, false], ['Reviewer 2', 'reviewer', 2, true], ['Staff', 'staff', null, false],
  ]);
  for (const p of seenByB.json.posts) assert.ok(!('author_id' in p) && !('author_role' in p));
  const seenByStaff = await get(tokens.staff, app, '/discussion');
  assert.deepEqual(seenByStaff.json.posts.map((p) => [p.author, p.author_role, p.reviewer_number]), [
    [a.name, 'reviewer', 1], [p2.json.author, 'staff', null], [b.name, 'reviewer', 2],
    [(await db.query('SELECT full_name FROM users WHERE id = $1', [ids.admin])).rows[0].full_name, 'admin', null],
  ]);

  // The body: 1..5000 characters, not blank, nothing else.
  for (const [body, field] of [[{ body: '' }, 'body'], [{ body: ' \n ' }, 'body'], [{ body: 'x'.repeat(5001) }, 'body'],
    [{}, 'body'], [{ body: 5 }, 'body'], [{ body: 'ok', to: 'B' }, 'to']]) {
    const r = await unchanged(assert, () => post(a.token, app, body), T);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], JSON.stringify(body));
  }
  assert.equal((await post(a.token, app, { body: 'ư'.repeat(5000) })).status, 201);
  // The database keeps outsiders out too.
  await assert.rejects(db.query('INSERT INTO discussion_posts (application_id, author_id, body) VALUES ($1, $2, $3)',
    [app, outsider.id, 'Chen ngang']), (e) => e.code === 'SN403');

  // Decided: the thread is read-only.
  await toReviewing(call);
  await moveApp(app, 'reviewed');
  assert.equal((await post(a.token, app, { body: 'Sau khi đóng điểm vẫn thảo luận được.' })).status, 201);
  await db.query("UPDATE applications SET status = 'funded' WHERE id = $1", [app]);
  for (const t of [a.token, tokens.staff]) {
    assertErr(assert, await unchanged(assert, () => post(t, app, { body: 'Muộn rồi' }), T), 409, 'conflict');
  }
  const last = await get(a.token, app, '/discussion');
  assert.equal(last.json.open, false);
  assert.equal(last.json.posts.length, 6);
  assertErr(assert, await get(tokens.staff, 2147480002, '/discussion'), 404, 'not_found');
  assertErr(assert, await unchanged(assert, () => post(tokens.staff, 2147480002, { body: 'Không có' }), T), 404, 'not_found');
});

test('reviews are written while the application is in review, not before nor after', async () => {
  const a = rv[0];
  const call = await reviewCall();
  const early = await sqlApp(call, 'eligible');
  await assign(call, early, a.id);
  assert.equal((await get(a.token, early, '/blind')).status, 200, 'she can read it while it waits');
  let r = await unchanged(assert, () => putReview(a.token, early, { scores: { impact: 5 } }), T);
  assertErr(assert, r, 409, 'conflict');
  assert.match(r.json.error.message, /in review; it is eligible/);

  const late = await sqlApp(call, 'in_review');
  await assign(call, late, a.id);
  const d = await putReview(a.token, late, { scores: { impact: 5 } });
  await moveApp(late, 'reviewed');
  r = await unchanged(assert, () => putReview(a.token, late, { scores: { impact: 6 } }, d.json.version), T);
  assertErr(assert, r, 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => submitReview(a.token, late, d.json.version), T), 409, 'conflict');
  const own = await get(a.token, late, '/review');
  assert.equal(own.status, 200);
  assert.equal(own.json.editable, false);
});

test('closing scoring: complete applications move to reviewed, the others are listed as incomplete, then no review changes', async () => {
  const [a, b, c] = rv;
  const call = await reviewCall({ reviewers_per_application: 2 });
  const apps = {};
  for (const k of ['done', 'one', 'none', 'conflicted', 'draft', 'waiting']) {
    // The one still waiting is screened once the call is under review.
    apps[k] = await sqlApp(call, k === 'waiting' ? 'screening' : 'in_review', { business_name: `Cơ sở ${k}` });
    if (k !== 'waiting') for (const x of [a, b, c]) await assign(call, apps[k], x.id);
  }
  await reviewed(a.token, apps.done, { impact: 8, feasibility: 8 });
  await reviewed(b.token, apps.done, { impact: 6, feasibility: null });
  await reviewed(a.token, apps.one, { impact: 5, feasibility: 5 });
  await reviewed(a.token, apps.conflicted, { impact: 5, feasibility: 5 });
  await reviewed(c.token, apps.conflicted, { impact: 5, feasibility: 5 });
  await db.query(`INSERT INTO conflicts (application_id, reviewer_id, type, reason, declared_by)
    VALUES ($1, $2, 'same_household', 'Cùng hộ khẩu', $3)`, [apps.conflicted, c.id, ids.staff]);
  await reviewed(a.token, apps.draft, { impact: 5, feasibility: 5 });
  await putReview(b.token, apps.draft, { scores: { impact: 3, feasibility: 3 }, recommendation: 'reject' });
  const done0 = (await db.query('SELECT applicant_id FROM applications WHERE id = $1', [apps.done])).rows[0].applicant_id;
  const outbox0 = Number(await scalar('SELECT count(*) FROM outbox WHERE user_id = $1', [done0]));

  // Only a call under review; never twice; a call that exists.
  let r = await unchanged(assert, () => api('POST', `/api/calls/${call}/scoring/close`, { token: tokens.staff }), T);
  assertErr(assert, r, 409, 'conflict');
  assert.match(r.json.error.message, /under review; this call is open/);
  assertErr(assert, await unchanged(assert, () => api('POST', '/api/calls/2147480003/scoring/close', { token: tokens.staff }), T),
    404, 'not_found');

  await toReviewing(call);
  await moveApp(apps.waiting, 'eligible');
  r = await api('POST', `/api/calls/${call}/scoring/close`, { token: tokens.admin });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json).sort(), ['call_id', 'incomplete', 'required', 'reviewed', 'scoring_closed_at']);
  assert.equal(r.json.call_id, call);
  assert.equal(r.json.required, 2);
  assert.ok(r.json.scoring_closed_at);
  const refOf = async (id) => scalar('SELECT reference FROM applications WHERE id = $1', [id]);
  assert.deepEqual(r.json.reviewed, [{ id: apps.done, reference: await refOf(apps.done), business_name: 'Cơ sở done', reviews: 2 }]);
  assert.deepEqual(r.json.incomplete.map((x) => [x.id, x.reviews]),
    [[apps.one, 1], [apps.none, 0], [apps.conflicted, 1], [apps.draft, 1]]);

  const st = async (id) => scalar('SELECT status FROM applications WHERE id = $1', [id]);
  assert.equal(await st(apps.done), 'reviewed');
  for (const k of ['one', 'none', 'conflicted', 'draft']) assert.equal(await st(apps[k]), 'in_review', k);
  assert.equal(await st(apps.waiting), 'eligible');
  assert.ok(await scalar('SELECT scoring_closed_at FROM calls WHERE id = $1', [call]));
  assert.deepEqual((await db.query(`SELECT from_status, to_status, actor_id FROM application_events
    WHERE application_id = $1 ORDER BY id DESC LIMIT 1`, [apps.done])).rows[0],
  { from_status: 'in_review', to_status: 'reviewed', actor_id: String(ids.admin) });
  assert.equal(Number(await scalar('SELECT count(*) FROM outbox WHERE user_id = $1', [done0])), outbox0 + 1, 'she is told');
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE action = 'scoring.close' AND entity = 'calls' AND entity_id = $1",
    [String(call)])), 1);

  // Again: 409, nothing changes.
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/calls/${call}/scoring/close`, { token: tokens.staff }), T),
    409, 'conflict');
  // No review changes now, the draft neither; reading still works.
  const bd = await get(b.token, apps.draft, '/review');
  for (const fn of [() => putReview(b.token, apps.draft, { scores: { impact: 4 } }, bd.json.version),
    () => submitReview(b.token, apps.draft, bd.json.version),
    () => putReview(c.token, apps.none, { scores: { impact: 4 } })]) {
    assertErr(assert, await unchanged(assert, fn, T), 409, 'conflict');
  }
  assert.equal((await get(a.token, apps.done, '/reviews')).status, 200);
  assert.equal((await get(a.token, apps.done, '/blind')).json.call.scoring_closed_at, r.json.scoring_closed_at);
  await assert.rejects(db.query(`INSERT INTO reviews (application_id, reviewer_id, scores) VALUES ($1, $2, '{}')`,
    [apps.none, c.id]), (e) => e.code === 'SN409');
});

// A value against a schema of the OpenAPI document: types, required and
// unknown properties, enums, patterns, bounds, nullable.  Enough for
// what these answers use.
function conform(doc, schema, v, path, errs) {
  if (schema.$ref) {
    const target = schema.$ref.replace('#/', '').split('/').reduce((o, k) => o[k], doc);
    conform(doc, target, v, path, errs);
    return;
  }
  if (v === null) {
    if (!schema.nullable) errs.push(`${path}: null is not allowed`);
    return;
  }
  if (schema.allOf) {
    for (const s of schema.allOf) conform(doc, s, v, path, errs);
    return;
  }
  const t = schema.type;
  if (t === 'object') {
    if (typeof v !== 'object' || Array.isArray(v)) { errs.push(`${path}: not an object`); return; }
    for (const k of schema.required || []) if (!(k in v)) errs.push(`${path}.${k}: missing`);
    for (const [k, x] of Object.entries(v)) {
      if (schema.properties && k in schema.properties) conform(doc, schema.properties[k], x, `${path}.${k}`, errs);
      else if (schema.additionalProperties === false) errs.push(`${path}.${k}: not documented`);
      else if (typeof schema.additionalProperties === 'object') conform(doc, schema.additionalProperties, x, `${path}.${k}`, errs);
    }
  } else if (t === 'array') {
    if (!Array.isArray(v)) { errs.push(`${path}: not an array`); return; }
    v.forEach((x, i) => conform(doc, schema.items, x, `${path}[${i}]`, errs));
  } else if (t === 'integer' || t === 'number') {
    if (typeof v !== 'number' || (t === 'integer' && !Number.isInteger(v))) errs.push(`${path}: not an ${t}: ${v}`);
    if (schema.minimum !== undefined && v < schema.minimum) errs.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && v > schema.maximum) errs.push(`${path}: above ${schema.maximum}`);
  } else if (t === 'string') {
    if (typeof v !== 'string') errs.push(`${path}: not a string`);
    else if (schema.pattern && !new RegExp(schema.pattern).test(v)) errs.push(`${path}: "${v}" does not match ${schema.pattern}`);
  } else if (t === 'boolean') {
    if (typeof v !== 'boolean') errs.push(`${path}: not a boolean`);
  }
  if (schema.enum && !schema.enum.includes(v)) errs.push(`${path}: ${v} is not one of ${schema.enum}`);
}

test('answers are what the OpenAPI document describes, and the request schemas name what the server accepts', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const [a, b] = rv;
  const { call, app } = await oneApp(a);
  await assign(call, app, b.id);
  const got = [];
  const keep = (schema, r, status) => {
    assert.equal(r.status, status, r.text);
    got.push([schema, r]);
    return r;
  };
  keep('ReviewBlindApplication', await get(a.token, app, '/blind'), 200);
  const p1 = keep('ReviewOwn', await putReview(a.token, app, { scores: { impact: 4 } }), 201);
  const p2 = keep('ReviewOwn', await putReview(a.token, app, { scores: { feasibility: null }, recommendation: 'fund',
    comment_applicant: 'Tốt' }, p1.json.version), 200);
  keep('ReviewOwn', await submitReview(a.token, app, p2.json.version), 200);
  await reviewed(b.token, app, { impact: 9, feasibility: 9 });
  keep('ReviewOwn', await putReview(b.token, app, { scores: { impact: 2 } }, (await get(b.token, app, '/review')).json.version), 200);
  keep('ReviewOwn', await get(a.token, app, '/review'), 200);
  keep('ReviewList', await get(a.token, app, '/reviews'), 200);
  keep('ReviewList', await get(tokens.staff, app, '/reviews'), 200);
  keep('ReviewDiscussionPost', await post(a.token, app, { body: 'Một' }), 201);
  keep('ReviewDiscussionPost', await post(tokens.staff, app, { body: 'Hai' }), 201);
  keep('ReviewDiscussion', await get(a.token, app, '/discussion'), 200);
  keep('ReviewDiscussion', await get(tokens.staff, app, '/discussion'), 200);
  await toReviewing(call);
  keep('ReviewScoringClose', await api('POST', `/api/calls/${call}/scoring/close`, { token: tokens.staff }), 200);
  for (const [schema, r] of got) {
    const errs = [];
    conform(doc, { $ref: `#/components/schemas/${schema}` }, r.json, schema, errs);
    assert.deepEqual(errs, [], `${schema}: ${r.text}`);
  }
  const keys = (n) => Object.keys(doc.components.schemas[n].properties).sort();
  assert.deepEqual(keys('ReviewSaveRequest'), ['comment_applicant', 'comment_committee', 'recommendation', 'scores']);
  assert.deepEqual(keys('ReviewDiscussionPostRequest'), ['body']);
  assert.equal(doc.components.schemas.ReviewDiscussionPostRequest.properties.body.maxLength, 5000);
  assert.equal(doc.components.schemas.ReviewSaveRequest.properties.comment_committee.maxLength, 5000);
  // The checker itself catches a stray field.
  const errs = [];
  conform(doc, { $ref: '#/components/schemas/ReviewDiscussionPost' }, { ...got.find(([s]) => s === 'ReviewDiscussionPost')[1].json, applicant_id: 1 }, 'x', errs);
  assert.deepEqual(errs, ['x.applicant_id: not documented']);
});
