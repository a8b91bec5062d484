// Rows of the role matrix (tests/api/routes.test.mjs) for the applicant's
// profile and messages and for applications: drafting, submitting,
// withdrawing, screening and priority verification.  The applicant is
// the demo applicant; each row that writes gets a fresh call (one active
// application per applicant per call).
import assert from 'node:assert/strict';
import { api } from '../lib.mjs';
import { theirs } from '../routetable.mjs';
import { fullProfile, ifMatch, makeCall, sqlDraft, sqlSubmitted } from '../apps_fixtures.mjs';

export default function rows({ tokens, ids, others, ROLES }) {
  // Another applicant's complete draft (tests/api/ownership.test.mjs).
  const theirDraft = theirs(async () => sqlDraft(await makeCall(), others.applicant));
  // The demo applicant's own profile, complete enough to submit.
  const demoProfile = () => fullProfile({ full_name: 'Nguyễn Thị Lan', phone: '0987 654 321', national_id: '001185000001', ward_code: '00037' });
  const draft = async () => sqlDraft(await makeCall(), ids.applicant);
  const submittable = async () => {
    const r = await api('PUT', '/api/me/profile', { token: tokens.applicant, body: demoProfile() });
    assert.equal(r.status, 200, r.text);
    return draft();
  };
  const submitted = async (claims) => sqlSubmitted(await makeCall(), ids.applicant, claims);

  return {
    'GET /api/me/profile': {
      allowed: ['applicant'], ok: 200,
      call: (token) => api('GET', '/api/me/profile', { token }),
    },
    'PUT /api/me/profile': {
      allowed: ['applicant'], ok: 200,
      call: (token) => api('PUT', '/api/me/profile', { token, body: demoProfile() }),
    },
    'GET /api/me/messages': {
      allowed: [...ROLES], ok: 200,
      call: (token) => api('GET', '/api/me/messages', { token }),
    },
    'POST /api/applications': {
      allowed: ['applicant'], ok: 201, prep: () => makeCall(),
      call: (token, callId) => api('POST', '/api/applications', { token, body: { call_id: callId, business_name: 'Tiệm may Lan' } }),
    },
    'GET /api/applications/{id}': {
      allowed: ['applicant', 'staff', 'admin'], ok: 200, prep: draft, other: { applicant: theirDraft },
      call: (token, id) => api('GET', `/api/applications/${id}`, { token }),
    },
    'PATCH /api/applications/{id}': {
      allowed: ['applicant'], ok: 200, prep: draft, other: { applicant: theirDraft },
      call: (token, id) => api('PATCH', `/api/applications/${id}`, { token, body: { business_name: 'Tiệm may Lan' }, headers: ifMatch(1) }),
    },
    'POST /api/applications/{id}/submit': {
      allowed: ['applicant'], ok: 200, prep: submittable, other: { applicant: theirDraft },
      call: (token, id) => api('POST', `/api/applications/${id}/submit`, { token, headers: ifMatch(1) }),
    },
    'POST /api/applications/{id}/withdraw': {
      allowed: ['applicant'], ok: 200, prep: draft, other: { applicant: theirDraft },
      call: (token, id) => api('POST', `/api/applications/${id}/withdraw`, { token, headers: ifMatch(1) }),
    },
    'POST /api/applications/{id}/screening': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => submitted(),
      call: (token, id) => api('POST', `/api/applications/${id}/screening`, { token, body: { eligible: true } }),
    },
    'POST /api/applications/{id}/priority': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => submitted(['disability']),
      call: (token, id) => api('POST', `/api/applications/${id}/priority`, { token, body: { category: 'disability', verified: false, note: 'Chưa có giấy xác nhận' } }),
    },
  };
}
