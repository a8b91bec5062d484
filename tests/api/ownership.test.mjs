// Another person's records, generated from the route table: every route
// with an {id} that an applicant, a mentor or a reviewer may call (or
// that is public) declares, in its row of tests/api/matrix/*.mjs, either
//
//   other: { <role>: async () => ({ arg, missing[, call] }) }
//       a record of someone else (arg for the row's call) and one that
//       does not exist (missing): the role must get 404 for it, with the
//       very body of the missing one, and nothing may be written; or
//       A record that is public itself (a call) may instead answer 403:
//       the row then says why in `forbidden`; or
//   noOther: 'why such a record has no owner to protect'
//       (a string for every role, or one per role).
//
// A new route without its declaration fails here.  Then a walk over
// everything a reviewer can get: every row a reviewer may call, called as
// the demo reviewer, and every key and value of every answer checked:
// no personal field of an applicant, and none of the applicants' e-mail
// addresses, phone numbers, national IDs, names or addresses.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { db, login } from './lib.mjs';
import { assertErr, unchanged } from './fixtures.mjs';
import { loadMatrix, parseRoutes } from './routetable.mjs';

after(() => db.end());

// What a refused request could have written, across the domains.
const TABLES = ['applications', 'application_events', 'priority_claims', 'applicant_profiles', 'documents',
  'document_contents', 'outbox', 'audit_log', 'businesses', 'checkins', 'checkin_versions', 'reviews',
  'review_revisions', 'discussion_posts', 'assignments', 'conflicts', 'idempotency_keys', 'training_registrations',
  'matches', 'mentoring_needs', 'mentoring_sessions', 'decisions', 'decision_letters', 'decision_reversals',
  'reconsiderations', 'awards', 'award_tranches', 'disbursements', 'followup_schedule'];

// The roles that own records of their own or reach only some.
const NARROW = ['applicant', 'mentor', 'reviewer'];

let tokens, matrix;
before(async () => {
  ({ tokens, matrix } = await loadMatrix());
});

const needsRule = (r) => r.path.includes('{id}') &&
  (r.allowed === 'public' || r.allowed.some((role) => NARROW.includes(role)));

const rolesOf = (r) => (r.allowed === 'public' ? [] : r.allowed.filter((role) => NARROW.includes(role)));

function exempt(row, role) {
  if (typeof row.noOther === 'string') return row.noOther;
  if (row.noOther && typeof row.noOther[role] === 'string') return row.noOther[role];
  return null;
}

test('every route with an {id} that applicants, mentors, reviewers or the public reach declares its rule', () => {
  const missing = [];
  for (const r of parseRoutes().filter(needsRule)) {
    const key = `${r.method} ${r.path}`;
    const row = matrix[key];
    if (!row) {
      missing.push(`${key}: no matrix row`);
      continue;
    }
    if (r.allowed === 'public') {
      if (!exempt(row, 'public') && !row.other) missing.push(`${key}: public, but neither other nor noOther`);
      continue;
    }
    for (const role of rolesOf(r)) {
      const why = exempt(row, role);
      if (why) assert.ok(why.length >= 20, `${key}: noOther for ${role} says why ("${why}")`);
      else if (!row.other || typeof row.other[role] !== 'function') missing.push(`${key}: as ${role}, neither other.${role} nor noOther`);
    }
    for (const role of Object.keys(row.other || {})) {
      assert.ok(rolesOf(r).includes(role), `${key}: other.${role}, but ${role} may not call it`);
    }
  }
  assert.deepEqual(missing, [], `declare another person's record (other) or why there is none (noOther):\n${missing.join('\n')}`);
});

test('another person\'s record: 404 with the body of one that does not exist, and nothing written', async (t) => {
  let checked = 0;
  for (const r of parseRoutes().filter(needsRule)) {
    const key = `${r.method} ${r.path}`;
    const row = matrix[key];
    for (const role of rolesOf(r)) {
      if (!row || exempt(row, role) || !row.other || !row.other[role]) continue;
      await t.test(`${key} as ${role}`, async () => {
        const o = await row.other[role]();
        const call = o.call || row.call;
        const theirs = await unchanged(assert, () => call(tokens[role], o.arg), TABLES);
        const none = await unchanged(assert, () => call(tokens[role], o.missing), TABLES);
        assertErr(assert, none, 404, 'not_found');
        if (o.forbidden) {
          // A public record (a call) whose inside she may not see.
          assert.ok(o.forbidden.length >= 20, 'forbidden says why');
          assertErr(assert, theirs, 403, 'forbidden');
        } else {
          assertErr(assert, theirs, 404, 'not_found');
          assert.deepEqual(theirs.json, none.json, 'the same answer as for a record that does not exist');
        }
        // And the row's own call on her own record still works (the
        // 404 is about the owner, not a broken call).
        if (!o.call && row.prep) {
          const own = await row.call(tokens[role], await row.prep());
          assert.equal(own.status, row.ok, `${key} as ${role} on her own: ${own.text}`);
        }
      });
      checked++;
    }
  }
  assert.ok(checked >= 20, `routes × roles checked on another's record: ${checked}`);
  console.log(`ownership: ${checked} routes × roles checked on another person's record`);
});

// ---- what reviewers see -------------------------------------------------

// Keys that hold an applicant's personal data or lead to it.
const PERSONAL_KEYS = new Set(['applicant', 'applicant_id', 'full_name', 'email', 'phone', 'national_id',
  'date_of_birth', 'address', 'household_status', 'household_cert_number', 'household_cert_issued_on',
  'household_cert_valid_until', 'disability', 'disability_level', 'disability_cert_number',
  'disability_cert_issued_on', 'disability_cert_valid_until', 'disability_details', 'claims', 'documents',
  'screening_reason', 'events', 'notify_channels', 'outside_district', 'user_id', 'filename']);

// Answers about the caller herself, or the account she just signed up
// or logged in with: her own data, nothing of an applicant's.
const ABOUT_HERSELF = new Set(['GET /api/me', 'GET /api/me/messages', 'POST /api/auth/login',
  'POST /api/auth/register', 'POST /api/auth/set-password', 'POST /api/auth/logout']);
// The self-check echoes her own answers, stored nowhere: keys such as
// "claims" are hers; its values are still checked.
const KEYS_EXEMPT = new Set([...ABOUT_HERSELF, 'POST /api/priority/self-check']);
// A static file, the same for everyone (its examples use the demo data).
const STATIC = new Set(['GET /api/openapi.json']);
// Settings named after priority categories (a call's bonus points).
const SETTINGS = /\.priority_policy\./;

function walk(v, path, found, values, keys) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, `${path}[${i}]`, found, values, keys));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (keys && PERSONAL_KEYS.has(k) && !SETTINGS.test(`${path}.`)) found.push(`${path}.${k}: a personal field`);
      walk(x, `${path}.${k}`, found, values, keys);
    }
  } else if (typeof v === 'string' && values.has(v.trim().toLowerCase())) {
    found.push(`${path}: "${v}" is an applicant's personal data`);
  }
}

test('reviewers: no answer they can get holds an applicant\'s personal field or data', async (t) => {
  // Every applicant's identifying values, as stored.
  const { rows } = await db.query(`SELECT u.email, u.full_name, u.phone, p.national_id, p.address,
      p.household_cert_number, p.disability_cert_number
    FROM users u LEFT JOIN applicant_profiles p ON p.user_id = u.id WHERE u.role = 'applicant'`);
  const values = new Set();
  for (const r of rows) {
    for (const v of Object.values(r)) if (v && String(v).length >= 5) values.add(String(v).trim().toLowerCase());
  }
  const { rows: reviewers } = await db.query("SELECT full_name FROM users WHERE role <> 'applicant'");
  for (const r of reviewers) values.delete(r.full_name.trim().toLowerCase());
  assert.ok(values.size > 10);

  let walked = 0;
  for (const r of parseRoutes()) {
    const key = `${r.method} ${r.path}`;
    const row = matrix[key];
    if (!row || STATIC.has(key) || (r.allowed !== 'public' && !r.allowed.includes('reviewer'))) continue;
    await t.test(key, async () => {
      const arg = row.prep && (await row.prep());
      const token = row.fresh ? await login('reviewer1') : tokens.reviewer;
      const res = await row.call(token, arg);
      assert.ok(res.status < 500, `${key}: ${res.status} ${res.text}`);
      const found = [];
      walk(res.json, key, found, ABOUT_HERSELF.has(key) ? new Set() : values, !KEYS_EXEMPT.has(key));
      assert.deepEqual(found, [], `${key} shows a reviewer personal data`);
    });
    walked++;
  }
  assert.ok(walked >= 20, `answers walked: ${walked}`);
  console.log(`ownership: ${walked} answers a reviewer can get walked for personal data`);
});
