// The follow-up of supported businesses (app/followup/, migrations/
// 0006_followup.sql): the business and schedule that funding makes,
// check-ins and their validation, review with return and resubmission,
// the at-risk rules and the due list with the clock moved (the SQL
// functions take "now"; GET /api/followups/due takes ?as_of=), reminders
// that go exactly once, and who sees what.  Who may call each route:
// routes.test.mjs (rows in matrix/followup.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { assertErr, createUser, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import { applicant, etagOf, ifMatch, makeCall, today } from './apps_fixtures.mjs';
import {
  FU_TABLES, asMentorOf, checkinBody, fundedBusiness, sqlCheckin, sqlReview,
} from './matrix/followup.mjs';

after(() => db.end());

let staff, admin, mentorToken, staffId, mentorId;
let hoa, mai;	// two entrepreneurs: { token, id }
before(async () => {
  staff = await login('staff');
  admin = await login('admin');
  mentorToken = await login('mentor');
  staffId = await userIdOf('staff@sen.example');
  mentorId = await userIdOf('mentor@sen.example');
  hoa = await applicant({ full_name: 'Trần Thị Hoa', notify_channels: ['email', 'sms'] });
  mai = await applicant({ full_name: 'Lê Thị Mai', national_id: '001188054321' });
});

// A time `days` from now (RFC 3339): the clock the SQL functions are given.
const at = (days) => new Date(Date.now() + days * 864e5).toISOString();

// YYYY-MM-DD plus months, the day kept or clamped to the month's end.
function addMonths(ymd, n) {
  const [y, m, d] = ymd.split('-').map(Number);
  const t = y * 12 + (m - 1) + n;
  const ny = Math.floor(t / 12);
  const nm = (t % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const post = (token, path, body, headers = {}) => api('POST', path, { token, body, headers });
const submitCheckin = (token, id, body) => post(token, `/api/businesses/${id}/checkins`, body);
const review = (token, id, body, headers = {}) => post(token, `/api/checkins/${id}/review`, body, headers);
const recompute = (id, days) => scalar('SELECT followup_recompute($1, $2::timestamptz)', [id, at(days)]);
const business = async (id) => (await db.query('SELECT status, risks, flag_reason FROM businesses WHERE id = $1', [id])).rows[0];
const appStatus = (appId) => scalar('SELECT status FROM applications WHERE id = $1', [appId]);
const schedule = async (id) => (await db.query(
  'SELECT number, months, label, due_on::text AS due_on FROM followup_schedule WHERE business_id = $1 ORDER BY number', [id])).rows;

// Move a business's due dates `days` into the past, as if it had been
// funded that long ago (the API's own clock is now()).
const age = (id, days) => db.query('UPDATE followup_schedule SET due_on = due_on - $2::int WHERE business_id = $1', [id, days]);

test('funding makes the business and its schedule: baseline at the award, then 3, 6, 12 and 24 months', async () => {
  const { appId, callId, businessId } = await fundedBusiness(hoa.id);
  const award = await today();
  const b = (await db.query('SELECT * FROM businesses WHERE id = $1', [businessId])).rows[0];
  assert.equal(Number(b.application_id), appId);
  assert.equal(Number(b.call_id), callId);
  assert.equal(Number(b.owner_id), hoa.id);
  assert.equal(b.name, 'Bánh cuốn Thanh Trì');
  assert.equal(b.ward_code, '00037');
  assert.equal(b.status, 'on_track');
  assert.equal(await scalar('SELECT award_on::text FROM businesses WHERE id = $1', [businessId]), award);
  assert.deepEqual(await schedule(businessId), [
    { number: 1, months: 0, label: 'baseline', due_on: award },
    { number: 2, months: 3, label: 'month_3', due_on: addMonths(award, 3) },
    { number: 3, months: 6, label: 'month_6', due_on: addMonths(award, 6) },
    { number: 4, months: 12, label: 'month_12', due_on: addMonths(award, 12) },
    { number: 5, months: 24, label: 'month_24', due_on: addMonths(award, 24) },
  ]);
  assert.equal(Number(await scalar("SELECT count(*) FROM audit_log WHERE entity = 'businesses' AND entity_id = $1", [String(businessId)])), 1);
  // The application stays funded until a check-in is approved.
  assert.equal(await appStatus(appId), 'funded');
});

test("a call's own schedule; a waitlisted application funded later gets one too; none before funding", async () => {
  const callId = await makeCall({ followup_months: [0, 1, 2, 18] });
  const { rows: [{ id: appId }] } = await db.query(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector,
      description, problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines,
      women_capital_pct, woman_manager, ward_code)
    VALUES ($1, $2, 'Tiệm may Mai', 'idea', 'garment_textile', 'May đo', 'Khách trong phố', 'Mua máy may', 1, 1, 1, 10000000,
      '[{"item": "Máy may", "amount_vnd": 10000000}]', 100, true, '00049') RETURNING id`, [callId, mai.id]);
  for (const st of ['submitted', 'screening', 'eligible', 'in_review', 'reviewed', 'waitlisted']) {
    await db.query('UPDATE applications SET status = $2 WHERE id = $1', [appId, st]);
  }
  assert.equal(Number(await scalar('SELECT count(*) FROM businesses WHERE application_id = $1', [appId])), 0);
  await db.query("UPDATE applications SET status = 'funded' WHERE id = $1", [appId]);
  const businessId = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [appId]));
  const award = await today();
  assert.deepEqual((await schedule(businessId)).map((s) => [s.label, s.due_on]), [
    ['baseline', award], ['month_1', addMonths(award, 1)], ['month_2', addMonths(award, 2)], ['month_18', addMonths(award, 18)],
  ]);
  assert.equal(await scalar('SELECT ward_code FROM businesses WHERE id = $1', [businessId]), '00049');

  // A schedule must start at the baseline and go forward.
  for (const bad of ['{3,6}', '{0,6,3}', '{0,3,3}', '{0,121}', '{}']) {
    await assert.rejects(db.query('UPDATE calls SET followup_months = $2 WHERE id = $1', [callId, bad]),
      /calls_followup_months_check/, bad);
  }
});

test('she sees her own business, schedule and history; another applicant, and a mentor without a match, get 404', async () => {
  const { businessId } = await fundedBusiness(hoa.id);
  const mine = await api('GET', '/api/businesses/mine', { token: hoa.token });
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.json.items.some((b) => b.id === businessId));
  assert.ok(mine.json.items.every((b) => b.owner.id === hoa.id), 'only hers');
  const other = await api('GET', '/api/businesses/mine', { token: mai.token });
  assert.ok(!other.json.items.some((b) => b.id === businessId));

  const r = await api('GET', `/api/businesses/${businessId}`, { token: hoa.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(etagOf(r), r.json.version);
  assert.equal(r.json.status, 'on_track');
  assert.deepEqual(r.json.schedule.map((s) => [s.number, s.label, s.state]),
    [[1, 'baseline', 'open'], [2, 'month_3', 'upcoming'], [3, 'month_6', 'upcoming'], [4, 'month_12', 'upcoming'], [5, 'month_24', 'upcoming']]);
  assert.deepEqual(r.json.budget_lines, [{ line: 1, item: 'Nồi tráng bánh', amount_vnd: 18000000 }, { line: 2, item: 'Quảng cáo', amount_vnd: 12000000 }]);
  assert.ok(!('flag' in r.json), 'the flag block is staff\'s');
  assert.ok(!('phone' in r.json.owner));
  const audits = () => scalar("SELECT count(*) FROM audit_log WHERE action = 'businesses.read_personal' AND entity_id = $1", [String(businessId)]);
  assert.equal(Number(await audits()), 0, 'her own read is not audited');

  const staffView = await api('GET', `/api/businesses/${businessId}`, { token: staff });
  assert.equal(staffView.status, 200);
  assert.equal(staffView.json.owner.phone, hoa.profile.phone);
  assert.equal(Number(await audits()), 1, 'a staff read of personal data is audited');

  await sqlCheckin(businessId, 1, hoa.id);
  const checkinId = Number(await scalar('SELECT id FROM checkins WHERE business_id = $1', [businessId]));
  // Another's records answer exactly as records that do not exist.
  const none = {
    b: await api('GET', '/api/businesses/999999999', { token: mai.token }),
    k: await api('GET', '/api/checkins/999999999', { token: mai.token }),
  };
  for (const token of [mai.token, mentorToken]) {
    const rb = await api('GET', `/api/businesses/${businessId}`, { token });
    assertErr(assert, rb, 404, 'not_found');
    assert.deepEqual(rb.json, none.b.json);
    const rk = await api('GET', `/api/checkins/${checkinId}`, { token });
    assertErr(assert, rk, 404, 'not_found');
    assert.deepEqual(rk.json, none.k.json);
  }
  assertErr(assert, await unchanged(assert, () => submitCheckin(mai.token, businessId, checkinBody()), FU_TABLES), 404, 'not_found');
  assertErr(assert, await api('GET', '/api/businesses/999999999', { token: hoa.token }), 404, 'not_found');
});

test('her mentor reads her business and check-ins without the household status or the flag; another mentor cannot', async () => {
  const { businessId } = await fundedBusiness(hoa.id);
  const checkinId = await sqlCheckin(businessId, 1, hoa.id);
  await db.query("UPDATE businesses SET flag_reason = 'Nợ tiền nhà', flagged_at = now() WHERE id = $1", [businessId]);
  // Another mentor, with the demo mentor's password (a hash copied, no scrypt spent).
  const { user: other } = await createUser(staff, { role: 'mentor', full_name: 'Phan Thị Thu' });
  await db.query("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'mentor@sen.example') WHERE id = $1", [other.id]);
  const otherToken = await login({ email: other.email, password: 'sen-mentor-demo' });

  await asMentorOf(mentorId, businessId, async () => {
    const b = await api('GET', `/api/businesses/${businessId}`, { token: mentorToken });
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.checkins.length, 1);
    assert.ok(!('household_status' in b.json.checkins[0]), 'not her household status');
    assert.equal(b.json.checkins[0].revenue_vnd, 12000000);
    assert.equal(b.json.flagged, true);
    assert.ok(!('flag' in b.json));
    assert.ok(!JSON.stringify(b.json).includes('Nợ tiền nhà'), 'nor why staff flagged it');
    const k = await api('GET', `/api/checkins/${checkinId}`, { token: mentorToken });
    assert.equal(k.status, 200, k.text);
    assert.ok(!('household_status' in k.json));
    assert.ok(!('household_status' in k.json.versions[0].data));
    // Read-only: mentors may not send or review (the route refuses the role).
    assertErr(assert, await unchanged(assert, () => submitCheckin(mentorToken, businessId, checkinBody()), FU_TABLES), 403, 'forbidden');
    assertErr(assert, await unchanged(assert, () => review(mentorToken, checkinId, { decision: 'approve' }), FU_TABLES), 403, 'forbidden');
    // A mentor matched with someone else sees nothing of her.
    assertErr(assert, await api('GET', `/api/businesses/${businessId}`, { token: otherToken }), 404, 'not_found');
    assertErr(assert, await api('GET', `/api/checkins/${checkinId}`, { token: otherToken }), 404, 'not_found');
  });
  // Without the match, not even her mentor (mentor_can_see_business is back as it was).
  assertErr(assert, await api('GET', `/api/businesses/${businessId}`, { token: mentorToken }), 404, 'not_found');
});

test('check-in validation: every problem at once, and nothing written', async () => {
  const { businessId } = await fundedBusiness(hoa.id);
  const bad = checkinBody({
    registration_status: 'company',
    revenue_vnd: 1000000,
    profit_vnd: 2000000,
    workers: { women: 1, men: 0, with_disability: 2 },
    jobs_created: 1,
    jobs_created_women: 2,
    funds_used: [{ line: 3, used_vnd: 1 }, { line: 1, used_vnd: 18000001 }, { line: 1, used_vnd: 5 }],
    milestones: ['Mở cửa hàng', '   '],
    support_needed: ['marketing', 'astrology', 'marketing'],
    household_status: 'rich',
    schedule_number: 3,
    extra: 1,
  });
  const r = await unchanged(assert, () => submitCheckin(hoa.token, businessId, bad), FU_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  const f = fieldsOf(r);
  assert.deepEqual(Object.keys(f).sort(), [
    'extra', 'funds_used[0].line', 'funds_used[1].used_vnd', 'funds_used[2].line', 'household_status', 'jobs_created_women',
    'milestones[1]', 'profit_vnd', 'registration_status', 'schedule_number', 'support_needed[1]', 'support_needed[2]',
    'workers.with_disability',
  ], r.text);
  assert.equal(f.profit_vnd, 'cannot be more than revenue_vnd');
  assert.equal(f['funds_used[0].line'], 'must be a line of the budget, 1 to 2');
  assert.equal(f['funds_used[1].used_vnd'], 'cannot be more than the 18000000 VND budgeted for this line');
  assert.equal(f['funds_used[2].line'], 'is the same line as funds_used[1]');
  assert.equal(f['support_needed[1]'], 'must be a support area from /api/support-areas');
  assert.equal(f['support_needed[2]'], 'is listed twice');
  assert.match(f.schedule_number, /^is not open yet: it opens on \d{4}-\d{2}-\d{2}$/);

  // One rule at a time.
  const cases = [
    [{ revenue_vnd: undefined }, { revenue_vnd: 'is required while the business operates' }],
    [{ profit_vnd: null, workers: null, jobs_created: null, jobs_created_women: null },
      { profit_vnd: 'is required while the business operates', workers: 'is required while the business operates', jobs_created: 'is required while the business operates' }],
    [{ closed_reason: 'Chưa đóng cửa' }, { closed_reason: 'is only for a business that has closed' }],
    [{ operating: false }, { closed_reason: 'is required when the business has closed: say why' }],
    [{ operating: false, closed_reason: '  ' }, { closed_reason: 'must not be blank' }],
    [{ revenue_vnd: -1 }, { revenue_vnd: 'must be between 0 and 1000000000000' }],
    [{ profit_vnd: -1000000000001 }, { profit_vnd: 'must be between -1000000000000 and 1000000000000' }],
    [{ workers: { women: 1, men: 1 } }, { 'workers.with_disability': 'is required' }],
    [{ jobs_created: null, jobs_created_women: 1 }, { jobs_created: 'is required while the business operates', jobs_created_women: 'needs jobs_created' }],
    [{ schedule_number: 6 }, { schedule_number: 'is not in the schedule of this business (1 to 5)' }],
    [{ support_needed: ['astrology'] }, { 'support_needed[0]': 'must be a support area from /api/support-areas' }],
    [{ funds_used: [{ line: 1 }] }, { 'funds_used[0].used_vnd': 'is required' }],
  ];
  for (const [over, want] of cases) {
    const body = checkinBody(over);
    for (const k of Object.keys(over)) if (over[k] === undefined) delete body[k];
    const res = await unchanged(assert, () => submitCheckin(hoa.token, businessId, body), FU_TABLES);
    assertErr(assert, res, 422, 'validation_failed');
    for (const [k, v] of Object.entries(want)) assert.equal(fieldsOf(res)[k], v, `${JSON.stringify(over)}: ${res.text}`);
    assert.equal(Object.keys(fieldsOf(res)).length, Object.keys(want).length, res.text);
  }

  // The database refuses the same on its own (a handler with a bug cannot write them).
  await assert.rejects(sqlCheckin(businessId, 1, hoa.id, { profit_vnd: 99999999 }), /checkins_profit_vnd_check/);
  await assert.rejects(sqlCheckin(businessId, 1, hoa.id, { funds_used: [{ line: 1, used_vnd: 18000001 }] }), /funds used/);
  await assert.rejects(sqlCheckin(businessId, 1, hoa.id, { support_needed: ['astrology'] }), /support areas/);
  await assert.rejects(sqlCheckin(businessId, 1, hoa.id, { operating: false }), /checkins_operating_check/);
  await assert.rejects(sqlCheckin(businessId, 2, hoa.id), /opens on/);
  assert.equal(Number(await scalar('SELECT count(*) FROM checkins WHERE business_id = $1', [businessId])), 0);

  // A loss is fine; the answer goes to the baseline by default.
  const ok = await submitCheckin(hoa.token, businessId, checkinBody({ profit_vnd: -2500000 }));
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.schedule.label, 'baseline');
  assert.equal(ok.json.profit_vnd, -2500000);
});

test('submit, return with a comment, resubmit (history kept), approve: the application starts its follow-up', async () => {
  const { appId, businessId } = await fundedBusiness(hoa.id);
  const r = await submitCheckin(hoa.token, businessId, checkinBody());
  assert.equal(r.status, 201, r.text);
  const id = r.json.id;
  assert.equal(r.headers.get('location'), `/api/checkins/${id}`);
  assert.equal(etagOf(r), r.json.version);
  assert.deepEqual([r.json.status, r.json.approved, r.json.revision], ['submitted', false, 1]);
  assert.deepEqual(r.json.funds_used, [
    { line: 1, item: 'Nồi tráng bánh', budget_vnd: 18000000, used_vnd: 15000000 },
    { line: 2, item: 'Quảng cáo', budget_vnd: 12000000, used_vnd: 5000000 }]);
  assert.deepEqual(r.json.workers, { women: 2, men: 1, with_disability: 1 });
  assert.deepEqual(r.json.support_needed, ['marketing', 'bookkeeping']);
  assert.equal(r.json.submitted_by.role, 'applicant');
  const row = (await db.query('SELECT * FROM checkins WHERE id = $1', [id])).rows[0];
  assert.deepEqual([Number(row.revenue_vnd), Number(row.profit_vnd), row.workers_women, row.workers_men, row.workers_disabled,
    row.jobs_created, row.jobs_created_women, row.household_status, row.registration_status],
  [12000000, 3000000, 2, 1, 1, 2, 1, 'near_poor', 'household_business']);

  // Answered: the default (the next one) is not open yet, the baseline cannot be answered twice.
  const next = await unchanged(assert, () => submitCheckin(hoa.token, businessId, checkinBody()), FU_TABLES);
  assertErr(assert, next, 409, 'conflict');
  assert.match(next.json.error.message, /not open yet: it opens on/);
  const again = await unchanged(assert, () => submitCheckin(hoa.token, businessId, checkinBody({ schedule_number: 1 })), FU_TABLES);
  assertErr(assert, again, 422, 'validation_failed');
  assert.equal(fieldsOf(again).schedule_number, 'has been answered already');

  // Returning needs a comment for her.
  const noComment = await unchanged(assert, () => review(staff, id, { decision: 'return', comment: '  ' }), FU_TABLES);
  assertErr(assert, noComment, 422, 'validation_failed');
  assert.ok(fieldsOf(noComment).comment);
  assertErr(assert, await unchanged(assert, () => review(staff, id, { decision: 'maybe' }), FU_TABLES), 422, 'validation_failed');
  assertErr(assert, await unchanged(assert, () => review(staff, id, { decision: 'approve' }, ifMatch(r.json.version + 5)), FU_TABLES), 412, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => review(staff, 999999999, { decision: 'approve' }), FU_TABLES), 404, 'not_found');

  const out0 = Number(await scalar("SELECT count(*) FROM outbox WHERE user_id = $1 AND event = 'followup.returned'", [hoa.id]));
  const ret = await review(staff, id, { decision: 'return', comment: 'Chị ghi rõ số lao động nữ.' }, ifMatch(r.json.version));
  assert.equal(ret.status, 200, ret.text);
  assert.deepEqual([ret.json.status, ret.json.approved, ret.json.review_comment], ['returned', false, 'Chị ghi rõ số lao động nữ.']);
  const msgs = (await db.query("SELECT channel, subject, body FROM outbox WHERE user_id = $1 AND event = 'followup.returned' ORDER BY id", [hoa.id])).rows;
  assert.equal(msgs.length - out0, 2, 'one per channel she chose (e-mail and SMS)');
  assert.match(msgs.at(-1).body, /Chị ghi rõ số lao động nữ\./);
  assert.match(msgs.at(-1).subject, /báo cáo đầu kỳ/);
  // A returned check-in cannot be reviewed again until she answers.
  assertErr(assert, await unchanged(assert, () => review(staff, id, { decision: 'approve' }), FU_TABLES), 409, 'conflict');

  // She answers again: the next revision of the same check-in (the default goes to it).
  const re = await submitCheckin(hoa.token, businessId, checkinBody({ workers: { women: 3, men: 1, with_disability: 1 } }));
  assert.equal(re.status, 201, re.text);
  assert.deepEqual([re.json.id, re.json.revision, re.json.status, re.json.review_comment], [id, 2, 'submitted', null]);
  assert.deepEqual(re.json.versions.map((v) => [v.revision, v.decision, v.comment, v.data.workers.women]),
    [[1, 'return', 'Chị ghi rõ số lao động nữ.', 2], [2, null, null, 3]]);

  assert.equal(await scalar('SELECT checkin_approved($1, 1)', [businessId]), false);
  const ok = await review(admin, id, { decision: 'approve', comment: 'Đã kiểm tra tại cửa hàng' });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual([ok.json.status, ok.json.approved], ['approved', true]);
  assert.equal(ok.json.versions[1].decision, 'approve');
  assert.equal(await appStatus(appId), 'in_followup');
  assert.equal(await scalar('SELECT reason FROM application_events WHERE application_id = $1 ORDER BY id DESC LIMIT 1', [appId]), null);
  // For the decisions feature: tranches gated on an approved check-in.
  assert.equal(await scalar('SELECT checkin_approved($1, 1)', [businessId]), true);
  assert.equal(await scalar("SELECT checkin_approved($1, 'baseline')", [businessId]), true);
  assert.equal(await scalar("SELECT checkin_approved($1, 'month_3')", [businessId]), false);
  assert.equal(await scalar('SELECT checkin_approved($1, 2)', [businessId]), false);
  // Approved is final.
  assertErr(assert, await unchanged(assert, () => review(staff, id, { decision: 'return', comment: 'Sửa lại' }), FU_TABLES), 409, 'conflict');
  await assert.rejects(db.query('UPDATE checkins SET revenue_vnd = 1 WHERE id = $1', [id]), /final/);

  // Her view: the history with the comments.
  const k = await api('GET', `/api/checkins/${id}`, { token: hoa.token });
  assert.equal(k.status, 200);
  assert.equal(k.json.versions.length, 2);
  assert.equal(k.json.household_status, 'near_poor', 'she sees her own');
  const b = await api('GET', `/api/businesses/${businessId}`, { token: hoa.token });
  assert.equal(b.json.schedule[0].state, 'approved');
  assert.equal(b.json.application_status, 'in_followup');
});

test('staff send a check-in after a visit; every check-in approved completes the follow-up', async () => {
  const { appId, businessId } = await fundedBusiness(hoa.id, { followup_months: [0, 3] });
  await age(businessId, 100);	// funded 100 days ago: both are due
  const a = await submitCheckin(staff, businessId, checkinBody({ schedule_number: 2, revenue_vnd: 9000000, profit_vnd: 100000 }));
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.submitted_by.role, 'staff');
  assert.equal(a.json.schedule.number, 2);
  const b = await submitCheckin(hoa.token, businessId, checkinBody());
  assert.equal(b.json.schedule.number, 1, 'the earliest open one by default');
  assert.equal((await review(staff, a.json.id, { decision: 'approve' })).status, 200);
  assert.equal(await appStatus(appId), 'in_followup', 'the first approval starts the follow-up');
  assert.equal((await review(staff, b.json.id, { decision: 'approve' })).status, 200);
  assert.equal(await appStatus(appId), 'completed');
  assertErr(assert, await unchanged(assert, () => submitCheckin(hoa.token, businessId, checkinBody()), FU_TABLES), 409, 'conflict');
});

test('a check-in saying the business closed, once approved, closes it and the application; it takes nothing more', async () => {
  const { appId, businessId } = await fundedBusiness(hoa.id);
  const r = await submitCheckin(hoa.token, businessId, checkinBody({
    operating: false, closed_reason: 'Mặt bằng bị thu hồi', revenue_vnd: null, profit_vnd: null, workers: null,
    jobs_created: 0, jobs_created_women: null, funds_used: [], support_needed: [],
  }));
  assert.equal(r.status, 201, r.text);
  assert.equal((await business(businessId)).status, 'on_track', 'not closed until staff confirm it');
  const ok = await review(staff, r.json.id, { decision: 'approve' });
  assert.equal(ok.status, 200, ok.text);
  const b = (await db.query('SELECT status, closed_reason, closed_by FROM businesses WHERE id = $1', [businessId])).rows[0];
  assert.deepEqual([b.status, b.closed_reason, Number(b.closed_by)], ['closed', 'Mặt bằng bị thu hồi', staffId]);
  assert.equal(await appStatus(appId), 'closed');
  assert.deepEqual((await db.query('SELECT from_status, to_status, reason FROM application_events WHERE application_id = $1 ORDER BY id DESC LIMIT 2', [appId])).rows.reverse(),
    [{ from_status: 'funded', to_status: 'in_followup', reason: 'Mặt bằng bị thu hồi' }, { from_status: 'in_followup', to_status: 'closed', reason: 'Mặt bằng bị thu hồi' }]);

  await age(businessId, 100);
  const more = await unchanged(assert, () => submitCheckin(hoa.token, businessId, checkinBody()), FU_TABLES);
  assertErr(assert, more, 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => post(staff, `/api/businesses/${businessId}/flag`, { reason: 'Kiểm tra' }), FU_TABLES), 409, 'conflict');
  assertErr(assert, await unchanged(assert, () => post(staff, `/api/businesses/${businessId}/close`, { reason: 'Lần nữa' }), FU_TABLES), 409, 'conflict');
  assert.equal(await recompute(businessId, 400), 'closed', 'closed stays closed whatever the time');
  await assert.rejects(db.query("UPDATE businesses SET status = 'on_track', closed_at = NULL, closed_reason = NULL WHERE id = $1", [businessId]), /stays closed/);
});

test('staff close a business with a reason; she is told through her application', async () => {
  const { appId, businessId } = await fundedBusiness(hoa.id);
  assertErr(assert, await unchanged(assert, () => post(staff, `/api/businesses/${businessId}/close`, {}), FU_TABLES), 422, 'validation_failed');
  const r = await post(staff, `/api/businesses/${businessId}/close`, { reason: 'Chị đã chuyển về quê' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual([r.json.status, r.json.closed.reason], ['closed', 'Chị đã chuyển về quê']);
  assert.equal(await appStatus(appId), 'closed');
  const m = await scalar("SELECT body FROM outbox WHERE user_id = $1 AND event = 'application.status' ORDER BY id DESC LIMIT 1", [hoa.id]);
  assert.match(m, /Chị đã chuyển về quê/);
});

test('at risk: a missed check-in, with the clock moved (grace period, submitted, returned)', async () => {
  const { businessId } = await fundedBusiness(hoa.id);
  assert.equal(await recompute(businessId, 14), 'on_track', '14 days after the due date: within the grace period');
  assert.equal(await recompute(businessId, 15), 'at_risk');
  const b = await business(businessId);
  assert.deepEqual(b.risks.map((x) => [x.code, x.number, x.label]), [['missed_checkin', 1, 'baseline']]);
  assert.equal(await recompute(businessId, 0), 'on_track', 'the status follows the clock both ways');

  // Submitted (not yet reviewed) counts: she did her part.
  const id = await sqlCheckin(businessId, 1, hoa.id);
  assert.equal(await recompute(businessId, 15), 'on_track');
  // Returned and not sent again: missed.
  await sqlReview(id, 'return', staffId, 'Thiếu số liệu');
  assert.equal(await recompute(businessId, 15), 'at_risk');
  await sqlCheckin(businessId, 1, hoa.id);
  await sqlReview(id, 'approve', staffId);
  assert.equal(await recompute(businessId, 15), 'on_track');
  // The 3-month check-in: missed 14 days after its due date + 1.
  const due3 = await scalar('SELECT due_on - followup_today(now()) FROM followup_schedule WHERE business_id = $1 AND number = 2', [businessId]);
  assert.equal(await recompute(businessId, due3 + 14), 'on_track');
  assert.equal(await recompute(businessId, due3 + 15), 'at_risk');

  // A call with no grace: the day after.
  const strict = await fundedBusiness(mai.id, { followup_grace_days: 0 });
  assert.equal(await recompute(strict.businessId, 0), 'on_track');
  assert.equal(await recompute(strict.businessId, 1), 'at_risk');

  // The periodic job does all of them.
  await db.query('SELECT followup_recompute_all($1::timestamptz)', [at(0)]);
  assert.equal((await business(strict.businessId)).status, 'on_track');
  assert.ok(await scalar('SELECT followup_recompute_all($1::timestamptz)', [at(3)]) >= 1);
  assert.equal((await business(strict.businessId)).status, 'at_risk');
  await db.query('SELECT followup_recompute_all($1::timestamptz)', [at(0)]);
});

// Baseline, 3 and 6 months answered and approved with these revenues
// (SQL, each at its own time), then the status 6 months and a week on.
async function revenueCase(revenues, call = {}) {
  const { businessId } = await fundedBusiness(hoa.id, call);
  const dues = (await db.query('SELECT number, due_on - followup_today(now()) AS d FROM followup_schedule WHERE business_id = $1 ORDER BY number', [businessId])).rows;
  for (let i = 0; i < revenues.length; i++) {
    const when = at(dues[i].d);
    const id = await sqlCheckin(businessId, i + 1, hoa.id, { revenue_vnd: revenues[i], profit_vnd: 0 }, when);
    await sqlReview(id, 'approve', staffId, null, when);
  }
  const st = await recompute(businessId, dues[2].d + 7);
  return { status: st, risks: (await business(businessId)).risks, businessId };
}

test('at risk: falling revenue — the last two approved check-ins each below the baseline by more than the threshold', async () => {
  const falling = await revenueCase([10000000, 7999999, 7000000]);
  assert.equal(falling.status, 'at_risk');
  assert.deepEqual(falling.risks, [{ code: 'revenue_falling', baseline_vnd: 10000000, recent_vnd: [7999999, 7000000], threshold_pct: 20 }]);
  // Exactly 20 % lower is not more than 20 %.
  assert.equal((await revenueCase([10000000, 8000000, 7000000])).status, 'on_track');
  // One bad month is not a trend.
  assert.equal((await revenueCase([10000000, 9000000, 7000000])).status, 'on_track');
  // Nothing sold at the baseline: cannot fall.
  assert.equal((await revenueCase([0, 0, 0])).status, 'on_track');
  // The call's threshold.
  assert.equal((await revenueCase([10000000, 7999999, 7000000], { followup_revenue_drop_pct: 40 })).status, 'on_track');
  assert.equal((await revenueCase([10000000, 5999999, 5000000], { followup_revenue_drop_pct: 40 })).status, 'at_risk');
});

test('at risk: a staff flag with a reason, until it is lifted', async () => {
  const { businessId } = await fundedBusiness(hoa.id);
  const path = `/api/businesses/${businessId}`;
  for (const body of [{}, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(2001) }, { reason: 'Lý do', other: 1 }]) {
    assertErr(assert, await unchanged(assert, () => post(staff, `${path}/flag`, body), FU_TABLES), 422, 'validation_failed');
  }
  assertErr(assert, await unchanged(assert, () => post(staff, '/api/businesses/999999999/flag', { reason: 'Lý do' }), FU_TABLES), 404, 'not_found');
  assertErr(assert, await unchanged(assert, () => post(staff, `${path}/unflag`), FU_TABLES), 409, 'conflict');

  const v = (await api('GET', path, { token: staff })).json.version;
  assertErr(assert, await unchanged(assert, () => post(staff, `${path}/flag`, { reason: 'Lý do' }, ifMatch(v + 1)), FU_TABLES), 412, 'precondition_failed');
  const r = await post(staff, `${path}/flag`, { reason: 'Chủ nhà đòi lại mặt bằng' }, ifMatch(v));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'at_risk');
  assert.equal(r.json.flag.reason, 'Chủ nhà đòi lại mặt bằng');
  assert.equal(r.json.flag.by, staffId);
  assert.deepEqual(r.json.risks.map((x) => [x.code, x.reason]), [['flagged', 'Chủ nhà đòi lại mặt bằng']]);
  assert.equal(await recompute(businessId, 0), 'at_risk', 'the flag does not wear off');
  const hers = await api('GET', path, { token: hoa.token });
  assert.deepEqual(hers.json.risks, [{ code: 'flagged' }], 'she sees that, not why');
  assert.equal(hers.json.flagged, true);

  const list = await api('GET', `/api/businesses?status=at_risk&call_id=${await scalar('SELECT call_id FROM businesses WHERE id = $1', [businessId])}`, { token: staff });
  assert.deepEqual(list.json.items.map((b) => [b.id, b.risks]), [[businessId, ['flagged']]]);

  const u = await post(admin, `${path}/unflag`);
  assert.equal(u.status, 200, u.text);
  assert.deepEqual([u.json.status, u.json.flag, u.json.risks], ['on_track', null, []]);
  assert.deepEqual(await scalar("SELECT array_agg(DISTINCT action ORDER BY action) FROM audit_log WHERE entity = 'businesses' AND entity_id = $1 AND action LIKE 'businesses.%flag'", [String(businessId)]),
    ['businesses.flag', 'businesses.unflag']);
});

test('the due list moves with the clock: due soon, overdue, missed, oldest first; answered ones leave it', async () => {
  const callId = await makeCall();
  const older = await fundedBusiness(hoa.id);
  const newer = await fundedBusiness(mai.id);
  // Both in one call for the filter: the older one funded 10 days ago.
  await db.query('UPDATE businesses SET call_id = $2 WHERE id = ANY($1)', [[older.businessId, newer.businessId], callId]);
  await age(older.businessId, 10);
  const due = async (days, within) => (await db.query(
    'SELECT business_id, number, state, days_overdue FROM followup_due($1::timestamptz, $2) WHERE business_id = ANY($3)',
    [at(days), within, [older.businessId, newer.businessId]])).rows.map((r) => [Number(r.business_id), r.number, r.state, r.days_overdue]);

  assert.deepEqual(await due(0, 14), [[older.businessId, 1, 'overdue', 10], [newer.businessId, 1, 'due_soon', 0]]);
  assert.deepEqual(await due(-5, 3), [[older.businessId, 1, 'overdue', 5]], 'five days earlier the newer one was not due within 3 days');
  assert.deepEqual(await due(5, 14), [[older.businessId, 1, 'missed', 15], [newer.businessId, 1, 'overdue', 5]]);
  const d3 = await scalar('SELECT due_on - followup_today(now()) FROM followup_schedule WHERE business_id = $1 AND number = 2', [newer.businessId]);
  assert.equal((await due(0, d3)).length, 4, 'a window as long as three months takes in the 3-month check-ins too');

  // The API, for staff, with ?as_of= (and the same answer as the SQL).
  const asOf = encodeURIComponent(at(5));
  const r = await api('GET', `/api/followups/due?as_of=${asOf}&within_days=14&call_id=${callId}`, { token: staff });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.items.map((i) => [i.business.id, i.label, i.state, i.days_overdue]),
    [[older.businessId, 'baseline', 'missed', 15], [newer.businessId, 'baseline', 'overdue', 5]]);
  assert.equal(r.json.items[0].owner.full_name, 'Trần Thị Hoa');
  assert.equal(r.json.within_days, 14);
  assert.equal(r.json.truncated, false);
  const now = await api('GET', `/api/followups/due?call_id=${callId}&within_days=0`, { token: staff });
  assert.deepEqual(now.json.items.map((i) => [i.business.id, i.state]), [[older.businessId, 'overdue'], [newer.businessId, 'due_soon']]);
  const one = await api('GET', `/api/followups/due?call_id=${callId}&limit=1`, { token: staff });
  assert.deepEqual([one.json.items.length, one.json.truncated], [1, true]);
  const ward = await api('GET', `/api/followups/due?call_id=${callId}&ward=00088`, { token: staff });
  assert.deepEqual(ward.json.items, []);

  // Answered leaves the list; returned comes back; closed leaves it for good.
  const k = await sqlCheckin(older.businessId, 1, hoa.id);
  assert.deepEqual((await due(0, 14)).map((x) => x[0]), [newer.businessId]);
  await sqlReview(k, 'return', staffId, 'Thiếu ảnh cửa hàng');
  assert.deepEqual((await due(0, 14)).map((x) => x[0]), [older.businessId, newer.businessId]);
  await db.query("SELECT business_close($1, 'Đóng cửa', $2, now())", [newer.businessId, staffId]);
  assert.deepEqual((await due(0, 14)).map((x) => x[0]), [older.businessId]);

  for (const q of ['as_of=yesterday', 'as_of=2026-13-01T00:00:00Z', 'within_days=-1', 'within_days=366', 'ward=abc', 'call_id=0', 'limit=0']) {
    assertErr(assert, await api('GET', `/api/followups/due?${q}`, { token: staff }), 400, 'validation_failed');
  }
});

test('reminders before and after the due date go once each, on her channels; none for a closed business', async () => {
  const { businessId } = await fundedBusiness(hoa.id);
  const closed = await fundedBusiness(mai.id);
  await db.query("SELECT business_close($1, 'Đóng cửa', $2, now())", [closed.businessId, staffId]);
  const sid = Number(await scalar('SELECT id FROM followup_schedule WHERE business_id = $1 AND number = 1', [businessId]));
  const sent = async () => (await db.query("SELECT dedupe_key, channel, event, subject, body FROM outbox WHERE dedupe_key LIKE $1 ORDER BY id",
    [`followup:${sid}:%`])).rows;
  const remind = (days) => scalar('SELECT followup_reminders($1::timestamptz)', [at(days)]);

  await remind(-8);	// more than 7 days before: nothing yet
  assert.deepEqual(await sent(), []);
  await remind(-7);
  assert.deepEqual((await sent()).map((m) => m.dedupe_key), [`followup:${sid}:due_soon:email`, `followup:${sid}:due_soon:sms`]);
  await remind(-3);
  await remind(0);
  assert.equal((await sent()).length, 2, 'the reminder before went once');
  await remind(1);
  await remind(2);
  await remind(30);
  const all = await sent();
  assert.deepEqual(all.map((m) => m.dedupe_key), [
    `followup:${sid}:due_soon:email`, `followup:${sid}:due_soon:sms`, `followup:${sid}:overdue:email`, `followup:${sid}:overdue:sms`]);
  const award = await today();
  const dmy = award.split('-').reverse().join('/');
  assert.match(all[0].subject, /báo cáo đầu kỳ/);
  assert.ok(all[0].body.includes('Bánh cuốn Thanh Trì') && all[0].body.includes(dmy), all[0].body);
  assert.equal(all[2].event, 'followup.overdue');
  assert.equal(Number(await scalar("SELECT count(*) FROM outbox o JOIN followup_schedule s ON o.dedupe_key LIKE 'followup:' || s.id || ':%' WHERE s.business_id = $1", [closed.businessId])), 0);

  // Once answered, no more reminders for it.
  const b2 = await fundedBusiness(hoa.id);
  const sid2 = Number(await scalar('SELECT id FROM followup_schedule WHERE business_id = $1 AND number = 1', [b2.businessId]));
  await sqlCheckin(b2.businessId, 1, hoa.id);
  await remind(0);
  await remind(3);
  assert.equal(Number(await scalar('SELECT count(*) FROM outbox WHERE dedupe_key LIKE $1', [`followup:${sid2}:%`])), 0);
});

test("staff's list of businesses: filters, pages, bad parameters", async () => {
  const callId = await makeCall();
  const made = [];
  for (let i = 0; i < 3; i++) made.push((await fundedBusiness(i === 1 ? mai.id : hoa.id)).businessId);
  await db.query('UPDATE businesses SET call_id = $2 WHERE id = ANY($1)', [made, callId]);
  await db.query("UPDATE businesses SET ward_code = '00049' WHERE id = $1", [made[2]]);
  const page1 = await api('GET', `/api/businesses?call_id=${callId}&limit=2`, { token: staff });
  assert.equal(page1.status, 200, page1.text);
  assert.deepEqual(page1.json.items.map((b) => b.id), made.slice(0, 2));
  assert.equal(page1.json.next_after, made[1]);
  const page2 = await api('GET', `/api/businesses?call_id=${callId}&limit=2&after=${page1.json.next_after}`, { token: staff });
  assert.deepEqual(page2.json.items.map((b) => b.id), [made[2]]);
  assert.equal(page2.json.next_after, null);
  const item = page1.json.items[1];
  assert.equal(item.owner.full_name, 'Lê Thị Mai');
  assert.deepEqual(item.next_due, { number: 1, label: 'baseline', due_on: await today(), state: 'open' });
  const ward = await api('GET', `/api/businesses?call_id=${callId}&ward=00049`, { token: staff });
  assert.deepEqual(ward.json.items.map((b) => b.id), [made[2]]);
  const closed = await api('GET', `/api/businesses?call_id=${callId}&status=closed`, { token: staff });
  assert.deepEqual(closed.json.items, []);
  for (const q of ['status=dead', 'ward=1', 'limit=101', 'after=-1', 'call_id=x']) {
    assertErr(assert, await api('GET', `/api/businesses?${q}`, { token: staff }), 400, 'validation_failed');
  }
});

test('the support areas list, for check-ins and training topics', async () => {
  const r = await api('GET', '/api/support-areas');
  assert.equal(r.status, 200);
  assert.ok(r.json.items.length >= 5);
  assert.deepEqual(r.json.items[2], { code: 'marketing', label: { vi: 'Tiếp thị và bán hàng', en: 'Marketing and sales' } });
});
