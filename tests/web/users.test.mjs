// Staff accounts: staff create a reviewer account and copy its one-time
// set-password link (which then works); the list filters by role and
// finds a name typed without diacritics; an admin disables an account
// after a confirmation and enables it again; staff may not make staff.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { api, login } from '../api/lib.mjs';
import { db } from './fixtures.mjs';

let browser;
let current = null;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); await db.end(); });

const settled = (page) => page.locator('main:not([aria-busy])').waitFor();
const guard = (name, fn) => async () => {
  try {
    await fn();
  } catch (e) {
    if (current && !current.isClosed()) await shot(current, `${name}-FAILED`).catch(() => {});
    throw e;
  }
};
const desktop = async () => {
  current = await phone(browser, { viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false, deviceScaleFactor: 1 });
  await current.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE });
  return current;
};

test('staff create a reviewer account and copy the one-time link, which sets her password', guard('users-create', async () => {
  const page = await desktop();
  const token = await login('staff');
  await page.context().addCookies([{ name: 'sen_session', value: token, url: BASE }]);
  await page.goto(`${BASE}/#/`);
  await page.getByRole('link', { name: 'Tài khoản' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tài khoản' }).waitFor();
  await settled(page);

  // Staff may make applicant, reviewer and mentor accounts only.
  const role = page.getByRole('combobox', { name: 'Vai trò' }).first();
  const roles = await role.locator('option').allTextContents();
  assert.deepEqual(roles, ['— Chọn —', 'Người nộp hồ sơ', 'Thành viên hội đồng', 'Cố vấn']);

  // A mistake first: the API's errors in place.
  const tag = randomBytes(3).toString('hex');
  const email = `ngo.thi.thuy.${tag}@sen.test`;
  await page.getByLabel('Họ và tên').fill('Ngô Thị Thủy');
  await page.getByLabel('Địa chỉ e-mail').fill('ngo-thi-thuy');
  await role.selectOption({ label: 'Thành viên hội đồng' });
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  const emailErr = page.locator(`#${await page.getByLabel('Địa chỉ e-mail').getAttribute('id')}-err`);
  await emailErr.getByText('Địa chỉ e-mail không hợp lệ').waitFor();

  await page.getByLabel('Địa chỉ e-mail').fill(email);
  await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
  const box = page.locator('.one-time');
  await box.getByRole('heading', { name: 'Đã tạo tài khoản cho Ngô Thị Thủy' }).waitFor();
  await box.getByText(/^Liên kết này chỉ hiện một lần/).waitFor();
  const link = await box.getByLabel('Liên kết đặt mật khẩu').inputValue();
  assert.match(link, new RegExp(`^${BASE.replace(/[.]/g, '\\.')}/#/set-password\\?token=[A-Za-z0-9_-]{43}$`));
  await box.getByRole('button', { name: 'Chép liên kết' }).click();
  await box.getByRole('status').getByText('Đã chép liên kết vào bộ nhớ tạm.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  const row = (await db.query('SELECT role, full_name, password_hash FROM users WHERE email = $1', [email])).rows[0];
  assert.deepEqual([row.role, row.full_name, row.password_hash], ['reviewer', 'Ngô Thị Thủy', null]);

  // She is in the list, found without diacritics, with no password yet.
  await page.getByLabel('Tìm theo tên hoặc e-mail').fill(`ngo thi thuy`);
  const mine = page.getByRole('row').filter({ hasText: email });
  await mine.getByText('Chưa đặt mật khẩu').waitFor();
  await mine.getByText('Thành viên hội đồng').waitFor();
  // Staff do not disable accounts.
  assert.equal(await mine.getByRole('button', { name: /Khóa/ }).count(), 0);
  await shot(page, 'users-created');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // The copied link sets her password, on her phone.
  const her = await phone(browser);
  current = her;
  await her.goto(link);
  await her.getByRole('heading', { name: 'Đặt mật khẩu' }).waitFor();
  await her.getByLabel('Mật khẩu').fill('hoa sen nở giữa hồ gươm');
  await her.getByRole('button', { name: 'Lưu mật khẩu' }).click();
  await her.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
  const r = await api('POST', '/api/auth/login', { body: { email, password: 'hoa sen nở giữa hồ gươm' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(her.problems, []);
  await her.context().close();
}));

test('an admin filters by role, disables an account after a confirmation and enables it again; a new link', guard('users-admin', async () => {
  const staffToken = await login('staff');
  const tag = randomBytes(3).toString('hex');
  const made = await api('POST', '/api/users', {
    token: staffToken, body: { email: `vu.thi.mai.${tag}@sen.test`, full_name: 'Vũ Thị Mai', role: 'mentor' },
  });
  assert.equal(made.status, 201, made.text);
  const page = await desktop();
  await page.context().addCookies([{ name: 'sen_session', value: await login('admin'), url: BASE }]);
  await page.goto(`${BASE}/#/staff/users`);
  await page.getByRole('heading', { level: 1, name: 'Tài khoản' }).waitFor();
  await settled(page);
  const roles = await page.getByRole('combobox', { name: 'Vai trò' }).first().locator('option').allTextContents();
  assert.ok(roles.includes('Cán bộ') && roles.includes('Quản trị'), 'admins make staff and admin accounts');

  // Mentors only, then her name without diacritics.
  await page.locator('form.filters').getByLabel('Vai trò').selectOption({ label: 'Cố vấn' });
  await page.getByLabel('Tìm theo tên hoặc e-mail').fill('vu thi mai');
  await page.waitForURL(/#\/staff\/users\?q=vu\+thi\+mai&role=mentor$/);
  await page.locator('.table-wrap.scroll:not([aria-busy])').waitFor();
  const row = page.getByRole('row').filter({ hasText: `vu.thi.mai.${tag}@sen.test` });
  await row.waitFor();
  for (const r of await page.locator('tbody tr').all()) assert.match(await r.textContent(), /Cố vấn/);

  await row.getByRole('button', { name: 'Khóa tài khoản của Vũ Thị Mai' }).click();
  const dlg = page.getByRole('dialog', { name: 'Khóa tài khoản của Vũ Thị Mai?' });
  await dlg.getByText(/sẽ bị đăng xuất ngay trên mọi thiết bị/).waitFor();
  await dlg.getByRole('button', { name: 'Khóa tài khoản' }).click();
  await page.getByText('Đã khóa tài khoản của Vũ Thị Mai.').waitFor();
  await row.getByText('Đã khóa').waitFor();
  assert.equal((await db.query('SELECT disabled_at IS NOT NULL AS d FROM users WHERE id = $1', [made.json.user.id])).rows[0].d, true);
  // A disabled account gets no link.
  assert.equal(await row.getByRole('button', { name: /liên kết/ }).count(), 0);

  await row.getByRole('button', { name: 'Mở khóa tài khoản của Vũ Thị Mai' }).click();
  await page.getByRole('dialog', { name: 'Mở khóa tài khoản của Vũ Thị Mai?' }).getByRole('button', { name: 'Mở khóa' }).click();
  await page.getByText('Đã mở khóa tài khoản của Vũ Thị Mai.').waitFor();
  await row.getByText('Đang dùng').waitFor();

  // A new link for her, shown once.
  await row.getByRole('button', { name: 'Tạo liên kết đặt mật khẩu cho Vũ Thị Mai' }).click();
  await page.locator('.one-time').getByRole('heading', { name: 'Liên kết đặt mật khẩu mới cho Vũ Thị Mai' }).waitFor();
  assert.match(await page.locator('.one-time').getByLabel('Liên kết đặt mật khẩu').inputValue(), /#\/set-password\?token=/);
  assert.equal(Number((await db.query('SELECT count(*) FROM password_tokens WHERE user_id = $1', [made.json.user.id])).rows[0].count), 2);
  await shot(page, 'users-admin');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('on a 360 px phone the accounts table scrolls in its own box', guard('users-phone', async () => {
  const page = await phone(browser);
  current = page;
  await page.context().addCookies([{ name: 'sen_session', value: await login('staff'), url: BASE }]);
  await page.goto(`${BASE}/#/staff/users`);
  await page.getByRole('heading', { level: 1, name: 'Tài khoản' }).waitFor();
  await settled(page);
  await page.getByRole('region', { name: 'Tài khoản', exact: true }).waitFor();
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
  await shot(page, 'users-phone');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));
