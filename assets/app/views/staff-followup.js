// Staff: the follow-up.  Check-ins due soon and overdue (oldest due date
// first, as the API gives them), and every supported business with its
// status, risks and next check-in.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { errorBox, fmtDay, loc, reference, wardName } from '../widgets.js';
import { businessStatus, slotName } from './business.js';

const WITHIN = [7, 14, 30, 60, 90];

function table(caption, head, rows, cls = '') {
  return h('div', { class: `table-wrap scroll ${cls}`, tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, label)))),
      h('tbody', {}, rows)));
}

export async function staffFollowupsView(main, app, args, params) {
  const t = app.t;
  main.classList.add('wide');
  const [ref, calls] = await Promise.all([reference(), api('GET', '/api/calls')]);
  const sel = (name, label, options, value) => field(label, h('select', { name },
    options.map(([v, l]) => h('option', { value: String(v), selected: String(value ?? '') === String(v) }, l))));
  const filters = h('form', { class: 'filters', novalidate: true },
    errorBox(),
    h('div', { class: 'grid' },
      sel('within_days', t('due.within'), WITHIN.map((n) => [n, t('due.within_n', { n })]), params.get('within_days') || '14'),
      sel('call_id', t('filter.call'), [['', t('filter.any')], ...calls.items.map((c) => [c.id, loc(app, c.title)])], params.get('call_id')),
      sel('ward', t('filter.ward'), [['', t('filter.any')], ...ref.wards.map((w) => [w.code, w.name_vi])], params.get('ward')),
      sel('status', t('biz.status'), [['', t('filter.any')], ...['on_track', 'at_risk', 'closed'].map((s) => [s, t(`bstatus.${s}`)])], params.get('status'))));
  const dueBox = h('div', { 'aria-live': 'polite' });
  const bizBox = h('div', {});
  const more = h('button', { type: 'button', hidden: true }, t('list.more'));
  let after = null;
  let bizRows = null;

  const dueRow = (d) => h('tr', { class: d.state === 'due_soon' ? null : 'is-overdue' },
    h('td', {}, h('a', { href: `#/staff/businesses/${d.business.id}` }, d.business.name), ' ', businessStatus(app, d.business.status),
      h('br'), h('span', { class: 'muted' }, d.business.ward_code ? wardName(ref, d.business.ward_code) : '')),
    h('td', {}, d.owner.full_name, d.owner.phone ? [h('br'), h('a', { href: `tel:${d.owner.phone}` }, d.owner.phone.replace(/^\+84/, '0'))] : null),
    h('td', {}, slotName(app, d), d.checkin_status === 'returned' ? [h('br'), h('a', { href: `#/checkins/${d.checkin_id}` }, t('due.returned'))] : null),
    h('td', {}, fmtDay(app, d.due_on)),
    h('td', {}, h('span', { class: `badge due-${d.state}` }, t(`due.state.${d.state}`)), h('br'),
      h('span', { class: 'muted' }, d.days_overdue > 0 ? t('due.days_over', { n: d.days_overdue }) : d.days_overdue === 0 ? t('due.today')
        : t('due.days_left', { n: -d.days_overdue }))));

  const bizRow = (b) => h('tr', { class: b.status === 'at_risk' ? 'is-overdue' : null },
    h('td', {}, h('a', { href: `#/staff/businesses/${b.id}` }, b.name), h('br'), h('span', { class: 'ref' }, b.reference)),
    h('td', {}, b.owner.full_name),
    h('td', {}, b.call.title),
    h('td', {}, b.ward_code ? wardName(ref, b.ward_code) : '—'),
    h('td', {}, businessStatus(app, b.status), b.risks.length ? [h('br'), h('span', { class: 'muted' }, b.risks.map((r) => t(`risk.code.${r}`)).join(', '))] : null),
    h('td', {}, b.next_due ? [slotName(app, { months: Number((/\d+/.exec(b.next_due.label) || ['0'])[0]) }), h('br'),
      h('span', { class: 'muted' }, fmtDay(app, b.next_due.due_on)), ' ', h('span', { class: `badge fs-${b.next_due.state}` }, t(`fu.state.${b.next_due.state}`))] : '—'));

  async function load() {
    const f = filters.elements;
    const qp = new URLSearchParams();
    for (const k of ['within_days', 'call_id', 'ward', 'status']) if (f[k].value) qp.set(k, f[k].value);
    history.replaceState(null, '', `#/staff/followups${qp.toString() ? `?${qp}` : ''}`);
    const dq = new URLSearchParams({ within_days: f.within_days.value });
    const bq = new URLSearchParams({ limit: '50' });
    for (const k of ['call_id', 'ward']) if (f[k].value) { dq.set(k, f[k].value); bq.set(k, f[k].value); }
    if (f.status.value) bq.set('status', f.status.value);
    dueBox.setAttribute('aria-busy', 'true');
    try {
      const [due, biz] = await Promise.all([api('GET', `/api/followups/due?${dq}`), api('GET', `/api/businesses?${bq}`)]);
      showErrors(filters, null, app.i18n);
      const overdue = due.items.filter((d) => d.state !== 'due_soon').length;
      mount(dueBox,
        h('p', { class: overdue ? 'sum bad' : 'sum' }, t('due.summary', { n: due.items.length, overdue, today: fmtDay(app, due.today) })),
        due.truncated ? h('p', { class: 'notice' }, t('due.truncated')) : null,
        due.items.length ? table(t('due.caption'), [[t('due.business')], [t('fu.owner')], [t('due.checkin')], [t('due.due_on')], [t('due.state')]],
          due.items.map(dueRow), 'tall') : h('p', {}, t('due.none')));
      bizRows = h('tbody', {}, biz.items.map(bizRow));
      after = biz.next_after;
      more.hidden = !after;
      mount(bizBox, biz.items.length ? h('div', { class: 'table-wrap scroll tall', tabindex: '0', role: 'region', 'aria-label': t('biz.caption') },
        h('table', {}, h('caption', {}, t('biz.caption')),
          h('thead', {}, h('tr', {}, [t('due.business'), t('fu.owner'), t('app.call'), t('filter.ward'), t('biz.status'), t('biz.next')].map((l) => h('th', { scope: 'col' }, l)))),
          bizRows)) : h('p', {}, t('biz.none')));
    } catch (e) {
      showErrors(filters, e, app.i18n);
    } finally {
      dueBox.removeAttribute('aria-busy');
    }
  }
  more.addEventListener('click', async () => {
    const f = filters.elements;
    const bq = new URLSearchParams({ limit: '50', after: String(after) });
    for (const k of ['call_id', 'ward', 'status']) if (f[k].value) bq.set(k, f[k].value);
    more.disabled = true;
    try {
      const biz = await api('GET', `/api/businesses?${bq}`);
      for (const b of biz.items) bizRows.append(bizRow(b));
      after = biz.next_after;
      more.hidden = !after;
    } catch (e) {
      showErrors(filters, e, app.i18n);
    } finally {
      more.disabled = false;
    }
  });
  filters.addEventListener('change', load);
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });

  mount(main,
    h('h1', {}, t('fu.staff_title')),
    filters,
    h('section', { 'aria-labelledby': 'due-h' }, h('h2', { id: 'due-h' }, t('due.title')), h('p', { class: 'hint' }, t('due.hint')), dueBox),
    h('section', { 'aria-labelledby': 'biz-h' }, h('h2', { id: 'biz-h' }, t('biz.title')), bizBox, more));
  await load();
}
