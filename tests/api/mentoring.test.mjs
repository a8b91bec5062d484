// Mentoring (app/mentoring/): mentor profiles, pausing, a woman's needs,
// the matching settings, the matching itself (capacity, priority first,
// the minimum, determinism, explanations), publication, the mentor's
// answer, expiry and re-matching, sessions and hours, ending, staff's
// edits, who sees what, and the time of a 10 000 x 1 000 run.  Mentors
// and funded applications are made in SQL (mentoring_fixtures.mjs); every
// test keeps other tests' mentors out of its matching.  Who may call each
// route: routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, demo, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import {
  MT_TABLES, application, makeCall, matchRows, mentor, only, publish, run, sessionFor, settings, sqlUser,
} from './mentoring_fixtures.mjs';

after(() => db.end());

const tokens = {};
let staffId;

before(async () => {
  tokens.staff = await login('staff');
  tokens.admin = await login('admin');
  staffId = await userIdOf(demo.staff.email);
});

const bearer = (token) => ({ token });
const ifMatch = (v) => ({ 'if-match': `"${v}"` });
const etagOf = (r) => Number(/^"(\d+)"$/.exec(r.headers.get('etag') || '')?.[1]);

// A refused write: its status and code, and nothing written: no row
// count changed, and the rows named by rowsFn are as they were.
async function refused(fn, status, code, rowsFn = null) {
  const rowsBefore = rowsFn ? await rowsFn() : null;
  const r = await unchanged(assert, fn, MT_TABLES);
  assertErr(assert, r, status, code);
  if (rowsFn) assert.deepEqual(await rowsFn(), rowsBefore, 'a refused write changed a row');
  return r;
}

const matchRow = async (id) => (await db.query('SELECT * FROM matches WHERE id = $1', [id])).rows[0];
const profileRow = async (id) => (await db.query('SELECT * FROM mentor_profiles WHERE user_id = $1', [id])).rows[0];

// Every proposal explains itself: the parts add up to the score, each
// within its maximum, the maximum ten times its weight.
function explained(m) {
  const parts = Object.values(m.parts);
  assert.deepEqual(Object.keys(m.parts).sort(), ['availability', 'language', 'place', 'sector', 'skills']);
  assert.equal(parts.reduce((s, p) => s + p.points, 0), m.score, JSON.stringify(m));
  for (const p of parts) {
    assert.equal(p.max, p.weight * 10);
    assert.ok(p.points >= 0 && p.points <= p.max);
  }
}

// The load of each mentor, everywhere: active matches against capacity.
const loads = async (ids) => (await db.query(`SELECT p.user_id, p.capacity,
    (SELECT count(*) FROM matches m WHERE m.mentor_id = p.user_id
     AND m.status IN ('proposed', 'published', 'accepted'))::int AS active
  FROM mentor_profiles p WHERE p.user_id = ANY ($1::bigint[]) ORDER BY p.user_id`, [ids])).rows;

const PROFILE = {
  sectors: ['food_beverage', 'handicrafts'],
  skills: ['finance_bookkeeping', 'digital_ecommerce'],
  languages: ['vi', 'en'],
  wards: ['00049', '00037'],
  remote: true,
  capacity: 3,
  availability: ['weekday_evening', 'weekend'],
  bio: 'Kế toán trưởng 15 năm, từng mở cửa hàng bánh.',
};

test('a mentor keeps her profile: created, read, changed with If-Match; every error at once; refusals write nothing', async () => {
  const id = await sqlUser('mentor', 'Lê Thị Cố Vấn');
  const token = await sessionFor(id);
  const put = (body, headers = {}) => api('PUT', '/api/me/mentor-profile', { token, body, headers });

  assertErr(assert, await api('GET', '/api/me/mentor-profile', bearer(token)), 404, 'not_found');

  const r = await put(PROFILE);
  assert.equal(r.status, 201, r.text);
  assert.equal(etagOf(r), 1);
  assert.deepEqual(r.json.sectors, PROFILE.sectors);
  assert.equal(r.json.capacity, 3);
  assert.equal(r.json.free, 3);
  assert.equal(r.json.active, 0);
  assert.equal(r.json.paused, false);
  const row = await profileRow(id);
  assert.deepEqual(row.skills, PROFILE.skills);
  assert.deepEqual(row.wards, PROFILE.wards);
  assert.equal(row.bio, PROFILE.bio);
  assert.equal(Number(await scalar(`SELECT count(*) FROM audit_log WHERE entity = 'mentor_profiles'
    AND entity_id = $1 AND action = 'mentoring.profile'`, [String(id)])), 1);

  const got = await api('GET', '/api/me/mentor-profile', bearer(token));
  assert.equal(got.status, 200);
  assert.equal(etagOf(got), 1);
  assert.deepEqual(got.json, r.json);

  // Once it exists, a write needs the version she read.
  const mine = () => profileRow(id);
  await refused(() => put({ ...PROFILE, capacity: 5 }), 428, 'precondition_failed', mine);
  await refused(() => put({ ...PROFILE, capacity: 5 }, ifMatch(7)), 412, 'precondition_failed', mine);
  const r2 = await put({ ...PROFILE, capacity: 5, wards: [], remote: true }, ifMatch(1));
  assert.equal(r2.status, 200, r2.text);
  assert.equal(etagOf(r2), 2);
  assert.equal((await mine()).capacity, 5);
  assert.deepEqual((await mine()).wards, []);

  // Every problem of the form in one answer.
  const bad = await refused(() => put({
    sectors: ['food_beverage', 'no_such_sector'],
    skills: [],
    languages: ['vi', 'vi'],
    wards: [],
    remote: false,
    capacity: 21,
    availability: ['sometimes'],
  }, ifMatch(2)), 422, 'validation_failed', mine);
  assert.deepEqual(Object.keys(fieldsOf(bad)).sort(), ['availability', 'capacity', 'languages', 'sectors', 'skills', 'wards']);
  assert.match(fieldsOf(bad).sectors, /no_such_sector/);
  assert.match(fieldsOf(bad).languages, /twice/);
  assert.match(fieldsOf(bad).wards, /remote/);
  await refused(() => put({ ...PROFILE, wards: ['99999'] }, ifMatch(2)), 422, 'validation_failed', mine);
  await refused(() => put({ ...PROFILE, mentees: 4 }, ifMatch(2)), 422, 'validation_failed', mine);
  await refused(() => put({ ...PROFILE, capacity: 0 }, ifMatch(2)), 422, 'validation_failed', mine);

  // The database holds the same rules, whoever writes.
  const applicantId = await sqlUser('applicant', 'Không phải cố vấn');
  await assert.rejects(db.query(`INSERT INTO mentor_profiles (user_id, sectors, skills, languages, capacity, availability, remote)
    VALUES ($1, '{food_beverage}', '{management}', '{vi}', 2, '{weekend}', true)`, [applicantId]), (e) => e.code === 'SN409');
  await assert.rejects(db.query(`UPDATE mentor_profiles SET wards = '{}', remote = false WHERE user_id = $1`, [id]),
    (e) => e.constraint === 'mentor_profiles_wards_check');
  await assert.rejects(db.query(`UPDATE mentor_profiles SET skills = '{cooking}' WHERE user_id = $1`, [id]),
    (e) => e.code === 'SN422' && e.column === 'skills');
  await assert.rejects(db.query(`UPDATE mentor_profiles SET capacity = 21 WHERE user_id = $1`, [id]),
    (e) => e.code === '23514');
});

test('the reference lists of mentoring are public and bilingual', async () => {
  const r = await api('GET', '/api/mentoring/reference');
  assert.equal(r.status, 200);
  const codes = r.json.skills.map((s) => s.code);
  for (const c of ['finance_bookkeeping', 'marketing_sales', 'digital_ecommerce', 'legal_registration',
    'production_quality', 'management', 'access_to_credit']) assert.ok(codes.includes(c), c);
  for (const s of [...r.json.skills, ...r.json.languages, ...r.json.availability]) {
    assert.ok(s.label.vi && s.label.en, JSON.stringify(s));
  }
  assert.deepEqual(r.json.availability.map((a) => a.code), ['weekday_daytime', 'weekday_evening', 'weekend']);
  assert.equal(Object.keys(r.json.nearby_wards).length, 18);
  assert.equal(r.json.nearby_wards['00049'].length, 17);
  assert.deepEqual(r.json.reasons.map((x) => x.code).sort(), ['no_capacity', 'none_compatible', 'taken']);
});

test('staff list mentors with their load, pause and resume them; a paused mentor gets no new match', async () => {
  const call = await makeCall();
  const a = await mentor({ capacity: 2 }, 'Đỗ Thị Tạm Nghỉ');
  const b = await mentor({ capacity: 1, sectors: ['handicrafts'] }, 'Phan Thị Luôn Sẵn');
  const noProfile = await sqlUser('mentor', 'Chưa có hồ sơ');
  const app = await application(call);

  const list = await api('GET', '/api/mentors', bearer(tokens.staff));
  assert.equal(list.status, 200);
  const row = list.json.items.find((m) => m.id === a);
  assert.equal(row.load.capacity, 2);
  assert.equal(row.load.free, 2);
  assert.equal(row.profile.paused, false);
  assert.equal(list.json.items.find((m) => m.id === noProfile).profile, null);

  const p = await api('POST', `/api/mentors/${a}/pause`, { token: tokens.staff, body: { reason: 'Đi công tác ba tháng' } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.paused, true);
  assert.equal(p.json.pause_reason, 'Đi công tác ba tháng');
  const first = (await profileRow(a)).paused_at;
  assert.equal(Number((await profileRow(a)).paused_by), staffId);
  // Pausing again keeps when and why.
  const again = await api('POST', `/api/mentors/${a}/pause`, { token: tokens.admin, body: { reason: 'Khác' } });
  assert.equal(again.status, 200);
  assert.deepEqual((await profileRow(a)).paused_at, first);
  assert.equal((await profileRow(a)).pause_reason, 'Đi công tác ba tháng');

  await refused(() => api('POST', '/api/mentors/999999999/pause', bearer(tokens.staff)), 404, 'not_found');
  await refused(() => api('POST', `/api/mentors/${staffId}/pause`, bearer(tokens.staff)), 404, 'not_found');
  await refused(() => api('POST', `/api/mentors/${noProfile}/pause`, bearer(tokens.staff)), 409, 'conflict');
  await refused(() => api('POST', `/api/mentors/${b}/pause`, { token: tokens.staff, body: { reason: 'x'.repeat(501) } }),
    422, 'validation_failed', () => profileRow(b));

  await only([a, b], async () => {
    const res = await run(tokens.staff, call);
    // a fits her better (her sector), but a is paused.
    assert.equal(res.matches.length, 1);
    assert.equal(res.matches[0].mentor.id, b);
    const c2 = await makeCall();
    const other = await application(c2);
    await refused(() => api('POST', `/api/calls/${c2}/matches`, { token: tokens.staff, body: { application_id: other.id, mentor_id: a } }),
      409, 'conflict');

    const r = await api('POST', `/api/mentors/${a}/resume`, bearer(tokens.staff));
    assert.equal(r.status, 200);
    assert.equal(r.json.paused, false);
    assert.equal((await profileRow(a)).paused_at, null);
    const res2 = await run(tokens.staff, call);
    assert.equal(res2.matches[0].mentor.id, a);
    assert.equal(res2.matches[0].application.id, app.id);
  });
});

test('her needs: she edits her own application\'s, staff any; another\'s is 404; refusals write nothing', async () => {
  const call = await makeCall();
  const mine = await application(call, { locale: 'en' });
  const other = await application(call);
  const token = await sessionFor(mine.applicant);
  const otherToken = await sessionFor(other.applicant);
  const url = `/api/applications/${mine.id}/mentoring-needs`;
  const needsRow = async () => (await db.query('SELECT * FROM mentoring_needs WHERE application_id = $1', [mine.id])).rows[0];

  const d = await api('GET', url, bearer(token));
  assert.equal(d.status, 200);
  assert.deepEqual(d.json, { application_id: mine.id, areas: [], language: 'en', availability: [], note: '', saved: false, version: null, updated_at: null });

  const body = { areas: ['finance_bookkeeping', 'access_to_credit'], language: 'vi', availability: ['weekend'], note: 'Cần học ghi sổ sách.' };
  const r = await api('PUT', url, { token, body });
  assert.equal(r.status, 201, r.text);
  assert.equal(etagOf(r), 1);
  assert.deepEqual(r.json.areas, body.areas);
  assert.equal(r.json.saved, true);
  assert.equal(Number((await needsRow()).updated_by), mine.applicant);

  await refused(() => api('PUT', url, { token, body }), 428, 'precondition_failed', needsRow);
  await refused(() => api('PUT', url, { token, body, headers: ifMatch(9) }), 412, 'precondition_failed', needsRow);
  const bad = await refused(() => api('PUT', url, { token, body: { areas: ['cooking', 'cooking'], language: 'xx', availability: ['never'] }, headers: ifMatch(1) }),
    422, 'validation_failed', needsRow);
  assert.deepEqual(Object.keys(fieldsOf(bad)).sort(), ['areas', 'availability', 'language']);
  await refused(() => api('PUT', url, { token, body: { language: 'vi' }, headers: ifMatch(1) }), 422, 'validation_failed', needsRow);

  // Another applicant: the application does not exist for her.
  assertErr(assert, await api('GET', url, bearer(otherToken)), 404, 'not_found');
  await refused(() => api('PUT', url, { token: otherToken, body, headers: ifMatch(1) }), 404, 'not_found', needsRow);

  const s = await api('PUT', url, { token: tokens.staff, body: { ...body, areas: ['management'] }, headers: ifMatch(1) });
  assert.equal(s.status, 200, s.text);
  assert.equal(etagOf(s), 2);
  assert.deepEqual((await needsRow()).areas, ['management']);
  assert.equal(Number((await needsRow()).updated_by), staffId);
  assert.equal((await api('GET', url, bearer(tokens.staff))).json.version, 2);

  // Out of the programme: nothing to mentor.
  const rejected = await application(call, { status: 'rejected' });
  await refused(() => api('PUT', `/api/applications/${rejected.id}/mentoring-needs`, { token: tokens.staff, body }), 409, 'conflict');
  assertErr(assert, await api('GET', '/api/applications/999999999/mentoring-needs', bearer(tokens.staff)), 404, 'not_found');
});

test('matching settings: weights summing to 100, a minimum, If-Match; refusals write nothing', async () => {
  const call = await makeCall();
  const url = `/api/calls/${call}/matching-settings`;
  const g = await api('GET', url, bearer(tokens.staff));
  assert.equal(g.status, 200);
  assert.deepEqual(g.json.weights, { sector: 30, skills: 30, place: 15, language: 15, availability: 10 });
  assert.equal(g.json.min_score, 400);
  assert.equal(g.json.score_max, 1000);
  assert.equal(g.json.offer_days, 7);
  assert.equal(g.json.include_waitlisted, false);
  const v = etagOf(g);
  const row = async () => (await db.query('SELECT * FROM matching_settings WHERE call_id = $1', [call])).rows[0];
  const body = { weights: { sector: 40, skills: 20, place: 20, language: 10, availability: 10 }, min_score: 500, include_waitlisted: true, offer_days: 3 };

  await refused(() => api('PUT', url, { token: tokens.staff, body }), 428, 'precondition_failed', row);
  const bad = await refused(() => api('PUT', url, { token: tokens.staff, body: { ...body, weights: { ...body.weights, sector: 39 } }, headers: ifMatch(v) }),
    422, 'validation_failed', row);
  assert.match(fieldsOf(bad).weights, /100/);
  await refused(() => api('PUT', url, { token: tokens.staff, body: { ...body, min_score: 1001, offer_days: 0 }, headers: ifMatch(v) }),
    422, 'validation_failed', row);
  const p = await api('PUT', url, { token: tokens.staff, body, headers: ifMatch(v) });
  assert.equal(p.status, 200, p.text);
  assert.equal(etagOf(p), v + 1);
  assert.deepEqual(p.json.weights, body.weights);
  const r = await row();
  assert.equal(r.weight_sector, 40);
  assert.equal(r.min_score, 500);
  assert.equal(r.include_waitlisted, true);
  await refused(() => api('PUT', url, { token: tokens.staff, body, headers: ifMatch(v) }), 412, 'precondition_failed', row);
  await refused(() => api('PUT', '/api/calls/999999999/matching-settings', { token: tokens.staff, body, headers: ifMatch(1) }), 404, 'not_found');
  await assert.rejects(db.query('UPDATE matching_settings SET weight_place = 0 WHERE call_id = $1', [call]),
    (e) => e.constraint === 'matching_settings_weights_check');
});

test('capacity is never exceeded: places are capacity less active matches anywhere; the database refuses more', async () => {
  const call = await makeCall();
  const a = await mentor({ capacity: 2 });
  const b = await mentor({ capacity: 1 });
  const c = await mentor({ capacity: 3 });
  // c already has two mentees in another call: one place left.
  const elsewhere = await makeCall();
  for (let i = 0; i < 2; i++) {
    const x = await application(elsewhere);
    const r = await api('POST', `/api/calls/${elsewhere}/matches`, { token: tokens.staff, body: { application_id: x.id, mentor_id: c } });
    assert.equal(r.status, 201, r.text);
  }
  const apps = [];
  for (let i = 0; i < 7; i++) apps.push(await application(call));

  await only([a, b, c], async () => {
    const res = await run(tokens.staff, call);
    assert.equal(res.run.places, 4);
    assert.equal(res.run.mentees, 7);
    assert.equal(res.matches.length, 4);
    assert.equal(res.unmatched.length, 3);
    for (const u of res.unmatched) assert.equal(u.reason, 'taken');
    for (const l of await loads([a, b, c])) assert.ok(l.active <= l.capacity, JSON.stringify(l));
    const per = Object.fromEntries((await loads([a, b, c])).map((l) => [l.user_id, l.active]));
    assert.deepEqual(per, { [a]: 2, [b]: 1, [c]: 3 });
    // The first in the order of service are served.
    assert.deepEqual(res.matches.map((m) => m.application.id).sort((x, y) => x - y), apps.slice(0, 4).map((x) => x.id));

    // Mentors full: a hand-made match is refused, and so is the row.
    const last = apps[6];
    await refused(() => api('POST', `/api/calls/${call}/matches`, { token: tokens.staff, body: { application_id: last.id, mentor_id: b } }),
      409, 'conflict');
    await assert.rejects(db.query(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
      VALUES ($1, $2, $3, 'manual', 500, '{}')`, [call, last.id, b]), (e) => e.code === 'SN409' && e.column === 'mentor_id');
    // And a second active match for one application.
    await assert.rejects(db.query(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
      VALUES ($1, $2, $3, 'manual', 500, '{}')`, [call, apps[0].id, a]), (e) => e.code === '23505' || e.code === 'SN409');
  });
});

test('verified priority is served first when mentors are scarce, then rank; a pending claim or a removed certificate does not count', async () => {
  const call = await makeCall();
  const m = await mentor({ capacity: 1, sectors: ['food_beverage'], skills: ['finance_bookkeeping'] });
  // In the order of submission (rank): a fits best, b has verified
  // priority and fits worse, c claims priority not yet verified, d's
  // certificate was removed after verification.
  const a = await application(call, { needs: { areas: ['finance_bookkeeping'] } });
  const b = await application(call, { sector: 'handicrafts', priority: 'poor' });
  const c = await application(call, { needs: { areas: ['finance_bookkeeping'] } });
  await db.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on) VALUES ($1, 'near_poor', 'X', current_date)`, [c.id]);
  const d = await application(call, { priority: 'disability' });
  await db.query('DELETE FROM documents WHERE application_id = $1', [d.id]);

  await only([m], async () => {
    const res = await run(tokens.staff, call);
    assert.equal(res.matches.length, 1);
    assert.equal(res.matches[0].application.id, b.id);
    assert.equal(res.matches[0].application.priority, true);
    assert.equal(res.run.proposed_priority, 1);
    assert.ok(res.matches[0].score < 1000);
    // The others, in the order of service: by rank, none with priority.
    assert.deepEqual(res.unmatched.map((u) => [u.application_id, u.priority, u.reason]),
      [[a.id, false, 'taken'], [c.id, false, 'taken'], [d.id, false, 'taken']]);
    assert.ok(res.unmatched[0].rank < res.unmatched[1].rank && res.unmatched[1].rank < res.unmatched[2].rank);
    assert.equal(res.unmatched[0].best_score, 1000);
    assert.match(res.unmatched[0].reason_label.en, /priority/);
    assert.ok(res.unmatched[0].reason_label.vi.length > 0);
  });

  // Among equals, rank decides even against a better fit.
  const call2 = await makeCall();
  const x = await mentor({ capacity: 1, sectors: ['food_beverage'] });
  const y = await mentor({ capacity: 1, sectors: ['food_beverage'], wards: ['00037'] });
  const first = await application(call2, { ward: '00088' });
  const second = await application(call2, { ward: '00088' });
  const third = await application(call2, { ward: '00049', needs: { areas: ['finance_bookkeeping'] } });
  await only([x, y], async () => {
    const res = await run(tokens.staff, call2);
    assert.deepEqual(res.matches.map((mm) => mm.application.id).sort((p, q) => p - q), [first.id, second.id]);
    assert.equal(res.unmatched[0].application_id, third.id);
    assert.equal(res.unmatched[0].best_score, 1000);
    assert.ok(res.matches.every((mm) => mm.score < 1000));
  });
});

test('pairs below the minimum are never proposed; those women are listed unmatched with the reason', async () => {
  const call = await makeCall();
  await settings(call, { min_score: 800 });
  const m = await mentor({ capacity: 5, sectors: ['food_beverage'], skills: ['finance_bookkeeping'], wards: ['00049'] });
  const good = await application(call, { needs: { areas: ['finance_bookkeeping'] } });
  // Another sector: at most 700 with this mentor.
  const far = await application(call, { sector: 'garment_textile', needs: { areas: ['finance_bookkeeping'] } });
  await only([m], async () => {
    const res = await run(tokens.staff, call);
    assert.equal(res.matches.length, 1);
    assert.equal(res.matches[0].application.id, good.id);
    assert.ok(res.matches.every((x) => x.score >= 800));
    assert.equal(res.unmatched.length, 1);
    const u = res.unmatched[0];
    assert.equal(u.application_id, far.id);
    assert.equal(u.reason, 'none_compatible');
    assert.equal(u.options, 0);
    assert.equal(u.best_score, 700);
    assert.equal(u.min_score, 800);
    assert.match(u.reason_label.en, /minimum/);
    assert.match(u.reason_label.vi, /tối thiểu/);

    const list = await api('GET', `/api/calls/${call}/mentees/unmatched`, bearer(tokens.staff));
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((i) => i.application_id), [far.id]);
    assert.equal(list.json.items[0].last_run.reason, 'none_compatible');
    assert.equal(list.json.items[0].last_run.best_score, 700);
    assert.equal(list.json.last_run.id, res.run.id);
  });
});

test('the same data gives the same proposals; a new run replaces the automatic proposals not yet published, staff\'s own stay', async () => {
  const call = await makeCall();
  // Ties everywhere: three mentors alike, five women alike, four places.
  const ms = [await mentor({ capacity: 1 }), await mentor({ capacity: 2 }), await mentor({ capacity: 1 })];
  const apps = [];
  for (let i = 0; i < 5; i++) apps.push(await application(call));
  await only(ms, async () => {
    const r1 = await run(tokens.staff, call);
    const pairs = (res) => res.matches.map((m) => [m.application.id, m.mentor.id, m.score]).sort((p, q) => p[0] - q[0]);
    const ids1 = r1.matches.map((m) => m.id);
    const r2 = await run(tokens.staff, call);
    assert.deepEqual(pairs(r2), pairs(r1));
    assert.notEqual(r2.run.id, r1.run.id);
    assert.equal(r2.run.total_score, r1.run.total_score);
    assert.deepEqual(r2.unmatched.map((u) => u.application_id), r1.unmatched.map((u) => u.application_id));
    const rows = await matchRows(call);
    assert.equal(rows.length, 4);
    assert.ok(rows.every((r) => !ids1.includes(r.id)), 'the first run\'s proposals were replaced');
    for (const m of r2.matches) explained(m);

    // A proposal staff made stays across runs, and keeps its place.
    const left = r2.unmatched[0].application_id;
    await db.query(`DELETE FROM matches WHERE call_id = $1 AND mentor_id = $2`, [call, ms[2]]);
    const man = await api('POST', `/api/calls/${call}/matches`, { token: tokens.staff, body: { application_id: left, mentor_id: ms[2] } });
    assert.equal(man.status, 201, man.text);
    const r3 = await run(tokens.staff, call);
    assert.equal(r3.run.kept, 1);
    assert.equal(r3.matches.length, 3);
    assert.ok(!r3.matches.some((m) => m.application.id === left));
    assert.equal((await matchRow(man.json.id)).status, 'proposed');
    assert.equal((await matchRow(man.json.id)).origin, 'manual');
  });
});

test('every score is explained: parts with weights, points and what made them, summing to the score', async () => {
  const call = await makeCall();
  const m = await mentor({ capacity: 2, sectors: ['food_beverage'], skills: ['finance_bookkeeping', 'marketing_sales'], wards: ['00037'],
    remote: true, languages: ['vi'], availability: ['weekend'] });
  const a = await application(call, { ward: '00049', needs: { areas: ['finance_bookkeeping', 'legal_registration', 'marketing_sales'], availability: ['weekday_daytime'] } });
  await only([m], async () => {
    const res = await run(tokens.staff, call);
    const x = res.matches.find((mm) => mm.application.id === a.id);
    explained(x);
    assert.deepEqual(x.parts.sector, { weight: 30, points: 300, max: 300, fit: true });
    assert.deepEqual(x.parts.skills, { weight: 30, points: 200, max: 300, covered: ['finance_bookkeeping', 'marketing_sales'], missing: ['legal_registration'] });
    assert.deepEqual(x.parts.place, { weight: 15, points: 105, max: 150, fit: 'nearby_ward' });
    assert.deepEqual(x.parts.language, { weight: 15, points: 150, max: 150, fit: true });
    assert.deepEqual(x.parts.availability, { weight: 10, points: 0, max: 100, common: [] });
    assert.equal(x.score, 755);
    assert.equal(x.below_minimum, false);
    // Stored as shown.
    const row = await matchRow(x.id);
    assert.equal(row.score, 755);
    assert.deepEqual(row.parts, x.parts);
  });
});

test('offers: nothing reaches a mentor before publication; then one message each, the mentee\'s business but never her personal data', async () => {
  const call = await makeCall();
  await settings(call, { offer_days: 3 });
  const m = await mentor({ capacity: 2 });
  const token = await sessionFor(m);
  const a1 = await application(call, { business: 'Tiệm may Ánh', priority: 'poor', needs: { areas: ['marketing_sales'] } });
  await db.query(`INSERT INTO applicant_profiles (user_id, national_id, household_status, household_cert_number,
      household_cert_issued_on, household_cert_valid_until, disability, disability_level)
    VALUES ($1, '001190123456', 'poor', 'HN-42', current_date - 10, current_date + 300, true, 'mild')`, [a1.applicant]);
  const a2 = await application(call, { business: 'Bánh cuốn Hạnh' });
  const offers = () => scalar(`SELECT count(*)::int FROM outbox WHERE user_id = $1 AND event = 'match.offer'`, [m]);

  await only([m], async () => {
    const res = await run(tokens.staff, call);
    assert.equal(res.matches.length, 2);
    const id = res.matches[0].id;
    const mine = await api('GET', '/api/matches/mine', bearer(token));
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.json.items, []);
    assert.equal(await offers(), 0);
    assertErr(assert, await api('GET', `/api/matches/${id}/sessions`, bearer(token)), 404, 'not_found');
    await refused(() => api('POST', `/api/matches/${id}/accept`, bearer(token)), 404, 'not_found', () => matchRow(id));

    const p = await publish(tokens.staff, call);
    assert.equal(p.published, 2);
    assert.equal(p.mentors_notified, 1);
    assert.equal(await offers(), 1);
    const msg = (await db.query(`SELECT * FROM outbox WHERE user_id = $1 AND event = 'match.offer'`, [m])).rows[0];
    assert.match(msg.subject, /2/);
    assert.equal(msg.channel, 'email');
    const row = await matchRow(id);
    assert.equal(row.status, 'published');
    const days = (new Date(row.expires_at) - new Date(row.published_at)) / 864e5;
    assert.equal(days, 3);

    const after = await api('GET', '/api/matches/mine', bearer(token));
    assert.equal(after.json.items.length, 2);
    const o = after.json.items.find((x) => x.mentee.application_id === a1.id);
    assert.equal(o.mentee.business_name, 'Tiệm may Ánh');
    assert.equal(o.mentee.sector, 'food_beverage');
    assert.equal(o.mentee.ward_code, '00049');
    assert.equal(o.mentee.ward_name, 'Hàng Đào');
    assert.deepEqual(o.mentee.needs.areas, ['marketing_sales']);
    assert.equal(o.mentee.full_name, null);
    assert.equal(o.mentee.email, null);
    explained(o);
    for (const secret of ['001190123456', 'HN-42', 'national_id', 'household', 'disability', 'priority', 'documents', 'poor']) {
      assert.ok(!after.text.includes(secret), `a mentor sees "${secret}"`);
    }
    // Publishing again sends nothing more.
    const again = await publish(tokens.staff, call);
    assert.equal(again.published, 0);
    assert.equal(await offers(), 1);
    assert.ok(a2);
  });
});

test('decline, expiry and re-matching: she gets her next-best mentor, never one who declined or let it lapse', async () => {
  const call = await makeCall();
  const best = await mentor({ capacity: 2, skills: ['finance_bookkeeping', 'management'] }, 'Cố vấn thứ nhất');
  const second = await mentor({ capacity: 2, skills: ['management'] }, 'Cố vấn thứ hai');
  const third = await mentor({ capacity: 2, skills: ['management'], wards: ['00037'] }, 'Cố vấn thứ ba');
  const she = await application(call, { needs: { areas: ['finance_bookkeeping'] } });
  const tok = { best: await sessionFor(best), second: await sessionFor(second), third: await sessionFor(third) };

  await only([best, second, third], async () => {
    let res = await run(tokens.staff, call);
    assert.equal(res.matches[0].mentor.id, best);
    await publish(tokens.staff, call);
    const id1 = res.matches[0].id;
    await refused(() => api('POST', `/api/matches/${id1}/decline`, { token: tok.best, body: {} }), 422, 'validation_failed', () => matchRow(id1));
    await refused(() => api('POST', `/api/matches/${id1}/decline`, { token: tok.best, body: { reason: '   ' } }), 422, 'validation_failed', () => matchRow(id1));
    const d = await api('POST', `/api/matches/${id1}/decline`, { token: tok.best, body: { reason: 'Tôi không rành ngành may.' } });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.status, 'declined');
    assert.equal((await matchRow(id1)).decline_reason, 'Tôi không rành ngành may.');
    await refused(() => api('POST', `/api/matches/${id1}/accept`, bearer(tok.best)), 409, 'conflict', () => matchRow(id1));

    const free = await api('GET', `/api/calls/${call}/mentees/unmatched`, bearer(tokens.staff));
    assert.deepEqual(free.json.items.map((i) => i.application_id), [she.id]);
    assert.equal(free.json.items[0].last_match.status, 'declined');
    assert.equal(free.json.items[0].last_match.mentor_name, 'Cố vấn thứ nhất');

    res = await run(tokens.staff, call);
    assert.equal(res.matches.length, 1);
    assert.equal(res.matches[0].mentor.id, second);
    await publish(tokens.staff, call);
    const id2 = res.matches[0].id;
    // The offer lapses.
    await db.query(`UPDATE matches SET expires_at = now() - interval '1 second' WHERE id = $1`, [id2]);
    assert.equal(Number(await scalar('SELECT expire_matches()')), 1);
    assert.equal((await matchRow(id2)).status, 'expired');
    await refused(() => api('POST', `/api/matches/${id2}/accept`, bearer(tok.second)), 409, 'conflict', () => matchRow(id2));

    res = await run(tokens.staff, call);
    assert.equal(res.matches.length, 1);
    assert.equal(res.matches[0].mentor.id, third);
    await publish(tokens.staff, call);
    const id3 = res.matches[0].id;
    const ok = await api('POST', `/api/matches/${id3}/accept`, bearer(tok.third));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'accepted');
    assert.equal(ok.json.mentee.full_name, 'Trần Thị Hoa');
    assert.ok(ok.json.mentee.email.endsWith('@sen.test'));
    const msg = await db.query(`SELECT * FROM outbox WHERE user_id = $1 AND event = 'match.accepted'`, [she.applicant]);
    assert.equal(msg.rows.length, 1);
    assert.match(msg.rows[0].body, /Cố vấn thứ ba/);

    const mentee = await sessionFor(she.applicant);
    const mine = await api('GET', '/api/matches/mine', bearer(mentee));
    assert.equal(mine.json.items.length, 1);
    assert.equal(mine.json.items[0].mentor.full_name, 'Cố vấn thứ ba');
    assert.ok(mine.json.items[0].mentor.email);
    assert.deepEqual(Object.keys(mine.json.items[0].mentor).sort(), ['email', 'full_name']);

    // She has a mentor now: nothing more to propose.
    res = await run(tokens.staff, call);
    assert.equal(res.run.mentees, 0);
    // The database never takes the declined pair again.
    await db.query(`UPDATE matches SET status = 'ended', ended_at = now(), end_reason = 'thử' WHERE id = $1`, [id3]);
    await assert.rejects(db.query(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
      VALUES ($1, $2, $3, 'manual', 900, '{}')`, [call, she.id, best]), (e) => e.code === 'SN409' && /declined/.test(e.message));
  });
});

test('an offer past its time cannot be accepted, even before the housekeeping has run', async () => {
  const call = await makeCall();
  const m = await mentor({ capacity: 1 });
  await application(call);
  await only([m], async () => {
    const res = await run(tokens.staff, call);
    await publish(tokens.staff, call);
    const id = res.matches[0].id;
    await db.query(`UPDATE matches SET expires_at = now() - interval '1 minute' WHERE id = $1`, [id]);
    const r = await api('POST', `/api/matches/${id}/accept`, bearer(await sessionFor(m)));
    assertErr(assert, r, 409, 'conflict');
    assert.match(r.json.error.message, /expired/);
    const row = await matchRow(id);
    assert.equal(row.status, 'expired');
    assert.equal(row.responded_at.getTime(), row.expires_at.getTime());
  });
});

test('a mentor or a mentee sees only her own matches: another\'s is 404 and nothing changes', async () => {
  const call = await makeCall();
  const m1 = await mentor({ capacity: 1 });
  const m2 = await mentor({ capacity: 1 });
  const a1 = await application(call);
  const a2 = await application(call);
  await only([m1, m2], async () => {
    const res = await run(tokens.staff, call);
    await publish(tokens.staff, call);
    const of = (mid) => res.matches.find((x) => x.mentor.id === mid).id;
    const t1 = await sessionFor(m1);
    const t2 = await sessionFor(m2);
    const e1 = await sessionFor(a1.applicant);
    const e2 = await sessionFor(a2.applicant);
    assert.equal((await api('POST', `/api/matches/${of(m1)}/accept`, bearer(t1))).status, 200);
    assert.equal((await api('POST', `/api/matches/${of(m2)}/accept`, bearer(t2))).status, 200);
    const mine1 = (await api('GET', '/api/matches/mine', bearer(t1))).json.items;
    assert.deepEqual(mine1.map((x) => x.id), [of(m1)]);
    const myMentee = mine1[0].mentee.application_id;
    const otherMatch = of(m2);
    const row = () => matchRow(otherMatch);

    for (const t of [t1]) {
      assertErr(assert, await api('GET', `/api/matches/${otherMatch}/sessions`, bearer(t)), 404, 'not_found');
      await refused(() => api('POST', `/api/matches/${otherMatch}/decline`, { token: t, body: { reason: 'x' } }), 404, 'not_found', row);
      await refused(() => api('POST', `/api/matches/${otherMatch}/end`, { token: t, body: { reason: 'x' } }), 404, 'not_found', row);
      await refused(() => api('POST', `/api/matches/${otherMatch}/sessions`, { token: t, body: { held_on: '2026-01-01', minutes: 30 } }),
        404, 'not_found', row);
    }
    // Her mentee's match is the other woman's business: 404 for her.
    const herMatch = (await api('GET', '/api/matches/mine', bearer(myMentee === a1.id ? e1 : e2))).json.items[0];
    const notHers = herMatch.id === of(m1) ? of(m2) : of(m1);
    const me = myMentee === a1.id ? e1 : e2;
    assertErr(assert, await api('GET', `/api/matches/${notHers}/sessions`, bearer(me)), 404, 'not_found');
    await refused(() => api('POST', `/api/matches/${notHers}/end`, { token: me, body: { reason: 'x' } }), 404, 'not_found', () => matchRow(notHers));
    await refused(() => api('POST', `/api/matches/${notHers}/sessions`, { token: me, body: { held_on: '2026-01-01', minutes: 30 } }),
      404, 'not_found', () => matchRow(notHers));
    assertErr(assert, await api('GET', '/api/matches/999999999/sessions', bearer(me)), 404, 'not_found');
    const mineE = (await api('GET', '/api/matches/mine', bearer(me))).json.items;
    assert.deepEqual(mineE.map((x) => x.id), [herMatch.id]);
    // A mentee sees no score, no other woman, nothing about the run.
    assert.deepEqual(Object.keys(mineE[0]).sort(), ['application_id', 'business_name', 'call_id', 'end_reason', 'ended_at', 'id', 'mentor', 'since', 'status', 'version']);
  });
});

test('sessions: either side of an accepted match logs them, one a day; staff see hours per mentee and per mentor', async () => {
  const call = await makeCall();
  const m = await mentor({ capacity: 2 }, 'Cố vấn giờ giấc');
  const a = await application(call, { business: 'Xưởng gốm Lan' });
  const b = await application(call, { business: 'Quán phở Mai' });
  await only([m], async () => {
    const res = await run(tokens.staff, call);
    await publish(tokens.staff, call);
    const tm = await sessionFor(m);
    const ta = await sessionFor(a.applicant);
    const idA = res.matches.find((x) => x.application.id === a.id).id;
    const idB = res.matches.find((x) => x.application.id === b.id).id;
    const days = {};
    for (const n of [-30, -3, -2, -1, 0, 1]) {
      days[n] = await scalar(`SELECT ((now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date + $1::int)::text`, [n]);
    }
    const day = (n) => days[n];

    // Not accepted yet: the mentor sees it, but logs nothing on it.
    await refused(() => api('POST', `/api/matches/${idA}/sessions`, { token: tm, body: { held_on: day(0), minutes: 30 } }), 409, 'conflict');
    for (const id of [idA, idB]) assert.equal((await api('POST', `/api/matches/${id}/accept`, bearer(tm))).status, 200);
    await db.query(`UPDATE matches SET responded_at = now() - interval '10 days' WHERE id IN ($1, $2)`, [idA, idB]);

    const s1 = await api('POST', `/api/matches/${idA}/sessions`, { token: tm, body: { held_on: day(-2), minutes: 90, topics: ['finance_bookkeeping'], notes: 'Lập sổ thu chi.', next_steps: 'Ghi chép hằng ngày.' } });
    assert.equal(s1.status, 201, s1.text);
    assert.equal(s1.json.logged_by.side, 'mentor');
    assert.deepEqual(s1.json.topics, ['finance_bookkeeping']);
    const s2 = await api('POST', `/api/matches/${idA}/sessions`, { token: ta, body: { held_on: day(-1), minutes: 45 } });
    assert.equal(s2.status, 201, s2.text);
    assert.equal(s2.json.logged_by.side, 'mentee');
    const s3 = await api('POST', `/api/matches/${idB}/sessions`, { token: tm, body: { held_on: day(0), minutes: 60 } });
    assert.equal(s3.status, 201, s3.text);

    // The same day twice; the future; before the match; bad fields.
    const dup = await refused(() => api('POST', `/api/matches/${idA}/sessions`, { token: ta, body: { held_on: day(-2), minutes: 90 } }), 409, 'conflict');
    assert.ok(fieldsOf(dup).held_on);
    const fut = await refused(() => api('POST', `/api/matches/${idA}/sessions`, { token: tm, body: { held_on: day(1), minutes: 30 } }), 422, 'validation_failed');
    assert.match(fieldsOf(fut).held_on, /future/);
    const early = await refused(() => api('POST', `/api/matches/${idA}/sessions`, { token: tm, body: { held_on: day(-30), minutes: 30 } }), 422, 'validation_failed');
    assert.match(fieldsOf(early).held_on, /before/);
    const bad = await refused(() => api('POST', `/api/matches/${idA}/sessions`, { token: tm, body: { held_on: day(-3), minutes: 0, topics: ['cooking'] } }),
      422, 'validation_failed');
    assert.deepEqual(Object.keys(fieldsOf(bad)).sort(), ['minutes', 'topics']);
    await refused(() => api('POST', `/api/matches/${idA}/sessions`, { token: tm, body: { held_on: day(-3), minutes: 601 } }), 422, 'validation_failed');
    await assert.rejects(db.query(`INSERT INTO mentoring_sessions (match_id, held_on, minutes, logged_by)
      VALUES ($1, current_date + 5, 30, $2)`, [idA, m]), (e) => e.code === 'SN422' && e.column === 'held_on');

    for (const t of [tm, ta, tokens.staff]) {
      const l = await api('GET', `/api/matches/${idA}/sessions`, bearer(t));
      assert.equal(l.status, 200, l.text);
      assert.equal(l.json.sessions, 2);
      assert.equal(l.json.minutes, 135);
      assert.deepEqual(l.json.items.map((x) => x.minutes), [45, 90]);
    }

    const h = await api('GET', `/api/mentoring/hours?call_id=${call}`, bearer(tokens.staff));
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.minutes, 195);
    assert.equal(h.json.sessions, 3);
    assert.equal(h.json.hours, 3.25);
    const ha = h.json.mentees.find((x) => x.application_id === a.id);
    assert.deepEqual([ha.sessions, ha.minutes, ha.hours, ha.business_name], [2, 135, 2.25, 'Xưởng gốm Lan']);
    const hb = h.json.mentees.find((x) => x.application_id === b.id);
    assert.deepEqual([hb.sessions, hb.minutes, hb.hours], [1, 60, 1]);
    assert.equal(h.json.mentors.length, 1);
    assert.deepEqual([h.json.mentors[0].mentor_id, h.json.mentors[0].mentees, h.json.mentors[0].sessions, h.json.mentors[0].minutes],
      [m, 2, 3, 195]);
    const all = await api('GET', '/api/mentoring/hours', bearer(tokens.staff));
    assert.equal(all.status, 200);
    assert.ok(all.json.minutes >= 195);
    assertErr(assert, await api('GET', '/api/mentoring/hours?call_id=abc', bearer(tokens.staff)), 400, 'validation_failed');
    assertErr(assert, await api('GET', '/api/mentoring/hours?call_id=999999999', bearer(tokens.staff)), 404, 'not_found');
  });
});

test('a match ends by either side or staff, with a reason; then she is free and sessions stop', async () => {
  const call = await makeCall();
  const m = await mentor({ capacity: 3 });
  const a = await application(call);
  const b = await application(call);
  const c = await application(call);
  await only([m], async () => {
    const res = await run(tokens.staff, call);
    await publish(tokens.staff, call);
    const tm = await sessionFor(m);
    const id = (app) => res.matches.find((x) => x.application.id === app.id).id;
    for (const app of [a, b]) assert.equal((await api('POST', `/api/matches/${id(app)}/accept`, bearer(tm))).status, 200);

    const ta = await sessionFor(a.applicant);
    await refused(() => api('POST', `/api/matches/${id(a)}/end`, { token: ta, body: {} }), 422, 'validation_failed', () => matchRow(id(a)));
    const e = await api('POST', `/api/matches/${id(a)}/end`, { token: ta, body: { reason: 'Tôi chuyển về quê.' } });
    assert.equal(e.status, 200, e.text);
    assert.equal(e.json.status, 'ended');
    const row = await matchRow(id(a));
    assert.equal(row.end_reason, 'Tôi chuyển về quê.');
    assert.equal(Number(row.ended_by), a.applicant);
    await refused(() => api('POST', `/api/matches/${id(a)}/end`, { token: tm, body: { reason: 'lần nữa' } }), 409, 'conflict', () => matchRow(id(a)));
    await refused(() => api('POST', `/api/matches/${id(a)}/sessions`, { token: tm, body: { held_on: '2026-01-01', minutes: 30 } }), 409, 'conflict');

    const byMentor = await api('POST', `/api/matches/${id(b)}/end`, { token: tm, body: { reason: 'Đã hoàn thành chương trình.' } });
    assert.equal(byMentor.status, 200);
    // Staff withdraw an offer not yet answered; the mentor cannot.
    await refused(() => api('POST', `/api/matches/${id(c)}/end`, { token: tm, body: { reason: 'không' } }), 409, 'conflict', () => matchRow(id(c)));
    const w = await api('POST', `/api/matches/${id(c)}/end`, { token: tokens.staff, body: { reason: 'Cố vấn đổi lịch.' } });
    assert.equal(w.status, 200, w.text);
    assert.equal(Number((await matchRow(id(c))).ended_by), staffId);

    const free = await api('GET', `/api/calls/${call}/mentees/unmatched`, bearer(tokens.staff));
    assert.deepEqual(free.json.items.map((i) => i.application_id).sort((x, y) => x - y), [a.id, b.id, c.id]);
    assert.equal(free.json.items.find((i) => i.application_id === a.id).last_match.status, 'ended');
    // The mentee still sees the ended match.
    assert.equal((await api('GET', '/api/matches/mine', bearer(ta))).json.items[0].status, 'ended');
    // Ended pairs are not proposed again: with this mentor alone, no one.
    const again = await run(tokens.staff, call);
    assert.equal(again.matches.length, 0);
    assert.ok(again.unmatched.every((u) => u.reason === 'none_compatible' && u.best_score === null));
  });
});

test('staff edit proposals: another mentor (rescored), one by hand, drop one; published ones stay as they are', async () => {
  const call = await makeCall();
  await settings(call, { min_score: 700 });
  const p = await mentor({ capacity: 1 });
  const q = await mentor({ capacity: 2, sectors: ['retail_trade'] });
  const paused = await mentor({ capacity: 2 });
  await db.query(`UPDATE mentor_profiles SET paused_at = now() WHERE user_id = $1`, [paused]);
  const y = await application(call);
  const z = await application(call, { sector: 'retail_trade' });
  const notFunded = await application(call, { status: 'reviewed' });
  const otherCall = await makeCall();
  const stranger = await application(otherCall);

  await only([p, q], async () => {
    const res = await run(tokens.staff, call);
    const prop = res.matches.find((x) => x.application.id === y.id);
    assert.equal(prop.mentor.id, p);
    const url = `/api/matches/${prop.id}`;
    const row = () => matchRow(prop.id);

    await refused(() => api('PUT', url, { token: tokens.staff, body: { mentor_id: q } }), 428, 'precondition_failed', row);
    await refused(() => api('PUT', url, { token: tokens.staff, body: { mentor_id: q }, headers: ifMatch(prop.version + 5) }), 412, 'precondition_failed', row);
    await refused(() => api('PUT', url, { token: tokens.staff, body: { mentor_id: paused }, headers: ifMatch(prop.version) }), 409, 'conflict', row);
    await refused(() => api('PUT', url, { token: tokens.staff, body: { mentor_id: staffId }, headers: ifMatch(prop.version) }), 422, 'validation_failed', row);
    await refused(() => api('PUT', url, { token: tokens.staff, body: { mentor_id: q, extra: 1 }, headers: ifMatch(prop.version) }), 422, 'validation_failed', row);

    const r = await api('PUT', url, { token: tokens.staff, body: { mentor_id: q }, headers: ifMatch(prop.version) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.mentor.id, q);
    assert.equal(r.json.origin, 'edited');
    assert.ok(r.json.score < prop.score);
    assert.equal(r.json.parts.sector.fit, false);
    assert.equal(r.json.below_minimum, true);
    explained(r.json);
    assert.equal(etagOf(r), prop.version + 1);

    // By hand: p is free again.
    const add = (body) => api('POST', `/api/calls/${call}/matches`, { token: tokens.staff, body });
    await refused(() => add({ application_id: notFunded.id, mentor_id: p }), 409, 'conflict');
    await refused(() => add({ application_id: stranger.id, mentor_id: p }), 422, 'validation_failed');
    await refused(() => add({ application_id: y.id, mentor_id: p }), 409, 'conflict');
    await refused(() => add({ application_id: z.id }), 422, 'validation_failed');
    await refused(() => api('POST', '/api/calls/999999999/matches', { token: tokens.staff, body: { application_id: z.id, mentor_id: p } }), 404, 'not_found');
    const zp = res.matches.find((x) => x.application.id === z.id);
    if (zp) {
      assert.equal((await api('DELETE', `/api/matches/${zp.id}`, bearer(tokens.staff))).status, 204);
      assert.equal(await matchRow(zp.id), undefined);
    }
    const man = await add({ application_id: z.id, mentor_id: p });
    assert.equal(man.status, 201, man.text);
    assert.equal(man.json.origin, 'manual');
    assert.equal(man.headers.get('location'), `/api/matches/${man.json.id}`);
    explained(man.json);

    // Both survive a new run; publish; then they can neither move nor go.
    const again = await run(tokens.staff, call);
    assert.equal(again.run.kept, 2);
    await publish(tokens.staff, call);
    const pub = await matchRow(man.json.id);
    assert.equal(pub.status, 'published');
    await refused(() => api('DELETE', `/api/matches/${man.json.id}`, bearer(tokens.staff)), 409, 'conflict', () => matchRow(man.json.id));
    await refused(() => api('PUT', `/api/matches/${man.json.id}`, { token: tokens.staff, body: { mentor_id: q }, headers: ifMatch(pub.version) }),
      409, 'conflict', () => matchRow(man.json.id));
    assertErr(assert, await api('DELETE', '/api/matches/999999999', bearer(tokens.staff)), 404, 'not_found');

    const list = await api('GET', `/api/calls/${call}/matches?status=published`, bearer(tokens.staff));
    assert.equal(list.status, 200);
    assert.equal(list.json.items.length, 2);
    assert.equal(list.json.counts.published, 2);
    for (const x of list.json.items) explained(x);
    assertErr(assert, await api('GET', `/api/calls/${call}/matches?status=maybe`, bearer(tokens.staff)), 400, 'validation_failed');
    assertErr(assert, await api('GET', '/api/calls/999999999/matches', bearer(tokens.staff)), 404, 'not_found');
  });
});

test('waitlisted women are matched only when the call says so; follow-up counts as funded', async () => {
  const call = await makeCall();
  const m = await mentor({ capacity: 5 });
  const funded = await application(call);
  const follow = await application(call, { status: 'in_followup' });
  const wait = await application(call, { status: 'waitlisted' });
  await application(call, { status: 'rejected' });
  await only([m], async () => {
    const r1 = await run(tokens.staff, call);
    assert.deepEqual(r1.matches.map((x) => x.application.id).sort((a, b) => a - b), [funded.id, follow.id]);
    await settings(call, { include_waitlisted: true });
    const r2 = await run(tokens.staff, call);
    assert.deepEqual(r2.matches.map((x) => x.application.id).sort((a, b) => a - b), [funded.id, follow.id, wait.id]);
  });
  assertErr(assert, await api('POST', '/api/calls/999999999/matching', bearer(tokens.staff)), 404, 'not_found');
});

test('answers have exactly the fields the OpenAPI document describes', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const schema = (n) => doc.components.schemas[n];
  const keys = (o) => Object.keys(o).sort();
  const props = (s) => keys(s.properties);
  const same = (o, s) => assert.deepEqual(keys(o), props(s), `${JSON.stringify(keys(o))} vs ${JSON.stringify(props(s))}`);

  const call = await makeCall();
  const m = await mentor({ capacity: 2 });
  const a = await application(call, { needs: { areas: ['finance_bookkeeping'] } });
  const b = await application(call, { sector: 'garment_textile' });
  await settings(call, { min_score: 800 });
  await only([m], async () => {
    const res = await run(tokens.staff, call);
    same(res, schema('MentoringRun'));
    same(res.run, schema('MentoringRun').properties.run);
    same(res.matches[0], schema('MentoringMatch'));
    same(res.matches[0].application, schema('MentoringMatch').properties.application);
    same(res.matches[0].mentor, schema('MentoringMatch').properties.mentor);
    same(res.matches[0].parts, schema('MentoringParts'));
    for (const [k, v] of Object.entries(res.matches[0].parts)) same(v, schema('MentoringParts').properties[k]);
    same(res.unmatched[0], schema('MentoringUnmatched'));
    assert.ok(schema('MentoringUnmatched').properties.reason.enum.includes(res.unmatched[0].reason));

    const list = (await api('GET', `/api/calls/${call}/matches`, bearer(tokens.staff))).json;
    same(list, schema('MentoringMatchList'));
    const un = (await api('GET', `/api/calls/${call}/mentees/unmatched`, bearer(tokens.staff))).json;
    same(un, schema('MentoringUnmatchedList'));
    same(un.items[0], schema('MentoringUnmatchedList').properties.items.items);
    same(un.items[0].last_run, schema('MentoringUnmatchedList').properties.items.items.properties.last_run);
    const pub = await publish(tokens.staff, call);
    same(pub, schema('MentoringPublish'));

    const tm = await sessionFor(m);
    const mine = (await api('GET', '/api/matches/mine', bearer(tm))).json;
    same(mine.items[0], schema('MentoringMatchMentor'));
    same(mine.items[0].mentee, schema('MentoringMatchMentor').properties.mentee);
    same(mine.items[0].mentee.needs, schema('MentoringMatchMentor').properties.mentee.properties.needs);
    const id = res.matches[0].id;
    assert.equal((await api('POST', `/api/matches/${id}/accept`, bearer(tm))).status, 200);
    const ta = await sessionFor(a.applicant);
    same((await api('GET', '/api/matches/mine', bearer(ta))).json.items[0], schema('MentoringMatchMentee'));
    const today = await scalar(`SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text`);
    const s = await api('POST', `/api/matches/${id}/sessions`, { token: ta, body: { held_on: today, minutes: 30 } });
    same(s.json, schema('MentoringSession'));
    same(s.json.logged_by, schema('MentoringSession').properties.logged_by);
    const sl = (await api('GET', `/api/matches/${id}/sessions`, bearer(tm))).json;
    same(sl, schema('MentoringSessionList'));
    const h = (await api('GET', `/api/mentoring/hours?call_id=${call}`, bearer(tokens.staff))).json;
    same(h, schema('MentoringHours'));
    same(h.mentees[0], schema('MentoringHours').properties.mentees.items);
    same(h.mentors[0], schema('MentoringHours').properties.mentors.items);
    assert.ok(b);
  });

  const prof = (await api('GET', '/api/me/mentor-profile', bearer(await sessionFor(m)))).json;
  same(prof, schema('MentoringProfile'));
  const ms = (await api('GET', '/api/mentors', bearer(tokens.staff))).json.items.find((x) => x.id === m);
  same(ms, schema('MentoringMentorList').properties.items.items);
  same(ms.load, schema('MentoringMentorList').properties.items.items.properties.load);
  same((await api('GET', `/api/applications/${a.id}/mentoring-needs`, bearer(tokens.staff))).json, schema('MentoringNeeds'));
  same((await api('GET', `/api/calls/${call}/matching-settings`, bearer(tokens.staff))).json, schema('MentoringSettings'));
  const ref = (await api('GET', '/api/mentoring/reference')).json;
  same(ref, schema('MentoringReference'));
  same(ref.skills[0], schema('MentoringReferenceItem'));

  // The request schemas name what the server accepts.
  assert.deepEqual(props(schema('MentoringProfileRequest')), keys(PROFILE));
  assert.equal(schema('MentoringProfileRequest').properties.capacity.maximum, 20);
  assert.equal(schema('MentoringSessionRequest').properties.minutes.maximum, 600);
});
