// Capacity-building trainings (app/followup/trainings.c, registrations.c,
// migrations/0006_followup.sql): staff publish sessions, women register
// from the portal, a full session has a waiting list that moves up in
// order when someone cancels, staff record attendance, and her history
// shows it.  Who may call each route: routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, register, unchanged, userIdOf } from './fixtures.mjs';
import { etagOf, ifMatch } from './apps_fixtures.mjs';
import { FU_TABLES, sqlTraining } from './matrix/followup.mjs';

after(() => db.end());

const at = (days) => new Date(Date.now() + days * 864e5).toISOString();

let staff, admin, staffId;
const women = [];	// { token, id, name }
before(async () => {
  staff = await login('staff');
  admin = await login('admin');
  staffId = await userIdOf('staff@sen.example');
  for (const name of ['Nguyễn Thị An', 'Trần Thị Bình', 'Lê Thị Chi', 'Phạm Thị Dung', 'Hoàng Thị Em']) {
    const r = await register({ full_name: name });
    women.push({ token: r.token, id: r.user.id, name });
  }
});

const [A, B, C, D, E] = [0, 1, 2, 3, 4];
const reg = (w, id) => api('POST', `/api/trainings/${id}/register`, { token: women[w].token });
const unreg = (w, id) => api('DELETE', `/api/trainings/${id}/register`, { token: women[w].token });
const attend = (id, w, attended = true, token = staff) => api('POST', `/api/trainings/${id}/attendance`, { token, body: { user_id: women[w].id, attended } });
const registrations = async (id) => Object.fromEntries((await db.query(
  'SELECT user_id, status FROM training_registrations WHERE training_id = $1', [id])).rows.map((r) => [Number(r.user_id), r.status]));
const statusOf = async (id, w) => (await registrations(id))[women[w].id];

function sessionBody(over = {}) {
  return {
    topic: 'digital_sales',
    title: { vi: 'Bán hàng trên Zalo và Facebook', en: 'Selling on Zalo and Facebook' },
    description: { vi: 'Chụp ảnh sản phẩm, viết bài, trả lời khách.', en: 'Product photos, posts, answering customers.' },
    starts_at: at(14),
    ends_at: at(14.125),
    place: 'Nhà văn hóa phường Hàng Bạc, 5 Hàng Bạc',
    online_url: null,
    seats: 25,
    ...over,
  };
}

test('staff publish a session; everyone sees it in the upcoming list', async () => {
  const r = await api('POST', '/api/trainings', { token: staff, body: sessionBody() });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('location'), `/api/trainings/${r.json.id}`);
  assert.equal(etagOf(r), 1);
  assert.deepEqual([r.json.topic, r.json.title.vi, r.json.seats, r.json.registered, r.json.seats_left, r.json.status],
    ['digital_sales', 'Bán hàng trên Zalo và Facebook', 25, 0, 25, 'scheduled']);
  assert.deepEqual(r.json.topic_label, { vi: 'Bán hàng trực tuyến, mạng xã hội', en: 'Online sales and social media' });
  assert.match(r.json.starts_at_local, /\+07:00$/);
  assert.deepEqual(r.json.registrations, []);
  const row = (await db.query('SELECT * FROM trainings WHERE id = $1', [r.json.id])).rows[0];
  assert.deepEqual([row.place, row.online_url, Number(row.created_by)], ['Nhà văn hóa phường Hàng Bạc, 5 Hàng Bạc', null, staffId]);

  const pub = await api('GET', '/api/trainings?topic=digital_sales');
  assert.equal(pub.status, 200);
  const item = pub.json.items.find((t) => t.id === r.json.id);
  assert.ok(item, 'anonymous visitors see it');
  assert.equal(item.mine, null);
  assert.ok(!('registrations' in item));
  const one = await api('GET', `/api/trainings/${r.json.id}`);
  assert.ok(!('registrations' in one.json), 'the list of who registered is staff\'s');

  // Online only is fine too.
  const online = await api('POST', '/api/trainings', { token: admin, body: sessionBody({ place: null, online_url: 'https://meet.example.vn/ban-hang' }) });
  assert.equal(online.status, 201, online.text);
});

test('a session is checked whole: every problem at once, nothing written', async () => {
  const bad = {
    topic: 'astrology',
    title: { vi: '  ' },
    starts_at: at(5),
    ends_at: at(4),
    place: null,
    online_url: null,
    seats: 0,
    extra: true,
  };
  const r = await unchanged(assert, () => api('POST', '/api/trainings', { token: staff, body: bad }), FU_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['ends_at', 'extra', 'place', 'seats', 'title.en', 'title.vi', 'topic'], r.text);
  assert.equal(fieldsOf(r).topic, 'must be a support area from /api/support-areas');
  assert.equal(fieldsOf(r).ends_at, 'must be after starts_at');
  assert.equal(fieldsOf(r).place, 'give a place, an online link (online_url), or both');

  for (const [over, field] of [
    [{ starts_at: at(-1), ends_at: at(1) }, 'starts_at'],
    [{ online_url: 'ftp://x.example' }, 'online_url'],
    [{ online_url: 'https://a b.vn/x' }, 'online_url'],
    [{ seats: 1001 }, 'seats'],
    [{ starts_at: '2026-05-01 08:00' }, 'starts_at'],
  ]) {
    const res = await unchanged(assert, () => api('POST', '/api/trainings', { token: staff, body: sessionBody(over) }), FU_TABLES);
    assertErr(assert, res, 422, 'validation_failed');
    assert.deepEqual(Object.keys(fieldsOf(res)), [field], res.text);
  }
});

test('seats, the waiting list in order, promotion when someone cancels (she is told once)', async () => {
  const id = await sqlTraining({ seats: 2 });
  for (const w of [A, B]) {
    const r = await reg(w, id);
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.mine.status, 'registered');
  }
  const c = await reg(C, id);
  assert.deepEqual([c.status, c.json.mine.status, c.json.mine.waitlist_position, c.json.seats_left, c.json.waitlisted], [201, 'waitlisted', 1, 0, 1]);
  const d = await reg(D, id);
  assert.equal(d.json.mine.waitlist_position, 2);

  // Twice is refused.
  for (const w of [A, C]) {
    assertErr(assert, await unchanged(assert, () => reg(w, id), FU_TABLES), 409, 'conflict');
  }
  assertErr(assert, await unchanged(assert, () => unreg(E, id), FU_TABLES), 404, 'not_found');
  assertErr(assert, await unchanged(assert, () => reg(E, 999999999), FU_TABLES), 404, 'not_found');

  // A gives up her seat: C, first in line, gets it and is told.
  const u = await unreg(A, id);
  assert.equal(u.status, 200, u.text);
  assert.equal(u.json.mine.status, 'cancelled');
  assert.deepEqual(await registrations(id), { [women[A].id]: 'cancelled', [women[B].id]: 'registered', [women[C].id]: 'registered', [women[D].id]: 'waitlisted' });
  const promoted = (await db.query("SELECT channel, subject, body FROM outbox WHERE user_id = $1 AND event = 'training.promoted'", [women[C].id])).rows;
  assert.equal(promoted.length, 1);
  assert.match(promoted[0].subject, /Bán hàng qua mạng xã hội/);
  const dView = await api('GET', `/api/trainings/${id}`, { token: women[D].token });
  assert.equal(dView.json.mine.waitlist_position, 1, 'D moved up');

  // A waiting woman who cancels frees no seat: nobody moves.
  assertErr(assert, await unchanged(assert, () => unreg(A, id), FU_TABLES), 404, 'not_found');
  // A comes back: the end of the line.
  const back = await reg(A, id);
  assert.deepEqual([back.json.mine.status, back.json.mine.waitlist_position], ['waitlisted', 2]);
  const dOut = await unreg(D, id);
  assert.equal(dOut.status, 200);
  assert.equal(await statusOf(id, A), 'waitlisted');
  assert.equal(Number(await scalar("SELECT count(*) FROM outbox WHERE event = 'training.promoted' AND user_id = $1", [women[A].id])), 0);

  // More seats (If-Match): the line moves; fewer than registered is refused.
  const v = (await api('GET', `/api/trainings/${id}`, { token: staff })).json.version;
  assertErr(assert, await unchanged(assert, () => api('PATCH', `/api/trainings/${id}`, { token: staff, body: { seats: 3 } }), FU_TABLES), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => api('PATCH', `/api/trainings/${id}`, { token: staff, body: { seats: 3 }, headers: ifMatch(v + 1) }), FU_TABLES), 412, 'precondition_failed');
  const more = await api('PATCH', `/api/trainings/${id}`, { token: staff, body: { seats: 3 }, headers: ifMatch(v) });
  assert.equal(more.status, 200, more.text);
  assert.deepEqual([more.json.seats, more.json.registered, more.json.waitlisted], [3, 3, 0]);
  assert.equal(await statusOf(id, A), 'registered');
  assert.deepEqual(more.json.registrations.map((x) => [x.full_name, x.status]),
    [['Trần Thị Bình', 'registered'], ['Lê Thị Chi', 'registered'], ['Nguyễn Thị An', 'registered'], ['Phạm Thị Dung', 'cancelled']]);
  const fewer = await unchanged(assert, () => api('PATCH', `/api/trainings/${id}`, { token: staff, body: { seats: 2 }, headers: ifMatch(etagOf(more)) }), FU_TABLES);
  assertErr(assert, fewer, 409, 'conflict');
  assert.equal(fieldsOf(fewer).seats, 'cannot be fewer than the 3 women registered');
  // The database holds the line too.
  await assert.rejects(db.query('UPDATE trainings SET seats = 1 WHERE id = $1', [id]), /more registrations than seats/);
  await assert.rejects(db.query("UPDATE training_registrations SET status = 'registered', cancelled_at = NULL WHERE training_id = $1 AND user_id = $2",
    [id, women[D].id]), /more registrations than seats/);
});

test('the last seat goes to exactly one of several women registering at once', async () => {
  const id = await sqlTraining({ seats: 1 });
  const rs = await Promise.all(women.map((_, w) => reg(w, id)));
  assert.deepEqual(rs.map((r) => r.status), [201, 201, 201, 201, 201]);
  const regs = Object.values(await registrations(id));
  assert.equal(regs.filter((s) => s === 'registered').length, 1);
  assert.equal(regs.filter((s) => s === 'waitlisted').length, 4);
  const positions = rs.map((r) => r.json.mine.waitlist_position).filter((p) => p !== null).sort();
  assert.deepEqual(positions, [1, 2, 3, 4]);
});

test('attendance: only once the session has started, only for women registered; her history shows it', async () => {
  const id = await sqlTraining({ seats: 2, topic: 'bookkeeping', title_vi: 'Ghi sổ thu chi', title_en: 'Keeping the books' });
  for (const w of [A, B, C]) await reg(w, id);
  await unreg(B, id);	// C takes her seat
  assertErr(assert, await unchanged(assert, () => attend(id, A), FU_TABLES), 409, 'conflict');

  // The session begins (in the database: the API never moves a start into the past).
  await db.query("UPDATE trainings SET starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' WHERE id = $1", [id]);
  assertErr(assert, await unchanged(assert, () => reg(D, id), FU_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => unreg(A, id), FU_TABLES), 409, 'conflict');

  const r = await attend(id, A);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.attended, 1);
  assert.equal((await attend(id, C, false)).status, 200);
  for (const w of [B, D]) {
    const res = await unchanged(assert, () => attend(id, w), FU_TABLES);
    assertErr(assert, res, 422, 'validation_failed');
    assert.equal(fieldsOf(res).user_id, 'is not registered for this session');
  }
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/trainings/${id}/attendance`, { token: staff, body: { user_id: women[A].id } }), FU_TABLES), 422, 'validation_failed');
  assertErr(assert, await unchanged(assert, () => api('POST', '/api/trainings/999999999/attendance', { token: staff, body: { user_id: women[A].id, attended: true } }), FU_TABLES), 404, 'not_found');
  const row = (await db.query('SELECT attended, attendance_by FROM training_registrations WHERE training_id = $1 AND user_id = $2', [id, women[A].id])).rows[0];
  assert.deepEqual([row.attended, Number(row.attendance_by)], [true, staffId]);

  // A waiting woman cannot be marked present.
  const full = await sqlTraining({ seats: 1 });
  await reg(A, full);
  await reg(E, full);
  await db.query("UPDATE trainings SET starts_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' WHERE id = $1", [full]);
  const w = await unchanged(assert, () => attend(full, E), FU_TABLES);
  assertErr(assert, w, 422, 'validation_failed');
  assert.equal(fieldsOf(w).user_id, 'is on the waiting list, not registered');

  // Her history.
  const mine = await api('GET', '/api/me/trainings', { token: women[A].token });
  assert.equal(mine.status, 200, mine.text);
  const seen = mine.json.items.find((t) => t.id === id);
  assert.deepEqual([seen.title.vi, seen.mine.status, seen.mine.attended], ['Ghi sổ thu chi', 'registered', true]);
  assert.ok(mine.json.attended >= 1);
  const cMine = await api('GET', '/api/me/trainings', { token: women[C].token });
  assert.equal(cMine.json.items.find((t) => t.id === id).mine.attended, false);
  const bMine = await api('GET', '/api/me/trainings', { token: women[B].token });
  assert.equal(bMine.json.items.find((t) => t.id === id).mine.status, 'cancelled');

  // Past and upcoming lists.
  const past = await api('GET', '/api/trainings?when=past&limit=200');
  assert.ok(past.json.items.some((t) => t.id === full));
  assert.ok(!past.json.items.some((t) => t.id === id), 'still going on: not past');
  const upcoming = await api('GET', '/api/trainings?limit=200', { token: women[A].token });
  assert.ok(upcoming.json.items.some((t) => t.id === id));
  assert.ok(!upcoming.json.items.some((t) => t.id === full));
  assert.equal(upcoming.json.items.find((t) => t.id === id).mine.status, 'registered');
  const starts = upcoming.json.items.map((t) => t.starts_at);
  assert.deepEqual(starts, [...starts].sort(), 'upcoming: soonest first');
  assertErr(assert, await api('GET', '/api/trainings?when=soon'), 400, 'validation_failed');
});

test('a cancelled session tells everyone registered or waiting, once, and takes nothing more', async () => {
  const id = await sqlTraining({ seats: 1 });
  await reg(A, id);
  await reg(B, id);
  await reg(C, id);
  await unreg(C, id);
  const v = (await api('GET', `/api/trainings/${id}`, { token: staff })).json.version;
  const r = await api('PATCH', `/api/trainings/${id}`, { token: staff, body: { status: 'cancelled' }, headers: ifMatch(v) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'cancelled');
  const told = (await db.query("SELECT user_id FROM outbox WHERE event = 'training.cancelled' AND dedupe_key LIKE $1 ORDER BY user_id",
    [`training:${id}:%`])).rows.map((x) => Number(x.user_id));
  assert.deepEqual(told, [women[A].id, women[B].id].sort((x, y) => x - y));
  assertErr(assert, await unchanged(assert, () => reg(D, id), FU_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => api('PATCH', `/api/trainings/${id}`, { token: staff, body: { seats: 5 }, headers: ifMatch(etagOf(r)) }), FU_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => api('PATCH', '/api/trainings/999999999', { token: staff, body: { seats: 5 }, headers: ifMatch(1) }), FU_TABLES), 404, 'not_found');
});

test('editing a session: fields merge over it; the same rules apply', async () => {
  const id = await sqlTraining();
  const bad = await unchanged(assert, () => api('PATCH', `/api/trainings/${id}`, {
    token: staff, headers: ifMatch(1), body: { ends_at: at(1), place: null, topic: 'nothing' },
  }), FU_TABLES);
  assertErr(assert, bad, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(bad)).sort(), ['ends_at', 'place', 'topic'], bad.text);
  const r = await api('PATCH', `/api/trainings/${id}`, {
    token: staff, headers: ifMatch(1), body: { title: { en: 'Social media selling' }, online_url: 'https://meet.example.vn/mxh', place: null },
  });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.title.vi, r.json.title.en, r.json.place, r.json.online_url, r.json.version],
    ['Bán hàng qua mạng xã hội', 'Social media selling', null, 'https://meet.example.vn/mxh', 2]);
});
