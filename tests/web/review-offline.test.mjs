// No lost scores: a review save that fails on the network keeps the
// scores on the phone, offers a retry, survives a reload, and the retry
// saves them; a review changed on another device meanwhile is reloaded
// with her new score kept and the other device's comment taken.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, shot } from './browser.mjs';
import { api, login } from '../api/lib.mjs';
import { ifMatch } from '../api/apps_fixtures.mjs';
import { assign, newReviewer, reviewCall, sqlApp } from '../api/matrix/reviews.mjs';
import { assertFits, db, signIn } from './fixtures.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); await db.end(); });

const reviewRow = async (app, reviewer) => (await db.query(
  'SELECT scores, comment_committee FROM reviews WHERE application_id = $1 AND reviewer_id = $2', [app, reviewer])).rows[0];

test('a network failure while scoring keeps the scores, and the retry saves them', async () => {
  const reviewer = await newReviewer(await login('staff'), 'Lương Thị Thu');
  const call = await reviewCall();
  const app = await sqlApp(call);
  await assign(call, app, reviewer.id);

  const page = await phone(browser);
  await signIn(page, reviewer.token);
  await page.goto(`${BASE}/#/reviews/${app}`);
  await page.getByRole('heading', { level: 1, name: 'Bánh cuốn Thanh Trì' }).waitFor();
  const impact = page.locator('#crit-impact');
  const feas = page.locator('#crit-feasibility');
  const total = page.locator(`#review-total-${app}`);

  // The network drops every save.
  let aborted = 0;
  const offline = (route) => {
    if (route.request().method() === 'PUT') { aborted++; return route.abort('internetdisconnected'); }
    return route.continue();
  };
  await page.route('**/api/applications/*/review', offline);
  await impact.getByLabel('7', { exact: true }).check();
  assert.equal(await total.textContent(), '70,0');
  const status = page.getByRole('status').filter({ hasText: 'Chưa lưu được vì mất mạng.' });
  await status.waitFor();
  const retry = page.getByRole('button', { name: 'Thử lại' });
  assert.equal(await retry.isVisible(), true);
  assert.ok(aborted >= 1);
  assert.equal(await reviewRow(app, reviewer.id), undefined);

  // A reload keeps it (from this phone's storage), still unsaved.
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Bánh cuốn Thanh Trì' }).waitFor();
  assert.equal(await impact.getByLabel('7', { exact: true }).isChecked(), true);
  assert.equal(await total.textContent(), '70,0');
  await status.waitFor();
  await shot(page, 'review-offline');

  // The network is back: the retry saves it.
  await page.unroute('**/api/applications/*/review', offline);
  await retry.click();
  await page.getByRole('status').filter({ hasText: /^Đã lưu lúc/ }).waitFor();
  assert.equal(await retry.isVisible(), false);
  assert.deepEqual((await reviewRow(app, reviewer.id)).scores, { impact: 7 });
  assert.equal(await page.evaluate((id) => localStorage.getItem(`sen.review.${id}`), app), null);

  // Another device adds a committee comment meanwhile; her next score
  // meets the change, and a reload keeps both.
  const cur = await api('GET', `/api/applications/${app}/review`, { token: reviewer.token });
  const other = await api('PUT', `/api/applications/${app}/review`, {
    token: reviewer.token, body: { comment_committee: 'Ghi từ máy tính bảng.' }, headers: ifMatch(cur.json.version),
  });
  assert.equal(other.status, 200, other.text);
  await feas.getByLabel('4', { exact: true }).check();
  await page.getByRole('status').filter({ hasText: 'Bản chấm vừa được sửa ở nơi khác' }).waitFor();
  await page.getByRole('button', { name: 'Tải lại' }).click();
  await page.getByRole('status').filter({ hasText: /^Đã lưu lúc/ }).waitFor();
  assert.equal(await page.getByLabel('Nhận xét bảo mật cho hội đồng').inputValue(), 'Ghi từ máy tính bảng.');
  assert.equal(await feas.getByLabel('4', { exact: true }).isChecked(), true);
  assert.equal(await total.textContent(), '58,0');
  assert.deepEqual(await reviewRow(app, reviewer.id), { scores: { impact: 7, feasibility: 4 }, comment_committee: 'Ghi từ máy tính bảng.' });
  await assertFits(assert, page);
  await shot(page, 'review-reloaded');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
