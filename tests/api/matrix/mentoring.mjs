// Rows of the role matrix (tests/api/routes.test.mjs) for mentoring.
// The matrix acts as the demo mentor and the demo applicant, so the
// preparations give them what a call needs: a profile, an application,
// a match in the right status (made in SQL), and first end the demo
// mentor's earlier matches so that her capacity never runs out.  The
// same, of another applicant and another mentor, is "another person's"
// record of tests/api/ownership.test.mjs.
import { api, db } from '../lib.mjs';
import { application, makeCall, mentor } from '../mentoring_fixtures.mjs';
import { MISSING_ID, theirs } from '../routetable.mjs';

const PROFILE = {
  sectors: ['food_beverage'], skills: ['finance_bookkeeping'], languages: ['vi'], wards: ['00049'],
  remote: true, capacity: 20, availability: ['weekend'], bio: 'Cố vấn mẫu',
};

// A mentor (the demo one, or another) with a profile, not paused,
// nothing active.
async function demoMentor(id) {
  await db.query(`INSERT INTO mentor_profiles (user_id, sectors, skills, languages, wards, remote, capacity, availability)
      VALUES ($1, '{food_beverage}', '{finance_bookkeeping}', '{vi}', '{00049}', true, 20, '{weekend}')
    ON CONFLICT (user_id) DO UPDATE SET capacity = 20, paused_at = NULL, paused_by = NULL, pause_reason = NULL`, [id]);
  await db.query(`DELETE FROM matches WHERE mentor_id = $1 AND status = 'proposed'`, [id]);
  await db.query(`UPDATE matches SET status = 'ended', ended_at = now(), end_reason = 'role matrix'
    WHERE mentor_id = $1 AND status IN ('published', 'accepted')`, [id]);
  return id;
}

// A match of the demo applicant's new application with the demo mentor
// (of ids.applicant with ids.mentor), moved in SQL to status (proposed,
// published or accepted).
async function demoMatch(ids, status) {
  await demoMentor(ids.mentor);
  const call = await makeCall();
  const app = await application(call, { applicant: ids.applicant });
  const { rows: [m] } = await db.query(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
    VALUES ($1, $2, $3, 'manual', 800, '{}') RETURNING id`, [call, app.id, ids.mentor]);
  if (status !== 'proposed') {
    await db.query(`UPDATE matches SET status = 'published', published_at = now(), expires_at = now() + interval '7 days'
      WHERE id = $1`, [m.id]);
  }
  if (status === 'accepted') {
    await db.query(`UPDATE matches SET status = 'accepted', responded_at = now() - interval '1 day' WHERE id = $1`, [m.id]);
  }
  return { id: Number(m.id), call, app: app.id };
}

const today = async () => (await db.query(`SELECT (now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::date::text AS d`)).rows[0].d;
const STAFF = ['staff', 'admin'];

export default function rows({ ids, others }) {
  // Another applicant's application (with her needs, or none yet) and a
  // match of another applicant with another mentor in status: neither
  // the demo applicant's nor the demo mentor's (ownership.test.mjs).
  const theirApplication = (needs) => theirs(async () => (await application(await makeCall(),
    { applicant: others.applicant, needs })).id);
  const theirMatch = (status) => theirs(async () => (await demoMatch(others, status)).id);
  const theirSession = async () => {
    const day = await today();
    return { arg: { id: (await demoMatch(others, 'accepted')).id, day }, missing: { id: MISSING_ID, day } };
  };

  return {
    'GET /api/mentoring/reference': { allowed: 'public', ok: 200, call: () => api('GET', '/api/mentoring/reference') },
    'GET /api/me/mentor-profile': {
      allowed: ['mentor'], ok: 200,
      prep: () => demoMentor(ids.mentor),
      call: (token) => api('GET', '/api/me/mentor-profile', { token }),
    },
    'PUT /api/me/mentor-profile': {
      allowed: ['mentor'], ok: 200,
      prep: async () => {
        await demoMentor(ids.mentor);
        return (await db.query('SELECT version FROM mentor_profiles WHERE user_id = $1', [ids.mentor])).rows[0].version;
      },
      call: (token, v) => api('PUT', '/api/me/mentor-profile', { token, body: PROFILE, headers: { 'if-match': `"${v}"` } }),
    },
    'GET /api/mentors': { allowed: STAFF, ok: 200, call: (token) => api('GET', '/api/mentors', { token }) },
    'POST /api/mentors/{id}/pause': {
      allowed: STAFF, ok: 200,
      prep: () => mentor({ capacity: 1 }),
      call: (token, id) => api('POST', `/api/mentors/${id}/pause`, { token, body: { reason: 'Nghỉ phép' } }),
    },
    'POST /api/mentors/{id}/resume': {
      allowed: STAFF, ok: 200,
      prep: async () => {
        const id = await mentor({ capacity: 1 });
        await db.query('UPDATE mentor_profiles SET paused_at = now() WHERE user_id = $1', [id]);
        return id;
      },
      call: (token, id) => api('POST', `/api/mentors/${id}/resume`, { token }),
    },
    'GET /api/applications/{id}/mentoring-needs': {
      allowed: ['applicant', 'staff', 'admin'], ok: 200,
      other: { applicant: theirApplication({ areas: ['marketing_sales'], language: 'vi' }) },
      prep: async () => (await application(await makeCall(), { applicant: ids.applicant })).id,
      call: (token, id) => api('GET', `/api/applications/${id}/mentoring-needs`, { token }),
    },
    'PUT /api/applications/{id}/mentoring-needs': {
      allowed: ['applicant', 'staff', 'admin'], ok: 201,
      other: { applicant: theirApplication() },
      prep: async () => (await application(await makeCall(), { applicant: ids.applicant })).id,
      call: (token, id) => api('PUT', `/api/applications/${id}/mentoring-needs`, {
        token, body: { areas: ['marketing_sales'], language: 'vi' },
      }),
    },
    'GET /api/calls/{id}/matching-settings': {
      allowed: STAFF, ok: 200,
      prep: () => makeCall(),
      call: (token, id) => api('GET', `/api/calls/${id}/matching-settings`, { token }),
    },
    'PUT /api/calls/{id}/matching-settings': {
      allowed: STAFF, ok: 200,
      prep: () => makeCall(),
      call: (token, id) => api('PUT', `/api/calls/${id}/matching-settings`, {
        token, headers: { 'if-match': '"1"' },
        body: { weights: { sector: 20, skills: 40, place: 20, language: 10, availability: 10 }, min_score: 300, include_waitlisted: false, offer_days: 5 },
      }),
    },
    'POST /api/calls/{id}/matching': {
      allowed: STAFF, ok: 200,
      prep: () => makeCall(),
      call: (token, id) => api('POST', `/api/calls/${id}/matching`, { token }),
    },
    'GET /api/calls/{id}/matches': {
      allowed: STAFF, ok: 200,
      prep: () => makeCall(),
      call: (token, id) => api('GET', `/api/calls/${id}/matches`, { token }),
    },
    'POST /api/calls/{id}/matches': {
      allowed: STAFF, ok: 201,
      prep: async () => {
        const call = await makeCall();
        return { call, app: (await application(call)).id, mentor: await mentor({ capacity: 1 }) };
      },
      call: (token, p) => api('POST', `/api/calls/${p.call}/matches`, { token, body: { application_id: p.app, mentor_id: p.mentor } }),
    },
    'POST /api/calls/{id}/matches/publish': {
      allowed: STAFF, ok: 200,
      prep: () => makeCall(),
      call: (token, id) => api('POST', `/api/calls/${id}/matches/publish`, { token }),
    },
    'GET /api/calls/{id}/mentees/unmatched': {
      allowed: STAFF, ok: 200,
      prep: () => makeCall(),
      call: (token, id) => api('GET', `/api/calls/${id}/mentees/unmatched`, { token }),
    },
    'PUT /api/matches/{id}': {
      allowed: STAFF, ok: 200,
      prep: async () => ({ ...(await demoMatch(ids, 'proposed')), other: await mentor({ capacity: 1 }) }),
      call: (token, p) => api('PUT', `/api/matches/${p.id}`, { token, body: { mentor_id: p.other }, headers: { 'if-match': '"1"' } }),
    },
    'DELETE /api/matches/{id}': {
      allowed: STAFF, ok: 204,
      prep: async () => (await demoMatch(ids, 'proposed')).id,
      call: (token, id) => api('DELETE', `/api/matches/${id}`, { token }),
    },
    'GET /api/matches/mine': {
      allowed: ['applicant', 'mentor'], ok: 200,
      call: (token) => api('GET', '/api/matches/mine', { token }),
    },
    'POST /api/matches/{id}/accept': {
      allowed: ['mentor'], ok: 200,
      other: { mentor: theirMatch('published') },
      prep: async () => (await demoMatch(ids, 'published')).id,
      call: (token, id) => api('POST', `/api/matches/${id}/accept`, { token }),
    },
    'POST /api/matches/{id}/decline': {
      allowed: ['mentor'], ok: 200,
      other: { mentor: theirMatch('published') },
      prep: async () => (await demoMatch(ids, 'published')).id,
      call: (token, id) => api('POST', `/api/matches/${id}/decline`, { token, body: { reason: 'Tôi bận tháng này.' } }),
    },
    'POST /api/matches/{id}/end': {
      allowed: ['applicant', 'mentor', 'staff', 'admin'], ok: 200,
      other: { applicant: theirMatch('accepted'), mentor: theirMatch('accepted') },
      prep: async () => (await demoMatch(ids, 'accepted')).id,
      call: (token, id) => api('POST', `/api/matches/${id}/end`, { token, body: { reason: 'Đã xong.' } }),
    },
    'GET /api/matches/{id}/sessions': {
      allowed: ['applicant', 'mentor', 'staff', 'admin'], ok: 200,
      other: { applicant: theirMatch('accepted'), mentor: theirMatch('accepted') },
      prep: async () => (await demoMatch(ids, 'accepted')).id,
      call: (token, id) => api('GET', `/api/matches/${id}/sessions`, { token }),
    },
    'POST /api/matches/{id}/sessions': {
      allowed: ['applicant', 'mentor'], ok: 201,
      other: { applicant: theirSession, mentor: theirSession },
      prep: async () => ({ id: (await demoMatch(ids, 'accepted')).id, day: await today() }),
      call: (token, p) => api('POST', `/api/matches/${p.id}/sessions`, { token, body: { held_on: p.day, minutes: 60, topics: ['finance_bookkeeping'] } }),
    },
    'GET /api/mentoring/hours': { allowed: STAFF, ok: 200, call: (token) => api('GET', '/api/mentoring/hours', { token }) },
  };
}
