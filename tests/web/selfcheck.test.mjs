// The priority self-check, before registering: errors in place, then the
// category she may claim, the certificates to bring, and the reminder
// that only staff verification gives priority.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, shot } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

test('the self-check explains the result and what only staff can grant', async () => {
  const page = await phone(browser);
  await page.goto(BASE + '/#/self-check');
  await page.getByRole('heading', { level: 1, name: 'Tự kiểm tra diện ưu tiên' }).waitFor();
  await page.getByRole('button', { name: 'Xem kết quả' }).click();
  const income = page.getByLabel('Thu nhập bình quân mỗi người trong hộ, mỗi tháng (đồng)');
  const err = page.locator('#' + (await income.getAttribute('id')) + '-err');
  await err.waitFor();
  assert.equal(await err.textContent(), 'Bắt buộc');

  await income.fill('1.800.000');
  await page.getByLabel(/^Bảo hiểm y tế/).check();
  await page.getByLabel(/^Chất lượng nhà ở/).check();
  await page.getByLabel(/^Nhà tiêu hợp vệ sinh/).check();
  await page.getByLabel('Tôi là người khuyết tật').check();
  await page.getByRole('button', { name: 'Xem kết quả' }).click();
  const result = page.locator('.result');
  await result.getByRole('heading', { name: 'Kết quả' }).waitFor();
  await result.getByText('Chị có thể đăng ký diện: Hộ nghèo').waitFor();
  await result.getByText(/1\.800\.000/).first().waitFor();
  await result.getByText('Giấy chứng nhận hộ nghèo').waitFor();
  await result.getByText('Giấy xác nhận khuyết tật').waitFor();
  await result.getByText(/chỉ được cộng điểm ưu tiên khi cán bộ đã xác minh/).waitFor();
  assert.equal(await err.isVisible(), false);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await shot(page, 'selfcheck-result');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
