// Rows of the role matrix (tests/api/routes.test.mjs) for the reports:
// staff and admins only.  The figures themselves are checked against a
// hand-made data set in tests/api/reports.test.mjs.  No route has an
// {id}: there is no one's record to protect (tests/api/ownership.test.mjs
// asks only routes with an {id} for other/noOther), and reports hold
// counts and sums, never an applicant's personal data.
import { api } from '../lib.mjs';

const STAFF = ['staff', 'admin'];

export default function rows() {
  const row = (name, qs = '') => ({
    allowed: STAFF, ok: 200,
    call: (token) => api('GET', `/api/reports/${name}${qs}`, { token }),
  });
  return {
    'GET /api/reports/funnel': row('funnel'),
    'GET /api/reports/priority': row('priority', '?format=csv'),
    'GET /api/reports/wards': row('wards', '?ward=outside'),
    'GET /api/reports/outcomes': row('outcomes', '?from=2026-01-01&to=2026-12-31'),
    'GET /api/reports/workload': row('workload', '?format=json'),
  };
}
