// Registration, login, sessions, logout, lock-outs and set-password
// (app/accounts/auth.c, session.c), each proven in the database too.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, randomIp, scalar, snapshot, BASE } from './lib.mjs';
import {
  ALL_TABLES, PASSWORD, assertErr, createUser, fieldsOf, freshEmail, register,
  sessionCookie, sha256, unchanged, userIdOf,
} from './fixtures.mjs';

after(() => db.end());

let admin, staff;
before(async () => {
  admin = await login('admin');
  staff = await login('staff');
});

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const sessionsOf = (uid) => scalar('SELECT count(*)::int FROM sessions WHERE user_id = $1', [uid]);
const failuresOf = (email) => scalar('SELECT count(*)::int FROM login_failures WHERE email = $1', [email]);

test('register → GET /api/me → logout → /api/me is 401', async () => {
  const local = `Tuyet.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const typed = `${local}@Sen.TEST`;
  const name = 'Nguyễn Thị Ánh Tuyết';
  const snap0 = await snapshot();

  const r = await api('POST', '/api/auth/register', {
    body: { email: typed, password: PASSWORD, full_name: name, phone: '0912 345 678', locale: 'en' },
  });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.token, TOKEN_RE);
  const u = r.json.user;
  assert.equal(u.email, typed.toLowerCase(), 'e-mail is lower-cased');
  assert.equal(u.full_name, name);
  assert.equal(u.phone, '+84912345678');
  assert.equal(u.role, 'applicant', 'self-registration is always an applicant');
  assert.equal(u.locale, 'en');
  assert.equal(u.has_password, true);
  assert.equal(u.disabled, false);
  assert.ok(!('password_hash' in u) && !r.text.includes('$s1$'), 'no password hash in the reply');

  // HttpOnly, SameSite=Lax session cookie carrying the same token; no
  // Secure flag over plain http.
  const c = sessionCookie(r);
  assert.ok(c, `set-cookie: ${r.headers.get('set-cookie')}`);
  assert.equal(c.value, r.json.token);
  assert.ok(c.attrs.includes('HttpOnly'), c.raw);
  assert.ok(c.attrs.includes('SameSite=Lax'), c.raw);
  assert.ok(c.attrs.includes('Path=/'), c.raw);
  assert.ok(!c.attrs.includes('Secure'), c.raw);
  const maxAge = Number((c.attrs.find((a) => a.startsWith('Max-Age=')) || '').slice(8));
  assert.ok(maxAge > 0, c.raw);

  // The database: one user exactly as sent (e-mail lower-cased), one session.
  const row = (await db.query('SELECT * FROM users WHERE id = $1', [u.id])).rows[0];
  assert.equal(row.email, typed.toLowerCase());
  assert.equal(row.full_name, name);
  assert.equal(Buffer.compare(Buffer.from(row.full_name, 'utf8'), Buffer.from(name, 'utf8')), 0);
  assert.equal(row.phone, '+84912345678');
  assert.equal(row.role, 'applicant');
  assert.match(row.password_hash, /^\$s1\$/);
  assert.equal(await sessionsOf(u.id), 1, 'registration logs in');
  const after1 = await snapshot();
  assert.equal(after1.users, snap0.users + 1);
  assert.equal(after1.sessions, snap0.sessions + 1);
  assert.equal(after1.password_tokens, snap0.password_tokens);

  // Auto-logged-in: Bearer and cookie both work.
  const meBearer = await api('GET', '/api/me', { token: r.json.token });
  assert.equal(meBearer.status, 200, meBearer.text);
  assert.deepEqual(meBearer.json, u);
  const meCookie = await api('GET', '/api/me', { cookie: c.header });
  assert.equal(meCookie.status, 200, meCookie.text);
  assert.equal(meCookie.json.id, u.id);
  assert.equal(meCookie.json.full_name, name);

  // Logout ends the session in the database and clears the cookie.
  const out = await api('POST', '/api/auth/logout', { token: r.json.token });
  assert.equal(out.status, 204, out.text);
  assert.equal(out.text, '');
  assert.match(out.headers.get('x-request-id') || '', /^[0-9a-zA-Z-]{8,}$/);
  const cleared = sessionCookie(out);
  assert.ok(cleared && cleared.value === '' && cleared.attrs.includes('Max-Age=0'), `logout set-cookie: ${out.headers.get('set-cookie')}`);
  assert.equal(await sessionsOf(u.id), 0);

  assertErr(assert, await api('GET', '/api/me', { token: r.json.token }), 401, 'unauthorized');
  assertErr(assert, await api('GET', '/api/me', { cookie: c.header }), 401, 'unauthorized');
  const again = await unchanged(assert, () => api('POST', '/api/auth/logout', { token: r.json.token }));
  assertErr(assert, again, 401, 'unauthorized');
});

test('login returns a token and cookie; cookie and Bearer both authenticate', async () => {
  const acct = await register();
  const uid = acct.user.id;
  // The e-mail as typed in another case still logs in.
  const r = await api('POST', '/api/auth/login', { body: { email: acct.email.toUpperCase(), password: PASSWORD } });
  assert.equal(r.status, 200, r.text);
  assert.match(r.json.token, TOKEN_RE);
  assert.notEqual(r.json.token, acct.token, 'a new session, a new token');
  assert.equal(r.json.user.id, uid);
  const c = sessionCookie(r);
  assert.equal(c.value, r.json.token);
  assert.ok(c.attrs.includes('HttpOnly') && c.attrs.includes('SameSite=Lax'), c.raw);
  assert.equal(await sessionsOf(uid), 2);

  assert.equal((await api('GET', '/api/me', { cookie: c.header })).json.id, uid);
  assert.equal((await api('GET', '/api/me', { token: r.json.token })).json.id, uid);
  // Malformed credentials are simply "not logged in".
  assertErr(assert, await api('GET', '/api/me', { headers: { authorization: `Basic ${r.json.token}` } }), 401, 'unauthorized');
  assertErr(assert, await api('GET', '/api/me', { token: r.json.token + 'x' }), 401, 'unauthorized');
  assertErr(assert, await api('GET', '/api/me', { token: r.json.token.slice(0, -1) + (r.json.token.endsWith('A') ? 'B' : 'A') }), 401, 'unauthorized');
  assertErr(assert, await api('GET', '/api/me', { cookie: 'sen_session=' }), 401, 'unauthorized');
});

test('behind an https proxy the session cookie is Secure', async () => {
  const r = await api('POST', '/api/auth/register', {
    body: { email: freshEmail('secure'), password: PASSWORD, full_name: 'Hồ Xuân Hương' },
    headers: { 'x-forwarded-proto': 'https' },
  });
  assert.equal(r.status, 201, r.text);
  const c = sessionCookie(r);
  assert.ok(c.attrs.includes('Secure'), c.raw);
  assert.ok(c.attrs.includes('HttpOnly') && c.attrs.includes('SameSite=Lax'), c.raw);
});

test('Vietnamese names round-trip exactly (NFC, NFD, 200 characters)', async () => {
  const names = [
    'Nguyễn Thị Ánh Tuyết',
    'Đặng Thị Hồng Nhung'.normalize('NFD'),
    'Trương Ưng Ỷ Ỳ Ỹ Ỵ Ở Ợ',
    'Ữ'.repeat(200),
  ];
  for (const name of names) {
    const acct = await register({ full_name: name });
    assert.equal(acct.user.full_name, name);
    const stored = await scalar('SELECT full_name FROM users WHERE id = $1', [acct.user.id]);
    assert.equal(Buffer.from(stored, 'utf8').toString('hex'), Buffer.from(name, 'utf8').toString('hex'), 'stored byte for byte');
    const me = await api('GET', '/api/me', { token: acct.token });
    assert.equal(me.json.full_name, name);
    const seen = await api('GET', `/api/users/${acct.user.id}`, { token: staff });
    assert.equal(seen.json.full_name, name);
  }
});

test('phone numbers are normalised to +84…; bad ones refused with fields.phone', async () => {
  const cases = [
    ['+84 912 345 678', '+84912345678'],
    ['84912345678', '+84912345678'],
    ['0912.345.678', '+84912345678'],
    ['(098) 765-4321', '+84987654321'],
    ['024 3825 1234', '+842438251234'],
    ['+84 0912 345 678', '+84912345678'],
  ];
  for (const [typed, stored] of cases) {
    const made = await createUser(staff, { phone: typed });
    assert.equal(made.user.phone, stored, typed);
    assert.equal(await scalar('SELECT phone FROM users WHERE id = $1', [made.user.id]), stored);
  }
  const acct = await register({ phone: '+84 987 654 321' });
  assert.equal(acct.user.phone, '+84987654321');
  const nullPhone = await register({ phone: null });
  assert.equal(nullPhone.user.phone, null);

  for (const bad of ['12345', '+1 212 555 0100', '0112 345 678', '0912 345 67x', '+84 00912 345 678']) {
    const r = await unchanged(assert, () => api('POST', '/api/auth/register', {
      body: { email: freshEmail('phone'), password: PASSWORD, full_name: 'Lý Chiêu Hoàng', phone: bad },
    }));
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r).phone, `${bad}: ${r.text}`);
  }
});

test('a duplicate e-mail, in any case, is 409 conflict with fields.email', async () => {
  const acct = await register();
  for (const email of [acct.email, acct.email.toUpperCase()]) {
    const r = await unchanged(assert, () => api('POST', '/api/auth/register', {
      body: { email, password: PASSWORD, full_name: 'Bà Triệu' },
    }));
    assertErr(assert, r, 409, 'conflict');
    assert.ok(fieldsOf(r).email, r.text);
  }
  assert.equal(await scalar('SELECT count(*)::int FROM users WHERE lower(email) = $1', [acct.email]), 1);
});

test('a wrong password and an unknown e-mail get the same 401', async () => {
  const ip = randomIp();
  const acct = await register();
  const unknown = freshEmail('nobody');

  const tables = ['users', 'sessions', 'password_tokens', 'audit_log'];
  const wrong = await unchanged(assert, () => api('POST', '/api/auth/login', { ip, body: { email: acct.email, password: 'not the password!' } }), tables);
  const none = await unchanged(assert, () => api('POST', '/api/auth/login', { ip, body: { email: unknown, password: 'not the password!' } }), tables);
  assertErr(assert, wrong, 401, 'unauthorized');
  assertErr(assert, none, 401, 'unauthorized');
  assert.deepEqual(wrong.json, none.json, 'nothing tells an existing account from a missing one');
  assert.equal(wrong.headers.get('set-cookie'), null);
  // Both are counted, by e-mail and by address.
  assert.equal(await failuresOf(acct.email), 1);
  assert.equal(await failuresOf(unknown), 1);
  assert.equal(await scalar('SELECT count(*)::int FROM login_failures WHERE address = $1', [ip]), 2);
  // A successful login clears the e-mail's failures.
  await login({ email: acct.email, password: PASSWORD }, { ip });
  assert.equal(await failuresOf(acct.email), 0);
});

test('5 failures for one e-mail lock it (429 + Retry-After), even with the right password', async () => {
  const ip = randomIp();
  const acct = await register();
  for (let i = 0; i < 5; i++) {
    const r = await api('POST', '/api/auth/login', { ip, body: { email: acct.email, password: `wrong password ${i}` } });
    assertErr(assert, r, 401, 'unauthorized');
  }
  assert.equal(await failuresOf(acct.email), 5);

  // Locked: the right password is not even checked, and nothing is written
  // (the failure count does not grow while locked).
  const locked = await unchanged(assert, () => api('POST', '/api/auth/login', { ip, body: { email: acct.email, password: PASSWORD } }));
  assertErr(assert, locked, 429, 'rate_limited');
  const retry = Number(locked.headers.get('retry-after'));
  assert.ok(Number.isInteger(retry) && retry > 0 && retry <= 900, `retry-after ${locked.headers.get('retry-after')}`);
  assert.equal(locked.headers.get('set-cookie'), null);

  // The lock is on the e-mail: another address (and another case) is locked too.
  const elsewhere = await unchanged(assert, () => api('POST', '/api/auth/login', { ip: randomIp(), body: { email: acct.email.toUpperCase(), password: PASSWORD } }));
  assertErr(assert, elsewhere, 429, 'rate_limited');
  // Other accounts from the same address are not affected.
  const other = await register({}, { ip });
  await login({ email: other.email, password: PASSWORD }, { ip });

  // The same answer for an e-mail that has no account (typed in varying case).
  const ghost = freshEmail('ghost');
  for (let i = 0; i < 5; i++) {
    const r = await api('POST', '/api/auth/login', { ip, body: { email: i % 2 ? ghost.toUpperCase() : ghost, password: `wrong password ${i}` } });
    assertErr(assert, r, 401, 'unauthorized');
  }
  const ghostLocked = await unchanged(assert, () => api('POST', '/api/auth/login', { ip, body: { email: ghost, password: PASSWORD } }));
  assertErr(assert, ghostLocked, 429, 'rate_limited');
  assert.ok(Number(ghostLocked.headers.get('retry-after')) > 0);
  assert.deepEqual(ghostLocked.json, locked.json);
});

test('30 failures from one address lock that address; another address still logs in', async () => {
  const ip = randomIp();
  const acct = await register({}, { ip: randomIp() });
  for (let i = 0; i < 30; i++) {
    const r = await api('POST', '/api/auth/login', { ip, body: { email: freshEmail(`spray${i}`), password: 'Spraying passwords' } });
    assertErr(assert, r, 401, 'unauthorized');
  }
  assert.equal(await scalar('SELECT count(*)::int FROM login_failures WHERE address = $1', [ip]), 30);

  const locked = await unchanged(assert, () => api('POST', '/api/auth/login', { ip, body: { email: acct.email, password: PASSWORD } }));
  assertErr(assert, locked, 429, 'rate_limited');
  assert.ok(Number(locked.headers.get('retry-after')) > 0, `retry-after ${locked.headers.get('retry-after')}`);

  const ok = await api('POST', '/api/auth/login', { ip: randomIp(), body: { email: acct.email, password: PASSWORD } });
  assert.equal(ok.status, 200, ok.text);
});

test('a disabled account cannot log in and its sessions end at once', async () => {
  const acct = await register();
  const uid = acct.user.id;
  const second = await login({ email: acct.email, password: PASSWORD });
  assert.equal(await sessionsOf(uid), 2);
  const adminId = (await api('GET', '/api/me', { token: admin })).json.id;

  const d = await api('POST', `/api/users/${uid}/disable`, { token: admin });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.disabled, true);
  assert.ok(d.json.disabled_at);
  const row = (await db.query('SELECT disabled_at, disabled_by FROM users WHERE id = $1', [uid])).rows[0];
  assert.ok(row.disabled_at);
  assert.equal(Number(row.disabled_by), adminId);
  assert.equal(await sessionsOf(uid), 0, 'every session of the account is gone');
  assertErr(assert, await api('GET', '/api/me', { token: acct.token }), 401, 'unauthorized');
  assertErr(assert, await api('GET', '/api/me', { token: second }), 401, 'unauthorized');

  const r = await unchanged(assert, () => api('POST', '/api/auth/login', { body: { email: acct.email, password: PASSWORD } }),
    ['users', 'sessions', 'password_tokens', 'audit_log']);
  assertErr(assert, r, 403, 'forbidden');
  assert.equal(r.headers.get('set-cookie'), null);
  // Without the right password it is the usual 401: nothing is revealed.
  assertErr(assert, await api('POST', '/api/auth/login', { body: { email: acct.email, password: 'wrong password!' } }), 401, 'unauthorized');

  // Enabled again, she logs in; the old tokens stay dead.
  const e = await api('POST', `/api/users/${uid}/enable`, { token: admin });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.disabled, false);
  await login({ email: acct.email, password: PASSWORD });
  assertErr(assert, await api('GET', '/api/me', { token: acct.token }), 401, 'unauthorized');
});

test('expired and idle sessions are refused; an active one is refreshed', async () => {
  const acct = await register();
  const uid = acct.user.id;

  // Past its absolute lifetime.
  await db.query(`UPDATE sessions SET created_at = now() - interval '13 hours',
    expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(acct.token)]);
  assertErr(assert, await api('GET', '/api/me', { token: acct.token }), 401, 'unauthorized');

  // Idle longer than SEN_SESSION_IDLE (2 hours by default).
  const idle = await login({ email: acct.email, password: PASSWORD });
  await db.query(`UPDATE sessions SET last_seen_at = now() - interval '2 hours 1 minute' WHERE token_hash = $1`, [sha256(idle)]);
  assertErr(assert, await api('GET', '/api/me', { token: idle }), 401, 'unauthorized');
  assertErr(assert, await api('POST', '/api/auth/logout', { token: idle }), 401, 'unauthorized');

  // Idle for an hour: still valid, and the idle clock restarts.
  const active = await login({ email: acct.email, password: PASSWORD });
  await db.query(`UPDATE sessions SET last_seen_at = now() - interval '1 hour' WHERE token_hash = $1`, [sha256(active)]);
  const me = await api('GET', '/api/me', { token: active });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.id, uid);
  const age = await scalar(`SELECT extract(epoch FROM now() - last_seen_at)::float FROM sessions WHERE token_hash = $1`, [sha256(active)]);
  assert.ok(age < 30, `last_seen_at refreshed (age ${age} s)`);
});

test('the session token is stored only as its SHA-256', async () => {
  const ip = randomIp();
  const acct = await register({}, { ip });
  const tok = await login({ email: acct.email, password: PASSWORD }, { ip, headers: { 'user-agent': 'sen-tests/1.0' } });
  const { rows } = await db.query('SELECT s.*, s::text AS whole FROM sessions s WHERE s.token_hash = $1', [sha256(tok)]);
  assert.equal(rows.length, 1, 'a row keyed by sha256(token)');
  const s = rows[0];
  assert.equal(Number(s.user_id), acct.user.id);
  assert.equal(s.token_hash.length, 32);
  assert.ok(!s.whole.includes(tok), 'the token itself is not in the row');
  assert.ok(!s.whole.includes(Buffer.from(tok).toString('hex')), 'nor its hex');
  assert.equal(s.client_ip, ip);
  assert.equal(s.user_agent, 'sen-tests/1.0');
  const life = (s.expires_at - s.created_at) / 1000;
  assert.ok(life > 3600 && life <= 43200 + 1, `session lifetime ${life} s`);
  // Nowhere else either.
  assert.equal(await scalar(`SELECT count(*)::int FROM audit_log a WHERE a::text LIKE '%' || $1 || '%'`, [tok]), 0);
  assert.equal(await scalar(`SELECT count(*)::int FROM users u WHERE u::text LIKE '%' || $1 || '%'`, [tok]), 0);
  // Every session in the database has the shape of a hash.
  assert.equal(await scalar('SELECT count(*)::int FROM sessions WHERE length(token_hash) <> 32'), 0);
});

test('password policy: short, the e-mail, common, one repeated character → 422 fields.password', async () => {
  const local = `lan.${Date.now().toString(36)}x`;
  const email = `${local}@sen.test`;
  const cases = [
    ['short', 'Ng4n!qua'],
    ['9 multi-byte characters', 'Mậtkhẩuđẹ'],
    ['129 characters', 'a1'.repeat(64) + 'b'],
    ['the e-mail', email],
    ['the e-mail, upper case', email.toUpperCase()],
    ['the local part', local],
    ['common', 'password123'],
    ['common, any case', 'PassWord123'],
    ['common, Vietnamese', 'matkhau123'],
    ['one character', 'aaaaaaaaaaaa'],
  ];
  for (const [why, password] of cases) {
    const r = await unchanged(assert, () => api('POST', '/api/auth/register', { body: { email, password, full_name: 'Lê Thị Lan' } }));
    assertErr(assert, r, 422, 'validation_failed');
    assert.equal(typeof fieldsOf(r).password, 'string', `${why}: ${r.text}`);
    assert.ok(!r.text.includes(password), `${why}: the password is echoed: ${r.text}`);
  }
  // Ten Vietnamese characters are ten characters.
  const ok = await api('POST', '/api/auth/register', { body: { email, password: 'Mậtkhẩuđẹp', full_name: 'Lê Thị Lan' } });
  assert.equal(ok.status, 201, ok.text);
});

test('set-password: a staff-made reviewer sets her password once, then logs in', async () => {
  const ip = randomIp();
  const staffId = (await api('GET', '/api/me', { token: staff })).json.id;
  const email = freshEmail('rev');
  const snap0 = await snapshot();
  const made = await api('POST', '/api/users', { token: staff, ip, body: { email, full_name: 'Trịnh Thị Ngọc Anh', role: 'reviewer' } });
  assert.equal(made.status, 201, made.text);
  const token = made.json.set_password_token;
  assert.match(token, TOKEN_RE);
  assert.equal(made.json.set_password_url, `${process.env.SEN_PUBLIC_ORIGIN || BASE}/#/set-password?token=${token}`);
  const hours = (Date.parse(made.json.expires_at) - Date.now()) / 3600e3;
  assert.ok(hours > 71 && hours <= 72, `expires in ${hours} h`);
  assert.equal(made.json.user.role, 'reviewer');
  assert.equal(made.json.user.has_password, false);
  const after1 = await snapshot();
  assert.equal(after1.users, snap0.users + 1);
  assert.equal(after1.password_tokens, snap0.password_tokens + 1);
  assert.equal(after1.sessions, snap0.sessions, 'creating an account logs nobody in');

  // Stored hashed, created by the staff member, unused.
  const pt = (await db.query('SELECT t.*, t::text AS whole FROM password_tokens t WHERE user_id = $1', [made.json.user.id])).rows;
  assert.equal(pt.length, 1);
  assert.deepEqual(pt[0].token_hash, sha256(token));
  assert.ok(!pt[0].whole.includes(token));
  assert.equal(Number(pt[0].created_by), staffId);
  assert.equal(pt[0].used_at, null);
  assert.equal(await scalar(`SELECT count(*)::int FROM audit_log a WHERE a::text LIKE '%' || $1 || '%'`, [token]), 0);

  // No password yet: she cannot log in.
  assertErr(assert, await api('POST', '/api/auth/login', { ip, body: { email, password: PASSWORD } }), 401, 'unauthorized');

  // Refused attempts consume nothing.
  let r = await unchanged(assert, () => api('POST', '/api/auth/set-password', { ip, body: { token, password: 'password123' } }));
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).password, r.text);
  r = await unchanged(assert, () => api('POST', '/api/auth/set-password', { ip, body: { token, password: email } }));
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).password, r.text);
  const forged = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
  r = await unchanged(assert, () => api('POST', '/api/auth/set-password', { ip, body: { token: forged, password: PASSWORD } }));
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).token, r.text);
  r = await unchanged(assert, () => api('POST', '/api/auth/set-password', { ip, body: { token: 'short', password: PASSWORD } }));
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).token, r.text);
  assert.equal(await scalar('SELECT used_at FROM password_tokens WHERE user_id = $1', [made.json.user.id]), null);

  // Once.
  const set = await api('POST', '/api/auth/set-password', { ip, body: { token, password: PASSWORD } });
  assert.equal(set.status, 200, set.text);
  assert.equal(set.json.id, made.json.user.id);
  assert.equal(set.json.has_password, true);
  assert.ok(await scalar('SELECT used_at FROM password_tokens WHERE user_id = $1', [made.json.user.id]));
  assert.match(await scalar('SELECT password_hash FROM users WHERE id = $1', [made.json.user.id]), /^\$s1\$/);

  r = await unchanged(assert, () => api('POST', '/api/auth/set-password', { ip, body: { token, password: 'Một mật khẩu khác 99' } }));
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).token, r.text);

  const tok = await login({ email, password: PASSWORD }, { ip });
  const me = await api('GET', '/api/me', { token: tok });
  assert.equal(me.json.role, 'reviewer');
  assert.equal(me.json.email, email);
});

test('a reset link ends every session; an expired link is refused', async () => {
  const made = await createUser(staff, { role: 'mentor' });
  const uid = made.user.id;
  const set = await api('POST', '/api/auth/set-password', { body: { token: made.set_password_token, password: PASSWORD } });
  assert.equal(set.status, 200, set.text);
  const session = await login({ email: made.user.email, password: PASSWORD });
  assert.equal((await api('GET', '/api/me', { token: session })).status, 200);

  // An expired reset link.
  const stale = await api('POST', `/api/users/${uid}/password-token`, { token: staff });
  assert.equal(stale.status, 201, stale.text);
  await db.query(`UPDATE password_tokens SET created_at = now() - interval '4 days', expires_at = now() - interval '1 day'
    WHERE token_hash = $1`, [sha256(stale.json.set_password_token)]);
  const r = await unchanged(assert, () => api('POST', '/api/auth/set-password', { body: { token: stale.json.set_password_token, password: 'Mật khẩu mới tinh 2025' } }));
  assertErr(assert, r, 422, 'validation_failed');
  assert.ok(fieldsOf(r).token, r.text);

  // A fresh one: the new password ends the running session.
  const reset = await api('POST', `/api/users/${uid}/password-token`, { token: staff });
  assert.equal(reset.status, 201, reset.text);
  const again = await api('POST', '/api/auth/set-password', { body: { token: reset.json.set_password_token, password: 'Mật khẩu mới tinh 2025' } });
  assert.equal(again.status, 200, again.text);
  assert.equal(await sessionsOf(uid), 0);
  assertErr(assert, await api('GET', '/api/me', { token: session }), 401, 'unauthorized');
  assertErr(assert, await api('POST', '/api/auth/login', { body: { email: made.user.email, password: PASSWORD } }), 401, 'unauthorized');
  await login({ email: made.user.email, password: 'Mật khẩu mới tinh 2025' });
  assert.ok(await userIdOf(made.user.email));
});

test('concurrent registrations of one e-mail: exactly one account', async () => {
  const email = freshEmail('twin');
  const rs = await Promise.all([0, 1, 2, 3].map(() =>
    api('POST', '/api/auth/register', { body: { email, password: PASSWORD, full_name: 'Hai Bà Trưng' } })));
  assert.deepEqual(rs.map((r) => r.status).sort(), [201, 409, 409, 409], rs.map((r) => r.text).join('\n'));
  for (const r of rs.filter((x) => x.status === 409)) {
    assertErr(assert, r, 409, 'conflict');
    assert.ok(fieldsOf(r).email, r.text);
  }
  assert.equal(await scalar('SELECT count(*)::int FROM users WHERE email = $1', [email]), 1);
  assert.equal(await sessionsOf(await userIdOf(email)), 1);
});

test('a set-password token works once even when requests race for it', async () => {
  const made = await createUser(staff, { role: 'mentor' });
  const rs = await Promise.all([0, 1, 2, 3].map((i) =>
    api('POST', '/api/auth/set-password', { body: { token: made.set_password_token, password: `${PASSWORD} #${i}` } })));
  assert.deepEqual(rs.map((r) => r.status).sort(), [200, 422, 422, 422], rs.map((r) => r.text).join('\n'));
  for (const r of rs.filter((x) => x.status === 422)) assert.ok(fieldsOf(r).token, r.text);
  // The password that won is the one that works.
  const winner = rs.findIndex((r) => r.status === 200);
  await login({ email: made.user.email, password: `${PASSWORD} #${winner}` });
});

// SERVER BUG (see the report): the lock-out is checked before the scrypt
// task and the failure is written after it, so parallel guesses all pass
// the check.  Expected: no more than SEN_LOGIN_MAX_ACCOUNT (5) guesses are
// ever checked for one e-mail in a window, however they are sent.
test('the e-mail lock-out holds against parallel guesses (at most 5 checked)', async () => {
  const ip = randomIp();
  const acct = await register({}, { ip: randomIp() });
  const rs = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    api('POST', '/api/auth/login', { ip, body: { email: acct.email, password: `parallel guess ${i}` } })));
  const statuses = rs.map((r) => r.status);
  assert.ok(statuses.every((s) => s === 401 || s === 429), statuses.join());
  assert.ok(statuses.filter((s) => s === 401).length <= 5,
    `${statuses.filter((s) => s === 401).length} of 12 parallel guesses were checked: ${statuses.join()}`);
  assert.ok(await failuresOf(acct.email) <= 5, `${await failuresOf(acct.email)} failures recorded`);
});

test('clients that hang up while their password is hashed do not hurt the server', async () => {
  const ip = randomIp();
  const emails = [];
  const pending = [];
  for (let i = 0; i < 8; i++) {
    const ac = new AbortController();
    const email = freshEmail(`gone${i}`);
    emails.push(email);
    pending.push(fetch(`${BASE}/api/auth/register`, {
      method: 'POST', signal: ac.signal,
      headers: { 'content-type': 'application/json', 'x-real-ip': ip },
      body: JSON.stringify({ email, password: PASSWORD, full_name: 'Khách Vội' }),
    }).then((r) => r.text(), () => 'aborted'));
    setTimeout(() => ac.abort(), 2 + i);
  }
  await Promise.all(pending);
  await new Promise((resolve) => setTimeout(resolve, 500));
  if (process.env.SEN_KORE_PID) process.kill(Number(process.env.SEN_KORE_PID), 0);
  const h = await api('GET', '/api/health');
  assert.equal(h.status, 200, h.text);
  // Each either completed or left nothing behind: never half an account.
  for (const email of emails) {
    const id = await userIdOf(email);
    if (id) assert.equal(await scalar('SELECT count(*)::int FROM users WHERE id = $1 AND password_hash IS NOT NULL', [id]), 1);
  }
  const acct = await register({}, { ip });
  await login({ email: acct.email, password: PASSWORD }, { ip });
});
