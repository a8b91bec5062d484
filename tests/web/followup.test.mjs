// The follow-up of a supported business in the browser.  The entrepreneur
// on a 360 px phone sends her baseline check-in: an error shown in place
// first; then the network fails during the send, her answers stay (also
// across a reload) and the retry sends them.  Staff return it with a
// comment (after a confirmation); she reads the comment and answers again;
// staff approve it.  Her mentor reads the business and the check-in
// without the household status.  Staff's due list shows overdue
// businesses, oldest due date first, and staff flag one at risk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { login, scalar } from '../api/lib.mjs';
import { applicant, makeCall, sqlSubmitted } from '../api/apps_fixtures.mjs';
import { mentor, sessionFor } from '../api/mentoring_fixtures.mjs';
import { assertFits, db, signIn } from './fixtures.mjs';

const TO_FUNDED = ['screening', 'eligible', 'in_review', 'reviewed', 'funded'];
const tag = randomBytes(3).toString('hex');
let browser;
let staff;
let hoa;          // the entrepreneur: { token, id }
let biz;          // her business id
let appId;
let checkinId;

// A submitted application of applicantId in callId, funded (the trigger
// makes the business and its schedule), the business named.
async function funded(callId, applicantId, name) {
  const id = await sqlSubmitted(callId, applicantId);
  for (const st of TO_FUNDED) await db.query('UPDATE applications SET status = $2 WHERE id = $1', [id, st]);
  const b = Number(await scalar('SELECT id FROM businesses WHERE application_id = $1', [id]));
  await db.query('UPDATE businesses SET name = $2 WHERE id = $1', [b, name]);
  return { appId: id, businessId: b };
}

before(async () => {
  browser = await launch();
  staff = await login('staff');
  hoa = await applicant({ full_name: 'Nguyễn Thị Hoa' });
  const call = await makeCall({ title_vi: `Đợt theo dõi ${tag}`, title_en: `Follow-up round ${tag}` });
  ({ appId, businessId: biz } = await funded(call, hoa.id, 'Bánh cuốn Thanh Trì'));
});
after(async () => { await browser.close(); await db.end(); });

const settled = (page) => page.locator('main:not([aria-busy])').waitFor();
let current = null;
const open = async (opts) => { current = await phone(browser, opts); return current; };
const desktop = () => open({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
const guard = (name, fn) => async () => {
  try {
    await fn();
  } catch (e) {
    if (current && !current.isClosed()) await shot(current, `${name}-FAILED`).catch(() => {});
    throw e;
  }
};
const errOf = async (page, label) => page.locator(`#${await page.getByLabel(label, { exact: true }).getAttribute('id')}-err`);
const checkins = async () => (await db.query(
  'SELECT id, status, revision, revenue_vnd, profit_vnd FROM checkins WHERE business_id = $1 ORDER BY id', [biz])).rows;

test('on a 360 px phone she sends her baseline check-in: an error in place, a network failure that loses nothing, the retry', guard('checkin-phone', async () => {
  const page = await open();
  await signIn(page, hoa.token);
  await page.goto(`${BASE}/#/`);
  await page.getByRole('link', { name: 'Doanh nghiệp của tôi' }).click();
  await page.getByRole('heading', { level: 1, name: 'Doanh nghiệp của tôi' }).waitFor();
  const baseline = page.locator('.schedule li').first();
  await baseline.getByText('Báo cáo ban đầu').waitFor();
  await baseline.getByText('Cần gửi').waitFor();
  await baseline.getByText(/^Hạn: /).waitFor();
  await page.locator('.schedule li').nth(1).getByText('Báo cáo tháng thứ 3').waitFor();
  await assertFits(assert, page);
  await shot(page, 'business-phone');

  await baseline.getByRole('link', { name: 'Gửi báo cáo: Báo cáo ban đầu' }).click();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo ban đầu' }).waitFor();
  await page.getByLabel('Còn hoạt động', { exact: true }).check();
  await page.getByLabel('Hình thức đăng ký kinh doanh hiện nay').selectOption({ label: 'Hộ kinh doanh' });
  await page.getByLabel('Doanh thu tháng trước (đồng)').fill('12.000.000');
  await page.getByLabel('Lợi nhuận tháng trước (đồng)').fill('15.000.000');
  await page.getByLabel('Nữ', { exact: true }).fill('2');
  await page.getByLabel('Nam', { exact: true }).fill('1');
  await page.getByLabel('Khuyết tật', { exact: true }).fill('1');
  await page.getByLabel('Việc làm mới tạo từ khi được hỗ trợ').fill('2');
  await page.getByLabel('Trong đó cho phụ nữ').fill('1');
  await page.getByRole('textbox', { name: 'Nồi tráng bánh' }).fill('15.000.000');
  await page.getByRole('textbox', { name: 'Việc 1' }).fill('Mua nồi tráng bánh');
  await page.getByRole('button', { name: 'Thêm một việc' }).click();
  await page.getByRole('textbox', { name: 'Việc 2' }).fill('Mở bán qua Zalo');
  await page.getByLabel('Hộ cận nghèo').check();
  await page.getByLabel('Khó khăn chị đang gặp').fill('Giá bột gạo tăng.');
  await page.getByLabel('Tiếp thị và bán hàng').check();
  await assertFits(assert, page);

  // A profit above the revenue: refused, the message under the profit.
  await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
  await (await errOf(page, 'Lợi nhuận tháng trước (đồng)')).getByText('Lợi nhuận không được lớn hơn doanh thu').waitFor();
  assert.equal(await page.getByLabel('Lợi nhuận tháng trước (đồng)').getAttribute('aria-invalid'), 'true');
  await page.getByText('Có 1 chỗ cần sửa, được đánh dấu bên dưới.').waitFor();
  assert.deepEqual(await checkins(), []);
  await shot(page, 'checkin-error');

  // The network drops: nothing is lost, on screen or on the phone.
  await page.getByLabel('Lợi nhuận tháng trước (đồng)').fill('3.000.000');
  let aborted = 0;
  const offline = (route) => { aborted++; return route.abort('internetdisconnected'); };
  await page.route('**/api/businesses/*/checkins', offline);
  await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Chưa gửi được vì mất kết nối.' });
  await alert.waitFor();
  assert.equal(aborted, 1);
  assert.equal(await page.getByLabel('Lợi nhuận tháng trước (đồng)').inputValue(), '3.000.000');
  assert.equal(await page.getByRole('textbox', { name: 'Việc 2' }).inputValue(), 'Mở bán qua Zalo');
  assert.ok(await page.evaluate((b) => localStorage.getItem(`sen.checkin.${b}.1`), biz));
  assert.deepEqual(await checkins(), []);

  // Even a reload keeps her answers (from this phone), still unsent.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo ban đầu' }).waitFor();
  await page.getByText('Đã mở lại bản chị đang điền dở trên máy này.').waitFor();
  assert.equal(await page.getByLabel('Doanh thu tháng trước (đồng)').inputValue(), '12.000.000');
  assert.equal(await page.getByLabel('Lợi nhuận tháng trước (đồng)').inputValue(), '3.000.000');
  assert.equal(await page.getByLabel('Hộ cận nghèo').isChecked(), true);
  assert.equal(await page.getByLabel('Tiếp thị và bán hàng').isChecked(), true);
  assert.equal(await page.getByRole('textbox', { name: 'Việc 2' }).inputValue(), 'Mở bán qua Zalo');
  await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
  await alert.waitFor();
  await assertFits(assert, page);
  await shot(page, 'checkin-offline');

  // The network is back: "Try again" sends it.
  await page.unroute('**/api/businesses/*/checkins', offline);
  await alert.getByRole('button', { name: 'Thử lại' }).click();
  await page.getByRole('heading', { level: 1, name: 'Doanh nghiệp của tôi' }).waitFor();
  await page.locator('.schedule li').first().getByText('Chờ cán bộ xem').waitFor();
  const rows = await checkins();
  assert.equal(rows.length, 1);
  assert.deepEqual([rows[0].status, rows[0].revision, Number(rows[0].revenue_vnd), Number(rows[0].profit_vnd)], ['submitted', 1, 12000000, 3000000]);
  checkinId = Number(rows[0].id);
  const c = (await db.query('SELECT workers_women, workers_men, workers_disabled, funds_used, milestones, household_status, support_needed FROM checkins WHERE id = $1', [checkinId])).rows[0];
  assert.deepEqual([c.workers_women, c.workers_men, c.workers_disabled], [2, 1, 1]);
  assert.deepEqual(c.milestones, ['Mua nồi tráng bánh', 'Mở bán qua Zalo']);
  assert.equal(c.household_status, 'near_poor');
  assert.deepEqual(c.support_needed, ['marketing']);
  assert.equal(await page.evaluate((b) => localStorage.getItem(`sen.checkin.${b}.1`), biz), null);
  await shot(page, 'checkin-sent');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('staff return the check-in with a comment, after a confirmation', guard('checkin-return', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/businesses/${biz}`);
  await page.getByRole('heading', { level: 1, name: 'Bánh cuốn Thanh Trì' }).waitFor();
  await page.getByText('Nguyễn Thị Hoa').first().waitFor();
  await page.getByRole('link', { name: 'Xem báo cáo: Báo cáo ban đầu' }).click();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo ban đầu — Bánh cuốn Thanh Trì' }).waitFor();
  const now = page.getByRole('region', { name: 'Nội dung báo cáo' });
  await now.getByText('12.000.000 ₫').first().waitFor();
  await now.getByText('2 nữ, 1 nam; trong đó 1 người khuyết tật').waitFor();
  await now.getByText('Hộ cận nghèo').waitFor();

  // Returning needs a comment.
  await page.getByLabel('Trả lại để sửa').check();
  await page.getByRole('button', { name: 'Lưu quyết định' }).click();
  await (await errOf(page, 'Nhận xét')).getByText('Bắt buộc').waitFor();
  await page.getByLabel('Nhận xét').fill('Chị ghi thêm số tiền đã chi cho quảng cáo nhé.');
  await page.getByRole('button', { name: 'Lưu quyết định' }).click();
  const dlg = page.getByRole('dialog', { name: 'Trả lại Báo cáo ban đầu của Bánh cuốn Thanh Trì?' });
  await dlg.getByText('Chủ cơ sở nhận được lời nhận xét và gửi lại báo cáo.').waitFor();
  await dlg.getByRole('button', { name: 'Trả lại để sửa' }).click();
  await page.getByText('Đã trả lại báo cáo.').waitFor();
  await settled(page);
  await page.getByText('Cán bộ trả lại báo cáo để sửa').waitFor();
  assert.equal((await checkins())[0].status, 'returned');
  await shot(page, 'checkin-returned');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('she reads the comment and answers again on her phone', guard('checkin-again', async () => {
  const page = await open();
  await signIn(page, hoa.token);
  await page.goto(`${BASE}/#/business`);
  await page.getByRole('heading', { level: 1, name: 'Doanh nghiệp của tôi' }).waitFor();
  await page.locator('.schedule li').first().getByText('Cần sửa').waitFor();
  await page.locator('.history').getByText('Chị ghi thêm số tiền đã chi cho quảng cáo nhé.').waitFor();
  await page.locator('.schedule li').first().getByRole('link', { name: 'Sửa và gửi lại: Báo cáo ban đầu' }).click();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo ban đầu' }).waitFor();
  await page.getByText('Chị ghi thêm số tiền đã chi cho quảng cáo nhé.').waitFor();
  // What she sent is there to correct, not to type again.
  assert.equal(await page.getByLabel('Doanh thu tháng trước (đồng)').inputValue(), '12.000.000');
  assert.equal(await page.getByRole('textbox', { name: 'Nồi tráng bánh' }).inputValue(), '15.000.000');
  assert.equal(await page.getByRole('textbox', { name: 'Việc 2' }).inputValue(), 'Mở bán qua Zalo');
  await page.getByRole('textbox', { name: 'Quảng cáo' }).fill('4.000.000');
  await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
  await page.getByRole('heading', { level: 1, name: 'Doanh nghiệp của tôi' }).waitFor();
  await page.locator('.schedule li').first().getByText('Chờ cán bộ xem').waitFor();
  await page.locator('.history').getByText('(lần gửi thứ 2)').waitFor();
  const rows = await checkins();
  assert.deepEqual([rows.length, rows[0].status, rows[0].revision], [1, 'submitted', 2]);
  const funds = (await db.query('SELECT funds_used FROM checkins WHERE id = $1', [checkinId])).rows[0].funds_used;
  assert.deepEqual(funds.map((f) => [f.line, Number(f.used_vnd)]), [[1, 15000000], [2, 4000000]]);
  await assertFits(assert, page);
  await shot(page, 'checkin-again');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('staff approve it; the revisions are kept with the comment', guard('checkin-approve', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/checkins/${checkinId}`);
  await page.getByRole('heading', { level: 1, name: 'Báo cáo ban đầu — Bánh cuốn Thanh Trì' }).waitFor();
  await page.getByText('(lần gửi thứ 2)').first().waitFor();
  await page.getByRole('heading', { name: 'Các lần gửi' }).waitFor();
  await page.locator('details.revision').filter({ hasText: 'Lần 1' }).getByText('bị trả lại').waitFor();
  await page.getByLabel('Duyệt', { exact: true }).check();
  await page.getByRole('button', { name: 'Lưu quyết định' }).click();
  const dlg = page.getByRole('dialog', { name: 'Duyệt Báo cáo ban đầu của Bánh cuốn Thanh Trì?' });
  await dlg.getByText('Đã duyệt thì không thay đổi được.').waitFor();
  await dlg.getByRole('button', { name: 'Duyệt' }).click();
  await page.getByText('Đã duyệt báo cáo.').waitFor();
  await settled(page);
  await page.locator('main').getByText('Đã duyệt', { exact: true }).first().waitFor();
  assert.equal((await checkins())[0].status, 'approved');
  assert.equal(await scalar('SELECT status FROM applications WHERE id = $1', [appId]), 'in_followup');
  await shot(page, 'checkin-approved');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('her mentor reads the business and the check-in, without the household status', guard('checkin-mentor', async () => {
  const m = await mentor({}, 'Vũ Thị Cúc');
  const call = Number(await scalar('SELECT call_id FROM applications WHERE id = $1', [appId]));
  const parts = { sector: { weight: 30, points: 300, max: 300, fit: true } };
  const id = Number(await scalar(`INSERT INTO matches (call_id, application_id, mentor_id, origin, score, parts)
    VALUES ($1, $2, $3, 'manual', 800, $4) RETURNING id`, [call, appId, m, JSON.stringify(parts)]));
  await db.query("UPDATE matches SET status = 'published', published_at = now(), expires_at = now() + interval '7 days' WHERE id = $1", [id]);
  await db.query("UPDATE matches SET status = 'accepted', responded_at = now() WHERE id = $1", [id]);

  const page = await open();
  await signIn(page, await sessionFor(m));
  await page.goto(`${BASE}/#/business/${biz}`);
  await page.getByRole('heading', { level: 1, name: 'Bánh cuốn Thanh Trì' }).waitFor();
  await page.getByText('Chị đang xem với tư cách người cố vấn: chỉ đọc, không thấy diện hộ gia đình.').waitFor();
  assert.equal(await page.getByRole('link', { name: /Gửi báo cáo|Sửa và gửi lại/ }).count(), 0);
  await page.locator('.schedule li').first().getByRole('link', { name: 'Xem báo cáo: Báo cáo ban đầu' }).click();
  await page.getByRole('heading', { level: 1, name: 'Báo cáo ban đầu — Bánh cuốn Thanh Trì' }).waitFor();
  const now = page.getByRole('region', { name: 'Nội dung báo cáo' });
  await now.getByText('12.000.000 ₫').first().waitFor();
  await now.getByText('Mở bán qua Zalo').waitFor();
  assert.equal(await page.getByText('Hộ cận nghèo').count(), 0);
  assert.equal(await page.getByText('Hộ gia đình chị hiện nay').count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Lưu quyết định' }).count(), 0);
  await assertFits(assert, page);
  await shot(page, 'checkin-mentor');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('the due list shows overdue businesses, oldest due date first; staff flag one at risk', guard('due-list', async () => {
  const call = await makeCall({ title_vi: `Đợt quá hạn ${tag}`, title_en: `Overdue round ${tag}` });
  const mai = await applicant({ full_name: 'Lê Thị Mai' });
  const lan = await applicant({ full_name: 'Phạm Thị Lan' });
  const a = await funded(call, mai.id, 'Tiệm may Mai');
  const b = await funded(call, lan.id, 'Hoa giấy Lan');
  // As if funded 20 and 5 days ago.
  await db.query('UPDATE followup_schedule SET due_on = due_on - 20 WHERE business_id = $1', [a.businessId]);
  await db.query('UPDATE followup_schedule SET due_on = due_on - 5 WHERE business_id = $1', [b.businessId]);

  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/`);
  await page.getByRole('link', { name: 'Theo dõi sau hỗ trợ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Theo dõi sau hỗ trợ' }).waitFor();
  await settled(page);
  await page.getByLabel('Đợt hỗ trợ').selectOption({ label: `Đợt quá hạn ${tag}` });
  await page.getByText('2 báo cáo cần gửi, 2 đã quá hạn', { exact: false }).waitFor();
  const due = page.getByRole('region', { name: 'Báo cáo cần gửi, hạn cũ nhất trước' });
  const rows = due.locator('tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /Tiệm may Mai.*Lê Thị Mai.*Báo cáo ban đầu.*Bỏ lỡ.*quá 20 ngày/);
  assert.match(await rows.nth(1).textContent(), /Hoa giấy Lan.*Phạm Thị Lan.*Báo cáo ban đầu.*Quá hạn.*quá 5 ngày/);
  assert.match(page.url(), new RegExp(`call_id=${call}`));
  await shot(page, 'due-list');

  // The one five days late: flagged at risk, with a reason only staff read.
  await rows.nth(1).getByRole('link', { name: 'Hoa giấy Lan' }).click();
  await page.getByRole('heading', { level: 1, name: 'Hoa giấy Lan' }).waitFor();
  await page.getByRole('button', { name: 'Đánh dấu có rủi ro' }).click();
  const dlg = page.getByRole('dialog', { name: 'Đánh dấu Hoa giấy Lan có rủi ro?' });
  await dlg.getByLabel('Lý do (bắt buộc, chỉ cán bộ đọc)').fill('Gọi ba lần không nghe máy.');
  await dlg.getByRole('button', { name: 'Đánh dấu có rủi ro' }).click();
  await page.getByText('Đã đánh dấu có rủi ro.').waitFor();
  await settled(page);
  await page.locator('main').getByText('Có rủi ro', { exact: true }).waitFor();
  await page.getByText('Cán bộ đánh dấu cần chú ý: Gọi ba lần không nghe máy.').waitFor();
  assert.equal(await scalar('SELECT status FROM businesses WHERE id = $1', [b.businessId]), 'at_risk');
  await shot(page, 'business-flagged');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // On a phone the due list scrolls in its own box.
  const small = await open();
  await signIn(small, staff);
  await small.goto(`${BASE}/#/staff/followups?call_id=${call}`);
  await small.getByRole('heading', { level: 1, name: 'Theo dõi sau hỗ trợ' }).waitFor();
  await settled(small);
  await small.getByRole('region', { name: 'Báo cáo cần gửi, hạn cũ nhất trước' }).waitFor();
  await assertFits(assert, small);
  await shot(small, 'due-list-phone');
  assert.deepEqual(small.problems, []);
  await small.context().close();
}));
