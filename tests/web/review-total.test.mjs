// The running total a reviewer sees is the API's, to the tenth: the
// page's own arithmetic (assets/app/score.js, run in the browser) against
// the total the API returns for the same scores, on a rubric whose maxima
// differ (3, 7 and 4, weights 33, 33 and 34) so that every rounding and
// "cannot judge" re-weighting is exercised.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone } from './browser.mjs';
import { api, db, login } from '../api/lib.mjs';
import { ALL_WARDS, ifMatch } from '../api/apps_fixtures.mjs';
import { assign, newReviewer, sqlApp } from '../api/matrix/reviews.mjs';

const RUBRIC = [
  { key: 'a', max_score: 3, weight: 33 },
  { key: 'b', max_score: 7, weight: 33 },
  { key: 'c', max_score: 4, weight: 34 },
];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser.close(); await db.end(); });

// A call with that rubric, open, made in SQL.
async function oddCall() {
  const client = await db.connect();
  let id;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(`INSERT INTO calls (title_vi, title_en, description_vi, description_en, opens_at,
        closes_at, budget_vnd, max_award_vnd, stages, wards)
      VALUES ('Đợt lẻ', 'Odd round', 'Thử', 'Test', now() - interval '1 day', now() + interval '30 days', 2000000000,
        50000000, '{idea,startup,new_business}', $1) RETURNING id`, [ALL_WARDS]);
    id = Number(rows[0].id);
    let pos = 0;
    for (const c of RUBRIC) {
      await client.query(`INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight)
        VALUES ($1, $2, $3, $3, $3, $4, $5)`, [id, ++pos, c.key, c.max_score, c.weight]);
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [id]);
  return id;
}

test('the total on the page is the total of the API, for every kind of score', async () => {
  const staff = await login('staff');
  const reviewer = await newReviewer(staff, 'Ngô Thị Tính');
  const call = await oddCall();
  const app = await sqlApp(call, 'in_review');
  await assign(call, app, reviewer.id);

  const page = await phone(browser);
  await page.goto(`${BASE}/#/`);
  const local = (scores) => page.evaluate(async ([rubric, s]) => {
    const m = await import('/app/score.js');
    const tenths = m.weightedTenths(rubric, s);
    return { tenths, vi: m.fmtTenths('vi', tenths), en: m.fmtTenths('en', tenths) };
  }, [RUBRIC, scores]);

  // Partial reviews first (criteria not scored give way), then mixes.
  const cases = [{ a: 2 }, { b: 5 }, { c: null }, { a: null }, { b: null }];
  const vals = (max) => [null, ...Array.from({ length: max + 1 }, (_, i) => i)];
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let i = 0; i < 60; i++) {
    cases.push(Object.fromEntries(RUBRIC.map((c) => [c.key, vals(c.max_score)[rnd(c.max_score + 2)]])));
  }
  let version;
  const scores = {};
  let compared = 0;
  for (const patch of cases) {
    Object.assign(scores, patch);
    const r = await api('PUT', `/api/applications/${app}/review`, {
      token: reviewer.token, body: { scores: patch }, headers: version ? ifMatch(version) : {},
    });
    assert.ok(r.status === 200 || r.status === 201, r.text);
    version = r.json.version;
    const mine = await local(scores);
    const theirs = r.json.progress.weighted_total;
    assert.equal(mine.tenths === null ? null : mine.tenths / 10, theirs, `scores ${JSON.stringify(scores)}`);
    if (theirs !== null) {
      assert.equal(mine.en, theirs.toFixed(1));
      assert.equal(mine.vi, theirs.toFixed(1).replace('.', ','));
    }
    compared++;
  }
  assert.equal(compared, 65);
  assert.deepEqual(page.problems, []);
  await page.context().close();
});
