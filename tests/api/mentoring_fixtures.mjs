// Helpers for the mentoring tests and their role-matrix rows: mentors and
// funded applications made in SQL (their own routes are tested apart),
// sessions made in SQL so that a test can act as any of its people
// without paying for scrypt, and a way to keep other mentors out of a
// test's matching.  Not a test file itself.
import assert from 'node:assert/strict';
import { randomBytes, createHash } from 'node:crypto';
import { api, db, scalar, unique } from './lib.mjs';
import { makeCall } from './apps_fixtures.mjs';

export { makeCall };

// Every table a mentoring request could write.
export const MT_TABLES = ['matches', 'matching_runs', 'matching_unmatched', 'mentor_profiles', 'mentoring_needs',
  'matching_settings', 'mentoring_sessions', 'outbox', 'audit_log', 'applications', 'application_events'];

// The path of statuses to each one matching may meet.
const PATH = ['submitted', 'screening', 'eligible', 'in_review', 'reviewed'];
const STATUS_PATH = {
  reviewed: PATH,
  funded: [...PATH, 'funded'],
  waitlisted: [...PATH, 'waitlisted'],
  rejected: [...PATH, 'rejected'],
  in_followup: [...PATH, 'funded', 'in_followup'],
  eligible: PATH.slice(0, 3),
};

// A bearer token for a user, as a login would give (no scrypt).
export async function sessionFor(userId) {
  const token = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO sessions (token_hash, user_id, expires_at)
    VALUES ($1, $2, now() + interval '2 hours')`, [createHash('sha256').update(token).digest(), userId]);
  return token;
}

export async function sqlUser(role, name, locale = 'vi') {
  const email = `${unique(role)}@sen.test`.toLowerCase();
  return Number(await scalar(`INSERT INTO users (email, full_name, role, locale) VALUES ($1, $2, $3, $4) RETURNING id`,
    [email, name, role, locale]));
}

// A mentor with a profile; profile fields override the defaults.
export async function mentor(profile = {}, name = 'Nguyễn Thị Cố Vấn') {
  const p = {
    sectors: ['food_beverage'],
    skills: ['finance_bookkeeping', 'marketing_sales'],
    languages: ['vi'],
    wards: ['00049'],
    remote: false,
    capacity: 1,
    availability: ['weekend'],
    bio: '',
    ...profile,
  };
  const id = await sqlUser('mentor', name);
  await db.query(`INSERT INTO mentor_profiles (user_id, sectors, skills, languages, wards, remote, capacity, availability, bio)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
  [id, p.sectors, p.skills, p.languages, p.wards, p.remote, p.capacity, p.availability, p.bio]);
  return id;
}

// A complete application of a new applicant, moved along the allowed
// transitions to opts.status (funded by default); opts.priority names a
// verified claim (its certificate on file), opts.needs her needs.
export async function application(callId, opts = {}) {
  const applicant = opts.applicant || await sqlUser('applicant', opts.name || 'Trần Thị Hoa', opts.locale || 'vi');
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    const { rows: [{ id }] } = await c.query(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector,
        description, problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines,
        women_capital_pct, woman_manager, ward_code, outside_district)
      VALUES ($1, $2, $3, $4, $5, 'Kinh doanh nhỏ', 'Khách trong phố', 'Mua thiết bị', 3, 2, 2, 20000000,
        '[{"item": "Thiết bị", "amount_vnd": 20000000}]', 100, true, $6, $7) RETURNING id`,
    [callId, applicant, opts.business || 'Quán bánh cuốn', opts.stage || 'startup', opts.sector || 'food_beverage',
      opts.ward === undefined ? '00049' : opts.ward, opts.ward === null]);
    for (const st of STATUS_PATH[opts.status || 'funded']) {
      await c.query('UPDATE applications SET status = $2 WHERE id = $1', [id, st]);
    }
    if (opts.priority) {
      const kind = opts.priority === 'disability' ? 'disability_certificate' : 'household_certificate';
      await c.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
        VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', 1000, $3, $4)`,
      [id, kind, createHash('sha256').update(`${id}`).digest(), applicant]);
      await c.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until,
          status, decided_by, decided_at)
        VALUES ($1, $2, 'GCN-1', current_date - 30, current_date + 300, 'verified', $3, now())`,
      [id, opts.priority, applicant]);
    }
    if (opts.needs) {
      await c.query(`INSERT INTO mentoring_needs (application_id, areas, language, availability)
        VALUES ($1, $2, $3, $4)`, [id, opts.needs.areas || [], opts.needs.language || 'vi', opts.needs.availability || []]);
    }
    await c.query('COMMIT');
    return { id: Number(id), applicant: Number(applicant) };
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

// Keep every mentor but `keep` out of matching for the duration of fn
// (tests run one at a time; the mentors are put back as they were).
export async function only(keep, fn) {
  const { rows } = await db.query(`UPDATE mentor_profiles SET paused_at = now(), pause_reason = 'test isolation'
    WHERE paused_at IS NULL AND NOT user_id = ANY ($1::bigint[]) RETURNING user_id`, [keep]);
  try {
    return await fn();
  } finally {
    await db.query(`UPDATE mentor_profiles SET paused_at = NULL, pause_reason = NULL, paused_by = NULL
      WHERE user_id = ANY ($1::bigint[])`, [rows.map((r) => r.user_id)]);
  }
}

// Matching settings of a call, set in SQL.
export async function settings(callId, s) {
  const cols = Object.keys(s);
  await db.query(`UPDATE matching_settings SET ${cols.map((k, i) => `${k} = $${i + 2}`).join(', ')} WHERE call_id = $1`,
    [callId, ...cols.map((k) => s[k])]);
}

export async function run(token, callId) {
  const r = await api('POST', `/api/calls/${callId}/matching`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

export async function publish(token, callId) {
  const r = await api('POST', `/api/calls/${callId}/matches/publish`, { token });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// The matches of a call as rows.
export const matchRows = async (callId) => (await db.query(
  'SELECT id, application_id, mentor_id, status, origin, score FROM matches WHERE call_id = $1 ORDER BY id', [callId])).rows
  .map((m) => ({ ...m, id: Number(m.id), application_id: Number(m.application_id), mentor_id: Number(m.mentor_id) }));

// Pairs application → mentor of a run's answer.
export const pairsOf = (res) => Object.fromEntries(res.matches.map((m) => [m.application.id, m.mentor.id]));
