// Listing applications (app/applications/list.c, listq.c, export.c):
// who sees what, staff filters, diacritic-insensitive search, keyset
// pagination, bad parameters and the CSV export.  Applications are made
// directly in the database (the application routes are someone else's),
// by applicants registered through the API, so their names are real
// Vietnamese names.  Who may call each route: routes.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { BASE, api, db, demo, login, scalar, unique } from './lib.mjs';
import { assertErr, fieldsOf, register, unchanged, userIdOf } from './fixtures.mjs';

const TABLES = ['applications', 'priority_claims', 'application_events', 'audit_log', 'outbox'];
const STATUS_PATH = {
  draft: [],
  submitted: ['submitted'],
  screening: ['submitted', 'screening'],
  eligible: ['submitted', 'screening', 'eligible'],
  ineligible: ['submitted', 'screening', 'ineligible'],
  withdrawn: ['withdrawn'],
};

const tag = unique('ls');
const tokens = {};
const ids = {};
const calls = {};
const people = {};	// key → { id, token, name }
const rows = [];	// the fixture applications of calls.p, with their ids
let mai2 = null;	// Mai's second application, in calls.q
let bigCall = null;

// A funding call, opened: criteria (weights summing to 100) while it is
// a draft, in the same transaction.
async function makeCall(title) {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    const { rows: [{ id }] } = await c.query(
      `INSERT INTO calls (title_vi, title_en, description_vi, description_en, opens_at, closes_at,
         budget_vnd, max_award_vnd, stages, wards)
       VALUES ($1, $2, 'Hỗ trợ phụ nữ khởi nghiệp', 'Support for women', now() - interval '1 day',
         now() + interval '30 days', 2000000000, 50000000, '{idea,startup,new_business}',
         (SELECT array_agg(code ORDER BY code) FROM wards))
       RETURNING id`, [title, `Call ${tag}`]);
    await c.query(
      `INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight)
       VALUES ($1, 1, 'impact', 'Tác động', 'Impact', 10, 60),
              ($1, 2, 'feasibility', 'Tính khả thi', 'Feasibility', 10, 40)`, [id]);
    await c.query(`UPDATE calls SET status = 'open' WHERE id = $1`, [id]);
    await c.query('COMMIT');
    return Number(id);
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

// An application, moved along the allowed transitions to s.status, with
// its claims (a verified one needs a certificate on file).
async function makeApp(s) {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    const amount = s.amount ?? null;
    const { rows: [{ id }] } = await c.query(
      `INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
         problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd,
         budget_lines, women_capital_pct, woman_manager, ward_code, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, 'Khách hàng là người dân trong phố', 'Mua thiết bị', 3, 2, 2,
         $7::bigint, CASE WHEN $7::bigint IS NULL THEN '[]'::jsonb
           ELSE jsonb_build_array(jsonb_build_object('item', 'Thiết bị', 'amount_vnd', $7::bigint)) END,
         100, true, $8, coalesce($9::timestamptz, now()))
       RETURNING id`,
      [s.call, s.applicant, s.name ?? null, s.stage ?? null, s.sector ?? null,
        s.description ?? 'Kinh doanh nhỏ', amount, s.ward ?? null, s.created ?? null]);
    for (const st of STATUS_PATH[s.status || 'draft']) {
      await c.query(`UPDATE applications SET status = $2,
          screening_reason = CASE WHEN $2 = 'ineligible' THEN 'Không thuộc đối tượng' ELSE screening_reason END
        WHERE id = $1`, [id, st]);
    }
    if (s.submitted) await c.query('UPDATE applications SET submitted_at = $2 WHERE id = $1', [id, s.submitted]);
    for (const [category, status] of s.claims || []) {
      if (status === 'verified') {
        await c.query(
          `INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
           VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', 1000, $3, $4)`,
          [id, category === 'disability' ? 'disability_certificate' : 'household_certificate',
            createHash('sha256').update(`${id}${category}`).digest(), s.applicant]);
      }
      await c.query(
        `INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on,
           cert_valid_until, status, note, decided_by, decided_at)
         VALUES ($1, $2, 'GCN-123', current_date - 30, current_date + 300, $3, $4,
           CASE WHEN $3 = 'pending' THEN NULL ELSE $5::bigint END,
           CASE WHEN $3 = 'pending' THEN NULL ELSE now() END)`,
        [id, category, status, status === 'rejected' ? 'Giấy chứng nhận không khớp' : null, ids.staff]);
      await c.query('SET LOCAL session_replication_role = origin');
    }
    await c.query('COMMIT');
    return Number(id);
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}

// Applicants (registered through the API) and what they applied with in
// calls.p.  Sort keys repeat (ties go by id), some are NULL (drafts), and
// created_at values 1 µs apart test the cursor's precision.
const C1 = '2026-02-01 08:00:00.000001+07';
const C2 = '2026-02-01 08:00:00.000002+07';
const C3 = '2026-02-01 08:00:00.5+07';
const C4 = '2026-02-02 10:00:00+07';
const C5 = '2026-02-03 10:00:00+07';
const C6 = '2026-02-04 10:00:00.999999+07';
const FIXTURE = [
  { who: 'mai', full: 'Lê Thị Mai', name: 'Tiệm bánh Phúc Tân', status: 'eligible', amount: 20000000, stage: 'startup', sector: 'food_beverage', ward: '00037', created: C1, submitted: '2026-03-01 09:00:00+07', claims: [['poor', 'verified'], ['disability', 'pending']] },
  { who: 'lan', full: 'Đào Thị Lan', name: 'Trà Dao', status: 'submitted', amount: 15000000, stage: 'idea', sector: 'food_beverage', ward: '00049', created: C1, submitted: '2026-03-01 23:59:59.999999+07', claims: [['near_poor', 'rejected']] },
  { who: 'hong', full: 'Nguyễn Thị Hồng', name: 'Giảm 50% giá', status: 'screening', amount: 15000000, stage: 'new_business', sector: 'retail_trade', ward: '00037', created: C2, submitted: '2026-03-02 00:00:00+07', claims: [['hardship', 'pending']] },
  { who: 'ha', full: 'Phạm Thu Hà', name: 'ban_hang online', status: 'eligible', amount: 30000000, stage: 'startup', sector: 'digital_ecommerce', ward: '00040', created: C2, submitted: '2026-02-28 23:59:59+07', claims: [['disability', 'verified']] },
  { who: 'anh', full: 'Trần Ngọc Ánh', name: '=HYPERLINK("http://evil.example","x")', status: 'submitted', amount: 10000000, stage: 'idea', sector: 'handicrafts', ward: '00043', created: C3, submitted: '2026-03-05 10:00:00+07', description: 'Sản xuất đồ gốm Bát Tràng' },
  { who: 'hanh', full: 'Vũ Thị Hạnh', name: 'Hàng "Mã", phố cổ\nHà Nội', status: 'ineligible', amount: 10000000, stage: 'idea', sector: 'handicrafts', ward: '00043', created: C3, submitted: '2026-03-05 10:00:00+07', claims: [['poor', 'pending']] },
  { who: 'thu', full: 'Hoàng Minh Thư', name: 'Cà phê Đào', status: 'draft', stage: 'idea', created: C4 },
  { who: 'yen', full: 'Đặng Hải Yến', name: null, status: 'draft', created: C4 },
  { who: 'duong', full: 'Bùi Thị Dương', name: 'Ánh Dương', status: 'draft', amount: 5000000, ward: '00037', created: C5 },
  { who: 'hoa', full: 'Đỗ Thị Hoà', name: 'Xưởng may Hòa', status: 'withdrawn', amount: 25000000, created: C5 },
  { who: 'ngoc', full: 'Lý Bảo Ngọc', name: '-5 món ngon', status: 'submitted', amount: 20000000, stage: 'idea', sector: 'food_beverage', ward: '00079', created: C6, submitted: '2026-03-10 08:00:00+07' },
  { who: 'trang', full: 'Mạc Thu Trang', name: '@Sen shop', status: 'submitted', amount: 8000000, stage: 'idea', sector: 'beauty_wellness', ward: '00079', created: C6, submitted: '2026-03-10 08:00:00+07' },
  { who: 'van1', full: 'Tạ Thanh Vân', name: 'Bánh cuốn Thanh Vân', status: 'submitted', amount: 12000000, stage: 'idea', sector: 'food_beverage', ward: '00088', created: C6, submitted: '2026-03-12 08:00:00+07' },
  { who: 'van2', full: 'Kiều Thanh Vân', name: 'Bánh cuốn Thanh Vân', status: 'draft', amount: 12000000, created: C6 },
];

before(async () => {
  for (const role of ['staff', 'admin']) {
    tokens[role] = await login(role);
    ids[role] = await userIdOf(demo[role].email);
  }
  calls.p = await makeCall(`Đợt hỗ trợ phụ nữ ${tag}`);
  calls.q = await makeCall(`Đợt thứ hai ${tag}`);
  for (const f of FIXTURE) {
    const r = await register({ full_name: f.full });
    people[f.who] = { id: r.user.id, token: r.token, name: f.full };
  }
  for (const f of FIXTURE) {
    const id = await makeApp({ ...f, call: calls.p, applicant: people[f.who].id });
    rows.push({ ...f, id, applicant: people[f.who].id });
  }
  // Mai applied to the second call too, later: her list has both.
  mai2 = await makeApp({ call: calls.q, applicant: people.mai.id, name: 'Tiệm bánh Phúc Tân 2', status: 'draft' });
  const refs = await db.query('SELECT id, reference FROM applications WHERE call_id = $1', [calls.p]);
  for (const r of refs.rows) rows.find((x) => x.id === Number(r.id)).reference = r.reference;
});

after(async () => {
  if (bigCall) await dropBig();
  await db.end();
});

const byWho = (who) => rows.find((r) => r.who === who);
const idsOf = (list) => list.map((r) => r.id).sort((a, b) => a - b);
const sameIds = (items, fixture) => assert.deepEqual(items.map((i) => i.id).sort((a, b) => a - b), idsOf(fixture));

// Every page of a list, following next_cursor.
async function listAll(token, query = '', limit = 100) {
  const items = [];
  let cursor = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 500, 'too many pages');
    const q = [query, `limit=${limit}`, cursor && `cursor=${cursor}`].filter(Boolean).join('&');
    const r = await api('GET', `/api/applications?${q}`, { token });
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    assert.ok(r.json.items.length <= limit);
    items.push(...r.json.items);
    cursor = r.json.next_cursor;
    if (cursor === null) return items;
    assert.equal(r.json.items.length, limit, 'only the last page may be short');
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
  }
}

// The fixture rows of calls.p that a filter keeps.
const mine = (pred) => rows.filter(pred);

test('an applicant sees exactly her own applications, newest first, with her claims and nobody else\'s', async () => {
  const mai = await listAll(people.mai.token);
  assert.deepEqual(mai.map((i) => i.id), [mai2, byWho('mai').id], 'both of hers, the newer first');
  const first = mai[1];
  assert.equal(first.business_name, 'Tiệm bánh Phúc Tân');
  assert.equal(first.status, 'eligible');
  assert.match(first.reference, /^HK-\d{4}-\d{5,}$/);
  assert.deepEqual(first.call, { id: calls.p, title: `Đợt hỗ trợ phụ nữ ${tag}` });
  assert.equal(first.amount_requested_vnd, 20000000);
  assert.equal(first.ward_code, '00037');
  assert.equal(first.stage, 'startup');
  assert.equal(first.sector, 'food_beverage');
  assert.equal(new Date(first.submitted_at).toISOString(), new Date('2026-03-01T09:00:00+07:00').toISOString());
  assert.ok(first.updated_at);
  assert.deepEqual(first.claims, [{ category: 'disability', status: 'pending' }, { category: 'poor', status: 'verified' }]);
  assert.ok(!('applicant' in first), 'no applicant block for the applicant herself');
  assert.equal(mai[0].reference, null);
  assert.equal(mai[0].submitted_at, null);

  // Lan sees hers only (and her rejected claim), not Mai's.
  const lan = await listAll(people.lan.token);
  assert.deepEqual(lan.map((i) => i.id), [byWho('lan').id]);
  assert.deepEqual(lan[0].claims, [{ category: 'near_poor', status: 'rejected' }]);
  // An applicant without applications: an empty list.
  const fresh = await register({ full_name: 'Chu Thị Mới' });
  const none = await api('GET', '/api/applications', { token: fresh.token });
  assert.equal(none.status, 200, none.text);
  assert.deepEqual(none.json, { items: [], next_cursor: null });
  // Her sort and paging work on her own rows only.
  const asc = await listAll(people.mai.token, 'sort=created_at&order=asc', 1);
  assert.deepEqual(asc.map((i) => i.id), [byWho('mai').id, mai2]);
  // Applicants' reads of their own claims are not audited as staff reads.
  const r = await api('GET', '/api/applications', { token: people.mai.token });
  assert.equal(Number(await scalar('SELECT count(*) FROM audit_log WHERE request_id = $1', [r.headers.get('x-request-id')])), 0);
});

test('an applicant may not use staff filters: 400 naming each, nothing written', async () => {
  for (const q of ['call_id=1', 'status=draft', 'ward=00037', 'stage=idea', 'sector=food_beverage',
    'claimed=poor', 'verified=poor', 'submitted_from=2026-01-01', 'submitted_to=2026-12-31', 'q=mai']) {
    const name = q.split('=')[0];
    const r = await unchanged(assert, () => api('GET', `/api/applications?${q}`, { token: people.mai.token }), TABLES);
    assertErr(assert, r, 400, 'validation_failed');
    assert.match(fieldsOf(r)[name] || '', /staff/, `${q}: ${r.text}`);
  }
  // Several at once are all named.
  const r = await api('GET', `/api/applications?call_id=${calls.p}&status=eligible`, { token: people.lan.token });
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['call_id', 'status']);
});

test('staff see every applicant\'s applications with the applicant and claims, and the read of claims is audited', async () => {
  const r = await api('GET', `/api/applications?call_id=${calls.p}&limit=100`, { token: tokens.staff });
  assert.equal(r.status, 200, r.text);
  sameIds(r.json.items, rows);
  assert.equal(r.json.next_cursor, null);
  const hong = r.json.items.find((i) => i.id === byWho('hong').id);
  assert.deepEqual(hong.applicant, { id: people.hong.id, full_name: 'Nguyễn Thị Hồng' });
  assert.deepEqual(hong.claims, [{ category: 'hardship', status: 'pending' }]);
  assert.deepEqual(r.json.items.find((i) => i.id === byWho('anh').id).claims, []);
  const yen = r.json.items.find((i) => i.id === byWho('yen').id);
  assert.equal(yen.business_name, null);
  assert.equal(yen.amount_requested_vnd, null);

  // One audit row per application shown with claims, under this request.
  const withClaims = idsOf(mine((x) => x.claims && x.claims.length));
  const audited = await db.query(
    `SELECT entity, entity_id, actor_id, after FROM audit_log
     WHERE request_id = $1 AND action = 'applications.read_personal' ORDER BY entity_id::bigint`,
    [r.headers.get('x-request-id')]);
  assert.deepEqual(audited.rows.map((a) => Number(a.entity_id)), withClaims);
  for (const a of audited.rows) {
    assert.equal(a.entity, 'applications');
    assert.equal(Number(a.actor_id), ids.staff);
    assert.deepEqual(a.after, { via: 'list', fields: ['claims'] });
  }
  // Admins too.
  const a = await listAll(tokens.admin, `call_id=${calls.p}`);
  sameIds(a, rows);
  // The default order is newest first (created_at, then id, descending).
  const order = [...rows].sort((x, y) => (Date.parse(y.created) - Date.parse(x.created)) || (y.id - x.id));
  const c1 = order.filter((x) => x.created === C1).map((x) => x.id);
  assert.deepEqual(r.json.items.map((i) => i.id).slice(-2), c1, 'the two C1 rows last, the higher id first');
});

// Each filter alone (over the whole database: every row returned must
// match and of ours exactly the expected ones) and with call_id.
const FILTERS = [
  ['status=eligible', (x) => x.status === 'eligible', (i) => i.status === 'eligible'],
  ['status=draft,withdrawn', (x) => ['draft', 'withdrawn'].includes(x.status), (i) => ['draft', 'withdrawn'].includes(i.status)],
  ['status=submitted,screening,ineligible', (x) => ['submitted', 'screening', 'ineligible'].includes(x.status), (i) => ['submitted', 'screening', 'ineligible'].includes(i.status)],
  ['ward=00037', (x) => x.ward === '00037', (i) => i.ward_code === '00037'],
  ['stage=idea', (x) => x.stage === 'idea', (i) => i.stage === 'idea'],
  ['sector=handicrafts', (x) => x.sector === 'handicrafts', (i) => i.sector === 'handicrafts'],
  ['claimed=poor', (x) => (x.claims || []).some(([c]) => c === 'poor'), (i) => i.claims.some((c) => c.category === 'poor')],
  ['claimed=disability', (x) => (x.claims || []).some(([c]) => c === 'disability'), (i) => i.claims.some((c) => c.category === 'disability')],
  ['verified=poor', (x) => (x.claims || []).some(([c, s]) => c === 'poor' && s === 'verified'), (i) => i.claims.some((c) => c.category === 'poor' && c.status === 'verified')],
  ['verified=near_poor', () => false, (i) => i.claims.some((c) => c.category === 'near_poor' && c.status === 'verified')],
  ['submitted_from=2026-03-01&submitted_to=2026-03-01', (x) => ['mai', 'lan'].includes(x.who),
    (i) => i.submitted_at && Date.parse(i.submitted_at) >= Date.parse('2026-03-01T00:00:00+07:00') && Date.parse(i.submitted_at) < Date.parse('2026-03-02T00:00:00+07:00')],
  ['submitted_from=2026-03-02', (x) => ['hong', 'anh', 'hanh', 'ngoc', 'trang', 'van1'].includes(x.who),
    (i) => i.submitted_at && Date.parse(i.submitted_at) >= Date.parse('2026-03-02T00:00:00+07:00')],
  ['submitted_to=2026-02-28', (x) => x.who === 'ha',
    (i) => i.submitted_at && Date.parse(i.submitted_at) < Date.parse('2026-03-01T00:00:00+07:00')],
];

test('staff filters, each alone: every row matches, and exactly the expected ones of ours', async () => {
  const ours = new Set(rows.map((r) => r.id));
  for (const [q, pick, holds] of FILTERS) {
    const all = await listAll(tokens.staff, q);
    for (const i of all) assert.ok(holds(i), `${q}: ${JSON.stringify(i)}`);
    sameIds(all.filter((i) => ours.has(i.id)), mine(pick));
    const scoped = await listAll(tokens.staff, `${q}&call_id=${calls.p}`);
    sameIds(scoped, mine(pick));
  }
  // call_id alone: exactly that call's, whoever applied.
  sameIds(await listAll(tokens.staff, `call_id=${calls.q}`), [{ id: mai2 }]);
  // A call without applications, and one that does not exist: empty.
  const empty = await makeCall(`Đợt trống ${tag}`);
  assert.deepEqual(await listAll(tokens.staff, `call_id=${empty}`), []);
  assert.deepEqual(await listAll(tokens.staff, 'call_id=999999999'), []);
});

test('staff filters combined', async () => {
  const cases = [
    [`status=eligible&claimed=disability`, ['mai', 'ha']],
    [`status=eligible&verified=disability`, ['ha']],
    [`ward=00043&stage=idea&status=submitted,ineligible`, ['anh', 'hanh']],
    [`sector=food_beverage&submitted_from=2026-03-01&submitted_to=2026-03-10`, ['mai', 'lan', 'ngoc']],
    [`claimed=poor&q=phuc`, ['mai']],
    [`ward=00037&status=draft`, ['duong']],
  ];
  for (const [q, who] of cases) {
    const got = await listAll(tokens.staff, `${q}&call_id=${calls.p}`);
    sameIds(got, who.map(byWho));
  }
  // Sorting applies to the filtered set.
  const got = await listAll(tokens.staff, `call_id=${calls.p}&status=submitted&sort=amount_requested_vnd&order=asc`);
  assert.deepEqual(got.map((i) => i.amount_requested_vnd), [8000000, 10000000, 12000000, 15000000, 20000000]);
});

test('search ignores case and Vietnamese diacritics, and takes % _ \\ literally', async () => {
  const search = async (q) => listAll(tokens.staff, `call_id=${calls.p}&q=${encodeURIComponent(q)}`);
  const cases = [
    ['phuc tan', ['mai']],			// business name "Tiệm bánh Phúc Tân"
    ['Phúc Tân', ['mai']],
    ['PHÚC TÂN', ['mai']],
    ['tan phuc', ['mai']],			// every word, in any order
    ['NGUYEN', ['hong']],			// applicant Nguyễn Thị Hồng
    ['nguyễn', ['hong']],
    ['hong nguyen', ['hong']],
    ['đào', ['lan', 'thu']],			// Đào Thị Lan, "Trà Dao", "Cà phê Đào"
    ['dao', ['lan', 'thu']],
    ['ĐÀO', ['lan', 'thu']],
    ['bat trang', ['anh']],			// the description
    ['thanh van', ['van1', 'van2']],
    ['may hòa', ['hoa']],			// Hòa and Hoà: the two spellings
    ['may hoà', ['hoa']],
    ['MAY HOA', ['hoa']],
    ['hòa', ['hoa', 'thu']],			// and "Hoàng" holds "hoa" too
    ['50%', ['hong']],
    ['%', ['hong']],
    ['50_', []],				// _ is not "any character"
    ['_', ['ha']],
    ['ban_', ['ha']],
    ['ba%g', []],				// % is not "anything"
    ['\\', []],
    ['"mã"', ['hanh']],
    ['xyzzy', []],
    ['phuc xyzzy', []],
  ];
  for (const [q, who] of cases) {
    sameIds(await search(q), who.map(byWho));
  }
  // References, in any case.
  const ref = byWho('lan').reference;
  sameIds(await search(ref), [byWho('lan')]);
  sameIds(await search(ref.toLowerCase()), [byWho('lan')]);
  // Across the whole database the match is found too, and q combines with sort.
  const all = await listAll(tokens.staff, `q=${encodeURIComponent('tiệm bánh phúc tân')}&sort=business_name`);
  assert.ok(all.some((i) => i.id === byWho('mai').id));
  assert.ok(all.some((i) => i.id === mai2));
  // A blank q is no search at all.
  sameIds(await search('   '), rows);
});

// Expected order of our rows for a sort: NULL keys last both ways, ties by id.
const vi = new Intl.Collator('vi').compare;
const SORT_KEYS = {
  created_at: (r) => r.createdUs,
  submitted_at: (r) => r.submittedUs,
  amount_requested_vnd: (r) => (r.amount == null ? null : BigInt(r.amount)),
  reference: (r) => r.reference,
  business_name: (r) => r.name ?? null,
};

function expectedOrder(list, sort, desc) {
  const key = SORT_KEYS[sort];
  const cmp = (a, b) => {
    if (typeof a === 'string') return sort === 'business_name' ? vi(a, b) : (a < b ? -1 : a > b ? 1 : 0);
    return a < b ? -1 : a > b ? 1 : 0;
  };
  return [...list].sort((x, y) => {
    const a = key(x);
    const b = key(y);
    if (a === null && b === null) return desc ? y.id - x.id : x.id - y.id;
    if (a === null) return 1;
    if (b === null) return -1;
    const c = cmp(a, b) || (x.id < y.id ? -1 : 1);
    return desc ? -c : c;
  }).map((r) => r.id);
}

test('keyset pagination visits every row once, in order, for every sort and order, NULLs and ties included', async () => {
  // Exact times from the database, in microseconds.
  const t = await db.query(
    `SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint AS c,
            (extract(epoch FROM submitted_at) * 1000000)::bigint AS s
     FROM applications WHERE call_id = $1`, [calls.p]);
  for (const r of t.rows) {
    const row = rows.find((x) => x.id === Number(r.id));
    row.createdUs = BigInt(r.c);
    row.submittedUs = r.s === null ? null : BigInt(r.s);
  }
  assert.equal(byWho('lan').createdUs, byWho('mai').createdUs, 'a tie on created_at');
  assert.equal(byWho('hong').createdUs - byWho('mai').createdUs, 1n, 'created_at 1 µs apart');

  for (const sort of Object.keys(SORT_KEYS)) {
    for (const order of ['asc', 'desc']) {
      const expect = expectedOrder(rows, sort, order === 'desc');
      for (const limit of [1, 3, 5, 100]) {
        const got = await listAll(tokens.staff, `call_id=${calls.p}&sort=${sort}&order=${order}`, limit);
        assert.deepEqual(got.map((i) => i.id), expect, `sort=${sort}&order=${order}&limit=${limit}`);
      }
    }
  }

  // The order defaults: dates and amounts descending, names and references ascending.
  const def = async (sort) => (await listAll(tokens.staff, `call_id=${calls.p}&sort=${sort}`, 4)).map((i) => i.id);
  assert.deepEqual(await def('amount_requested_vnd'), expectedOrder(rows, 'amount_requested_vnd', true));
  assert.deepEqual(await def('business_name'), expectedOrder(rows, 'business_name', false));
  assert.deepEqual(await def('reference'), expectedOrder(rows, 'reference', false));
  // Vietnamese alphabetical order, not code points: Á, Ă, Â, Đ where they belong.
  const names = (await listAll(tokens.staff, `call_id=${calls.p}&sort=business_name`)).map((i) => i.business_name);
  assert.ok(names.indexOf('Ánh Dương') < names.indexOf('ban_hang online'), names.join(' | '));
  assert.ok(names.indexOf('Cà phê Đào') < names.indexOf('Giảm 50% giá'), names.join(' | '));
  assert.equal(names.at(-1), null, 'the draft without a name comes last');
});

test('a cursor is stable: rows added before it do not shift the next page', async () => {
  const q = `call_id=${calls.p}&sort=created_at&order=desc&limit=4`;
  const first = await api('GET', `/api/applications?${q}`, { token: tokens.staff });
  assert.equal(first.status, 200, first.text);
  const expect = expectedOrder(rows, 'created_at', true);
  assert.deepEqual(first.json.items.map((i) => i.id), expect.slice(0, 4));
  // A newer application appears at the head of the list meanwhile.
  const late = await register({ full_name: 'Ngô Thị Muộn' });
  const extra = await makeApp({ call: calls.p, applicant: late.user.id, name: 'Mới nộp', status: 'submitted', amount: 1000000, stage: 'idea', sector: 'food_beverage', ward: '00037' });
  try {
    const second = await api('GET', `/api/applications?${q}&cursor=${first.json.next_cursor}`, { token: tokens.staff });
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(second.json.items.map((i) => i.id), expect.slice(4, 8));
    // The same cursor gives the same page again.
    const again = await api('GET', `/api/applications?${q}&cursor=${first.json.next_cursor}`, { token: tokens.staff });
    assert.deepEqual(again.json, second.json);
  } finally {
    await db.query(
      `DELETE FROM outbox WHERE dedupe_key IN (SELECT format('application_event:%s:%s', e.id, ch)
       FROM application_events e, unnest(ARRAY['email', 'sms', 'zalo']) ch WHERE e.application_id = $1)`, [extra]);
    await db.query('DELETE FROM application_events WHERE application_id = $1', [extra]);
    await db.query('DELETE FROM applications WHERE id = $1', [extra]);
  }
});

// A cursor's inside (it is opaque to clients, but the tests may look).
const b64 = (s) => Buffer.from(s, 'utf8').toString('base64url');

test('bad parameters: 400 validation_failed naming each one, nothing written', async () => {
  const good = await api('GET', `/api/applications?call_id=${calls.p}&limit=2`, { token: tokens.staff });
  const cursor = good.json.next_cursor;
  assert.ok(cursor);
  const asc = await api('GET', `/api/applications?call_id=${calls.p}&limit=2&sort=business_name`, { token: tokens.staff });
  const bad = [
    ['status=bogus', 'status'],
    ['status=draft,,submitted', 'status'],
    ['status=DRAFT', 'status'],
    ['status=draft%00', 'status'],
    ['ward=99999', 'ward'],
    ['ward=0003', 'ward'],
    ['ward=abcde', 'ward'],
    ['stage=growth', 'stage'],
    ['sector=mining', 'sector'],
    ['sector=FOOD', 'sector'],
    ['claimed=rich', 'claimed'],
    ['verified=yes', 'verified'],
    ['submitted_from=2026-02-30', 'submitted_from'],
    ['submitted_from=2026-2-1', 'submitted_from'],
    ['submitted_from=01/03/2026', 'submitted_from'],
    ['submitted_to=20260301', 'submitted_to'],
    ['submitted_to=2026-03-01T00:00', 'submitted_to'],
    ['submitted_from=2026-03-05&submitted_to=2026-03-01', 'submitted_to'],
    ['sort=id', 'sort'],
    ['sort=created_at%3Bdrop', 'sort'],
    ['order=up', 'order'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=%201', 'limit'],
    ['limit=99999999999999999999999', 'limit'],
    ['cursor=!!!', 'cursor'],
    ['cursor=bm90IGEgY3Vyc29y', 'cursor'],
    [`cursor=${cursor}=`, 'cursor'],
    [`cursor=${cursor.slice(0, 5)}%2B${cursor.slice(6)}`, 'cursor'],	// '+': not base64url
    [`cursor=${cursor}&sort=amount_requested_vnd`, 'cursor'],	// made for created_at
    [`cursor=${cursor}&order=asc`, 'cursor'],			// made for desc
    [`cursor=${asc.json.next_cursor}`, 'cursor'],			// made for business_name
    [`cursor=${b64('1;created_at;d;5;sabc')}`, 'cursor'],		// a text key for a time
    [`cursor=${b64('1;created_at;d;5;n')}`, 'cursor'],		// created_at is never NULL
    [`cursor=${b64('1;created_at;d;0;i5')}`, 'cursor'],
    [`cursor=${'A'.repeat(1500)}`, 'cursor'],			// longer than any cursor
    ['q=%FF', 'q'],
    ['q=%C3', 'q'],
    ['q=%ED%A0%80', 'q'],
    ['q=a%0Ab', 'q'],
    ['q=%', 'q'],
    [`q=${'a'.repeat(201)}`, 'q'],
    ['q=a+b+c+d+e+f+g+h+i', 'q'],
    ['call_id=0', 'call_id'],
    ['call_id=abc', 'call_id'],
    ['call_id=-1', 'call_id'],
    ['foo=1', 'foo'],
    ['Status=draft', 'Status'],
    ['status=draft&status=submitted', 'status'],
    ['limit=5&limit=6', 'limit'],
    ['%FF=1', 'query'],
  ];
  for (const [q, field] of bad) {
    const path = q.startsWith('call_id=') ? `/api/applications?${q}` : `/api/applications?call_id=${calls.p}&${q}`;
    const r = await unchanged(assert, () => api('GET', path, { token: tokens.staff }), TABLES);
    assert.equal(r.status, 400, `${q}: ${r.text}`);
    assertErr(assert, r, 400, 'validation_failed');
    assert.ok(fieldsOf(r)[field], `${q} names ${field}: ${r.text}`);
  }
  // Everything wrong at once is reported at once.
  const r = await api('GET', '/api/applications?status=bogus&limit=0&ward=99999&sector=mining&nope=1', { token: tokens.staff });
  assertErr(assert, r, 400, 'validation_failed');
  assert.deepEqual(Object.keys(fieldsOf(r)).sort(), ['limit', 'nope', 'sector', 'status', 'ward']);
  // The longest q and limits at the edges are fine; an empty value is no filter.
  for (const q of [`q=${'a'.repeat(200)}`, 'limit=1', 'limit=100', 'status=&ward=&q=', 'q=a+b+c+d+e+f+g+h']) {
    const ok = await api('GET', `/api/applications?call_id=${calls.p}&${q}`, { token: tokens.staff });
    assert.equal(ok.status, 200, `${q}: ${ok.text}`);
  }
});

// --- CSV ---

// GET returning the raw bytes (fetch's text() would drop the BOM).
async function getRaw(path, token) {
  const res = await fetch(BASE + path, { headers: { authorization: `Bearer ${token}`, 'x-real-ip': '10.9.9.9' } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

// RFC 4180, strictly: CRLF between records, quoted fields may hold
// anything with "" for a quote, unquoted ones no quote, CR or LF.
function parseCsv(text) {
  const records = [];
  let rec = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        assert.ok(i < text.length, 'unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        assert.notEqual(text[i], '"', `a quote inside an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    rec.push(field);
    if (text[i] === ',') { i++; continue; }
    assert.equal(text.slice(i, i + 2), '\r\n', `records end in CRLF (at ${i}: ${JSON.stringify(text.slice(i, i + 10))})`);
    i += 2;
    records.push(rec);
    rec = [];
    if (i === text.length) return records;
  }
}

const HEADER = ['reference', 'status', 'call', 'applicant', 'business_name', 'stage', 'sector', 'ward',
  'amount_requested_vnd', 'submitted_at', 'claimed', 'verified'];

async function exportCsv(query, token = tokens.staff) {
  const r = await getRaw(`/api/applications.csv?${query}`, token);
  assert.equal(r.status, 200, r.bytes.toString());
  assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark first');
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(r.bytes.subarray(3));
  const records = parseCsv(text);
  assert.deepEqual(records[0], HEADER);
  for (const rec of records) assert.equal(rec.length, HEADER.length);
  return { ...r, records: records.slice(1).map((rec) => Object.fromEntries(HEADER.map((h, k) => [h, rec[k]]))) };
}

test('CSV export: BOM, header, CRLF, RFC 4180 quoting, Vietnamese intact, formulas neutralised, audited', async () => {
  const r = await exportCsv(`call_id=${calls.p}`);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  const day = new Date(Date.now() + 7 * 3600 * 1000).toISOString().slice(0, 10).replaceAll('-', '');
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="applications-${day}.csv"`);
  assert.equal(r.records.length, rows.length);

  const byName = (n) => r.records.find((x) => x.business_name === n);
  // A comma, quotes and a newline come back exactly.
  const hanh = byName('Hàng "Mã", phố cổ\nHà Nội');
  assert.ok(hanh, 'the business name with a comma, quotes and a newline');
  assert.ok(r.bytes.includes(Buffer.from('"Hàng ""Mã"", phố cổ\nHà Nội"')), 'quoted, quotes doubled');
  assert.equal(hanh.applicant, 'Vũ Thị Hạnh');
  assert.equal(hanh.status, 'ineligible');
  assert.equal(hanh.claimed, 'poor');
  assert.equal(hanh.verified, '');
  // Vietnamese text intact.
  const mai = r.records.find((x) => x.reference === byWho('mai').reference);
  assert.deepEqual(mai, {
    reference: byWho('mai').reference, status: 'eligible', call: `Đợt hỗ trợ phụ nữ ${tag}`,
    applicant: 'Lê Thị Mai', business_name: 'Tiệm bánh Phúc Tân', stage: 'startup', sector: 'food_beverage',
    ward: 'Phúc Tân', amount_requested_vnd: '20000000', submitted_at: '2026-03-01 09:00:00',
    claimed: 'disability poor', verified: 'poor',
  });
  // Hà Nội time: the last microsecond of 1 March is still 1 March.
  assert.equal(r.records.find((x) => x.applicant === 'Đào Thị Lan').submitted_at, '2026-03-01 23:59:59');
  // Formula-looking text gets an apostrophe; our numbers do not.
  assert.ok(byName('\'=HYPERLINK("http://evil.example","x")'), 'the =HYPERLINK name neutralised');
  assert.ok(byName('\'-5 món ngon'));
  assert.ok(byName('\'@Sen shop'));
  for (const x of r.records) {
    for (const v of Object.values(x)) assert.doesNotMatch(v, /^[=+\-@\t\r]/, 'no cell starts a formula');
  }
  for (const x of r.records) assert.match(x.amount_requested_vnd, /^(\d+)?$/);
  // Drafts: empty cells, not "null".
  const yen = r.records.find((x) => x.applicant === 'Đặng Hải Yến');
  assert.deepEqual([yen.reference, yen.business_name, yen.amount_requested_vnd, yen.submitted_at, yen.ward], ['', '', '', '', '']);

  // The export is in the audit log, with its filters, under the request id.
  const audit = await db.query(
    `SELECT actor_id, entity, entity_id, after FROM audit_log WHERE action = 'applications.export' AND request_id = $1`,
    [r.headers.get('x-request-id')]);
  assert.equal(audit.rows.length, 1);
  assert.equal(Number(audit.rows[0].actor_id), ids.staff);
  assert.equal(audit.rows[0].entity, 'applications');
  assert.equal(audit.rows[0].entity_id, null);
  assert.deepEqual(audit.rows[0].after, { filters: { call_id: String(calls.p) }, sort: 'created_at', order: 'desc', rows: rows.length });

  // Filters, including q, are recorded as given.
  const f = await exportCsv(`call_id=${calls.p}&q=${encodeURIComponent('Phúc  Tân')}&status=eligible,submitted&claimed=poor&sort=business_name`, tokens.admin);
  assert.deepEqual(f.records.map((x) => x.business_name), ['Tiệm bánh Phúc Tân']);
  const a2 = await db.query(`SELECT actor_id, after FROM audit_log WHERE action = 'applications.export' AND request_id = $1`, [f.headers.get('x-request-id')]);
  assert.equal(Number(a2.rows[0].actor_id), ids.admin);
  assert.deepEqual(a2.rows[0].after, {
    filters: { call_id: String(calls.p), q: 'Phúc Tân', status: 'eligible,submitted', claimed: 'poor' },
    sort: 'business_name', order: 'asc', rows: 1,
  });
});

test('CSV export has the same rows, in the same order, as the JSON list with the same filters', async () => {
  const queries = [
    `call_id=${calls.p}`,
    `call_id=${calls.p}&sort=business_name`,
    `call_id=${calls.p}&sort=amount_requested_vnd&order=asc`,
    `call_id=${calls.p}&sort=submitted_at`,
    `call_id=${calls.p}&status=submitted,ineligible&ward=00043`,
    `call_id=${calls.p}&q=dao`,
    `call_id=${calls.p}&verified=poor`,
    `call_id=${calls.p}&submitted_from=2026-03-01&submitted_to=2026-03-05`,
    `call_id=${calls.p}&q=xyzzy`,
  ];
  for (const q of queries) {
    const json = await listAll(tokens.staff, q, 3);
    const csv = await exportCsv(q);
    const neutral = (s) => (s && /^[=+\-@]/.test(s) ? `'${s}` : s ?? '');
    assert.deepEqual(
      csv.records.map((x) => [x.reference, x.business_name, x.applicant, x.status]),
      json.map((i) => [i.reference ?? '', neutral(i.business_name), i.applicant.full_name, i.status]), q);
  }
});

test('CSV export refuses what it does not take and bad filters: 400, nothing written', async () => {
  for (const [q, field] of [['limit=10', 'limit'], ['cursor=abc', 'cursor'], ['status=nope', 'status'],
    ['submitted_to=2026-13-01', 'submitted_to'], ['ward=99999', 'ward'], ['q=%FF', 'q'], ['x=1', 'x']]) {
    const r = await unchanged(assert, () => api('GET', `/api/applications.csv?${q}`, { token: tokens.staff }), TABLES);
    assertErr(assert, r, 400, 'validation_failed');
    assert.ok(fieldsOf(r)[field], `${q}: ${r.text}`);
  }
});

// 50 000 withdrawn applications in one call, written without triggers
// (no audit, no outbox) so that it is quick, and removed after.
async function makeBig(n) {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query(
      `INSERT INTO applications (call_id, applicant_id, status, business_name, amount_requested_vnd,
         created_at, search_folded)
       SELECT $1, $2, 'withdrawn', n, 1000 * g, timestamptz '2026-01-01 00:00+07' + g * interval '1 second',
         sen_fold(n)
       FROM generate_series($3::int, $4::int) g, LATERAL (SELECT 'Hộ kinh doanh số ' || g || ', "Hà Nội"' AS n) x`, [bigCall, people.yen.id, 1 + (await bigCount()), n]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
}
const bigCount = async () => Number(await scalar('SELECT count(*) FROM applications WHERE call_id = $1', [bigCall]));
async function dropBig() {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    await c.query('SET LOCAL session_replication_role = replica');
    await c.query('DELETE FROM applications WHERE call_id = $1', [bigCall]);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
  bigCall = null;
}

test('CSV export of 50 000 rows works and is quick; one more is refused with a clear error', async () => {
  bigCall = await makeCall(`Đợt lớn ${tag}`);
  await makeBig(50000);
  assert.equal(await bigCount(), 50000);

  const t0 = Date.now();
  const r = await exportCsv(`call_id=${bigCall}&sort=amount_requested_vnd&order=asc`);
  const ms = Date.now() - t0;
  assert.equal(r.records.length, 50000);
  assert.ok(ms < 10000, `50 000 rows took ${ms} ms`);
  assert.equal(r.records[0].business_name, 'Hộ kinh doanh số 1, "Hà Nội"');
  assert.equal(r.records[49999].amount_requested_vnd, '50000000');
  assert.equal(r.records[12345].business_name, 'Hộ kinh doanh số 12346, "Hà Nội"');
  // The JSON list pages through the same table by its cursor.
  const last = await api('GET', `/api/applications?call_id=${bigCall}&sort=amount_requested_vnd&order=asc&limit=100`, { token: tokens.staff });
  assert.equal(last.json.items[99].amount_requested_vnd, 100000);

  await makeBig(50001);
  const over = await unchanged(assert, () => api('GET', `/api/applications.csv?call_id=${bigCall}`, { token: tokens.staff }), ['audit_log']);
  assertErr(assert, over, 400, 'validation_failed');
  assert.match(over.json.error.message, /50000/);
  assert.ok(fieldsOf(over).filters);
  // Narrowed down, it works again.
  const narrow = await exportCsv(`call_id=${bigCall}&q=${encodeURIComponent('số 4999')}`);
  const expect = [];
  for (let g = 1; g <= 50001; g++) if (String(g).includes('4999')) expect.push(`Hộ kinh doanh số ${g}, "Hà Nội"`);
  assert.equal(expect.length, 15);
  assert.deepEqual(narrow.records.map((x) => x.business_name).sort(), expect.sort());
  await dropBig();
});
