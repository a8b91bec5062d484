// Rows of the role matrix (tests/api/routes.test.mjs) for the account routes.
// Each row: who may call the route, a request that succeeds for an
// allowed caller (token null: anonymous), and its status.  `prep` makes
// what the request needs; `fresh` asks for a new session per caller
// (logout ends it).
import assert from 'node:assert/strict';
import { api, demo } from '../lib.mjs';
import { PASSWORD, createUser, freshEmail } from '../fixtures.mjs';

export default function rows({ tokens, ids, ROLES }) {
  // A fresh account to act on (staff may manage reviewers).
  const target = async () => (await createUser(tokens.staff, { role: 'reviewer' })).user.id;

  return {
  'GET /api/health': { allowed: 'public', ok: 200, call: () => api('GET', '/api/health') },
  'GET /api/openapi.json': { allowed: 'public', ok: 200, call: () => api('GET', '/api/openapi.json') },
  'POST /api/auth/register': {
    allowed: 'public', ok: 201,
    call: () => api('POST', '/api/auth/register', { body: { email: freshEmail('mx'), password: PASSWORD, full_name: 'Mai Hắc Đế' } }),
  },
  'POST /api/auth/login': { allowed: 'public', ok: 200, call: () => api('POST', '/api/auth/login', { body: demo.mentor }) },
  'POST /api/auth/set-password': {
    allowed: 'public', ok: 200,
    call: async () => {
      const made = await createUser(tokens.staff, { role: 'mentor' });
      return api('POST', '/api/auth/set-password', { body: { token: made.set_password_token, password: PASSWORD } });
    },
  },
  'POST /api/auth/logout': {
    allowed: [...ROLES], ok: 204, fresh: true,
    call: (token) => api('POST', '/api/auth/logout', { token }),
  },
  'GET /api/me': { allowed: [...ROLES], ok: 200, call: (token) => api('GET', '/api/me', { token }) },
  'GET /api/users': { allowed: ['staff', 'admin'], ok: 200, call: (token) => api('GET', '/api/users?limit=5', { token }) },
  'POST /api/users': {
    allowed: ['staff', 'admin'], ok: 201,
    call: (token) => api('POST', '/api/users', { token, body: { email: freshEmail('mx'), full_name: 'Lý Thường Kiệt', role: 'mentor' } }),
  },
  'GET /api/users/{id}': {
    allowed: ['staff', 'admin'], ok: 200,
    call: (token) => api('GET', `/api/users/${ids.reviewer}`, { token }),
  },
  'POST /api/users/{id}/disable': {
    allowed: ['admin'], ok: 200, prep: target,
    call: (token, id) => api('POST', `/api/users/${id}/disable`, { token }),
  },
  'POST /api/users/{id}/enable': {
    allowed: ['admin'], ok: 200,
    prep: async () => {
      const id = await target();
      const r = await api('POST', `/api/users/${id}/disable`, { token: tokens.admin });
      assert.equal(r.status, 200, r.text);
      return id;
    },
    call: (token, id) => api('POST', `/api/users/${id}/enable`, { token }),
  },
  'POST /api/users/{id}/password-token': {
    allowed: ['staff', 'admin'], ok: 201, prep: target,
    call: (token, id) => api('POST', `/api/users/${id}/password-token`, { token }),
  },
};
}
