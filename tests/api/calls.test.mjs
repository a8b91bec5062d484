// Funding calls (app/calls/calls.c) and reference data (reference.c):
// creation and every validation rule, updates with If-Match, the frozen
// rubric and priority policy, every status move allowed or not, who sees
// drafts, and the audit trail.  Who may call each route is tested in
// routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, demo, login, scalar, unique } from './lib.mjs';
import { assertErr, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import { at, callBody, createCall, openCall, setStatus } from './matrix/calls.mjs';
import { sqlSubmitted } from './apps_fixtures.mjs';

after(() => db.end());

// What a call request could write.
const TABLES = ['calls', 'call_criteria', 'audit_log'];
const ALL_WARDS = ['00037', '00040', '00043', '00046', '00049', '00052', '00055', '00058', '00061',
  '00064', '00067', '00070', '00073', '00076', '00079', '00082', '00085', '00088'];
const STATUSES = ['draft', 'open', 'closed', 'reviewing', 'decided', 'archived'];
const ALLOWED = ['draft>open', 'open>closed', 'closed>open', 'closed>reviewing', 'reviewing>decided', 'decided>archived'];

const tokens = {};
let staffId;

before(async () => {
  for (const who of ['staff', 'admin', 'applicant', 'reviewer1', 'mentor']) tokens[who] = await login(who);
  staffId = await userIdOf(demo.staff.email);
});

const post = (body, token = tokens.staff) => api('POST', '/api/calls', { token, body });
const patch = (id, etag, body, token = tokens.staff) =>
  api('PATCH', `/api/calls/${id}`, { token, body, headers: etag ? { 'if-match': etag } : {} });
const move = (id, status, headers = {}) => api('POST', `/api/calls/${id}/status`, { token: tokens.staff, body: { status }, headers });
const callRow = (id) => db.query('SELECT * FROM calls WHERE id = $1', [id]).then((r) => r.rows[0]);
const criteria = (id) => db.query('SELECT key, label_vi, label_en, max_score, weight, position FROM call_criteria ' +
  'WHERE call_id = $1 ORDER BY position', [id]).then((r) => r.rows);

// A refused create: 422, the field named, nothing written.
async function refused(body, field, message) {
  const r = await unchanged(assert, () => post(body), TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r)[field], `expected an error on ${field}: ${r.text}`);
  if (message) assert.match(fieldsOf(r)[field], message, r.text);
  return r;
}

test('creating a call: a draft, its shape, times in UTC and Hà Nội, defaults, criteria in order, audited', async () => {
  const body = callBody({ opens_at: '2027-03-01T08:00:00+07:00', closes_at: '2027-04-30T17:30:00.750+07:00' });
  delete body.priority_policy;
  const r = await post(body);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('etag'), '"1"');
  const c = r.json;
  assert.equal(c.status, 'draft');
  assert.equal(c.version, 1);
  assert.equal(c.accepting_applications, false);
  assert.deepEqual(c.title, body.title);
  assert.deepEqual(c.description, body.description);
  assert.equal(c.opens_at, '2027-03-01T01:00:00Z');
  assert.equal(c.opens_at_local, '2027-03-01T08:00:00+07:00');
  // Whole seconds are kept.
  assert.equal(c.closes_at, '2027-04-30T10:30:00Z');
  assert.equal(c.closes_at_local, '2027-04-30T17:30:00+07:00');
  assert.equal(c.budget_vnd, 1000000000);
  assert.equal(c.max_award_vnd, 30000000);
  assert.deepEqual(c.stages, ['idea', 'startup', 'new_business']);
  assert.deepEqual(c.wards, ALL_WARDS, 'all 18 wards by default');
  assert.equal(c.allow_outside_district, false);
  assert.equal(c.reviewers_per_application, 3);
  assert.deepEqual(c.rubric, body.rubric);
  assert.deepEqual(c.priority_policy, { bonus: { poor: 0, near_poor: 0, hardship: 0, disability: 0 }, combine: 'sum', cap: 100, reserved_share_pct: 0 });
  assert.match(c.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const row = await callRow(c.id);
  assert.equal(row.status, 'draft');
  assert.equal(Number(row.created_by), staffId);
  assert.equal(row.opens_at.toISOString(), '2027-03-01T01:00:00.000Z');
  assert.equal(row.closes_at.toISOString(), '2027-04-30T10:30:00.000Z');
  assert.deepEqual((await criteria(c.id)).map((k) => [k.position, k.key, k.weight]),
    [[1, 'impact', 30], [2, 'feasibility', 30], [3, 'market', 20], [4, 'team', 20]]);

  // One audit row per written row, with the action, actor and request id.
  const { rows } = await db.query('SELECT entity, action, actor_id, request_id FROM audit_log ' +
    "WHERE (entity = 'calls' AND entity_id = $1) OR (entity = 'call_criteria' AND after ->> 'call_id' = $1) ORDER BY id", [String(c.id)]);
  assert.equal(rows.length, 5);
  for (const a of rows) {
    assert.equal(a.action, 'calls.create');
    assert.equal(Number(a.actor_id), staffId);
    assert.equal(a.request_id, r.headers.get('x-request-id'));
  }
  assert.deepEqual(rows.map((a) => a.entity), ['calls', 'call_criteria', 'call_criteria', 'call_criteria', 'call_criteria']);

  // Read back: the same document and the same ETag.
  const g = await api('GET', `/api/calls/${c.id}`, { token: tokens.staff });
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, c);
  assert.equal(g.headers.get('etag'), '"1"');
});

test('Vietnamese text and money round-trip exactly; money is an integer up to 10^13', async () => {
  const title = { vi: 'Hỗ trợ chị em Hàng Bạc, Đồng Xuân, Lý Thái Tổ — “khởi nghiệp” ✿', en: 'Ngõ Gạch & Hàng Đào: women’s round' };
  const description = { vi: 'Dòng 1: ưu tiên hộ nghèo.\nDòng 2:\tđặc biệt khó khăn.', en: 'Line 1\nLine 2' };
  const { id, call } = await createCall(tokens.admin, {
    title, description, budget_vnd: 10000000000000, max_award_vnd: 9999999999999,
    wards: ['00088', '00037'], stages: ['new_business'], allow_outside_district: true, reviewers_per_application: 10,
  });
  assert.deepEqual(call.title, title);
  assert.deepEqual(call.description, description);
  assert.deepEqual(call.wards, ['00088', '00037'], 'wards keep their order');
  const r = await api('GET', `/api/calls/${id}`, { token: tokens.staff });
  assert.match(r.text, /"budget_vnd" ?: ?10000000000000[,}]/, 'a plain JSON integer, not 1e13 or a string');
  assert.match(r.text, /"max_award_vnd" ?: ?9999999999999[,}]/);
  const row = await callRow(id);
  assert.equal(row.title_vi, title.vi);
  assert.equal(row.description_vi, description.vi);
  assert.equal(row.budget_vnd, '10000000000000');
  assert.equal(row.allow_outside_district, true);
  assert.equal(row.reviewers_per_application, 10);
  // Surrounding spaces of titles and labels are trimmed.
  const t = await createCall(tokens.staff, { title: { vi: '  Đợt có khoảng trắng  ', en: ' Spaced ' } });
  assert.deepEqual(t.call.title, { vi: 'Đợt có khoảng trắng', en: 'Spaced' });
});

test('money must be a JSON integer: a float, a string, zero, a negative or over 10^13 is refused', async () => {
  const raw = (v) => JSON.stringify(callBody()).replace('"budget_vnd":1000000000', `"budget_vnd":${v}`);
  for (const v of ['1.5', '1000000000.0', '1e9', '"1000000000"', '0', '-5', '10000000000001', 'null', 'true']) {
    const r = await unchanged(assert, () => api('POST', '/api/calls', { token: tokens.staff, body: raw(v) }), TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r).budget_vnd, `${v}: ${r.text}`);
  }
  for (const v of ['25000.5', '"30000000"']) {
    const body = JSON.stringify(callBody()).replace('"max_award_vnd":30000000', `"max_award_vnd":${v}`);
    const r = await unchanged(assert, () => api('POST', '/api/calls', { token: tokens.staff, body }), TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.match(fieldsOf(r).max_award_vnd, /integer/, r.text);
  }
});

test('every field rule of a new call, each refused with its field and nothing written', async () => {
  const missing = await refused({}, 'title');
  for (const f of ['title', 'description', 'opens_at', 'closes_at', 'budget_vnd', 'max_award_vnd', 'stages', 'rubric']) {
    assert.equal(fieldsOf(missing)[f], 'is required', f);
  }
  for (const f of ['wards', 'allow_outside_district', 'reviewers_per_application', 'priority_policy']) {
    assert.equal(fieldsOf(missing)[f], undefined, `${f} is optional`);
  }

  const rubric = callBody().rubric;
  const crit = (over) => [{ ...rubric[0], ...over }, ...rubric.slice(1)];
  const cases = [
    [{ title: { vi: 'x'.repeat(201), en: 'ok' } }, 'title.vi', /at most 200/],
    [{ title: { vi: 'ok', en: '   ' } }, 'title.en', /blank/],
    [{ title: { vi: 'ok' } }, 'title.en', /required/],
    [{ title: { vi: 'Dòng 1\nDòng 2', en: 'ok' } }, 'title.vi', /control/],
    [{ title: 'Đợt 1' }, 'title', /object/],
    [{ title: { vi: 'ok', en: 'ok', fr: 'non' } }, 'title.fr', /not a known field/],
    [{ description: { vi: 'x'.repeat(20001), en: 'ok' } }, 'description.vi', /at most 20000/],
    [{ description: { vi: '\n\t ', en: 'ok' } }, 'description.vi', /blank/],
    [{ opens_at: '2027-03-01 08:00' }, 'opens_at', /YYYY-MM-DDTHH:MM:SS/],
    [{ opens_at: '2027-03-01T08:00:00' }, 'opens_at', /YYYY-MM-DDTHH:MM:SS/],
    [{ closes_at: '2027-02-30T08:00:00+07:00' }, 'closes_at', /YYYY-MM-DDTHH:MM:SS/],
    [{ opens_at: at(10), closes_at: at(5) }, 'closes_at', /after opens_at/],
    [{ opens_at: '2027-03-01T08:00:00+07:00', closes_at: '2027-03-01T01:00:00Z' }, 'closes_at', /after opens_at/],
    [{ max_award_vnd: 1000000001 }, 'max_award_vnd', /budget/],
    [{ stages: [] }, 'stages', /between 1 and 3/],
    [{ stages: ['idea', 'idea'] }, 'stages', /twice/],
    [{ stages: ['startup', 'growth'] }, 'stages[1]', /one of/],
    [{ stages: 'idea' }, 'stages', /array/],
    [{ wards: [] }, 'wards', /between 1 and 18/],
    [{ wards: ['99999'] }, 'wards', /unknown ward code: 99999/],
    [{ wards: ['00037', '00037'] }, 'wards', /twice/],
    [{ wards: ['37'] }, 'wards[0]', /5/],
    [{ wards: ['0003a'] }, 'wards[0]', /5 digits/],
    [{ allow_outside_district: 'yes' }, 'allow_outside_district', /true or false/],
    [{ reviewers_per_application: 0 }, 'reviewers_per_application', /between 1 and 10/],
    [{ reviewers_per_application: 11 }, 'reviewers_per_application', /between 1 and 10/],
    [{ rubric: [] }, 'rubric', /between 1 and 20/],
    [{ rubric: Array.from({ length: 21 }, (_, i) => ({ key: `k${i}`, label: { vi: 'a', en: 'a' }, max_score: 5, weight: 5 })) }, 'rubric', /between 1 and 20/],
    [{ rubric: crit({ weight: 29 }) }, 'rubric', /sum to 100 \(they sum to 99\)/],
    [{ rubric: crit({ weight: 31 }) }, 'rubric', /sum to 100 \(they sum to 101\)/],
    [{ rubric: [rubric[0], { ...rubric[1], key: 'impact' }, ...rubric.slice(2)] }, 'rubric[1].key', /already used/],
    [{ rubric: crit({ key: 'Impact' }) }, 'rubric[0].key', /lower-case/],
    [{ rubric: crit({ key: 'tác_động' }) }, 'rubric[0].key', /a-z/],
    [{ rubric: crit({ key: `k${'x'.repeat(40)}` }) }, 'rubric[0].key', /40/],
    [{ rubric: crit({ max_score: 0 }) }, 'rubric[0].max_score', /between 1 and 100/],
    [{ rubric: crit({ max_score: 101 }) }, 'rubric[0].max_score', /between 1 and 100/],
    [{ rubric: crit({ weight: 0 }) }, 'rubric[0].weight', /between 1 and 100/],
    [{ rubric: crit({ weight: 7.5 }) }, 'rubric[0].weight', /integer/],
    [{ rubric: crit({ label: { vi: 'Tác động' } }) }, 'rubric[0].label.en', /required/],
    [{ rubric: crit({ note: 'x' }) }, 'rubric[0].note', /not a known field/],
    [{ priority_policy: { bonus: { poor: 101 } } }, 'priority_policy.bonus.poor', /between 0 and 100/],
    [{ priority_policy: { bonus: { disability: -1 } } }, 'priority_policy.bonus.disability', /between 0 and 100/],
    [{ priority_policy: { bonus: { elderly: 5 } } }, 'priority_policy.bonus.elderly', /not a known field/],
    [{ priority_policy: { combine: 'avg' } }, 'priority_policy.combine', /sum, max/],
    [{ priority_policy: { cap: 101 } }, 'priority_policy.cap', /between 0 and 100/],
    [{ priority_policy: { reserved_share_pct: 101 } }, 'priority_policy.reserved_share_pct', /between 0 and 100/],
    [{ priority_policy: { reserved_share_pct: 12.5 } }, 'priority_policy.reserved_share_pct', /integer/],
    [{ status: 'open' }, 'status', /not a known field/],
    [{ version: 7 }, 'version', /not a known field/],
  ];
  for (const [over, field, message] of cases) await refused(callBody(over), field, message);
});

test('the rules across fields are reported all at once', async () => {
  const body = callBody({
    opens_at: at(20), closes_at: at(10), max_award_vnd: 2000000000, stages: ['idea', 'idea'],
    wards: ['00037', '12345'],
  });
  body.rubric[0].weight = 50;
  const r = await refused(body, 'rubric');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['closes_at', 'max_award_vnd', 'rubric', 'stages', 'wards']);
});

test('PATCH needs If-Match: missing 428, malformed 400, stale 412, current 200 with the next ETag', async () => {
  const { id, etag } = await createCall(tokens.staff);
  assert.equal(etag, '"1"');
  const change = { title: { en: 'Round two' } };

  assertErr(assert, await unchanged(assert, () => patch(id, null, change), TABLES), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => patch(id, 'one', change), TABLES), 400, 'bad_json');
  assertErr(assert, await unchanged(assert, () => patch(id, '"2"', change), TABLES), 412, 'precondition_failed');

  const ok = await patch(id, etag, change);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers.get('etag'), '"2"');
  assert.equal(ok.json.version, 2);
  // Objects merge: the Vietnamese title stays.
  assert.deepEqual(ok.json.title, { vi: 'Đợt hỗ trợ thử nghiệm', en: 'Round two' });
  assert.equal((await callRow(id)).title_en, 'Round two');
  const audit = await scalar("SELECT action FROM audit_log WHERE entity = 'calls' AND entity_id = $1 ORDER BY id DESC LIMIT 1", [String(id)]);
  assert.equal(audit, 'calls.update');

  // The old ETag is now stale: no lost update.
  const stale = await unchanged(assert, () => patch(id, etag, { title: { en: 'Lost update' } }), TABLES);
  assertErr(assert, stale, 412, 'precondition_failed');
  assert.equal((await callRow(id)).title_en, 'Round two');

  // A weak ETag is the same version.
  const weak = await patch(id, 'W/"2"', { reviewers_per_application: 5 });
  assert.equal(weak.status, 200, weak.text);
  assert.equal(weak.json.reviewers_per_application, 5);

  assertErr(assert, await unchanged(assert, () => patch(999999999, '"1"', change), TABLES), 404, 'not_found');
});

test('PATCH of a draft: any subset of fields, the rubric replaced whole, the merged call validated', async () => {
  const { id, etag } = await createCall(tokens.staff);
  const rubric = [
    { key: 'plan', label: { vi: 'Kế hoạch', en: 'Plan' }, max_score: 20, weight: 70 },
    { key: 'impact', label: { vi: 'Tác động', en: 'Impact' }, max_score: 5, weight: 30 },
  ];
  const r = await patch(id, etag, {
    rubric, stages: ['idea'], wards: ['00064'], budget_vnd: 500000000, priority_policy: { combine: 'max', bonus: { hardship: 8 } },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.rubric, rubric);
  assert.deepEqual(r.json.stages, ['idea']);
  assert.deepEqual(r.json.wards, ['00064']);
  assert.deepEqual(r.json.priority_policy, { bonus: { poor: 10, near_poor: 7, hardship: 8, disability: 5 }, combine: 'max', cap: 15, reserved_share_pct: 30 });
  assert.deepEqual((await criteria(id)).map((k) => [k.position, k.key, k.max_score, k.weight]), [[1, 'plan', 20, 70], [2, 'impact', 5, 30]]);
  const actions = await db.query("SELECT DISTINCT action FROM audit_log WHERE request_id = $1", [r.headers.get('x-request-id')]);
  assert.deepEqual(actions.rows.map((a) => a.action), ['calls.update']);
  const cur = r.headers.get('etag');

  // The merged call must still be valid; each refusal changes nothing.
  const bad = [
    [{ budget_vnd: 20000000 }, 'max_award_vnd', /budget/],
    [{ closes_at: at(-5) }, 'closes_at', /after opens_at/],
    [{ rubric: [{ ...rubric[0], weight: 60 }, rubric[1]] }, 'rubric', /sum to 100/],
    [{ wards: ['00064', '00064'] }, 'wards', /twice/],
    [{ title: { vi: '' } }, 'title.vi', /at least 1/],
    [{ stages: null }, 'stages', /null/],
    [{ id: 5 }, 'id', /not a known field/],
  ];
  for (const [body, field, message] of bad) {
    const x = await unchanged(assert, () => patch(id, cur, body), TABLES);
    assertErr(assert, x, 422, 'validation_failed');
    assert.match(fieldsOf(x)[field] || '', message, `${field}: ${x.text}`);
  }
  assert.equal((await callRow(id)).version, 2);
  assert.equal((await criteria(id)).length, 2);
});

test('once open, the rubric and priority policy are frozen (409, unchanged); other fields stay editable', async () => {
  const { id } = await createCall(tokens.staff);
  let etag = await setStatus(tokens.staff, id, 'open');
  const before = await api('GET', `/api/calls/${id}`);
  assert.equal(before.status, 200);

  const newRubric = [{ key: 'all', label: { vi: 'Tổng thể', en: 'Overall' }, max_score: 10, weight: 100 }];
  let r = await unchanged(assert, () => patch(id, etag, { rubric: newRubric }), TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).rubric, /frozen/);
  r = await unchanged(assert, () => patch(id, etag, { priority_policy: { cap: 20 } }), TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).priority_policy, /frozen/);
  r = await unchanged(assert, () => patch(id, etag, { priority_policy: { bonus: { disability: 6 } }, title: { en: 'Sneaky' } }), TABLES);
  assertErr(assert, r, 409, 'conflict');
  const after1 = await api('GET', `/api/calls/${id}`);
  assert.deepEqual(after1.json, before.json, 'nothing changed');

  // Sending back what was read is not a change.
  r = await patch(id, etag, { rubric: before.json.rubric, priority_policy: before.json.priority_policy, closes_at: at(45), title: { en: 'Extended round' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.title.en, 'Extended round');
  assert.deepEqual(r.json.rubric, before.json.rubric);
  etag = r.headers.get('etag');

  // Still frozen when closed and later.
  await setStatus(tokens.staff, id, 'closed');
  etag = (await api('GET', `/api/calls/${id}`, { token: tokens.staff })).headers.get('etag');
  r = await unchanged(assert, () => patch(id, etag, { rubric: newRubric }), TABLES);
  assertErr(assert, r, 409, 'conflict');

  // The database refuses too, whatever the handler does.
  await assert.rejects(db.query("UPDATE call_criteria SET weight = weight WHERE call_id = $1", [id]), (e) => e.code === 'SN409' && e.column === 'rubric');
  await assert.rejects(db.query('UPDATE calls SET bonus_poor = bonus_poor + 1 WHERE id = $1', [id]), (e) => e.code === 'SN409' && e.column === 'priority_policy');
  await assert.rejects(db.query('DELETE FROM call_criteria WHERE call_id = $1', [id]), (e) => e.code === 'SN409');
});

test('status: every allowed move works and is audited; every other move is 409 and changes nothing', async () => {
  const { rows } = await db.query('SELECT from_status || \'>\' || to_status AS t FROM call_transitions ORDER BY 1');
  assert.deepEqual(rows.map((x) => x.t), [...ALLOWED].sort(), 'the moves are data in call_transitions');

  // One call in each status, walking the allowed chain.
  const inStatus = {};
  const path = ['open', 'closed', 'reviewing', 'decided', 'archived'];
  for (let i = 0; i < STATUSES.length; i++) {
    const { id } = await createCall(tokens.staff);
    for (const s of path.slice(0, i)) {
      const r = await move(id, s);
      assert.equal(r.status, 200, `${s}: ${r.text}`);
      assert.equal(r.json.status, s);
      assert.equal((await callRow(id)).status, s);
      const a = await db.query('SELECT action, before ->> \'status\' AS b, after ->> \'status\' AS a FROM audit_log ' +
        'WHERE request_id = $1', [r.headers.get('x-request-id')]);
      assert.deepEqual(a.rows, [{ action: 'calls.status', b: path[path.indexOf(s) - 1] || 'draft', a: s }]);
    }
    inStatus[STATUSES[i]] = id;
  }
  // closed → open again.
  const reopen = await createCall(tokens.staff);
  await setStatus(tokens.staff, reopen.id, 'open');
  await setStatus(tokens.staff, reopen.id, 'closed');
  const again = await move(reopen.id, 'open');
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.status, 'open');

  let forbidden = 0;
  for (const from of STATUSES) {
    for (const to of STATUSES) {
      if (ALLOWED.includes(`${from}>${to}`)) continue;
      const id = inStatus[from];
      const r = await unchanged(assert, () => move(id, to), TABLES);
      assertErr(assert, r, 409, 'conflict');
      assert.equal(fieldsOf(r).status, `a call cannot go from ${from} to ${to}`);
      assert.equal((await callRow(id)).status, from);
      forbidden++;
    }
  }
  assert.equal(forbidden, 30);

  // The database refuses a forbidden move by itself.
  await assert.rejects(db.query("UPDATE calls SET status = 'decided' WHERE id = $1", [inStatus.draft]), (e) => e.code === 'SN409');
});

test('status: opening needs a future closing time and a rubric summing to 100; bad bodies, unknown calls, If-Match', async () => {
  const past = await createCall(tokens.staff, { opens_at: at(-10), closes_at: at(-1) });
  let r = await unchanged(assert, () => move(past.id, 'open'), TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).closes_at, /future/);
  assert.equal((await callRow(past.id)).status, 'draft');

  // A call without criteria can only be made behind the API's back.
  const { rows } = await db.query("INSERT INTO calls (title_vi, title_en, description_vi, description_en, opens_at, closes_at, " +
    "budget_vnd, max_award_vnd, stages, wards) VALUES ('Không tiêu chí', 'No rubric', '', '', now(), now() + interval '5 days', " +
    "100, 10, '{idea}', '{00037}') RETURNING id");
  const bare = rows[0].id;
  r = await unchanged(assert, () => move(bare, 'open'), TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.match(fieldsOf(r).rubric, /100/);
  await assert.rejects(db.query("UPDATE calls SET status = 'open' WHERE id = $1", [bare]), (e) => e.code === 'SN409' && e.column === 'rubric');

  // A closed call whose closing time has passed cannot reopen.
  const c = await openCall(tokens.staff);
  await setStatus(tokens.staff, c.id, 'closed');
  await db.query("UPDATE calls SET opens_at = now() - interval '3 days', closes_at = now() - interval '1 day' WHERE id = $1", [c.id]);
  r = await unchanged(assert, () => move(c.id, 'open'), TABLES);
  assertErr(assert, r, 409, 'conflict');
  assert.ok(fieldsOf(r).closes_at, r.text);

  const d = await createCall(tokens.staff);
  for (const body of [{ status: 'published' }, { status: 'open', reason: 'x' }, {}]) {
    assertErr(assert, await unchanged(assert, () => api('POST', `/api/calls/${d.id}/status`, { token: tokens.staff, body }), TABLES), 422, 'validation_failed');
  }
  assertErr(assert, await unchanged(assert, () => move(999999999, 'open'), TABLES), 404, 'not_found');
  // If-Match is optional here, but a stale one is refused.
  assertErr(assert, await unchanged(assert, () => move(d.id, 'open', { 'if-match': '"9"' }), TABLES), 412, 'precondition_failed');
  r = await move(d.id, 'open', { 'if-match': d.etag });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('etag'), '"2"');
});

test('drafts are 404 to everyone but staff; lists show open and later calls, newest first', async () => {
  const draft = await createCall(tokens.staff, { title: { vi: 'Bản nháp bí mật', en: 'Secret draft' } });
  for (const token of [null, tokens.applicant, tokens.reviewer1, tokens.mentor, 'x'.repeat(43)]) {
    assertErr(assert, await api('GET', `/api/calls/${draft.id}`, { token }), 404, 'not_found');
  }
  for (const token of [tokens.staff, tokens.admin]) {
    const r = await api('GET', `/api/calls/${draft.id}`, { token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.title.en, 'Secret draft');
  }

  const older = await openCall(tokens.staff, { opens_at: at(-3), closes_at: at(20) });
  const newer = await openCall(tokens.staff, { opens_at: at(-2), closes_at: at(20) });
  const future = await openCall(tokens.staff, { opens_at: at(5), closes_at: at(20) });
  const closed = await openCall(tokens.staff);
  await setStatus(tokens.staff, closed.id, 'closed');

  for (const token of [null, tokens.applicant, tokens.reviewer1, tokens.mentor]) {
    const r = await api('GET', '/api/calls', { token });
    assert.equal(r.status, 200, r.text);
    const ids = r.json.items.map((c) => c.id);
    assert.ok(!ids.includes(draft.id), 'no drafts');
    assert.ok(r.json.items.every((c) => c.status !== 'draft'));
    for (const c of [older, newer, future, closed]) assert.ok(ids.includes(c.id));
    assert.ok(ids.indexOf(newer.id) < ids.indexOf(older.id), 'newest first');
    assert.ok(ids.indexOf(future.id) < ids.indexOf(newer.id), 'newest first');
    const byId = Object.fromEntries(r.json.items.map((c) => [c.id, c]));
    assert.equal(byId[newer.id].accepting_applications, true);
    assert.equal(byId[future.id].accepting_applications, false, 'open but not yet started');
    assert.equal(byId[closed.id].accepting_applications, false);
    // A draft cannot be asked for by status either.
    const d = await api('GET', '/api/calls?status=draft', { token });
    assert.deepEqual(d.json.items, []);
  }

  const all = await api('GET', '/api/calls', { token: tokens.staff });
  assert.ok(all.json.items.some((c) => c.id === draft.id), 'staff see drafts');
  const drafts = await api('GET', '/api/calls?status=draft', { token: tokens.admin });
  assert.ok(drafts.json.items.length > 0);
  assert.ok(drafts.json.items.every((c) => c.status === 'draft'));
  assert.ok(drafts.json.items.some((c) => c.id === draft.id));
  const closedOnly = await api('GET', '/api/calls?status=closed');
  assert.ok(closedOnly.json.items.every((c) => c.status === 'closed'));
  assert.ok(closedOnly.json.items.some((c) => c.id === closed.id));
  assertErr(assert, await api('GET', '/api/calls?status=published'), 400, 'validation_failed');
});

test('the demo call of `sen-admin demo` is open, takes applications and has the programme\'s policy', async () => {
  const r = await api('GET', '/api/calls');
  const demoCall = r.json.items.find((c) => c.title.vi === 'Đợt hỗ trợ phụ nữ khởi nghiệp 2026');
  assert.ok(demoCall, r.text.slice(0, 300));
  assert.equal(demoCall.title.en, 'Women\'s startup support 2026');
  assert.equal(demoCall.status, 'open');
  assert.equal(demoCall.accepting_applications, true);
  assert.equal(demoCall.budget_vnd, 2000000000);
  assert.equal(demoCall.max_award_vnd, 50000000);
  assert.deepEqual(demoCall.wards, ALL_WARDS);
  assert.deepEqual(demoCall.stages, ['idea', 'startup', 'new_business']);
  assert.equal(demoCall.rubric.length, 4);
  assert.equal(demoCall.rubric.reduce((s, k) => s + k.weight, 0), 100);
  assert.deepEqual(demoCall.priority_policy, { bonus: { poor: 10, near_poor: 7, hardship: 5, disability: 5 }, combine: 'sum', cap: 15, reserved_share_pct: 30 });
  assert.ok(Date.parse(demoCall.closes_at) - Date.now() > 50 * 864e5);
});

test('reference data: wards, stages with their definitions, statuses, levels, document kinds, categories; cacheable', async () => {
  const r = await api('GET', '/api/reference');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('cache-control'), 'public, max-age=300');
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-f]{32}$/);
  const ref = r.json;

  assert.equal(ref.wards.length, 18);
  assert.deepEqual(ref.wards.map((w) => w.code), ALL_WARDS);
  assert.deepEqual(ref.wards[0], { code: '00037', name_vi: 'Phúc Tân', name_ascii: 'Phuc Tan' });
  assert.ok(ref.wards.some((w) => w.name_vi === 'Hàng Bạc' && w.name_ascii === 'Hang Bac'));

  const sectors = await scalar('SELECT count(*) FROM sectors');
  assert.equal(ref.sectors.length, Number(sectors));
  assert.deepEqual(ref.sectors[0], { code: 'food_beverage', label: { vi: 'Ăn uống, chế biến thực phẩm', en: 'Food and beverage' } });

  assert.deepEqual(ref.business_stages.map((s) => s.code), ['idea', 'startup', 'new_business']);
  const stage = Object.fromEntries(ref.business_stages.map((s) => [s.code, s]));
  assert.match(stage.startup.definition.en, /less than 12 months/);
  assert.match(stage.startup.definition.vi, /dưới 12 tháng/);
  assert.equal(stage.startup.max_months, 12);
  assert.match(stage.new_business.definition.en, /less than 3 years/);
  assert.equal(stage.new_business.max_months, 36);
  assert.equal(stage.idea.max_months, null);

  assert.deepEqual(ref.household_statuses.map((s) => s.code), ['none', 'hardship', 'near_poor', 'poor']);
  assert.deepEqual(ref.disability_levels.map((s) => [s.code, s.label.vi]),
    [['mild', 'Khuyết tật nhẹ'], ['severe', 'Khuyết tật nặng'], ['especially_severe', 'Khuyết tật đặc biệt nặng']]);
  assert.deepEqual(ref.document_kinds.map((s) => s.code), ['business_plan', 'household_certificate', 'disability_certificate', 'id_card', 'other']);
  assert.deepEqual(ref.call_statuses.map((s) => s.code), STATUSES);
  assert.deepEqual(ref.areas.map((s) => s.code), ['urban', 'rural']);
  assert.equal(ref.deprivation_indicators.length, 12);
  assert.ok(ref.deprivation_indicators.every((d) => d.label.vi && d.label.en && d.note.vi && d.note.en));

  const cat = Object.fromEntries(ref.priority_categories.map((c) => [c.code, c]));
  assert.deepEqual(Object.keys(cat), ['poor', 'near_poor', 'hardship', 'disability']);
  assert.equal(cat.poor.certificate.vi, 'Giấy chứng nhận hộ nghèo');
  assert.equal(cat.near_poor.certificate.vi, 'Giấy chứng nhận hộ cận nghèo');
  assert.equal(cat.disability.certificate.vi, 'Giấy xác nhận khuyết tật');
  assert.equal(cat.disability.document_kind, 'disability_certificate');
  assert.equal(cat.hardship.document_kind, 'household_certificate');
  assert.equal(cat.disability.household, false);

  // Every list a label is given for is exactly what the database accepts.
  const kinds = await scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'documents_kind_check'");
  for (const k of ref.document_kinds) assert.ok(kinds.includes(`'${k.code}'`), k.code);
  const levels = await scalar("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'applicant_profiles_disability_level_check'");
  for (const k of ref.disability_levels) assert.ok(levels.includes(`'${k.code}'`), k.code);

  assert.deepEqual(ref.poverty_standards.map((s) => [s.area, s.income_line_vnd, s.poor_min_deprivations]),
    [['urban', 2000000, 3], ['rural', 1500000, 3]]);
  assert.equal(ref.poverty_standards[0].name, 'Nghị định 07/2021/NĐ-CP');

  // The same for anyone, logged in or not.
  const staff = await api('GET', '/api/reference', { token: tokens.staff });
  assert.deepEqual(staff.json, ref);
});

test('closed → reviewing moves the call\'s eligible applications to in_review, in the same transaction, with the reason', async () => {
  const c = await openCall(tokens.staff);
  const other = await openCall(tokens.staff);
  // Applicants made in SQL, and their applications moved along in SQL
  // (the application routes are tested elsewhere).
  const person = async () => Number((await db.query("INSERT INTO users (email, full_name, role) VALUES ($1, 'Ngô Thị Duyệt', 'applicant') RETURNING id",
    [`${unique('rv')}@sen.test`])).rows[0].id);
  const app = async (call, status) => {
    const id = await sqlSubmitted(call, await person());
    const path = { submitted: [], screening: ['screening'], eligible: ['screening', 'eligible'], ineligible: ['screening', 'ineligible'] };
    for (const s of path[status]) {
      await db.query("UPDATE applications SET status = $2, screening_reason = CASE WHEN $2 = 'ineligible' THEN 'Ngoài địa bàn' END WHERE id = $1", [id, s]);
    }
    return id;
  };
  const eligible = [await app(c.id, 'eligible'), await app(c.id, 'eligible')];
  const rest = { [await app(c.id, 'ineligible')]: 'ineligible', [await app(c.id, 'screening')]: 'screening' };
  const elsewhere = await app(other.id, 'eligible');
  const status = async (id) => scalar('SELECT status FROM applications WHERE id = $1', [id]);

  await setStatus(tokens.staff, c.id, 'closed');
  // A stale If-Match: nothing moves, neither the call nor its applications.
  const APPS = [...TABLES, 'applications', 'application_events', 'outbox'];
  assertErr(assert, await unchanged(assert, () => move(c.id, 'reviewing', { 'if-match': '"1"' }), APPS), 412, 'precondition_failed');
  for (const id of eligible) assert.equal(await status(id), 'eligible');

  const r = await move(c.id, 'reviewing');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'reviewing');
  for (const id of eligible) {
    assert.equal(await status(id), 'in_review');
    const e = (await db.query('SELECT from_status, to_status, actor_id, reason FROM application_events WHERE application_id = $1 ORDER BY id DESC LIMIT 1', [id])).rows[0];
    assert.deepEqual({ ...e, actor_id: Number(e.actor_id) }, { from_status: 'eligible', to_status: 'in_review', actor_id: staffId, reason: 'review started' });
    // The applicant is told, in her language.
    const m = (await db.query("SELECT o.subject, o.body FROM outbox o JOIN applications a ON a.applicant_id = o.user_id WHERE a.id = $1 ORDER BY o.id DESC LIMIT 1", [id])).rows[0];
    assert.match(m.subject, /Đang chấm điểm/);
    assert.match(m.body, /review started/);
  }
  for (const [id, s] of Object.entries(rest)) assert.equal(await status(id), s, 'only eligible applications move');
  assert.equal(await status(elsewhere), 'eligible', 'another call\'s applications stay');
  // The call and its applications changed in one request, one transaction.
  const actions = await db.query('SELECT DISTINCT entity, action FROM audit_log WHERE request_id = $1 ORDER BY 1', [r.headers.get('x-request-id')]);
  assert.deepEqual(actions.rows, [{ entity: 'applications', action: 'calls.status' }, { entity: 'calls', action: 'calls.status' }]);
  const xids = await db.query("SELECT DISTINCT (SELECT xmin FROM calls WHERE id = $1)::text = (SELECT xmin FROM applications WHERE id = $2)::text AS same", [c.id, eligible[0]]);
  assert.equal(xids.rows[0].same, true);
});

test('a call shows its scoring settings in every reply, lists included', async () => {
  const { id } = await openCall(tokens.staff, { review_due_at: '2031-01-15T17:00:00+07:00', closes_at: '2031-01-01T17:00:00+07:00',
    disagreement_threshold: 25, normalise_reviewers: true });
  const one = await api('GET', `/api/calls/${id}`);
  assert.equal(one.json.review_due_at, '2031-01-15T10:00:00Z');
  assert.equal(one.json.review_due_at_local, '2031-01-15T17:00:00+07:00');
  assert.equal(one.json.disagreement_threshold, 25);
  assert.equal(one.json.normalise_reviewers, true);
  const list = await api('GET', '/api/calls?status=open');
  assert.deepEqual(list.json.items.find((c) => c.id === id), one.json);
});
