// Staff screening and priority verification
// (app/applications/screening.c, priority_claims_guard in the migration).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, unchanged, userIdOf } from './fixtures.mjs';
import {
  APP_TABLES, addDocument, appState, applicant, auditCount, createDraft, day, etagOf, events, fullDraft, ifMatch,
  makeCall, outboxOf, submitted,
} from './apps_fixtures.mjs';

after(() => db.end());

let staff, admin, staffId, adminId, callId;
before(async () => {
  staff = await login('staff');
  admin = await login('admin');
  staffId = await userIdOf('staff@sen.example');
  adminId = await userIdOf('admin@sen.example');
  callId = await makeCall();
});

const screen = (token, id, body, headers = {}) => api('POST', `/api/applications/${id}/screening`, { token, body, headers });
const verify = (token, id, body, headers = {}) => api('POST', `/api/applications/${id}/priority`, { token, body, headers });

// An applicant who claims poverty and disability, her certificates valid
// unless told otherwise, and her submitted application.
async function claimant(profile = {}) {
  const me = await applicant({
    household_status: 'poor', household_cert_number: 'HN-PT-001', household_cert_issued_on: await day("interval '-60 days'"),
    household_cert_valid_until: await day("interval '300 days'"),
    disability: true, disability_level: 'mild', disability_cert_number: 'KT-77', disability_cert_issued_on: '2016-04-04',
    notify_channels: ['email', 'sms'],
    ...profile,
  });
  const s = await submitted(me.token, callId);
  return { me, id: s.id, etag: s.etag, json: s.json };
}

test('eligible: submitted → screening → eligible, two events by staff, her messages queued', async () => {
  const { me, id } = await claimant();
  const out0 = (await outboxOf(me.id)).length;
  const r = await screen(staff, id, { eligible: true, reason: 'Hồ sơ đầy đủ' });
  assert.equal(r.status, 200, r.text);
  assert.equal(etagOf(r), r.json.version);
  assert.equal(r.json.status, 'eligible');
  assert.equal(r.json.screening_reason, 'Hồ sơ đầy đủ');
  assert.equal(r.json.applicant.national_id, '001188012345', 'staff get the full view');
  assert.deepEqual((await events(id)).slice(-2), [
    { from_status: 'submitted', to_status: 'screening', actor_id: staffId, reason: null },
    { from_status: 'screening', to_status: 'eligible', actor_id: staffId, reason: 'Hồ sơ đầy đủ' },
  ]);
  const out = (await outboxOf(me.id)).slice(out0);
  assert.deepEqual(out.map((m) => [m.channel, m.locale]), [['email', 'vi'], ['sms', 'vi'], ['email', 'vi'], ['sms', 'vi']]);
  assert.match(out[0].subject, /Đang sơ tuyển/);
  assert.match(out[2].subject, /Đủ điều kiện/);
  assert.equal(Number(await scalar('SELECT count(*) FROM audit_log WHERE action = $1 AND entity_id = $2', ['applications.screen', String(id)])), 2, 'both updates audited');

  // Screening again is a forbidden transition: 409, nothing changes.
  const st = await appState(id);
  const again = await unchanged(assert, () => screen(staff, id, { eligible: false, reason: 'Đổi ý' }), APP_TABLES);
  assertErr(assert, again, 409, 'conflict');
  assert.deepEqual(await appState(id), st);
});

test('ineligible needs a reason, which she is told', async () => {
  const { me, id } = await claimant();
  const st = await appState(id);
  for (const body of [{ eligible: false }, { eligible: false, reason: '   ' }, { eligible: false, reason: null }]) {
    const r = await unchanged(assert, () => screen(staff, id, body), APP_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r).reason, r.text);
  }
  for (const [body, field] of [[{}, 'eligible'], [{ eligible: 'no', reason: 'x' }, 'eligible'],
    [{ eligible: false, reason: 'x'.repeat(2001) }, 'reason'], [{ eligible: true, score: 5 }, 'score']]) {
    const r = await unchanged(assert, () => screen(staff, id, body), APP_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r)[field], r.text);
  }
  assert.deepEqual(await appState(id), st);

  const reason = 'Doanh nghiệp đăng ký quá 3 năm.\nXin xem lại điều kiện.';
  const r = await screen(admin, id, { eligible: false, reason });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'ineligible');
  assert.equal(await scalar('SELECT screening_reason FROM applications WHERE id = $1', [id]), reason);
  assert.deepEqual((await events(id)).at(-1), { from_status: 'screening', to_status: 'ineligible', actor_id: adminId, reason });
  const mine = await api('GET', `/api/applications/${id}`, { token: me.token });
  assert.equal(mine.json.screening_reason, reason);
  assert.equal(mine.json.next_steps, `Hồ sơ không đủ điều kiện: ${reason}`);
  assert.ok((await outboxOf(me.id)).at(-1).body.includes(reason));
  // The database will not hold an ineligible application without a reason.
  await assert.rejects(db.query('UPDATE applications SET screening_reason = NULL WHERE id = $1', [id]), (e) => e.code === '23514');
});

test('screening only from submitted or screening: a draft or a withdrawn application is 409', async () => {
  const me = await applicant();
  const d = await createDraft(me.token, fullDraft({ call_id: await makeCall() }));
  let st = await appState(d.id);
  assertErr(assert, await unchanged(assert, () => screen(staff, d.id, { eligible: true }), APP_TABLES), 409, 'conflict');
  assert.deepEqual(await appState(d.id), st);

  const s = await submitted(me.token, await makeCall());
  const w = await api('POST', `/api/applications/${s.id}/withdraw`, { token: me.token, headers: ifMatch(s.etag) });
  assert.equal(w.status, 200, w.text);
  st = await appState(s.id);
  assertErr(assert, await unchanged(assert, () => screen(staff, s.id, { eligible: true }), APP_TABLES), 409, 'conflict');
  assert.deepEqual(await appState(s.id), st);

  assertErr(assert, await unchanged(assert, () => screen(staff, 999999999, { eligible: true }), APP_TABLES), 404, 'not_found');

  // From screening (begun by a verification) it goes straight to the decision.
  const s2 = await submitted(me.token, await makeCall());
  await db.query("UPDATE applications SET status = 'screening' WHERE id = $1", [s2.id]);
  const r = await screen(staff, s2.id, { eligible: true });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual((await events(s2.id)).at(-1), { from_status: 'screening', to_status: 'eligible', actor_id: staffId, reason: null });
});

test('If-Match is honoured on staff writes when sent', async () => {
  const { id, etag } = await claimant();
  const st = await appState(id);
  assertErr(assert, await unchanged(assert, () => screen(staff, id, { eligible: true }, ifMatch(etag + 1)), APP_TABLES), 412, 'precondition_failed');
  await addDocument(id, 'household_certificate', (await appState(id)).row.applicant_id);
  assertErr(assert, await unchanged(assert, () => verify(staff, id, { category: 'poor', verified: true }, ifMatch(etag + 1)), APP_TABLES), 412, 'precondition_failed');
  assert.deepEqual((await appState(id)).claims, st.claims);
  const ok = await verify(staff, id, { category: 'poor', verified: true }, ifMatch(etag));
  assert.equal(ok.status, 200, ok.text);
});

test('verification: against an uploaded certificate; a submitted application moves to screening', async () => {
  const { me, id } = await claimant();
  // No certificate uploaded yet: refused, nothing changes (not even the status).
  const st = await appState(id);
  const none = await unchanged(assert, () => verify(staff, id, { category: 'poor', verified: true }), APP_TABLES);
  assertErr(assert, none, 422, 'validation_failed');
  assert.match(fieldsOf(none).verified, /household_certificate/);
  assert.deepEqual(await appState(id), st);
  assert.equal(st.row.status, 'submitted');

  // A disability certificate does not prove poverty.
  await addDocument(id, 'disability_certificate', me.id);
  assertErr(assert, await unchanged(assert, () => verify(staff, id, { category: 'poor', verified: true }), APP_TABLES), 422, 'validation_failed');

  await addDocument(id, 'household_certificate', me.id);
  const r = await verify(staff, id, { category: 'poor', verified: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.status, 'screening');
  const poor = r.json.claims.find((c) => c.category === 'poor');
  assert.equal(poor.status, 'verified');
  assert.ok(poor.decided_at);
  const row = (await db.query("SELECT * FROM priority_claims WHERE application_id = $1 AND category = 'poor'", [id])).rows[0];
  assert.equal(row.status, 'verified');
  assert.equal(Number(row.decided_by), staffId);
  assert.deepEqual((await events(id)).at(-1), { from_status: 'submitted', to_status: 'screening', actor_id: staffId, reason: null });

  // A second decision while screening does not move the status again.
  const d = await verify(admin, id, { category: 'disability', verified: true, note: 'Giấy xác nhận khuyết tật hợp lệ' });
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.status, 'screening');
  assert.equal((await events(id)).length, 3, 'draft, submitted, screening');
  // Staff see their note; she does not see notes of verified claims.
  assert.equal(d.json.claims.find((c) => c.category === 'disability').note, 'Giấy xác nhận khuyết tật hợp lệ');
  const mine = await api('GET', `/api/applications/${id}`, { token: me.token });
  assert.deepEqual(mine.json.claims.map((c) => [c.category, c.status, c.note]), [['poor', 'verified', null], ['disability', 'verified', null]]);
});

test('verification: an expired certificate cannot be verified; rejection needs a note she then reads', async () => {
  const { me, id } = await claimant({
    household_status: 'near_poor', household_cert_issued_on: await day("interval '-400 days'"),
    household_cert_valid_until: await day("interval '-1 day'"),
  });
  assert.equal((await api('GET', `/api/applications/${id}`, { token: me.token })).json.claims.find((c) => c.category === 'near_poor').cert_valid, false);
  await addDocument(id, 'household_certificate', me.id);
  const st = await appState(id);
  const r = await unchanged(assert, () => verify(staff, id, { category: 'near_poor', verified: true }), APP_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.match(fieldsOf(r).verified, /expired/);
  assert.deepEqual(await appState(id), st);

  for (const body of [{ category: 'near_poor', verified: false }, { category: 'near_poor', verified: false, note: ' ' }]) {
    const n = await unchanged(assert, () => verify(staff, id, body), APP_TABLES);
    assertErr(assert, n, 422, 'validation_failed');
    assert.ok(fieldsOf(n).note, n.text);
  }
  for (const [body, field] of [[{ category: 'rich', verified: true }, 'category'], [{ verified: true }, 'category'],
    [{ category: 'poor' }, 'verified'], [{ category: 'poor', verified: false, note: 'x'.repeat(2001) }, 'note']]) {
    const n = await unchanged(assert, () => verify(staff, id, body), APP_TABLES);
    assertErr(assert, n, 422, 'validation_failed');
    assert.ok(fieldsOf(n)[field], n.text);
  }

  const note = 'Giấy chứng nhận hộ cận nghèo đã hết hạn ngày ' + st.claims[0].cert_valid_until.toISOString().slice(0, 10) + '.';
  const rej = await verify(staff, id, { category: 'near_poor', verified: false, note });
  assert.equal(rej.status, 200, rej.text);
  const mine = await api('GET', `/api/applications/${id}`, { token: me.token });
  const c = mine.json.claims.find((x) => x.category === 'near_poor');
  assert.deepEqual([c.status, c.note], ['rejected', note], 'she sees the rejection and why');
  assert.equal(await scalar("SELECT note FROM priority_claims WHERE application_id = $1 AND category = 'near_poor'", [id]), note);
});

test('a claim she did not make is 404; decisions after screening\'s window are 409', async () => {
  const me = await applicant();
  const s = await submitted(me.token, callId);
  const st = await appState(s.id);
  for (const category of ['poor', 'near_poor', 'hardship', 'disability']) {
    const r = await unchanged(assert, () => verify(staff, s.id, { category, verified: false, note: 'Không có' }), APP_TABLES);
    assertErr(assert, r, 404, 'not_found');
  }
  assert.deepEqual(await appState(s.id), st, 'the status did not move to screening either');
  assertErr(assert, await unchanged(assert, () => verify(staff, 999999999, { category: 'poor', verified: false, note: 'x' }), APP_TABLES), 404, 'not_found');

  const { me: her, id } = await claimant();
  const w = await api('POST', `/api/applications/${id}/withdraw`, { token: her.token, headers: ifMatch((await appState(id)).row.version) });
  assert.equal(w.status, 200, w.text);
  const wst = await appState(id);
  assertErr(assert, await unchanged(assert, () => verify(staff, id, { category: 'poor', verified: false, note: 'x' }), APP_TABLES), 409, 'conflict');
  assert.deepEqual(await appState(id), wst);
});

test('every staff answer that carries personal data is audited', async () => {
  const { id } = await claimant();
  const n0 = await auditCount('applications.read_personal', id);
  await verify(staff, id, { category: 'disability', verified: false, note: 'Thiếu bản chụp' });
  await screen(staff, id, { eligible: true });
  assert.equal(await auditCount('applications.read_personal', id), n0 + 2);
  // A refused request reveals nothing, so it is not audited.
  await screen(staff, id, { eligible: true });
  assert.equal(await auditCount('applications.read_personal', id), n0 + 2);
});
