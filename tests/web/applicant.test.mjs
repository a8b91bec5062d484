// An applicant on a 360 px phone: registers, fills her profile, drafts an
// application that saves itself, sees every error in place when she
// submits too early (her profile's too, with a link there), completes it
// and submits, and sees the status and reference.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { appRow, assertFits, db, idFromHash } from './fixtures.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); await db.end(); });

const errorOf = async (page, label) => page.locator('#' + (await page.getByLabel(label, { exact: true }).getAttribute('id')) + '-err');

test('an applicant registers, drafts with autosave, fixes every error and submits', async () => {
  const page = await phone(browser);
  const email = `web-app-${randomBytes(4).toString('hex')}@sen.test`;

  // Register.
  await page.goto(BASE + '/#/register');
  await page.getByLabel('Họ và tên').fill('Lê Thị Thu Hà');
  await page.getByLabel('Địa chỉ e-mail').fill(email);
  await page.getByLabel('Số điện thoại').fill('0912 345 678');
  await page.getByLabel('Mật khẩu').fill('hoa sen trong đầm lầy');
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await page.getByRole('heading', { level: 1, name: 'Xin chào, Lê Thị Thu Hà' }).waitFor();

  // Her profile, without the national ID for now.
  await page.getByRole('link', { name: 'Hồ sơ cá nhân' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Thông tin cá nhân' }).waitFor();
  assert.equal(await page.getByLabel('Số điện thoại').inputValue(), '0912345678');
  // The household and disability sections appear only when relevant.
  assert.equal(await page.getByLabel('Số giấy chứng nhận của hộ').isVisible(), false);
  await page.getByLabel('Hộ gia đình').selectOption('poor');
  assert.equal(await page.getByLabel('Số giấy chứng nhận của hộ').isVisible(), true);
  await page.getByLabel('Hộ gia đình').selectOption('none');
  assert.equal(await page.getByLabel('Mức độ khuyết tật').isVisible(), false);
  await page.getByLabel('Ngày sinh').fill('1990-05-20');
  await page.getByLabel('Phường').selectOption({ label: 'Hàng Đào' });
  await page.getByLabel('Tin nhắn SMS').check();
  await page.getByRole('button', { name: 'Lưu thông tin' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã lưu thông tin cá nhân.' }).waitFor();
  await assertFits(assert, page);

  // The open call, its rubric and its priority policy in plain words.
  await page.getByRole('link', { name: 'Trang chủ' }).first().click();
  await page.getByRole('link', { name: 'Đợt hỗ trợ phụ nữ khởi nghiệp 2026' }).click();
  await page.getByRole('heading', { level: 2, name: 'Cách chấm điểm' }).waitFor();
  await page.getByRole('cell', { name: 'Tính khả thi' }).waitFor();
  await page.getByText('Hộ nghèo: cộng 10 điểm').waitFor();
  await page.getByText(/tổng điểm cộng không quá 15 điểm/).waitFor();
  await assertFits(assert, page);
  await page.getByRole('button', { name: 'Làm hồ sơ cho đợt này' }).click();
  await page.getByRole('heading', { level: 1, name: 'Làm hồ sơ' }).waitFor();
  const id = idFromHash(page);

  // Autosave: what she types is on the server after a moment.
  await page.getByLabel('Tên cơ sở kinh doanh').fill('Bánh cuốn bà Hà');
  await page.getByLabel('Chị kinh doanh gì?').fill('Bánh cuốn tráng tay.\nBán buổi sáng ở chợ Hàng Da.');
  await page.getByRole('status').filter({ hasText: /Đã lưu lúc/ }).waitFor();
  assert.equal((await appRow(id)).business_name, 'Bánh cuốn bà Hà');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Làm hồ sơ' }).waitFor();
  assert.equal(await page.getByLabel('Tên cơ sở kinh doanh').inputValue(), 'Bánh cuốn bà Hà');
  assert.equal(await page.getByLabel('Chị kinh doanh gì?').inputValue(), 'Bánh cuốn tráng tay.\nBán buổi sáng ở chợ Hàng Da.');

  // Submitting too early: confirmation, then every error at once.
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const dialog = page.getByRole('dialog', { name: 'Nộp hồ sơ?' });
  await dialog.getByText('Sau khi nộp, chị không sửa được hồ sơ nữa.').waitFor();
  await dialog.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const summary = page.getByRole('alert').filter({ hasText: 'Chưa nộp được' });
  await summary.waitFor();
  assert.match(await summary.textContent(), /còn \d+ mục/);
  const sectorErr = await errorOf(page, 'Lĩnh vực');
  assert.equal(await sectorErr.textContent(), 'Bắt buộc');
  assert.equal(await page.getByLabel('Lĩnh vực').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.locator('fieldset[name=budget_lines] > .error').textContent(), 'Thêm ít nhất một khoản chi');
  assert.equal(await page.locator('fieldset[name=woman_manager] > .error').textContent(), 'Bắt buộc');
  const profileLink = summary.getByRole('link', { name: 'Thông tin cá nhân — Số căn cước công dân (CCCD): Bắt buộc' });
  await profileLink.waitFor();
  await assertFits(assert, page);
  await shot(page, 'applicant-submit-errors');

  // The profile link leads to the field, and back.
  await profileLink.click();
  await page.getByRole('heading', { level: 1, name: 'Thông tin cá nhân' }).waitFor();
  await page.waitForFunction(() => document.activeElement && document.activeElement.name === 'national_id');
  await page.getByLabel('Số căn cước công dân (CCCD)').fill('001190012345');
  await page.getByRole('button', { name: 'Lưu thông tin' }).click();
  await page.getByRole('heading', { level: 1, name: 'Làm hồ sơ' }).waitFor();

  // Complete the application.
  await page.getByLabel(/Ý tưởng kinh doanh/).check();
  await page.getByLabel('Lĩnh vực').selectOption('food_beverage');
  await page.getByLabel('Khách hàng của chị là ai, họ cần gì?').fill('Người đi làm cần bữa sáng nhanh, sạch.');
  await page.getByLabel('Chị sẽ dùng khoản hỗ trợ để làm gì?').fill('Mua nồi tráng bánh inox và tủ kính.');
  await page.getByLabel('Số người làm việc').fill('2');
  await page.getByLabel('Trong đó là nữ').fill('2');
  await page.getByLabel('Việc làm sẽ tạo thêm').fill('1');
  await page.getByLabel('Số tiền đề nghị hỗ trợ (đồng)').fill('20.000.000');
  await page.getByLabel('Khoản chi 1', { exact: true }).fill('Nồi tráng bánh');
  await page.getByLabel('Số tiền khoản 1 (đồng)').fill('12.000.000');
  const sum = page.locator('.sum');
  assert.match(await sum.textContent(), /Chênh lệch 8\.000\.000/);
  await page.getByRole('button', { name: 'Thêm khoản chi' }).click();
  await page.getByLabel('Khoản chi 2', { exact: true }).fill('Tủ kính');
  await page.getByLabel('Số tiền khoản 2 (đồng)').fill('8000000');
  assert.match(await sum.textContent(), /Tổng các khoản: 20\.000\.000.*Khớp/);
  await page.getByLabel('Phần vốn của phụ nữ (%)').fill('100');
  await page.getByLabel(/do phụ nữ trực tiếp quản lý/).check();
  await page.getByRole('status').filter({ hasText: /Đã lưu lúc/ }).waitFor();
  // The errors went away as she fixed the fields.
  assert.equal(await sectorErr.isVisible(), false);

  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('dialog', { name: 'Nộp hồ sơ?' }).getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Bánh cuốn bà Hà' }).waitFor();
  await page.locator('.status-head').getByText('Đã nộp').waitFor();
  const ref = await page.locator('.status-head .ref').textContent();
  assert.match(ref, /^HK-\d{4}-\d{5,}$/);
  assert.equal((await appRow(id)).reference, ref);
  await page.getByText('Cán bộ đang kiểm tra điều kiện của hồ sơ.').waitFor();
  await page.getByRole('list').getByText('Bản nháp → Đã nộp').waitFor();
  await assertFits(assert, page);
  await shot(page, 'applicant-submitted');

  // Her list and her messages.
  await page.getByRole('link', { name: 'Hồ sơ của tôi' }).first().click();
  await page.getByRole('link', { name: 'Bánh cuốn bà Hà' }).waitFor();
  await page.locator('main').getByText(ref).waitFor();
  await page.getByRole('link', { name: 'Tin nhắn' }).first().click();
  await page.getByRole('heading', { name: new RegExp(`${ref} — Đã nộp`) }).first().waitFor();
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
