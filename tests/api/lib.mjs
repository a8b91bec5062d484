// Helpers for the HTTP API tests: a client for the running server, the
// demo accounts, and a connection to the same database so that tests can
// prove what was (and was not) written.
import pg from 'pg';
import { randomBytes } from 'node:crypto';

export const BASE = process.env.SEN_URL || 'http://127.0.0.1:18080';

// libpq keyword conninfo ("host=/x dbname=sen user=postgres") or a URL.
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

export const db = new pg.Pool({ ...pgConfig(process.env.DATABASE_URL || 'dbname=sen'), max: 4 });
// Idle connections die when a test restarts PostgreSQL; the pool opens new ones.
db.on('error', () => {});

export const demo = {
  admin: { email: 'admin@sen.example', password: 'sen-admin-demo' },
  staff: { email: 'staff@sen.example', password: 'sen-staff-demo' },
  reviewer1: { email: 'reviewer1@sen.example', password: 'sen-reviewer1-demo' },
  reviewer2: { email: 'reviewer2@sen.example', password: 'sen-reviewer2-demo' },
  mentor: { email: 'mentor@sen.example', password: 'sen-mentor-demo' },
  applicant: { email: 'applicant@sen.example', password: 'sen-applicant-demo' },
};

// Every test file plays a different client address (the server trusts
// X-Real-IP in tests, as behind nginx), so lock-outs do not leak across.
export function randomIp() {
  const b = randomBytes(3);
  return `10.${b[0]}.${b[1]}.${b[2]}`;
}
const defaultIp = randomIp();

export function unique(prefix = 'u') {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

// One request.  body: object (sent as JSON) or string/Buffer (sent as is).
export async function api(method, path, opts = {}) {
  const headers = { 'x-real-ip': opts.ip || defaultIp, ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    if (typeof opts.body === 'string' || Buffer.isBuffer(opts.body)) body = opts.body;
    else body = JSON.stringify(opts.body);
    if (!('content-type' in headers)) headers['content-type'] = 'application/json';
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await fetch(BASE + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(who, opts = {}) {
  const cred = typeof who === 'string' ? demo[who] : who;
  const r = await api('POST', '/api/auth/login', { body: cred, ...opts });
  if (r.status !== 200) throw new Error(`login ${cred.email}: ${r.status} ${r.text}`);
  return r.json.token;
}

export async function scalar(sql, params = []) {
  const { rows } = await db.query(sql, params);
  return rows.length ? Object.values(rows[0])[0] : null;
}

// Row counts of the tables a request could have written, to prove that a
// refused request changed nothing.
export async function snapshot(tables = ['users', 'sessions', 'password_tokens', 'audit_log']) {
  const out = {};
  for (const t of tables) out[t] = Number(await scalar(`SELECT count(*) FROM ${t}`));
  return out;
}

// The error shape every 4xx/5xx must have.
export function assertError(assert, r, status, code) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.ok(r.json && r.json.error, `error body: ${r.text}`);
  assert.equal(r.json.error.code, code, r.text);
  assert.equal(typeof r.json.error.message, 'string');
  assert.match(r.headers.get('x-request-id') || '', /^[0-9a-zA-Z-]{8,}$/);
}
