// The review of a call, end to end in the browser: staff name the
// committee and record a conflict, set the due date, run the automatic
// assignment (with its progress shown) and release it, and start the
// review; a reviewer on a 360 px phone declares no conflict, scores with
// the anchors in view and the running total following her choices, is
// shown every gap when she submits too early, submits, reads the other
// review under its pseudonym, writes in the discussion and revises;
// another reviewer recuses and the application leaves her queue; staff
// see progress and overdue reviews, close the scoring and read the
// ranking with its explanations.  The tests run in order on one call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch, phone, shot } from './browser.mjs';
import { api, login } from '../api/lib.mjs';
import { assertFits, db, signIn } from './fixtures.mjs';
import {
  anchorText, apiReview, assigned, closedReviewCall, hanoi, newReviewer, referenceOf,
} from './review_fixtures.mjs';

const A = 'Bún chả Hàng Mành';
const B = 'Trà chanh Hàng Bè';
const C = 'Xôi xéo Yến';

let browser;
let staff;
let call;
let apps;
const R = [];
const byId = (id) => R.find((r) => r.id === id);
// Who does what, decided once the assignment is known.
const cast = {};

before(async () => {
  browser = await launch();
  staff = await login('staff');
  for (const name of ['Hoàng Thị Hạnh', 'Phạm Thị Lan', 'Đỗ Thị Mai']) R.push(await newReviewer(staff, name));
  const tag = randomBytes(3).toString('hex');
  ({ call, apps } = await closedReviewCall(tag, [A, B, C], { verifiedPoor: [A] }));
  // One conflict is already on file: the second reviewer and C.
  const r = await api('POST', `/api/calls/${call}/conflicts`, {
    token: staff, body: { application_id: apps[C], reviewer_id: R[1].id, type: 'same_household', reason: 'Ở cùng nhà với chủ cơ sở.' },
  });
  assert.equal(r.status, 201, r.text);
});
after(async () => { await browser.close(); await db.end(); });

// The screen has finished loading (no render under way).
const settled = (page) => page.locator('main:not([aria-busy])').waitFor();

// The page in use, shown as it was when a test fails.
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

test('staff name the committee, record a conflict, assign automatically, release and start the review', guard('review-staff', async () => {
  const page = await desktop();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/calls`);
  await page.getByRole('listitem').filter({ hasText: `Đợt chấm thử` }).filter({ has: page.locator(`a[href="#/staff/calls/${call}"]`) })
    .getByRole('link', { name: 'Hội đồng chấm' }).click();
  await page.getByRole('heading', { level: 1, name: 'Hội đồng chấm' }).waitFor();
  await page.getByText('Hội đồng chưa có thành viên nào.').waitFor();

  // The committee: the three reviewers, found by their e-mail.
  for (const r of R) {
    await page.getByLabel('Lọc theo tên hoặc e-mail').fill(r.email);
    await page.getByLabel(new RegExp(r.email)).check();
  }
  await page.getByText('Đã chọn 3 người: thêm 3, bớt 0 (chưa lưu).').waitFor();
  await page.getByRole('button', { name: 'Lưu hội đồng' }).click();
  await page.getByText('Hội đồng hiện có 3 thành viên').waitFor();
  await settled(page);
  assert.equal(Number((await db.query('SELECT count(*) FROM call_reviewers WHERE call_id = $1', [call])).rows[0].count), 3);

  // A conflict, recorded for good after a confirmation.
  await page.getByText('1 xung đột đã ghi nhận').waitFor();
  const refC = await referenceOf(apps[C]);
  await page.getByLabel('Hồ sơ', { exact: true }).selectOption({ label: `${refC} — ${C}` });
  await page.getByLabel('Người chấm', { exact: true }).selectOption({ label: `${R[0].name} — ${R[0].email}` });
  await page.getByLabel('Loại xung đột').selectOption({ label: 'Quan hệ gia đình, họ hàng' });
  await page.getByLabel('Lý do').fill('Chị gái của chủ cơ sở.');
  await page.getByRole('button', { name: 'Ghi nhận xung đột' }).click();
  const rec = page.getByRole('dialog', { name: 'Ghi nhận xung đột lợi ích?' });
  await rec.getByText(`${R[0].name} — ${refC} — ${C}`).waitFor();
  await rec.getByRole('button', { name: 'Ghi nhận xung đột' }).click();
  await page.getByText('2 xung đột đã ghi nhận').waitFor();
  await settled(page);
  await page.getByRole('row').filter({ hasText: 'Chị gái của chủ cơ sở.' }).getByText('Quan hệ gia đình, họ hàng').waitFor();

  // Assignments: the due date first (release needs it).
  await page.getByRole('link', { name: 'Phân công và tiến độ' }).click();
  await page.getByRole('heading', { level: 1, name: 'Phân công và tiến độ' }).waitFor();
  await page.getByText('Hãy đặt hạn chấm (sau thời điểm hiện tại) trước khi giao việc.').waitFor();
  await page.getByLabel('Hạn chấm').fill(hanoi(Date.now() + 14 * 86400e3));
  await page.getByRole('button', { name: 'Lưu cài đặt' }).click();
  await page.getByText('Đã lưu cài đặt chấm điểm.').waitFor();
  await settled(page);
  assert.ok((await db.query('SELECT review_due_at FROM calls WHERE id = $1', [call])).rows[0].review_due_at);

  // Automatic assignment, its progress shown while it runs.
  let letGo;
  const held = new Promise((resolve) => { letGo = resolve; });
  await page.route('**/assignments/auto', async (route) => { await held; await route.continue(); });
  await page.getByRole('button', { name: 'Phân công tự động' }).click();
  await page.getByRole('status').filter({ hasText: 'Đang tính phân công…' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Phân công tự động' }).isDisabled(), true);
  letGo();
  const result = page.locator('.auto-result');
  await result.getByRole('heading', { name: 'Kết quả phân công tự động' }).waitFor();
  await result.getByText('1 hồ sơ còn thiếu người chấm.').waitFor();
  for (const r of R) await result.getByRole('row').filter({ hasText: r.name }).waitFor();
  const short = result.locator('.short-list li').filter({ hasText: C });
  await short.getByText('1/2 người chấm').waitFor();
  await short.getByText('không đủ thành viên hội đồng không có xung đột lợi ích (1 người không có xung đột, cần 2)').waitFor();
  await settled(page);
  await page.getByRole('region', { name: '5 phân công', exact: true }).waitFor();
  assert.equal(Number((await db.query('SELECT count(*) FROM assignments WHERE call_id = $1 AND released_at IS NULL', [call])).rows[0].count), 5);
  await shot(page, 'review-staff-auto');

  // Release, after a confirmation that says what it does.
  await page.getByRole('button', { name: 'Giao việc cho người chấm (5)' }).click();
  const rel = page.getByRole('dialog', { name: 'Giao 5 phân công cho người chấm?' });
  await rel.getByText('Không thể rút lại việc giao; chỉ gỡ được từng phân công.').waitFor();
  await rel.getByRole('button', { name: 'Giao việc' }).click();
  await page.getByText('Đã giao 5 phân công; 3 e-mail đang được gửi.').waitFor();
  await settled(page);
  await page.getByRole('button', { name: 'Giao việc cho người chấm (0)' }).waitFor();
  assert.equal(Number((await db.query('SELECT count(*) FROM assignments WHERE call_id = $1 AND released_at IS NOT NULL', [call])).rows[0].count), 5);

  // Scoring starts: the eligible applications go into review.
  await page.getByRole('button', { name: 'Bắt đầu chấm điểm' }).click();
  const start = page.getByRole('dialog', { name: 'Bắt đầu chấm điểm?' });
  await start.getByText('3 hồ sơ đủ điều kiện sẽ chuyển sang “Đang chấm điểm”; người nộp được báo.').waitFor();
  await start.getByRole('button', { name: 'Bắt đầu chấm điểm' }).click();
  await page.locator('main .badge').getByText('Đang chấm hồ sơ').waitFor();
  await page.getByRole('button', { name: 'Khóa việc chấm điểm' }).waitFor();
  const st = (await db.query('SELECT status, count(*)::int AS n FROM applications WHERE call_id = $1 GROUP BY status', [call])).rows;
  assert.deepEqual(st, [{ status: 'in_review', n: 3 }]);
  await shot(page, 'review-staff-released');
  assert.deepEqual(page.problems, []);
  await page.context().close();

  // Who plays what below: the first reviewer of A scores on her phone,
  // the other scores through the API first (so she is Reviewer 1), and
  // a reviewer of B other than the first recuses.
  const onA = await assigned(apps[A]);
  const onB = await assigned(apps[B]);
  const onC = await assigned(apps[C]);
  assert.equal(onA.length, 2);
  assert.equal(onB.length, 2);
  assert.deepEqual(onC.map((x) => x.reviewer), [R[2].id]);
  cast.scorer = byId(onA[0].reviewer);
  cast.other = { ...byId(onA[1].reviewer), assignment: onA[1].assignment };
  const recuse = onB.find((x) => x.reviewer !== cast.scorer.id);
  cast.recuser = byId(recuse.reviewer);
  cast.bLeft = { ...byId(onB.find((x) => x !== recuse).reviewer), assignment: onB.find((x) => x !== recuse).assignment };
  cast.cLate = onC[0];
}));

test('a reviewer on a phone declares no conflict, scores with the anchors and a running total, submits, discusses and revises', guard('review-scorer', async () => {
  // The other reviewer of A: 6 and 5, that is 60 % × 6/10 + 40 % × 5/10 = 56.0.
  await apiReview(cast.other.token, apps[A], cast.other.assignment, {
    scores: { impact: 6, feasibility: 5 }, recommendation: 'maybe',
    comment_applicant: 'Cần nói rõ hơn về khách hàng.', comment_committee: 'Giá bán có vẻ thấp.',
  });

  const page = await open();
  await signIn(page, cast.scorer.token);
  await page.goto(`${BASE}/#/`);
  await page.getByRole('link', { name: 'Hồ sơ cần chấm' }).first().click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ cần chấm' }).waitFor();
  const card = page.locator('.queue .card').filter({ hasText: A });
  await card.getByText(/^Hạn chấm: /).waitFor();
  await card.getByText('Cần khai báo xung đột lợi ích').waitFor();
  await card.getByText('Chưa chấm').waitFor();
  await assertFits(assert, page);
  await shot(page, 'review-queue-phone');

  // The declaration comes before anything of the application.
  await card.getByRole('link', { name: `Khai báo xung đột lợi ích: ${A}` }).click();
  await page.getByRole('heading', { level: 1, name: 'Khai báo xung đột lợi ích' }).waitFor();
  assert.equal(await page.getByText('bán hàng tại chợ Hàng Bè').count(), 0, 'nothing of the application before the declaration');
  await page.getByLabel('Tôi không có xung đột lợi ích với hồ sơ này').check();
  await page.getByRole('button', { name: 'Gửi khai báo' }).click();

  // The blind application, then the form.
  await page.getByRole('heading', { level: 1, name: A }).waitFor();
  await page.getByText(`${A}: bán hàng tại chợ Hàng Bè và qua Zalo.`).waitFor();
  await page.getByText('Lê Thị Thu').count().then((n) => assert.equal(n, 0, 'no applicant name'));
  const impact = page.locator('#crit-impact');
  const feas = page.locator('#crit-feasibility');
  await impact.getByText(anchorText('impact', 10)).waitFor();
  await feas.getByText(anchorText('feasibility', 5)).waitFor();
  const total = page.locator(`#review-total-${apps[A]}`);
  assert.equal(await total.textContent(), '—');

  // The total follows her choices: impact 8 alone is 80.0 …
  await impact.getByLabel('8', { exact: true }).check();
  await page.waitForFunction((id) => document.getElementById(id).textContent === '80,0', `review-total-${apps[A]}`);
  await impact.getByText('Đã chọn: 8/10.').waitFor();
  await page.getByText('Đã chấm 1/2 tiêu chí · 0 không thể đánh giá · còn 1').waitFor();

  // … and submitting now shows every gap in its place.
  await page.getByText(/^Đã lưu lúc/).waitFor();
  await page.getByRole('button', { name: 'Nộp bản chấm' }).click();
  await page.getByRole('dialog', { name: 'Nộp bản chấm?' }).getByRole('button', { name: 'Nộp bản chấm' }).click();
  await page.getByRole('heading', { name: 'Chưa nộp được: còn 2 mục cần bổ sung' }).waitFor();
  await feas.getByText('Chưa chấm: chọn một điểm từ 0 đến 10, hoặc “Không thể đánh giá”').waitFor();
  assert.equal(await feas.getAttribute('aria-invalid'), 'true');
  await page.locator('fieldset[name=recommendation]').getByText('Chưa chọn đề xuất').waitFor();

  // Feasibility 6: 60 % × 0.8 + 40 % × 0.6 = 72.0; "cannot judge" gives
  // its weight back to impact (80.0); 6 again.
  await feas.getByLabel('6', { exact: true }).check();
  assert.equal(await total.textContent(), '72,0');
  assert.equal(await feas.getByText('Chưa chấm').count(), 0, 'the error goes when she scores');
  await feas.getByLabel('Không thể đánh giá').check();
  assert.equal(await total.textContent(), '80,0');
  await page.getByText('Đã chấm 1/2 tiêu chí · 1 không thể đánh giá · còn 0').waitFor();
  await feas.getByLabel('6', { exact: true }).check();
  assert.equal(await total.textContent(), '72,0');
  await feas.getByText(`Đã chọn: 6/10.`).waitFor();

  await page.getByLabel('Nhận xét gửi người nộp hồ sơ').fill('Kế hoạch rõ ràng; nên tính thêm chi phí thuê mặt bằng.');
  await page.getByLabel('Nhận xét bảo mật cho hội đồng').fill('Chủ cơ sở có năm năm kinh nghiệm bán hàng.');
  await page.getByLabel('Nên hỗ trợ', { exact: true }).check();
  await page.getByText(/^Đã lưu lúc/).waitFor();
  // What she sees is what the API computed.
  const saved = await api('GET', `/api/applications/${apps[A]}/review`, { token: cast.scorer.token });
  assert.equal(saved.json.progress.weighted_total, 72);
  assert.deepEqual(saved.json.scores, { impact: 8, feasibility: 6 });
  assert.equal(saved.json.comment_committee, 'Chủ cơ sở có năm năm kinh nghiệm bán hàng.');
  await assertFits(assert, page);
  await shot(page, 'review-scoring-phone');

  await page.getByRole('button', { name: 'Nộp bản chấm' }).click();
  await page.getByRole('dialog', { name: 'Nộp bản chấm?' }).getByRole('button', { name: 'Nộp bản chấm' }).click();
  await page.getByText(/^Đã nộp lần 1 lúc/).waitFor();

  // The other review, under its pseudonym, and hers.
  const others = page.locator('section.others');
  await others.getByText('2/2 bản chấm được tính.').waitFor();
  const first = others.locator('.review-card').filter({ has: page.getByRole('heading', { name: 'Người chấm 1', exact: true }) });
  await first.getByText('Tổng điểm: 56,0/100').waitFor();
  await first.getByText('Cân nhắc').waitFor();
  await first.getByText('Giá bán có vẻ thấp.').waitFor();
  await others.getByRole('heading', { name: 'Người chấm 2 — tôi' }).waitFor();
  assert.equal(await others.getByText(cast.other.name).count(), 0, 'no names, only pseudonyms');

  // The discussion.
  await page.getByLabel('Ý kiến của anh/chị').fill('Tôi chấm tác động 8 vì cơ sở sẽ tuyển thêm hai lao động nữ.');
  await page.getByRole('button', { name: 'Gửi ý kiến' }).click();
  const post = page.locator('.thread .post').filter({ hasText: 'tuyển thêm hai lao động nữ' });
  await post.getByText('Người chấm 2 — tôi').waitFor();
  assert.equal(Number((await db.query('SELECT count(*) FROM discussion_posts WHERE application_id = $1', [apps[A]])).rows[0].count), 1);

  // She revises until scoring closes: feasibility 7 gives 76.0.
  await feas.getByLabel('7', { exact: true }).check();
  assert.equal(await total.textContent(), '76,0');
  await page.getByText('Có thay đổi chưa nộp lại: hội đồng và bảng xếp hạng vẫn dùng bản nộp lần trước.').waitFor();
  await page.getByRole('button', { name: 'Nộp lại bản chấm' }).click();
  await page.getByRole('dialog', { name: 'Nộp lại bản chấm?' }).getByRole('button', { name: 'Nộp lại bản chấm' }).click();
  await page.getByText(/^Đã nộp lần 2 lúc/).waitFor();
  await page.locator('.revisions').getByText(/^Lần 2 · .* · 76,0 điểm · Nên hỗ trợ$/).waitFor();
  assert.equal(await page.getByRole('button', { name: /Nộp (lại )?bản chấm/ }).count(), 0, 'nothing left to submit');
  await page.locator('.thread .post').filter({ hasText: 'tuyển thêm hai lao động nữ' }).waitFor();
  await assertFits(assert, page);
  await shot(page, 'review-submitted-phone');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('another reviewer recuses: confirmation first, then the application leaves her queue', guard('review-recusal', async () => {
  const page = await open();
  await signIn(page, cast.recuser.token);
  await page.goto(`${BASE}/#/reviews`);
  const card = page.locator('.queue .card').filter({ hasText: B });
  await card.getByRole('link', { name: `Khai báo xung đột lợi ích: ${B}` }).click();
  await page.getByRole('heading', { level: 1, name: 'Khai báo xung đột lợi ích' }).waitFor();
  await page.getByLabel('Tôi có xung đột lợi ích và xin không chấm hồ sơ này').check();
  // The type and the reason are asked for, in place.
  await page.getByRole('button', { name: 'Gửi khai báo' }).click();
  const reasonId = await page.getByLabel('Lý do', { exact: true }).getAttribute('id');
  assert.equal(await page.locator(`#${reasonId}-err`).textContent(), 'Bắt buộc');
  await page.getByLabel('Loại xung đột').selectOption({ label: 'Quan hệ kinh doanh' });
  await page.getByLabel('Lý do', { exact: true }).fill('Tôi cho cơ sở này thuê mặt bằng ở Hàng Bè.');
  await page.getByRole('button', { name: 'Gửi khai báo' }).click();
  const dlg = page.getByRole('dialog', { name: `Xin không chấm “${B}”?` });
  await dlg.getByText('Không thể rút lại khai báo này.').waitFor();
  // Cancelling changes nothing.
  await dlg.getByRole('button', { name: 'Hủy' }).click();
  assert.equal(Number((await db.query('SELECT count(*) FROM conflicts WHERE application_id = $1', [apps[B]])).rows[0].count), 0);
  await page.getByRole('button', { name: 'Gửi khai báo' }).click();
  await page.getByRole('dialog', { name: `Xin không chấm “${B}”?` }).getByRole('button', { name: 'Xin không chấm' }).click();
  await page.getByRole('heading', { level: 1, name: 'Hồ sơ cần chấm' }).waitFor();
  await page.getByText('Anh/chị đã rút khỏi việc chấm hồ sơ này; cán bộ chương trình đã được báo.').waitFor();
  assert.equal(await page.locator('.queue .card').filter({ hasText: B }).count(), 0, 'B left her queue');
  const c = (await db.query('SELECT type, reason, declared_by FROM conflicts WHERE application_id = $1 AND reviewer_id = $2',
    [apps[B], cast.recuser.id])).rows[0];
  assert.deepEqual({ ...c, declared_by: Number(c.declared_by) },
    { type: 'business', reason: 'Tôi cho cơ sở này thuê mặt bằng ở Hàng Bè.', declared_by: cast.recuser.id });
  assert.equal((await assigned(apps[B])).length, 1);
  await assertFits(assert, page);
  await shot(page, 'review-recused-phone');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));

test('staff see progress and overdue reviews, close the scoring and read the ranking on a phone', guard('review-ranking', async () => {
  // B's remaining reviewer scores it (5 and 5: 50.0); C's is late.
  await apiReview(cast.bLeft.token, apps[B], cast.bLeft.assignment, { scores: { impact: 5, feasibility: 5 }, recommendation: 'maybe' });
  await db.query("UPDATE assignments SET due_at = now() - interval '2 days' WHERE id = $1", [cast.cLate.assignment]);

  const page = await open();
  await signIn(page, staff);
  await page.goto(`${BASE}/#/staff/calls/${call}/assignments`);
  await page.getByRole('heading', { level: 1, name: 'Phân công và tiến độ' }).waitFor();
  const late = page.getByRole('region', { name: '1 phân công quá hạn', exact: true });
  await late.getByRole('row').filter({ hasText: R[2].name }).filter({ hasText: C }).getByRole('cell', { name: '2', exact: true }).waitFor();
  const prog = page.getByRole('region', { name: 'Tiến độ của từng thành viên', exact: true });
  await prog.getByRole('row').filter({ hasText: R[2].name }).waitFor();
  await assertFits(assert, page);

  await page.getByRole('button', { name: 'Khóa việc chấm điểm' }).click();
  const dlg = page.getByRole('dialog', { name: 'Khóa việc chấm điểm của đợt?' });
  await dlg.getByText('Sau khi khóa, không ai lưu hay nộp bản chấm được nữa. Không thể mở lại.').waitFor();
  await dlg.getByRole('button', { name: 'Khóa việc chấm điểm' }).click();
  const done = page.locator('.close-result');
  await done.getByText('1 hồ sơ đã chấm xong:').waitFor();
  await done.getByText('2 hồ sơ chưa đủ 2 bản chấm:').waitFor();
  assert.ok((await db.query('SELECT scoring_closed_at FROM calls WHERE id = $1', [call])).rows[0].scoring_closed_at);
  await shot(page, 'review-closed-phone');
  await done.getByRole('link', { name: 'Xem bảng xếp hạng' }).click();

  // The ranking: A's merit is (76.0 + 56.0) / 2 = 66.0, spread 20 (not
  // above the threshold of 20), plus 10 for a verified poor household.
  await page.getByRole('heading', { level: 1, name: 'Bảng xếp hạng' }).waitFor();
  const ranked = page.getByRole('region', { name: 'Bảng xếp hạng theo điểm cuối cùng; mỗi hồ sơ có câu giải thích ngay bên dưới.', exact: true });
  const sentence = '76,0 = điểm chuyên môn 66,0 (2 đánh giá, chênh lệch 20) + 10 ưu tiên (hộ nghèo, đã xác minh)';
  await ranked.getByText(sentence, { exact: true }).waitFor();
  const row = ranked.getByRole('row').filter({ hasText: A });
  await row.getByRole('cell', { name: '1', exact: true }).first().waitFor();
  await row.getByRole('cell', { name: '66,0', exact: true }).waitFor();
  await row.getByRole('cell', { name: '+10', exact: true }).waitFor();
  await row.getByRole('cell', { name: 'Hộ nghèo', exact: true }).waitFor();
  await row.getByRole('cell', { name: '76,0', exact: true }).waitFor();
  assert.equal(await row.getByRole('link', { name: new RegExp(A) }).getAttribute('href'), `#/staff/applications/${apps[A]}`);

  // The incomplete ones after, never ranked.
  const rest = page.getByRole('region', { name: 'Hồ sơ chưa đủ bản chấm', exact: true });
  await rest.getByText('chưa xếp hạng: mới có 1/2 đánh giá bắt buộc (điểm chuyên môn tạm tính 50,0)', { exact: true }).waitFor();
  await rest.getByText('chưa xếp hạng: mới có 0/2 đánh giá bắt buộc', { exact: true }).waitFor();
  await page.getByText('Bằng điểm cuối cùng: ưu tiên đã xác minh xếp trước, rồi hồ sơ nộp sớm hơn, rồi mã hồ sơ nhỏ hơn.').waitFor();

  // The table scrolls inside its own box; the page stays phone-wide.
  await assertFits(assert, page);
  const box = await page.evaluate(() => {
    const el = document.querySelector('.table-wrap.ranking');
    return { client: el.clientWidth, scroll: el.scrollWidth };
  });
  assert.ok(box.scroll > box.client, `the ranking scrolls in its box (${box.scroll} > ${box.client})`);

  // The same sentence in English, one tap away.
  await page.getByRole('button', { name: 'Chuyển sang tiếng Anh' }).click();
  await page.getByRole('heading', { level: 1, name: 'Ranking' }).waitFor();
  await page.getByText('76.0 = merit 66.0 (2 reviews, spread 20) + 10 priority (poor household, verified)', { exact: true }).waitFor();
  await page.getByRole('button', { name: 'Switch to Vietnamese' }).click();
  await page.getByRole('heading', { level: 1, name: 'Bảng xếp hạng' }).waitFor();
  await shot(page, 'review-ranking-phone');
  assert.deepEqual(page.problems, []);
  await page.context().close();
}));
