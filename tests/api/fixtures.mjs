// Helpers shared by the account tests, on top of lib.mjs: fresh accounts,
// cookies, hashes, a raw HTTP client for bodies fetch() will not send, and
// a connection as the server's own role.  Not a test file itself (node
// --test only runs *.test.mjs).
import net from 'node:net';
import { createHash } from 'node:crypto';
import pg from 'pg';
import { api, assertError, BASE, db, scalar, snapshot, unique } from './lib.mjs';

// Tables any account request could write, login failures included.
export const ALL_TABLES = ['users', 'sessions', 'password_tokens', 'audit_log', 'login_failures'];

// Acceptable to valid_password: long, not common, not the e-mail.
export const PASSWORD = 'Hoa sen nở giữa hồ 2025';

export const sha256 = (s) => createHash('sha256').update(s, 'utf8').digest();

export function freshEmail(prefix = 'u') {
  return `${unique(prefix)}@sen.test`.toLowerCase();
}

// What an error body must never show: SQL, PostgreSQL's own messages,
// C source positions, stack traces.
const LEAKS = ['ERROR:', 'SELECT', 'INSERT', 'UPDATE ', 'DELETE ', '.c:', 'DETAIL:', 'pq_', 'at Object.', 'Traceback'];

export function assertClean(assert, r) {
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-zA-Z-]{8,}$/, `x-request-id on ${r.status}`);
  for (const s of LEAKS) assert.ok(!r.text.includes(s), `error body leaks "${s}": ${r.text}`);
}

// assertError (lib.mjs) plus the hygiene of every error body.
export function assertErr(assert, r, status, code) {
  assertError(assert, r, status, code);
  assertClean(assert, r);
}

// The field errors of a 4xx as an object (empty when none).
export const fieldsOf = (r) => (r.json && r.json.error && r.json.error.fields) || {};

// Run fn (a refused request) and prove it wrote nothing.
export async function unchanged(assert, fn, tables = ALL_TABLES) {
  const before = await snapshot(tables);
  const r = await fn();
  assert.deepEqual(await snapshot(tables), before, `a refused request wrote to the database: ${r && r.status} ${r && r.text}`);
  return r;
}

// sen_session=<token> out of a Set-Cookie header, and its attributes.
export function sessionCookie(r) {
  const raw = r.headers.get('set-cookie');
  if (!raw) return null;
  const m = /(?:^|,\s*)sen_session=([^;]*)((?:;[^,]*)*)/.exec(raw);
  if (!m) return null;
  const attrs = m[2].split(';').map((s) => s.trim()).filter(Boolean);
  return { raw, value: m[1], attrs, header: `sen_session=${m[1]}` };
}

// A new applicant through the API; returns { email, password, token, user }.
export async function register(fields = {}, opts = {}) {
  const body = {
    email: freshEmail('reg'),
    password: PASSWORD,
    full_name: 'Phạm Thị Mai',
    ...fields,
  };
  const r = await api('POST', '/api/auth/register', { body, ...opts });
  if (r.status !== 201) throw new Error(`register ${body.email}: ${r.status} ${r.text}`);
  return { email: r.json.user.email, password: body.password, token: r.json.token, user: r.json.user, res: r };
}

// A new account made by staff or admin (no scrypt: cheap).
export async function createUser(token, fields = {}, opts = {}) {
  const body = { email: freshEmail('made'), full_name: 'Võ Thị Sáu', role: 'reviewer', ...fields };
  const r = await api('POST', '/api/users', { token, body, ...opts });
  if (r.status !== 201) throw new Error(`create ${body.email}: ${r.status} ${r.text}`);
  return { ...r.json, res: r };
}

export async function userIdOf(email) {
  return Number(await scalar('SELECT id FROM users WHERE email = $1', [email]));
}

// POST a body over a plain socket, the way a client that streams a huge
// upload does: the headers first, the body only if the server has not
// answered within waitMs.  (fetch() gives up on a server that answers 413
// and closes before it has read the body, and the close resets the
// connection, which can swallow the answer.)
export function rawPost(path, body, headers = {}, waitMs = 500) {
  return new Promise((resolve, reject) => {
    const u = new URL(path, BASE);
    const sock = net.connect(Number(u.port), u.hostname);
    let data = Buffer.alloc(0);
    let settled = false;
    const parse = () => {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return null;
      const lines = data.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0].split(' ')[1]);
      const h = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        h[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = data.subarray(end + 4);
      const len = Number(h['content-length'] || 0);
      if (rest.length < len) return null;
      return { status, headers: h, text: rest.subarray(0, len).toString('utf8') };
    };
    const done = (err) => {
      if (settled) return;
      const r = parse();
      if (!r && !err) return;
      settled = true;
      sock.destroy();
      if (r) resolve(r); else reject(err);
    };
    sock.on('data', (d) => { data = Buffer.concat([data, d]); done(); });
    sock.on('error', (e) => done(e));
    sock.on('close', () => done(new Error(`connection closed without an answer (${data.length} bytes)`)));
    let head = `POST ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\n` +
      `Content-Length: ${body.length}\r\nConnection: close\r\n`;
    const all = { 'content-type': 'application/json', ...headers };
    for (const [k, v] of Object.entries(all)) head += `${k}: ${v}\r\n`;
    sock.write(`${head}\r\n`);
    setTimeout(() => { if (!settled) sock.write(body); }, waitMs);
  });
}

// libpq keyword conninfo or URL, for a pool as another role.
function pgConfig(url) {
  if (/^postgres(ql)?:\/\//.test(url)) return { connectionString: url };
  const cfg = {};
  for (const part of url.trim().split(/\s+/)) {
    const [k, ...rest] = part.split('=');
    const v = rest.join('=');
    if (k === 'dbname') cfg.database = v;
    else if (k === 'host' || k === 'user' || k === 'password' || k === 'port') cfg[k] = v;
  }
  return cfg;
}

// A pool that connects as sen_app, the role Kore uses (tests/run.sh
// exports SEN_APP_DATABASE_URL; otherwise DATABASE_URL with that user).
export function appPool() {
  const url = process.env.SEN_APP_DATABASE_URL;
  const cfg = url ? pgConfig(url) : { ...pgConfig(process.env.DATABASE_URL || 'dbname=sen'), user: 'sen_app' };
  const pool = new pg.Pool(cfg.connectionString ? { ...cfg, max: 1 } : { ...cfg, user: cfg.user || 'sen_app', max: 1 });
  pool.on('error', () => {});
  return pool;
}

export { db };
