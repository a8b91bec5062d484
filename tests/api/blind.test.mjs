// Blindness: nothing a reviewer can get from the API says who applied.
// The applicant here goes through the real intake (registration, a
// profile full of personal data, submission, documents, screening with a
// reason that names her, verified priority claims), and three reviewers
// then do everything a reviewer can do with her application.  Every key
// and every value of every answer they get is walked and checked against
// the personal fields and against her actual name, e-mail, phone,
// national ID, birth date, address and certificate numbers; the other
// reviewers' names never appear either (pseudonyms).  Who may reach an
// application at all (404 for the unassigned, the unreleased, the
// conflicted): reviews.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, demo, login } from './lib.mjs';
import { userIdOf } from './fixtures.mjs';
import { addDocument, applicant, day, fullDraft, submitted } from './apps_fixtures.mjs';
import { assign, moveApp, newReviewer, putReview, reviewCall, submitReview } from './matrix/reviews.mjs';

after(() => db.end());

// Keys that hold personal data, or lead to it, wherever they appear.
const PERSONAL_KEYS = ['applicant', 'applicant_id', 'full_name', 'email', 'phone', 'national_id', 'date_of_birth',
  'address', 'household_status', 'household_cert_number', 'household_cert_issued_on', 'household_cert_valid_until',
  'household_cert_valid', 'disability', 'disability_level', 'disability_cert_number', 'disability_cert_issued_on',
  'disability_cert_valid_until', 'disability_cert_valid', 'disability_details', 'claims', 'priority', 'documents',
  'screening_reason', 'events', 'actor', 'actor_role', 'actor_id', 'notify_channels', 'outside_district',
  'user_id', 'reviewer', 'reviewer_id', 'author_id', 'author_role'];

const PROFILE = {
  full_name: 'Đinh Thị Phượng',
  phone: '0987 111 222',
  date_of_birth: '1979-11-23',
  national_id: '001179004321',
  ward_code: '00061',
  address: '17 ngõ Hàng Bạc',
  household_status: 'poor',
  household_cert_number: 'HN-HB-0042',
  household_cert_issued_on: '2025-01-10',
  disability: true,
  disability_level: 'mild',
  disability_cert_number: 'KT-7781',
  disability_cert_issued_on: '2020-05-05',
  disability_details: 'Khiếm thị một mắt từ nhỏ',
  notify_channels: ['email', 'sms'],
};
const REASON = 'Đủ điều kiện; đã gọi 0987111222 xác nhận với chị Phượng';

let me, app, call, staff;
const rv = [];		// the three reviewers: { id, token, name, email }
const seen = [];	// [label, response] of everything the reviewers got

before(async () => {
  staff = await login('staff');
  me = await applicant({ ...PROFILE, household_cert_valid_until: await day("interval '200 days'") });
  call = await reviewCall();
  app = (await submitted(me.token, call, { business_name: 'Xưởng nến thơm Phố Cổ' })).id;
  for (const kind of ['household_certificate', 'disability_certificate', 'id_card', 'business_plan']) {
    await addDocument(app, kind, me.id);
  }
  const scr = await api('POST', `/api/applications/${app}/screening`, { token: staff, body: { eligible: true, reason: REASON } });
  assert.equal(scr.status, 200, scr.text);
  for (const category of ['poor', 'disability']) {
    const v = await api('POST', `/api/applications/${app}/priority`, { token: staff, body: { category, verified: true } });
    assert.equal(v.status, 200, v.text);
  }
  await moveApp(app, 'in_review');

  rv.push({ id: await userIdOf(demo.reviewer1.email), token: await login('reviewer1'), email: demo.reviewer1.email });
  rv.push({ id: await userIdOf(demo.reviewer2.email), token: await login('reviewer2'), email: demo.reviewer2.email });
  rv.push(await newReviewer(staff, 'Hồ Xuân Hương'));
  for (const r of rv) {
    r.name = (await db.query('SELECT full_name FROM users WHERE id = $1', [r.id])).rows[0].full_name;
  }
  // The third reviewer is released but has not declared yet.
  await assign(call, app, rv[0].id);
  await assign(call, app, rv[1].id);
  await assign(call, app, rv[2].id, { declared: false });
});

// Every personal value of the applicant, as stored and as typed.
async function personalValues() {
  const u = (await db.query('SELECT id, email, full_name, phone FROM users WHERE id = $1', [me.id])).rows[0];
  const p = (await db.query('SELECT * FROM applicant_profiles WHERE user_id = $1', [me.id])).rows[0];
  const local = u.email.split('@')[0];
  return [u.full_name, u.email, local, u.phone, u.phone.replace('+84', '0'), PROFILE.phone, p.national_id,
    PROFILE.date_of_birth, '23/11/1979', p.address, p.household_cert_number, p.disability_cert_number,
    p.disability_details, 'Phượng', REASON, 'giay-chung-nhan.pdf'];
}

// Walk every key and value; report what should not be there.
function walk(v, path, found, values) {
  if (Array.isArray(v)) {
    v.forEach((x, i) => walk(x, `${path}[${i}]`, found, values));
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (PERSONAL_KEYS.includes(k)) found.push(`${path}.${k}: a personal field`);
      walk(x, `${path}.${k}`, found, values);
    }
  } else if (typeof v === 'string') {
    const low = v.toLowerCase();
    for (const p of values) {
      if (low.includes(String(p).toLowerCase())) found.push(`${path}: "${v}" holds "${p}"`);
    }
  }
}

async function record(label, r) {
  seen.push([label, r]);
  return r;
}

test('the blind view holds the business, the ward, the rubric with its anchors and her assignment, nothing else', async () => {
  const r = await record('blind', await api('GET', `/api/applications/${app}/blind`, { token: rv[0].token }));
  assert.equal(r.status, 200, r.text);
  const b = r.json;
  assert.deepEqual(Object.keys(b).sort(), ['amount_requested_vnd', 'assignment', 'budget_lines', 'budget_total_vnd',
    'business_name', 'call', 'description', 'id', 'jobs_planned', 'operating_since', 'plan', 'problem_customers',
    'reference', 'registered_on', 'rubric', 'sector', 'sector_label', 'stage', 'stage_label', 'status', 'team_size',
    'ward', 'women_employed']);
  const d = fullDraft();
  assert.equal(b.id, app);
  assert.match(b.reference, /^HK-\d{4}-\d{5,}$/);
  assert.equal(b.status, 'in_review');
  assert.equal(b.business_name, 'Xưởng nến thơm Phố Cổ');
  for (const k of ['stage', 'sector', 'description', 'problem_customers', 'plan', 'team_size', 'women_employed',
    'jobs_planned', 'amount_requested_vnd', 'budget_lines']) assert.deepEqual(b[k], d[k], k);
  assert.equal(b.budget_total_vnd, 30000000);
  assert.deepEqual(b.stage_label, { vi: 'Ý tưởng kinh doanh', en: 'Business idea' });
  assert.equal(b.sector_label.en, 'Food and beverage');
  assert.equal(b.ward, 'Hàng Bạc', 'the ward she lives in, by name');
  assert.deepEqual(Object.keys(b.call).sort(), ['id', 'review_due_at', 'scoring_closed_at', 'title']);
  assert.equal(b.call.id, call);
  assert.deepEqual(Object.keys(b.assignment).sort(), ['due_at', 'id', 'no_conflict_at']);
  assert.ok(b.assignment.no_conflict_at);
  assert.deepEqual(b.rubric.map((k) => [k.key, k.max_score, k.weight]), [['impact', 10, 60], ['feasibility', 10, 40]]);
  assert.deepEqual(b.rubric[0].label, { vi: 'Tác động', en: 'Impact' });
  assert.deepEqual(b.rubric[1].anchors.map((a) => a.score), [0, 5, 10]);
  assert.deepEqual(b.rubric[1].anchors[2].text, { vi: 'Xuất sắc (feasibility)', en: 'Excellent (feasibility)' });
  // Her data is all there for staff: the test would prove nothing otherwise.
  const full = await api('GET', `/api/applications/${app}`, { token: staff });
  assert.equal(full.json.applicant.national_id, PROFILE.national_id);
  assert.equal(full.json.screening_reason, REASON);
  assert.equal(full.json.claims.filter((c) => c.status === 'verified').length, 2);
  assert.equal(full.json.documents.length, 4);
  // Reading it is no read of personal data.
  assert.equal(Number((await db.query("SELECT count(*) FROM audit_log WHERE request_id = $1",
    [r.headers.get('x-request-id')])).rows[0].count), 0);
});

test('a reviewer\'s whole journey: every answer is walked, field by field', async () => {
  const [a, b, c] = rv;
  const url = `/api/applications/${app}`;
  // Before anything: no review yet, the others closed, the third not declared.
  await record('own review, none yet', await api('GET', `${url}/review`, { token: a.token }));
  await record('reviews before', await api('GET', `${url}/reviews`, { token: a.token }));
  await record('discussion before', await api('GET', `${url}/discussion`, { token: a.token }));
  await record('undeclared blind', await api('GET', `${url}/blind`, { token: c.token }));
  await record('undeclared review', await putReview(c.token, app, { scores: { impact: 1 } }));

  const p1 = await record('save', await putReview(a.token, app, { scores: { impact: 8 }, comment_committee: 'Rõ ràng.' }));
  assert.equal(p1.status, 201, p1.text);
  await record('save refused', await putReview(a.token, app, { scores: { impact: 12, team: 1 } }, p1.json.version));
  await record('submit refused', await submitReview(a.token, app, p1.json.version));
  const p2 = await record('save 2', await putReview(a.token, app,
    { scores: { feasibility: 6 }, recommendation: 'fund', comment_applicant: 'Kế hoạch tốt, nên thêm chi phí.' }, p1.json.version));
  const s1 = await record('submit', await submitReview(a.token, app, p2.json.version));
  assert.equal(s1.status, 200, s1.text);
  const q = await api('GET', `${url}/review`, { token: b.token });
  assert.equal(q.status, 404);
  const pb = await putReview(b.token, app, { scores: { impact: 5, feasibility: null }, recommendation: 'maybe',
    comment_committee: 'Cần hỏi thêm về thị trường.' });
  assert.equal((await submitReview(b.token, app, pb.json.version)).status, 200);

  await record('own review', await api('GET', `${url}/review`, { token: a.token }));
  await record('reviews after', await api('GET', `${url}/reviews`, { token: a.token }));
  await record('reviews of the second', await api('GET', `${url}/reviews`, { token: b.token }));
  await record('post', await api('POST', `${url}/discussion`, { token: a.token, body: { body: 'Tôi chấm tác động 8.' } }));
  const sp = await api('POST', `${url}/discussion`, { token: staff, body: { body: 'Hồ sơ đã đủ giấy tờ.' } });
  assert.equal(sp.status, 201, sp.text);
  await api('POST', `${url}/discussion`, { token: b.token, body: { body: 'Đồng ý.' } });
  await record('discussion', await api('GET', `${url}/discussion`, { token: a.token }));
  // A revision.
  const own = (await api('GET', `${url}/review`, { token: a.token })).json;
  const p3 = await record('revise', await putReview(a.token, app, { scores: { impact: 7 } }, own.version));
  await record('resubmit', await submitReview(a.token, app, p3.json.version));
  await record('reviews after revision', await api('GET', `${url}/reviews`, { token: a.token }));

  const statuses = seen.map(([l, r]) => `${l}: ${r.status}`);
  assert.deepEqual(statuses, ['blind: 200', 'own review, none yet: 404', 'reviews before: 403', 'discussion before: 403',
    'undeclared blind: 409', 'undeclared review: 409', 'save: 201', 'save refused: 422', 'submit refused: 422',
    'save 2: 200', 'submit: 200', 'own review: 200', 'reviews after: 200', 'reviews of the second: 200', 'post: 201',
    'discussion: 200', 'revise: 200', 'resubmit: 200', 'reviews after revision: 200']);
});

test('no answer to a reviewer holds a personal field, her data, or another reviewer\'s name', async () => {
  assert.ok(seen.length >= 19, 'the journey ran first');
  const values = await personalValues();
  const staffName = (await db.query("SELECT full_name FROM users WHERE email = $1", [demo.staff.email])).rows[0].full_name;
  const people = [...rv.flatMap((o) => [o.name, o.email]), staffName, demo.staff.email];
  for (const [label, r] of seen) {
    assert.ok(r.json, `${label}: a JSON answer`);
    const found = [];
    walk(r.json, label, found, [...values, ...people]);
    assert.deepEqual(found, [], `${label}: ${r.text}`);
  }
  // The check catches what it should: staff answers do hold her data.
  const staffView = await api('GET', `/api/applications/${app}/reviews`, { token: staff });
  const found = [];
  walk(staffView.json, 'staff', found, rv.map((r) => r.name));
  assert.ok(found.some((f) => f.includes('.reviewer: a personal field')), found.join('\n'));
  const full = await api('GET', `/api/applications/${app}`, { token: staff });
  const leak = [];
  walk(full.json, 'application', leak, values);
  for (const k of ['applicant', 'applicant_id', 'claims', 'documents', 'screening_reason', 'events']) {
    assert.ok(leak.some((f) => f.startsWith(`application.${k}: a personal field`)), k);
  }
  for (const v of [PROFILE.national_id, PROFILE.date_of_birth, PROFILE.disability_details, REASON]) {
    assert.ok(leak.some((f) => f.includes(`holds "${v}"`)), v);
  }
});

test('the blind view is one SQL function, and it reads no personal table', async () => {
  const { rows } = await db.query("SELECT prosrc FROM pg_proc WHERE proname = 'api_blind_application'");
  assert.equal(rows.length, 1);
  const src = rows[0].prosrc;
  for (const t of ['applicant_profiles', 'users', 'priority_claims', 'documents', 'application_events']) {
    assert.ok(!new RegExp(`\\b${t}\\b`).test(src), `api_blind_application reads ${t}`);
  }
  for (const col of ['applicant_id', 'screening_reason', 'outside_district']) {
    assert.ok(!src.includes(col), `api_blind_application uses ${col}`);
  }
});
