// Rows of the role matrix (tests/api/routes.test.mjs) for the document
// routes, and the fixtures they share with tests/api/documents.test.mjs:
// funding calls and applications made directly in the database (the
// application endpoints are not what is tested here), and tiny real
// files of each accepted type.
import zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { api, db } from '../lib.mjs';
import { theirs } from '../routetable.mjs';

// ---- Files --------------------------------------------------------------

// A one-page PDF whose cross-reference offsets are right; `pad` bytes of
// comment after the header make it as large as needed.
export function pdf(pad = 0) {
  const head = '%PDF-1.4\n';
  const filler = pad > 0 ? `%${'x'.repeat(Math.max(0, pad - 2))}\n` : '';
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>',
  ];
  let out = head + filler;
  const offs = [];
  objs.forEach((o, i) => { offs.push(out.length); out += `${i + 1} 0 obj\n${o}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n`;
  for (const o of offs) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

// A PDF of exactly n bytes.
export function pdfOfSize(n) {
  const base = pdf(0).length;
  let b = pdf(n - base);
  // The xref offsets grew by a digit or not: adjust once more.
  b = pdf(n - base - (b.length - n) + 0);
  if (b.length !== n) throw new Error(`pdfOfSize: ${b.length} != ${n}`);
  return b;
}

function chunk(type, data) {
  const t = Buffer.from(type, 'latin1');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([t, data])));
  return Buffer.concat([len, t, data, crc]);
}

// A 1x1 RGB PNG.
export function png() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.from([0, 0xff, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// A 1x1 grey baseline JPEG: DQT, SOF0, two DHT, SOS, one byte of scan, EOI.
export function jpeg() {
  return Buffer.from(
    'ffd8ffdb004300' + '01'.repeat(64) +
    'ffc0000b080001000101011100' +
    'ffc40014' + '0001' + '00'.repeat(15) + '00' +
    'ffc40014' + '1001' + '00'.repeat(15) + '00' +
    'ffda0008010100003f00' + '3f' + 'ffd9', 'hex');
}

export const sha256hex = (b) => createHash('sha256').update(b).digest('hex');

// ---- Calls and applications ---------------------------------------------

// An open call (rubric weights summing to 100, in one transaction).
export async function openCall() {
  const c = await db.connect();
  try {
    await c.query('BEGIN');
    const { rows } = await c.query(
      `INSERT INTO calls (title_vi, title_en, description_vi, description_en,
         opens_at, closes_at, budget_vnd, max_award_vnd, stages, wards)
       VALUES ('Hỗ trợ phụ nữ khởi nghiệp', 'Women start-up support', 'Mô tả', 'Description',
         now() - interval '1 day', now() + interval '30 days', 500000000, 50000000,
         ARRAY['idea', 'startup', 'new_business'], ARRAY(SELECT code FROM wards))
       RETURNING id`);
    const id = rows[0].id;
    await c.query(
      `INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight)
       VALUES ($1, 1, 'impact', 'Tác động', 'Impact', 10, 60),
              ($1, 2, 'feasibility', 'Khả thi', 'Feasibility', 10, 40)`, [id]);
    await c.query('COMMIT');
    await c.query("UPDATE calls SET status = 'open' WHERE id = $1", [id]);
    return Number(id);
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

// Statuses reachable from draft, and the way there.
const PATHS = {
  draft: [],
  submitted: ['submitted'],
  screening: ['submitted', 'screening'],
  eligible: ['submitted', 'screening', 'eligible'],
  ineligible: ['submitted', 'screening', 'ineligible'],
  withdrawn: ['withdrawn'],
};

// An application of applicantId in the given status (each on a call of its
// own: one active application per applicant per call).
export async function application(applicantId, status = 'draft') {
  const callId = await openCall();
  const { rows } = await db.query(
    'INSERT INTO applications (call_id, applicant_id) VALUES ($1, $2) RETURNING id',
    [callId, applicantId]);
  const id = Number(rows[0].id);
  for (const s of PATHS[status]) {
    if (s === 'submitted') {
      // Everything applications_complete_check asks of a submitted one.
      await db.query(
        `UPDATE applications SET status = 'submitted',
           business_name = 'Bánh cuốn Thanh Vân', stage = 'idea', sector = 'food_beverage',
           description = 'Bánh cuốn nóng', problem_customers = 'Bữa sáng nhanh',
           plan = 'Mua nồi hấp', team_size = 2, women_employed = 2, jobs_planned = 1,
           amount_requested_vnd = 20000000,
           budget_lines = '[{"item": "Nồi hấp", "amount_vnd": 20000000}]',
           women_capital_pct = 100, woman_manager = true, ward_code = (SELECT min(code) FROM wards)
         WHERE id = $1`, [id]);
    } else {
      await db.query(`UPDATE applications SET status = $2, screening_reason = CASE WHEN $2 = 'ineligible'
          THEN 'Không thuộc đối tượng hỗ trợ' ELSE screening_reason END WHERE id = $1`, [id, s]);
    }
  }
  return id;
}

// A document put straight into the database (no API, no guard: no actor).
export async function storedDocument(appId, uploadedBy, kind = 'business_plan', bytes = png(), filename = 'anh.png') {
  const { rows } = await db.query(
    `WITH d AS (INSERT INTO documents (application_id, kind, content_type, filename,
                  size_bytes, sha256, uploaded_by)
                VALUES ($1, $2, 'image/png', $3, length($4::bytea), sha256($4::bytea), $5)
                RETURNING id),
          c AS (INSERT INTO document_contents (document_id, content) SELECT id, $4::bytea FROM d)
     SELECT id FROM d`, [appId, kind, filename, bytes, uploadedBy]);
  return Number(rows[0].id);
}

export function upload(token, appId, body, { kind = 'business_plan', filename = 'file', headers = {} } = {}) {
  const q = `kind=${encodeURIComponent(kind)}&filename=${encodeURIComponent(filename)}`;
  return api('POST', `/api/applications/${appId}/documents?${q}`, {
    token, body, headers: { 'content-type': 'application/octet-stream', ...headers },
  });
}

// ---- The rows -------------------------------------------------------------

export default function rows({ tokens, ids, others }) {
  // Another applicant's document (tests/api/ownership.test.mjs).
  const theirDocument = theirs(async () => storedDocument(await application(others.applicant), others.applicant));
  return {
    'POST /api/applications/{id}/documents': {
      allowed: ['applicant', 'staff', 'admin'], ok: 201,
      prep: () => application(ids.applicant),
      other: { applicant: theirs(() => application(others.applicant)) },
      call: (token, appId) => upload(token, appId, png(), { filename: 'anh.png' }),
    },
    'GET /api/documents/{id}': {
      allowed: ['applicant', 'staff', 'admin'], ok: 200, other: { applicant: theirDocument },
      prep: async () => storedDocument(await application(ids.applicant), ids.applicant),
      call: (token, docId) => api('GET', `/api/documents/${docId}`, { token }),
    },
    'DELETE /api/documents/{id}': {
      allowed: ['applicant'], ok: 204, other: { applicant: theirDocument },
      prep: async () => storedDocument(await application(ids.applicant), ids.applicant),
      call: (token, docId) => api('DELETE', `/api/documents/${docId}`, { token }),
    },
  };
}
