// Staff create and open a call (the rubric's weights summed as they type),
// find an application by searching without diacritics, screen it, verify
// its priority claim beside the certificate, and export the list as CSV.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { login } from '../api/lib.mjs';
import { addDocument, applicant, assertFits, day, db, demoCallId, idFromHash, signIn, submitted } from './fixtures.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); await db.end(); });

// A time in Hà Nội as a datetime-local input takes it.
const hanoi = (ms) => new Date(ms + 7 * 3600e3).toISOString().slice(0, 16);

test('staff create and open a call, then screen, verify and export', async () => {
  const page = await phone(browser);
  const tag = randomBytes(3).toString('hex');
  await page.goto(BASE + '/#/login');
  await page.getByLabel('Địa chỉ e-mail').fill('staff@sen.example');
  await page.getByLabel('Mật khẩu').fill('sen-staff-demo');
  await page.getByRole('button', { name: 'Đăng nhập' }).last().click();
  await page.getByRole('heading', { level: 1, name: /Xin chào/ }).waitFor();

  // A new call.
  await page.getByRole('link', { name: 'Các đợt hỗ trợ' }).first().click();
  await page.getByRole('link', { name: 'Tạo đợt mới' }).click();
  await page.getByRole('heading', { level: 1, name: 'Tạo đợt mới' }).waitFor();
  await page.getByLabel('Tên đợt (tiếng Việt)').fill(`Đợt thử nghiệm ${tag}`);
  await page.getByLabel('Tên đợt (tiếng Anh)').fill(`Pilot call ${tag}`);
  await page.getByLabel('Giới thiệu (tiếng Việt)').fill('Hỗ trợ nhỏ cho hộ kinh doanh.');
  await page.getByLabel('Giới thiệu (tiếng Anh)').fill('Small grants for household businesses.');
  await page.getByLabel('Bắt đầu nhận hồ sơ').fill(hanoi(Date.now() - 3600e3));
  await page.getByLabel('Hạn nộp hồ sơ').fill(hanoi(Date.now() + 30 * 86400e3));
  await page.getByLabel('Tổng ngân sách (đồng)').fill('500.000.000');
  await page.getByLabel('Mức hỗ trợ tối đa mỗi hồ sơ (đồng)').fill('30.000.000');
  // Every ward by default.
  await page.getByText('Đã chọn 18/18 phường.').waitFor();
  assert.equal(await page.getByLabel('Hàng Bài').isChecked(), true);
  // The rubric, with the weights summed live.
  await page.getByLabel('Tên tiêu chí (tiếng Việt)').fill('Tác động xã hội');
  await page.getByLabel('Tên tiêu chí (tiếng Anh)').fill('Social impact');
  await page.getByLabel('Trọng số (%)').fill('60');
  await page.getByText('Tổng trọng số: 60/100 — còn thiếu 40').waitFor();
  await page.getByRole('button', { name: 'Thêm tiêu chí' }).click();
  await page.getByLabel('Tên tiêu chí (tiếng Việt)').nth(1).fill('Tính khả thi');
  await page.getByLabel('Tên tiêu chí (tiếng Anh)').nth(1).fill('Feasibility');
  await page.getByLabel('Trọng số (%)').nth(1).fill('50');
  await page.getByText('Tổng trọng số: 110/100 — vượt 10').waitFor();
  await page.getByLabel('Trọng số (%)').nth(1).fill('40');
  await page.getByText('Tổng trọng số: 100/100 ✓').waitFor();
  await assertFits(assert, page);
  await page.getByRole('button', { name: 'Tạo đợt (bản nháp)' }).click();
  await page.getByRole('heading', { level: 1, name: `Đợt thử nghiệm ${tag}` }).waitFor();
  const callId = idFromHash(page);
  assert.equal(await page.getByLabel('Mã tiêu chí').first().inputValue(), 'social_impact');
  await page.locator('main .badge').getByText('Bản nháp').waitFor();

  // Open it, after a confirmation.
  await page.getByRole('button', { name: 'Mở nhận hồ sơ' }).click();
  const dialog = page.getByRole('dialog', { name: `Mở đợt “Đợt thử nghiệm ${tag}”?` });
  await dialog.getByText(/tiêu chí chấm điểm và chính sách ưu tiên bị khóa/).waitFor();
  await dialog.getByRole('button', { name: 'Mở nhận hồ sơ' }).click();
  await page.locator('main .badge').getByText('Đang nhận hồ sơ').waitFor();
  await page.getByText('Đợt đã mở: tiêu chí chấm điểm và chính sách ưu tiên đã được khóa.').waitFor();
  assert.equal(await db.query('SELECT status FROM calls WHERE id = $1', [callId]).then((r) => r.rows[0].status), 'open');
  await shot(page, 'staff-call-open');

  // An applicant from a poor household applies, with her certificate.
  const a = await applicant({
    full_name: 'Nguyễn Thị Phương Thảo', national_id: '001192054321', household_status: 'poor',
    household_cert_number: 'HN-0042', household_cert_issued_on: await day('-100'), household_cert_valid_until: await day('200'),
  });
  const s = await submitted(a.token, callId, { business_name: 'Xôi xéo Phúc Tân' });
  await addDocument(s.id, 'household_certificate', a.id);

  // Found from the call's list, searching without diacritics.
  await page.getByRole('link', { name: 'Các đợt hỗ trợ' }).first().click();
  await page.getByRole('listitem').filter({ hasText: `Đợt thử nghiệm ${tag}` }).getByRole('link', { name: 'Xem hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Danh sách hồ sơ' }).waitFor();
  await page.getByLabel('Tìm kiếm').fill('phuong thao xoi');
  const result = page.locator('.results').getByRole('link', { name: 'Xôi xéo Phúc Tân' });
  await result.waitFor();
  await page.getByText('Hiển thị 1 hồ sơ.').waitFor();
  await page.locator('.results').getByText('Hộ nghèo: Chờ xác minh').waitFor();
  await page.getByLabel('Tìm kiếm').fill('phuong thao khong co');
  await page.getByText('Không có hồ sơ nào phù hợp.').waitFor();
  await page.getByLabel('Tìm kiếm').fill('PHUONG THAO');
  await result.waitFor();
  await assertFits(assert, page);
  await shot(page, 'staff-search');
  await result.click();

  // Her personal data, then screening.
  await page.getByRole('heading', { level: 1, name: 'Xôi xéo Phúc Tân' }).waitFor();
  await page.getByText('001192054321').waitFor();
  await page.getByText('Nguyễn Thị Phương Thảo').waitFor();
  await page.getByRole('link', { name: 'Mở giay-chung-nhan.pdf' }).waitFor();
  await page.getByLabel('Đủ điều kiện', { exact: true }).check();
  await page.getByRole('button', { name: 'Ghi kết quả sơ tuyển' }).click();
  await page.getByRole('dialog', { name: 'Xác nhận hồ sơ đủ điều kiện?' }).getByRole('button', { name: 'Ghi kết quả sơ tuyển' }).click();
  await page.locator('.status-head').getByText('Đủ điều kiện').waitFor();

  // The claim, verified beside its certificate.
  const claim = page.locator('.claim').filter({ hasText: 'Hộ nghèo' });
  await claim.getByText('Chờ xác minh').waitFor();
  await claim.getByRole('link', { name: 'Mở giay-chung-nhan.pdf' }).waitFor();
  await claim.getByRole('button', { name: 'Xác minh' }).click();
  const verify = page.getByRole('dialog', { name: 'Xác minh diện “Hộ nghèo”?' });
  await verify.getByLabel('Ghi chú (không bắt buộc)').fill('Đối chiếu bản gốc tại phường.');
  await verify.getByRole('button', { name: 'Xác minh' }).click();
  await page.locator('.claim').filter({ hasText: 'Hộ nghèo' }).getByText('Đã xác minh').waitFor();
  const row = (await db.query('SELECT status, note FROM priority_claims WHERE application_id = $1', [s.id])).rows[0];
  assert.deepEqual(row, { status: 'verified', note: 'Đối chiếu bản gốc tại phường.' });
  await page.getByText('Đang sơ tuyển → Đủ điều kiện').waitFor();
  await assertFits(assert, page);
  await shot(page, 'staff-verified');

  // The CSV of the same selection.
  // Back to the list as it was: the call's filter and the search.
  await page.goBack();
  await page.getByRole('heading', { level: 1, name: 'Danh sách hồ sơ' }).waitFor();
  assert.equal(await page.getByLabel('Tìm kiếm').inputValue(), 'PHUONG THAO');
  assert.equal(await page.getByLabel('Đợt hỗ trợ').inputValue(), String(callId));
  await result.waitFor();
  await page.locator('.results').getByText('Hộ nghèo: Đã xác minh').waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Tải về CSV' }).click(),
  ]);
  const csv = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const lines = csv.split('\r\n');
  assert.equal(lines[0], 'reference,status,call,applicant,business_name,stage,sector,ward,amount_requested_vnd,submitted_at,claimed,verified');
  assert.equal(lines.filter((l) => l.includes('Xôi xéo Phúc Tân')).length, 1);
  assert.match(lines[1], /eligible.*Nguyễn Thị Phương Thảo.*Xôi xéo Phúc Tân.*poor,poor$/);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('a rejected claim and an ineligible application: the reasons are required, and she reads them', async () => {
  const a = await applicant({
    full_name: 'Trịnh Thị Gấm', disability: true, disability_level: 'mild',
    disability_cert_number: 'KT-9', disability_cert_issued_on: await day('-400'),
  });
  const s = await submitted(a.token, await demoCallId(), { business_name: 'Thêu tay Gấm' });
  await addDocument(s.id, 'disability_certificate', a.id);

  const page = await phone(browser);
  await signIn(page, await login('staff'));
  await page.goto(`${BASE}/#/staff/applications/${s.id}`);
  await page.getByRole('heading', { level: 1, name: 'Thêu tay Gấm' }).waitFor();

  // Rejecting needs a note.
  await page.locator('.claim').getByRole('button', { name: 'Không chấp nhận' }).click();
  const reject = page.getByRole('dialog', { name: 'Không chấp nhận diện “Người khuyết tật”?' });
  await reject.getByRole('button', { name: 'Không chấp nhận' }).click();
  await reject.getByText('Bắt buộc', { exact: true }).waitFor();
  await reject.getByLabel('Lý do (bắt buộc, người nộp sẽ đọc)').fill('Ảnh chụp bị mờ, không đọc được số giấy.');
  await reject.getByRole('button', { name: 'Không chấp nhận' }).click();
  await page.locator('.claim').getByText('Không được chấp nhận').waitFor();

  // Not eligible needs a reason too.
  await page.getByLabel('Không đủ điều kiện').check();
  await page.getByRole('button', { name: 'Ghi kết quả sơ tuyển' }).click();
  const reasonErr = page.locator('#' + (await page.getByLabel('Lý do', { exact: true }).getAttribute('id')) + '-err');
  assert.equal(await reasonErr.textContent(), 'Bắt buộc');
  await page.getByLabel('Lý do', { exact: true }).fill('Cơ sở đã hoạt động hơn 12 tháng.');
  await page.getByRole('button', { name: 'Ghi kết quả sơ tuyển' }).click();
  await page.getByRole('dialog', { name: 'Xác nhận hồ sơ không đủ điều kiện?' }).getByRole('button', { name: 'Ghi kết quả sơ tuyển' }).click();
  await page.locator('.status-head').getByText('Không đủ điều kiện').waitFor();
  await page.context().close();

  // What she reads.
  const her = await phone(browser);
  await signIn(her, a.token);
  await her.goto(`${BASE}/#/applications/${s.id}`);
  await her.getByText('Hồ sơ không đủ điều kiện: Cơ sở đã hoạt động hơn 12 tháng.').waitFor();
  await her.locator('.claim').getByText('Lý do: Ảnh chụp bị mờ, không đọc được số giấy.').waitFor();
  await her.locator('.claim').getByText('Không được chấp nhận').waitFor();
  await shot(her, 'applicant-ineligible');
  assert.deepEqual(her.problems, []);
  await her.context().close();
});
