// What the review tests set up without a browser: a call whose rubric has
// anchored scores, opened, with eligible applications (one with a
// verified priority claim), then closed; reviewer accounts made by staff
// through the API with a password; reviews written through the API.
// Not a test file itself.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { api, db } from '../api/lib.mjs';
import { ifMatch, makeCall } from '../api/apps_fixtures.mjs';
import { newReviewer, sqlApp } from '../api/matrix/reviews.mjs';

export { newReviewer };

// makeCall's rubric: impact 0..10 weight 60, feasibility 0..10 weight 40.
const ANCHORS = [
  ['impact', 0, 'Chưa thấy tác động rõ ràng', 'No clear impact yet'],
  ['impact', 5, 'Có ích cho vài hộ gia đình trong phường', 'Helps a few households of the ward'],
  ['impact', 10, 'Tạo việc làm và thu nhập bền vững cho phụ nữ trong phường', 'Lasting jobs and income for women of the ward'],
  ['feasibility', 0, 'Kế hoạch chưa khả thi', 'Not feasible yet'],
  ['feasibility', 5, 'Khả thi nhưng còn thiếu chi phí hoặc khách hàng', 'Feasible, but costs or customers are missing'],
  ['feasibility', 10, 'Chi phí, khách hàng và các bước đều rõ ràng', 'Costs, customers and steps all clear'],
];
export const anchorText = (key, score) => ANCHORS.find((a) => a[0] === key && a[1] === score)[2];

// A call with k reviewers per application, a poor household's priority
// worth 10 points, anchored criteria; open while the applications are
// made, then closed.  Returns { call, apps: { [name]: id } }.
export async function closedReviewCall(tag, names, { k = 2, verifiedPoor = [] } = {}) {
  const call = await makeCall({
    status: 'draft', reviewers_per_application: k, title_vi: `Đợt chấm thử ${tag}`, title_en: `Review round ${tag}`,
    bonus_poor: 10, bonus_near_poor: 7, priority_cap: 15,
  });
  for (const [key, score, vi, en] of ANCHORS) {
    await db.query(`INSERT INTO criterion_anchors (criterion_id, score, text_vi, text_en)
      SELECT id, $3, $4, $5 FROM call_criteria WHERE call_id = $1 AND key = $2`, [call, key, score, vi, en]);
  }
  await db.query("UPDATE calls SET status = 'open' WHERE id = $1", [call]);
  const apps = {};
  for (const name of names) {
    apps[name] = await sqlApp(call, 'eligible', {
      business_name: name,
      description: `${name}: bán hàng tại chợ Hàng Bè và qua Zalo.`,
    });
  }
  const staff = Number((await db.query("SELECT id FROM users WHERE email = 'staff@sen.example'")).rows[0].id);
  for (const name of verifiedPoor) {
    const id = apps[name];
    const who = (await db.query('SELECT applicant_id FROM applications WHERE id = $1', [id])).rows[0].applicant_id;
    await db.query(`INSERT INTO documents (application_id, kind, content_type, filename, size_bytes, sha256, uploaded_by)
      VALUES ($1, 'household_certificate', 'application/pdf', 'giay-chung-nhan.pdf', 1000, $2, $3)`,
    [id, createHash('sha256').update(`${id}poor`).digest(), who]);
    await db.query(`INSERT INTO priority_claims (application_id, category, cert_number, cert_issued_on, cert_valid_until,
        status, decided_by, decided_at)
      VALUES ($1, 'poor', 'GCN-123', current_date - 30, current_date + 300, 'verified', $2, now())`, [id, staff]);
  }
  await db.query("UPDATE calls SET closes_at = now() - interval '1 minute' WHERE id = $1", [call]);
  await db.query("UPDATE calls SET status = 'closed' WHERE id = $1", [call]);
  return { call, apps };
}

export const referenceOf = async (id) => (await db.query('SELECT reference FROM applications WHERE id = $1', [id])).rows[0].reference;

// The reviewers assigned to an application, by reviewer id.
export async function assigned(appId) {
  const { rows } = await db.query('SELECT id, reviewer_id FROM assignments WHERE application_id = $1 ORDER BY reviewer_id', [appId]);
  return rows.map((r) => ({ assignment: Number(r.id), reviewer: Number(r.reviewer_id) }));
}

// A reviewer declares no conflict, saves and submits a complete review.
export async function apiReview(token, appId, assignmentId, body) {
  let r = await api('POST', `/api/assignments/${assignmentId}/declaration`, { token, body: { conflict: false } });
  assert.equal(r.status, 200, r.text);
  r = await api('PUT', `/api/applications/${appId}/review`, { token, body });
  assert.equal(r.status, 201, r.text);
  r = await api('POST', `/api/applications/${appId}/review/submit`, { token, headers: ifMatch(r.json.version) });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// A time in Hà Nội as a datetime-local input takes it.
export const hanoi = (ms) => new Date(ms + 7 * 3600e3).toISOString().slice(0, 16);
