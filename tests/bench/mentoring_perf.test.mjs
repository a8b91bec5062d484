// Not part of `make test` (it takes half a minute): matching 10 000 women
// against 1 000 mentors through the API.  Run against a test server with
// SEN_URL and DATABASE_URL set, e.g. from `make bench`.
// The size the issue asks for: 10 000 funded women and 1 000 mentors,
// made in SQL with generate_series (applications along the allowed
// transitions), matched through the API.  The time of each call is
// printed, not asserted (the machine is shared); what must hold is.
// What the test made goes afterwards, so that other tests neither see
// these mentors nor list these applications: rows are deleted, the
// accounts disabled (accounts are never deleted, and deleting them would
// check every table that names a user).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login } from '../api/lib.mjs';
import { makeCall, only } from '../api/mentoring_fixtures.mjs';

after(() => db.end());

const MENTEES = 10000;
const MENTORS = 1000;

// Profiles vary with hashes of the ids: sectors, skills, wards, remote,
// languages, times and capacities (1 to 5: 3 000 places, fewer than the
// women) of the mentors; sector, ward, needs and language of the women;
// a third of the women with verified priority.
const MENTORS_SQL = `
WITH u AS (
  INSERT INTO users (email, full_name, role)
  SELECT format('perf-m-%s-%s@sen.test', $1::bigint, g), 'Cố vấn ' || g, 'mentor'
  FROM generate_series(1, $2::int) g RETURNING id)
INSERT INTO mentor_profiles (user_id, sectors, skills, languages, wards, remote, capacity, availability)
SELECT id,
  ARRAY(SELECT code FROM sectors s WHERE ((x >> s.position) & 7) = 0 OR s.position = 1 + x % 11 ORDER BY s.position),
  ARRAY(SELECT code FROM mentoring_skills k WHERE ((y >> k.position) & 3) = 0 OR k.position = 1 + y % 14 ORDER BY k.position),
  CASE WHEN id % 3 = 0 THEN '{vi,en}'::text[] ELSE '{vi}' END,
  ARRAY(SELECT w.code FROM mentoring_ward_bits() w WHERE ((z >> w.wbit) & 7) = 0 ORDER BY w.code),
  id % 2 = 0 OR NOT EXISTS (SELECT 1 FROM mentoring_ward_bits() w WHERE ((z >> w.wbit) & 7) = 0),
  1 + id % 5,
  ARRAY(SELECT code FROM mentoring_times t WHERE ((z >> (20 + t.position)) & 1) = 1 OR t.position = 1 + z % 3 ORDER BY t.position)
FROM (SELECT id, abs(hashtext('s' || id)) AS x, abs(hashtext('k' || id)) AS y, abs(hashtext('w' || id)) AS z FROM u) q`;

const MENTEES_SQL = `
WITH u AS (
  INSERT INTO users (email, full_name, role)
  SELECT format('perf-a-%s-%s@sen.test', $1::bigint, g), 'Chủ doanh nghiệp ' || g, 'applicant'
  FROM generate_series(1, $2::int) g RETURNING id),
p AS (INSERT INTO applicant_profiles (user_id, notify_channels) SELECT id, '{}' FROM u RETURNING user_id)
INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description, problem_customers, plan,
  team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct, woman_manager, ward_code)
SELECT $1::bigint, user_id, 'Doanh nghiệp ' || user_id, 'startup',
  (SELECT code FROM sectors WHERE position = 1 + abs(hashtext('a' || user_id)) % 11),
  'Kinh doanh nhỏ', 'Khách trong phố', 'Mua thiết bị', 3, 2, 2, 20000000,
  '[{"item": "Thiết bị", "amount_vnd": 20000000}]', 100, true,
  (SELECT code FROM mentoring_ward_bits() WHERE wbit = abs(hashtext('b' || user_id)) % 18)
FROM p`;

const TRANSITIONS = ['submitted', 'screening', 'eligible', 'in_review', 'reviewed', 'funded'];

const NEEDS_AND_PRIORITY = `
INSERT INTO mentoring_needs (application_id, areas, language)
SELECT a.id, ARRAY(SELECT code FROM mentoring_skills k
    WHERE ((abs(hashtext('n' || a.id)) >> k.position) & 7) = 0 ORDER BY k.position),
  CASE WHEN a.id % 20 = 0 THEN 'en' ELSE 'vi' END
FROM applications a WHERE a.call_id = $1;

INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
SELECT a.id, 'household_certificate', 'application/pdf', 'gcn.pdf', 1000, sha256(a.id::text::bytea), a.applicant_id
FROM applications a WHERE a.call_id = $1 AND a.id % 3 = 0;

INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until, status,
  decided_by, decided_at)
SELECT a.id, 'poor', 'GCN', current_date - 30, current_date + 300, 'verified', a.applicant_id, now()
FROM applications a WHERE a.call_id = $1 AND a.id % 3 = 0;`;

async function generate(call) {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query(MENTORS_SQL, [call, MENTORS]);
    await c.query(MENTEES_SQL, [call, MENTEES]);
    for (const st of TRANSITIONS) await c.query('UPDATE applications SET status = $2 WHERE call_id = $1', [call, st]);
    for (const q of NEEDS_AND_PRIORITY.split(';').filter((x) => x.trim())) await c.query(q, [call]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

async function cleanup(call) {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    const people = `(SELECT id FROM users WHERE email LIKE 'perf-_-' || $1::bigint || '-%@sen.test')`;
    const apps = '(SELECT id FROM applications WHERE call_id = $1)';
    for (const q of [
      'DELETE FROM matching_unmatched WHERE run_id IN (SELECT id FROM matching_runs WHERE call_id = $1)',
      'DELETE FROM matches WHERE call_id = $1',
      'DELETE FROM matching_runs WHERE call_id = $1',
      `DELETE FROM mentor_profiles WHERE user_id IN ${people}`,
      `DELETE FROM mentoring_needs WHERE application_id IN ${apps}`,
      `DELETE FROM priority_claims WHERE application_id IN ${apps}`,
      `DELETE FROM documents WHERE application_id IN ${apps}`,
      `DELETE FROM followup_schedule WHERE business_id IN (SELECT id FROM businesses WHERE application_id IN ${apps})`,
      `DELETE FROM businesses WHERE application_id IN ${apps}`,
      `DELETE FROM application_events WHERE application_id IN ${apps}`,
      'DELETE FROM applications WHERE call_id = $1',
      `UPDATE users SET disabled_at = now() WHERE id IN ${people}`,
    ]) await c.query(q, [call]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

async function timed(t, label, token, call) {
  const t0 = Date.now();
  const r = await api('POST', `/api/calls/${call}/matching`, { token });
  const ms = Date.now() - t0;
  assert.equal(r.status, 200, r.text.slice(0, 500));
  const run = r.json.run;
  t.diagnostic(`${label}: ${run.mentees} mentees x ${run.mentors} mentors (${run.places} places), ` +
    `${run.pairs} pairs at or above the minimum: ${run.proposed} proposed (${run.proposed_priority} with priority), ` +
    `solver ${run.solve_ms} ms, API call ${ms} ms, answer ${(r.text.length / 1e6).toFixed(1)} MB`);
  return r.json;
}

test('10 000 women x 1 000 mentors: matched through the API in one call each, scarce then ample places', async (t) => {
  const token = await login('staff');
  const call = await makeCall();
  try {
    const g0 = Date.now();
    await generate(call);
    t.diagnostic(`generated in ${Date.now() - g0} ms`);
    const mentors = (await db.query(`SELECT id FROM users WHERE email LIKE $1`, [`perf-m-${call}-%`])).rows.map((r) => r.id);
    assert.equal(mentors.length, MENTORS);

    await only(mentors, async () => {
      const scarce = await timed(t, 'scarce', token, call);
      assert.equal(scarce.run.mentees, MENTEES);
      assert.equal(scarce.run.mentors, MENTORS);
      assert.equal(scarce.run.places, 3000);
      assert.equal(scarce.run.proposed, 3000);
      // Places are fewer than the women with priority: all go to them.
      assert.equal(scarce.run.proposed_priority, 3000);
      assert.ok(scarce.unmatched.every((u) => u.reason !== 'none_compatible' || u.best_score < 400));

      await db.query(`UPDATE mentor_profiles SET capacity = 12 WHERE user_id = ANY ($1::bigint[])`, [mentors]);
      const ample = await timed(t, 'ample', token, call);
      assert.equal(ample.run.places, 12000);
      assert.equal(ample.run.proposed + ample.unmatched.length, MENTEES);
      assert.ok(ample.run.proposed >= 9900, `${ample.run.proposed} proposed`);
      const over = await db.query(`SELECT p.user_id FROM mentor_profiles p
        WHERE p.user_id = ANY ($1::bigint[]) AND p.capacity < (SELECT count(*) FROM matches m
          WHERE m.mentor_id = p.user_id AND m.status IN ('proposed', 'published', 'accepted'))`, [mentors]);
      assert.deepEqual(over.rows, [], 'no mentor over her capacity');
      const sum = await db.query(`SELECT count(*)::int AS n, sum(score)::bigint AS s FROM matches WHERE call_id = $1`, [call]);
      assert.equal(sum.rows[0].n, ample.run.proposed);
      assert.equal(Number(sum.rows[0].s), ample.run.total_score);
    });
  } finally {
    await cleanup(call);
  }
});
