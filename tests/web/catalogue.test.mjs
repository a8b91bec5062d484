// All text in the two catalogues: the same keys in Vietnamese and English,
// every key the code names exists, and no Vietnamese text in the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const APP = new URL('../../assets/app/', import.meta.url).pathname;
const load = async (file) => (await import(`data:text/javascript,${encodeURIComponent(await readFile(join(APP, file), 'utf8'))}`)).default;

async function sources() {
  const out = [];
  for (const dir of ['', 'views/']) {
    for (const f of await readdir(join(APP, dir))) if (f.endsWith('.js')) out.push([dir + f, await readFile(join(APP, dir, f), 'utf8')]);
  }
  return out;
}

test('the catalogues have the same keys, none empty', async () => {
  const vi = await load('i18n/vi.js');
  const en = await load('i18n/en.js');
  assert.deepEqual(Object.keys(en).filter((k) => !(k in vi)), []);
  assert.deepEqual(Object.keys(vi).filter((k) => !(k in en)), []);
  assert.deepEqual(Object.entries({ ...vi, ...en }).filter(([, v]) => !v).map(([k]) => k), []);
});

test('every key named in the code is in the catalogue; no Vietnamese text in the code', async () => {
  const vi = await load('i18n/vi.js');
  const missing = [];
  const vietnamese = [];
  for (const [file, src] of await sources()) {
    for (const m of src.matchAll(/\bt\(\s*'([^']+)'/g)) if (!(m[1] in vi)) missing.push(`${file}: ${m[1]}`);
    const code = src.replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(/.*[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ].*/gi)) vietnamese.push(`${file}: ${m[0].trim()}`);
  }
  assert.deepEqual(missing, []);
  assert.deepEqual(vietnamese, []);
});

test('the keys the code builds from API values are all there', async () => {
  const vi = await load('i18n/vi.js');
  const families = {
    status: ['draft', 'submitted', 'screening', 'eligible', 'ineligible', 'in_review', 'reviewed', 'funded', 'waitlisted',
      'rejected', 'in_followup', 'completed', 'closed', 'withdrawn'],
    callstatus: ['draft', 'open', 'closed', 'reviewing', 'decided', 'archived'],
    channel: ['email', 'sms', 'zalo'],
    claim: ['pending', 'verified', 'rejected'],
    delivery: ['pending', 'sending', 'sent', 'logged', 'failed'],
    draft: ['saved_before', 'saved', 'saving', 'unsaved', 'restored', 'offline', 'conflict', 'signed_out', 'not_draft', 'invalid', 'partial'],
    sort: ['created_at', 'submitted_at', 'amount_requested_vnd', 'reference', 'business_name'],
    order: ['asc', 'desc'],
    'policy.combine': ['sum', 'max'],
    'calls.move': ['draft_open', 'open_closed', 'closed_open', 'draft_open.title', 'open_closed.title', 'closed_open.title',
      'draft_open.body', 'open_closed.body', 'closed_open.body'],
    'app.f': ['call_id', 'business_name', 'stage', 'operating_since', 'registered_on', 'sector', 'description', 'problem_customers',
      'plan', 'team_size', 'women_employed', 'jobs_planned', 'amount_requested_vnd', 'budget_lines', 'women_capital_pct', 'woman_manager'],
    profile: ['date_of_birth', 'national_id', 'address', 'household_cert_number', 'household_cert_issued_on',
      'household_cert_valid_until', 'disability_level', 'disability_cert_number', 'disability_cert_issued_on'],
    // Review (views/reviewer.js, review-form.js, review-thread.js, staff-review.js).
    'review.status': ['none', 'draft', 'submitted'],
    'queue.count': ['total', 'to_declare', 'to_review', 'submitted', 'overdue'],
    'conflict.type': ['family', 'business', 'same_household', 'other'],
    'conflict.source': ['staff', 'recusal'],
    recommendation: ['fund', 'maybe', 'reject'],
    rsave: ['new', 'saved_before', 'saved', 'saving', 'unsaved', 'restored', 'offline', 'conflict', 'signed_out', 'closed',
      'invalid', 'readonly'],
    'asg.count': ['applications', 'applications_short', 'assignments', 'released', 'unreleased'],
    'asg.source': ['auto', 'manual'],
    'auto.state': ['balanced', 'limited', 'manual'],
    'rv.page': ['committee', 'assignments', 'ranking', 'matching'],
    blind: ['description', 'problem_customers', 'plan'],
    // Accounts, mentoring, follow-up and trainings.
    role: ['applicant', 'reviewer', 'mentor', 'staff', 'admin'],
    'match.status': ['proposed', 'published', 'accepted', 'declined', 'expired', 'ended'],
    'match.origin': ['auto', 'edited', 'manual'],
    parts: ['sector', 'skills', 'place', 'language', 'availability'],
    'parts.place': ['same_ward', 'nearby_ward', 'remote', 'none'],
    'sessions.side': ['mentor', 'mentee'],
    bstatus: ['on_track', 'at_risk', 'closed'],
    'fu.state': ['upcoming', 'open', 'overdue', 'missed', 'submitted', 'approved', 'returned'],
    'fu.cannot': ['upcoming', 'submitted', 'approved', 'closed'],
    reg: ['not_registered', 'in_progress', 'household_business', 'cooperative', 'enterprise'],
    'ci.by': ['owner', 'staff'],
    'ci.decision': ['approve', 'return'],
    'due.state': ['due_soon', 'overdue', 'missed'],
    'risk.code': ['missed_checkin', 'revenue_falling', 'flagged'],
    'tr.reg': ['registered', 'waitlisted', 'cancelled'],
  };
  const missing = Object.entries(families).flatMap(([f, ks]) => ks.map((k) => `${f}.${k}`)).filter((k) => !(k in vi));
  assert.deepEqual(missing, []);
});
