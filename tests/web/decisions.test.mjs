// Funding decisions in the browser, on one call whose ranking is made by
// hand (decisions_fixtures.mjs says how the proposal falls): staff read
// the allocation proposal with its reasons and totals, try another
// amount, set the minimum merit, record decisions beside the proposal
// (one departing from it is refused in place until it says why), and
// release them all after a strong confirmation; the applicant on a 360 px
// phone reads her decision and letter (the reviewer's comment for her,
// not the confidential one) and declines, and the next on the waitlist is
// offered the money (staff's awards list shows it); staff pay the first
// tranche of an award, an over-payment and a closed tranche are refused
// in place, a later tranche says which check-in it waits for, and the
// schedule is edited with its sum in view; another applicant asks for a
// reconsideration and staff answer it; staff reverse a rejection and
// revoke an award (nobody waiting fits what it frees).  The tests run in
// order on the one call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { api, login } from '../api/lib.mjs';
import { assertFits, db, signIn } from './fixtures.mjs';
import {
  COMMENT_A, CONFIDENTIAL_A, M, NAMES, awardOf, decisionScenario,
} from './decisions_fixtures.mjs';

let browser;
let staff;
let s;	// { call, apps, hoa, dung, lan }

before(async () => {
  browser = await launch();
  staff = await login('staff');
  s = await decisionScenario(randomBytes(3).toString('hex'));
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
const id = (k) => s.apps[k].id;
const ref = (k) => s.apps[k].reference;
const row = (page, k) => page.locator('.allocation tbody tr').filter({ hasText: ref(k) });
const fact = (page, label) => page.locator('dt', { hasText: label }).first().locator('xpath=following-sibling::dd[1]');
const count = async (sql, params) => Number((await db.query(sql, params)).rows[0].count);
const decide = (k, body) => api('POST', `/api/applications/${id(k)}/decision`, { token: staff, body });

test('staff read the allocation proposal with its reasons and totals, try another amount and set the minimum merit', guard('decisions-allocation', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/calls`);
  await page.getByRole('listitem').filter({ has: page.locator(`a[href="#/staff/calls/${s.call.id}"]`) })
    .getByRole('link', { name: 'Đề xuất phân bổ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đề xuất phân bổ' }).waitFor();
  await settled(page);

  // The totals: the reserve (30 % of 100) goes to B, the general pool
  // (70) to A 40, C 20 and E 10; nothing is left.
  assert.equal(await fact(page, 'Ngân sách của đợt').innerText(), '100.000.000 ₫');
  assert.equal(await fact(page, 'Quỹ dành riêng cho diện ưu tiên').innerText(),
    '30.000.000 ₫ (30% ngân sách): đã dùng 30.000.000 ₫, trả về quỹ chung 0 ₫');
  assert.equal(await fact(page, 'Quỹ chung').innerText(), '70.000.000 ₫: đã dùng 70.000.000 ₫');
  assert.equal(await fact(page, 'Đề xuất hỗ trợ').innerText(), '100.000.000 ₫ cho 4 hồ sơ');
  assert.equal(await fact(page, 'Chưa phân bổ').innerText(), '0 ₫');
  assert.equal(await fact(page, 'Hồ sơ trong danh sách chờ').innerText(), '3');

  // Each line in rank order with why it lands where it does.
  const refs = await page.locator('.allocation tbody tr th .ref').allInnerTexts();
  assert.deepEqual(refs, ['A', 'B', 'C', 'D', 'E', 'G', 'F'].map(ref));
  const reasons = {
    A: 'được hỗ trợ từ quỹ chung (hạng 1)',
    B: 'được hỗ trợ từ quỹ dành riêng cho diện ưu tiên (hạng 2)',
    C: 'được hỗ trợ từ quỹ chung (hạng 3)',
    D: 'danh sách chờ: còn 10 000 000 đồng, đề nghị 30 000 000',
    E: 'được hỗ trợ từ quỹ chung (hạng 5; hạng 4 không vừa số tiền còn lại nên xét tiếp)',
    G: 'danh sách chờ: còn 0 đồng, đề nghị 50 000 000',
    F: 'danh sách chờ: còn 0 đồng, đề nghị 10 000 000',
  };
  for (const [k, why] of Object.entries(reasons)) assert.equal(await row(page, k).locator('.al-reason').innerText(), why, k);
  await row(page, 'B').getByText('Ưu tiên: Hộ nghèo').waitFor();
  await row(page, 'B').getByText('Quỹ dành riêng', { exact: true }).waitFor();
  await row(page, 'D').getByText('Danh sách chờ (thứ 1)').waitFor();
  const cells = async (k) => (await row(page, k).locator('td').allInnerTexts()).map((x) => x.trim());
  // Rank, score, requested, outcome, amount, running total.
  assert.deepEqual((await cells('E')).slice(0, 6), ['5', '60,0', '10.000.000 ₫', 'Được hỗ trợ\nQuỹ chung', '10.000.000 ₫', '100.000.000 ₫']);
  assert.deepEqual((await cells('D')).slice(4, 6), ['—', '90.000.000 ₫']);
  assert.deepEqual(await page.locator('ol.waitlist li .ref').allInnerTexts(), [ref('D'), ref('G'), ref('F')]);
  await page.getByRole('row').filter({ hasText: 'Hộ nghèo' }).filter({ hasText: '30 %' }).waitFor();

  // Another amount for C: 15 instead of 20.  General 70: A 40, C 15 (15
  // left), D 30 does not fit, E 10 (5 left): 5 unspent.  Nothing saved.
  const before_ = await count('SELECT count(*) FROM decisions WHERE call_id = $1', [s.call.id]);
  await page.getByLabel('Hồ sơ', { exact: true }).selectOption({ value: String(id('C')) });
  await page.getByLabel('Số tiền thử (đồng)').fill('15.000.000');
  await page.getByRole('button', { name: 'Tính lại' }).click();
  await page.getByText('Đang thử số tiền khác:').waitFor();
  await settled(page);
  assert.ok(page.url().endsWith(`amount.${id('C')}=15000000`), page.url());
  assert.equal(await row(page, 'C').locator('.al-reason').innerText(),
    'được hỗ trợ từ quỹ chung (hạng 3): 15 000 000 do cán bộ đặt trên 20 000 000 đề nghị');
  await row(page, 'C').getByText('có thể nhận 15.000.000 ₫ (số tiền đang thử)').waitFor();
  assert.equal(await row(page, 'D').locator('.al-reason').innerText(), 'danh sách chờ: còn 15 000 000 đồng, đề nghị 30 000 000');
  assert.equal(await fact(page, 'Chưa phân bổ').innerText(), '5.000.000 ₫');
  assert.equal(await fact(page, 'Đề xuất hỗ trợ').innerText(), '95.000.000 ₫ cho 4 hồ sơ');
  await shot(page, 'decisions-allocation-try');
  assert.equal(await count('SELECT count(*) FROM decisions WHERE call_id = $1', [s.call.id]), before_);
  await page.getByRole('link', { name: 'Bỏ mọi số tiền thử' }).click();
  await settled(page);
  await page.getByText('Đang thử số tiền khác:').waitFor({ state: 'detached' });
  assert.equal(await fact(page, 'Chưa phân bổ').innerText(), '0 ₫');

  // In English, the same reasons in English.
  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByRole('heading', { level: 1, name: 'Allocation proposal' }).waitFor();
  await settled(page);
  assert.equal(await row(page, 'E').locator('.al-reason').innerText(),
    'funded from the general pool (rank 5; rank 4 did not fit, so the walk went on)');
  assert.equal(await fact(page, 'Unspent').innerText(), '0 ₫');
  await page.getByRole('button', { name: 'Switch to Vietnamese' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đề xuất phân bổ' }).waitFor();

  // The minimum merit, in the decision settings: F (40) falls below 45.
  await page.getByRole('link', { name: 'Quyết định', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Quyết định' }).waitFor();
  await settled(page);
  await page.getByLabel('Điểm chuyên môn tối thiểu (0–100)').fill('45');
  // The tranche shares are summed as they are typed.
  await page.getByLabel('Đợt 3: tỷ lệ (%)').fill('30');
  await page.getByText('Tổng: 110% — cần đúng 100%.').waitFor();
  await page.getByRole('button', { name: 'Lưu cài đặt quyết định' }).click();
  await page.locator('[name=tranche_pcts]').locator('..').getByText('Tổng các tỷ lệ phải là 100% (hiện là 110%)').waitFor();
  assert.equal(Number((await db.query('SELECT min_merit FROM calls WHERE id = $1', [s.call.id])).rows[0].min_merit), 0, 'nothing saved');
  await page.getByLabel('Đợt 3: tỷ lệ (%)').fill('20');
  await page.getByText('Tổng: 100% — hợp lệ.').waitFor();
  await page.getByRole('button', { name: 'Lưu cài đặt quyết định' }).click();
  await page.getByText('Đã lưu cài đặt quyết định.').waitFor();
  await settled(page);
  assert.equal(Number((await db.query('SELECT min_merit FROM calls WHERE id = $1', [s.call.id])).rows[0].min_merit), 45);

  await page.getByRole('link', { name: 'Đề xuất phân bổ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Đề xuất phân bổ' }).waitFor();
  await settled(page);
  assert.equal(await row(page, 'F').locator('.al-reason').innerText(), 'dưới điểm tối thiểu: 40,0 < 45,0');
  assert.equal(await fact(page, 'Dưới điểm tối thiểu').innerText(), '1 hồ sơ (điểm tối thiểu: 45)');
  assert.deepEqual(await page.locator('ol.waitlist li .ref').allInnerTexts(), [ref('D'), ref('G')]);
  await shot(page, 'decisions-allocation');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('staff record decisions beside the proposal; one that departs from it is refused in place until it says why; then the release, confirmed', guard('decisions-record', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/calls/${s.call.id}/allocation`);
  await settled(page);

  // A, as proposed: funded, 40 000 000.
  await row(page, 'A').getByRole('link', { name: `Ghi quyết định cho ${ref('A')}` }).click();
  await page.getByRole('heading', { level: 1, name: `Quyết định: ${ref('A')} — ${NAMES.A}` }).waitFor();
  await settled(page);
  const prop = page.locator('.proposal');
  await prop.getByText('được hỗ trợ từ quỹ chung (hạng 1)').waitFor();
  assert.equal(await page.getByLabel('Được hỗ trợ', { exact: true }).isChecked(), true);
  assert.equal(await page.getByLabel('Số tiền hỗ trợ (đồng)').inputValue(), '40.000.000');
  await page.getByText('Quyết định này đúng theo đề xuất.').waitFor();
  // A smaller amount: the proposal follows it (staff set her amount by
  // deciding it), so the decision still follows the proposal.
  await page.getByLabel('Số tiền hỗ trợ (đồng)').fill('35.000.000');
  await prop.getByText('Đề xuất khi số tiền là 35.000.000 ₫:').waitFor();
  await prop.getByText('được hỗ trợ từ quỹ chung (hạng 1): 35 000 000 do cán bộ đặt trên 40 000 000 đề nghị').waitFor();
  await page.getByText('Quyết định này đúng theo đề xuất.').waitFor();
  await page.getByLabel('Số tiền hỗ trợ (đồng)').fill('40.000.000');
  await prop.getByText('được hỗ trợ từ quỹ chung (hạng 1)', { exact: true }).waitFor();
  await page.getByLabel('Lý do quyết định').fill('Kế hoạch khả thi, tạo việc làm cho phụ nữ trong phường.');
  await page.getByRole('button', { name: 'Lưu quyết định' }).click();
  await page.getByText(`Đã lưu quyết định cho ${ref('A')} (chưa công bố).`).waitFor();
  await page.getByRole('heading', { level: 1, name: 'Đề xuất phân bổ' }).waitFor();
  await settled(page);
  await row(page, 'A').getByText('Chưa công bố').waitFor();
  await row(page, 'A').getByRole('link', { name: `Sửa quyết định của ${ref('A')}` }).waitFor();

  // G: the proposal waitlists her; rejecting departs from it.
  await row(page, 'G').getByRole('link', { name: `Ghi quyết định cho ${ref('G')}` }).click();
  await page.getByRole('heading', { level: 1, name: `Quyết định: ${ref('G')} — ${NAMES.G}` }).waitFor();
  await settled(page);
  assert.equal(await page.getByLabel('Danh sách chờ', { exact: true }).isChecked(), true);
  await page.getByLabel('Không được hỗ trợ').check();
  await page.getByText('Quyết định này khác đề xuất: cần nêu lý do khác đề xuất.').waitFor();
  assert.equal(await page.getByLabel('Số tiền hỗ trợ (đồng)').isVisible(), false);
  await page.getByLabel('Lý do quyết định').fill('Kế hoạch cần vốn lớn hơn khả năng của đợt.');
  await page.getByRole('button', { name: 'Lưu quyết định' }).click();
  const departure = page.getByLabel('Lý do khác đề xuất');
  await page.locator('#' + await departure.getAttribute('id') + '-err')
    .getByText('Bắt buộc: quyết định này khác đề xuất (danh sách chờ: còn 0 đồng, đề nghị 50 000 000)').waitFor();
  assert.equal(await departure.getAttribute('aria-invalid'), 'true');
  assert.equal(await count('SELECT count(*) FROM decisions WHERE application_id = $1', [id('G')]), 0, 'nothing written');
  await departure.fill('Cần 50 triệu cho lò nung: không khả thi với phần còn lại của ngân sách.');
  await page.getByRole('button', { name: 'Lưu quyết định' }).click();
  await page.getByText(`Đã lưu quyết định cho ${ref('G')} (chưa công bố).`).waitFor();
  const g = (await db.query('SELECT * FROM decisions WHERE application_id = $1', [id('G')])).rows[0];
  assert.deepEqual([g.outcome, g.status, g.proposed_outcome, g.departure_reason],
    ['rejected', 'pending', 'waitlisted', 'Cần 50 triệu cho lò nung: không khả thi với phần còn lại của ngân sách.']);

  // The decisions page: what is still undecided holds the release.
  await page.getByRole('link', { name: 'Quyết định', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Quyết định' }).waitFor();
  await settled(page);
  await page.getByRole('heading', { name: 'Hồ sơ chưa có quyết định (5)' }).waitFor();
  await page.getByText('Còn hồ sơ chưa có quyết định (xem bên trên).').waitFor();
  assert.equal(await page.getByRole('button', { name: /Công bố \d+ quyết định/ }).isDisabled(), true);
  const gRow = page.locator('.decisions tbody tr').filter({ hasText: ref('G') });
  await gRow.getByText('Khác đề xuất').waitFor();
  await gRow.getByText('danh sách chờ: còn 0 đồng, đề nghị 50 000 000').waitFor();

  // The others as proposed, through the API; F, below the minimum, is
  // rejected, which follows the proposal.
  for (const [k, body] of [['B', { outcome: 'funded', amount_vnd: 30 * M }], ['C', { outcome: 'funded', amount_vnd: 20 * M }],
    ['D', { outcome: 'waitlisted' }], ['E', { outcome: 'funded', amount_vnd: 10 * M }], ['F', { outcome: 'rejected' }]]) {
    const r = await decide(k, { ...body, rationale: `Theo đề xuất phân bổ (${NAMES[k]}).` });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.departs, false, k);
  }
  await page.reload();
  await settled(page);
  await page.getByText('Mọi hồ sơ đã chấm đều có quyết định.').waitFor();
  assert.equal(await fact(page, 'Đã cam kết').innerText(), '100.000.000 ₫');
  await page.locator('.stats li').filter({ hasText: 'khác đề xuất' }).getByText('1', { exact: true }).waitFor();

  // The release: the consequences, then the word to type.
  await page.getByRole('button', { name: 'Công bố 7 quyết định…' }).click();
  const dlg = page.getByRole('dialog', { name: 'Công bố 7 quyết định?' });
  await dlg.getByText('4 hồ sơ được hỗ trợ, tổng cộng 100.000.000 ₫; 1 hồ sơ vào danh sách chờ; 2 hồ sơ không được hỗ trợ.').waitFor();
  await dlg.getByText('Không thể hoàn tác: sau khi công bố, quyết định chỉ thay đổi được bằng cách đảo ngược có ghi lý do.').waitFor();
  await shot(page, 'decisions-release-confirm');
  await dlg.getByRole('button', { name: 'Công bố ngay' }).click();
  await dlg.getByText('Hãy gõ đúng “CÔNG BỐ” để xác nhận.').waitFor();
  assert.equal(await count("SELECT count(*) FROM decisions WHERE call_id = $1 AND status = 'released'", [s.call.id]), 0);
  await dlg.getByLabel('Để xác nhận, hãy gõ “CÔNG BỐ”').fill('công bố');
  await dlg.getByRole('button', { name: 'Công bố ngay' }).click();
  await page.getByText('Đã công bố 7 quyết định: 4 được hỗ trợ, 1 danh sách chờ, 2 không được hỗ trợ; đã gửi 7 thư.').waitFor();
  await settled(page);
  await page.locator('main .badge').getByText('Đã có kết quả').first().waitFor();
  assert.equal((await db.query('SELECT status FROM calls WHERE id = $1', [s.call.id])).rows[0].status, 'decided');
  const st = Object.fromEntries((await db.query('SELECT id, status FROM applications WHERE call_id = $1', [s.call.id])).rows.map((x) => [Number(x.id), x.status]));
  assert.deepEqual(['A', 'B', 'C', 'D', 'E', 'G', 'F'].map((k) => st[id(k)]),
    ['funded', 'funded', 'funded', 'waitlisted', 'funded', 'rejected', 'rejected']);
  await page.locator('.decisions tbody tr').filter({ hasText: ref('A') }).getByRole('link', { name: 'Khoản hỗ trợ' }).waitFor();
  await shot(page, 'decisions-released');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('the applicant on a 360 px phone reads her decision and letter, and declines; the next on the waitlist is offered the money', guard('decisions-applicant', async () => {
  const page = await open();
  await signIn(page, s.hoa.token);
  await page.goto(`${BASE}/#/applications`);
  await page.getByRole('link', { name: NAMES.A }).click();
  await page.getByRole('heading', { level: 1, name: NAMES.A }).waitFor();
  await settled(page);
  const sec = page.getByRole('region', { name: 'Kết quả xét chọn' });
  await sec.locator('.outcome-line').getByText('Được hỗ trợ').waitFor();
  await sec.locator('.outcome-line').getByText('40.000.000 ₫').waitFor();
  await sec.getByText('Kế hoạch khả thi, tạo việc làm cho phụ nữ trong phường.').first().waitFor();
  // Her letter: the comment for her, never the one for the committee.
  const letter = sec.locator('.letter-body');
  const text = await letter.innerText();
  assert.ok(text.startsWith('Chào chị Trần Thị Hoa'), text);
  assert.ok(text.includes(`Nhận xét 1: ${COMMENT_A}`), text);
  assert.ok(!text.includes(CONFIDENTIAL_A) && !text.includes('BÍ MẬT'), 'no confidential comment');
  assert.equal(await page.getByText(CONFIDENTIAL_A).count(), 0);
  assert.equal(await page.getByText('Người chấm Bí Danh').count(), 0, 'no reviewer name');
  await sec.locator('.letter-subject').getByText(`Sen: hồ sơ ${ref('A')} được hỗ trợ`, { exact: false }).waitFor();
  // Her award: the tranches and what opens each.
  const tranches = sec.locator('.my-tranches li');
  assert.equal(await tranches.count(), 3);
  await tranches.nth(0).getByText('Đợt 1 · 20.000.000 ₫').waitFor();
  await tranches.nth(0).getByText('Ngay khi nhận hỗ trợ').waitFor();
  await tranches.nth(0).getByText('Có thể chi').waitFor();
  await tranches.nth(1).getByText('Đợt 2 · 12.000.000 ₫').waitFor();
  await tranches.nth(1).getByText(/^Khi báo cáo sau 3 tháng \(số 2\) được duyệt \(hạn nộp .+\)$/).waitFor();
  await tranches.nth(1).getByText('Chờ báo cáo sau 3 tháng (số 2): chưa nộp').waitFor();
  await sec.getByText('Chưa chi khoản nào.').waitFor();
  await assertFits(assert, page);
  await shot(page, 'decisions-applicant-letter');

  // Declining: a reason, a confirmation.
  await sec.getByRole('button', { name: 'Từ chối nhận hỗ trợ…' }).click();
  const dlg = page.getByRole('dialog', { name: 'Từ chối khoản hỗ trợ 40.000.000 ₫?' });
  await dlg.getByText('Hồ sơ của chị sẽ được rút lại và khoản hỗ trợ được chuyển cho người tiếp theo trong danh sách chờ.').waitFor();
  await dlg.getByRole('button', { name: 'Từ chối nhận hỗ trợ' }).click();
  await dlg.getByText('Bắt buộc').waitFor();
  assert.equal(await awardOf(id('A')) > 0, true, 'still hers');
  await dlg.getByLabel('Lý do chị từ chối').fill('Gia đình chuyển vào Đà Nẵng sinh sống.');
  await dlg.getByRole('button', { name: 'Từ chối nhận hỗ trợ' }).click();
  await page.getByText('Chị đã từ chối khoản hỗ trợ.').waitFor();
  await settled(page);
  await page.getByText('Chị đã từ chối khoản hỗ trợ này. Lý do: Gia đình chuyển vào Đà Nẵng sinh sống.').waitFor();
  await page.locator('.status-head').getByText('Đã rút').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Từ chối nhận hỗ trợ…' }).count(), 0);
  await assertFits(assert, page);
  await shot(page, 'decisions-applicant-declined');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // D, first on the waitlist, was offered 30 of the 40 freed.
  assert.equal((await db.query('SELECT status FROM applications WHERE id = $1', [id('D')])).rows[0].status, 'funded');
  const staffPage = await desktop();
  await signIn(staffPage, staff);
  await staffPage.goto(`${BASE}/#/staff/calls/${s.call.id}/awards`);
  await staffPage.getByRole('heading', { level: 1, name: 'Khoản hỗ trợ' }).waitFor();
  await settled(staffPage);
  const aw = (k) => staffPage.locator('.awards tbody tr').filter({ hasText: ref(k) });
  await aw('D').getByText('Đang hiệu lực').waitFor();
  assert.deepEqual((await aw('D').locator('td').allInnerTexts()).slice(1, 4), ['30.000.000 ₫', '0 ₫', '30.000.000 ₫']);
  await aw('A').getByText('Người nhận đã từ chối').waitFor();
  await aw('A').getByText('Gia đình chuyển vào Đà Nẵng sinh sống.').waitFor();
  // 30 (B) + 20 (C) + 10 (E) + 30 (D) committed; 10 left.
  assert.equal(await fact(staffPage, 'Đã cam kết').innerText(), '90.000.000 ₫');
  assert.equal(await fact(staffPage, 'Còn lại').innerText(), '10.000.000 ₫');
  assert.equal(await fact(staffPage, 'Khoản hỗ trợ đang hiệu lực').innerText(), '90.000.000 ₫ (4 khoản)');
  await staffPage.getByRole('heading', { name: 'Các khoản hỗ trợ (5)' }).waitFor();
  await shot(staffPage, 'decisions-awards-offer');
  assert.deepEqual(staffPage.problems, []);
  await staffPage.context().close();
}));

test('staff pay the first tranche; an over-payment and a closed tranche are refused in place; a later tranche waits for its check-in', guard('decisions-payments', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/calls/${s.call.id}/awards`);
  await settled(page);
  await page.locator('.awards tbody tr').filter({ hasText: ref('B') }).getByRole('link').click();
  await page.getByRole('heading', { level: 1, name: `Khoản hỗ trợ: ${ref('B')} — ${NAMES.B}` }).waitFor();
  await settled(page);
  // 30 000 000 in 50 / 30 / 20 %: 15, 9 and 6.
  const tr = (n) => page.locator('.tranches tbody tr').nth(n - 1);
  assert.deepEqual((await tr(1).locator('td').allInnerTexts()).map((x) => x.split('\n')[0]), ['15.000.000 ₫', 'Ngay khi nhận hỗ trợ', 'Có thể chi', '0 ₫', '15.000.000 ₫', '']);
  await tr(2).getByText(/^Khi báo cáo sau 3 tháng \(số 2\) được duyệt/).waitFor();
  await tr(2).getByText('Chờ báo cáo sau 3 tháng (số 2): chưa nộp').waitFor();
  await tr(2).getByText('Báo cáo chưa được nộp').waitFor();
  await tr(3).getByText('Chờ báo cáo sau 6 tháng (số 3): chưa nộp').waitFor();
  assert.equal(await fact(page, 'Có thể chi ngay').innerText(), '15.000.000 ₫');

  // A payment of 10 on tranche 1.
  const form = page.locator('form.pay-form');
  assert.equal(await form.getByLabel('Đợt', { exact: true }).inputValue(), '1');
  assert.equal(await form.getByLabel('Số tiền chi (đồng)').inputValue(), '15.000.000');
  await form.getByLabel('Số tiền chi (đồng)').fill('10.000.000');
  await form.getByLabel('Số chứng từ').fill('UNC-2026-0142');
  await form.getByRole('button', { name: 'Ghi nhận khoản chi' }).click();
  await page.getByText('Đã ghi nhận khoản chi 10.000.000 ₫ của đợt 1.').waitFor();
  await settled(page);
  await page.locator('.payments tbody tr').filter({ hasText: 'UNC-2026-0142' }).getByText('10.000.000 ₫').waitFor();
  await tr(1).getByText('Đã chi một phần, có thể chi tiếp').waitFor();

  // Another 10: only 5 remain of tranche 1.  Refused in place.
  await form.getByLabel('Số tiền chi (đồng)').fill('10.000.000');
  await form.getByLabel('Số chứng từ').fill('UNC-2026-0150');
  await form.getByRole('button', { name: 'Ghi nhận khoản chi' }).click();
  const amountInput = form.getByLabel('Số tiền chi (đồng)');
  await page.locator(`#${await amountInput.getAttribute('id')}-err`)
    .getByText('Vượt quá số tiền còn lại: đợt 1 chỉ còn 5.000.000 ₫ chưa chi').waitFor();
  assert.equal(await amountInput.getAttribute('aria-invalid'), 'true');
  const award = await awardOf(id('B'));
  assert.equal(await count('SELECT count(*) FROM disbursements WHERE award_id = $1', [award]), 1);

  // Tranche 2 waits for its check-in: refused in place too.
  await form.getByLabel('Đợt', { exact: true }).selectOption('2');
  await form.getByLabel('Số tiền chi (đồng)').fill('9.000.000');
  await form.getByRole('button', { name: 'Ghi nhận khoản chi' }).click();
  const trancheSel = form.getByLabel('Đợt', { exact: true });
  await page.locator(`#${await trancheSel.getAttribute('id')}-err`)
    .getByText('Đợt 2 chưa mở: đợt 2 mở khi báo cáo theo dõi số 2 được duyệt').waitFor();
  assert.equal(await count('SELECT count(*) FROM disbursements WHERE award_id = $1', [award]), 1);
  await shot(page, 'decisions-payment-refused');

  // The schedule, with its sum kept in view: tranche 3 opens on staff's
  // approval instead, 9 + 6 moved to 10 + 5.
  const edit = page.locator('form.schedule-form');
  await edit.getByLabel('Đợt 2: số tiền (đồng)').fill('10.000.000');
  await edit.getByText('Tổng 31.000.000 ₫ — vượt 1.000.000 ₫ so với khoản hỗ trợ 30.000.000 ₫.').waitFor();
  await edit.getByLabel('Đợt 3: số tiền (đồng)').fill('5.000.000');
  await edit.getByText('Tổng 30.000.000 ₫ — bằng khoản hỗ trợ.').waitFor();
  await edit.getByLabel('Đợt 3: mở khi').selectOption({ label: 'Cán bộ xác nhận' });
  assert.equal(await edit.getByLabel('Đợt 1: số tiền (đồng)').isDisabled(), true, 'a tranche paid from stays');
  await edit.getByRole('button', { name: 'Lưu lịch giải ngân' }).click();
  await page.getByText('Đã lưu lịch giải ngân.').waitFor();
  await settled(page);
  await tr(3).getByText('Khi cán bộ xác nhận').waitFor();
  // Tranche 3 approved by staff stays closed behind tranche 2.
  await tr(3).getByRole('button', { name: 'Xác nhận mở đợt 3' }).click();
  const ap = page.getByRole('dialog', { name: 'Xác nhận mở đợt 3?' });
  await ap.getByLabel('Ghi chú (không bắt buộc)').fill('Đã kiểm tra hóa đơn mua máy thêu.');
  await ap.getByRole('button', { name: 'Xác nhận mở đợt' }).click();
  await page.getByText('Đã mở đợt 3.').waitFor();
  await settled(page);
  await tr(3).getByText('Chờ đợt 2 được mở').waitFor();
  await tr(3).getByText(/^Cán bộ đã xác nhận lúc /).waitFor();
  await tr(2).getByText('Chờ báo cáo sau 3 tháng (số 2): chưa nộp').waitFor();
  const rows = (await db.query('SELECT number, amount_vnd, gate_checkin, approved_at IS NOT NULL AS ok FROM award_tranches WHERE award_id = $1 ORDER BY number', [award])).rows;
  assert.deepEqual(rows.map((x) => [x.number, Number(x.amount_vnd), x.gate_checkin, x.ok]),
    [[1, 15 * M, null, false], [2, 10 * M, 2, false], [3, 5 * M, null, true]]);
  await shot(page, 'decisions-award');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('an applicant not funded asks once for a reconsideration on her phone; staff answer it, reverse another rejection and revoke an award', guard('decisions-reconsider', async () => {
  const page = await open();
  await signIn(page, s.lan.token);
  await page.goto(`${BASE}/#/applications/${id('G')}`);
  await page.getByRole('heading', { level: 1, name: NAMES.G }).waitFor();
  await settled(page);
  const sec = page.getByRole('region', { name: 'Kết quả xét chọn' });
  await sec.locator('.outcome-line').getByText('Không được hỗ trợ').waitFor();
  await sec.getByText('Kế hoạch cần vốn lớn hơn khả năng của đợt.').first().waitFor();
  assert.equal(await page.getByText('lò nung').count(), 0, 'the departure reason is for staff only');
  await sec.getByRole('button', { name: 'Gửi đề nghị' }).click();
  await sec.getByText('Bắt buộc').waitFor();
  await sec.getByLabel('Lý do chị đề nghị xem xét lại').fill('Tôi đã có thêm một đối tác góp 20 triệu cho lò nung.');
  await sec.getByRole('button', { name: 'Gửi đề nghị' }).click();
  await page.getByRole('dialog', { name: 'Gửi đề nghị xem xét lại?' }).getByRole('button', { name: 'Gửi đề nghị' }).click();
  await page.getByText('Đã gửi đề nghị xem xét lại.').waitFor();
  await settled(page);
  await sec.getByText('Chờ trả lời').waitFor();
  await sec.getByText('Đề nghị của chị đang được xem xét.').waitFor();
  assert.equal(await sec.getByRole('button', { name: 'Gửi đề nghị' }).count(), 0, 'once only');
  await assertFits(assert, page);
  await shot(page, 'decisions-applicant-reconsideration');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // Staff answer it: changed, onto the waitlist.
  const desk = await desktop();
  await signIn(desk, staff);
  await desk.goto(`${BASE}/#/staff/calls/${s.call.id}/decisions`);
  await desk.getByRole('heading', { level: 1, name: 'Quyết định' }).waitFor();
  await settled(desk);
  const card = desk.locator('.reconsideration').filter({ hasText: ref('G') });
  await card.getByText('Tôi đã có thêm một đối tác góp 20 triệu cho lò nung.').waitFor();
  await card.getByLabel('Thay đổi quyết định').check();
  await card.getByLabel('Quyết định mới', { exact: true }).selectOption('waitlisted');
  await card.getByRole('button', { name: 'Gửi câu trả lời' }).click();
  const answerText = card.getByLabel('Câu trả lời gửi người nộp');
  // No answer yet: refused in place after the confirmation.
  await desk.getByRole('dialog', { name: 'Gửi câu trả lời?' }).getByRole('button', { name: 'Gửi câu trả lời' }).click();
  await desk.locator(`#${await answerText.getAttribute('id')}-err`).getByText('Không được để trống').waitFor();
  await answerText.fill('Hội đồng đồng ý đưa hồ sơ vào danh sách chờ khi có đối tác góp vốn.');
  await card.getByRole('button', { name: 'Gửi câu trả lời' }).click();
  await desk.getByRole('dialog', { name: 'Gửi câu trả lời?' }).getByRole('button', { name: 'Gửi câu trả lời' }).click();
  await desk.getByText('Đã gửi câu trả lời.').waitFor();
  await settled(desk);
  await desk.locator('.reconsideration').filter({ hasText: ref('G') }).getByText('Đã thay đổi quyết định').waitFor();
  assert.equal((await db.query('SELECT status FROM applications WHERE id = $1', [id('G')])).rows[0].status, 'waitlisted');

  // F's rejection, reversed onto the waitlist: the reason first.
  const fRow = desk.locator('.decisions tbody tr').filter({ hasText: ref('F') }).filter({ hasText: 'Đã công bố' });
  await fRow.getByRole('button', { name: `Đảo ngược quyết định của ${ref('F')}` }).click();
  const dlg = desk.getByRole('dialog', { name: `Đảo ngược quyết định: ${ref('F')} — ${NAMES.F}` });
  await dlg.getByLabel('Quyết định mới', { exact: true }).selectOption('waitlisted');
  await dlg.getByRole('button', { name: 'Đảo ngược và công bố' }).click();
  await dlg.locator(`#${await dlg.getByLabel('Lý do đảo ngược').getAttribute('id')}-err`).getByText('Không được để trống').waitFor();
  assert.equal(await count("SELECT count(*) FROM decisions WHERE application_id = $1 AND status = 'reversed'", [id('F')]), 0);
  await dlg.getByLabel('Lý do đảo ngược').fill('Điểm của hồ sơ bị nhập sai; phiếu chấm đã được sửa.');
  await dlg.getByRole('button', { name: 'Đảo ngược và công bố' }).click();
  await desk.getByText('Đã đảo ngược: quyết định mới là “Danh sách chờ”, đã gửi thư.').waitFor();
  await settled(desk);
  await desk.locator('.decisions tbody tr').filter({ hasText: ref('F') }).filter({ hasText: 'Đã thay thế' })
    .getByText('Đảo ngược quyết định: Điểm của hồ sơ bị nhập sai; phiếu chấm đã được sửa.').waitFor();
  assert.equal((await db.query('SELECT status FROM applications WHERE id = $1', [id('F')])).rows[0].status, 'waitlisted');
  await shot(desk, 'decisions-reversal');

  // E's award revoked, with the reason, after a confirmation: its 10 and
  // the 10 left make 20, which fits nobody waiting (G asks 50; F is
  // below the minimum merit).
  await desk.locator('.decisions tbody tr').filter({ hasText: ref('E') }).getByRole('link', { name: 'Khoản hỗ trợ' }).click();
  await desk.getByRole('heading', { level: 1, name: `Khoản hỗ trợ: ${ref('E')} — ${NAMES.E}` }).waitFor();
  await settled(desk);
  await desk.getByRole('button', { name: 'Thu hồi khoản hỗ trợ…' }).click();
  const rv = desk.getByRole('dialog', { name: `Thu hồi khoản hỗ trợ của ${ref('E')} — ${NAMES.E}?` });
  await rv.getByText('Đã chi 0 ₫ (giữ nguyên); 10.000.000 ₫ chưa chi sẽ được giải phóng cho danh sách chờ.').waitFor();
  await rv.getByRole('button', { name: 'Thu hồi' }).click();
  await rv.getByText('Bắt buộc').waitFor();
  await rv.getByLabel('Lý do thu hồi (gửi cho người nhận)').fill('Cơ sở đã ngừng kinh doanh (biên bản kiểm tra ngày 12/3).');
  await rv.getByRole('button', { name: 'Thu hồi' }).click();
  await desk.getByText('Đã thu hồi khoản hỗ trợ.').waitFor();
  await settled(desk);
  await desk.getByText('Không hồ sơ nào trong danh sách chờ vừa với số kinh phí được giải phóng.').waitFor();
  await fact(desk, 'Tình trạng').getByText('Đã thu hồi').waitFor();
  assert.equal(await fact(desk, 'Lý do kết thúc').innerText(), 'Cơ sở đã ngừng kinh doanh (biên bản kiểm tra ngày 12/3).');
  assert.equal(await desk.getByRole('button', { name: 'Thu hồi khoản hỗ trợ…' }).count(), 0);
  assert.equal(await desk.locator('form.pay-form').count(), 0, 'nothing more is paid of it');
  assert.equal((await db.query('SELECT status FROM applications WHERE id = $1', [id('E')])).rows[0].status, 'closed');
  await shot(desk, 'decisions-revoked');
  assert.deepEqual(desk.problems, []);
  await desk.context().close();
}));
