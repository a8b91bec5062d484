// Staff: the awards of a call with totals that add up, and one award:
// its tranches with what opens each (the first at once, a later one when
// a follow-up check-in is approved, or on staff's approval, given here),
// its schedule edited with the sum kept in view, payments recorded (the
// API refuses an over-payment or a closed tranche: said in place), and
// the award revoked with a reason (what is freed goes to the waitlist at
// once: the offers made are shown).
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  confirmDialog, errorBox, facts, fmtDay, fmtNumber, group, loc, moneyInput, parseNumber,
} from '../widgets.js';
import {
  checkinName, decI18n, decisionHead, formDialog, gateText, hanoiToday, money, problemBox, scrollTable,
  showProblem, trancheState,
} from './decision-kit.js';

const METHODS = ['bank_transfer', 'cash', 'mobile_money'];

export function awardStatusBadge(app, status) {
  return h('span', { class: `badge aw-${status}` }, app.t(`award.status.${status}`));
}

// ---------------------------------------------------------------------
// The awards of a call

export async function staffAwardsView(main, app, [callId]) {
  const t = app.t;
  const [call, r] = await Promise.all([api('GET', `/api/calls/${callId}`), api('GET', `/api/calls/${callId}/awards`)]);
  const s = r.totals;
  const rows = r.items.map((w) => h('tr', { class: `aw-row aw-${w.status}` },
    h('th', { scope: 'row', class: 'app' }, h('a', { href: `#/staff/awards/${w.id}` }, h('span', { class: 'ref' }, w.reference), ' ', w.business_name)),
    h('td', {}, awardStatusBadge(app, w.status), w.ended_reason ? h('p', { class: 'prose muted' }, w.ended_reason) : null),
    h('td', { class: 'num' }, money(app, w.amount_vnd)),
    h('td', { class: 'num' }, money(app, w.paid_vnd)),
    h('td', { class: 'num' }, money(app, w.remaining_vnd)),
    h('td', { class: 'num' }, money(app, w.committed_vnd)),
    h('td', { class: 'num' }, String(w.tranches))));
  mount(main, decisionHead(app, call, 'awards'),
    h('section', { 'aria-labelledby': 'aw-totals' },
      h('h2', { id: 'aw-totals' }, t('award.totals')),
      facts([
        [t('alloc.t.budget'), money(app, s.budget_vnd)],
        [t('award.t.pending'), money(app, s.pending_vnd)],
        [t('award.t.awarded'), t('award.t.awarded_v', { amount: money(app, s.awarded_vnd), n: s.active })],
        [t('award.t.paid'), money(app, s.paid_vnd)],
        [t('award.t.paid_ended'), money(app, s.paid_ended_vnd)],
        [t('award.t.to_pay'), money(app, s.to_pay_vnd)],
        [t('dec.b.committed'), money(app, s.committed_vnd)],
        [t('dec.b.available'), money(app, s.available_vnd)],
      ]),
      h('p', { class: 'hint' }, t('award.t.hint'))),
    h('section', { 'aria-labelledby': 'aw-list' },
      h('h2', { id: 'aw-list' }, t('award.list', { n: s.awards })),
      r.items.length ? scrollTable(t('award.caption'),
        [[t('conflicts.application')], [t('award.col.status')], [t('award.col.amount'), true], [t('award.col.paid'), true],
          [t('award.col.remaining'), true], [t('award.col.committed'), true], [t('award.col.tranches'), true]], rows, 'awards decisions-ui')
        : h('p', {}, t('award.none'))));
}

// ---------------------------------------------------------------------
// One award

export async function staffAwardView(main, app, [awardId]) {
  const t = app.t;
  const w = await api('GET', `/api/awards/${awardId}`);
  const call = await api('GET', `/api/calls/${w.call.id}`);
  const reload = () => app.go(`#/staff/awards/${awardId}`);
  const problems = problemBox();
  const active = w.status === 'active';
  const etag = w._etag || `"${w.version}"`;

  // The offers made when it was revoked (kept for the screen after).
  let offers = null;
  try { offers = JSON.parse(sessionStorage.getItem(`sen.offers.${awardId}`) || 'null'); } catch { /* none */ }
  sessionStorage.removeItem(`sen.offers.${awardId}`);

  // Tranches, with what opens each, and staff's approval where it is theirs.
  const approve = async (tr) => {
    const note = h('textarea', { name: 'note', rows: 3, maxlength: 2000 });
    const r = await formDialog(app, {
      title: t('award.approve.title', { n: tr.number }),
      intro: [t('award.approve.body', { n: tr.number, amount: money(app, tr.amount_vnd) })],
      fields: [field(t('award.approve.note'), note, t('award.approve.note_hint'))],
      confirm: t('award.approve.confirm'),
      submit: () => api('POST', `/api/awards/${awardId}/tranches/${tr.number}/approve`, { body: note.value.trim() ? { note: note.value } : {} }),
    });
    if (r) { app.toast(t('award.approve.done', { n: tr.number })); reload(); }
  };
  const trRows = w.tranches.map((tr) => {
    const st = trancheState(app, w, tr);
    const g = tr.gate;
    return h('tr', { class: `tr-row ${st.cls}`, dataset: { n: String(tr.number) } },
      h('th', { scope: 'row' }, t('award.tranche_n', { n: tr.number })),
      h('td', { class: 'num' }, money(app, tr.amount_vnd), h('br'), h('span', { class: 'muted' }, `${fmtPct(app, tr.pct)} %`)),
      h('td', {}, gateText(app, tr),
        g.kind === 'checkin' ? [h('br'), h('span', { class: 'muted' }, t(`award.checkin_status.${g.checkin_status || 'none'}`))] : null,
        g.kind === 'staff_approval' && g.note ? h('p', { class: 'prose muted' }, g.note) : null),
      h('td', {}, h('span', { class: `badge ${st.cls}` }, st.text)),
      h('td', { class: 'num' }, money(app, tr.paid_vnd)),
      h('td', { class: 'num' }, money(app, tr.remaining_vnd)),
      h('td', {}, active && g.kind === 'staff_approval' && !g.approved
        ? h('button', { type: 'button', class: 'small', onclick: () => approve(tr), 'aria-label': t('award.approve.button_n', { n: tr.number }) }, t('award.approve.button'))
        : ''));
  });

  const payRows = w.disbursements.map((x) => h('tr', {},
    h('td', {}, fmtDay(app, x.paid_on)),
    h('th', { scope: 'row' }, t('award.tranche_n', { n: x.tranche })),
    h('td', { class: 'num' }, money(app, x.amount_vnd)),
    h('td', {}, t(`award.method.${x.method}`)),
    h('td', { class: 'ref' }, x.reference),
    h('td', {}, app.i18n.fmtDateTime(x.recorded_at))));

  mount(main,
    decisionHead(app, call, 'awards', t('award.title', { app: `${w.reference} — ${w.business_name}` })),
    problems,
    offers && offers.length ? h('div', { class: 'card offers', role: 'status' },
      h('h2', {}, t('award.offers', { n: offers.length })),
      h('ul', {}, offers.map((o) => h('li', {}, h('span', { class: 'ref' }, o.reference), ` — ${o.business_name}: `,
        t('award.offer_v', { amount: money(app, o.amount_vnd), pool: t(`alloc.pool.${o.pool}`), rank: o.rank }))))) : null,
    offers && !offers.length ? h('p', { class: 'notice', role: 'status' }, t('award.no_offers')) : null,
    h('section', { 'aria-labelledby': 'aw-sum' },
      h('h2', { id: 'aw-sum' }, t('award.summary')),
      facts([
        [t('award.col.status'), awardStatusBadge(app, w.status)],
        [t('conflicts.application'), h('a', { href: `#/staff/applications/${w.application_id}` }, `${w.reference} — ${w.business_name}`)],
        [t('app.call'), loc(app, w.call.title)],
        [t('award.col.amount'), money(app, w.totals.amount_vnd)],
        [t('award.col.paid'), money(app, w.totals.paid_vnd)],
        [t('award.col.remaining'), money(app, w.totals.remaining_vnd)],
        [t('award.payable_now'), money(app, w.totals.payable_now_vnd)],
        [t('award.made_at'), app.i18n.fmtDateTime(w.created_at)],
        w.ended_at ? [t('award.ended_at'), app.i18n.fmtDateTime(w.ended_at)] : null,
        w.ended_reason ? [t('award.ended_reason'), h('span', { class: 'prose' }, w.ended_reason)] : null,
      ])),
    h('section', { 'aria-labelledby': 'aw-tranches' },
      h('h2', { id: 'aw-tranches' }, t('award.tranches')),
      scrollTable(t('award.tranches_caption'),
        [[t('award.col.tranche')], [t('award.col.amount'), true], [t('award.col.opens')], [t('award.col.state')],
          [t('award.col.paid'), true], [t('award.col.remaining'), true], [t('asg.action')]], trRows, 'tranches decisions-ui')),
    active ? disburseForm(app, w, reload) : null,
    h('section', { 'aria-labelledby': 'aw-pay' },
      h('h2', { id: 'aw-pay' }, t('award.payments', { n: w.disbursements.length })),
      w.disbursements.length ? scrollTable(t('award.payments_caption'),
        [[t('award.pay.day')], [t('award.col.tranche')], [t('award.col.amount'), true], [t('award.pay.method')], [t('award.pay.reference')],
          [t('award.pay.recorded')]], payRows, 'payments decisions-ui') : h('p', {}, t('award.no_payments'))),
    active ? scheduleForm(app, w, etag, reload) : null,
    active ? revokeSection(app, w, problems) : null);
}

const capital = (x) => x.charAt(0).toLocaleUpperCase() + x.slice(1);

function fmtPct(app, p) {
  return new Intl.NumberFormat(app.i18n.getLocale() === 'en' ? 'en-US' : 'vi-VN', { maximumFractionDigits: 1 }).format(p);
}

// A payment of a tranche.
function disburseForm(app, w, reload) {
  const t = app.t;
  const firstOpen = w.tranches.find((tr) => tr.open && tr.remaining_vnd > 0) || w.tranches[0];
  const tranche = h('select', { name: 'tranche' }, w.tranches.map((tr) => h('option', { value: String(tr.number), selected: tr === firstOpen },
    t(tr.open ? 'award.pay.tranche_open' : 'award.pay.tranche_closed', { n: tr.number, remaining: money(app, tr.remaining_vnd) }))));
  const amount = moneyInput({ name: 'amount_vnd', value: firstOpen && firstOpen.remaining_vnd ? fmtNumber(app, firstOpen.remaining_vnd) : '' });
  let typed = false;
  amount.addEventListener('input', () => { typed = true; });
  tranche.addEventListener('change', () => {
    const tr = w.tranches.find((x) => x.number === Number(tranche.value));
    if (!typed && tr) amount.value = tr.remaining_vnd ? fmtNumber(app, tr.remaining_vnd) : '';
  });
  const day = h('input', { type: 'date', name: 'paid_on', value: hanoiToday(), max: hanoiToday() });
  const method = h('select', { name: 'method' }, METHODS.map((m) => h('option', { value: m }, t(`award.method.${m}`))));
  const reference = h('input', { name: 'reference', maxlength: 100, autocomplete: 'off' });
  const save = h('button', { type: 'submit', class: 'primary' }, t('award.pay.save'));
  const form = h('form', { class: 'card pay-form', novalidate: true },
    h('h2', { id: 'aw-payform' }, t('award.pay.title')),
    h('p', { class: 'hint' }, t('award.pay.hint')),
    errorBox(),
    h('div', { class: 'row2' }, field(t('award.col.tranche'), tranche), field(t('award.pay.amount'), amount)),
    h('div', { class: 'row2' }, field(t('award.pay.day'), day), field(t('award.pay.method'), method)),
    field(t('award.pay.reference'), reference, t('award.pay.reference_hint')),
    h('div', { class: 'actions' }, save));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      await api('POST', `/api/awards/${w.id}/disbursements`, {
        body: {
          tranche: Number(tranche.value), amount_vnd: parseNumber(amount.value), paid_on: day.value || null,
          method: method.value, reference: reference.value,
        },
      });
      app.toast(t('award.pay.done', { amount: money(app, parseNumber(amount.value)), n: tranche.value }));
      reload();
    } catch (e) {
      showErrors(form, e, decI18n(app));
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

// The schedule: amounts that sum to the award, what opens each later one.
function scheduleForm(app, w, etag, reload) {
  const t = app.t;
  const known = new Map(w.tranches.filter((tr) => tr.gate.kind === 'checkin').map((tr) => [tr.gate.checkin_number, tr.gate.checkin_label]));
  const most = Math.max(12, ...known.keys());
  const gateOptions = (value) => [h('option', { value: '', selected: value == null }, t('set.gate.staff')),
    Array.from({ length: most }, (_, i) => i + 1).map((k) => h('option', { value: String(k), selected: value === k },
      known.has(k) ? capital(checkinName(app, k, known.get(k))) : t('set.gate.checkin', { k })))];
  const rows = h('ol', { class: 'tranche-rows' });
  const sum = h('p', { class: 'sum', 'aria-live': 'polite' });
  function addRow(tr) {
    const paid = tr && tr.paid_vnd > 0;
    const amount = moneyInput({ class: 'amt', value: tr ? fmtNumber(app, tr.amount_vnd) : '', disabled: paid });
    const gate = h('select', { class: 'gate', disabled: paid }, gateOptions(tr && tr.gate.kind === 'checkin' ? tr.gate.checkin_number : null));
    const li = h('li', { class: 'tranche-row', dataset: { paid: paid ? '1' : '' } },
      field('', amount), field('', gate),
      paid ? h('p', { class: 'hint' }, t('award.edit.paid', { amount: money(app, tr.paid_vnd) })) : h('button', { type: 'button', class: 'link danger remove' }));
    const rm = li.querySelector('.remove');
    if (rm) rm.addEventListener('click', () => { li.remove(); renumber(); });
    rows.append(li);
    renumber();
  }
  function renumber() {
    [...rows.children].forEach((li, i) => {
      const [la, lg] = li.querySelectorAll('label');
      li.querySelector('.amt').name = `tranches[${i}].amount_vnd`;
      la.textContent = t('award.edit.amount_n', { n: i + 1 });
      const gate = li.querySelector('.gate');
      gate.name = i === 0 ? '' : `tranches[${i}].gate_checkin`;
      lg.textContent = t('set.gate_n', { n: i + 1 });
      gate.closest('.field').hidden = i === 0;
      const rm = li.querySelector('.remove');
      if (rm) { rm.textContent = t('set.remove_n', { n: i + 1 }); rm.hidden = rows.children.length === 1; }
    });
    showSum();
  }
  const amounts = () => [...rows.querySelectorAll('.amt')].map((i) => parseNumber(i.value));
  function showSum() {
    const total = amounts().reduce((a, v) => a + (typeof v === 'number' ? v : 0), 0);
    const diff = w.amount_vnd - total;
    sum.textContent = diff === 0 ? t('award.edit.sum_ok', { sum: money(app, total) })
      : t(diff > 0 ? 'award.edit.sum_short' : 'award.edit.sum_over', { sum: money(app, total), award: money(app, w.amount_vnd), diff: money(app, Math.abs(diff)) });
    sum.className = diff === 0 ? 'sum ok' : 'sum bad';
  }
  w.tranches.forEach((tr) => addRow(tr));
  const add = h('button', { type: 'button' }, t('set.add'));
  add.addEventListener('click', () => { addRow(null); rows.lastElementChild.querySelector('.amt').focus(); });
  const save = h('button', { type: 'submit', class: 'primary' }, t('award.edit.save'));
  const form = h('form', { class: 'card schedule-form', novalidate: true },
    h('h2', { id: 'aw-edit' }, t('award.edit.title')),
    h('p', { class: 'hint' }, t('award.edit.hint')),
    errorBox(),
    group(t('award.tranches'), 'tranches', [rows, sum, add]),
    h('div', { class: 'actions' }, save));
  form.addEventListener('input', showSum);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const tranches = [...rows.children].map((li, i) => {
      const g = li.querySelector('.gate').value;
      return { amount_vnd: parseNumber(li.querySelector('.amt').value), gate_checkin: i === 0 || g === '' ? null : Number(g) };
    });
    save.disabled = true;
    try {
      await api('PUT', `/api/awards/${w.id}/tranches`, { body: { tranches }, etag });
      app.toast(t('award.edit.saved'));
      reload();
    } catch (e) {
      showErrors(form, e, decI18n(app));
      if (e.status === 412) form.querySelector('.form-errors').append(h('p', {}, h('button', { type: 'button', onclick: reload }, t('rv.reload'))));
    } finally {
      save.disabled = false;
    }
  });
  return form;
}

// Revoking: for good, with the reason; the freed money goes to the waitlist.
function revokeSection(app, w, problems) {
  const t = app.t;
  const b = h('button', { type: 'button', class: 'danger' }, t('award.revoke.button'));
  b.addEventListener('click', async () => {
    const ok = await confirmDialog(app, {
      title: t('award.revoke.title', { app: `${w.reference} — ${w.business_name}` }),
      body: [t('award.revoke.body', { paid: money(app, w.totals.paid_vnd), rest: money(app, w.totals.remaining_vnd) }), t('award.revoke.final')],
      confirm: t('award.revoke.confirm'), danger: true,
      reason: { label: t('award.revoke.reason'), required: true },
    });
    if (!ok) return;
    b.disabled = true;
    try {
      const r = await api('POST', `/api/awards/${w.id}/revoke`, { body: { reason: ok.reason } });
      sessionStorage.setItem(`sen.offers.${w.id}`, JSON.stringify(r.offers));
      app.toast(t('award.revoke.done'));
      app.rerender();
    } catch (e) {
      showProblem(app, problems, e);
      b.disabled = false;
    }
  });
  return h('section', { class: 'card danger-zone', 'aria-labelledby': 'aw-revoke' },
    h('h2', { id: 'aw-revoke' }, t('award.revoke.title_short')),
    h('p', {}, t('award.revoke.what')),
    b);
}
