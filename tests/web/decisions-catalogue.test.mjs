// The decision screens build some catalogue keys from the API's values
// (outcomes, statuses, sources, gates, methods): every one is in both
// catalogues.  And the proposal's English reasons, which a recorded
// decision keeps (and the API's messages quote), are said again in
// Vietnamese exactly as the allocation says them (app/lib/decisions.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const APP = new URL('../../assets/app/', import.meta.url).pathname;
const load = async (file) => (await import(`data:text/javascript,${encodeURIComponent(await readFile(join(APP, file), 'utf8'))}`)).default;

test('the keys the decision screens build from API values are all there', async () => {
  const vi = await load('i18n/vi.js');
  const en = await load('i18n/en.js');
  const families = {
    'dec.outcome': ['funded', 'waitlisted', 'rejected', 'below_minimum', 'excluded'],
    'dec.status': ['pending', 'released', 'reversed'],
    'dec.source': ['staff', 'promotion', 'reversal', 'reconsideration'],
    'dec.count': ['pending', 'released', 'reversed', 'funded', 'waitlisted', 'rejected', 'departures'],
    'dec.page': ['allocation', 'decisions', 'awards'],
    'alloc.pool': ['reserve', 'general'],
    'alloc.cap': ['max_award', 'staff_decision', 'staff_query'],
    'award.status': ['active', 'declined', 'revoked'],
    'award.method': ['bank_transfer', 'cash', 'mobile_money'],
    'award.checkin_status': ['none', 'submitted', 'approved', 'returned'],
    'award.ts.wait_checkin': ['none', 'submitted', 'approved', 'returned'],
    'rc.status': ['open', 'upheld', 'changed'],
    'rc.how': ['upheld', 'changed'],
    'rc.confirm': ['upheld', 'changed'],
    'rel.blocked': ['scoring', 'undecided', 'none'],
    'mydec.next': ['funded', 'waitlisted', 'rejected'],
  };
  const keys = Object.entries(families).flatMap(([f, ks]) => ks.map((k) => `${f}.${k}`))
    .concat(['mydec.award_declined', 'mydec.award_revoked']);
  assert.deepEqual(keys.filter((k) => !(k in vi)), []);
  assert.deepEqual(keys.filter((k) => !(k in en)), []);
});

test('the proposal\'s English reasons read in Vietnamese as the allocation writes them', async () => {
  const vi = await load('i18n/vi.js');
  // decision-kit.js imports the DOM helpers: only its reason table is
  // exercised here, through a stand-in for the app.
  globalThis.document = { createElement: () => ({}) };
  const kit = await import(new URL('../../assets/app/views/decision-kit.js', import.meta.url));
  const app = {
    t: (k, p) => Object.entries(p || {}).reduce((s, [a, b]) => s.replaceAll(`{${a}}`, String(b)), vi[k] ?? k),
    i18n: { getLocale: () => 'vi' },
  };
  const cases = [
    ['funded from the priority reserve (rank 2)', 'được hỗ trợ từ quỹ dành riêng cho diện ưu tiên (hạng 2)'],
    ['funded from the general pool (rank 9; rank 7 did not fit, so the walk went on): max award 30 000 000 of 45 000 000 requested',
      'được hỗ trợ từ quỹ chung (hạng 9; hạng 7 không vừa số tiền còn lại nên xét tiếp): mức tối đa 30 000 000 trên 45 000 000 đề nghị'],
    ['funded from the general pool (rank 1): 30 000 000 set by staff of 40 000 000 requested',
      'được hỗ trợ từ quỹ chung (hạng 1): 30 000 000 do cán bộ đặt trên 40 000 000 đề nghị'],
    ['waitlisted: 12 000 000 VND left, 30 000 000 requested', 'danh sách chờ: còn 12 000 000 đồng, đề nghị 30 000 000'],
    ['waitlisted: 0 VND left, 20 000 000 proposed (25 000 000 requested)', 'danh sách chờ: còn 0 đồng, đề xuất 20 000 000 (đề nghị 25 000 000)'],
    ['below the minimum merit: 48.2 < 50.0', 'dưới điểm tối thiểu: 48,2 < 50,0'],
    ['excluded: not ranked (too few reviews)', 'không xét: chưa được xếp hạng (thiếu phiếu chấm)'],
    ['something new', 'something new'],
  ];
  for (const [en, want] of cases) assert.equal(kit.reasonText(app, en), want);
});
