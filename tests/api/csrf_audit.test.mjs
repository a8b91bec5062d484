// The CSRF rule of app/core/api.c (api_csrf_ok) and the audit log
// (app/core/audit.c, the audit trigger and the privileges of sen_app).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, scryptSync } from 'node:crypto';
import { api, BASE, db, login, randomIp, scalar } from './lib.mjs';
import { PASSWORD, appPool, assertErr, freshEmail, register, sessionCookie, sha256, unchanged, userIdOf } from './fixtures.mjs';

const app = appPool();
after(async () => { await app.end(); await db.end(); });

const ORIGIN = new URL(BASE).origin;
const EVIL = 'http://evil.example';

let staff, admin, staffId, adminId;
let acct;
before(async () => {
  staff = await login('staff');
  admin = await login('admin');
  staffId = (await api('GET', '/api/me', { token: staff })).json.id;
  adminId = (await api('GET', '/api/me', { token: admin })).json.id;
  acct = await register({ full_name: 'Lương Thị Thu Trang' });
});

// A new session of acct, as the browser holds it: the cookie header.
async function cookieSession() {
  const r = await api('POST', '/api/auth/login', { body: { email: acct.email, password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  return { token: r.json.token, cookie: sessionCookie(r).header };
}
const alive = async (token) => Number(await scalar('SELECT count(*) FROM sessions WHERE token_hash = $1', [sha256(token)])) === 1;

test('CSRF: a cookie-authenticated POST from a foreign or missing origin is refused, the session lives on', async () => {
  const s = await cookieSession();
  const refused = [
    ['a foreign Origin', { origin: EVIL }],
    ['a foreign Origin with our Referer', { origin: EVIL, referer: `${ORIGIN}/` }],
    ['Origin: null (sandboxed frame)', { origin: 'null' }],
    ['our origin as a prefix of another host', { origin: `${ORIGIN}.evil.example` }],
    ['our host under another port', { origin: `${ORIGIN}1` }],
    ['no Origin, no Referer', {}],
    ['no Origin, a foreign Referer', { referer: `${EVIL}/page` }],
    ['no Origin, a Referer with our origin as user-info', { referer: `${ORIGIN}@evil.example/` }],
    ['no Origin, a Referer with our origin as a prefix', { referer: `${ORIGIN}.evil.example/` }],
  ];
  for (const [why, headers] of refused) {
    const r = await unchanged(assert, () => api('POST', '/api/auth/logout', { cookie: s.cookie, headers }));
    assertErr(assert, r, 403, 'forbidden');
    assert.equal(r.headers.get('set-cookie'), null, `${why}: the cookie is not cleared`);
    assert.ok(await alive(s.token), `${why}: the session still exists`);
    const me = await api('GET', '/api/me', { cookie: s.cookie });
    assert.equal(me.status, 200, `${why}: the session still works`);
  }
  // Reads are not state-changing: a cross-origin GET is served (the
  // browser, not the server, keeps its answer from the foreign page).
  assert.equal((await api('GET', '/api/me', { cookie: s.cookie, headers: { origin: EVIL } })).status, 200);
});

test('CSRF: our own Origin, or our Referer without Origin, may log out with the cookie', async () => {
  const a = await cookieSession();
  const r = await api('POST', '/api/auth/logout', { cookie: a.cookie, headers: { origin: ORIGIN } });
  assert.equal(r.status, 204, r.text);
  assert.equal(await alive(a.token), false);
  assertErr(assert, await api('GET', '/api/me', { cookie: a.cookie }), 401, 'unauthorized');

  const b = await cookieSession();
  const r2 = await api('POST', '/api/auth/logout', { cookie: b.cookie, headers: { referer: `${ORIGIN}/#/account` } });
  assert.equal(r2.status, 204, r2.text);
  assert.equal(await alive(b.token), false);
});

test('CSRF: a Bearer token needs no Origin, but a foreign Origin is still refused', async () => {
  const a = await cookieSession();
  const bad = await unchanged(assert, () => api('POST', '/api/auth/logout', { token: a.token, headers: { origin: EVIL } }));
  assertErr(assert, bad, 403, 'forbidden');
  assert.ok(await alive(a.token));
  const r = await api('POST', '/api/auth/logout', { token: a.token });
  assert.equal(r.status, 204, r.text);
  assert.equal(await alive(a.token), false);
});

test('CSRF: staff cookie cannot be used cross-site to create accounts', async () => {
  const r0 = await api('POST', '/api/auth/login', { body: { email: 'staff@sen.example', password: 'sen-staff-demo' } });
  const cookie = sessionCookie(r0).header;
  for (const headers of [{ origin: EVIL }, {}, { referer: `${EVIL}/` }]) {
    const email = freshEmail('csrf');
    const r = await unchanged(assert, () => api('POST', '/api/users', { cookie, headers, body: { email, full_name: 'Kẻ Gian', role: 'mentor' } }));
    assertErr(assert, r, 403, 'forbidden');
    assert.equal(await userIdOf(email), 0);
  }
  const ok = await api('POST', '/api/users', { cookie, headers: { origin: ORIGIN }, body: { email: freshEmail('csrf'), full_name: 'Người Tốt', role: 'mentor' } });
  assert.equal(ok.status, 201, ok.text);
});

test('CSRF: anonymous register and login from a foreign origin are refused (login CSRF)', async () => {
  const email = freshEmail('xreg');
  const reg = await unchanged(assert, () => api('POST', '/api/auth/register', {
    headers: { origin: EVIL }, body: { email, password: PASSWORD, full_name: 'Giả Mạo' },
  }));
  assertErr(assert, reg, 403, 'forbidden');
  assert.equal(await userIdOf(email), 0);

  const log = await unchanged(assert, () => api('POST', '/api/auth/login', {
    headers: { origin: EVIL }, body: { email: acct.email, password: PASSWORD },
  }));
  assertErr(assert, log, 403, 'forbidden');
  assert.equal(log.headers.get('set-cookie'), null);
  // Same-origin and origin-less (non-browser) clients are fine.
  assert.equal((await api('POST', '/api/auth/login', { headers: { origin: ORIGIN }, body: { email: acct.email, password: PASSWORD } })).status, 200);
});

// ---- audit log ----------------------------------------------------------

const auditOf = async (rid) => (await db.query('SELECT * FROM audit_log WHERE request_id = $1 ORDER BY id', [rid])).rows;
const ridOf = (r) => {
  const rid = r.headers.get('x-request-id');
  assert.match(rid || '', /^[0-9a-zA-Z-]{8,}$/);
  return rid;
};

test('audit: creating a user records who, what, which request, and the new row', async () => {
  const ip = randomIp();
  const email = freshEmail('aud');
  const r = await api('POST', '/api/users', { token: staff, ip, body: { email, full_name: 'Nguyễn Thị Kiểm Toán', role: 'reviewer', phone: '0912 000 111' } });
  assert.equal(r.status, 201, r.text);
  const rid = ridOf(r);
  const id = r.json.user.id;
  const rows = await auditOf(rid);
  assert.deepEqual(rows.map((a) => `${a.action} ${a.entity}`).sort(), ['users.create password_tokens', 'users.create users'], JSON.stringify(rows));

  const u = rows.find((a) => a.entity === 'users');
  assert.equal(Number(u.actor_id), staffId);
  assert.equal(u.entity_id, String(id));
  assert.equal(u.before, null);
  assert.equal(u.after.email, email);
  assert.equal(u.after.full_name, 'Nguyễn Thị Kiểm Toán');
  assert.equal(u.after.role, 'reviewer');
  assert.equal(u.after.phone, '+84912000111');
  assert.equal(Number(u.after.created_by), staffId);
  assert.ok(!('password_hash' in u.after));
  assert.ok(Date.now() - u.at.getTime() < 60e3);

  const t = rows.find((a) => a.entity === 'password_tokens');
  assert.equal(Number(t.actor_id), staffId);
  assert.equal(Number(t.after.user_id), id);
  assert.ok(!('token_hash' in t.after), 'the token hash is not copied');
  assert.ok(!JSON.stringify(t.after).includes(r.json.set_password_token));
});

test('audit: register, login, logout, disable and set-password are recorded', async () => {
  const ip = randomIp();
  const email = freshEmail('trail');
  const reg = await api('POST', '/api/auth/register', { ip, body: { email, password: PASSWORD, full_name: 'Đinh Thị Vân' } });
  assert.equal(reg.status, 201, reg.text);
  const uid = reg.json.user.id;
  const regRows = await auditOf(ridOf(reg));
  assert.deepEqual(regRows.map((a) => `${a.action} ${a.entity} ${a.entity_id}`), [`auth.register users ${uid}`]);
  assert.equal(regRows[0].after.email, email);
  assert.ok(!('password_hash' in regRows[0].after));

  const li = await api('POST', '/api/auth/login', { ip, body: { email, password: PASSWORD } });
  assert.equal(li.status, 200, li.text);
  const liRows = await auditOf(ridOf(li));
  assert.equal(liRows.length, 1, JSON.stringify(liRows));
  assert.equal(liRows[0].action, 'auth.login');
  assert.equal(Number(liRows[0].actor_id), uid);
  assert.equal(liRows[0].entity, 'users');
  assert.equal(liRows[0].entity_id, String(uid));
  assert.equal(liRows[0].client_ip, ip);
  assert.ok(!JSON.stringify(liRows[0]).includes(li.json.token));

  // A failed login is a login failure, not an audit event; it writes no audit row.
  const before1 = Number(await scalar('SELECT count(*) FROM audit_log'));
  assert.equal((await api('POST', '/api/auth/login', { ip, body: { email, password: 'wrong password' } })).status, 401);
  assert.equal(Number(await scalar('SELECT count(*) FROM audit_log')), before1);

  const lo = await api('POST', '/api/auth/logout', { ip, token: li.json.token });
  assert.equal(lo.status, 204);
  const loRows = await auditOf(ridOf(lo));
  assert.deepEqual(loRows.map((a) => [a.action, Number(a.actor_id), a.entity_id, a.client_ip]), [['auth.logout', uid, String(uid), ip]]);

  const d = await api('POST', `/api/users/${uid}/disable`, { token: admin });
  assert.equal(d.status, 200, d.text);
  const dRows = await auditOf(ridOf(d));
  assert.equal(dRows.length, 1, JSON.stringify(dRows));
  assert.equal(dRows[0].action, 'users.disable');
  assert.equal(Number(dRows[0].actor_id), adminId);
  assert.equal(dRows[0].before.disabled_at, null);
  assert.ok(dRows[0].after.disabled_at);
  assert.equal(Number(dRows[0].after.disabled_by), adminId);
  const e = await api('POST', `/api/users/${uid}/enable`, { token: admin });
  assert.deepEqual((await auditOf(ridOf(e))).map((a) => a.action), ['users.enable']);

  const tok = await api('POST', `/api/users/${uid}/password-token`, { token: staff });
  assert.equal(tok.status, 201, tok.text);
  const sp = await api('POST', '/api/auth/set-password', { body: { token: tok.json.set_password_token, password: 'Mật khẩu kiểm toán 7' } });
  assert.equal(sp.status, 200, sp.text);
  const spRows = await auditOf(ridOf(sp));
  assert.deepEqual(spRows.map((a) => `${a.action} ${a.entity}`).sort(), ['auth.set_password password_tokens', 'auth.set_password users']);
  for (const a of spRows) assert.equal(Number(a.actor_id), uid);
  const pw = spRows.find((a) => a.entity === 'users');
  assert.ok(!('password_hash' in pw.after) && !('password_hash' in pw.before));
  assert.notEqual(pw.after.password_changed_at, pw.before.password_changed_at, 'the change itself is visible');
});

test('audit: the request id the proxy sent is the one recorded', async () => {
  const rid = `lb-${randomBytes(8).toString('hex')}`;
  const r = await api('POST', '/api/users', { token: staff, headers: { 'x-request-id': rid }, body: { email: freshEmail('rid'), full_name: 'Tạ Thị Id', role: 'mentor' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.headers.get('x-request-id'), rid);
  assert.equal((await auditOf(rid)).length, 2);
});

test('audit: a password hash never reaches the audit log, not even when a login upgrades it', async () => {
  // An outdated hash (N = 2^10) of the user's password, as an old release made it.
  const email = acct.email;
  const uid = acct.user.id;
  const salt = randomBytes(16);
  const hash = scryptSync(PASSWORD, salt, 64, { N: 1024, r: 8, p: 1 });
  const old = `$s1$0a0801$${salt.toString('base64')}$${hash.toString('base64')}`;
  await db.query('UPDATE users SET password_hash = $1 WHERE id = $2', [old, uid]);

  const r = await api('POST', '/api/auth/login', { body: { email, password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  const now = await scalar('SELECT password_hash FROM users WHERE id = $1', [uid]);
  assert.notEqual(now, old, 'the login stored a new hash');
  assert.match(now, /^\$s1\$0f0801\$/, 'at the current cost');
  assert.deepEqual((await auditOf(ridOf(r))).map((a) => a.action), ['auth.login'], 'the rehash adds no row');
  await login({ email, password: PASSWORD });

  // Nowhere in the whole log: not the key, not an MCF string, not this hash.
  assert.equal(Number(await scalar(`SELECT count(*) FROM audit_log WHERE before ? 'password_hash' OR after ? 'password_hash'
    OR before ? 'token_hash' OR after ? 'token_hash'`)), 0);
  assert.equal(Number(await scalar(`SELECT count(*) FROM audit_log a WHERE a::text LIKE '%$s1$%'`)), 0);
  for (const h of [old, now]) {
    assert.equal(Number(await scalar(`SELECT count(*) FROM audit_log a WHERE strpos(a::text, $1) > 0`, [h.split('$').pop()])), 0);
  }
  // And not in any API answer about the user.
  const seen = await api('GET', `/api/users/${uid}`, { token: staff });
  assert.ok(!seen.text.includes('$s1$') && !('password_hash' in seen.json));
});

// The statement must fail; it runs in a transaction that is always rolled
// back, so that a missing protection cannot destroy the log for others.
async function refused(pool, sql, params = []) {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    try {
      await c.query(sql, params);
    } catch (e) {
      return e;
    }
    return null;
  } finally {
    await c.query('ROLLBACK').catch(() => {});
    c.release();
  }
}

test('audit_log is append-only: the owner is stopped by the trigger', async () => {
  const last = await scalar('SELECT max(id) FROM audit_log');
  const row = (await db.query('SELECT * FROM audit_log WHERE id = $1', [last])).rows[0];
  assert.ok(row, 'there is something in the log');
  for (const sql of [
    "UPDATE audit_log SET action = 'forged' WHERE id = $1",
    'UPDATE audit_log SET actor_id = NULL WHERE id = $1',
    'DELETE FROM audit_log WHERE id = $1',
  ]) {
    const e = await refused(db, sql, [last]);
    assert.ok(e, `${sql} was allowed`);
    assert.match(e.message, /append-only/, sql);
    assert.equal(e.code, 'SN403', sql);
  }
  const e = await refused(db, 'TRUNCATE audit_log');
  assert.ok(e, 'TRUNCATE was allowed');
  assert.match(e.message, /append-only/);
  assert.deepEqual((await db.query('SELECT * FROM audit_log WHERE id = $1', [last])).rows[0], row, 'the row is intact');
});

test('audit_log is append-only: sen_app, the server’s role, lacks the privilege', async () => {
  assert.equal(await (async () => (await app.query('SELECT current_user AS u')).rows[0].u)(), 'sen_app');
  const last = await scalar('SELECT max(id) FROM audit_log');
  for (const sql of [
    "UPDATE audit_log SET action = 'forged' WHERE id = $1",
    'DELETE FROM audit_log WHERE id = $1',
  ]) {
    const e = await refused(app, sql, [last]);
    assert.ok(e, `sen_app: ${sql} was allowed`);
    assert.equal(e.code, '42501', `${sql}: ${e.message}`);
    assert.match(e.message, /permission denied/);
  }
  for (const sql of ['TRUNCATE audit_log', 'ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update', 'DROP TRIGGER audit_log_no_update ON audit_log']) {
    const e = await refused(app, sql);
    assert.ok(e, `sen_app: ${sql} was allowed`);
    assert.equal(e.code, '42501', `${sql}: ${e.message}`);
  }
  // Reference data is not the server's to change either; reading is fine.
  assert.equal((await refused(app, "UPDATE wards SET name_vi = 'x' WHERE code = '00037'")).code, '42501');
  assert.equal((await refused(app, 'DELETE FROM schema_migrations')).code, '42501');
  assert.ok(Number((await app.query('SELECT count(*) FROM audit_log')).rows[0].count) > 0);
});
