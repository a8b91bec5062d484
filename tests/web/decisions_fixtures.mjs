// What the decision browser tests set up without a browser: a call whose
// ranking is made by hand in SQL (tests/api/decisions_fixtures.mjs: one
// criterion "merit" out of 100, one submitted review per application with
// a comment for the applicant and one for the committee), scoring closed,
// so that staff find the allocation proposal ready.  Not a test file.
//
// Budget 100 000 000, 30 % reserved for verified priority (30 000 000):
//   rank 1  A  merit 90  asks 40  Hoa (logs in on a phone)
//   rank 2  B  merit 85  asks 30  poor household, verified
//   rank 3  C  merit 80  asks 20
//   rank 4  D  merit 70  asks 30  Dung (logs in)
//   rank 5  E  merit 60  asks 10
//   rank 6  G  merit 50  asks 50  Lan (logs in)
//   rank 7  F  merit 40  asks 10
// The reserve walk funds B (30, all of the reserve).  The general walk
// over 70: A 40 (30 left), C 20 (10 left), D 30 does not fit, E 10 (0
// left), G 50 does not fit, F 10 does not fit: D, G and F wait, in that
// order.  With a minimum merit of 45, F is below it instead.
import { db } from '../api/lib.mjs';
import { register } from '../api/fixtures.mjs';
import { M, closeScoring, decisionCall, rankedApp } from '../api/decisions_fixtures.mjs';

export { M };

export const NAMES = {
  A: 'Bún chả Hàng Mành',
  B: 'Thêu tay Hàng Trống',
  C: 'Trà chanh Hàng Bè',
  D: 'Xôi xéo Hàng Bài',
  E: 'Bánh cuốn Thanh Trì',
  G: 'Gốm Bát Tràng phố Hàng Khay',
  F: 'Nem rán Lý Quốc Sư',
};

export const COMMENT_A = 'Kế hoạch bán hàng rất rõ ràng, nên mở thêm kênh Zalo.';
export const CONFIDENTIAL_A = 'BÍ MẬT: giá thuê mặt bằng có vẻ thấp hơn thực tế.';

export async function decisionScenario(tag) {
  const hoa = await register({ full_name: 'Trần Thị Hoa' });
  const dung = await register({ full_name: 'Vũ Thị Dung' });
  const lan = await register({ full_name: 'Lê Thị Lan' });
  const call = await decisionCall({
    budget_vnd: 100 * M, max_award_vnd: 50 * M, priority_reserved_pct: 30,
    title_vi: `Đợt hỗ trợ Hoàn Kiếm ${tag}`, title_en: `Hoàn Kiếm support round ${tag}`,
  });
  const spec = [
    ['A', 90, 40, { applicant: hoa.user.id, comment: COMMENT_A, confidential: CONFIDENTIAL_A }],
    ['B', 85, 30, { claims: ['poor'] }],
    ['C', 80, 20, {}],
    ['D', 70, 30, { applicant: dung.user.id }],
    ['E', 60, 10, {}],
    ['G', 50, 50, { applicant: lan.user.id }],
    ['F', 40, 10, {}],
  ];
  const apps = {};
  for (const [k, merit, amount, extra] of spec) {
    apps[k] = await rankedApp(call, { merit, amount: amount * M, name: NAMES[k], ...extra });
  }
  await closeScoring(call);
  return { call, apps, hoa, dung, lan };
}

export const awardOf = async (appId) => Number((await db.query(
  "SELECT id FROM awards WHERE application_id = $1 AND status = 'active' ORDER BY id DESC LIMIT 1", [appId])).rows[0]?.id) || null;
