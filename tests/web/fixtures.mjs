// What the browser tests set up without a browser: applicants, drafts and
// submitted applications through the API (tests/api's fixtures), a
// session cookie for a browser context, and what the page left in the
// database.  Not a test file itself.
import { BASE, db, scalar } from '../api/lib.mjs';
import { applicant, createDraft, day, fullDraft, submitted, addDocument } from '../api/apps_fixtures.mjs';

export { applicant, addDocument, createDraft, day, db, fullDraft, scalar, submitted };

// The demo call that `sen-admin demo` opens.
export const demoCallId = () => scalar("SELECT id FROM calls WHERE status = 'open' ORDER BY id LIMIT 1").then(Number);

// Log a browser context in with an API session.
export async function signIn(page, token) {
  await page.context().addCookies([{ name: 'sen_session', value: token, url: BASE }]);
}

export const appRow = async (id) => (await db.query('SELECT * FROM applications WHERE id = $1', [id])).rows[0];

// The page is no wider than the phone.
export async function assertFits(assert, page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 360, `page is ${width}px wide`);
}

// An application's id from the address bar (#/applications/<id>...).
export const idFromHash = (page) => Number(/#\/(?:staff\/)?(?:applications|calls)\/(\d+)/.exec(page.url())[1]);
