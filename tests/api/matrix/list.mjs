// Rows of the role matrix (tests/api/routes.test.mjs) for listing and
// exporting applications.  The export is filtered to one status to stay
// small whatever else the database holds.
import { api } from '../lib.mjs';

export default function rows() {
  return {
    'GET /api/applications': {
      allowed: ['applicant', 'staff', 'admin'], ok: 200,
      call: (token) => api('GET', '/api/applications?limit=5', { token }),
    },
    'GET /api/applications.csv': {
      allowed: ['staff', 'admin'], ok: 200,
      call: (token) => api('GET', '/api/applications.csv?status=funded', { token }),
    },
  };
}
