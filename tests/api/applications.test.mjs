// Applications: drafting, editing, submitting and withdrawing
// (app/applications/applications.c, lib/lifecycle.c, the applications
// section of migrations/0002_intake.sql).  Calls are made in SQL.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { api, db, login, scalar } from './lib.mjs';
import { assertErr, fieldsOf, register, unchanged, userIdOf } from './fixtures.mjs';
import {
  APP_TABLES, addDocument, appState, applicant, auditCount, createDraft, day, etagOf, events, fullDraft, fullProfile,
  ifMatch, makeCall, outboxOf, submit, submitted,
} from './apps_fixtures.mjs';

after(() => db.end());

let staff, staffId, callId;
before(async () => {
  staff = await login('staff');
  staffId = await userIdOf('staff@sen.example');
  callId = await makeCall();
});

const get = (token, id) => api('GET', `/api/applications/${id}`, { token });
const patch = (token, id, body, etag) => api('PATCH', `/api/applications/${id}`, { token, body, headers: etag === undefined ? {} : ifMatch(etag) });
const withdraw = (token, id, etag, body) => api('POST', `/api/applications/${id}/withdraw`, { token, body, headers: ifMatch(etag) });
const yearHN = () => scalar("SELECT extract(year FROM now() AT TIME ZONE 'Asia/Ho_Chi_Minh')::int");

test('the whole flow: a call is opened, she registers, fills her profile, drafts, submits; staff screen and verify', async () => {
  const call = await makeCall({ title_vi: 'Đợt hỗ trợ Hoàn Kiếm', title_en: 'Hoàn Kiếm support call' });
  const me = await register({ full_name: 'Lê Thị Thu', phone: '0903 123 456' });
  const prof = await api('PUT', '/api/me/profile', {
    token: me.token,
    body: fullProfile({
      full_name: 'Lê Thị Thu', phone: '0903 123 456', ward_code: '00061',
      household_status: 'poor', household_cert_number: 'HN-HB-2025-0042',
      household_cert_issued_on: await day("interval '-30 days'"), household_cert_valid_until: await day("interval '330 days'"),
      notify_channels: ['email', 'sms'],
    }),
  });
  assert.equal(prof.status, 200, prof.text);

  // A draft saves partially.
  const c = await api('POST', '/api/applications', { token: me.token, body: { call_id: call, business_name: 'Xôi Bà Thu' } });
  assert.equal(c.status, 201, c.text);
  assert.equal(etagOf(c), 1);
  assert.equal(c.headers.get('location'), `/api/applications/${c.json.id}`);
  assert.equal(c.json.status, 'draft');
  assert.equal(c.json.reference, null);
  assert.equal(c.json.call.title, 'Đợt hỗ trợ Hoàn Kiếm');
  assert.equal(c.json.call.max_award_vnd, 50000000);
  assert.equal(c.json.call.accepting_applications, true);
  assert.match(c.json.next_steps, /^Hoàn thiện hồ sơ/);
  assert.equal(c.json.applicant, undefined, 'she does not get the staff view');
  const id = c.json.id;
  assert.equal(Number(await scalar('SELECT applicant_id FROM applications WHERE id = $1', [id])), me.user.id);

  // She completes it.
  const p = await patch(me.token, id, fullDraft({ business_name: 'Xôi Bà Thu', stage: 'startup', operating_since: await day("interval '-3 months'") }), 1);
  assert.equal(p.status, 200, p.text);
  assert.equal(etagOf(p), 2);
  assert.equal(p.json.version, 2);
  assert.equal(p.json.budget_total_vnd, 30000000);

  // Nothing was sent for the draft.
  assert.deepEqual(await outboxOf(me.user.id), []);

  const s = await submit(me.token, id, 2);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.status, 'submitted');
  assert.match(s.json.reference, new RegExp(`^HK-${await yearHN()}-\\d{5}$`));
  assert.ok(s.json.submitted_at);
  assert.equal(s.json.ward_code, '00061', 'where she lives, copied on submission');
  assert.equal(s.json.outside_district, false);
  assert.equal(s.json.claims.length, 1);
  assert.deepEqual(
    { category: s.json.claims[0].category, status: s.json.claims[0].status, cert_number: s.json.claims[0].cert_number },
    { category: 'poor', status: 'pending', cert_number: 'HN-HB-2025-0042' });
  assert.match(s.json.next_steps, /tải lên/, 'she is asked to upload her certificate');
  const claim = (await db.query('SELECT * FROM priority_claims WHERE application_id = $1', [id])).rows;
  assert.equal(claim.length, 1);
  assert.equal(claim[0].status, 'pending');
  assert.equal(claim[0].cert_number, 'HN-HB-2025-0042');

  // One message per channel, in Vietnamese, naming the reference.
  const out = await outboxOf(me.user.id);
  assert.deepEqual(out.map((m) => [m.channel, m.recipient, m.locale]), [['email', me.email, 'vi'], ['sms', '+84903123456', 'vi']]);
  assert.ok(out.every((m) => m.subject.includes(s.json.reference) && m.subject.includes('Đã nộp')), JSON.stringify(out));
  const msgs = await api('GET', '/api/me/messages', { token: me.token });
  assert.equal(msgs.json.items.length, 2);

  // Staff read it whole; that read is audited.
  const before = await auditCount('applications.read_personal', id);
  const sg = await get(staff, id);
  assert.equal(sg.status, 200, sg.text);
  assert.equal(sg.json.applicant.national_id, '001188012345');
  assert.equal(sg.json.applicant.household_status, 'poor');
  assert.equal(sg.json.applicant.phone, '+84903123456');
  assert.equal(await auditCount('applications.read_personal', id), before + 1);
  assert.equal(Number(await scalar("SELECT actor_id FROM audit_log WHERE action = 'applications.read_personal' AND entity_id = $1 ORDER BY id DESC LIMIT 1", [String(id)])), staffId);

  // Staff verify the claim against the certificate she uploaded, then screen.
  await addDocument(id, 'household_certificate', me.user.id);
  const v = await api('POST', `/api/applications/${id}/priority`, { token: staff, body: { category: 'poor', verified: true, note: 'Khớp sổ hộ nghèo phường' } });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.status, 'screening', 'verifying begins the screening');
  assert.equal(v.json.claims[0].status, 'verified');
  const e = await api('POST', `/api/applications/${id}/screening`, { token: staff, body: { eligible: true, reason: 'Đủ điều kiện' } });
  assert.equal(e.status, 200, e.text);
  assert.equal(e.json.status, 'eligible');

  // Every move, timestamped and attributed.
  assert.deepEqual(await events(id), [
    { from_status: null, to_status: 'draft', actor_id: me.user.id, reason: null },
    { from_status: 'draft', to_status: 'submitted', actor_id: me.user.id, reason: null },
    { from_status: 'submitted', to_status: 'screening', actor_id: staffId, reason: null },
    { from_status: 'screening', to_status: 'eligible', actor_id: staffId, reason: 'Đủ điều kiện' },
  ]);

  // She sees the outcome, the history with roles, and no staff-only data.
  const mine = await get(me.token, id);
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.status, 'eligible');
  assert.deepEqual(mine.json.events.map((x) => [x.from, x.to, x.actor_role]), [
    [null, 'draft', 'applicant'], ['draft', 'submitted', 'applicant'], ['submitted', 'screening', 'staff'], ['screening', 'eligible', 'staff']]);
  assert.equal(mine.json.claims[0].status, 'verified');
  assert.equal(mine.json.claims[0].note, null, 'a verified claim\'s staff note is not hers to read');
  assert.equal(mine.json.documents.length, 1);
  assert.deepEqual(Object.keys(mine.json.documents[0]).sort(), ['content_type', 'filename', 'id', 'kind', 'size_bytes', 'uploaded_at']);
  assert.equal(mine.json.applicant, undefined);
  assert.ok(!mine.text.includes('001188012345'));
  assert.equal(mine.json.next_steps, 'Hồ sơ đủ điều kiện và sẽ được hội đồng chấm điểm.');
  assert.equal((await outboxOf(me.user.id)).length, 6, 'three status changes after the draft, two channels each');
});

test('create: the call must exist, be visible, open and accepting', async () => {
  const me = await applicant();
  const draftCall = await makeCall({ status: 'draft' });
  const closed = await makeCall({ status: 'closed' });
  const later = await makeCall({ opens_at: new Date(Date.now() + 86400e3).toISOString() });
  const over = await makeCall({ opens_at: new Date(Date.now() - 10 * 86400e3).toISOString(), closes_at: new Date(Date.now() - 60e3).toISOString() });

  for (const [why, body] of [['no such call', { call_id: 999999999 }], ['a draft call is invisible', { call_id: draftCall }],
    ['call_id missing', {}], ['call_id as text', { call_id: String(callId) }], ['call_id zero', { call_id: 0 }]]) {
    const r = await unchanged(assert, () => api('POST', '/api/applications', { token: me.token, body }), APP_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(fieldsOf(r).call_id, `${why}: ${r.text}`);
  }
  for (const [why, id] of [['closed', closed], ['not yet open', later], ['past its closing time', over]]) {
    const r = await unchanged(assert, () => api('POST', '/api/applications', { token: me.token, body: { call_id: id } }), APP_TABLES);
    assertErr(assert, r, 409, 'conflict');
    assert.match(r.json.error.message, /not accepting/, why);
  }
});

test('one active application per applicant per call; withdrawing frees the place', async () => {
  const me = await applicant();
  const call = await makeCall();
  const first = await createDraft(me.token, { call_id: call });
  const dup = await unchanged(assert, () => api('POST', '/api/applications', { token: me.token, body: { call_id: call, business_name: 'Lần hai' } }), APP_TABLES);
  assertErr(assert, dup, 409, 'conflict');

  // The database refuses it too, whoever writes.
  await assert.rejects(db.query('INSERT INTO applications (call_id, applicant_id) VALUES ($1, $2)', [call, me.id]), (e) => e.code === '23505');

  // Another applicant may apply to the same call.
  const other = await applicant();
  await createDraft(other.token, { call_id: call });

  const w = await withdraw(me.token, first.id, first.etag);
  assert.equal(w.status, 200, w.text);
  const again = await createDraft(me.token, { call_id: call, business_name: 'Lần hai' });
  assert.notEqual(again.id, first.id);
  assert.equal(Number(await scalar("SELECT count(*) FROM applications WHERE call_id = $1 AND applicant_id = $2 AND status <> 'withdrawn'", [call, me.id])), 1);
});

test('draft fields: each rule answers 422 naming its field, nothing is written', async () => {
  const me = await applicant();
  const call = await makeCall();
  const future = await day("interval '1 day'");
  const lines = (n) => Array.from({ length: n }, (_, i) => ({ item: `Dòng ${i}`, amount_vnd: 1000 }));
  const cases = [
    ['a blank business name', { business_name: '   ' }, 'business_name'],
    ['a business name too long', { business_name: 'a'.repeat(201) }, 'business_name'],
    ['an unknown stage', { stage: 'growth' }, 'stage'],
    ['an unknown sector', { sector: 'mining' }, 'sector'],
    ['a sector that is not a code', { sector: 'Ăn uống' }, 'sector'],
    ['operating since tomorrow', { operating_since: future }, 'operating_since'],
    ['registered tomorrow', { registered_on: future }, 'registered_on'],
    ['a malformed date', { registered_on: '2025-13-01' }, 'registered_on'],
    ['a description too long', { description: 'x'.repeat(5001) }, 'description'],
    ['a plan too long', { plan: 'x'.repeat(5001) }, 'plan'],
    ['a negative team', { team_size: -1 }, 'team_size'],
    ['a team as text', { team_size: '3' }, 'team_size'],
    ['more women than the team', { team_size: 2, women_employed: 3 }, 'women_employed'],
    ['a fractional job count', { jobs_planned: 1.5 }, 'jobs_planned'],
    ['zero money', { amount_requested_vnd: 0 }, 'amount_requested_vnd'],
    ['money as a float', { amount_requested_vnd: 1000000.5 }, 'amount_requested_vnd'],
    ['money as text', { amount_requested_vnd: '1000000' }, 'amount_requested_vnd'],
    ['too much money', { amount_requested_vnd: 1e12 + 1 }, 'amount_requested_vnd'],
    ['51 budget lines', { budget_lines: lines(51) }, 'budget_lines'],
    ['budget lines not an array', { budget_lines: { item: 'x', amount_vnd: 1 } }, 'budget_lines'],
    ['an empty budget item', { budget_lines: [{ item: '', amount_vnd: 1000 }] }, 'budget_lines[0].item'],
    ['a budget item too long', { budget_lines: [{ item: 'x'.repeat(201), amount_vnd: 1000 }] }, 'budget_lines[0].item'],
    ['a zero budget line', { budget_lines: [{ item: 'a', amount_vnd: 1 }, { item: 'b', amount_vnd: 0 }] }, 'budget_lines[1].amount_vnd'],
    ['a float budget line', { budget_lines: [{ item: 'a', amount_vnd: 10.5 }] }, 'budget_lines[0].amount_vnd'],
    ['a budget line without amount', { budget_lines: [{ item: 'a' }] }, 'budget_lines[0].amount_vnd'],
    ['a budget line with extras', { budget_lines: [{ item: 'a', amount_vnd: 1, vat: 1 }] }, 'budget_lines[0].vat'],
    ['capital over 100 %', { women_capital_pct: 101 }, 'women_capital_pct'],
    ['capital negative', { women_capital_pct: -1 }, 'women_capital_pct'],
    ['manager as text', { woman_manager: 'yes' }, 'woman_manager'],
    ['an unknown field', { reference: 'HK-2026-00001' }, 'reference'],
    ['a status', { status: 'submitted' }, 'status'],
  ];
  for (const [why, fields, field] of cases) {
    const r = await unchanged(assert, () => api('POST', '/api/applications', { token: me.token, body: { call_id: call, ...fields } }), APP_TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.equal(typeof fieldsOf(r)[field], 'string', `${why}: ${r.text}`);
  }

  // Several at once.
  const many = await unchanged(assert, () => api('POST', '/api/applications', {
    token: me.token, body: { call_id: call, sector: 'mining', team_size: 1, women_employed: 2, registered_on: future },
  }), APP_TABLES);
  assertErr(assert, many, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(many)).sort(), ['registered_on', 'sector', 'women_employed']);

  // The limits themselves are fine.
  const ok = await api('POST', '/api/applications', {
    token: me.token,
    body: { call_id: call, business_name: 'a'.repeat(200), budget_lines: lines(50), women_capital_pct: 0, team_size: 0, women_employed: 0, amount_requested_vnd: 1e12 },
  });
  assert.equal(ok.status, 201, ok.text);
  assert.equal(ok.json.budget_lines.length, 50);
});

test('PATCH: If-Match required and current, only drafts, fields checked against what is stored', async () => {
  const me = await applicant();
  const d = await createDraft(me.token, { call_id: await makeCall(), team_size: 3, women_employed: 1 });
  const st = await appState(d.id);

  assertErr(assert, await unchanged(assert, () => patch(me.token, d.id, { business_name: 'X' }), APP_TABLES), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => patch(me.token, d.id, { business_name: 'X' }, 2), APP_TABLES), 412, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => api('PATCH', `/api/applications/${d.id}`, { token: me.token, body: { business_name: 'X' }, headers: { 'if-match': 'W/"x"' } }), APP_TABLES), 400, 'bad_json');
  // The team stored is 3: four women cannot work in it.
  const women = await unchanged(assert, () => patch(me.token, d.id, { women_employed: 4 }, 1), APP_TABLES);
  assertErr(assert, women, 422, 'validation_failed');
  assert.ok(fieldsOf(women).women_employed, women.text);
  const team = await unchanged(assert, () => patch(me.token, d.id, { team_size: 0 }, 1), APP_TABLES);
  assert.ok(fieldsOf(team).women_employed, team.text);
  assert.deepEqual(await appState(d.id), st, 'nothing changed');

  const ok = await patch(me.token, d.id, { business_name: '  Trà chanh Hàng Bạc  ', women_employed: 3, budget_lines: [{ item: 'Quầy', amount_vnd: 5000000 }] }, 1);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(etagOf(ok), 2);
  assert.equal(ok.json.business_name, 'Trà chanh Hàng Bạc');
  assert.equal(ok.json.women_employed, 3);
  assert.equal(ok.json.team_size, 3, 'fields not sent are kept');
  // null clears.
  const cleared = await patch(me.token, d.id, { women_employed: null, budget_lines: null }, 2);
  assert.equal(cleared.status, 200, cleared.text);
  assert.equal(cleared.json.women_employed, null);
  assert.deepEqual(cleared.json.budget_lines, []);
  // The old ETag is now stale: a lost update is refused.
  assertErr(assert, await unchanged(assert, () => patch(me.token, d.id, { plan: 'ghi đè' }, 2), APP_TABLES), 412, 'precondition_failed');
  assert.equal(await scalar('SELECT plan FROM applications WHERE id = $1', [d.id]), null);
  // An empty PATCH changes nothing.
  const noop = await patch(me.token, d.id, {}, 3);
  assert.equal(noop.status, 200, noop.text);
  assert.equal(etagOf(noop), 3);
});

test('submit checks everything at once: every application field and what her profile lacks', async () => {
  const me = await register();
  const d = await createDraft(me.token, { call_id: callId });
  const r = await unchanged(assert, () => submit(me.token, d.id, d.etag), APP_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  const f = fieldsOf(r);
  for (const k of ['business_name', 'stage', 'sector', 'description', 'problem_customers', 'plan', 'team_size', 'women_employed',
    'jobs_planned', 'amount_requested_vnd', 'budget_lines', 'women_capital_pct', 'woman_manager',
    'profile.date_of_birth', 'profile.national_id', 'profile.ward_code', 'profile.phone']) {
    assert.equal(typeof f[k], 'string', `${k}: ${r.text}`);
  }
  assert.equal(f.call_id, undefined, 'the call is fine');
  assert.equal((await appState(d.id)).row.status, 'draft');
});

test('submit: each rule of the call, the budget, women ownership and the profile', async () => {
  const me = await applicant({
    household_status: 'hardship', household_cert_number: null,
    disability: true, disability_level: null,
  });
  const call = await makeCall({ stages: ['startup', 'new_business'], wards: ['00037', '00040'], max_award_vnd: 20000000 });
  const d = await createDraft(me.token, fullDraft({
    call_id: call, stage: 'idea', amount_requested_vnd: 25000000,
    budget_lines: [{ item: 'Máy', amount_vnd: 20000000 }, { item: 'Tủ', amount_vnd: 4000000 }],
    women_capital_pct: 50, woman_manager: false,
  }));
  const r = await unchanged(assert, () => submit(me.token, d.id, d.etag), APP_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  const f = fieldsOf(r);
  assert.match(f.stage, /stage/);
  assert.match(f.amount_requested_vnd, /20000000/);
  assert.match(f.budget_lines, /24000000/);
  assert.match(f.women_capital_pct, /51/);
  assert.match(f.woman_manager, /woman/);
  assert.match(f['profile.ward_code'], /ward/);
  for (const k of ['profile.household_cert_number', 'profile.household_cert_issued_on', 'profile.household_cert_valid_until',
    'profile.disability_level', 'profile.disability_cert_number', 'profile.disability_cert_issued_on']) {
    assert.equal(typeof f[k], 'string', `${k}: ${r.text}`);
  }
  assert.equal(f['profile.disability_cert_valid_until'], undefined, 'disability certificates need no end date');
  assert.equal(f.business_name, undefined);

  // Startup: operating under 12 months; new business: registered under 3 years.
  const edge12 = await day("- interval '12 months'");
  const in12 = await day("- interval '12 months' + interval '1 day'");
  const edge36 = await day("- interval '36 months'");
  const in36 = await day("- interval '36 months' + interval '1 day'");
  const e2 = await patch(me.token, d.id, { stage: 'startup', operating_since: edge12 }, d.etag);
  assert.equal(e2.status, 200, e2.text);
  let s = await unchanged(assert, () => submit(me.token, d.id, etagOf(e2)), APP_TABLES);
  assert.match(fieldsOf(s).operating_since, /12 months/);
  const e3 = await patch(me.token, d.id, { stage: 'startup', operating_since: null }, etagOf(e2));
  s = await unchanged(assert, () => submit(me.token, d.id, etagOf(e3)), APP_TABLES);
  assert.match(fieldsOf(s).operating_since, /required/);
  const e4 = await patch(me.token, d.id, { stage: 'new_business', registered_on: edge36 }, etagOf(e3));
  s = await unchanged(assert, () => submit(me.token, d.id, etagOf(e4)), APP_TABLES);
  assert.match(fieldsOf(s).registered_on, /3 years/);
  assert.equal(fieldsOf(s).stage, undefined);

  // Put everything right and she can submit.
  const fixed = await patch(me.token, d.id, {
    stage: 'new_business', registered_on: in36, operating_since: in12, amount_requested_vnd: 20000000,
    budget_lines: [{ item: 'Máy', amount_vnd: 16000000 }, { item: 'Tủ', amount_vnd: 4000000 }],
    women_capital_pct: 51, woman_manager: true,
  }, etagOf(e4));
  assert.equal(fixed.status, 200, fixed.text);
  const prof = await api('PUT', '/api/me/profile', {
    token: me.token,
    body: fullProfile({
      ward_code: '00040', household_status: 'hardship', household_cert_number: 'KK-9', household_cert_issued_on: '2025-02-01',
      household_cert_valid_until: await day("interval '100 days'"),
      disability: true, disability_level: 'especially_severe', disability_cert_number: 'KT-5', disability_cert_issued_on: '2015-05-05',
    }),
  });
  assert.equal(prof.status, 200, prof.text);
  const ok = await submit(me.token, d.id, etagOf(fixed));
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.json.claims.map((c) => [c.category, c.status, c.cert_number]).sort(),
    [['disability', 'pending', 'KT-5'], ['hardship', 'pending', 'KK-9']]);
  assert.equal(ok.json.ward_code, '00040');
});

test('submit: outside the district only where the call allows it; a call that closed refuses', async () => {
  const me = await applicant({ ward_code: null, outside_district: true, address: 'Gia Lâm, Hà Nội' });
  const inside = await makeCall();
  const d = await createDraft(me.token, fullDraft({ call_id: inside }));
  const r = await unchanged(assert, () => submit(me.token, d.id, d.etag), APP_TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)), ['profile.outside_district']);

  const open = await makeCall({ allow_outside_district: true });
  const d2 = await createDraft(me.token, fullDraft({ call_id: open }));
  const ok = await submit(me.token, d2.id, d2.etag);
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.ward_code, null);
  assert.equal(ok.json.outside_district, true);

  // The call closes while her draft waits.
  const closing = await makeCall();
  const d3 = await createDraft(me.token, fullDraft({ call_id: closing }));
  await db.query("UPDATE calls SET status = 'closed' WHERE id = $1", [closing]);
  const late = await unchanged(assert, () => submit(me.token, d3.id, d3.etag), APP_TABLES);
  assertErr(assert, late, 422, 'validation_failed');
  assert.match(fieldsOf(late).call_id, /not accepting/);
  const g = await get(me.token, d3.id);
  assert.equal(g.json.call.accepting_applications, false);
  assert.match(g.json.next_steps, /không còn nhận hồ sơ/);
  // The database holds the same line against any writer.
  await assert.rejects(db.query("UPDATE applications SET status = 'submitted' WHERE id = $1", [d3.id]), (e) => e.code === 'SN409');
});

test('submit: If-Match required; references HK-<year>-NNNNN count up by one', async () => {
  const a = await applicant();
  const b = await applicant();
  const da = await createDraft(a.token, fullDraft({ call_id: callId }));
  const db2 = await createDraft(b.token, fullDraft({ call_id: callId }));
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/applications/${da.id}/submit`, { token: a.token }), APP_TABLES), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => submit(a.token, da.id, da.etag + 1), APP_TABLES), 412, 'precondition_failed');

  const ra = await submit(a.token, da.id, da.etag);
  const rb = await submit(b.token, db2.id, db2.etag);
  assert.equal(ra.status, 200, ra.text);
  assert.equal(rb.status, 200, rb.text);
  const year = await yearHN();
  const re = new RegExp(`^HK-${year}-(\\d{5})$`);
  const na = Number(re.exec(ra.json.reference)[1]);
  const nb = Number(re.exec(rb.json.reference)[1]);
  assert.ok(na >= 1);
  assert.equal(nb, na + 1, `${ra.json.reference} then ${rb.json.reference}`);
  assert.equal(Number(await scalar('SELECT last FROM reference_counters WHERE year = $1', [year])), nb);
  assert.equal(Number(await scalar('SELECT count(*) FROM applications WHERE reference = $1', [ra.json.reference])), 1);

  // Submitting twice is a forbidden transition: 409 and nothing changes.
  const st = await appState(da.id);
  const again = await unchanged(assert, () => submit(a.token, da.id, etagOf(ra)), APP_TABLES);
  assertErr(assert, again, 409, 'conflict');
  assert.deepEqual(await appState(da.id), st);
  // So is editing a submitted application.
  const edit = await unchanged(assert, () => patch(a.token, da.id, { plan: 'Sửa sau khi nộp' }, etagOf(ra)), APP_TABLES);
  assertErr(assert, edit, 409, 'conflict');
  assert.deepEqual(await appState(da.id), st);
});

test('messages go out in her language, one per channel she chose', async () => {
  const en = await applicant({ phone: '0977 000 111', notify_channels: ['email', 'sms', 'zalo'] }, { locale: 'en' });
  const s = await submitted(en.token, callId);
  const out = await outboxOf(en.id);
  assert.deepEqual(out.map((m) => [m.channel, m.locale]), [['email', 'en'], ['sms', 'en'], ['zalo', 'en']]);
  assert.deepEqual(out.map((m) => m.recipient), [en.email, '+84977000111', '+84977000111']);
  assert.ok(out.every((m) => m.subject === `Sen: application ${s.json.reference} — Submitted`), out[0].subject);
  assert.ok(out.every((m) => m.body.includes('Women starting a business 2026')), 'the call in English');
  const g = await get(en.token, s.id);
  assert.equal(g.json.status_label, 'Submitted');
  assert.match(g.json.next_steps, /^Staff are checking/);

  const vi = await applicant({ notify_channels: ['zalo'] });
  await submitted(vi.token, callId);
  const ov = await outboxOf(vi.id);
  assert.deepEqual(ov.map((m) => [m.channel, m.locale, m.recipient]), [['zalo', 'vi', '+84912345678']]);
  assert.match(ov[0].body, /^Chào chị Trần Thị Hoa/);
});

test('withdraw: from draft, submitted or screening, with the reason recorded; later is 409', async () => {
  const me = await applicant();
  // A draft, without a body.
  const d = await createDraft(me.token, { call_id: await makeCall() });
  assertErr(assert, await unchanged(assert, () => api('POST', `/api/applications/${d.id}/withdraw`, { token: me.token }), APP_TABLES), 428, 'precondition_failed');
  assertErr(assert, await unchanged(assert, () => withdraw(me.token, d.id, 7), APP_TABLES), 412, 'precondition_failed');
  const tooLong = await unchanged(assert, () => withdraw(me.token, d.id, d.etag, { reason: 'x'.repeat(2001) }), APP_TABLES);
  assertErr(assert, tooLong, 422, 'validation_failed');
  const w1 = await withdraw(me.token, d.id, d.etag);
  assert.equal(w1.status, 200, w1.text);
  assert.equal(w1.json.status, 'withdrawn');
  assert.match(w1.json.next_steps, /rút/);

  // Submitted, with a reason.
  const s = await submitted(me.token, await makeCall());
  const w2 = await withdraw(me.token, s.id, s.etag, { reason: 'Tôi đã tìm được vốn khác' });
  assert.equal(w2.status, 200, w2.text);
  assert.deepEqual((await events(s.id)).at(-1), { from_status: 'submitted', to_status: 'withdrawn', actor_id: me.id, reason: 'Tôi đã tìm được vốn khác' });
  assert.ok((await outboxOf(me.id)).at(-1).body.includes('Tôi đã tìm được vốn khác'), 'the reason is in her message');

  // Screening.
  const s2 = await submitted(me.token, await makeCall());
  await db.query("UPDATE applications SET status = 'screening' WHERE id = $1", [s2.id]);
  const w3 = await withdraw(me.token, s2.id, s2.etag + 1, {});
  assert.equal(w3.status, 200, w3.text);

  // Eligible: too late, and nothing changes.
  const s3 = await submitted(me.token, await makeCall());
  const sc = await api('POST', `/api/applications/${s3.id}/screening`, { token: staff, body: { eligible: true } });
  assert.equal(sc.status, 200, sc.text);
  const st = await appState(s3.id);
  const late = await unchanged(assert, () => withdraw(me.token, s3.id, etagOf(sc), { reason: 'muộn' }), APP_TABLES);
  assertErr(assert, late, 409, 'conflict');
  assert.deepEqual(await appState(s3.id), st);
  // Withdrawn is final.
  assertErr(assert, await unchanged(assert, () => withdraw(me.token, d.id, etagOf(w1)), APP_TABLES), 409, 'conflict');
});

test("another applicant's application is 404 for reading, editing, submitting and withdrawing", async () => {
  const owner = await applicant();
  const other = await applicant();
  const d = await createDraft(owner.token, fullDraft({ call_id: await makeCall() }));
  const st = await appState(d.id);
  const tries = [
    () => get(other.token, d.id),
    () => patch(other.token, d.id, { business_name: 'Chiếm' }, d.etag),
    () => submit(other.token, d.id, d.etag),
    () => withdraw(other.token, d.id, d.etag),
  ];
  for (const t of tries) {
    const r = await unchanged(assert, t, APP_TABLES);
    assertErr(assert, r, 404, 'not_found');
    assert.ok(!r.text.includes('Bánh cuốn'), r.text);
  }
  assert.deepEqual(await appState(d.id), st);
  // The same answer as for an id that does not exist at all.
  for (const t of [() => get(other.token, 999999999), () => patch(other.token, 999999999, {}, 1), () => submit(other.token, 999999999, 1)]) {
    assertErr(assert, await unchanged(assert, t, APP_TABLES), 404, 'not_found');
  }
  // Staff reading a missing application: 404, and no audit row.
  assertErr(assert, await unchanged(assert, () => get(staff, 999999999), APP_TABLES), 404, 'not_found');
});

test('reads: the applicant sees no personal data of the staff view and leaves no audit; staff reads are audited each time', async () => {
  const me = await applicant({ national_id: '012345678901' });
  const s = await submitted(me.token, await makeCall());
  const n0 = await auditCount('applications.read_personal', s.id);
  const mine = await get(me.token, s.id);
  assert.equal(mine.status, 200);
  assert.equal(etagOf(mine), s.etag);
  assert.equal(mine.json.applicant, undefined);
  assert.equal(await auditCount('applications.read_personal', s.id), n0, 'her own read is not audited');

  const admin = await login('admin');
  for (const t of [staff, admin]) {
    const r = await get(t, s.id);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.applicant.national_id, '012345678901');
    assert.equal(r.json.applicant.date_of_birth, '1988-03-15');
    assert.equal(r.json.applicant.ward_name, 'Hàng Đào');
  }
  assert.equal(await auditCount('applications.read_personal', s.id), n0 + 2);
});

test('the state machine is enforced by the database too', async () => {
  const me = await applicant();
  const d = await createDraft(me.token, fullDraft({ call_id: await makeCall() }));
  for (const to of ['eligible', 'screening', 'funded', 'in_review']) {
    await assert.rejects(db.query('UPDATE applications SET status = $2 WHERE id = $1', [d.id, to]), (e) => e.code === 'SN409', to);
  }
  // An incomplete application cannot reach submitted, whoever writes.
  const empty = await createDraft(me.token, { call_id: await makeCall() });
  await assert.rejects(db.query("UPDATE applications SET status = 'submitted' WHERE id = $1", [empty.id]), (e) => e.code === '23514');
  assert.equal((await appState(d.id)).row.status, 'draft');
});

test('answers have exactly the fields the OpenAPI document describes', async () => {
  const doc = (await api('GET', '/api/openapi.json')).json;
  const schema = (n) => doc.components.schemas[n];
  const keys = (o) => Object.keys(o).sort();
  const me = await applicant({ household_status: 'poor', household_cert_number: 'HN-9', household_cert_issued_on: '2025-01-01', household_cert_valid_until: await day("interval '30 days'") });
  const s = await submitted(me.token, await makeCall());
  await addDocument(s.id, 'household_certificate', me.id);

  const mine = (await get(me.token, s.id)).json;
  assert.deepEqual(keys(mine), [...schema('Application').required].sort());
  const staffView = (await get(staff, s.id)).json;
  assert.deepEqual(keys(staffView), keys(schema('Application').properties));
  assert.deepEqual(keys(staffView.applicant), keys(schema('ApplicationApplicant').properties));
  const items = schema('Application').properties;
  assert.deepEqual(keys(mine.call), keys(items.call.properties));
  assert.deepEqual(keys(mine.claims[0]), keys(items.claims.items.properties));
  assert.deepEqual(keys(mine.documents[0]), keys(items.documents.items.properties));
  assert.deepEqual(keys(mine.events[0]), keys(items.events.items.properties));
  assert.deepEqual(keys(mine.budget_lines[0]), keys(schema('ApplicationBudgetLine').properties));
  assert.ok(new RegExp(items.reference.pattern).test(mine.reference));

  const prof = (await api('GET', '/api/me/profile', { token: me.token })).json;
  assert.deepEqual(keys(prof), keys(schema('ApplicantProfile').properties));
  assert.ok(new RegExp(schema('ApplicantProfile').properties.national_id.pattern).test(prof.national_id));
  const msgs = (await api('GET', '/api/me/messages', { token: me.token })).json;
  assert.deepEqual(keys(msgs.items[0]), keys(schema('ApplicantMessageList').properties.items.items.properties));

  // The request schemas name the same fields the server accepts.
  const draftFields = keys(schema('ApplicationUpdateRequest').properties);
  assert.deepEqual(keys(schema('ApplicationCreateRequest').properties), [...draftFields, 'call_id'].sort());
  const draft = keys(fullDraft({ operating_since: null, registered_on: null }));
  assert.deepEqual(draft, draftFields);
});
