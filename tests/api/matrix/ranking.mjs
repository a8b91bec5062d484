// Row of the role matrix (tests/api/routes.test.mjs) for the ranking of a
// call: a call in review whose committee the demo reviewer sits on.
import { api, db } from '../lib.mjs';
import { makeCall } from '../apps_fixtures.mjs';
import { theirs } from '../routetable.mjs';

export default function rows({ ids, others }) {
  return {
    'GET /api/calls/{id}/ranking': {
      allowed: ['reviewer', 'staff', 'admin'], ok: 200,
      // A call in review whose committee she does not sit on: the call
      // is public, its ranking is the committee's (403).
      other: {
        reviewer: async () => ({
          ...(await theirs(async () => {
            const id = await makeCall({ status: 'closed' });
            await db.query("UPDATE calls SET status = 'reviewing' WHERE id = $1", [id]);
            await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [id, others.reviewer]);
            return id;
          })()),
          forbidden: 'the call is public; only its committee and staff see its ranking',
        }),
      },
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
