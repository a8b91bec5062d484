// Documents (app/applications/documents.c): uploads recognised by their
// bytes, size limits, the bytes and SHA-256 stored, downloads with safe
// headers, who may see and remove what, the audit of staff reads of
// personal documents, and the asynchronous database path under load and
// across a PostgreSQL restart.  Who may call each route at all is in
// routes.test.mjs (matrix/documents.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { api, BASE, db, demo, login, scalar } from './lib.mjs';
import { appPool, assertErr, fieldsOf, rawPost, register, unchanged, userIdOf } from './fixtures.mjs';
import { application, jpeg, pdf, pdfOfSize, png, sha256hex, storedDocument, upload } from './matrix/documents.mjs';

const sen = appPool();
after(async () => { await sen.end(); await db.end(); });

// What an upload or a removal can write.
const TABLES = ['documents', 'document_contents', 'audit_log', 'applications'];
// tests/run.sh starts the server with this (2 MiB unless set).
const LIMIT = Number(process.env.SEN_UPLOAD_MAX || 10485760);
// Kore's own ceiling (conf/dev.conf http_body_max).
const KORE_MAX = 10486784;

let owner, other, staff, admin, reviewer, mentor;
let ownerId, staffId;

before(async () => {
  owner = await register({ full_name: 'Nguyễn Thị Hoa' });
  other = await register({ full_name: 'Trần Thị Lan' });
  ownerId = owner.user.id;
  staff = await login('staff');
  admin = await login('admin');
  reviewer = await login('reviewer1');
  mentor = await login('mentor');
  staffId = await userIdOf(demo.staff.email);
});

// GET a document as bytes (api() decodes text).
async function download(token, id, method = 'GET') {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${BASE}/api/documents/${id}`, { method, headers });
  const body = Buffer.from(await res.arrayBuffer());
  let json = null;
  try { json = JSON.parse(body.toString('utf8')); } catch { /* bytes */ }
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8'), json };
}

async function storedRow(id) {
  const { rows } = await db.query(
    `SELECT d.*, encode(d.sha256, 'hex') AS hex, c.content
     FROM documents d LEFT JOIN document_contents c ON c.document_id = d.id WHERE d.id = $1`, [id]);
  return rows[0];
}

const auditCount = async (action, id) => Number(await scalar(
  "SELECT count(*) FROM audit_log WHERE action = $1 AND entity = 'documents' AND entity_id = $2",
  [action, String(id)]));

// RFC 8187 value of filename*, as sniff_disposition() writes it.
const rfc8187 = (s) => [...Buffer.from(s, 'utf8')].map((b) => {
  const c = String.fromCharCode(b);
  return /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
}).join('');

test('upload: a real PDF, JPEG and PNG are stored with their sniffed type, size, SHA-256 and bytes', async () => {
  const appId = await application(ownerId);
  const files = [
    { body: pdf(), type: 'application/pdf', kind: 'business_plan', filename: 'ke-hoach.pdf', header: 'text/plain' },
    { body: jpeg(), type: 'image/jpeg', kind: 'id_card', filename: 'cccd.jpg', header: 'application/json' },
    { body: png(), type: 'image/png', kind: 'household_certificate', filename: 'so-ho-ngheo.png', header: 'image/gif' },
  ];
  for (const f of files) {
    const r = await upload(owner.token, appId, f.body, { kind: f.kind, filename: f.filename, headers: { 'content-type': f.header } });
    assert.equal(r.status, 201, r.text);
    const d = r.json;
    assert.deepEqual(Object.keys(d).sort(),
      ['application_id', 'content_type', 'filename', 'id', 'kind', 'sha256', 'size_bytes', 'uploaded_at']);
    assert.equal(d.application_id, appId);
    assert.equal(d.kind, f.kind);
    assert.equal(d.content_type, f.type, 'the type comes from the bytes, not the Content-Type header');
    assert.equal(d.filename, f.filename);
    assert.equal(d.size_bytes, f.body.length);
    assert.equal(d.sha256, sha256hex(f.body));
    assert.ok(!Number.isNaN(Date.parse(d.uploaded_at)));
    assert.equal(r.headers.get('location'), `/api/documents/${d.id}`);

    const row = await storedRow(d.id);
    assert.equal(row.content_type, f.type);
    assert.equal(Number(row.size_bytes), f.body.length);
    assert.equal(row.hex, sha256hex(f.body), 'the stored SHA-256 is that of the bytes');
    assert.ok(row.content.equals(f.body), 'the stored bytes are the uploaded ones');
    assert.equal(Number(row.uploaded_by), ownerId);
    // Audited by the trigger, with the actor and action of the request.
    const { rows: [a] } = await db.query(
      "SELECT actor_id, action, request_id FROM audit_log WHERE entity = 'documents' AND entity_id = $1", [String(d.id)]);
    assert.equal(Number(a.actor_id), ownerId);
    assert.equal(a.action, 'documents.upload');
    assert.equal(a.request_id, r.headers.get('x-request-id'));
  }
});

test('upload: the name does not decide the type; the stored name gets the real extension and is cleaned', async () => {
  const appId = await application(ownerId);
  const cases = [
    [png(), 'scan.pdf', 'image/png', 'scan.pdf.png'],
    [pdf(), 'C:\\Users\\Hoa\\Desktop\\Hồ sơ.PDF', 'application/pdf', 'Hồ sơ.PDF'],
    [jpeg(), '../../etc/passwd', 'image/jpeg', 'passwd.jpg'],
    [pdf(), 'invoice\u202Efdp.exe', 'application/pdf', 'invoicefdp.exe.pdf'],
    [png(), 'a"b<c>d|e?.png', 'image/png', 'a_b_c_d_e_.png'],
    [pdf(), '', 'application/pdf', 'business_plan.pdf'],
  ];
  for (const [body, filename, type, stored] of cases) {
    const r = await upload(owner.token, appId, body, { filename });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.content_type, type, filename);
    assert.equal(r.json.filename, stored, filename);
    assert.equal((await storedRow(r.json.id)).filename, stored);
  }
  // Without ?filename= at all: the kind names it.
  const r = await api('POST', `/api/applications/${appId}/documents?kind=id_card`, { token: owner.token, body: jpeg() });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.filename, 'id_card.jpg');
});

test('refused by their bytes: a disguised .exe, text, HTML, SVG, ZIP, GIF, truncated files → 422, nothing written', async () => {
  const appId = await application(ownerId);
  const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00', 'latin1'),
    Buffer.from('This program cannot be run in DOS mode.\r\n'), randomBytes(2048)]);
  const p = pdf();
  const cases = [
    ['an .exe named .pdf', exe, 'hoa-don.pdf'],
    ['an .exe with a PDF header glued on', Buffer.concat([Buffer.from('%PDF-1.7\n'), exe]), 'x.pdf'],
    ['text', Buffer.from('Kế hoạch kinh doanh của tôi\n'), 'plan.pdf'],
    ['HTML', Buffer.from('<!DOCTYPE html><html><script>alert(document.cookie)</script></html>'), 'x.pdf'],
    ['SVG', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'x.png'],
    ['ZIP', Buffer.concat([Buffer.from('PK\x03\x04\x14\x00\x00\x00\x08\x00', 'latin1'), randomBytes(64)]), 'x.jpg'],
    ['GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00;', 'latin1'), 'x.png'],
    ['a PNG cut short', png().subarray(0, 40), 'x.png'],
    ['a PNG signature without IHDR', png().subarray(0, 8), 'x.png'],
    ['a JPEG without its end', jpeg().subarray(0, jpeg().length - 2), 'x.jpg'],
    ['a JPEG that is only FF D8', Buffer.from([0xff, 0xd8]), 'x.jpg'],
    ['a PDF cut in half', p.subarray(0, p.length >> 1), 'x.pdf'],
    ['a PDF header without a version', Buffer.concat([Buffer.from('%PDF-\n'), p.subarray(9)]), 'x.pdf'],
    ['one byte', Buffer.from('%'), 'x.pdf'],
  ];
  for (const [why, body, filename] of cases) {
    const r = await unchanged(assert, () => upload(owner.token, appId, body, { filename, headers: { 'content-type': 'application/pdf' } }), TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.ok(typeof fieldsOf(r).file === 'string' && fieldsOf(r).file.length > 5, `${why}: ${r.text}`);
    assert.match(r.json.error.message, /PDF, JPEG and PNG/, why);
  }
  assert.equal(Number(await scalar('SELECT count(*) FROM documents WHERE application_id = $1', [appId])), 0);

  // What the applicant is told for a file of another type, and for a damaged one.
  let r = await upload(owner.token, appId, exe, { filename: 'x.pdf' });
  assert.equal(fieldsOf(r).file, 'must be a PDF, JPEG or PNG file (recognised by its content, not its name)');
  r = await upload(owner.token, appId, png().subarray(0, 50), { filename: 'x.png' });
  assert.equal(fieldsOf(r).file, 'looks like a PNG but is truncated or damaged');
});

test('refused: an empty body, an unknown or missing kind, a malformed filename; nothing written', async () => {
  const appId = await application(ownerId);
  let r = await unchanged(assert, () => upload(owner.token, appId, Buffer.alloc(0)), TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.equal(fieldsOf(r).file, 'is empty');

  for (const kind of ['passport', 'BUSINESS_PLAN', 'business_plan ', '']) {
    r = await unchanged(assert, () => upload(owner.token, appId, png(), { kind }), TABLES);
    assertErr(assert, r, 422, 'validation_failed');
    assert.match(fieldsOf(r).kind, /must be one of/, kind);
  }
  r = await unchanged(assert, () => api('POST', `/api/applications/${appId}/documents?filename=x.png`,
    { token: owner.token, body: png() }), TABLES);
  assertErr(assert, r, 422, 'validation_failed');
  assert.equal(fieldsOf(r).kind, 'is required');

  // Bad percent-encoding, invalid UTF-8, a control character, too long.
  for (const q of ['%zz', '%C3%28.png', 'a%0Ab.png', 'x'.repeat(1001)]) {
    r = await unchanged(assert, () => api('POST', `/api/applications/${appId}/documents?kind=other&filename=${q}`,
      { token: owner.token, body: png() }), TABLES);
    assertErr(assert, r, 400, 'validation_failed');
    assert.ok('filename' in fieldsOf(r), r.text);
  }
  // 1000 bytes is still fine (and the stored name is cut to 120 characters).
  r = await upload(owner.token, appId, png(), { filename: `${'x'.repeat(996)}.png` });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.filename.length, 120);
});

test(`size: exactly SEN_UPLOAD_MAX (${LIMIT} bytes) is accepted, one byte more is 413 too_large; nothing written`, async () => {
  assert.ok(LIMIT > 1048576, 'the limit tested is above the 1 MiB at which bodies go to disk');
  const appId = await application(ownerId);
  const exact = pdfOfSize(LIMIT);
  let r = await upload(owner.token, appId, exact, { filename: 'lon.pdf' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.size_bytes, LIMIT);
  assert.equal(r.json.sha256, sha256hex(exact));
  assert.equal(Number(await scalar('SELECT length(content) FROM document_contents WHERE document_id = $1', [r.json.id])), LIMIT);

  const over = pdfOfSize(LIMIT + 1);
  r = await unchanged(assert, () => upload(owner.token, appId, over, { filename: 'qua-lon.pdf' }), TABLES);
  assertErr(assert, r, 413, 'too_large');
  assert.match(r.json.error.message, new RegExp(`${LIMIT} bytes`));

  // Even a file that is not a PDF at all is refused for its size first.
  r = await unchanged(assert, () => upload(owner.token, appId, randomBytes(LIMIT + 1)), TABLES);
  assertErr(assert, r, 413, 'too_large');

  // Above Kore's own ceiling the body is not even read: Kore answers 413
  // from the headers alone (a bare page, not our JSON).
  r = await unchanged(assert, () => rawPost(`/api/applications/${appId}/documents?kind=other`,
    Buffer.alloc(KORE_MAX + 1), { authorization: `Bearer ${owner.token}`, 'content-type': 'application/pdf' }), TABLES);
  assert.equal(r.status, 413);
});

test('a body over 1 MiB (written to disk by Kore) round-trips byte for byte, its SHA-256 stored', async () => {
  const appId = await application(ownerId);
  // Random bytes inside a PDF comment: nothing compressible, nothing repeated.
  const body = Buffer.concat([Buffer.from('%PDF-1.5\n%'), Buffer.from(randomBytes(1536 * 1024).toString('base64').slice(0, 1536 * 1024)), Buffer.from('\n'), pdf().subarray(9)]);
  assert.ok(body.length > 1048576);
  const r = await upload(owner.token, appId, body, { kind: 'business_plan', filename: 'ke-hoach-chi-tiet.pdf' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sha256, sha256hex(body));
  assert.equal((await storedRow(r.json.id)).hex, sha256hex(body));

  const d = await download(owner.token, r.json.id);
  assert.equal(d.status, 200);
  assert.equal(d.body.length, body.length);
  assert.ok(d.body.equals(body), 'downloaded bytes are the uploaded ones');
  assert.equal(d.headers.get('etag'), `"${sha256hex(body)}"`);
});

test('download: type, length, attachment with a safe name, nosniff, sandbox CSP, no caching, request id, ETag', async () => {
  const appId = await application(ownerId);
  const body = jpeg();
  const up = await upload(owner.token, appId, body, { kind: 'other', filename: 'ảnh cửa hàng.jpg' });
  assert.equal(up.status, 201, up.text);

  const d = await download(owner.token, up.json.id);
  assert.equal(d.status, 200);
  assert.ok(d.body.equals(body));
  const h = d.headers;
  assert.equal(h.get('content-type'), 'image/jpeg');
  assert.equal(h.get('content-length'), String(body.length));
  assert.equal(h.get('content-disposition'),
    `attachment; filename="anh cua hang.jpg"; filename*=UTF-8''${rfc8187('ảnh cửa hàng.jpg')}`);
  assert.equal(h.get('x-content-type-options'), 'nosniff');
  assert.equal(h.get('content-security-policy'), "sandbox; default-src 'none'");
  assert.equal(h.get('cache-control'), 'private, no-store');
  assert.match(h.get('x-request-id'), /^[0-9a-f]{32}$/);
  assert.equal(h.get('etag'), `"${sha256hex(body)}"`);

  // HEAD: the same headers, no body, nothing read from the contents.
  const head = await download(owner.token, up.json.id, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers.get('content-length'), String(body.length));
  assert.equal(head.headers.get('content-type'), 'image/jpeg');
});

test('download: a Vietnamese file name in Content-Disposition, ASCII fallback and UTF-8', async () => {
  const appId = await application(ownerId);
  const names = [
    ['Giấy chứng nhận hộ nghèo năm 2025.pdf', 'Giay chung nhan ho ngheo nam 2025.pdf'],
    ['Đơn đăng ký – bản chính (100%).pdf', 'Don dang ky _ ban chinh (100_).pdf'],
    ['Kế hoạch "Bánh cuốn".pdf', 'Ke hoach _Banh cuon_.pdf'],
  ];
  for (const [name, ascii] of names) {
    const up = await upload(owner.token, appId, pdf(), { filename: name });
    assert.equal(up.status, 201, up.text);
    const stored = up.json.filename;
    const d = await download(owner.token, up.json.id);
    const cd = d.headers.get('content-disposition');
    assert.equal(cd, `attachment; filename="${ascii}"; filename*=UTF-8''${rfc8187(stored)}`);
    assert.ok(/^[\x20-\x7e]*$/.test(cd), 'the header is plain ASCII');
    assert.equal(decodeURIComponent(cd.split("UTF-8''")[1]), stored, 'filename* decodes to the stored name');
  }
});

test('who may download: the owner and staff; another applicant gets 404 (as for a missing id); reviewers and mentors 403 for any id', async () => {
  const appId = await application(ownerId);
  const body = png();
  const up = await upload(owner.token, appId, body, { kind: 'business_plan', filename: 'plan.png' });
  assert.equal(up.status, 201, up.text);
  const id = up.json.id;
  const missing = Number(await scalar('SELECT coalesce(max(id), 0) + 1000 FROM documents'));

  for (const token of [owner.token, staff, admin]) {
    const d = await download(token, id);
    assert.equal(d.status, 200);
    assert.ok(d.body.equals(body));
  }

  const theirs = await download(other.token, id);
  const none = await download(other.token, missing);
  for (const r of [theirs, none]) {
    assertErr(assert, r, 404, 'not_found');
    assert.equal(r.headers.get('content-disposition'), null);
  }
  assert.deepEqual(theirs.json, none.json, 'another applicant cannot tell her 404 from a missing id');
  assertErr(assert, await download(owner.token, missing), 404, 'not_found');

  // Reviewers and mentors are refused by role before any lookup, so the
  // answer is the same for every id: nothing leaks.
  for (const token of [reviewer, mentor]) {
    const a = await download(token, id);
    const b = await download(token, missing);
    assertErr(assert, a, 403, 'forbidden');
    assert.deepEqual(a.json, b.json);
  }
  assertErr(assert, await download(null, id), 401, 'unauthorized');
});

test('staff reads of household, disability and ID documents are audited; business plans, "other" and the owner\'s reads are not', async () => {
  const appId = await application(ownerId);
  const docs = {};
  for (const kind of ['household_certificate', 'disability_certificate', 'id_card', 'business_plan', 'other']) {
    const r = await upload(owner.token, appId, png(), { kind, filename: `${kind}.png` });
    assert.equal(r.status, 201, r.text);
    docs[kind] = r.json.id;
  }

  for (const [kind, id] of Object.entries(docs)) {
    const personal = !['business_plan', 'other'].includes(kind);
    assert.equal((await download(owner.token, id)).status, 200);
    assert.equal(await auditCount('documents.read_personal', id), 0, `owner reading ${kind} is not audited`);

    const d = await download(staff, id);
    assert.equal(d.status, 200);
    assert.equal(await auditCount('documents.read_personal', id), personal ? 1 : 0, kind);
    if (personal) {
      const { rows: [a] } = await db.query(
        "SELECT actor_id, after, request_id, client_ip FROM audit_log WHERE action = 'documents.read_personal' AND entity_id = $1",
        [String(id)]);
      assert.equal(Number(a.actor_id), staffId);
      assert.equal(a.after.kind, kind);
      assert.equal(a.after.application_id, appId);
      assert.equal(a.request_id, d.headers.get('x-request-id'));
      assert.ok(a.client_ip);
    }
  }
  // Each read is one more row.
  assert.equal((await download(admin, docs.id_card)).status, 200);
  assert.equal(await auditCount('documents.read_personal', docs.id_card), 2);
  // A refused read writes nothing.
  await unchanged(assert, () => download(other.token, docs.id_card), ['audit_log']);
});

test('upload rules: her own application while draft, submitted or screening; staff on any; otherwise 404 or 409, nothing written', async () => {
  for (const status of ['draft', 'submitted', 'screening']) {
    const appId = await application(ownerId, status);
    const r = await upload(owner.token, appId, pdf(), { filename: `${status}.pdf` });
    assert.equal(r.status, 201, `${status}: ${r.text}`);
  }
  for (const status of ['eligible', 'ineligible', 'withdrawn']) {
    const appId = await application(ownerId, status);
    const r = await unchanged(assert, () => upload(owner.token, appId, pdf()), TABLES);
    assertErr(assert, r, 409, 'conflict');
    assert.ok('status' in fieldsOf(r));
    // Staff may still add to it (e.g. a document handed in at the office).
    const s = await upload(staff, appId, pdf(), { kind: 'other', filename: 'nop-tai-phuong.pdf' });
    assert.equal(s.status, 201, s.text);
    assert.equal(Number((await storedRow(s.json.id)).uploaded_by), staffId);
  }

  // Another applicant's application, and one that does not exist: 404 alike.
  const appId = await application(ownerId);
  const missing = Number(await scalar('SELECT max(id) + 1000 FROM applications'));
  const a = await unchanged(assert, () => upload(other.token, appId, pdf()), TABLES);
  const b = await unchanged(assert, () => upload(other.token, missing, pdf()), TABLES);
  assertErr(assert, a, 404, 'not_found');
  assertErr(assert, b, 404, 'not_found');
  assert.deepEqual(a.json, b.json);
  assertErr(assert, await unchanged(assert, () => upload(staff, missing, pdf()), TABLES), 404, 'not_found');
});

test('delete: the owner, while the application is a draft → 204, gone from both tables, audited; otherwise 404 or 409', async () => {
  const appId = await application(ownerId);
  const up = await upload(owner.token, appId, png(), { filename: 'bo.png' });
  assert.equal(up.status, 201, up.text);
  const id = up.json.id;

  assertErr(assert, await unchanged(assert, () => api('DELETE', `/api/documents/${id}`, { token: other.token }), TABLES), 404, 'not_found');
  assertErr(assert, await unchanged(assert, () => api('DELETE', `/api/documents/${id}`, { token: staff }), TABLES), 403, 'forbidden');

  const r = await api('DELETE', `/api/documents/${id}`, { token: owner.token });
  assert.equal(r.status, 204, r.text);
  assert.equal(r.text, '');
  assert.equal(await storedRow(id), undefined);
  assert.equal(Number(await scalar('SELECT count(*) FROM document_contents WHERE document_id = $1', [id])), 0);
  const { rows: [a] } = await db.query(
    "SELECT actor_id, action, before, after FROM audit_log WHERE entity = 'documents' AND entity_id = $1 AND after IS NULL",
    [String(id)]);
  assert.equal(Number(a.actor_id), ownerId);
  assert.equal(a.action, 'documents.delete');
  assert.equal(a.before.filename, 'bo.png');

  assertErr(assert, await api('DELETE', `/api/documents/${id}`, { token: owner.token }), 404, 'not_found');
  assertErr(assert, (await download(owner.token, id)), 404, 'not_found');

  // Once submitted, documents stay: they are what was submitted.
  for (const status of ['submitted', 'screening', 'withdrawn']) {
    const sub = await application(ownerId, status);
    const docId = await storedDocument(sub, ownerId);
    const x = await unchanged(assert, () => api('DELETE', `/api/documents/${docId}`, { token: owner.token }), TABLES);
    assertErr(assert, x, 409, 'conflict');
    assert.ok(await storedRow(docId));
  }
});

test('the database enforces the same rules when the handler is bypassed', async () => {
  const appId = await application(ownerId, 'eligible');
  const draft = await application(ownerId);
  const subm = await application(ownerId, 'submitted');
  const mine = await storedDocument(subm, ownerId);
  const otherId = other.user.id;
  const as = async (actor, sql, params) => {
    const c = await sen.connect();
    try {
      await c.query('BEGIN');
      await c.query("SELECT set_config('sen.actor_id', $1, true)", [String(actor)]);
      await c.query(sql, params);
      await c.query('COMMIT');
      return null;
    } catch (e) {
      await c.query('ROLLBACK');
      return e;
    } finally {
      c.release();
    }
  };
  const ins = `INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
               VALUES ($1, 'other', 'image/png', 'x.png', 1, sha256('x'), $2)`;
  let e = await as(ownerId, ins, [appId, ownerId]);
  assert.equal(e && e.code, 'SN409', 'not after screening');
  e = await as(otherId, ins, [draft, otherId]);
  assert.equal(e && e.code, 'SN404', "not on another applicant's application");
  e = await as(ownerId, ins, [draft, staffId]);
  assert.equal(e && e.code, 'SN422', 'uploaded_by is the actor');
  e = await as(ownerId, 'DELETE FROM documents WHERE id = $1', [mine]);
  assert.equal(e && e.code, 'SN409', 'not removed after submission');
  e = await as(otherId, 'UPDATE documents SET filename = $2 WHERE id = $1', [mine, 'y.png']);
  assert.equal(e && e.code, 'SN409', 'metadata never changes');
  e = await as(staffId, ins, [appId, staffId]);
  assert.equal(e, null, 'staff may');
});

test('many uploads and downloads at once (more than the asynchronous pool holds) all succeed while other requests are served', async () => {
  const appId = await application(ownerId);
  const bodies = Array.from({ length: 8 }, (_, i) => pdf(300 * 1024 + i));
  const health = [];
  let stop = false;
  const poll = (async () => {
    while (!stop) {
      const t = Date.now();
      const r = await api('GET', '/api/health');
      health.push([r.status, Date.now() - t]);
    }
  })();
  const ups = await Promise.all(bodies.map((b, i) => upload(owner.token, appId, b, { filename: `song-song-${i}.pdf` })));
  for (const r of ups) assert.equal(r.status, 201, r.text);
  const downs = await Promise.all(ups.map((r) => download(owner.token, r.json.id)));
  downs.forEach((d, i) => {
    assert.equal(d.status, 200);
    assert.ok(d.body.equals(bodies[i]), `document ${i} intact`);
  });
  stop = true;
  await poll;
  assert.ok(health.length > 0);
  assert.ok(health.every(([s]) => s === 200), JSON.stringify(health));
  // No connection was left inside a transaction.
  assert.equal(Number(await scalar(
    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'sen' AND state LIKE 'idle in transaction%'")), 0);
});

test('after PostgreSQL restarts, uploads and downloads work again at once (dead pooled connections are replaced)', async () => {
  const appId = await application(ownerId);
  const before_ = await upload(owner.token, appId, png(), { filename: 'truoc.png' });
  assert.equal(before_.status, 201, before_.text);
  assert.equal((await download(owner.token, before_.json.id)).status, 200);

  const pgctl = (cmd) => execFileSync('app/ops/pg.sh', [cmd, process.env.SEN_PG_DIR, 'fast'], { stdio: 'inherit' });
  pgctl('stop');
  try {
    const r = await upload(owner.token, appId, png(), { filename: 'khi-tat.png' });
    assertErr(assert, r, 503, 'unavailable');
  } finally {
    pgctl('start');
  }
  for (let i = 0; i < 4; i++) {
    const r = await upload(owner.token, appId, png(), { filename: `sau-${i}.png` });
    assert.equal(r.status, 201, r.text);
    const d = await download(owner.token, r.json.id);
    assert.equal(d.status, 200, d.text);
  }
});
