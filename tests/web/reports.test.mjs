// Staff read the programme's reports (#/staff/reports) for a call made by
// hand in SQL, as tests/api/reports.test.mjs makes its own (a smaller
// set): the funnel's numbers on the screen, the priority shares against
// the reserve, a chart of all 18 wards and outside with zeros shown, the
// outcomes and workload tables, a ward chosen in the filters updating
// every figure, and the CSV of a report with the same filters.  On a
// desktop and on a 360 px phone (a range of days there, and English).
//
// Time: the data lives on days counted from an anchor A, the first day
// of the month 36 months before today in Hà Nội; d(m, k) is A + m months
// + k days.  Today lies between d(36, 0) and d(37, 0): the 12- and
// 24-month points after d(2, 0), when the awards were released, have
// passed.
//
// The data set (call budget 1 000 M, 30 % reserved for verified priority):
//   A1 Phúc Tân (00037), poor + disability verified: funded 40 M, paid;
//      check-ins at the baseline (10 M revenue, poor), 12 months (16 M,
//      3 jobs, 2 women's, near-poor) and 24 months (20 M, 4 jobs, 3
//      women's, none); mentored twice (90 + 60 minutes)
//   A2 Phúc Tân: funded 30 M, paid; no check-in
//   A3 Hàng Đào (00049), near-poor verified: funded 50 M, not paid;
//      baseline (12 M, near-poor), 12 months (9 M, 1 job, a woman's)
//   A4 Hàng Đào, hardship verified: reviewed, waitlisted
//   A5 outside the district, poor verified: reviewed, rejected
//   A6 Hàng Bài (00088): found ineligible
//   A7 Đồng Xuân (00040): a draft, never submitted
// One reviewer had A1 to A5, and never started A5's review (overdue).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createHash, randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { demo, login } from '../api/lib.mjs';
import { ALL_WARDS, fullDraft, makeCall } from '../api/apps_fixtures.mjs';
import { mentor, sqlUser } from '../api/mentoring_fixtures.mjs';
import { sqlCheckin, sqlReview } from '../api/matrix/followup.mjs';
import { assertFits, db, scalar, signIn } from './fixtures.mjs';

const M = 1000000;
let browser, token, staffId, anchor, call, wardNames;
const tag = randomBytes(3).toString('hex');
const app = {};

const d = (m, k = 0) => new Date(Date.UTC(anchor.y, anchor.m + m, 1 + k)).toISOString().slice(0, 10);
const at = (m, k = 0, hm = '10:00') => `${d(m, k)} ${hm}+07`;

// ==== the data set (after tests/api/reports.test.mjs) ====

async function move(id, status, t) {
  await db.query('UPDATE applications SET status = $2 WHERE id = $1', [id, status]);
  await db.query('UPDATE application_events SET at = $3 WHERE application_id = $1 AND to_status = $2', [id, status, t]);
}

async function assign(reviewer, id, review) {
  await db.query(`INSERT INTO assignments (call_id, application_id, reviewer_id, source, released_at, no_conflict_at, due_at)
    VALUES ($1, $2, $3, 'manual', $4, $4, $5)`, [call, id, reviewer, at(1, 6), at(1, 13, '17:00')]);
  if (review === 'submitted') {
    await db.query(`INSERT INTO reviews (application_id, reviewer_id, scores, recommendation, status, submitted_at)
      VALUES ($1, $2, '{"impact": 7, "feasibility": 6}', 'fund', 'submitted', $3)`, [id, reviewer, at(1, 10)]);
  }
}

async function application(name, { ward, submitted, claims = [], path = [], review = null, reviewer = null, amount = 30 * M }) {
  const user = await sqlUser('applicant', name);
  const dr = fullDraft({ business_name: `Cơ sở ${name} ${tag}`, amount_requested_vnd: amount,
    budget_lines: [{ item: 'Thiết bị', amount_vnd: amount - 10 * M }, { item: 'Quảng cáo', amount_vnd: 10 * M }] });
  const id = Number(await scalar(`INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
      problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd, budget_lines, women_capital_pct,
      woman_manager, ward_code, outside_district)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`,
  [call, user, dr.business_name, dr.stage, dr.sector, dr.description, dr.problem_customers, dr.plan, dr.team_size,
    dr.women_employed, dr.jobs_planned, dr.amount_requested_vnd, JSON.stringify(dr.budget_lines), dr.women_capital_pct,
    dr.woman_manager, ward === 'outside' ? null : ward, ward === 'outside']));
  if (!submitted) return { id, user };
  await move(id, 'submitted', submitted);
  await db.query('UPDATE applications SET submitted_at = $2 WHERE id = $1', [id, submitted]);
  for (const category of claims) {
    await db.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
      VALUES ($1, $2, 'application/pdf', 'giay-chung-nhan.pdf', 1000, $3, $4)`,
    [id, category === 'disability' ? 'disability_certificate' : 'household_certificate',
      createHash('sha256').update(`${id}${category}`).digest(), user]);
    await db.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until,
        status, decided_by, decided_at)
      VALUES ($1, $2, 'GCN-1', current_date - 30, current_date + 300, 'verified', $3, now())`, [id, category, staffId]);
  }
  for (const [status, t] of path) {
    if (status === 'ineligible') await db.query("UPDATE applications SET screening_reason = 'Không đủ điều kiện.' WHERE id = $1", [id]);
    if (status === 'reviewed' && reviewer) await assign(reviewer, id, review);
    await move(id, status, t);
  }
  return { id, user };
}

const REVIEWED = (s, e, r) => [['screening', s], ['eligible', e], ['in_review', e], ['reviewed', r]];

async function decide(a, outcome, t, amount = null) {
  const proposed = { funded: 'funded', waitlisted: 'waitlisted', rejected: 'below_minimum' }[outcome];
  const did = Number(await scalar(`INSERT INTO decisions (application_id, call_id, outcome, amount_vnd, rationale,
      proposed_outcome, proposed_amount_vnd, decided_by)
    VALUES ($1, $2, $3, $4, 'Theo đề xuất.', $5, $4, $6) RETURNING id`, [a.id, call, outcome, amount, proposed, staffId]));
  await db.query("UPDATE decisions SET status = 'released', released_at = $2, released_by = $3 WHERE id = $1", [did, t, staffId]);
  await move(a.id, outcome, t);
  if (outcome !== 'funded') return;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    a.award = Number((await client.query(`INSERT INTO awards (decision_id, application_id, call_id, amount_vnd, created_at)
      VALUES ($1, $2, $3, $4, $5) RETURNING id`, [did, a.id, call, amount, t])).rows[0].id);
    a.tranche = Number((await client.query(`INSERT INTO award_tranches (award_id, number, amount_vnd)
      VALUES ($1, 1, $2) RETURNING id`, [a.award, amount])).rows[0].id);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  a.business = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [a.id]));
  const day = t.slice(0, 10);
  await db.query('UPDATE businesses SET award_on = $2 WHERE id = $1', [a.business, day]);
  await db.query('UPDATE followup_schedule SET due_on = ($2::date + make_interval(months => months))::date WHERE business_id = $1',
    [a.business, day]);
}

const pay = (a, amount, day) => db.query(`INSERT INTO disbursements (award_id, tranche_id, amount_vnd, paid_on, method, reference,
    recorded_by) VALUES ($1, $2, $3, $4, 'bank_transfer', 'UNC-1', $5)`, [a.award, a.tranche, amount, day, staffId]);

async function checkin(a, n, t, approvedAt, over) {
  const id = await sqlCheckin(a.business, n, a.user, { funds_used: [], ...over }, t);
  await sqlReview(id, 'approve', staffId, null, approvedAt);
}
const operating = (revenue, jobs, women, household) => ({ operating: true, revenue_vnd: revenue, profit_vnd: Math.round(revenue / 4),
  jobs_created: jobs, jobs_created_women: women, household_status: household });

before(async () => {
  browser = await launch();
  token = await login('staff');
  staffId = Number(await scalar('SELECT id FROM users WHERE email = $1', [demo.staff.email]));
  const [y, mo] = (await scalar('SELECT applications_today()::text')).split('-').map(Number);
  anchor = { y, m: mo - 1 - 36 };
  wardNames = (await db.query('SELECT code, name_vi FROM wards ORDER BY code')).rows;
  assert.deepEqual(wardNames.map((w) => w.code), ALL_WARDS);

  call = await makeCall({ title_vi: `Đợt báo cáo ${tag}`, title_en: `Report call ${tag}`, budget_vnd: 1000 * M,
    max_award_vnd: 100 * M, priority_reserved_pct: 30 });
  const reviewer = await sqlUser('reviewer', 'Lê Thị Chấm');
  await db.query('INSERT INTO call_reviewers (call_id, reviewer_id) VALUES ($1, $2)', [call, reviewer]);
  const m1 = await mentor({ capacity: 5 }, 'Đặng Thị Cố Vấn');

  app.A1 = await application('A1', { ward: '00037', submitted: at(0, 9), claims: ['poor', 'disability'], amount: 40 * M,
    path: REVIEWED(at(0, 10), at(0, 20), at(1, 15)), reviewer, review: 'submitted' });
  app.A2 = await application('A2', { ward: '00037', submitted: at(0, 11),
    path: REVIEWED(at(0, 12), at(0, 21), at(1, 15)), reviewer, review: 'submitted' });
  app.A3 = await application('A3', { ward: '00049', submitted: at(0, 14), claims: ['near_poor'], amount: 50 * M,
    path: REVIEWED(at(0, 15), at(0, 22), at(1, 15)), reviewer, review: 'submitted' });
  app.A4 = await application('A4', { ward: '00049', submitted: at(1, 0), claims: ['hardship'],
    path: REVIEWED(at(1, 1), at(1, 5), at(1, 15)), reviewer, review: 'submitted' });
  app.A5 = await application('A5', { ward: 'outside', submitted: at(0, 19), claims: ['poor'],
    path: REVIEWED(at(0, 20), at(0, 25), at(1, 15)), reviewer, review: null });
  app.A6 = await application('A6', { ward: '00088', submitted: at(0, 24), path: [['screening', at(0, 25)], ['ineligible', at(1, 1)]] });
  app.A7 = await application('A7', { ward: '00040' });

  const R = at(2, 0);
  await decide(app.A1, 'funded', R, 40 * M);
  await decide(app.A2, 'funded', R, 30 * M);
  await decide(app.A3, 'funded', R, 50 * M);
  await decide(app.A4, 'waitlisted', R);
  await decide(app.A5, 'rejected', R);
  await pay(app.A1, 20 * M, d(2, 9));
  await pay(app.A2, 30 * M, d(2, 19));

  await checkin(app.A1, 1, at(2, 4), at(2, 6), operating(10 * M, 0, 0, 'poor'));
  await checkin(app.A1, 4, at(14, 2), at(14, 3), operating(16 * M, 3, 2, 'near_poor'));
  await checkin(app.A1, 5, at(26, 1), at(26, 2), operating(20 * M, 4, 3, 'none'));
  await checkin(app.A3, 1, at(2, 9), at(2, 11), operating(12 * M, 0, 0, 'near_poor'));
  await checkin(app.A3, 4, at(14, 9), at(14, 11), operating(9 * M, 1, 1, 'near_poor'));

  const match = Number(await scalar(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
    VALUES ($1, $2, $3, 'manual', 800, '{}') RETURNING id`, [call, app.A1.id, m1]));
  await db.query(`UPDATE matches SET status = 'published', published_at = $2::timestamptz - interval '1 day',
    expires_at = $2::timestamptz + interval '6 days' WHERE id = $1`, [match, at(2, 5)]);
  await db.query("UPDATE matches SET status = 'accepted', responded_at = $2 WHERE id = $1", [match, at(2, 5)]);
  for (const [k, minutes] of [[0, 90], [1, 60]]) {
    await db.query('INSERT INTO mentoring_sessions (match_id, held_on, minutes, logged_by) VALUES ($1, $2, $3, $4)',
      [match, d(3 + k, 0), minutes, m1]);
  }
});

after(async () => { await browser.close(); await db.end(); });

// ==== reading the screen ====

const row = (page, chart, key) => page.locator(`#${chart} .row[data-key="${key}"]`);
const valuesOf = (page, chart, key) => row(page, chart, key).locator('text.value').allTextContents();
const labelOf = async (page, chart, key) => (await row(page, chart, key).locator('text.label').allTextContents()).join(' ');

async function funnelIs(page, want) {
  for (const [stage, text] of Object.entries(want)) {
    assert.deepEqual(await valuesOf(page, 'chart-funnel', stage), [text], stage);
  }
}

// The figures of one category: applicants, awardees and money.
async function categoryIs(page, key, want) {
  assert.deepEqual(await valuesOf(page, 'chart-priority', key), want, key);
}

async function csvFirstLines(page, report) {
  const link = page.locator(`a.csv[data-report=${report}]`);
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const bytes = await readFile(await download.path());
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a byte-order mark first');
  assert.match(download.suggestedFilename(), new RegExp(`^sen-report-${report}-\\d{8}\\.csv$`));
  return bytes.subarray(3).toString('utf8').split('\r\n');
}

const FUNNEL_CALL = {
  // 6 submitted (A7 a draft); A6 ineligible; A1 A2 A3 funded; A1 A2 paid
  applied: '6 (100,0%)',
  eligible: '5 (83,3%)',
  reviewed: '5 (83,3%)',
  funded: '3 (50,0%)',
  disbursed: '2 (33,3%)',
  // A1 and A3 operating at 12 months of the 3 whose point passed; A1
  // alone at 24 months
  operating_12m: '2 (33,3%)',
  operating_24m: '1 (16,7%)',
};

test('staff read the reports of a call: funnel, priority shares, all 19 wards, a ward filter and the CSV', async () => {
  const page = await phone(browser, { viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, isMobile: false, hasTouch: false });
  await signIn(page, token);
  await page.goto(`${BASE}/#/`);
  await page.locator('.bar nav').getByRole('link', { name: 'Báo cáo', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo chương trình' }).waitFor();
  await page.getByLabel('Đợt hỗ trợ').selectOption(String(call));
  await page.locator('.scope').getByText(`Đợt báo cáo ${tag}`).waitFor();
  assert.match(page.url(), new RegExp(`#/staff/reports\\?call_id=${call}$`));
  await page.locator('.scope').getByText('mọi thời gian · Toàn quận và ngoài quận').waitFor();
  await page.getByText(/^Số liệu tính lúc /).waitFor();

  // The funnel: the seven stages in order, numbers and shares.
  assert.deepEqual(await page.locator('#chart-funnel .row').evaluateAll((rs) => rs.map((r) => r.dataset.key)),
    ['applied', 'eligible', 'reviewed', 'funded', 'disbursed', 'operating_12m', 'operating_24m']);
  await funnelIs(page, FUNNEL_CALL);
  assert.equal(await labelOf(page, 'chart-funnel', 'operating_12m'), 'Còn hoạt động sau 12 tháng');
  assert.equal(await row(page, 'chart-funnel', 'operating_12m').getAttribute('aria-label'),
    'Còn hoạt động sau 12 tháng: 2 (33,3%). 66,7% trong 3 doanh nghiệp đã tới mốc');
  assert.equal(await row(page, 'chart-funnel', 'operating_24m').locator('text.note').textContent(),
    '33,3% trong 3 doanh nghiệp đã tới mốc');
  // Bars as long as their numbers: applied the longest, disbursed a third of it.
  const widths = await page.locator('#chart-funnel rect.bar').evaluateAll((rs) => rs.map((r) => Number(r.getAttribute('width'))));
  assert.ok(Math.abs(widths[4] / widths[0] - 2 / 6) < 0.01, `bar widths ${widths}`);

  // The keyboard reaches the chart, then moves along its rows.
  // The chart redraws when its box changes width (the page may still be
  // settling): focus again until the row that has it is the one we meant.
  for (let i = 0; i < 20; i++) {
    await row(page, 'chart-funnel', 'applied').focus();
    if (await page.evaluate(() => document.activeElement.dataset.key) === 'applied') break;
    await page.waitForTimeout(50);
  }
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'eligible');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'operating_24m');
  assert.equal(await row(page, 'chart-funnel', 'operating_24m').getAttribute('tabindex'), '0');
  assert.equal(await row(page, 'chart-funnel', 'applied').getAttribute('tabindex'), '-1');

  // Priority: verified claims among the 6 applicants, 3 awardees, 120 M.
  await page.locator('.totals').getByText('Tổng cộng: 6 người nộp, 3 người được hỗ trợ, 120.000.000 ₫.').waitFor();
  assert.deepEqual(await page.locator('#chart-priority .row').evaluateAll((rs) => rs.map((r) => r.dataset.key)),
    ['poor', 'near_poor', 'hardship', 'disability', 'any']);
  assert.equal(await labelOf(page, 'chart-priority', 'poor'), 'Hộ nghèo');
  await categoryIs(page, 'poor', ['Nộp 33,3% (2)', 'Hỗ trợ 33,3% (1)', 'Tiền 33,3% (40.000.000 ₫)']);
  await categoryIs(page, 'near_poor', ['Nộp 16,7% (1)', 'Hỗ trợ 33,3% (1)', 'Tiền 41,7% (50.000.000 ₫)']);
  await categoryIs(page, 'hardship', ['Nộp 16,7% (1)', 'Hỗ trợ 0,0% (0)', 'Tiền 0,0% (0 ₫)']);
  await categoryIs(page, 'disability', ['Nộp 16,7% (1)', 'Hỗ trợ 33,3% (1)', 'Tiền 33,3% (40.000.000 ₫)']);
  await categoryIs(page, 'any', ['Nộp 66,7% (4)', 'Hỗ trợ 66,7% (2)', 'Tiền 75,0% (90.000.000 ₫)']);
  // The call's reserved share, marked across the chart at 30 of 100.
  assert.equal(await page.locator('#chart-priority text.marker-label').textContent(), 'Dành riêng 30%');
  const mark = await page.locator('#chart-priority').evaluate((fig) => {
    const line = fig.querySelector('line.marker');
    const bar = fig.querySelector('.row[data-key=any] rect.bar.s-money'); // 75 of 100
    const x0 = Number(bar.getAttribute('x'));
    return { marker: (Number(line.getAttribute('x1')) - x0), bar: Number(bar.getAttribute('width')) };
  });
  assert.ok(Math.abs(mark.marker / mark.bar - 30 / 75) < 0.01, JSON.stringify(mark));
  // 90 M of the 1 000 M budget went to verified priority: 9 % against 30 %.
  assert.deepEqual(await valuesOf(page, 'chart-reserve', String(call)), ['9,0% ngân sách (90.000.000 ₫)']);
  assert.equal(await row(page, 'chart-reserve', String(call)).getAttribute('aria-label'),
    `Đợt báo cáo ${tag}: 9,0% ngân sách (90.000.000 ₫). Dành riêng 30% = 300.000.000 ₫ trên ngân sách 1.000.000.000 ₫.`
    + ' Đã hỗ trợ 120.000.000 ₫, trong đó 90.000.000 ₫ (75,0%) cho diện ưu tiên.');

  // Wards: all 18 in the order of their codes, then outside; zeros shown.
  const wards = page.locator('#chart-wards .row');
  assert.equal(await wards.count(), 19);
  assert.equal(await page.locator('#chart-wards rect.bar').count(), 19);
  assert.deepEqual(await wards.evaluateAll((rs) => rs.map((r) => r.dataset.key)), [...ALL_WARDS, 'outside']);
  assert.deepEqual(await wards.evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll('text.label')].map((x) => x.textContent).join(' '))),
    [...wardNames.map((w) => w.name_vi), 'Ngoài quận Hoàn Kiếm']);
  const applicantsByWard = { '00037': '2', '00049': '2', '00088': '1', outside: '1' };
  for (const code of [...ALL_WARDS, 'outside']) {
    assert.deepEqual(await valuesOf(page, 'chart-wards', code), [applicantsByWard[code] || '0'], code);
  }
  // For a screen reader: a list named by the chart's title, an item per
  // ward named with its number.
  const list = page.getByRole('list', { name: 'Hồ sơ đã nộp theo phường' });
  assert.equal(await list.getByRole('listitem').count(), 19);
  await list.getByRole('listitem', { name: 'Hàng Mã: Hồ sơ đã nộp 0', exact: true }).waitFor();
  await page.getByRole('list', { name: /^Tỷ lệ phụ nữ thuộc diện ưu tiên .* \(Dành riêng 30%\)$/ })
    .getByRole('listitem', { name: /^Hộ cận nghèo: Nộp 16,7% \(1\); / }).waitFor();
  // Hàng Mã (00043) has not been reached: a zero bar on a tinted band.
  const hangMa = row(page, 'chart-wards', '00043');
  assert.equal(await labelOf(page, 'chart-wards', '00043'), 'Hàng Mã');
  assert.match(await hangMa.getAttribute('class'), /\bzero-row\b/);
  assert.equal(await hangMa.locator('rect.bar').getAttribute('data-value'), '0');
  assert.match(await hangMa.locator('rect.bar').getAttribute('class'), /\bzero\b/);
  assert.doesNotMatch(await row(page, 'chart-wards', '00037').getAttribute('class'), /zero-row/);
  await page.getByText('Đã có hồ sơ từ 3/18 phường.').waitFor();
  await page.locator('.reach').getByText(/Chưa có hồ sơ: Đồng Xuân, Hàng Mã, /).waitFor();
  // Money per ward instead.
  await page.locator('.metric').getByLabel('Số tiền hỗ trợ', { exact: true }).check();
  await page.locator('#chart-wards figcaption').getByText('Số tiền hỗ trợ theo phường').waitFor();
  assert.deepEqual(await valuesOf(page, 'chart-wards', '00037'), ['70.000.000 ₫']);
  assert.deepEqual(await valuesOf(page, 'chart-wards', '00049'), ['50.000.000 ₫']);
  assert.match(await row(page, 'chart-wards', '00088').getAttribute('class'), /zero-row/);
  // The text alternative, shown on demand: every ward with every figure.
  await page.locator('#chart-wards').getByRole('button', { name: 'Xem bảng số liệu' }).click();
  const table = page.locator('#chart-wards table');
  await table.waitFor({ state: 'visible' });
  assert.equal(await table.locator('tbody tr').count(), 19);
  assert.deepEqual(await table.locator('tbody tr').first().locator('th, td').allTextContents(),
    ['Phúc Tân', '2', '2', '70.000.000 ₫', '4', '3', '1']);
  assert.deepEqual(await table.locator('tfoot tr').locator('th, td').allTextContents(),
    ['Tổng', '6', '3', '120.000.000 ₫', '5', '4', '2']);

  // Outcomes and workload, as tables.
  const fig = (k) => page.locator(`tr[data-figure=${k}] td`).allTextContents();
  assert.deepEqual(await fig('survival_rate_pct'), ['100,0%', 'trong 2 doanh nghiệp được theo dõi']);
  assert.deepEqual(await fig('jobs_created'), ['5', 'ở 2 doanh nghiệp đang hoạt động']);
  // A1 20 − 10 = +10 M, A3 9 − 12 = −3 M: median 3.5 M
  assert.deepEqual(await fig('median_revenue_change_vnd'), ['3.500.000 ₫', 'của 2 doanh nghiệp có số liệu doanh thu']);
  assert.deepEqual(await fig('households_left_poverty_pct'), ['50,0%', 'trong 2 hộ nghèo, cận nghèo lúc bắt đầu']);
  assert.deepEqual(await fig('mentoring_hours'), ['2,5', '']);
  const reviewerRow = page.locator('#report-workload tr').filter({ hasText: 'Lê Thị Chấm' });
  assert.deepEqual(await reviewerRow.locator('td').allTextContents(), ['5', '4', '1']);
  const mentorRow = page.locator('#report-workload tr').filter({ hasText: 'Đặng Thị Cố Vấn' });
  assert.deepEqual(await mentorRow.locator('td').allTextContents(), ['1', '2', '2,5']);

  // The CSV of a report: its figures for the same filters.
  assert.equal(await page.locator('a.csv[data-report=wards]').getAttribute('href'), `/api/reports/wards?call_id=${call}&format=csv`);
  const wardsCsv = await csvFirstLines(page, 'wards');
  assert.equal(wardsCsv[0], 'ward,name,applicants,awards,awarded_vnd,jobs_created,jobs_created_women,businesses_operating');
  assert.equal(wardsCsv[1], '00037,Phúc Tân,2,2,70000000,4,3,1');
  await shot(page, 'reports-desktop');

  // One ward: every report follows.
  await page.getByLabel('Địa bàn').selectOption('00049');
  await page.locator('.scope').getByText('Hàng Đào').waitFor();
  assert.match(page.url(), new RegExp(`#/staff/reports\\?call_id=${call}&ward=00049$`));
  await funnelIs(page, {
    applied: '2 (100,0%)', eligible: '2 (100,0%)', reviewed: '2 (100,0%)', funded: '1 (50,0%)', disbursed: '0 (0,0%)',
    operating_12m: '1 (50,0%)', operating_24m: '0 (0,0%)',
  });
  assert.match(await row(page, 'chart-funnel', 'disbursed').locator('rect.bar').getAttribute('class'), /\bzero\b/);
  await categoryIs(page, 'near_poor', ['Nộp 50,0% (1)', 'Hỗ trợ 100,0% (1)', 'Tiền 100,0% (50.000.000 ₫)']);
  await categoryIs(page, 'poor', ['Nộp 0,0% (0)', 'Hỗ trợ 0,0% (0)', 'Tiền 0,0% (0 ₫)']);
  assert.deepEqual(await valuesOf(page, 'chart-reserve', String(call)), ['5,0% ngân sách (50.000.000 ₫)']);
  // Still all 19 wards, the money chart kept; only Hàng Đào has any.
  assert.equal(await wards.count(), 19);
  for (const code of [...ALL_WARDS, 'outside']) {
    assert.deepEqual(await valuesOf(page, 'chart-wards', code), [code === '00049' ? '50.000.000 ₫' : '0 ₫'], code);
  }
  await page.getByText('Đã có hồ sơ từ 1/18 phường.').waitFor();
  assert.deepEqual(await reviewerRow.locator('td').allTextContents(), ['2', '2', '0']);
  await page.getByText('Không có hoạt động cố vấn nào trong phạm vi này.').waitFor();
  assert.equal(await page.locator('a.csv[data-report=funnel]').getAttribute('href'),
    `/api/reports/funnel?call_id=${call}&ward=00049&format=csv`);
  const funnelCsv = await csvFirstLines(page, 'funnel');
  assert.equal(funnelCsv[0], 'stage,count,pct_of_applied,reached,pct_of_reached,dated_by');
  assert.equal(funnelCsv[1], 'applied,2,100.0,,,submitted_at');
  assert.equal(funnelCsv[6], 'operating_12m,1,50.0,1,100.0,month_12_on');

  // A reload keeps the filters (they are in the address).
  await page.reload();
  await row(page, 'chart-funnel', 'applied').waitFor();
  assert.equal(await page.getByLabel('Địa bàn').inputValue(), '00049');
  await funnelIs(page, { applied: '2 (100,0%)' });
  await page.locator('#report-funnel').scrollIntoViewIfNeeded();
  await shot(page, 'reports-desktop-ward');
  assert.deepEqual(page.problems, []);
});

test('on a 360 px phone: readable charts, a range of days, a bad range refused in place, and English', async () => {
  const page = await phone(browser);
  await signIn(page, token);
  await page.goto(`${BASE}/#/staff/reports?call_id=${call}`);
  await page.getByRole('heading', { level: 1, name: 'Báo cáo chương trình' }).waitFor();
  await page.locator('#chart-wards .row').first().waitFor();
  await funnelIs(page, FUNNEL_CALL);
  assert.equal(await page.locator('#chart-wards .row').count(), 19);
  await assertFits(assert, page);
  // The charts are drawn for the width they have: the text keeps its
  // size (a 14 px font, not scaled down), nothing runs past the edge.
  const sizes = await page.evaluate(() => [...document.querySelectorAll('.chart svg')].map((svg) => {
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const texts = [...svg.querySelectorAll('text')].map((x) => x.getBoundingClientRect());
    return { scale: box.width / vb.width, right: Math.max(...texts.map((r) => r.right)), left: Math.min(...texts.map((r) => r.left)),
      width: document.documentElement.clientWidth, font: parseFloat(getComputedStyle(svg.querySelector('text')).fontSize) };
  }));
  assert.equal(sizes.length, 4);
  for (const s of sizes) {
    assert.ok(Math.abs(s.scale - 1) < 0.02, `scale ${s.scale}`);
    assert.ok(s.font >= 14, `font ${s.font}`);
    assert.ok(s.left >= 0 && s.right <= s.width, JSON.stringify(s));
  }
  // On a phone, the shares without the amounts (they stay in the names).
  assert.deepEqual(await valuesOf(page, 'chart-priority', 'any'), ['Nộp 66,7% (4)', 'Hỗ trợ 66,7% (2)', 'Tiền 75,0%']);
  assert.match(await row(page, 'chart-priority', 'any').getAttribute('aria-label'), /Tiền 75,0% \(90\.000\.000 ₫\)$/);
  // Labels above the bars on a phone.
  const [label, bar] = await Promise.all([
    row(page, 'chart-funnel', 'applied').locator('text.label').boundingBox(),
    row(page, 'chart-funnel', 'applied').locator('rect.bar').boundingBox()]);
  assert.ok(label.y + label.height <= bar.y + 1, 'the label sits above its bar');
  await page.locator('#report-wards').scrollIntoViewIfNeeded();
  await shot(page, 'reports-phone-wards');

  // A year on: 12-month points passed in the range, nothing applied.
  await page.getByLabel('Từ ngày').fill(d(14, 0));
  await page.getByLabel('Đến ngày').fill(d(20, 0));
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await page.locator('.scope').getByText(/ · từ .* đến .* · /).waitFor();
  await funnelIs(page, { applied: '0', funded: '0', operating_12m: '2', operating_24m: '0' });
  assert.equal(await row(page, 'chart-funnel', 'operating_12m').locator('text.note').allTextContents().then((x) => x.join(' ')),
    '66,7% trong 3 doanh nghiệp đã tới mốc');
  assert.equal(await row(page, 'chart-funnel', 'operating_24m').locator('text.note').allTextContents().then((x) => x.join(' ')),
    'Chưa doanh nghiệp nào tới mốc này');
  assert.match(await page.locator('a.csv[data-report=outcomes]').getAttribute('href'),
    new RegExp(`^/api/reports/outcomes\\?call_id=${call}&from=${d(14, 0)}&to=${d(20, 0)}&format=csv$`));

  // The last day before the first: refused beside the field; the figures stay.
  await page.getByLabel('Đến ngày').fill(d(13, 0));
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await page.getByText('Không được trước ngày bắt đầu').waitFor();
  assert.equal(await page.getByLabel('Đến ngày').getAttribute('aria-invalid'), 'true');
  await funnelIs(page, { operating_12m: '2' });
  await assertFits(assert, page);
  await shot(page, 'reports-phone-error');

  // English: the same figures, in English words and numbers.
  await page.getByLabel('Đến ngày').fill('');
  await page.getByLabel('Từ ngày').fill('');
  await page.getByRole('button', { name: 'Xem báo cáo' }).click();
  await page.locator('.scope').getByText(/ · mọi thời gian · /).waitFor();
  await funnelIs(page, FUNNEL_CALL);
  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByRole('heading', { level: 1, name: 'Programme reports' }).waitFor();
  await page.locator('#chart-funnel .row').first().waitFor();
  assert.deepEqual(await valuesOf(page, 'chart-funnel', 'operating_12m'), ['2 (33.3%)']);
  assert.equal(await labelOf(page, 'chart-funnel', 'operating_12m'), 'Operating after 12 months');
  assert.deepEqual(await valuesOf(page, 'chart-priority', 'near_poor'), ['Applied 16.7% (1)', 'Awarded 33.3% (1)', 'Money 41.7%']);
  assert.deepEqual(await page.locator('#chart-wards table tfoot').locator('th, td').allTextContents(),
    ['Total', '6', '3', '120,000,000 ₫', '5', '4', '2']);
  assert.equal(await labelOf(page, 'chart-priority', 'near_poor'), 'Near-poor household');
  assert.equal(await labelOf(page, 'chart-wards', 'outside'), 'Outside Hoàn Kiếm');
  assert.equal(await page.locator('#chart-wards figcaption').textContent(), 'Applications by ward');
  await assertFits(assert, page);
  await page.locator('#report-priority').scrollIntoViewIfNeeded();
  await shot(page, 'reports-phone-en');
  assert.deepEqual(page.problems, []);
});

test('the catalogues name every stage, figure, metric and report the screen builds', async () => {
  // As catalogue.test.mjs loads them (assets/ is not a Node package).
  const load = async (lang) => (await import(`data:text/javascript,${encodeURIComponent(
    await readFile(new URL(`../../assets/app/i18n/${lang}.js`, import.meta.url), 'utf8'))}`)).default;
  for (const cat of [await load('vi'), await load('en')]) {
    const keys = [
      ...['applied', 'eligible', 'reviewed', 'funded', 'disbursed', 'operating_12m', 'operating_24m'].map((k) => `rep.stage.${k}`),
      ...['funnel', 'priority', 'wards', 'outcomes', 'workload'].flatMap((k) => [`rep.${k}.title`, `rep.${k}.hint`]),
      ...['applicants', 'awards', 'awarded_vnd', 'jobs_created', 'businesses_operating'].flatMap((k) => [`rep.wards.m.${k}`, `rep.wards.chart.${k}`]),
      ...['businesses', 'jobs', 'revenue', 'households', 'mentoring', 'training'].map((k) => `rep.out.group.${k}`),
      ...['businesses_followed', 'businesses_operating', 'survival_rate_pct', 'jobs_created', 'jobs_created_women',
        'median_revenue_change_vnd', 'households_poor_at_baseline', 'households_left_poverty', 'households_left_poverty_pct',
        'mentoring_sessions', 'mentoring_minutes', 'mentoring_hours', 'mentees_mentored', 'training_registered',
        'training_attended', 'training_women'].flatMap((k) => [`rep.out.${k}`, `rep.out.base.${k}`]),
    ];
    assert.deepEqual(keys.filter((k) => !cat[k]), []);
  }
});
