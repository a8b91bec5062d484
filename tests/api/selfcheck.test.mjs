// The priority self-check (app/calls/selfcheck.c): the category she may
// claim at the boundaries of the poverty standard, the certificate to
// upload, the standard used, the thresholds as data, and that nothing is
// ever stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login } from './lib.mjs';
import { assertErr, fieldsOf } from './fixtures.mjs';

after(() => db.end());

const check = (body, token) => api('POST', '/api/priority/self-check', { body, token });
let applicant;

before(async () => {
  applicant = await login('applicant');
});

// Row counts of every table, and the newest audit row: a self-check must
// not move any of them.
async function everything() {
  const { rows } = await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' " +
    "AND table_type = 'BASE TABLE' ORDER BY 1");
  const out = {};
  for (const { table_name: t } of rows) out[t] = Number((await db.query(`SELECT count(*) FROM "${t}"`)).rows[0].count);
  out.last_audit = (await db.query('SELECT max(id) FROM audit_log')).rows[0].max;
  return out;
}

test('at the urban line: 3 deprivations is poor, 2 is near-poor; one dong above is neither', async () => {
  const poor = await check({ income_per_person_vnd: 2000000, deprivations: 3 });
  assert.equal(poor.status, 200, poor.text);
  assert.equal(poor.json.category, 'poor');
  assert.deepEqual(poor.json.claims.map((c) => [c.category, c.document_kind, c.certificate.vi]),
    [['poor', 'household_certificate', 'Giấy chứng nhận hộ nghèo']]);
  assert.equal(poor.json.hardship, null);
  assert.match(poor.json.explanation.vi, /2\.000\.000 đồng/);
  assert.match(poor.json.explanation.vi, /hộ nghèo/);
  assert.match(poor.json.explanation.en, /2,000,000 VND/);
  assert.match(poor.json.explanation.en, /is poor/);

  const near = await check({ income_per_person_vnd: 2000000, deprivations: 2 });
  assert.equal(near.json.category, 'near_poor');
  assert.deepEqual(near.json.claims.map((c) => [c.category, c.document_kind, c.certificate.vi]),
    [['near_poor', 'household_certificate', 'Giấy chứng nhận hộ cận nghèo']]);
  assert.match(near.json.explanation.vi, /hộ cận nghèo/);
  assert.match(near.json.explanation.en, /near-poor/);

  for (const deprivations of [0, 3, 12]) {
    const none = await check({ income_per_person_vnd: 2000001, deprivations });
    assert.equal(none.json.category, 'none', none.text);
    assert.deepEqual(none.json.claims, []);
    assert.match(none.json.explanation.en, /above the poverty line/);
    // Hardship is the ward's to certify: she is told to ask.
    assert.match(none.json.hardship.vi, /UBND phường/);
    assert.match(none.json.hardship.en, /ask your ward office/);
  }

  const low = await check({ income_per_person_vnd: 0, deprivations: 0 });
  assert.equal(low.json.category, 'near_poor');
  const many = await check({ income_per_person_vnd: 1999999, deprivations: 12 });
  assert.equal(many.json.category, 'poor');
});

test('the answer names the standard and says that only staff verification grants priority', async () => {
  const r = await check({ income_per_person_vnd: 1800000, deprivations: 4, area: 'urban' });
  assert.deepEqual(r.json.standard, {
    name: 'Nghị định 07/2021/NĐ-CP', area: 'urban', income_line_vnd: 2000000,
    poor_min_deprivations: 3, deprivation_count: 12, valid_from: '2022-01-01', valid_to: null,
  });
  assert.match(r.json.notice.vi, /cán bộ đã xác minh giấy chứng nhận còn hiệu lực/);
  assert.match(r.json.notice.vi, /không mang lại quyền ưu tiên/);
  assert.match(r.json.notice.en, /only after staff have verified a valid certificate/);
  assert.match(r.json.notice.en, /grants no priority/);
  assert.match(r.headers.get('cache-control'), /no-store/);
});

test('disability adds its own certificate, whatever the household', async () => {
  const both = await check({ income_per_person_vnd: 1000000, deprivations: 5, disability: true });
  assert.equal(both.json.category, 'poor');
  assert.deepEqual(both.json.claims.map((c) => [c.category, c.document_kind, c.certificate.vi]), [
    ['poor', 'household_certificate', 'Giấy chứng nhận hộ nghèo'],
    ['disability', 'disability_certificate', 'Giấy xác nhận khuyết tật'],
  ]);
  const only = await check({ income_per_person_vnd: 9000000, deprivations: 0, disability: true });
  assert.equal(only.json.category, 'none');
  assert.deepEqual(only.json.claims.map((c) => c.category), ['disability']);
  assert.match(only.json.explanation.en, /persons with disabilities/);
  const not = await check({ income_per_person_vnd: 9000000, deprivations: 0, disability: false });
  assert.deepEqual(not.json.claims, []);
});

test('the area picks the standard: 1,800,000 is poor in town, above the rural line', async () => {
  const urban = await check({ income_per_person_vnd: 1800000, deprivations: 3 });
  assert.equal(urban.json.category, 'poor');
  assert.equal(urban.json.standard.area, 'urban', 'urban by default: Hoàn Kiếm is urban');
  const rural = await check({ income_per_person_vnd: 1800000, deprivations: 3, area: 'rural' });
  assert.equal(rural.json.category, 'none');
  assert.equal(rural.json.standard.income_line_vnd, 1500000);
  const ruralLine = await check({ income_per_person_vnd: 1500000, deprivations: 2, area: 'rural' });
  assert.equal(ruralLine.json.category, 'near_poor');
});

test('the thresholds are data: a new standard in force changes the answer, none in force is 503', async () => {
  const old = (await db.query("SELECT id FROM poverty_standards WHERE area = 'urban' AND valid_to IS NULL")).rows[0].id;
  let added;
  try {
    await db.query("UPDATE poverty_standards SET valid_to = current_date - 1 WHERE id = $1", [old]);
    added = (await db.query("INSERT INTO poverty_standards (name, area, valid_from, income_line_vnd, poor_min_deprivations) " +
      "VALUES ('Chuẩn thử nghiệm 2026', 'urban', current_date - 1, 2500000, 4) RETURNING id")).rows[0].id;
    const r = await check({ income_per_person_vnd: 2400000, deprivations: 3 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.category, 'near_poor', 'below the new line, under the new minimum of 4');
    assert.equal(r.json.standard.name, 'Chuẩn thử nghiệm 2026');
    assert.equal(r.json.standard.income_line_vnd, 2500000);
    const p = await check({ income_per_person_vnd: 2500000, deprivations: 4 });
    assert.equal(p.json.category, 'poor');

    await db.query('DELETE FROM poverty_standards WHERE id = $1', [added]);
    added = null;
    const none = await check({ income_per_person_vnd: 1000000, deprivations: 3 });
    assertErr(assert, none, 503, 'unavailable');
  } finally {
    if (added) await db.query('DELETE FROM poverty_standards WHERE id = $1', [added]);
    await db.query('UPDATE poverty_standards SET valid_to = NULL WHERE id = $1', [old]);
  }
  const back = await check({ income_per_person_vnd: 2000000, deprivations: 3 });
  assert.equal(back.json.category, 'poor');
});

test('nothing is stored, anonymous or logged in; invalid answers are refused with their field', async () => {
  const before1 = await everything();
  for (const token of [undefined, applicant]) {
    for (const body of [
      { income_per_person_vnd: 1200000, deprivations: 4, disability: true },
      { income_per_person_vnd: 5000000, deprivations: 1, area: 'rural' },
    ]) {
      const r = await check(body, token);
      assert.equal(r.status, 200, r.text);
    }
  }

  const bad = [
    [{}, ['income_per_person_vnd', 'deprivations']],
    [{ income_per_person_vnd: -1, deprivations: 0 }, ['income_per_person_vnd']],
    [{ income_per_person_vnd: 10000000000001, deprivations: 0 }, ['income_per_person_vnd']],
    [{ income_per_person_vnd: '2000000', deprivations: 0 }, ['income_per_person_vnd']],
    [{ income_per_person_vnd: 2000000, deprivations: 13 }, ['deprivations']],
    [{ income_per_person_vnd: 2000000, deprivations: -1 }, ['deprivations']],
    [{ income_per_person_vnd: 2000000, deprivations: 2, disability: 'yes' }, ['disability']],
    [{ income_per_person_vnd: 2000000, deprivations: 2, area: 'suburban' }, ['area']],
    [{ income_per_person_vnd: 2000000, deprivations: 2, name: 'Lan' }, ['name']],
  ];
  for (const [body, fields] of bad) {
    const r = await check(body);
    assertErr(assert, r, 422, 'validation_failed');
    assert.deepEqual(Object.keys(fieldsOf(r)).sort(), fields.sort(), r.text);
  }
  // A float is not an amount of money.
  const float = await api('POST', '/api/priority/self-check', { body: '{"income_per_person_vnd": 1500000.5, "deprivations": 1}' });
  assertErr(assert, float, 422, 'validation_failed');
  assert.match(fieldsOf(float).income_per_person_vnd, /integer/);
  assertErr(assert, await api('POST', '/api/priority/self-check', { body: 'income=1', headers: { 'content-type': 'text/plain' } }), 415, 'bad_json');

  assert.deepEqual(await everything(), before1, 'a self-check wrote to the database');
});
