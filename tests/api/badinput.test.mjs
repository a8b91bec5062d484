// Hostile and broken request bodies (app/core/body.c, app/lib/schema.c)
// against the two endpoints that create accounts: each is refused in the
// one error shape and writes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, BASE, db, login } from './lib.mjs';
import { PASSWORD, assertClean, assertErr, fieldsOf, freshEmail, rawPost, unchanged } from './fixtures.mjs';

after(() => db.end());

let staff;
before(async () => { staff = await login('staff'); });

// The two endpoints, each with a body it would accept.
const targets = {
  register: {
    path: '/api/auth/register',
    auth: () => ({}),
    valid: () => ({ email: freshEmail('bad'), password: PASSWORD, full_name: 'Nguyễn Thị Bình' }),
  },
  users: {
    path: '/api/users',
    auth: () => ({ token: staff }),
    valid: () => ({ email: freshEmail('bad'), full_name: 'Nguyễn Thị Bình', role: 'reviewer' }),
  },
};

// A request with exactly these bytes and headers (no Content-Type unless given).
async function sendRaw(path, body, headers, token) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  const res = await fetch(BASE + path, { method: 'POST', headers: h, body });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

const utf8 = (s) => Buffer.from(s, 'utf8');
// s followed by spaces up to exactly n bytes.
function padBytes(s, n) {
  const b = utf8(s);
  assert.ok(b.length <= n);
  return Buffer.concat([b, Buffer.alloc(n - b.length, 0x20)]);
}
// A valid body with raw bytes spliced into full_name's value.
function withBytes(obj, bytes) {
  const marker = 'XXSPLICEXX';
  const text = JSON.stringify({ ...obj, full_name: `Nguy${marker}n` });
  const [a, b] = text.split(marker);
  return Buffer.concat([utf8(a), Buffer.from(bytes), utf8(b)]);
}

// Each case: name, request(valid body) → { body, headers? }, expected status, code, field.
const cases = [
  ['malformed JSON', (v) => ({ body: JSON.stringify(v).slice(0, -3) }), 400, 'bad_json'],
  ['single quotes', () => ({ body: "{'email': 'a@b.vn'}" }), 400, 'bad_json'],
  ['a trailing comma', (v) => ({ body: JSON.stringify(v).replace(/}$/, ',}') }), 400, 'bad_json'],
  ['garbage after the object', (v) => ({ body: `${JSON.stringify(v)} x` }), 400, 'bad_json'],
  ['two objects', (v) => ({ body: JSON.stringify(v) + JSON.stringify(v) }), 400, 'bad_json'],
  ['text/plain', (v) => ({ body: JSON.stringify(v), headers: { 'content-type': 'text/plain' } }), 415, 'bad_json'],
  ['no content type', (v) => ({ body: JSON.stringify(v), raw: true, headers: {} }), 415, 'bad_json'],
  ['application/jsonp', (v) => ({ body: JSON.stringify(v), headers: { 'content-type': 'application/jsonp' } }), 415, 'bad_json'],
  ['a form', () => ({ body: 'email=a%40b.vn&full_name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'bad_json'],
  ['multipart', () => ({ body: '--b\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.vn\r\n--b--\r\n', headers: { 'content-type': 'multipart/form-data; boundary=b' } }), 415, 'bad_json'],
  ['an empty body', () => ({ body: '' }), 400, 'bad_json'],
  ['only white space', () => ({ body: '  \n ' }), 400, 'bad_json'],
  ['a JSON array', (v) => ({ body: JSON.stringify([v]) }), 400, 'bad_json'],
  ['an empty array', () => ({ body: '[]' }), 400, 'bad_json'],
  ['a JSON string', () => ({ body: '"hello"' }), 400, 'bad_json'],
  ['null', () => ({ body: 'null' }), 400, 'bad_json'],
  ['a number', () => ({ body: '42' }), 400, 'bad_json'],
  ['duplicate keys', (v) => ({ body: JSON.stringify(v).replace(/^{/, `{"email":"${freshEmail('dupkey')}",`) }), 400, 'bad_json'],
  ['duplicate keys, same value', (v) => ({ body: JSON.stringify(v).replace(/^{/, `{"full_name":${JSON.stringify(v.full_name)},`) }), 400, 'bad_json'],
  ['invalid UTF-8: 0xFF', (v) => ({ body: withBytes(v, [0xff]) }), 400, 'bad_json'],
  ['invalid UTF-8: Latin-1 ễ', (v) => ({ body: withBytes(v, [0xea]) }), 400, 'bad_json'],
  ['invalid UTF-8: truncated sequence', (v) => ({ body: withBytes(v, [0xe1, 0xbb]) }), 400, 'bad_json'],
  ['invalid UTF-8: overlong "/"', (v) => ({ body: withBytes(v, [0xc0, 0xaf]) }), 400, 'bad_json'],
  ['invalid UTF-8: encoded surrogate', (v) => ({ body: withBytes(v, [0xed, 0xa0, 0x80]) }), 400, 'bad_json'],
  ['invalid UTF-8: above U+10FFFF', (v) => ({ body: withBytes(v, [0xf4, 0x90, 0x80, 0x80]) }), 400, 'bad_json'],
  ['\\u0000 in a string', (v) => ({ body: JSON.stringify({ ...v, full_name: 'Nguy\u0000n' }) }), 400, 'bad_json'],
  ['a lone surrogate escape', (v) => ({ body: JSON.stringify(v).replace(/"full_name":"[^"]*"/, '"full_name":"Nguy\\ud800n"') }), 400, 'bad_json'],
  ['a number too large', (v) => ({ body: JSON.stringify(v).replace(/}$/, ',"n":1e400}') }), 400, 'bad_json'],
  ['nesting 5000 deep', (v) => ({ body: JSON.stringify(v).replace(/}$/, `,"n":${'['.repeat(5000)}${']'.repeat(5000)}}`) }), 400, 'bad_json'],
  ['a control character', (v) => ({ body: JSON.stringify({ ...v, full_name: 'Nguy\u0007n' }) }), 422, 'validation_failed', 'full_name'],
  ['a newline in a name', (v) => ({ body: JSON.stringify({ ...v, full_name: 'Nguyễn\nThị' }) }), 422, 'validation_failed', 'full_name'],
  ['DEL in a name', (v) => ({ body: JSON.stringify({ ...v, full_name: 'Nguy\u007fn' }) }), 422, 'validation_failed', 'full_name'],
  ['a number for email', (v) => ({ body: JSON.stringify({ ...v, email: 5 }) }), 422, 'validation_failed', 'email'],
  ['an array for email', (v) => ({ body: JSON.stringify({ ...v, email: [v.email] }) }), 422, 'validation_failed', 'email'],
  ['an object for full_name', (v) => ({ body: JSON.stringify({ ...v, full_name: { vi: 'Bình' } }) }), 422, 'validation_failed', 'full_name'],
  ['null for full_name', (v) => ({ body: JSON.stringify({ ...v, full_name: null }) }), 422, 'validation_failed', 'full_name'],
  ['a number for phone', (v) => ({ body: JSON.stringify({ ...v, phone: 912345678 }) }), 422, 'validation_failed', 'phone'],
  ['a locale not in the list', (v) => ({ body: JSON.stringify({ ...v, locale: 'fr' }) }), 422, 'validation_failed', 'locale'],
  ['a locale in upper case', (v) => ({ body: JSON.stringify({ ...v, locale: 'VI' }) }), 422, 'validation_failed', 'locale'],
  ['a number for locale', (v) => ({ body: JSON.stringify({ ...v, locale: 1 }) }), 422, 'validation_failed', 'locale'],
  ['null for locale', (v) => ({ body: JSON.stringify({ ...v, locale: null }) }), 422, 'validation_failed', 'locale'],
  ['an unknown field', (v) => ({ body: JSON.stringify({ ...v, is_admin: true }) }), 422, 'validation_failed', 'is_admin'],
  ['__proto__', (v) => ({ body: JSON.stringify(v).replace(/}$/, ',"__proto__":{"role":"admin"}}') }), 422, 'validation_failed', '__proto__'],
  ['id chosen by the client', (v) => ({ body: JSON.stringify({ ...v, id: 1 }) }), 422, 'validation_failed', 'id'],
  ['full_name of 201 characters', (v) => ({ body: JSON.stringify({ ...v, full_name: 'a'.repeat(201) }) }), 422, 'validation_failed', 'full_name'],
  ['full_name of 201 Vietnamese characters', (v) => ({ body: JSON.stringify({ ...v, full_name: 'Ữ'.repeat(201) }) }), 422, 'validation_failed', 'full_name'],
  ['an empty full_name', (v) => ({ body: JSON.stringify({ ...v, full_name: '' }) }), 422, 'validation_failed', 'full_name'],
  ['a blank full_name', (v) => ({ body: JSON.stringify({ ...v, full_name: '   ' }) }), 422, 'validation_failed', 'full_name'],
  ['an e-mail of 255 characters', (v) => ({ body: JSON.stringify({ ...v, email: `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}` }) }), 422, 'validation_failed', 'email'],
  ['not an e-mail', (v) => ({ body: JSON.stringify({ ...v, email: 'nguyen.binh' }) }), 422, 'validation_failed', 'email'],
  ['an e-mail with a space', (v) => ({ body: JSON.stringify({ ...v, email: ` ${v.email}` }) }), 422, 'validation_failed', 'email'],
  ['an e-mail with diacritics', (v) => ({ body: JSON.stringify({ ...v, email: `bình.${v.email}` }) }), 422, 'validation_failed', 'email'],
  ['a missing e-mail', (v) => { const { email, ...rest } = v; return { body: JSON.stringify(rest) }; }, 422, 'validation_failed', 'email'],
  ['application/json with a charset, invalid field', (v) => ({ body: JSON.stringify({ ...v, full_name: '' }), headers: { 'content-type': 'application/json; charset=utf-8' } }), 422, 'validation_failed', 'full_name'],
  ['APPLICATION/JSON, invalid field', (v) => ({ body: JSON.stringify({ ...v, full_name: '' }), headers: { 'content-type': 'APPLICATION/JSON' } }), 422, 'validation_failed', 'full_name'],
  ['a body of 64 KiB + 1', (v) => ({ body: padBytes(JSON.stringify(v), 65537) }), 413, 'too_large'],
  ['a 70 000-character name', (v) => ({ body: JSON.stringify({ ...v, full_name: 'Ơ'.repeat(70000) }) }), 413, 'too_large'],
  ['a 2 MiB body (Kore keeps it on disk)', (v) => ({ body: padBytes(JSON.stringify(v), 2 * 1024 * 1024) }), 413, 'too_large'],
  ['exactly 64 KiB (accepted, then validated)', (v) => ({ body: padBytes(JSON.stringify({ ...v, full_name: '' }), 65536) }), 422, 'validation_failed', 'full_name'],
];

const perTarget = {
  register: [
    ['a role on self-registration', (v) => ({ body: JSON.stringify({ ...v, role: 'admin' }) }), 422, 'validation_failed', 'role'],
    ['a number for password', (v) => ({ body: JSON.stringify({ ...v, password: 12345678901 }) }), 422, 'validation_failed', 'password'],
    ['a password of 129 characters', (v) => ({ body: JSON.stringify({ ...v, password: 'Mật khẩu '.repeat(15).slice(0, 129) }) }), 422, 'validation_failed', 'password'],
    ['a missing password', (v) => { const { password, ...rest } = v; return { body: JSON.stringify(rest) }; }, 422, 'validation_failed', 'password'],
  ],
  users: [
    ['a password chosen by staff', (v) => ({ body: JSON.stringify({ ...v, password: PASSWORD }) }), 422, 'validation_failed', 'password'],
    ['a role not in the list', (v) => ({ body: JSON.stringify({ ...v, role: 'root' }) }), 422, 'validation_failed', 'role'],
    ['a missing role', (v) => { const { role, ...rest } = v; return { body: JSON.stringify(rest) }; }, 422, 'validation_failed', 'role'],
    ['created_by chosen by the client', (v) => ({ body: JSON.stringify({ ...v, created_by: 1 }) }), 422, 'validation_failed', 'created_by'],
  ],
};

for (const [name, target] of Object.entries(targets)) {
  test(`POST ${target.path}: malformed and hostile bodies are refused and write nothing`, async (t) => {
    for (const [label, make, status, code, field] of [...cases, ...perTarget[name]]) {
      await t.test(label, async () => {
        const req = make(target.valid());
        const r = await unchanged(assert, () => req.raw
          ? sendRaw(target.path, req.body, req.headers, target.auth().token)
          : api('POST', target.path, { ...target.auth(), body: req.body, headers: req.headers }));
        assertErr(assert, r, status, code);
        if (field) assert.equal(typeof fieldsOf(r)[field], 'string', `fields.${field}: ${r.text}`);
        assert.match(r.headers.get('content-type') || '', /^application\/json/);
      });
    }
  });

  test(`POST ${target.path}: the valid body is accepted (the cases above differ from it in one way)`, async () => {
    const r = await api('POST', target.path, { ...target.auth(), body: target.valid() });
    assert.equal(r.status, 201, r.text);
  });

  test(`POST ${target.path}: a body over 10 MiB is refused by Kore, and the server lives on`, async () => {
    const huge = Buffer.alloc(10 * 1024 * 1024 + 4096, 0x20);
    huge.write(JSON.stringify(target.valid()));
    const auth = target.auth().token ? { authorization: `Bearer ${target.auth().token}` } : {};
    const r = await unchanged(assert, () => rawPost(target.path, huge, auth));
    assert.equal(r.status, 413, r.text);
    const h = await api('GET', '/api/health');
    assert.equal(h.status, 200, h.text);
    const again = await api('POST', target.path, { ...target.auth(), body: target.valid() });
    assert.equal(again.status, 201, again.text);
  });
}

test('every error is JSON with an X-Request-Id, security headers, and no SQL or stack trace', async () => {
  const email = freshEmail('hyg');
  const ok = await api('POST', '/api/users', { token: staff, body: { email, full_name: 'A B', role: 'mentor' } });
  assert.equal(ok.status, 201, ok.text);
  const errors = [
    await api('GET', '/api/me'),
    await api('GET', '/api/nope'),
    await api('POST', '/api/health'),
    await api('GET', '/api/users/999999', { token: staff }),
    await api('GET', '/api/users?limit=0', { token: staff }),
    await api('POST', '/api/users', { token: staff, body: { email, full_name: 'A B', role: 'mentor' } }),
    await api('POST', '/api/users', { token: staff, body: '{"email":' }),
    await api('POST', '/api/users', { token: staff, body: { email: "x'; DROP TABLE users; --@x.vn", full_name: 'A', role: 'mentor' } }),
    await api('POST', '/api/users', { token: staff, body: { email: freshEmail('x'), full_name: 'A', role: 'admin' } }),
    await api('POST', '/api/auth/login', { body: { email: freshEmail('x'), password: 'wrong password' } }),
    await api('POST', '/api/auth/set-password', { body: { token: 'A'.repeat(43), password: PASSWORD } }),
    await api('POST', '/api/auth/register', { body: 'x'.repeat(70000) }),
  ];
  const seen = new Set();
  for (const r of errors) {
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${r.text}`);
    assert.ok(r.json && r.json.error && typeof r.json.error.code === 'string', r.text);
    assertClean(assert, r);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
    const id = r.headers.get('x-request-id');
    assert.ok(!seen.has(id), 'request ids are unique');
    seen.add(id);
  }
  assert.equal(errors[5].status, 409, 'the database-made conflict is mapped, not passed through');
  assert.equal(errors[7].status, 422);
});

test('X-Request-Id: a well-formed one from the proxy is kept, anything else replaced', async () => {
  const mine = `req-${Date.now().toString(36)}-abcdef`;
  const r = await api('GET', '/api/users/999999', { token: staff, headers: { 'x-request-id': mine } });
  assert.equal(r.headers.get('x-request-id'), mine);
  for (const bad of ['short', 'has space in it', '<script>alert(1)</script>', 'x'.repeat(33), 'a;b=c-12345678']) {
    const r2 = await api('GET', '/api/nope', { headers: { 'x-request-id': bad } });
    assert.notEqual(r2.headers.get('x-request-id'), bad);
    assert.match(r2.headers.get('x-request-id'), /^[0-9a-f]{32}$/);
  }
});
