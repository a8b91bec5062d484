// Helpers for the profile, application and screening tests (and their
// role-matrix rows): open calls made directly in SQL (the calls API is
// tested on its own), complete profiles and drafts, uploaded certificates
// as rows, and the tables an application request can write.  Not a test
// file itself.
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { api, db, scalar } from './lib.mjs';
import { register } from './fixtures.mjs';

// Every table a profile, application or screening request could write.
export const APP_TABLES = ['applications', 'application_events', 'priority_claims', 'applicant_profiles', 'outbox', 'audit_log', 'users', 'reference_counters'];

export const ALL_WARDS = ['00037', '00040', '00043', '00046', '00049', '00052', '00055', '00058', '00061', '00064',
  '00067', '00070', '00073', '00076', '00079', '00082', '00085', '00088'];

// Today in Hà Nội, and days around it, as YYYY-MM-DD (the server's calendar).
export const today = () => scalar('SELECT applications_today()::text');
export const day = (expr) => scalar(`SELECT (applications_today() + ${expr})::date::text`);

// A call made in SQL: criteria whose weights sum to 100 in the same
// transaction, then opened (the rubric freezes).  opts: any column of
// calls, status ('open' by default; 'draft' leaves it so; 'closed' opens
// then closes it).
export async function makeCall(opts = {}) {
  const { status = 'open', ...cols } = opts;
  const c = {
    title_vi: 'Hỗ trợ phụ nữ khởi nghiệp 2026',
    title_en: 'Women starting a business 2026',
    description_vi: 'Đợt hỗ trợ thử nghiệm.',
    description_en: 'A test call.',
    opens_at: new Date(Date.now() - 86400e3).toISOString(),
    closes_at: new Date(Date.now() + 30 * 86400e3).toISOString(),
    budget_vnd: 2000000000,
    max_award_vnd: 50000000,
    stages: ['idea', 'startup', 'new_business'],
    wards: ALL_WARDS,
    allow_outside_district: false,
    ...cols,
  };
  const names = Object.keys(c);
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      `INSERT INTO calls (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
      names.map((k) => c[k]));
    const id = Number(rows[0].id);
    await client.query(`INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight)
      VALUES ($1, 1, 'impact', 'Tác động', 'Impact', 10, 60), ($1, 2, 'feasibility', 'Tính khả thi', 'Feasibility', 10, 40)`, [id]);
    await client.query('COMMIT');
    if (status !== 'draft') {
      // A call opens only with a closing time ahead (calls_guard); one
      // whose time has passed is opened first and its time moved after.
      const past = new Date(c.closes_at) <= new Date();
      if (past) await db.query("UPDATE calls SET closes_at = now() + interval '1 day' WHERE id = $1", [id]);
      await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [id]);
      if (past) await db.query('UPDATE calls SET closes_at = $2 WHERE id = $1', [id, c.closes_at]);
    }
    if (status === 'closed') await db.query("UPDATE calls SET status = 'closed' WHERE id = $1", [id]);
    return id;
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
}

// A profile that lets her submit: adult, CCCD, a ward, a phone.
export function fullProfile(over = {}) {
  return {
    full_name: 'Trần Thị Hoa',
    phone: '0912 345 678',
    date_of_birth: '1988-03-15',
    national_id: '001188012345',
    ward_code: '00049',
    address: '25 Hàng Đào',
    household_status: 'none',
    disability: false,
    notify_channels: ['email'],
    ...over,
  };
}

// A draft with every field, consistent, for a call's defaults.
export function fullDraft(over = {}) {
  return {
    business_name: 'Bánh cuốn Thanh Trì',
    stage: 'idea',
    sector: 'food_beverage',
    description: 'Bánh cuốn tráng tay, bán buổi sáng.\nGiao tận nơi.',
    problem_customers: 'Người đi làm cần bữa sáng nhanh.',
    plan: 'Mua nồi tráng bánh và quảng cáo trên Zalo.',
    team_size: 3,
    women_employed: 2,
    jobs_planned: 2,
    amount_requested_vnd: 30000000,
    budget_lines: [{ item: 'Nồi tráng bánh', amount_vnd: 18000000 }, { item: 'Quảng cáo', amount_vnd: 12000000 }],
    women_capital_pct: 100,
    woman_manager: true,
    ...over,
  };
}

export const etagOf = (r) => {
  const m = /^"(\d+)"$/.exec(r.headers.get('etag') || '');
  assert.ok(m, `an ETag on ${r.status}: ${r.headers.get('etag')}`);
  return Number(m[1]);
};
export const ifMatch = (v) => ({ 'if-match': `"${v}"` });

// A new applicant with a saved profile; returns { token, id, email, profile }.
export async function applicant(profile = {}, reg = {}) {
  const a = await register({ full_name: profile.full_name || 'Trần Thị Hoa', ...reg });
  const body = fullProfile(profile);
  const r = await api('PUT', '/api/me/profile', { token: a.token, body });
  assert.equal(r.status, 200, `profile: ${r.text}`);
  return { token: a.token, id: a.user.id, email: a.email, profile: r.json };
}

export async function createDraft(token, body) {
  const r = await api('POST', '/api/applications', { token, body });
  assert.equal(r.status, 201, `create: ${r.text}`);
  return { id: r.json.id, etag: etagOf(r), json: r.json };
}

export async function submit(token, id, etag) {
  return api('POST', `/api/applications/${id}/submit`, { token, headers: ifMatch(etag) });
}

// Draft and submit a complete application; returns the submitted JSON.
export async function submitted(token, callId, over = {}) {
  const d = await createDraft(token, fullDraft({ call_id: callId, ...over }));
  const r = await submit(token, d.id, d.etag);
  assert.equal(r.status, 200, `submit: ${r.text}`);
  return { id: d.id, etag: etagOf(r), json: r.json };
}

// An uploaded document, as the documents endpoint would leave it.
export async function addDocument(appId, kind, uploaderId) {
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(64)]);
  const { rows } = await db.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
    VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', $3, $4, $5) RETURNING id`,
  [appId, kind, bytes.length, createHash('sha256').update(bytes).digest(), uploaderId]);
  await db.query('INSERT INTO document_contents (document_id, content) VALUES ($1, $2)', [rows[0].id, bytes]);
  return Number(rows[0].id);
}

// The row and its history, to prove a refused request changed neither.
export async function appState(id) {
  const row = (await db.query('SELECT * FROM applications WHERE id = $1', [id])).rows[0];
  const events = (await db.query('SELECT * FROM application_events WHERE application_id = $1 ORDER BY id', [id])).rows;
  const claims = (await db.query('SELECT * FROM priority_claims WHERE application_id = $1 ORDER BY id', [id])).rows;
  return { row, events, claims };
}

export const events = async (id) => (await db.query(
  'SELECT from_status, to_status, actor_id, reason FROM application_events WHERE application_id = $1 ORDER BY id', [id])).rows
  .map((e) => ({ ...e, actor_id: e.actor_id == null ? null : Number(e.actor_id) }));

export const outboxOf = async (userId) => (await db.query(
  'SELECT channel, recipient, locale, subject, body FROM outbox WHERE user_id = $1 ORDER BY id', [userId])).rows;

export const auditCount = async (action, id) => Number(await scalar(
  "SELECT count(*) FROM audit_log WHERE action = $1 AND entity = 'applications' AND entity_id = $2", [action, String(id)]));

// A complete draft written in SQL for an applicant (the role matrix acts
// for the demo applicant without going through her session).
export async function sqlDraft(callId, applicantId) {
  const d = fullDraft();
  const { rows } = await db.query(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
      problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
      woman_manager, ward_code)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '00037') RETURNING id`,
  [callId, applicantId, d.business_name, d.stage, d.sector, d.description, d.problem_customers, d.plan, d.team_size,
    d.women_employed, d.jobs_planned, d.amount_requested_vnd, JSON.stringify(d.budget_lines), d.women_capital_pct, d.woman_manager]);
  return Number(rows[0].id);
}

// The same, submitted (the triggers give it its reference), with claims.
export async function sqlSubmitted(callId, applicantId, categories = []) {
  const id = await sqlDraft(callId, applicantId);
  await db.query("UPDATE applications SET status = 'submitted' WHERE id = $1", [id]);
  for (const c of categories) {
    await db.query('INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on) VALUES ($1, $2, $3, $4)',
      [id, c, 'SQL-1', '2024-01-01']);
  }
  return id;
}
