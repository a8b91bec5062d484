// Mentoring end to end in the browser, on one call whose applications are
// funded (made in SQL along the allowed transitions): a mentor on a phone
// fills her profile (errors in place first); a woman says what she needs
// from mentoring; staff set the weights, run the matching (its progress
// shown), read each score with its parts, change a mentor and publish
// after a confirmation; the mentor accepts one offer and declines another
// with a reason; a session is logged; the woman sees her mentor and the
// session; staff see the woman left without a mentor, and the hours.
// Other tests' mentors are paused for the time of this file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { login } from '../api/lib.mjs';
import { application, makeCall, mentor, sessionFor, sqlUser } from '../api/mentoring_fixtures.mjs';
import { assertFits, db, signIn } from './fixtures.mjs';

let browser;
let staff;
let call;
let lan;          // the mentor who writes her profile on her phone: { id, token }
let hung;         // a mentor made in SQL
let apps;         // { banh, gom, tra }: { id, applicant }
let paused = [];  // the other mentors, paused while this file runs
const tag = randomBytes(3).toString('hex');

before(async () => {
  browser = await launch();
  staff = await login('staff');
  call = await makeCall({ title_vi: `Đợt cố vấn ${tag}`, title_en: `Mentoring round ${tag}` });
  const lanId = await sqlUser('mentor', 'Nguyễn Thị Lan');
  lan = { id: lanId, token: await sessionFor(lanId) };
  hung = await mentor({
    sectors: ['handicrafts'], skills: ['digital_ecommerce', 'branding_packaging'], wards: ['00037'],
    capacity: 1, availability: ['weekday_evening'],
  }, 'Phạm Thị Hưng');
  apps = {
    banh: await application(call, {
      name: 'Đỗ Thị Bích', business: 'Bánh cuốn Hàng Đào', sector: 'food_beverage', ward: '00049',
      needs: { areas: ['finance_bookkeeping'], availability: ['weekend'] },
    }),
    gom: await application(call, {
      name: 'Lê Thị Gấm', business: 'Xưởng gốm Phúc Tân', sector: 'handicrafts', ward: '00037',
      needs: { areas: ['digital_ecommerce'], availability: ['weekday_evening'] },
    }),
    tra: await application(call, { name: 'Trần Thị Chanh', business: 'Trà chanh Hàng Bè', sector: 'food_beverage', ward: '00052' }),
  };
  const { rows } = await db.query(`UPDATE mentor_profiles SET paused_at = now(), pause_reason = 'web test isolation'
    WHERE paused_at IS NULL AND NOT user_id = ANY ($1::bigint[]) RETURNING user_id`, [[lanId, hung]]);
  paused = rows.map((r) => r.user_id);
});
after(async () => {
  await db.query(`UPDATE mentor_profiles SET paused_at = NULL, pause_reason = NULL, paused_by = NULL
    WHERE user_id = ANY ($1::bigint[])`, [paused]);
  await browser.close();
  await db.end();
});

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
const groupErr = (page, legend) => page.locator('fieldset').filter({ has: page.locator('legend', { hasText: legend }) }).locator('p.error');

test('a mentor on a phone fills her profile, errors in place first', guard('mentor-profile', async () => {
  const page = await open();
  await signIn(page, lan.token);
  await page.goto(`${BASE}/#/`);
  await page.getByRole('link', { name: 'Hồ sơ cố vấn' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ cố vấn' }).waitFor();
  await page.getByText('Chị chưa có hồ sơ cố vấn.', { exact: false }).waitFor();

  // Saved empty: every problem at once, each beside its question.
  await page.getByRole('button', { name: 'Lưu hồ sơ cố vấn' }).click();
  await groupErr(page, 'Lĩnh vực kinh doanh chị am hiểu').getByText('Cần từ 1 đến 31 mục').waitFor();
  await groupErr(page, 'Chị hỗ trợ được về').getByText('Cần từ 1 đến 31 mục').waitFor();
  await groupErr(page, 'Nơi chị gặp học viên').getByText('Chọn ít nhất một phường, hoặc nhận cố vấn từ xa').waitFor();
  await groupErr(page, 'Thời gian chị rảnh').getByText('Cần từ 1 đến 31 mục').waitFor();
  assert.equal(await db.query('SELECT 1 FROM mentor_profiles WHERE user_id = $1', [lan.id]).then((r) => r.rowCount), 0);
  await assertFits(assert, page);
  await shot(page, 'mentor-profile-errors');

  await page.getByLabel('Ăn uống, chế biến thực phẩm').check();
  await page.getByLabel('Tài chính và sổ sách kế toán').check();
  await page.getByLabel('Tiếp thị và bán hàng').check();
  await page.getByLabel('Tiếng Việt', { exact: true }).check();
  await page.getByLabel('Hàng Đào', { exact: true }).check();
  await page.getByLabel('Tôi cố vấn được trực tuyến hoặc qua điện thoại').check();
  await page.getByLabel('Cuối tuần').check();
  await page.getByLabel('Số học viên tối đa cùng lúc').fill('2');
  await page.getByLabel('Đôi dòng giới thiệu').fill('Mười năm bán bánh ở chợ Hàng Da.\nKế toán hộ kinh doanh.');
  await page.getByRole('button', { name: 'Lưu hồ sơ cố vấn' }).click();
  await page.getByText('Đang cố vấn 0/2 người; còn 2 chỗ.').waitFor();
  const p = (await db.query('SELECT * FROM mentor_profiles WHERE user_id = $1', [lan.id])).rows[0];
  assert.deepEqual([p.sectors, p.skills, p.languages, p.wards, p.remote, p.capacity, p.availability],
    [['food_beverage'], ['finance_bookkeeping', 'marketing_sales'], ['vi'], ['00049'], true, 2, ['weekend']]);
  assert.equal(p.bio, 'Mười năm bán bánh ở chợ Hàng Da.\nKế toán hộ kinh doanh.');

  // A second save goes with the version read (If-Match), after a reload too.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ cố vấn' }).waitFor();
  assert.equal(await page.getByLabel('Hàng Đào', { exact: true }).isChecked(), true);
  await page.getByLabel('Số học viên tối đa cùng lúc').fill('3');
  await page.getByRole('button', { name: 'Lưu hồ sơ cố vấn' }).click();
  await page.getByText('Đang cố vấn 0/3 người; còn 3 chỗ.').waitFor();
  await assertFits(assert, page);
  await shot(page, 'mentor-profile-saved');
  assert.deepEqual(page.problems, []);
  await page.context().close();
  // Two mentees at most, for the rest of the story.
  await db.query('UPDATE mentor_profiles SET capacity = 2 WHERE user_id = $1', [lan.id]);
}));

test('a funded woman says on her phone what she needs from mentoring', guard('mentee-needs', async () => {
  const page = await open();
  await signIn(page, await sessionFor(apps.tra.applicant));
  await page.goto(`${BASE}/#/applications/${apps.tra.id}`);
  await page.getByRole('heading', { level: 1, name: 'Trà chanh Hàng Bè' }).waitFor();
  await page.getByRole('link', { name: 'Nhu cầu cố vấn' }).click();
  await page.getByRole('heading', { level: 1, name: 'Nhu cầu cố vấn' }).waitFor();
  await page.getByLabel('Tiếp thị và bán hàng').check();
  await page.getByLabel('Ghi chú thêm').fill('Muốn bán trà qua mạng cho dân văn phòng.');
  await page.getByRole('button', { name: 'Lưu nhu cầu' }).click();
  await page.getByText('Đã lưu nhu cầu cố vấn.').waitFor();
  const n = (await db.query('SELECT areas, language, note FROM mentoring_needs WHERE application_id = $1', [apps.tra.id])).rows[0];
  assert.deepEqual([n.areas, n.language, n.note], [['marketing_sales'], 'vi', 'Muốn bán trà qua mạng cho dân văn phòng.']);
  await assertFits(assert, page);
  await shot(page, 'mentee-needs');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('staff run the matching, read each score with its parts, change a mentor and publish', guard('matching-staff', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/calls`);
  await page.getByRole('listitem').filter({ has: page.locator(`a[href="#/staff/calls/${call}"]`) })
    .getByRole('link', { name: 'Ghép cố vấn' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ghép cố vấn' }).waitFor();
  await settled(page);
  await page.getByText('Chưa có đề xuất nào. Hãy chạy ghép cố vấn.').waitFor();
  await page.getByRole('heading', { name: 'Chưa có người cố vấn (3)' }).waitFor();

  // The weights are data: a sum other than 100 is refused in place.
  const sector = page.getByLabel('Lĩnh vực', { exact: true });
  await sector.fill('40');
  await page.getByText('Tổng: 110/100').waitFor();
  await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
  await page.locator('#ms-weights-err').getByText('Tổng các trọng số phải bằng 100').waitFor();
  await sector.fill('30');
  await page.getByLabel('Điểm phù hợp tối thiểu (0–1000)').fill('500');
  await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
  await page.getByText('Đã lưu cài đặt ghép cố vấn.').waitFor();
  await settled(page);
  assert.equal(Number((await db.query('SELECT min_score FROM matching_settings WHERE call_id = $1', [call])).rows[0].min_score), 500);

  // The run, its progress shown while it works.
  let letGo;
  const held = new Promise((resolve) => { letGo = resolve; });
  await page.route('**/matching', async (route) => { await held; await route.continue(); });
  await page.getByRole('button', { name: 'Chạy ghép cố vấn' }).click();
  await page.getByRole('status').filter({ hasText: 'Đang tính các cặp phù hợp nhất…' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Chạy ghép cố vấn' }).isDisabled(), true);
  letGo();
  await page.locator('.run-result').getByText('3 cặp được đề xuất (0 người thuộc diện ưu tiên); 0 người chưa có người cố vấn; giữ 0 cặp do cán bộ chọn.').waitFor();
  await settled(page);
  await page.unroute('**/matching');

  // Each proposal with its score and parts, explained.
  const table = page.getByRole('region', { name: '3 đề xuất, với từng phần của độ phù hợp' });
  const banh = table.getByRole('row').filter({ hasText: 'Bánh cuốn Hàng Đào' });
  await banh.getByText('Nguyễn Thị Lan').waitFor();
  await banh.getByText('Độ phù hợp 1000/1000').waitFor();
  await banh.getByText('Gặp được ngay tại phường của chị ấy.').waitFor();
  await banh.getByText('Hỗ trợ được: Tài chính và sổ sách kế toán.').waitFor();
  const tra = table.getByRole('row').filter({ hasText: 'Trà chanh Hàng Bè' });
  await tra.getByText('Nguyễn Thị Lan').waitFor();
  await tra.getByText('Gặp được ở phường gần bên (70 % số điểm).').waitFor();
  const place = tra.locator('.parts li').filter({ hasText: 'Nơi gặp' });
  await place.getByText('105/150 điểm').waitFor();
  assert.equal(await place.locator('.sharebar .fill').getAttribute('class'), 'fill w70');
  const gom = table.getByRole('row').filter({ hasText: 'Xưởng gốm Phúc Tân' });
  await gom.getByText('Phạm Thị Hưng').waitFor();
  await gom.getByText('Cùng rảnh: Buổi tối trong tuần.').waitFor();
  await shot(page, 'matching-proposals');

  // Staff change a mentor: Hưng is full, Lan has no place left either;
  // a new mentor with one place takes the tea shop.
  const thu = await mentor({ sectors: ['food_beverage'], skills: ['marketing_sales'], wards: ['00052'], capacity: 1, availability: ['weekend'] },
    'Hoàng Thị Thu');
  await page.reload();
  await settled(page);
  const tra2 = page.getByRole('row').filter({ hasText: 'Trà chanh Hàng Bè' });
  await tra2.getByLabel('Người cố vấn mới cho Trần Thị Chanh').selectOption({ label: 'Hoàng Thị Thu (còn 1/1 chỗ)' });
  await tra2.getByRole('button', { name: 'Đổi người cố vấn' }).click();
  await page.getByText('Đã đổi người cố vấn.').waitFor();
  await page.getByRole('row').filter({ hasText: 'Trà chanh Hàng Bè' }).locator('td').nth(1).getByText('Hoàng Thị Thu').waitFor();
  await settled(page);
  await page.getByRole('row').filter({ hasText: 'Trà chanh Hàng Bè' }).getByText('Cán bộ đổi người cố vấn').waitFor();
  // And back to Lan, as the run had it.
  const tra3 = page.getByRole('row').filter({ hasText: 'Trà chanh Hàng Bè' });
  await tra3.getByLabel('Người cố vấn mới cho Trần Thị Chanh').selectOption({ label: 'Nguyễn Thị Lan (còn 1/2 chỗ)' });
  await tra3.getByRole('button', { name: 'Đổi người cố vấn' }).click();
  await page.getByRole('row').filter({ hasText: 'Trà chanh Hàng Bè' }).locator('td').nth(1).getByText('Nguyễn Thị Lan').waitFor();
  await settled(page);
  await db.query("UPDATE mentor_profiles SET paused_at = now(), pause_reason = 'web test isolation' WHERE user_id = $1", [thu]);
  paused.push(thu);

  // Publish, after a confirmation that says what happens.
  await page.getByRole('button', { name: 'Công bố 3 đề xuất' }).click();
  const dlg = page.getByRole('dialog', { name: 'Công bố 3 đề xuất?' });
  await dlg.getByText('2 người cố vấn sẽ nhận e-mail mời và có 7 ngày để nhận lời hoặc từ chối.').waitFor();
  await dlg.getByText('Đã công bố thì không sửa được đề xuất nữa; chỉ có thể rút lại từng lời mời.').waitFor();
  await dlg.getByRole('button', { name: 'Công bố' }).click();
  await page.getByText('Đã công bố 3 đề xuất cho 2 người cố vấn; 0 đề xuất chờ vì người cố vấn tạm dừng.').waitFor();
  await settled(page);
  await page.getByRole('heading', { name: 'Sau khi công bố (3)' }).waitFor();
  await page.getByText('Chưa có đề xuất nào. Hãy chạy ghép cố vấn.').waitFor();
  const st = (await db.query('SELECT status, count(*)::int AS n FROM matches WHERE call_id = $1 GROUP BY status', [call])).rows;
  assert.deepEqual(st, [{ status: 'published', n: 3 }]);
  await shot(page, 'matching-published');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('the mentor accepts one offer and declines another with a reason, before they expire', guard('mentor-offers', async () => {
  const page = await open();
  await signIn(page, lan.token);
  await page.goto(`${BASE}/#/mentor`);
  await page.getByRole('heading', { level: 1, name: 'Lời mời và học viên' }).waitFor();
  await page.getByRole('heading', { name: 'Lời mời đang chờ chị trả lời (2)' }).waitFor();
  const banh = page.locator('.offer').filter({ hasText: 'Bánh cuốn Hàng Đào' });
  await banh.getByText(/^Trả lời trước /).waitFor();
  await banh.getByText('Tài chính và sổ sách kế toán').first().waitFor();
  // Before she accepts, no name of the woman.
  assert.equal(await page.getByText('Đỗ Thị Bích').count(), 0);
  await assertFits(assert, page);
  await shot(page, 'mentor-offers');

  await banh.getByRole('button', { name: 'Nhận lời cố vấn cho Bánh cuốn Hàng Đào' }).click();
  await page.getByRole('dialog', { name: 'Nhận cố vấn cho Bánh cuốn Hàng Đào?' }).getByRole('button', { name: 'Nhận lời' }).click();
  await page.getByText('Chị đã nhận cố vấn cho Bánh cuốn Hàng Đào.').waitFor();
  await settled(page);
  await page.getByRole('heading', { name: 'Học viên của chị (1)' }).waitFor();
  await page.getByRole('heading', { name: 'Đỗ Thị Bích — Bánh cuốn Hàng Đào' }).waitFor();

  // Declining needs a reason, asked in place.
  const tra = page.locator('.offer').filter({ hasText: 'Trà chanh Hàng Bè' });
  await tra.getByRole('button', { name: 'Từ chối lời mời cố vấn cho Trà chanh Hàng Bè' }).click();
  const dlg = page.getByRole('dialog', { name: 'Từ chối cố vấn cho Trà chanh Hàng Bè?' });
  await dlg.getByRole('button', { name: 'Từ chối' }).click();
  await dlg.getByText('Bắt buộc', { exact: true }).waitFor();
  await dlg.getByLabel('Lý do (bắt buộc, chỉ cán bộ đọc)').fill('Tôi không rành bán hàng qua mạng.');
  await dlg.getByRole('button', { name: 'Từ chối' }).click();
  await page.getByText('Đã từ chối lời mời.').waitFor();
  await settled(page);
  await page.getByRole('heading', { name: 'Lời mời đang chờ chị trả lời (0)' }).waitFor();
  await page.getByText('Tôi không rành bán hàng qua mạng.').waitFor();
  const rows = (await db.query(`SELECT a.business_name, m.status, m.decline_reason FROM matches m JOIN applications a ON a.id = m.application_id
    WHERE m.call_id = $1 AND m.mentor_id = $2 ORDER BY a.business_name`, [call, lan.id])).rows;
  assert.deepEqual(rows.map((r) => [r.business_name, r.status, r.decline_reason]), [
    ['Bánh cuốn Hàng Đào', 'accepted', null], ['Trà chanh Hàng Bè', 'declined', 'Tôi không rành bán hàng qua mạng.']]);
  await assertFits(assert, page);
  await shot(page, 'mentor-answered');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('a session is logged by the mentor; the woman sees her mentor and the session; staff see hours and who is left', guard('mentor-session', async () => {
  const page = await open();
  await signIn(page, lan.token);
  await page.goto(`${BASE}/#/mentor`);
  await page.getByRole('heading', { level: 1, name: 'Lời mời và học viên' }).waitFor();
  await page.getByRole('link', { name: 'Các buổi cố vấn' }).click();
  await page.getByRole('heading', { level: 1, name: 'Các buổi cố vấn' }).waitFor();
  await page.getByText('Với Đỗ Thị Bích — Bánh cuốn Hàng Đào').waitFor();
  await page.getByText('Chưa có buổi nào được ghi.').waitFor();

  // No minutes: the API's error in place.
  await page.getByLabel('Ghi chép').fill('Cùng lập sổ thu chi theo ngày.');
  await page.getByRole('button', { name: 'Lưu buổi cố vấn' }).click();
  await (await errOf(page, 'Thời lượng (phút)')).getByText('Bắt buộc').waitFor();
  await page.getByLabel('Thời lượng (phút)').fill('90');
  await page.getByLabel('Tài chính và sổ sách kế toán').check();
  await page.getByLabel('Việc tiếp theo').fill('Ghi sổ đủ một tuần rồi xem lại.');
  await page.getByRole('button', { name: 'Lưu buổi cố vấn' }).click();
  await page.getByText('Đã ghi buổi cố vấn.').waitFor();
  await settled(page);
  await page.getByText('1 buổi, tổng cộng 1,5 giờ.').waitFor();
  const item = page.locator('.sessions li').first();
  await item.getByText('90 phút', { exact: false }).waitFor();
  await item.getByText('Ghi bởi Nguyễn Thị Lan (người cố vấn)').waitFor();
  await item.getByText('Ghi sổ đủ một tuần rồi xem lại.').waitFor();
  await assertFits(assert, page);
  await shot(page, 'mentor-session');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // The woman: her mentor's name and e-mail, and the session.
  const her = await open();
  await signIn(her, await sessionFor(apps.banh.applicant));
  await her.goto(`${BASE}/#/`);
  await her.getByRole('link', { name: 'Cố vấn', exact: true }).click();
  await her.getByRole('heading', { level: 1, name: 'Người cố vấn của tôi' }).waitFor();
  await her.getByRole('heading', { name: 'Người cố vấn của chị: Nguyễn Thị Lan' }).waitFor();
  await her.getByRole('link', { name: 'Các buổi cố vấn' }).click();
  await her.getByText('1 buổi, tổng cộng 1,5 giờ.').waitFor();
  await her.getByText('Cùng lập sổ thu chi theo ngày.').waitFor();
  // She logs sessions too; one a day, so a meeting is never counted twice.
  await her.getByLabel('Thời lượng (phút)').fill('90');
  await her.getByLabel('Ghi chép').fill('Buổi lập sổ thu chi.');
  await her.getByRole('button', { name: 'Lưu buổi cố vấn' }).click();
  await (await errOf(her, 'Ngày gặp')).getByText('Đã có một buổi được ghi cho ngày này').waitFor();
  assert.equal(Number((await db.query('SELECT count(*) FROM mentoring_sessions s JOIN matches m ON m.id = s.match_id WHERE m.application_id = $1',
    [apps.banh.id])).rows[0].count), 1);
  await assertFits(assert, her);
  await shot(her, 'mentee-sees-mentor');
  assert.deepEqual(her.problems, []);
  await her.context().close();

  // Staff: the tea shop is without a mentor, and why; the hours.
  const desk = await desktop();
  await signIn(desk, staff);
  await desk.goto(`${BASE}/#/staff/calls/${call}/matching`);
  await desk.getByRole('heading', { level: 1, name: 'Ghép cố vấn' }).waitFor();
  await settled(desk);
  await desk.getByRole('heading', { name: 'Chưa có người cố vấn (1)' }).waitFor();
  const left = desk.locator('.unmatched li').filter({ hasText: 'Trà chanh Hàng Bè' });
  await left.getByText('Lần trước: Nguyễn Thị Lan — Bị từ chối: Tôi không rành bán hàng qua mạng.').waitFor();
  await desk.getByRole('region', { name: 'Theo người được cố vấn' }).getByRole('row').filter({ hasText: 'Bánh cuốn Hàng Đào' }).getByText('1,5').waitFor();
  await desk.getByRole('region', { name: 'Theo người cố vấn' }).getByRole('row').filter({ hasText: 'Nguyễn Thị Lan' }).getByText('1,5').waitFor();
  await shot(desk, 'matching-hours');
  assert.deepEqual(desk.problems, []);
  await desk.context().close();
}));
