// Row of the role matrix (tests/api/routes.test.mjs) for the ranking of a
// call: a call in review whose committee the demo reviewer sits on.
import { api, db } from '../lib.mjs';
import { makeCall } from '../apps_fixtures.mjs';

export default function rows({ ids }) {
  return {
    'GET /api/calls/{id}/ranking': {
      allowed: ['reviewer', 'staff', 'admin'], ok: 200,
      prep: async () => {
        const id = await makeCall({ status: 'closed' });
        await db.query("UPDATE calls SET status = 'reviewing' WHERE id = $1", [id]);
        await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [id, ids.reviewer]);
        return id;
      },
      call: (token, id) => api('GET', `/api/calls/${id}/ranking`, { token }),
    },
  };
}
