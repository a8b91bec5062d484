// What the decision screens share (staff-decisions.js, staff-awards.js,
// my-decision.js): the header of a call's decision pages, outcome badges,
// the proposal's reasons and the API's messages about decisions, awards
// and payments in the interface's language, how a tranche opens, and two
// dialogs: one with a form that stays open while the API refuses it, and
// the strong confirmation of what cannot be undone.
import { h, mount, showErrors } from '../dom.js';
import { errorBox, fmtDay, loc } from '../widgets.js';

// ---------------------------------------------------------------------
// The header of a call's decision pages.

const PAGES = ['allocation', 'decisions', 'awards'];

export function decisionHead(app, call, current, title) {
  const t = app.t;
  document.getElementById('main').classList.add('wide');
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#/staff/calls' }, t('calls.title')), ' › ',
      h('a', { href: `#/staff/calls/${call.id}` }, loc(app, call.title))),
    h('h1', {}, title || t(`dec.page.${current}`)),
    h('p', {}, h('strong', {}, loc(app, call.title)), ' ', h('span', { class: `badge call-${call.status}` }, t(`callstatus.${call.status}`))),
    h('nav', { class: 'subnav', 'aria-label': t('dec.subnav') }, h('ul', {},
      h('li', {}, h('a', { href: `#/staff/calls/${call.id}/ranking` }, t('rv.page.ranking'))),
      PAGES.map((p) => h('li', {},
        h('a', { href: `#/staff/calls/${call.id}/${p}`, 'aria-current': p === current ? 'page' : null }, t(`dec.page.${p}`)))))),
  ];
}

// A table in its own scrolling box, named for screen readers.
export function scrollTable(caption, head, rows, cls = '') {
  return h('div', { class: `table-wrap scroll ${cls}`, tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, label)))),
      h('tbody', {}, rows)));
}

export const money = (app, v) => (v === null || v === undefined ? '—' : app.i18n.fmtMoney(v));

// funded, waitlisted, rejected, below_minimum, excluded.
export function outcomeBadge(app, outcome) {
  return h('span', { class: `badge oc-${outcome}` }, app.t(`dec.outcome.${outcome}`));
}

export const appLabel = (x) => `${x.reference || '—'} — ${x.business_name || ''}`;

// Today in Hà Nội, as YYYY-MM-DD.
export function hanoiToday() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// ---------------------------------------------------------------------
// The proposal's reason: the allocation gives it in both languages; a
// recorded decision keeps it in English only (and the API's messages
// quote it), so it is said again here from its fixed form.

const N = '(\\d[\\d ,]*)';
const REASONS = [
  [new RegExp(`^funded from the (priority reserve|general pool) \\(rank (\\d+)(?:; rank (\\d+) did not fit, so the walk went on)?\\)(?:: (?:max award ${N} of ${N} requested|${N} set by staff of ${N} requested))?$`),
    (app, m) => {
      const pool = app.t(m[1] === 'priority reserve' ? 'reason.pool.reserve' : 'reason.pool.general');
      let s = m[3] ? app.t('reason.funded_passed', { pool, rank: m[2], passed: m[3] }) : app.t('reason.funded', { pool, rank: m[2] });
      if (m[4]) s += app.t('reason.cap_max', { a: m[4], b: m[5] });
      if (m[6]) s += app.t('reason.cap_staff', { a: m[6], b: m[7] });
      return s;
    }],
  [new RegExp(`^waitlisted: ${N} VND left, ${N} requested$`), (app, m) => app.t('reason.waitlisted', { left: m[1], req: m[2] })],
  [new RegExp(`^waitlisted: ${N} VND left, ${N} proposed \\(${N} requested\\)$`),
    (app, m) => app.t('reason.waitlisted_cap', { left: m[1], prop: m[2], req: m[3] })],
  [/^below the minimum merit: (-?[\d.]+) < (-?[\d.]+)$/, (app, m) => app.t('reason.below', { a: points(app, m[1]), b: points(app, m[2]) })],
  [/^excluded: not ranked \(too few reviews\)$/, (app) => app.t('reason.excluded')],
  [/^excluded: not in the ranking$/, (app) => app.t('reason.not_in_ranking')],
];

const points = (app, s) => (app.i18n.getLocale() === 'vi' ? s.replace('.', ',') : s);

export function reasonText(app, en) {
  if (!en || app.i18n.getLocale() === 'en') return en || '';
  for (const [re, fn] of REASONS) {
    const m = re.exec(en);
    if (m) return fn(app, m);
  }
  return en;
}

// ---------------------------------------------------------------------
// The API's messages about decisions, awards and payments.

const vnd = (app, s) => app.i18n.fmtMoney(Number(String(s).replace(/\D/g, '')));

const GATE_WHY = [
  [/^tranche (\d+) opens when check-in (\d+) of the follow-up is approved$/, (app, m) => app.t('award.why.checkin', { n: m[1], k: m[2] })],
  [/^tranche (\d+) waits for staff approval$/, (app, m) => app.t('award.why.staff', { n: m[1] })],
];
function gateWhy(app, s) {
  for (const [re, fn] of GATE_WHY) {
    const m = re.exec(s);
    if (m) return fn(app, m);
  }
  return s;
}

const MESSAGES = [
  [/^is required: the proposal is (.+)$/, (app, m) => app.t('dec.fe.departure', { proposal: reasonText(app, m[1]) })],
  [/^is required for a funded decision$/, (app) => app.t('dec.fe.amount_needed')],
  [/^only a funded decision has an amount$/, (app) => app.t('dec.fe.amount_only_funded')],
  [/^must be at most ([\d,]+) VND \(what she asked/, (app, m) => app.t('dec.fe.amount_max', { amount: vnd(app, m[1]) })],
  [/^over the call's budget of ([\d,]+) VND: ([\d,]+) VND are committed already, ([\d,]+) VND would not fit$/,
    (app, m) => app.t('dec.fe.budget', { budget: vnd(app, m[1]), used: vnd(app, m[2]), ask: vnd(app, m[3]) })],
  [/^is required when the decision is changed$/, (app) => app.t('dec.fe.new_outcome_needed')],
  [/^is only for a changed decision$/, (app) => app.t('dec.fe.new_outcome_only')],
  [/^must be a whole number of VND from 1/, (app) => app.t('dec.fe.try_amount')],
  [/^is not an application in this call's ranking$/, (app) => app.t('dec.fe.try_unknown')],
  [/^decisions of this call have been released: its minimum merit stays$/, (app) => app.t('dec.fe.min_merit_frozen')],
  [/^decisions are released together: these reviewed applications have none yet: (.+)$/, (app, m) => app.t('dec.fe.release_missing', { list: m[1] })],
  [/^decisions are released once scoring is closed/, (app) => app.t('dec.fe.release_not_ready')],
  [/^there is no pending decision to release$/, (app) => app.t('dec.fe.release_none')],
  [/^over-payment: ([\d,]+) VND of tranche (\d+) remain to be paid$/, (app, m) => app.t('award.fe.over', { amount: vnd(app, m[1]), n: m[2] })],
  [/^tranche (\d+) is not open yet: (.+)$/, (app, m) => app.t('award.fe.not_open', { n: m[1], why: gateWhy(app, m[2]) })],
  [/^a payment is recorded once made: not in the future$/, (app) => app.t('award.fe.future')],
  [/^a payment cannot be before the award \((\d{4}-\d\d-\d\d)\)$/, (app, m) => app.t('award.fe.before', { day: fmtDay(app, m[1]) })],
  [/^the award has ended \((\w+)\)/i, (app, m) => app.t('award.fe.ended', { status: app.t(`award.status.${m[1]}`) })],
  [/^the award has ended already \((\w+)\)$/, (app, m) => app.t('award.fe.ended', { status: app.t(`award.status.${m[1]}`) })],
  [/^must sum to the award \(they sum to ([\d ]+) VND\)$/, (app, m) => app.t('award.fe.sum', { sum: vnd(app, m[1]) })],
  [/^tranche (\d+) has been paid from: it stays ([\d ]+) VND$/, (app, m) => app.t('award.fe.paid_stays', { n: m[1], amount: vnd(app, m[2]) })],
  [/^tranche has been paid from: its gate stays$/, (app) => app.t('award.fe.paid_gate')],
  [/^tranche (\d+) has been paid from: it cannot be removed$/, (app, m) => app.t('award.fe.paid_remove', { n: m[1] })],
  [/^must be at least 1 VND and at most the award$/, (app) => app.t('award.fe.amount_range')],
  [/^the first tranche is paid once the award is made: it has no gate$/, (app) => app.t('award.fe.first_gate')],
  [/^must be a check-in of the (?:business's|follow-up) schedule, 1 to (\d+), or null$/, (app, m) => app.t('award.fe.gate_range', { n: m[1] })],
  [/^must sum to 100 \(they sum to (-?\d+)\)$/, (app, m) => app.t('dec.fe.pcts_sum', { n: m[1] })],
  [/^must name the check-in \(or null\) of each tranche after the first: (\d+) of them$/, (app, m) => app.t('dec.fe.gates_count', { n: m[1] })],
  [/^money has been paid of this award/, (app) => app.t('mydec.fe.paid')],
  [/^you have no award on this application/i, (app) => app.t('mydec.fe.no_award')],
  [/^reconsideration could be asked until/, (app) => app.t('mydec.fe.window')],
  [/^a reconsideration is asked once/, (app) => app.t('mydec.fe.once')],
  [/^she has asked for a reconsideration: answer it instead$/, (app) => app.t('dec.fe.answer_instead')],
  [/^the decision is (\w+) already/, (app, m) => app.t('dec.fe.same_outcome', { outcome: app.t(`dec.outcome.${m[1]}`) })],
];

export function decMessage(app, msg) {
  if (app.i18n.getLocale() === 'en') return null;
  for (const [re, fn] of MESSAGES) {
    const m = re.exec(msg || '');
    if (m) return fn(app, m);
  }
  return null;
}

// The API's message of a field, in the interface's language.
export function decFieldError(app, msg) {
  return decMessage(app, msg) ?? app.i18n.fieldError(msg);
}

// What went wrong with an action: the API's own words when they say
// more than the code does (a conflict, a tranche still closed).
export function decErrorMessage(app, e) {
  if (e && e.status === 409 && e.message) {
    const said = decMessage(app, e.message);
    if (said) return said;
    if (app.i18n.getLocale() === 'en') return e.message.charAt(0).toUpperCase() + e.message.slice(1);
  }
  return app.i18n.errorMessage(e);
}

// What showErrors() needs, saying the decision messages well.
export function decI18n(app) {
  return { ...app.i18n, fieldError: (m) => decFieldError(app, m), errorMessage: (e) => decErrorMessage(app, e) };
}

// A box above a screen's content for what went wrong with an action.
export function problemBox() { return errorBox(); }
export function showProblem(app, box, e) {
  const fields = Object.values(e.fields || {}).map((m) => decFieldError(app, m));
  const top = decErrorMessage(app, e);
  mount(box, h('p', {}, top), fields.filter((f) => f !== top).map((m) => h('p', {}, m)));
  box.hidden = false;
  box.focus();
}

// ---------------------------------------------------------------------
// Tranches: how each one opens.

export function checkinName(app, number, label) {
  const m = /^month_(\d+)$/.exec(label || '');
  if (label === 'baseline') return app.t('award.checkin.baseline', { k: number });
  if (m) return app.t('award.checkin.month', { k: number, months: m[1] });
  return app.t('award.checkin.n', { k: number });
}

export function gateText(app, tr) {
  const t = app.t;
  const g = tr.gate;
  if (g.kind === 'award') return t('award.gate.award');
  if (g.kind === 'staff_approval') {
    return g.approved ? t('award.gate.staff_done', { at: app.i18n.fmtDateTime(g.approved_at) }) : t('award.gate.staff');
  }
  const name = checkinName(app, g.checkin_number, g.checkin_label);
  return t('award.gate.checkin', { checkin: name })
    + (g.checkin_due_on ? t('award.gate.due', { day: fmtDay(app, g.checkin_due_on) }) : '');
}

// Whether it may be paid now, and if not what it waits for.
export function trancheState(app, award, tr) {
  const t = app.t;
  if (award.status !== 'active') return { cls: 'ts-ended', text: t('award.ts.ended') };
  if (tr.remaining_vnd === 0) return { cls: 'ts-paid', text: t('award.ts.paid') };
  if (tr.open) return { cls: 'ts-open', text: t(tr.paid_vnd > 0 ? 'award.ts.part' : 'award.ts.open') };
  if (tr.gate_open) {
    const before = award.tranches.find((x) => x.number < tr.number && !x.gate_open);
    return { cls: 'ts-wait', text: t('award.ts.wait_before', { n: before ? before.number : tr.number - 1 }) };
  }
  const g = tr.gate;
  if (g.kind === 'staff_approval') return { cls: 'ts-wait', text: t('award.ts.wait_staff') };
  const name = checkinName(app, g.checkin_number, g.checkin_label);
  return { cls: 'ts-wait', text: t(`award.ts.wait_checkin.${g.checkin_status || 'none'}`, { checkin: name }) };
}

// ---------------------------------------------------------------------
// Dialogs.

// A modal form: the fields given, checked by submit(form) (which throws
// the API's error to keep the dialog open with the errors in place, or
// resolves to the result).  Resolves to null when cancelled.
export function formDialog(app, { title, intro, fields, confirm, danger, submit }) {
  return new Promise((resolve) => {
    const t = app.t;
    const ok = h('button', { type: 'submit', class: danger ? 'primary danger' : 'primary' }, confirm);
    const cancel = h('button', { type: 'button' }, t('cancel'));
    const form = h('form', { novalidate: true },
      h('h2', { id: 'form-dialog-title' }, title),
      (intro || []).map((p) => (p instanceof Node ? p : h('p', {}, p))),
      errorBox(),
      fields,
      h('div', { class: 'actions' }, ok, cancel));
    const dlg = h('dialog', { class: 'confirm form-dialog', 'aria-labelledby': 'form-dialog-title' }, form);
    let result = null;
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      ok.disabled = true;
      try {
        result = await submit(form);
        dlg.close();
      } catch (e) {
        showErrors(form, e, decI18n(app));
      } finally {
        ok.disabled = false;
      }
    });
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => { dlg.remove(); resolve(result); });
    document.body.append(dlg);
    dlg.showModal();
    (form.querySelector('input:not([type=hidden]), select, textarea') || cancel).focus();
  });
}

// For what cannot be undone: the consequences, then the word to type
// before the button does anything.  Resolves to true or false.
export function strongConfirm(app, { title, body, word, confirm }) {
  return new Promise((resolve) => {
    const t = app.t;
    const input = h('input', { id: 'strong-word', name: 'word', autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'strong-word-err' });
    const err = h('p', { class: 'error', id: 'strong-word-err', hidden: true });
    const ok = h('button', { type: 'submit', class: 'primary danger' }, confirm);
    const cancel = h('button', { type: 'button' }, t('cancel'));
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'strong-title' }, title),
      body.map((p) => (p instanceof Node ? p : h('p', {}, p))),
      h('div', { class: 'field' }, h('label', { for: input.id }, t('strong.type', { word })), input, err),
      h('div', { class: 'actions' }, ok, cancel));
    const dlg = h('dialog', { class: 'confirm', 'aria-labelledby': 'strong-title' }, form);
    let result = false;
    form.addEventListener('submit', (ev) => {
      if (input.value.trim().toLocaleUpperCase() !== word.toLocaleUpperCase()) {
        ev.preventDefault();
        err.textContent = t('strong.mismatch', { word });
        err.hidden = false;
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
      result = true;
    });
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => { dlg.remove(); resolve(result); });
    document.body.append(dlg);
    dlg.showModal();
    cancel.focus();
  });
}
