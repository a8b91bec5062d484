// No lost work: a draft save that fails on the network keeps the text on
// the phone, offers a retry, survives a reload, and the retry saves it.
// And the language switch on the application page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, shot } from './browser.mjs';
import { applicant, appRow, assertFits, createDraft, db, demoCallId, signIn, submitted } from './fixtures.mjs';

let browser;
let callId;
before(async () => { browser = await launch(); callId = await demoCallId(); });
after(async () => { await browser.close(); await db.end(); });

test('a network failure during a draft save keeps the text and the retry saves it', async () => {
  const a = await applicant({ full_name: 'Đỗ Thị Ngân' });
  const d = await createDraft(a.token, { call_id: callId, business_name: 'Xôi Ngân' });
  const page = await phone(browser);
  await signIn(page, a.token);
  await page.goto(`${BASE}/#/applications/${d.id}/edit`);
  await page.getByRole('heading', { level: 1, name: 'Làm hồ sơ' }).waitFor();
  assert.equal(await page.getByLabel('Tên cơ sở kinh doanh').inputValue(), 'Xôi Ngân');

  // The network drops every save.
  let aborted = 0;
  const offline = (route) => {
    if (route.request().method() === 'PATCH') { aborted++; return route.abort('internetdisconnected'); }
    return route.continue();
  };
  await page.route('**/api/applications/*', offline);
  const text = 'Xôi xéo, xôi gấc bán buổi sáng.\nGiao hàng quanh phố cổ.';
  await page.getByLabel('Chị kinh doanh gì?').fill(text);
  const status = page.getByRole('status').filter({ hasText: 'Chưa lưu được vì mất kết nối' });
  await status.waitFor();
  const retry = page.getByRole('button', { name: 'Thử lại' });
  assert.equal(await retry.isVisible(), true);
  assert.ok(aborted >= 1);
  assert.equal(await page.getByLabel('Chị kinh doanh gì?').inputValue(), text);
  assert.equal((await appRow(d.id)).description, null);

  // Even a reload keeps it (from this phone's storage), still unsaved.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Làm hồ sơ' }).waitFor();
  assert.equal(await page.getByLabel('Chị kinh doanh gì?').inputValue(), text);
  await status.waitFor();
  await shot(page, 'draft-offline');

  // The network is back: the retry saves it.
  await page.unroute('**/api/applications/*', offline);
  await retry.click();
  await page.getByRole('status').filter({ hasText: /Đã lưu lúc/ }).waitFor();
  assert.equal(await retry.isVisible(), false);
  assert.equal((await appRow(d.id)).description, text);
  assert.equal(await page.evaluate((id) => localStorage.getItem(`sen.draft.${id}`), d.id), null);
  await assertFits(assert, page);
  await shot(page, 'draft-saved-after-retry');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a draft changed elsewhere: reload keeps her field and takes the other', async () => {
  const a = await applicant({ full_name: 'Đỗ Thị Hạnh' });
  const d = await createDraft(a.token, { call_id: callId, business_name: 'Trà Hạnh' });
  const page = await phone(browser);
  await signIn(page, a.token);
  await page.goto(`${BASE}/#/applications/${d.id}/edit`);
  await page.getByRole('heading', { level: 1, name: 'Làm hồ sơ' }).waitFor();
  // Another phone changes the plan meanwhile.
  await db.query("UPDATE applications SET plan = 'Kế hoạch từ máy khác' WHERE id = $1", [d.id]);
  await page.getByLabel('Tên cơ sở kinh doanh').fill('Trà chanh Hạnh');
  await page.getByRole('status').filter({ hasText: 'Hồ sơ vừa được sửa ở nơi khác' }).waitFor();
  await page.getByRole('button', { name: 'Tải lại' }).click();
  await page.getByRole('status').filter({ hasText: /Đã lưu lúc/ }).waitFor();
  assert.equal(await page.getByLabel('Chị sẽ dùng khoản hỗ trợ để làm gì?').inputValue(), 'Kế hoạch từ máy khác');
  const row = await appRow(d.id);
  assert.equal(row.business_name, 'Trà chanh Hạnh');
  assert.equal(row.plan, 'Kế hoạch từ máy khác');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('the language switch on the application page', async () => {
  const a = await applicant({ full_name: 'Vũ Thị Lan Anh' });
  const s = await submitted(a.token, callId, { business_name: 'Hoa giấy Lan Anh' });
  const page = await phone(browser);
  await signIn(page, a.token);
  await page.goto(`${BASE}/#/applications/${s.id}`);
  await page.getByRole('heading', { level: 1, name: 'Hoa giấy Lan Anh' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Bước tiếp theo' }).waitFor();
  await page.locator('.status-head').getByText('Đã nộp').waitFor();

  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByRole('heading', { level: 2, name: 'What happens next' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.locator('.status-head').getByText('Submitted').waitFor();
  await page.getByText('Staff are checking that the application is eligible.').waitFor();
  await page.getByRole('link', { name: "Women's startup support 2026" }).waitFor();
  await page.getByRole('button', { name: 'Withdraw the application' }).waitFor();
  await page.getByText('Draft → Submitted').waitFor();
  await assertFits(assert, page);
  await shot(page, 'application-english');

  // Remembered, and back again.
  await page.reload();
  await page.getByRole('heading', { level: 2, name: 'What happens next' }).waitFor();
  await page.getByRole('button', { name: 'Switch to Vietnamese' }).click();
  await page.getByRole('heading', { level: 2, name: 'Bước tiếp theo' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
