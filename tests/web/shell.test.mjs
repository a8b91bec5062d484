// The first screens on a phone: the language switch, registration with
// errors shown in place, logging out and in again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); });

test('Vietnamese by default; English with one tap, remembered', async () => {
  const page = await phone(browser);
  await page.goto(BASE + '/');
  await page.getByRole('heading', { level: 1, name: 'Chào mừng đến với Sen' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'vi');
  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByRole('heading', { level: 1, name: 'Welcome to Sen' }).waitFor();
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Welcome to Sen' }).waitFor();
  await shot(page, 'shell-english');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('registration on a 360 px phone: errors in place, then an account', async () => {
  const page = await phone(browser);
  await page.goto(BASE + '/#/register');
  await page.getByRole('heading', { name: 'Đăng ký tài khoản' }).waitFor();
  // Nothing overflows the narrow screen.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);

  const email = `web-${randomBytes(4).toString('hex')}@sen.test`;
  await page.getByLabel('Họ và tên').fill('Trần Thị Bích Ngọc');
  await page.getByLabel('Địa chỉ e-mail').fill(email);
  await page.getByLabel('Số điện thoại').fill('12345');
  await page.getByLabel('Mật khẩu').fill('ngan');
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  // The API's field errors, in Vietnamese, next to their fields.
  const phoneErr = page.locator('#' + (await page.getByLabel('Số điện thoại').getAttribute('id')) + '-err');
  await phoneErr.waitFor({ state: 'visible' });
  assert.match(await phoneErr.textContent(), /Số điện thoại Việt Nam không hợp lệ/);
  assert.equal(await page.getByLabel('Số điện thoại').getAttribute('aria-invalid'), 'true');
  const pwErr = page.locator('#' + (await page.getByLabel('Mật khẩu').getAttribute('id')) + '-err');
  assert.match(await pwErr.textContent(), /Cần ít nhất 10 ký tự/);
  await shot(page, 'register-errors');

  await page.getByLabel('Số điện thoại').fill('0912 345 678');
  await page.getByLabel('Mật khẩu').fill('hoa sen trong đầm lầy');
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  await page.getByRole('heading', { level: 1, name: 'Xin chào, Trần Thị Bích Ngọc' }).waitFor();
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('heading', { level: 1, name: 'Chào mừng đến với Sen' }).waitFor();

  await page.goto(BASE + '/#/login');
  await page.getByLabel('Địa chỉ e-mail').fill(email);
  await page.getByLabel('Mật khẩu').fill('hoa sen trong đầm lầy');
  await page.getByRole('button', { name: 'Đăng nhập' }).last().click();
  await page.getByRole('heading', { level: 1, name: 'Xin chào, Trần Thị Bích Ngọc' }).waitFor();
  await shot(page, 'register-done');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
