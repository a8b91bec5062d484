// Trainings in the browser: staff publish a session of one seat (an
// error in place first); a woman registers on her phone; the next one
// finds it full and lands on the waiting list, and the page says so; the
// first cancels after a confirmation and the second is promoted (and
// told); staff record her attendance once the session has started, and
// she sees it in her history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { login, scalar } from '../api/lib.mjs';
import { applicant } from '../api/apps_fixtures.mjs';
import { assertFits, db, signIn } from './fixtures.mjs';
import { hanoi } from './review_fixtures.mjs';

const tag = randomBytes(3).toString('hex');
const TITLE = `Bán hàng qua Zalo ${tag}`;
let browser;
let staff;
let ngoc;
let thu;
let training;

before(async () => {
  browser = await launch();
  staff = await login('staff');
  ngoc = await applicant({ full_name: 'Trần Thị Ngọc' });
  thu = await applicant({ full_name: 'Lý Thị Thu' });
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
const regs = async () => (await db.query(`SELECT u.full_name, r.status FROM training_registrations r JOIN users u ON u.id = r.user_id
  WHERE r.training_id = $1 ORDER BY u.full_name`, [training])).rows.map((r) => [r.full_name, r.status]);
const card = (page) => page.locator('.training').filter({ hasText: TITLE });

test('staff publish a session of one seat, an error in place first', guard('training-create', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/`);
  await page.getByRole('link', { name: 'Tập huấn' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tập huấn' }).waitFor();
  await page.getByRole('link', { name: 'Tạo buổi tập huấn' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tạo buổi tập huấn' }).waitFor();
  await page.getByLabel('Chủ đề').selectOption({ label: 'Bán hàng trực tuyến, mạng xã hội' });
  await page.getByLabel('Tên buổi (tiếng Việt)').fill(TITLE);
  await page.getByLabel('Tên buổi (tiếng Anh)').fill(`Selling on Zalo ${tag}`);
  await page.getByLabel('Nội dung (tiếng Việt)').fill('Chụp ảnh sản phẩm, viết bài, trả lời khách.');
  const start = Date.now() + 3 * 86400e3;
  await page.getByLabel('Bắt đầu').fill(hanoi(start));
  await page.getByLabel('Kết thúc').fill(hanoi(start - 3600e3));
  await page.getByLabel('Địa điểm').fill('Nhà văn hóa phường Hàng Đào, 10 Hàng Đào');
  await page.getByLabel('Số chỗ').fill('1');
  await page.getByRole('button', { name: 'Đăng buổi tập huấn' }).click();
  const endErr = page.locator(`#${await page.getByLabel('Kết thúc').getAttribute('id')}-err`);
  await endErr.getByText('Phải sau thời điểm bắt đầu').waitFor();

  await page.getByLabel('Kết thúc').fill(hanoi(start + 2 * 3600e3));
  await page.getByRole('button', { name: 'Đăng buổi tập huấn' }).click();
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  await page.getByText('Chưa có ai đăng ký.').waitFor();
  training = Number(/#\/staff\/trainings\/(\d+)/.exec(page.url())[1]);
  const t = (await db.query('SELECT seats, topic, place FROM trainings WHERE id = $1', [training])).rows[0];
  assert.deepEqual([t.seats, t.topic, t.place], [1, 'digital_sales', 'Nhà văn hóa phường Hàng Đào, 10 Hàng Đào']);
  await shot(page, 'training-created');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('the session fills up; the next woman lands on the waiting list and is told so; a cancellation promotes her', guard('training-waitlist', async () => {
  // The first registers and takes the only seat.
  const a = await open();
  await signIn(a, ngoc.token);
  await a.goto(`${BASE}/#/`);
  await a.getByRole('link', { name: 'Tập huấn' }).click();
  await a.getByRole('heading', { level: 1, name: 'Tập huấn' }).waitFor();
  await card(a).getByText('Còn 1/1 chỗ').waitFor();
  await card(a).getByRole('button', { name: `Đăng ký: ${TITLE}` }).click();
  await card(a).getByRole('status').getByText('Chị đã đăng ký thành công.').waitFor();
  await card(a).getByText('Đã hết chỗ; 0 người đang chờ').waitFor();
  await card(a).getByText('Chị đã đăng ký', { exact: true }).waitFor();
  await assertFits(assert, a);
  await shot(a, 'training-registered');

  // The second: full, so the waiting list, and the page says so.
  const b = await phone(browser);
  await signIn(b, thu.token);
  await b.goto(`${BASE}/#/trainings`);
  await b.getByRole('heading', { level: 1, name: 'Tập huấn' }).waitFor();
  await card(b).getByText('Đã hết chỗ; 0 người đang chờ').waitFor();
  await card(b).getByRole('button', { name: `Vào danh sách chờ: ${TITLE}` }).click();
  await card(b).getByRole('status').getByText('Buổi này đã hết chỗ: chị đang ở vị trí 1 trong danh sách chờ. Sen sẽ báo khi có chỗ cho chị.').waitFor();
  await card(b).getByText('Danh sách chờ: vị trí 1').waitFor();
  // Her history says it too, at once.
  await b.getByRole('region', { name: 'Các buổi chị đã đăng ký' }).locator('li').filter({ hasText: TITLE })
    .getByText('Danh sách chờ: vị trí 1').waitFor();
  assert.deepEqual(await regs(), [['Lý Thị Thu', 'waitlisted'], ['Trần Thị Ngọc', 'registered']]);
  await assertFits(assert, b);
  await shot(b, 'training-waitlisted');

  // The first cancels, after a confirmation.
  await card(a).getByRole('button', { name: `Hủy đăng ký: ${TITLE}` }).click();
  const dlg = a.getByRole('dialog', { name: `Hủy đăng ký “${TITLE}”?` });
  await dlg.getByText('Chỗ của chị sẽ dành cho người đầu tiên trong danh sách chờ.').waitFor();
  await dlg.getByRole('button', { name: 'Hủy đăng ký' }).click();
  await card(a).getByRole('status').getByText('Đã hủy đăng ký.').waitFor();
  assert.deepEqual(await regs(), [['Lý Thị Thu', 'registered'], ['Trần Thị Ngọc', 'cancelled']]);
  assert.deepEqual(a.problems, []);
  await a.context().close();

  // The second is promoted, and told.
  await b.reload();
  await b.getByRole('heading', { level: 1, name: 'Tập huấn' }).waitFor();
  await card(b).getByText('Chị đã đăng ký', { exact: true }).waitFor();
  await shot(b, 'training-promoted');
  // And told, in her messages.
  assert.equal(Number(await scalar("SELECT count(*) FROM outbox WHERE user_id = $1 AND event = 'training.promoted'", [thu.id])), 1);
  await b.getByRole('link', { name: 'Tin nhắn' }).click();
  await b.getByRole('heading', { name: `Sen: chị đã có chỗ trong lớp "${TITLE}"` }).waitFor();
  assert.deepEqual(b.problems, []);
  await b.context().close();
}));

test('staff record attendance once it has started; she sees it in her history', guard('training-attendance', async () => {
  // The session started an hour ago.
  await db.query("UPDATE trainings SET starts_at = now() - interval '1 hour', ends_at = now() + interval '1 hour' WHERE id = $1", [training]);
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/trainings/${training}`);
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Lý Thị Thu' });
  await row.getByText('Đã đăng ký').waitFor();
  await row.getByText(/được nhận từ danh sách chờ lúc/).waitFor();
  await page.getByRole('row').filter({ hasText: 'Trần Thị Ngọc' }).getByText('Đã hủy').waitFor();
  await row.getByRole('button', { name: 'Lý Thị Thu có mặt' }).click();
  await page.getByText('Đã điểm danh Lý Thị Thu.').waitFor();
  await settled(page);
  assert.equal(await page.getByRole('row').filter({ hasText: 'Lý Thị Thu' }).getByRole('button', { name: 'Lý Thị Thu có mặt' }).getAttribute('aria-pressed'), 'true');
  assert.equal((await db.query('SELECT attended FROM training_registrations WHERE training_id = $1 AND user_id = $2', [training, thu.id])).rows[0].attended, true);
  await shot(page, 'training-attendance');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  const her = await open();
  await signIn(her, thu.token);
  await her.goto(`${BASE}/#/trainings`);
  await her.getByRole('heading', { level: 1, name: 'Tập huấn' }).waitFor();
  const history = her.getByRole('region', { name: 'Các buổi chị đã đăng ký' });
  await history.getByText('Chị đã tham dự 1 buổi.').waitFor();
  await history.locator('li').filter({ hasText: TITLE }).getByText('Có mặt').waitFor();
  await assertFits(assert, her);
  await shot(her, 'training-history');
  assert.deepEqual(her.problems, []);
  await her.context().close();
}));
