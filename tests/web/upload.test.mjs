// Documents from the phone: the applicant uploads her certificate with
// progress and sees it listed.  The first test plays the documented
// contract of POST /api/applications/{id}/documents in the browser
// (page.route), including the refusals; the second uses the real
// endpoint.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, phone, shot } from './browser.mjs';
import { applicant, assertFits, day, db, demoCallId, signIn, submitted } from './fixtures.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => { await browser.close(); await db.end(); });

// A small valid PDF.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
  + '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\nxref\n0 4\n0000000000 65535 f \n'
  + '0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \ntrailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n');

async function submittedWithClaim(name, business) {
  const a = await applicant({
    full_name: name, household_status: 'near_poor',
    household_cert_number: 'CN-77', household_cert_issued_on: await day('-30'), household_cert_valid_until: await day('300'),
  });
  const s = await submitted(a.token, await demoCallId(), { business_name: business });
  return { a, s };
}

test('the upload interface against the documented contract (server played by the test)', async () => {
  const { a, s } = await submittedWithClaim('Hoàng Thị Lê', 'Mứt gừng Hoàng');
  const page = await phone(browser);
  await signIn(page, a.token);
  const seen = [];
  let answer = 413;
  await page.route('**/api/applications/*/documents*', async (route) => {
    const req = route.request();
    const url = new URL(req.url());
    const body = req.postDataBuffer();
    seen.push({ method: req.method(), path: url.pathname, kind: url.searchParams.get('kind'), filename: url.searchParams.get('filename'),
      type: req.headers()['content-type'], size: body.length });
    await new Promise((r) => setTimeout(r, 400));
    if (answer !== 201) {
      return route.fulfill({ status: 413, contentType: 'application/json', body: JSON.stringify({ error: { code: 'too_large', message: 'Too large' } }) });
    }
    return route.fulfill({
      status: 201, contentType: 'application/json',
      body: JSON.stringify({ id: 424242, kind: url.searchParams.get('kind'), content_type: req.headers()['content-type'],
        filename: url.searchParams.get('filename'), size_bytes: body.length, sha256: '00'.repeat(32), uploaded_at: new Date().toISOString() }),
    });
  });
  await page.goto(`${BASE}/#/applications/${s.id}`);
  await page.getByRole('heading', { level: 1, name: 'Mứt gừng Hoàng' }).waitFor();
  await page.getByText('Hãy tải lên bản chụp giấy chứng nhận').waitFor();
  const camera = page.getByLabel('Chụp ảnh');
  assert.equal(await camera.getAttribute('capture'), 'environment');
  assert.equal(await camera.getAttribute('accept'), 'image/jpeg,image/png');
  assert.equal(await page.getByLabel('Chọn tệp').getAttribute('accept'), 'application/pdf,image/jpeg,image/png');
  assert.equal(await page.getByLabel('Loại giấy tờ').inputValue(), 'household_certificate');

  // Refused first (too large): the reason, and a retry that keeps the file.
  await page.getByLabel('Chọn tệp').setInputFiles({ name: 'giấy chứng nhận.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('progressbar', { name: 'Tiến độ tải lên' }).waitFor();
  await page.getByText('Đang tải lên giấy chứng nhận.pdf…').waitFor();
  await page.getByText('Tệp hoặc dữ liệu quá lớn.').waitFor();
  answer = 201;
  await page.getByRole('button', { name: 'Thử lại' }).click();
  await page.getByText('Đã tải lên giấy chứng nhận.pdf.').waitFor();
  await page.locator('.docs').getByRole('link', { name: 'giấy chứng nhận.pdf' }).waitFor();
  assert.equal(await page.locator('.docs a').getAttribute('href'), '/api/documents/424242');
  assert.equal(await page.getByText('Hãy tải lên bản chụp giấy chứng nhận').count(), 0);
  assert.equal(await page.getByRole('progressbar').count(), 0);
  assert.equal(seen.length, 2);
  for (const r of seen) {
    assert.deepEqual(r, { method: 'POST', path: `/api/applications/${s.id}/documents`, kind: 'household_certificate',
      filename: 'giấy chứng nhận.pdf', type: 'application/pdf', size: PDF.length });
  }
  await assertFits(assert, page);
  await shot(page, 'upload-contract');
  assert.deepEqual(page.problems, []);
  await page.context().close();
});

test('an applicant uploads her certificate from the phone, with progress (real endpoint)', async () => {
  const { a, s } = await submittedWithClaim('Hoàng Thị Mận', 'Mứt mận Hoàng');
  const page = await phone(browser);
  await signIn(page, a.token);
  await page.goto(`${BASE}/#/applications/${s.id}`);
  await page.getByRole('heading', { level: 1, name: 'Mứt mận Hoàng' }).waitFor();
  await page.getByText('Hãy tải lên bản chụp giấy chứng nhận').waitFor();

  // The camera for photos, files for PDFs too.
  const camera = page.getByLabel('Chụp ảnh');
  assert.equal(await camera.getAttribute('capture'), 'environment');
  assert.equal(await camera.getAttribute('accept'), 'image/jpeg,image/png');
  const files = page.getByLabel('Chọn tệp');
  assert.equal(await files.getAttribute('accept'), 'application/pdf,image/jpeg,image/png');
  // The kind is the certificate her pending claim needs.
  assert.equal(await page.getByLabel('Loại giấy tờ').inputValue(), 'household_certificate');

  // Progress shows while the upload is under way (held back a moment).
  await page.route('**/api/applications/*/documents*', async (route) => {
    await new Promise((r) => setTimeout(r, 400));
    await route.continue();
  });
  await files.setInputFiles({ name: 'giay-chung-nhan-can-ngheo.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('progressbar', { name: 'Tiến độ tải lên' }).waitFor();
  await page.getByText('Đang tải lên giay-chung-nhan-can-ngheo.pdf…').waitFor();
  await page.getByText('Đã tải lên giay-chung-nhan-can-ngheo.pdf.').waitFor();
  await page.locator('.docs').getByRole('link', { name: 'giay-chung-nhan-can-ngheo.pdf' }).waitFor();
  assert.equal(await page.getByText('Hãy tải lên bản chụp giấy chứng nhận').count(), 0);
  const row = (await db.query('SELECT kind, filename, size_bytes FROM documents WHERE application_id = $1', [s.id])).rows[0];
  assert.deepEqual({ ...row, size_bytes: Number(row.size_bytes) },
    { kind: 'household_certificate', filename: 'giay-chung-nhan-can-ngheo.pdf', size_bytes: PDF.length });
  await assertFits(assert, page);
  await shot(page, 'upload-done');

  // A refused file (not a PDF, JPEG or PNG) says why and offers a retry.
  await page.unroute('**/api/applications/*/documents*');
  await files.setInputFiles({ name: 'ghi-chu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('not a pdf at all') });
  await page.getByRole('button', { name: 'Thử lại' }).waitFor();
  assert.deepEqual(page.problems.filter((p) => !/status of 4\d\d/.test(p)), []);
  await page.context().close();
});
