// Rows of the role matrix (tests/api/routes.test.mjs) for decisions and
// awards: each prep makes a call, decision or award in the state where
// the request succeeds for an allowed caller, the demo applicant's where
// she is the one who calls; another applicant's, the same, is "another
// person's" record of tests/api/ownership.test.mjs.
import { api, db, scalar } from '../lib.mjs';
import { ifMatch, today } from '../apps_fixtures.mjs';
import {
  M, closeScoring, decide, decisionCall, rankedApp, releasedApp, sqlUser,
} from '../decisions_fixtures.mjs';
import { theirs } from '../routetable.mjs';

// A call whose one application is reviewed (scoring closed).
async function reviewedCall(applicant) {
  const call = await decisionCall();
  const app = await rankedApp(call, { merit: 80, applicant });
  await closeScoring(call);
  return { call, app };
}

export default function rows({ tokens, ids, others }) {
  const staff = () => tokens.staff;
  const award = async (applicant) => (await releasedApp(staff(), applicant || await sqlUser('applicant', 'Trần Thị Ma Trận'), 'funded')).award;
  // Another applicant's application, decided outcome and released.
  const theirApp = (outcome) => theirs(async () => (await releasedApp(staff(), others.applicant, outcome)).app.id);

  return {
    'GET /api/calls/{id}/allocation': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => (await reviewedCall()).call.id,
      call: (token, id) => api('GET', `/api/calls/${id}/allocation`, { token }),
    },
    'PATCH /api/calls/{id}/decision-settings': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const { id } = await decisionCall();
        return { id, v: Number(await scalar('SELECT version FROM calls WHERE id = $1', [id])) };
      },
      call: (token, x) => api('PATCH', `/api/calls/${x.id}/decision-settings`, { token, body: { reconsideration_days: 10 }, headers: ifMatch(x.v) }),
    },
    'GET /api/calls/{id}/decisions': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => (await reviewedCall()).call.id,
      call: (token, id) => api('GET', `/api/calls/${id}/decisions`, { token }),
    },
    'POST /api/calls/{id}/decisions/release': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const { call, app } = await reviewedCall();
        await decide(staff(), app.id, { outcome: 'funded', amount_vnd: 30 * M, rationale: 'Theo đề xuất.' });
        return call.id;
      },
      call: (token, id) => api('POST', `/api/calls/${id}/decisions/release`, { token }),
    },
    'GET /api/applications/{id}/decision': {
      allowed: ['applicant', 'staff', 'admin'], ok: 200,
      other: { applicant: theirApp('rejected') },
      prep: async () => (await releasedApp(staff(), ids.applicant, 'rejected')).app.id,
      call: (token, id) => api('GET', `/api/applications/${id}/decision`, { token }),
    },
    'POST /api/applications/{id}/decision': {
      allowed: ['staff', 'admin'], ok: 201,
      prep: async () => (await reviewedCall()).app.id,
      call: (token, id) => api('POST', `/api/applications/${id}/decision`, { token, body: { outcome: 'funded', amount_vnd: 30 * M, rationale: 'Theo đề xuất.' } }),
    },
    'POST /api/decisions/{id}/reverse': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => (await releasedApp(staff(), await sqlUser('applicant', 'Lê Thị Đảo'), 'rejected')).decision.id,
      call: (token, id) => api('POST', `/api/decisions/${id}/reverse`, { token, body: { reason: 'Điểm nhập sai.', outcome: 'waitlisted' } }),
    },
    'POST /api/applications/{id}/reconsideration': {
      allowed: ['applicant'], ok: 201,
      other: { applicant: theirApp('rejected') },
      prep: async () => (await releasedApp(staff(), ids.applicant, 'rejected')).app.id,
      call: (token, id) => api('POST', `/api/applications/${id}/reconsideration`, { token, body: { reason: 'Xin xem xét lại.' } }),
    },
    'POST /api/reconsiderations/{id}/answer': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const who = await sqlUser('applicant', 'Phan Thị Hỏi');
        const { app } = await releasedApp(staff(), who, 'rejected');
        return Number(await scalar("SELECT id FROM reconsideration_request($1, $2, 'Xin xem xét lại.')", [app.id, who]));
      },
      call: (token, id) => api('POST', `/api/reconsiderations/${id}/answer`, { token, body: { outcome: 'upheld', answer: 'Giữ nguyên.' } }),
    },
    'POST /api/applications/{id}/decline-award': {
      allowed: ['applicant'], ok: 200,
      other: { applicant: theirApp('funded') },
      prep: async () => (await releasedApp(staff(), ids.applicant, 'funded')).app.id,
      call: (token, id) => api('POST', `/api/applications/${id}/decline-award`, { token, body: { reason: 'Không nhận.' } }),
    },
    'POST /api/awards/{id}/revoke': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: () => award(),
      call: (token, id) => api('POST', `/api/awards/${id}/revoke`, { token, body: { reason: 'Vi phạm cam kết.' } }),
    },
    'GET /api/awards/{id}': {
      allowed: ['applicant', 'staff', 'admin'], ok: 200,
      other: { applicant: theirs(() => award(others.applicant)) },
      prep: () => award(ids.applicant),
      call: (token, id) => api('GET', `/api/awards/${id}`, { token }),
    },
    'PUT /api/awards/{id}/tranches': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const id = await award();
        return { id, v: Number(await scalar('SELECT version FROM awards WHERE id = $1', [id])) };
      },
      call: (token, x) => api('PUT', `/api/awards/${x.id}/tranches`, {
        token, headers: ifMatch(x.v), body: { tranches: [{ amount_vnd: 15 * M }, { amount_vnd: 15 * M, gate_checkin: null }] },
      }),
    },
    'POST /api/awards/{id}/tranches/{n}/approve': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const id = await award();
        await db.query('UPDATE award_tranches SET gate_checkin = NULL WHERE award_id = $1 AND number = 2', [id]);
        return id;
      },
      call: (token, id) => api('POST', `/api/awards/${id}/tranches/2/approve`, { token }),
    },
    'POST /api/awards/{id}/disbursements': {
      allowed: ['staff', 'admin'], ok: 201,
      prep: () => award(),
      call: async (token, id) => api('POST', `/api/awards/${id}/disbursements`, {
        token, body: { tranche: 1, amount_vnd: 1 * M, paid_on: await today(), method: 'bank_transfer', reference: 'UNC-1' },
      }),
    },
    'GET /api/calls/{id}/awards': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => (await releasedApp(staff(), await sqlUser('applicant', 'Hà Thị Tổng'), 'funded')).call.id,
      call: (token, id) => api('GET', `/api/calls/${id}/awards`, { token }),
    },
  };
}
