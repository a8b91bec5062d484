// Rows of the role matrix (tests/api/routes.test.mjs) for the follow-up
// of supported businesses and for trainings; also the helpers that make
// funded businesses, check-ins and sessions for followup.test.mjs and
// training.test.mjs.
//
// Applications reach 'funded' in SQL along the allowed transitions (the
// decisions feature does it for real); the trigger of
// migrations/0006_followup.sql makes the business and its schedule.
import assert from 'node:assert/strict';
import { api, db, scalar } from '../lib.mjs';
import { ifMatch, makeCall, sqlSubmitted } from '../apps_fixtures.mjs';
import { theirs } from '../routetable.mjs';

// Every table a follow-up or training request could write.
export const FU_TABLES = ['businesses', 'followup_schedule', 'checkins', 'checkin_versions', 'applications',
  'application_events', 'outbox', 'audit_log', 'trainings', 'training_registrations'];

const TO_FUNDED = ['screening', 'eligible', 'in_review', 'reviewed', 'funded'];

// A submitted application of applicantId moved to 'funded' in a new call
// (call: columns of calls, e.g. followup_months); { appId, callId,
// businessId }.
export async function fundedBusiness(applicantId, call = {}) {
  const callId = await makeCall(call);
  const appId = await sqlSubmitted(callId, applicantId);
  for (const st of TO_FUNDED) await db.query('UPDATE applications SET status = $2 WHERE id = $1', [appId, st]);
  const businessId = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [appId]));
  assert.ok(businessId > 0, 'funding made the business');
  return { appId, callId, businessId };
}

// A complete check-in of an operating business; fields override.
export function checkinBody(over = {}) {
  return {
    operating: true,
    registration_status: 'household_business',
    revenue_vnd: 12000000,
    profit_vnd: 3000000,
    workers: { women: 2, men: 1, with_disability: 1 },
    jobs_created: 2,
    jobs_created_women: 1,
    funds_used: [{ line: 1, used_vnd: 15000000 }, { line: 2, used_vnd: 5000000 }],
    milestones: ['Mua nồi tráng bánh', 'Mở bán qua Zalo'],
    household_status: 'near_poor',
    challenges: 'Giá bột gạo tăng.',
    support_needed: ['marketing', 'bookkeeping'],
    ...over,
  };
}

// A check-in submitted in SQL (as the handler would), by actorId.
export async function sqlCheckin(businessId, number, actorId, over = {}, now = null) {
  return Number(await scalar('SELECT checkin_submit($1, $2, $3::jsonb, $4, coalesce($5::timestamptz, now()))',
    [businessId, number, JSON.stringify(checkinBody(over)), actorId, now]));
}

export async function sqlReview(checkinId, decision, actorId, comment = null, now = null) {
  await db.query('SELECT checkin_review($1, $2, $3, $4, coalesce($5::timestamptz, now()))',
    [checkinId, decision, comment, actorId, now]);
}

// Let mentor read business (and no one else), for the time of fn: the
// mentoring feature decides this after its merge (mentor_can_see_business
// returns false until then); the function as it was comes back after.
export async function asMentorOf(mentorId, businessId, fn) {
  const def = await scalar("SELECT pg_get_functiondef('mentor_can_see_business(bigint,bigint)'::regprocedure)");
  await db.query(`CREATE OR REPLACE FUNCTION mentor_can_see_business(mentor bigint, bid bigint)
    RETURNS boolean LANGUAGE sql STABLE AS $$ SELECT mentor = ${Number(mentorId)} AND bid = ${Number(businessId)} $$`);
  try {
    return await fn();
  } finally {
    await db.query(def);
  }
}

// A session made in SQL: starts in `days` days (negative: started).
export async function sqlTraining(over = {}) {
  const t = {
    topic: 'marketing',
    title_vi: 'Bán hàng qua mạng xã hội',
    title_en: 'Selling on social media',
    starts_at: new Date(Date.now() + 7 * 864e5).toISOString(),
    ends_at: new Date(Date.now() + 7 * 864e5 + 3 * 36e5).toISOString(),
    place: 'Nhà văn hóa phường Hàng Đào, 10 Hàng Đào',
    seats: 20,
    ...over,
  };
  const names = Object.keys(t);
  return Number(await scalar(`INSERT INTO trainings (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING id`,
    names.map((k) => t[k])));
}

export default function rows({ tokens, ids, others }) {
  const business = async () => (await fundedBusiness(ids.applicant)).businessId;
  // Another woman's business and check-in: her own to the applicant, not
  // one she mentors to the mentor (tests/api/ownership.test.mjs).  The
  // mentor is called directly: asRole() would let her see it.
  const theirBusiness = theirs(async () => (await fundedBusiness(others.applicant)).businessId);
  const theirCheckin = theirs(async () => sqlCheckin((await fundedBusiness(others.applicant)).businessId, 1, others.applicant));
  const direct = (path) => async () => ({ ...(await (path === 'b' ? theirBusiness : theirCheckin)()),
    call: (token, id) => api('GET', `/api/${path === 'b' ? 'businesses' : 'checkins'}/${id}`, { token }) });
  const submittedCheckin = async () => {
    const b = await business();
    return sqlCheckin(b, 1, ids.applicant);
  };
  const asRole = (token, businessId, fn) => (token === tokens.mentor ? asMentorOf(ids.mentor, businessId, fn) : fn());
  const started = async () => {
    const id = await sqlTraining({ starts_at: new Date(Date.now() - 36e5).toISOString(), ends_at: new Date(Date.now() + 36e5).toISOString() });
    await db.query("INSERT INTO training_registrations (training_id, user_id, status) VALUES ($1, $2, 'registered')", [id, ids.applicant]);
    return id;
  };

  return {
    'GET /api/support-areas': { allowed: 'public', ok: 200, call: () => api('GET', '/api/support-areas') },
    'GET /api/businesses': {
      allowed: ['staff', 'admin'], ok: 200,
      call: (token) => api('GET', '/api/businesses?limit=5', { token }),
    },
    'GET /api/businesses/mine': {
      allowed: ['applicant'], ok: 200,
      call: (token) => api('GET', '/api/businesses/mine', { token }),
    },
    'GET /api/businesses/{id}': {
      allowed: ['applicant', 'mentor', 'staff', 'admin'], ok: 200, prep: business,
      other: { applicant: theirBusiness, mentor: direct('b') },
      call: (token, id) => asRole(token, id, () => api('GET', `/api/businesses/${id}`, { token })),
    },
    'POST /api/businesses/{id}/checkins': {
      allowed: ['applicant', 'staff', 'admin'], ok: 201, prep: business, other: { applicant: theirBusiness },
      call: (token, id) => api('POST', `/api/businesses/${id}/checkins`, { token, body: checkinBody() }),
    },
    'POST /api/businesses/{id}/flag': {
      allowed: ['staff', 'admin'], ok: 200, prep: business,
      call: (token, id) => api('POST', `/api/businesses/${id}/flag`, { token, body: { reason: 'Không liên lạc được qua điện thoại' } }),
    },
    'POST /api/businesses/{id}/unflag': {
      allowed: ['staff', 'admin'], ok: 200,
      prep: async () => {
        const id = await business();
        await db.query("UPDATE businesses SET flag_reason = 'Cần thăm hộ', flagged_at = now() WHERE id = $1", [id]);
        return id;
      },
      call: (token, id) => api('POST', `/api/businesses/${id}/unflag`, { token }),
    },
    'POST /api/businesses/{id}/close': {
      allowed: ['staff', 'admin'], ok: 200, prep: business,
      call: (token, id) => api('POST', `/api/businesses/${id}/close`, { token, body: { reason: 'Chị đã chuyển về quê' } }),
    },
    'GET /api/checkins/{id}': {
      allowed: ['applicant', 'mentor', 'staff', 'admin'], ok: 200, prep: submittedCheckin,
      other: { applicant: theirCheckin, mentor: direct('k') },
      call: async (token, id) => {
        const b = Number(await scalar('SELECT business_id FROM checkins WHERE id = $1', [id]));
        return asRole(token, b, () => api('GET', `/api/checkins/${id}`, { token }));
      },
    },
    'POST /api/checkins/{id}/review': {
      allowed: ['staff', 'admin'], ok: 200, prep: submittedCheckin,
      call: (token, id) => api('POST', `/api/checkins/${id}/review`, { token, body: { decision: 'approve' } }),
    },
    'GET /api/followups/due': {
      allowed: ['staff', 'admin'], ok: 200,
      call: (token) => api('GET', '/api/followups/due?within_days=7&limit=5', { token }),
    },
    'GET /api/trainings': { allowed: 'public', ok: 200, call: () => api('GET', '/api/trainings?limit=5') },
    'POST /api/trainings': {
      allowed: ['staff', 'admin'], ok: 201,
      call: (token) => api('POST', '/api/trainings', {
        token,
        body: {
          topic: 'bookkeeping',
          title: { vi: 'Ghi sổ thu chi', en: 'Keeping the books' },
          starts_at: new Date(Date.now() + 10 * 864e5).toISOString(),
          ends_at: new Date(Date.now() + 10 * 864e5 + 2 * 36e5).toISOString(),
          online_url: 'https://meet.example.vn/so-thu-chi',
          seats: 30,
        },
      }),
    },
    'GET /api/trainings/{id}': {
      allowed: 'public', ok: 200, prep: () => sqlTraining(),
      noOther: 'a training belongs to nobody: public, like its list',
      call: (token, id) => api('GET', `/api/trainings/${id}`, { token }),
    },
    'PATCH /api/trainings/{id}': {
      allowed: ['staff', 'admin'], ok: 200, prep: () => sqlTraining(),
      call: (token, id) => api('PATCH', `/api/trainings/${id}`, { token, headers: ifMatch(1), body: { seats: 25 } }),
    },
    'POST /api/trainings/{id}/register': {
      allowed: ['applicant'], ok: 201, prep: () => sqlTraining(),
      noOther: 'a training is public; the registration made is always the caller\'s own',
      call: (token, id) => api('POST', `/api/trainings/${id}/register`, { token }),
    },
    'DELETE /api/trainings/{id}/register': {
      allowed: ['applicant'], ok: 200,
      noOther: 'the registration undone is always the caller\'s own; another\'s is untouched (training.test.mjs)',
      prep: async () => {
        const id = await sqlTraining();
        await db.query('SELECT training_register($1, $2, now())', [id, ids.applicant]);
        return id;
      },
      call: (token, id) => api('DELETE', `/api/trainings/${id}/register`, { token }),
    },
    'POST /api/trainings/{id}/attendance': {
      allowed: ['staff', 'admin'], ok: 200, prep: started,
      call: (token, id) => api('POST', `/api/trainings/${id}/attendance`, { token, body: { user_id: ids.applicant, attended: true } }),
    },
    'GET /api/me/trainings': {
      allowed: ['applicant'], ok: 200,
      call: (token) => api('GET', '/api/me/trainings', { token }),
    },
  };
}
