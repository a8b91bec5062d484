// The applicant's profile (GET/PUT /api/me/profile) and her messages
// (GET /api/me/messages), app/applications/profile.c.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, register, unchanged } from './fixtures.mjs';
import { APP_TABLES, day, etagOf, fullProfile, ifMatch, today } from './apps_fixtures.mjs';

after(() => db.end());

const put = (token, body, headers = {}) => api('PUT', '/api/me/profile', { token, body, headers });
const stored = async (uid) => (await db.query('SELECT * FROM applicant_profiles WHERE user_id = $1', [uid])).rows[0];

test('a new applicant reads an empty profile without an ETag, then saves it whole', async () => {
  const a = await register({ full_name: 'Đỗ Thị Hằng', phone: '0987 111 222' });
  const r0 = await api('GET', '/api/me/profile', { token: a.token });
  assert.equal(r0.status, 200, r0.text);
  assert.equal(r0.headers.get('etag'), null, 'nothing saved yet, nothing to match');
  assert.equal(r0.json.full_name, 'Đỗ Thị Hằng');
  assert.equal(r0.json.phone, '+84987111222', 'the phone of her registration');
  assert.equal(r0.json.household_status, 'none');
  assert.equal(r0.json.disability, false);
  assert.deepEqual(r0.json.notify_channels, ['email']);
  assert.equal(r0.json.national_id, null);
  assert.equal(r0.json.version, null);

  const body = fullProfile({
    full_name: '  Đỗ Thị Hằng  ',
    phone: '+84 912.345.678',
    national_id: '001190009012',
    household_status: 'near_poor',
    household_cert_number: 'CN-2025/117',
    household_cert_issued_on: await day("interval '-100 days'"),
    household_cert_valid_until: await day("interval '200 days'"),
    disability: true,
    disability_level: 'severe',
    disability_cert_number: 'KT-88',
    disability_cert_issued_on: '2019-06-01',
    disability_details: 'Khiếm thị một mắt.\nĐi lại bình thường.',
    notify_channels: ['email', 'sms', 'zalo'],
  });
  const r = await put(a.token, body);
  assert.equal(r.status, 200, r.text);
  assert.equal(etagOf(r), 1);
  assert.equal(r.json.version, 1);
  assert.equal(r.json.full_name, 'Đỗ Thị Hằng', 'trimmed');
  assert.equal(r.json.phone, '+84912345678', 'normalised');
  assert.equal(r.json.national_id, '********9012', 'masked to its last four digits');
  assert.equal(r.json.ward_code, '00049');
  assert.equal(r.json.ward_name, 'Hàng Đào');
  assert.equal(r.json.household_cert_valid, true);
  assert.equal(r.json.disability_cert_valid, true, 'a disability certificate without an end date stays valid');
  assert.deepEqual(r.json.notify_channels, ['email', 'sms', 'zalo']);
  assert.equal(r.json.disability_details, body.disability_details);

  // What the database holds: the whole ID, the normalised phone.
  const row = await stored(a.user.id);
  assert.equal(row.national_id, '001190009012');
  assert.equal(row.household_status, 'near_poor');
  assert.equal(row.disability_level, 'severe');
  assert.equal(await scalar('SELECT phone FROM users WHERE id = $1', [a.user.id]), '+84912345678');
  assert.equal(await scalar('SELECT full_name FROM users WHERE id = $1', [a.user.id]), 'Đỗ Thị Hằng');
  // The audit trail has the change, never the national ID.
  const logged = await scalar("SELECT after::text FROM audit_log WHERE entity = 'applicant_profiles' AND entity_id = $1 ORDER BY id DESC LIMIT 1", [String(a.user.id)]);
  assert.ok(logged && logged.includes('near_poor'), logged);
  assert.ok(!logged.includes('001190009012'), 'the national ID stays out of the audit log');

  const g = await api('GET', '/api/me/profile', { token: a.token });
  assert.equal(etagOf(g), 1);
  assert.equal(g.json.national_id, '********9012');
  assert.ok(!g.text.includes('001190009012'), 'the whole ID is never sent back to her');
});

test('national_id is write-mostly: a PUT without it keeps it, null clears it', async () => {
  const a = await register();
  assert.equal((await put(a.token, fullProfile({ national_id: '079123456789' }))).status, 200);
  const { national_id: _omit, ...rest } = fullProfile({ address: 'Số 3 Hàng Gai' });
  const kept = await put(a.token, rest);
  assert.equal(kept.status, 200, kept.text);
  assert.equal(kept.json.national_id, '********6789');
  assert.equal(kept.json.address, 'Số 3 Hàng Gai');
  assert.equal((await stored(a.user.id)).national_id, '079123456789');

  const cleared = await put(a.token, { ...rest, national_id: null });
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json.national_id, null);
  assert.equal((await stored(a.user.id)).national_id, null);
  assert.equal(cleared.json.version, 3);
});

test('PUT replaces: what the body leaves out is cleared (except the national ID and the locale)', async () => {
  const a = await register({ locale: 'en' });
  await put(a.token, fullProfile({ household_status: 'hardship', household_cert_number: 'KK-1', notify_channels: ['sms'] }));
  const r = await put(a.token, { full_name: 'Trần Thị Hoa', date_of_birth: '1990-01-01' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.ward_code, null);
  assert.equal(r.json.phone, null);
  assert.equal(r.json.household_status, 'none');
  assert.equal(r.json.household_cert_number, null);
  assert.deepEqual(r.json.notify_channels, ['email']);
  assert.equal(r.json.national_id, '********2345', 'kept');
  assert.equal(r.json.locale, 'en', 'the language is an account setting, kept unless sent');
  const vi = await put(a.token, { full_name: 'Trần Thị Hoa', locale: 'vi' });
  assert.equal(vi.json.locale, 'vi');
});

test('each consistency rule answers 422 naming its field, and writes nothing', async () => {
  const a = await register({ phone: null });
  const base = fullProfile({ phone: null });
  const adult = await day("- interval '18 years'");
  const minor = await day("- interval '18 years' + interval '1 day'");
  const future = await day("interval '1 day'");
  const cases = [
    ['name missing', { ...base, full_name: undefined }, 'full_name'],
    ['name blank', { ...base, full_name: '   ' }, 'full_name'],
    ['a phone that is not Vietnamese', { ...base, phone: '+1 202 555 0100' }, 'phone'],
    ['under 18 by one day', { ...base, date_of_birth: minor }, 'date_of_birth'],
    ['not a date', { ...base, date_of_birth: '15/03/1988' }, 'date_of_birth'],
    ['an impossible date', { ...base, date_of_birth: '1990-02-30' }, 'date_of_birth'],
    ['11 digits', { ...base, national_id: '00118801234' }, 'national_id'],
    ['13 digits', { ...base, national_id: '0011880123456' }, 'national_id'],
    ['letters in the ID', { ...base, national_id: '00118801234A' }, 'national_id'],
    ['an ID as a number', { ...base, national_id: 1188012345 }, 'national_id'],
    ['an unknown ward', { ...base, ward_code: '99999' }, 'ward_code'],
    ['a ward outside Hoàn Kiếm', { ...base, ward_code: '00001' }, 'ward_code'],
    ['a ward by name', { ...base, ward_code: 'Hàng Đào' }, 'ward_code'],
    ['a ward and outside the district', { ...base, outside_district: true }, 'outside_district'],
    ['outside the district without an address', { ...base, ward_code: null, outside_district: true, address: null }, 'address'],
    ['an unknown household status', { ...base, household_status: 'rich' }, 'household_status'],
    ['a certificate number without a status', { ...base, household_cert_number: 'X-1' }, 'household_cert_number'],
    ['a certificate date without a status', { ...base, household_cert_issued_on: '2025-01-01' }, 'household_cert_issued_on'],
    ['a validity without a status', { ...base, household_cert_valid_until: '2027-01-01' }, 'household_cert_valid_until'],
    ['valid until before issued', { ...base, household_status: 'poor', household_cert_issued_on: '2025-06-01', household_cert_valid_until: '2025-05-31' }, 'household_cert_valid_until'],
    ['issued in the future', { ...base, household_status: 'poor', household_cert_issued_on: future }, 'household_cert_issued_on'],
    ['a blank certificate number', { ...base, household_status: 'poor', household_cert_number: '  ' }, 'household_cert_number'],
    ['a level without a disability', { ...base, disability_level: 'mild' }, 'disability_level'],
    ['details without a disability', { ...base, disability_details: 'x' }, 'disability_details'],
    ['a disability certificate without a disability', { ...base, disability_cert_number: 'KT-1' }, 'disability_cert_number'],
    ['a disability certificate date without a disability', { ...base, disability_cert_issued_on: '2020-01-01' }, 'disability_cert_issued_on'],
    ['an unknown level', { ...base, disability: true, disability_level: 'moderate' }, 'disability_level'],
    ['disability validity before issue', { ...base, disability: true, disability_cert_issued_on: '2020-01-02', disability_cert_valid_until: '2020-01-01' }, 'disability_cert_valid_until'],
    ['disability certificate from the future', { ...base, disability: true, disability_cert_issued_on: future }, 'disability_cert_issued_on'],
    ['disability as a string', { ...base, disability: 'yes' }, 'disability'],
    ['sms without a phone', { ...base, notify_channels: ['email', 'sms'] }, 'notify_channels'],
    ['zalo without a phone', { ...base, notify_channels: ['zalo'] }, 'notify_channels'],
    ['no channel at all', { ...base, notify_channels: [] }, 'notify_channels'],
    ['a channel twice', { ...base, notify_channels: ['email', 'email'] }, 'notify_channels'],
    ['an unknown channel', { ...base, notify_channels: ['fax'] }, 'notify_channels[0]'],
    ['an unknown language', { ...base, locale: 'fr' }, 'locale'],
    ['an address too long', { ...base, address: 'a'.repeat(301) }, 'address'],
    ['details too long', { ...base, disability: true, disability_details: 'a'.repeat(2001) }, 'disability_details'],
    ['an unknown field', { ...base, email: 'x@y.vn' }, 'email'],
  ];
  for (const [why, body, field] of cases) {
    const r = await unchanged(assert, () => put(a.token, body), APP_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.equal(typeof fieldsOf(r)[field], 'string', `${why}: ${r.text}`);
  }
  assert.equal(await stored(a.user.id), undefined, 'no profile was saved');

  // The edges that are fine: 18 today, outside the district with an address.
  const ok = await put(a.token, { ...base, date_of_birth: adult, ward_code: null, outside_district: true, address: 'Long Biên, Hà Nội' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.outside_district, true);

  // The database holds the same lines against any writer.
  for (const [sql, code] of [
    ['UPDATE applicant_profiles SET address = NULL WHERE user_id = $1', '23514'],
    ["UPDATE applicant_profiles SET outside_district = false, ward_code = '00037', household_cert_number = 'X' WHERE user_id = $1", '23514'],
    ["UPDATE applicant_profiles SET disability_level = 'mild' WHERE user_id = $1", '23514'],
    ["UPDATE applicant_profiles SET date_of_birth = applications_today() - 1 WHERE user_id = $1", 'SN422'],
    ["UPDATE applicant_profiles SET national_id = '12345' WHERE user_id = $1", '23514'],
  ]) {
    await assert.rejects(db.query(sql, [a.user.id]), (e) => e.code === code, sql);
  }
});

test('every problem of a profile is reported at once', async () => {
  const a = await register();
  const r = await unchanged(assert, () => put(a.token, fullProfile({
    phone: null,
    date_of_birth: '2020-01-01',
    national_id: '12',
    outside_district: true,
    household_cert_number: 'X',
    disability_level: 'mild',
    notify_channels: ['sms'],
  })), APP_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  // The schema stage (format) answers before the consistency stage.
  assert.deepEqual(Object.keys(fieldsOf(r)), ['national_id']);
  const r2 = await unchanged(assert, () => put(a.token, fullProfile({
    phone: null,
    date_of_birth: '2020-01-01',
    outside_district: true,
    household_cert_number: 'X',
    disability_level: 'mild',
    notify_channels: ['sms'],
  })), APP_TABLES);
  assertErr(assert, r2, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r2)).sort(),
    ['date_of_birth', 'disability_level', 'household_cert_number', 'notify_channels', 'outside_district'].sort(), r2.text);
});

test('If-Match is honoured when sent: stale → 412, malformed → 400, current → 200', async () => {
  const a = await register();
  const first = await put(a.token, fullProfile(), ifMatch(1));
  assertErr(assert, first, 412, 'precondition_failed');
  const created = await put(a.token, fullProfile());
  assert.equal(etagOf(created), 1);
  assert.equal((await put(a.token, fullProfile({ address: 'Hai' }), ifMatch(1))).status, 200);
  const before = await stored(a.user.id);
  const stale = await unchanged(assert, () => put(a.token, fullProfile({ address: 'Ba' }), ifMatch(1)), APP_TABLES);
  assertErr(assert, stale, 412, 'precondition_failed');
  assert.deepEqual(await stored(a.user.id), before);
  assertErr(assert, await unchanged(assert, () => put(a.token, fullProfile(), { 'if-match': '2' }), APP_TABLES), 400, 'bad_json');
  const ok = await put(a.token, fullProfile({ address: 'Ba' }), ifMatch(2));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(etagOf(ok), 3);
});

test('certificate validity is computed against today in Hà Nội', async () => {
  const a = await register();
  const exp = await put(a.token, fullProfile({
    household_status: 'poor', household_cert_number: 'HN-1', household_cert_issued_on: await day("interval '-400 days'"),
    household_cert_valid_until: await day("interval '-1 day'"),
    disability: true, disability_level: 'mild', disability_cert_number: 'KT-2', disability_cert_issued_on: '2018-01-01',
    disability_cert_valid_until: await day("interval '-1 day'"),
  }));
  assert.equal(exp.status, 200, exp.text);
  assert.equal(exp.json.household_cert_valid, false, 'expired yesterday');
  assert.equal(exp.json.disability_cert_valid, false);
  const todays = await put(a.token, fullProfile({
    household_status: 'poor', household_cert_number: 'HN-1', household_cert_issued_on: '2025-01-01',
    household_cert_valid_until: await today(),
  }));
  assert.equal(todays.json.household_cert_valid, true, 'valid through its last day');
  assert.equal(todays.json.disability_cert_valid, null, 'no disability declared');
  const noNumber = await put(a.token, fullProfile({ household_status: 'poor' }));
  assert.equal(noNumber.json.household_cert_valid, false, 'no certificate on file');
  const none = await put(a.token, fullProfile());
  assert.equal(none.json.household_cert_valid, null);
});

test('GET /api/me/messages: her own outbox, newest first, at most 50', async () => {
  const a = await register();
  const b = await register();
  const empty = await api('GET', '/api/me/messages', { token: a.token });
  assert.equal(empty.status, 200, empty.text);
  assert.deepEqual(empty.json, { items: [] });

  for (let i = 0; i < 55; i++) {
    await db.query(`INSERT INTO outbox (user_id, channel, recipient, locale, event, subject, body, dedupe_key)
      VALUES ($1, 'email', $2, 'vi', 'test', $3, 'Nội dung', $4)`, [a.user.id, a.email, `Tin ${i}`, `test:${a.user.id}:${i}`]);
  }
  await db.query(`INSERT INTO outbox (user_id, channel, recipient, locale, event, subject, body, dedupe_key)
    VALUES ($1, 'sms', '+84912345678', 'vi', 'test', 'Của người khác', 'x', $2)`, [b.user.id, `test:${b.user.id}:x`]);

  const r = await api('GET', '/api/me/messages', { token: a.token });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.items.length, 50);
  assert.equal(r.json.items[0].subject, 'Tin 54', 'newest first');
  assert.equal(r.json.items[49].subject, 'Tin 5');
  const m = r.json.items[0];
  for (const k of ['channel', 'subject', 'body', 'status', 'created_at']) assert.ok(k in m, k);
  assert.equal(m.status, 'pending');
  assert.ok(r.json.items.every((x) => x.subject !== 'Của người khác'));

  const rb = await api('GET', '/api/me/messages', { token: b.token });
  assert.deepEqual(rb.json.items.map((x) => x.subject), ['Của người khác']);
  // Staff have messages too (any role may ask).
  const staff = await api('GET', '/api/me/messages', { token: await login('staff') });
  assert.equal(staff.status, 200, staff.text);
});
