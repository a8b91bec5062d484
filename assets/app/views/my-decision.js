// The applicant's decision, on her application's page once the call's
// decisions are released (before that the API says there is none): the
// outcome and her letter (with the review committee's comments for her),
// her award with its tranches and payments, declining it (before anything
// is paid), and asking once, within the window, for a reconsideration of
// a decision not to fund.  Phone first: lists, not tables.
import { api } from '../api.js';
import { field, h, showErrors } from '../dom.js';
import { confirmDialog, errorBox, fmtDay } from '../widgets.js';
import { decErrorMessage, decI18n, gateText, money, outcomeBadge, trancheState } from './decision-kit.js';

// Statuses before any decision can have been released.
const BEFORE = ['draft', 'submitted', 'screening', 'eligible', 'ineligible', 'in_review', 'reviewed'];

// The section, or null when there is nothing to show yet.
export async function myDecisionSection(app, a) {
  if (BEFORE.includes(a.status)) return null;
  let v;
  try {
    v = await api('GET', `/api/applications/${a.id}/decision`);
  } catch (e) {
    if (e.status === 404) return null;
    throw e;
  }
  let award = null;
  if (v.award) {
    try { award = await api('GET', `/api/awards/${v.award.id}`); } catch { /* shown from the decision alone */ }
  }
  return render(app, a, v, award);
}

function render(app, a, v, award) {
  const t = app.t;
  const d = v.decision;
  const letter = d.letter;
  return h('section', { class: 'card my-decision', 'aria-labelledby': 'my-dec' },
    h('h2', { id: 'my-dec' }, t('mydec.title')),
    h('p', { class: 'outcome-line' }, outcomeBadge(app, d.outcome),
      d.outcome === 'funded' && d.amount_vnd ? h('strong', { class: 'amount' }, ` ${money(app, d.amount_vnd)}`) : null),
    h('p', { class: 'muted' }, t('mydec.released', { at: app.i18n.fmtDateTime(d.released_at) })),
    h('p', {}, t(`mydec.next.${d.outcome}`)),
    d.rationale ? [h('h3', {}, t('mydec.rationale')), h('p', { class: 'prose' }, d.rationale)] : null,
    letter ? h('details', { class: 'letter', open: true },
      h('summary', {}, t('mydec.letter')),
      h('article', { lang: letter.locale, 'aria-label': t('mydec.letter') },
        h('h3', { class: 'letter-subject' }, letter.subject),
        h('p', { class: 'prose letter-body' }, letter.body))) : null,
    award ? awardBlock(app, a, v, award) : v.award ? h('p', {}, t('mydec.award_short', { amount: money(app, v.award.amount_vnd) })) : null,
    reconsiderBlock(app, a, v, d),
    v.history.length ? [h('h3', {}, t('mydec.history')), h('ul', { class: 'history' }, v.history.map((x) => h('li', {},
      outcomeBadge(app, x.outcome), x.amount_vnd ? ` ${money(app, x.amount_vnd)}` : '',
      h('span', { class: 'muted' }, ` · ${t('mydec.history_v', { released: x.released_at ? app.i18n.fmtDateTime(x.released_at) : '—', changed: x.reversed_at ? app.i18n.fmtDateTime(x.reversed_at) : '—' })}`))))] : null);
}

function awardBlock(app, a, v, w) {
  const t = app.t;
  const canDecline = w.status === 'active' && w.totals.paid_vnd === 0;
  const problems = errorBox();
  const decline = h('button', { type: 'button', class: 'danger' }, t('mydec.decline'));
  decline.addEventListener('click', async () => {
    const ok = await confirmDialog(app, {
      title: t('mydec.decline_title', { amount: money(app, w.amount_vnd) }),
      body: [t('mydec.decline_body'), t('mydec.decline_final')],
      confirm: t('mydec.decline_confirm'), danger: true,
      reason: { label: t('mydec.decline_reason'), required: true },
    });
    if (!ok) return;
    decline.disabled = true;
    try {
      await api('POST', `/api/applications/${a.id}/decline-award`, { body: { reason: ok.reason } });
      app.toast(t('mydec.declined'));
      app.rerender();
    } catch (e) {
      problems.textContent = decErrorMessage(app, e);
      problems.hidden = false;
      problems.focus();
      decline.disabled = false;
    }
  });
  return h('div', { class: 'my-award' },
    h('h3', { id: 'my-award' }, t('mydec.award')),
    problems,
    w.status !== 'active' ? h('p', { class: 'notice' }, t(`mydec.award_${w.status}`, { reason: w.ended_reason || '' })) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, t('award.col.amount')), h('dd', {}, money(app, w.totals.amount_vnd)),
      h('dt', {}, t('award.col.paid')), h('dd', {}, money(app, w.totals.paid_vnd)),
      h('dt', {}, t('award.col.remaining')), h('dd', {}, money(app, w.totals.remaining_vnd))),
    h('h4', {}, t('award.tranches')),
    h('ol', { class: 'my-tranches' }, w.tranches.map((tr) => {
      const st = trancheState(app, w, tr);
      return h('li', { class: `my-tranche ${st.cls}` },
        h('p', {}, h('strong', {}, t('award.tranche_n', { n: tr.number })), ` · ${money(app, tr.amount_vnd)}`),
        h('p', { class: 'muted' }, gateText(app, tr)),
        h('p', {}, h('span', { class: `badge ${st.cls}` }, st.text), tr.paid_vnd ? ` ${t('mydec.paid_of', { paid: money(app, tr.paid_vnd) })}` : ''));
    })),
    w.disbursements.length ? [h('h4', {}, t('award.payments', { n: w.disbursements.length })),
      h('ul', { class: 'my-payments' }, w.disbursements.map((x) => h('li', {},
        h('strong', {}, money(app, x.amount_vnd)), ` · ${t('award.tranche_n', { n: x.tranche })} · ${fmtDay(app, x.paid_on)} · ${t(`award.method.${x.method}`)}`,
        h('span', { class: 'muted ref' }, ` ${x.reference}`))))] : h('p', { class: 'muted' }, t('award.no_payments')),
    canDecline ? [h('p', { class: 'hint' }, t('mydec.decline_hint')), h('div', { class: 'actions' }, decline)] : null);
}

function reconsiderBlock(app, a, v, d) {
  const t = app.t;
  const k = v.reconsideration;
  if (k) {
    return h('div', { class: 'my-reconsideration' },
      h('h3', {}, t('mydec.rc')),
      h('p', {}, h('span', { class: `badge rc-${k.status}` }, t(`rc.status.${k.status}`)),
        h('span', { class: 'muted' }, ` ${t('mydec.rc_asked', { at: app.i18n.fmtDateTime(k.requested_at) })}`)),
      h('p', { class: 'prose' }, k.reason),
      k.answer ? [h('h4', {}, t('mydec.rc_answer', { at: app.i18n.fmtDateTime(k.answered_at) })), h('p', { class: 'prose' }, k.answer)]
        : h('p', {}, t('mydec.rc_waiting')));
  }
  if (!v.can_ask_reconsideration) {
    if (d.outcome !== 'funded' && d.reconsider_until) return h('p', { class: 'muted' }, t('mydec.rc_closed', { at: app.i18n.fmtDateTime(d.reconsider_until) }));
    return null;
  }
  const reason = h('textarea', { name: 'reason', rows: 5, maxlength: 2000 });
  const send = h('button', { type: 'submit', class: 'primary' }, t('mydec.rc_send'));
  const form = h('form', { class: 'my-reconsideration', novalidate: true },
    h('h3', {}, t('mydec.rc')),
    h('p', {}, t('mydec.rc_can', { at: app.i18n.fmtDateTime(d.reconsider_until) })),
    errorBox(),
    field(t('mydec.rc_reason'), reason, t('mydec.rc_reason_hint')),
    h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!reason.value.trim()) { showErrors(form, { fields: { reason: 'is required' } }, decI18n(app)); return; }
    const ok = await confirmDialog(app, { title: t('mydec.rc_confirm_title'), body: [t('mydec.rc_confirm_body')], confirm: t('mydec.rc_send') });
    if (!ok) return;
    send.disabled = true;
    try {
      await api('POST', `/api/applications/${a.id}/reconsideration`, { body: { reason: reason.value } });
      app.toast(t('mydec.rc_sent'));
      app.rerender();
    } catch (e) {
      showErrors(form, e, decI18n(app));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}
