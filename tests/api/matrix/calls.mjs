// Rows of the role matrix (tests/api/routes.test.mjs) for funding calls,
// reference data and the priority self-check; also the helpers that make
// calls for the call tests (calls.test.mjs imports them).
import assert from 'node:assert/strict';
import { api } from '../lib.mjs';

// A time `days` from now, RFC 3339 (UTC, with milliseconds).
export const at = (days) => new Date(Date.now() + days * 864e5).toISOString();

// A valid body for POST /api/calls; fields override.
export function callBody(fields = {}) {
  return {
    title: { vi: 'Đợt hỗ trợ thử nghiệm', en: 'Test support round' },
    description: { vi: 'Hỗ trợ phụ nữ khởi nghiệp ở Hoàn Kiếm.', en: 'Support for women starting a business in Hoàn Kiếm.' },
    opens_at: at(-1),
    closes_at: at(30),
    budget_vnd: 1000000000,
    max_award_vnd: 30000000,
    stages: ['idea', 'startup', 'new_business'],
    rubric: [
      { key: 'impact', label: { vi: 'Tác động xã hội', en: 'Social impact' }, max_score: 10, weight: 30 },
      { key: 'feasibility', label: { vi: 'Tính khả thi', en: 'Feasibility' }, max_score: 10, weight: 30 },
      { key: 'market', label: { vi: 'Thị trường', en: 'Market' }, max_score: 10, weight: 20 },
      { key: 'team', label: { vi: 'Đội ngũ', en: 'Team' }, max_score: 10, weight: 20 },
    ],
    priority_policy: { bonus: { poor: 10, near_poor: 7, hardship: 5, disability: 5 }, combine: 'sum', cap: 15, reserved_share_pct: 30 },
    ...fields,
  };
}

// A new draft call; returns { id, etag, call }.
export async function createCall(token, fields = {}) {
  const r = await api('POST', '/api/calls', { token, body: callBody(fields) });
  assert.equal(r.status, 201, r.text);
  return { id: r.json.id, etag: r.headers.get('etag'), call: r.json };
}

// Move a call to a status; returns the new ETag.
export async function setStatus(token, id, status) {
  const r = await api('POST', `/api/calls/${id}/status`, { token, body: { status } });
  assert.equal(r.status, 200, `${status}: ${r.text}`);
  return r.headers.get('etag');
}

// A call that takes applications now.
export async function openCall(token, fields = {}) {
  const c = await createCall(token, fields);
  c.etag = await setStatus(token, c.id, 'open');
  return c;
}

export default function rows({ tokens }) {
  return {
    'GET /api/reference': { allowed: 'public', ok: 200, call: () => api('GET', '/api/reference') },
    'POST /api/priority/self-check': {
      allowed: 'public', ok: 200,
      call: () => api('POST', '/api/priority/self-check', { body: { income_per_person_vnd: 1500000, deprivations: 2 } }),
    },
    'GET /api/calls': { allowed: 'public', ok: 200, call: () => api('GET', '/api/calls') },
    'POST /api/calls': {
      allowed: ['staff', 'admin'], ok: 201,
      call: (token) => api('POST', '/api/calls', { token, body: callBody() }),
    },
    'GET /api/calls/{id}': {
      allowed: 'public', ok: 200,
      noOther: 'a call belongs to nobody: public once open, a draft is 404 to all but staff (calls.test.mjs)',
      prep: async () => (await openCall(tokens.staff)).id,
      call: (token, id) => api('GET', `/api/calls/${id}`, { token }),
    },
    'PATCH /api/calls/{id}': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: () => createCall(tokens.staff),
      call: (token, c) => api('PATCH', `/api/calls/${c.id}`, {
        token, headers: { 'if-match': c.etag }, body: { title: { en: 'Renamed round' } },
      }),
    },
    'POST /api/calls/{id}/status': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => (await createCall(tokens.staff)).id,
      call: (token, id) => api('POST', `/api/calls/${id}/status`, { token, body: { status: 'open' } }),
    },
  };
}
