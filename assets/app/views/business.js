// Follow-up of a supported business.  The entrepreneur: her schedule with
// due dates and states, a short check-in form made for a small phone
// (every error in place; what she typed stays on the phone until it is
// sent, so a dropped network loses nothing and the send can be retried),
// and her history with staff's comments (a returned check-in is answered
// again).  Her mentor reads the same, without the household status.
// Staff: the same page with approve/return, the at-risk flag and closing.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  check, confirmDialog, errorBox, facts, fieldsFor, fmtDay, fmtNumber, group, loc, moneyInput, paragraphs, parseNumber,
  parseSigned, reference, refLabel, showProblem, textOrNull,
} from '../widgets.js';

// GET /api/support-areas once per page load.
let areasPromise = null;
export function supportAreas() {
  if (!areasPromise) areasPromise = api('GET', '/api/support-areas').then((r) => r.items).catch((e) => { areasPromise = null; throw e; });
  return areasPromise;
}

export const REGISTRATION = ['not_registered', 'in_progress', 'household_business', 'cooperative', 'enterprise'];
const TO_ANSWER = ['open', 'overdue', 'missed', 'returned'];

export const slotName = (app, s) => (s.months === 0 ? app.t('fu.baseline') : app.t('fu.month', { n: s.months }));
export const businessStatus = (app, status) => h('span', { class: `badge bs-${status}` }, app.t(`bstatus.${status}`));
const slotState = (app, state) => h('span', { class: `badge fs-${state}` }, app.t(`fu.state.${state}`));
const staffRole = (u) => u && (u.role === 'staff' || u.role === 'admin');

export function riskList(app, b) {
  const t = app.t;
  const fmt = app.i18n;
  if (!b.risks.length) return null;
  return h('ul', { class: 'risks' }, b.risks.map((r) => h('li', {}, (() => {
    switch (r.code) {
    case 'missed_checkin': return t('risk.missed_checkin', { label: slotName(app, { months: monthsOf(b, r.number) }), due: fmtDay(app, r.due_on) });
    case 'revenue_falling': return t('risk.revenue_falling', {
      baseline: fmt.fmtMoney(r.baseline_vnd), recent: (r.recent_vnd || []).map((v) => fmt.fmtMoney(v)).join(', '), pct: r.threshold_pct,
    });
    case 'flagged': return r.reason ? t('risk.flagged_why', { reason: r.reason }) : t('risk.flagged');
    default: return r.code;
    }
  })())));
}
const monthsOf = (b, number) => (b.schedule.find((s) => s.number === number) || { months: 0 }).months;

// What a check-in says, for reading.
export function checkinFacts(app, ref, areas, c) {
  const t = app.t;
  const fmt = app.i18n;
  const money = (v) => (v == null ? null : fmt.fmtMoney(v));
  const w = c.workers;
  return [
    facts([
      [t('ci.operating'), c.operating ? t('yes') : t('ci.closed_now')],
      c.operating ? null : [t('ci.closed_reason'), h('span', { class: 'prose' }, c.closed_reason || '')],
      [t('ci.registration'), c.registration_status ? t(`reg.${c.registration_status}`) : null],
      c.operating ? [t('ci.revenue'), money(c.revenue_vnd)] : null,
      c.operating ? [t('ci.profit'), money(c.profit_vnd)] : null,
      w ? [t('ci.workers'), t('ci.workers_v', { women: w.women, men: w.men, dis: w.with_disability })] : null,
      c.jobs_created == null ? null : [t('ci.jobs'), c.jobs_created_women == null ? String(c.jobs_created)
        : t('ci.jobs_v', { n: c.jobs_created, women: c.jobs_created_women })],
      'household_status' in c && c.household_status ? [t('ci.household'), refLabel(app, ref.household_statuses, c.household_status)] : null,
      c.milestones && c.milestones.length ? [t('ci.milestones'), h('ul', { class: 'short-list' }, c.milestones.map((m) => h('li', {}, m)))] : null,
      c.challenges ? [t('ci.challenges'), h('span', { class: 'prose' }, c.challenges)] : null,
      c.support_needed && c.support_needed.length ? [t('ci.support'), c.support_needed.map((s) => refLabel(app, areas, s)).join(', ')] : null,
    ]),
    c.funds_used && c.funds_used.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'funds' },
      h('caption', {}, t('ci.funds')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('budget.item_col')), h('th', { scope: 'col', class: 'num' }, t('ci.budgeted')),
        h('th', { scope: 'col', class: 'num' }, t('ci.used')))),
      h('tbody', {}, c.funds_used.map((f) => h('tr', {}, h('td', {}, f.item), h('td', { class: 'num' }, fmt.fmtMoney(f.budget_vnd)),
        h('td', { class: 'num' }, fmt.fmtMoney(f.used_vnd))))))) : null,
  ];
}

// One business: facts, status and risks, the schedule, the check-ins.
function businessBlock(app, ref, b, { heading = 'h2', actions = null } = {}) {
  const t = app.t;
  const fmt = app.i18n;
  const u = app.state.user;
  const staff = staffRole(u);
  const mine = u && u.role === 'applicant';
  const canSend = (mine || staff) && b.status !== 'closed';
  const latest = [...b.checkins].sort((x, y) => y.schedule.number - x.schedule.number);
  return h('section', { class: 'business', 'aria-labelledby': `b-${b.id}` },
    h(heading, { id: `b-${b.id}` }, b.name),
    h('p', {}, businessStatus(app, b.status), ' ', h('span', { class: `badge st-${b.application_status}` }, t(`status.${b.application_status}`)),
      b.flagged ? h('span', { class: 'badge flag' }, t('risk.flagged')) : null),
    riskList(app, b),
    b.closed ? h('p', { class: 'reason' }, t('fu.closed', { at: fmt.fmtDateTime(b.closed.at), reason: b.closed.reason })) : null,
    actions,
    facts([
      [t('app.call'), b.call.title],
      [t('fu.reference'), staff ? h('a', { href: `#/staff/applications/${b.application_id}` }, b.reference) : b.reference],
      [t('fu.award_on'), fmtDay(app, b.award_on)],
      [t('app.f.sector'), b.sector ? refLabel(app, ref.sectors, b.sector) : null],
      [t('profile.ward'), b.ward_name],
      staff || u.role === 'mentor' ? [t('fu.owner'), [b.owner.full_name,
        b.owner.phone ? [h('br'), h('a', { href: `tel:${b.owner.phone}` }, b.owner.phone.replace(/^\+84/, '0'))] : null,
        b.owner.email ? [h('br'), h('a', { href: `mailto:${b.owner.email}` }, b.owner.email)] : null]] : null,
    ]),
    h('h3', {}, t('fu.schedule')),
    h('ol', { class: 'plain schedule' }, b.schedule.map((s) => h('li', { class: `slot fs-row-${s.state}` },
      h('div', { class: 'slot-head' },
        h('strong', {}, slotName(app, s)), ' ', slotState(app, s.state)),
      h('p', { class: 'muted' }, t('fu.due', { at: fmtDay(app, s.due_on) }),
        s.state === 'upcoming' ? ` · ${t('fu.opens', { at: fmtDay(app, s.opens_on) })}` : ''),
      h('div', { class: 'actions' },
        canSend && TO_ANSWER.includes(s.state) ? h('a', {
          class: 'button primary', href: `#/business/${b.id}/checkin/${s.number}`,
          'aria-label': `${t(s.state === 'returned' ? 'fu.answer_again' : 'fu.send')}: ${slotName(app, s)}`,
        }, t(s.state === 'returned' ? 'fu.answer_again' : 'fu.send')) : null,
        s.checkin_id ? h('a', { class: 'button', href: `#/checkins/${s.checkin_id}`, 'aria-label': `${t('fu.see')}: ${slotName(app, s)}` }, t('fu.see')) : null)))),
    h('h3', {}, t('fu.history')),
    latest.length ? h('ul', { class: 'plain history' }, latest.map((c) => h('li', { class: `card ci-${c.status}` },
      h('p', {}, h('strong', {}, slotName(app, c.schedule)), ' ', slotState(app, c.status),
        c.revision > 1 ? h('span', { class: 'muted' }, ` ${t('ci.revision', { n: c.revision })}`) : null),
      h('p', { class: 'muted' }, t('ci.sent_at', { at: fmt.fmtDateTime(c.submitted_at) }),
        c.reviewed_at ? ` · ${t('ci.reviewed_at', { at: fmt.fmtDateTime(c.reviewed_at) })}` : ''),
      c.review_comment ? h('div', { class: 'comment for-applicant' }, h('h4', {}, t('ci.staff_comment')), paragraphs(c.review_comment)) : null,
      h('p', {}, h('a', { href: `#/checkins/${c.id}` }, t('fu.see_n', { label: slotName(app, c.schedule) })))))) : h('p', {}, t('fu.no_checkins')));
}

// The entrepreneur's page.
export async function myBusinessView(main, app) {
  const t = app.t;
  const [r, ref] = await Promise.all([api('GET', '/api/businesses/mine'), reference()]);
  mount(main,
    h('h1', {}, t('fu.title')),
    r.items.length ? [h('p', { class: 'hint' }, t('fu.intro')), r.items.map((b) => h('div', { class: 'card' }, businessBlock(app, ref, b)))]
      : h('p', { class: 'notice' }, t('fu.none')));
}

// One business, for its owner, her mentor (read-only) or staff.
export async function businessView(main, app, [id]) {
  const t = app.t;
  const u = app.state.user;
  const staff = staffRole(u);
  const [b, ref] = await Promise.all([api('GET', `/api/businesses/${id}`), reference()]);
  const problems = errorBox();
  const reload = () => app.go(location.hash);
  let actions = null;
  if (staff) {
    main.classList.add('wide');
    const act = async (path, dialog, body) => {
      const r = await confirmDialog(app, dialog);
      if (!r) return;
      try {
        await api('POST', `/api/businesses/${id}/${path}`, { body: body ? { reason: r.reason } : undefined, etag: `"${b.version}"` });
        app.toast(t(`fu.${path}_done`));
        reload();
      } catch (e) {
        showProblem(app, problems, e);
      }
    };
    const closed = b.status === 'closed';
    actions = h('div', { class: 'card staff-actions' },
      h('h3', {}, t('fu.staff_actions')),
      b.flag ? h('p', { class: 'reason' }, t('fu.flag_was', { reason: b.flag.reason, at: app.i18n.fmtDateTime(b.flag.at) })) : null,
      closed ? h('p', {}, t('fu.is_closed')) : h('div', { class: 'actions' },
        h('button', {
          type: 'button', onclick: () => act('flag', {
            title: t(b.flag ? 'fu.reflag_title' : 'fu.flag_title', { name: b.name }), body: [t('fu.flag_body')], confirm: t('fu.flag'),
            reason: { label: t('fu.flag_reason'), required: true },
          }, true),
        }, t(b.flag ? 'fu.reflag' : 'fu.flag')),
        b.flag ? h('button', {
          type: 'button', onclick: () => act('unflag', { title: t('fu.unflag_title', { name: b.name }), body: [t('fu.unflag_body')], confirm: t('fu.unflag') }),
        }, t('fu.unflag')) : null,
        h('button', {
          type: 'button', class: 'danger', onclick: () => act('close', {
            title: t('fu.close_title', { name: b.name }), body: [t('fu.close_body')], confirm: t('fu.close'), danger: true,
            reason: { label: t('fu.close_reason'), required: true },
          }, true),
        }, t('fu.close'))));
  }
  const back = staff ? ['#/staff/followups', t('fu.staff_title')] : u && u.role === 'applicant' ? ['#/business', t('fu.title')] : ['#/mentor', t('mentor.title')];
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: back[0] }, back[1])),
    u && u.role === 'mentor' ? h('p', { class: 'notice' }, t('fu.mentor_readonly')) : null,
    problems,
    businessBlock(app, ref, b, { heading: 'h1', actions }));
}

// ---------------------------------------------------------------------
// The check-in form.

export async function checkinFormView(main, app, [bid, num]) {
  const t = app.t;
  const u = app.state.user;
  const number = Number(num);
  const [b, areas, ref] = await Promise.all([api('GET', `/api/businesses/${bid}`), supportAreas(), reference()]);
  const slot = b.schedule.find((s) => s.number === number);
  const home = staffRole(u) ? `#/staff/businesses/${bid}` : '#/business';
  if (!slot) { mount(main, h('h1', {}, t('not_found'))); return; }
  if (!TO_ANSWER.includes(slot.state) || b.status === 'closed') {
    // Sent (perhaps from another phone, or by a send whose answer was
    // lost): a draft left on this phone has no use any more.
    if (slot.state !== 'upcoming') localStorage.removeItem(`sen.checkin.${bid}.${number}`);
    mount(main, h('p', { class: 'crumbs' }, h('a', { href: home }, b.name)),
      h('h1', {}, slotName(app, slot)),
      h('p', { class: 'notice' }, b.status === 'closed' ? t('fu.cannot.closed') : t(`fu.cannot.${slot.state}`, { at: fmtDay(app, slot.opens_on) })),
      slot.checkin_id ? h('p', {}, h('a', { class: 'button', href: `#/checkins/${slot.checkin_id}` }, t('fu.see'))) : null);
    return;
  }
  const store = `sen.checkin.${bid}.${number}`;
  const returned = slot.state === 'returned' ? b.checkins.find((c) => c.id === slot.checkin_id) : null;

  // Controls, named as the API names its fields.
  const radios = (name, options) => options.map(([v, label]) => h('label', { class: 'check' },
    h('input', { type: 'radio', name, value: v }), h('span', {}, label)));
  const count = (name, attrs = {}) => h('input', { type: 'text', inputmode: 'numeric', name, autocomplete: 'off', maxlength: 6, ...attrs });
  const operatingRadios = radios('operating', [['true', t('ci.operating_yes')], ['false', t('ci.operating_no')]]);
  const closedReason = h('textarea', { name: 'closed_reason', maxlength: 2000, rows: 3 });
  const registration = h('select', { name: 'registration_status' }, h('option', { value: '' }, t('profile.choose')),
    REGISTRATION.map((r) => h('option', { value: r }, t(`reg.${r}`))));
  const revenue = moneyInput({ name: 'revenue_vnd' });
  const profit = h('input', { type: 'text', inputmode: 'text', name: 'profit_vnd', autocomplete: 'off' });
  const women = count('workers.women');
  const men = count('workers.men');
  const disabled = count('workers.with_disability');
  const jobs = count('jobs_created');
  const jobsWomen = count('jobs_created_women');
  const fundInputs = b.budget_lines.map((l) => moneyInput({ name: `fund-line-${l.line}`, dataset: { line: String(l.line) } }));
  const householdRadios = radios('household_status', ref.household_statuses.map((s) => [s.code, loc(app, s.label)]));
  const challenges = h('textarea', { name: 'challenges', maxlength: 2000, rows: 3 });
  const supportChecks = areas.map((a) => check(loc(app, a.label), { name: 'support-item', value: a.code }));
  const milestoneList = h('ol', { class: 'plain milestones' });
  let mSeq = 0;
  function addMilestone(value = '') {
    const input = h('input', { name: `milestone-${++mSeq}`, maxlength: 200, value });
    const remove = h('button', { type: 'button', class: 'link' }, t('ci.milestone_remove'));
    const li = h('li', {}, field('', input), remove);
    remove.addEventListener('click', () => { li.remove(); renumber(); keep(); });
    milestoneList.append(li);
    renumber();
    return input;
  }
  function renumber() {
    [...milestoneList.children].forEach((li, i) => {
      li.querySelector('label').textContent = t('ci.milestone_n', { n: i + 1 });
      li.querySelector('button').setAttribute('aria-label', t('ci.milestone_remove_n', { n: i + 1 }));
    });
  }
  const addM = h('button', { type: 'button' }, t('ci.milestone_add'));
  addM.addEventListener('click', () => { addMilestone().focus(); keep(); });

  const operatingOnly = h('div', {},
    h('div', { class: 'row2' },
      field(t('ci.revenue'), revenue, t('ci.revenue_hint')),
      field(t('ci.profit'), profit, t('ci.profit_hint'))),
    group(t('ci.workers'), 'workers', h('div', { class: 'row3' },
      field(t('ci.women'), women), field(t('ci.men'), men), field(t('ci.with_disability'), disabled)), t('ci.workers_hint')),
    h('div', { class: 'row2' },
      field(t('ci.jobs'), jobs, t('ci.jobs_hint')),
      field(t('ci.jobs_women'), jobsWomen)));
  const closedOnly = h('div', {}, field(t('ci.closed_reason'), closedReason, t('ci.closed_reason_hint')));

  const problems = h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
  const restored = h('p', { class: 'notice', hidden: true, role: 'status' }, t('ci.restored'));
  const send = h('button', { type: 'submit', class: 'primary' }, t('ci.send'));
  const form = h('form', { class: 'checkin-form', novalidate: true },
    restored,
    problems,
    group(t('ci.operating_q'), 'operating', h('div', { class: 'checks' }, operatingRadios)),
    closedOnly,
    field(t('ci.registration'), registration),
    operatingOnly,
    b.budget_lines.length ? group(t('ci.funds'), 'funds_used', b.budget_lines.map((l, i) => field(
      t('ci.fund_line', { item: l.item }), fundInputs[i], t('ci.fund_budget', { amount: app.i18n.fmtMoney(l.amount_vnd) }))), t('ci.funds_hint')) : null,
    group(t('ci.milestones'), 'milestones', [milestoneList, addM], t('ci.milestones_hint')),
    group(t('ci.household'), 'household_status', h('div', { class: 'checks' }, householdRadios), t('ci.household_hint')),
    field(t('ci.challenges'), challenges),
    group(t('ci.support'), 'support_needed', h('div', { class: 'checks' }, supportChecks)),
    h('div', { class: 'actions' }, send));

  const checked = (name) => form.querySelector(`input[name="${name}"]:checked`);
  const setRadio = (name, v) => { for (const r of form.querySelectorAll(`input[name="${name}"]`)) r.checked = r.value === String(v); };
  const showParts = () => {
    const op = checked('operating');
    operatingOnly.hidden = op ? op.value !== 'true' : false;
    closedOnly.hidden = !op || op.value !== 'false';
  };

  // What she typed, as typed: kept on the phone until it is sent.
  function raw() {
    const v = {};
    for (const el of form.querySelectorAll('input[name], select[name], textarea[name]')) {
      if (el.name.startsWith('milestone-')) continue;
      if (el.type === 'radio') { if (el.checked) v[el.name] = el.value; } else if (el.type === 'checkbox') {
        if (el.checked) (v[el.name] = v[el.name] || []).push(el.value);
      } else v[el.name] = el.value;
    }
    v.milestones = [...milestoneList.querySelectorAll('input')].map((i) => i.value);
    return v;
  }
  function restore(v) {
    for (const el of form.querySelectorAll('input[name], select[name], textarea[name]')) {
      if (el.name.startsWith('milestone-')) continue;
      if (el.type === 'radio') el.checked = v[el.name] === el.value;
      else if (el.type === 'checkbox') el.checked = (v[el.name] || []).includes(el.value);
      else if (el.name in v) el.value = v[el.name];
    }
    milestoneList.replaceChildren();
    for (const m of v.milestones || []) addMilestone(m);
  }
  function keep() { localStorage.setItem(store, JSON.stringify({ v: raw(), at: Date.now() })); }

  // Start from her draft on this phone, else the answer staff returned.
  let draft = null;
  try { draft = JSON.parse(localStorage.getItem(store) || 'null'); } catch { draft = null; }
  const fmtN = (n) => (n == null ? '' : fmtNumber(app, n));
  if (draft && draft.v) {
    restore(draft.v);
    restored.hidden = false;
  } else if (returned) {
    setRadio('operating', returned.operating);
    closedReason.value = returned.closed_reason || '';
    registration.value = returned.registration_status || '';
    revenue.value = fmtN(returned.revenue_vnd);
    profit.value = fmtN(returned.profit_vnd);
    if (returned.workers) { women.value = returned.workers.women; men.value = returned.workers.men; disabled.value = returned.workers.with_disability; }
    jobs.value = returned.jobs_created ?? '';
    jobsWomen.value = returned.jobs_created_women ?? '';
    for (const f of returned.funds_used || []) {
      const input = fundInputs.find((i) => i.dataset.line === String(f.line));
      if (input) input.value = fmtN(f.used_vnd);
    }
    for (const m of returned.milestones || []) addMilestone(m);
    if (returned.household_status) setRadio('household_status', returned.household_status);
    challenges.value = returned.challenges || '';
    for (const c of supportChecks) c.querySelector('input').checked = (returned.support_needed || []).includes(c.querySelector('input').value);
  }
  if (!milestoneList.children.length) addMilestone();
  showParts();

  form.addEventListener('input', (ev) => {
    if (ev.target.name) {
      const p = document.getElementById(`${ev.target.id}-err`);
      if (p) { p.hidden = true; ev.target.removeAttribute('aria-invalid'); }
    }
    keep();
  });
  form.addEventListener('change', () => { showParts(); keep(); });

  // The API's body, and which control each of its field names means.
  let sentLines = [];
  let sentMilestones = [];
  function body() {
    const op = checked('operating');
    const operating = op ? op.value === 'true' : null;
    const hh = checked('household_status');
    const intOf = (el) => parseNumber(el.value);
    sentLines = fundInputs.filter((i) => i.value.trim() !== '');
    sentMilestones = [...milestoneList.querySelectorAll('input')].filter((i) => i.value.trim() !== '');
    const support = supportChecks.map((c) => c.querySelector('input')).filter((i) => i.checked).map((i) => i.value);
    const out = {
      schedule_number: number,
      operating,
      registration_status: registration.value || null,
      funds_used: sentLines.map((i) => ({ line: Number(i.dataset.line), used_vnd: parseNumber(i.value) })),
      milestones: sentMilestones.map((i) => i.value.trim()),
      household_status: hh ? hh.value : null,
      challenges: textOrNull(challenges.value),
      support_needed: support,
    };
    if (operating === false) {
      out.closed_reason = textOrNull(closedReason.value);
    } else {
      const filled = [women, men, disabled].some((i) => i.value.trim() !== '');
      Object.assign(out, {
        revenue_vnd: parseNumber(revenue.value),
        profit_vnd: parseSigned(profit.value),
        workers: filled ? { women: intOf(women) ?? 0, men: intOf(men) ?? 0, with_disability: intOf(disabled) ?? 0 } : null,
        jobs_created: intOf(jobs),
        jobs_created_women: intOf(jobsWomen),
      });
    }
    return out;
  }
  const rename = (k) => {
    let m = /^funds_used\[(\d+)\]/.exec(k);
    if (m) return sentLines[Number(m[1])] ? sentLines[Number(m[1])].name : 'funds_used';
    m = /^milestones\[(\d+)\]/.exec(k);
    if (m) return sentMilestones[Number(m[1])] ? sentMilestones[Number(m[1])].name : 'milestones';
    if (/^support_needed\[/.test(k)) return 'support_needed';
    if (k === 'schedule_number') return null;
    return null;
  };

  async function submit() {
    keep();
    send.disabled = true;
    send.textContent = t('busy');
    problems.hidden = true;
    try {
      await api('POST', `/api/businesses/${bid}/checkins`, { body: body() });
      localStorage.removeItem(store);
      app.toast(t('ci.sent'));
      app.go(home);
    } catch (e) {
      if (e.status === 0) {
        showErrors(form, null, app.i18n);
        mount(problems, h('p', {}, t('ci.offline')),
          h('p', {}, h('button', { type: 'button', class: 'primary', onclick: submit }, t('retry'))));
        problems.hidden = false;
        problems.focus();
      } else if (e.status === 422) {
        const f = fieldsFor(form, e, rename);
        // Each message beside its question (those without one in the box
        // above), and how many there are, without taking the focus from
        // the first question to correct.
        showErrors(form, { ...f, code: 'validation_failed' }, app.i18n);
        const rest = problems.hidden ? [] : [...problems.children];
        mount(problems, h('p', {}, t('ci.errors', { n: Object.keys(f.fields).length })), rest);
        problems.hidden = false;
      } else {
        // Already answered (a send whose answer was lost on the way):
        // the page of the business says so.
        showProblem(app, problems, e);
        if (e.status === 409) problems.append(h('p', {}, h('a', { href: home }, t('ci.see_business'))));
      }
    } finally {
      send.disabled = false;
      send.textContent = t('ci.send');
    }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); submit(); });

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: home }, b.name)),
    h('h1', {}, t('ci.title', { label: slotName(app, slot) })),
    h('p', { class: 'muted' }, t('fu.due', { at: fmtDay(app, slot.due_on) })),
    returned && returned.review_comment ? h('div', { class: 'comment for-applicant' },
      h('h2', { class: 'h3' }, t('ci.staff_comment')), paragraphs(returned.review_comment)) : null,
    h('p', { class: 'hint' }, t('ci.intro')),
    form);
}

// ---------------------------------------------------------------------
// One check-in with its revisions; staff approve or return it.

export async function checkinView(main, app, [id]) {
  const t = app.t;
  const u = app.state.user;
  const staff = staffRole(u);
  const fmt = app.i18n;
  const c = await api('GET', `/api/checkins/${id}`);
  const [b, areas, ref] = await Promise.all([api('GET', `/api/businesses/${c.business_id}`), supportAreas(), reference()]);
  const bizLink = staff ? `#/staff/businesses/${b.id}` : u.role === 'applicant' ? '#/business' : `#/business/${b.id}`;

  let review = null;
  if (staff && c.status === 'submitted') {
    main.classList.add('wide');
    const comment = h('textarea', { name: 'comment', maxlength: 2000, rows: 3 });
    const decision = [['approve', t('ci.approve')], ['return', t('ci.return')]].map(([v, label]) => h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'decision', value: v }), h('span', {}, label)));
    const go = h('button', { type: 'submit', class: 'primary' }, t('ci.decide'));
    review = h('form', { class: 'card', novalidate: true },
      h('h2', {}, t('ci.review')),
      errorBox(),
      group(t('ci.decision'), 'decision', h('div', { class: 'checks' }, decision)),
      field(t('ci.comment'), comment, t('ci.comment_hint')),
      h('div', { class: 'actions' }, go));
    review.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const d = review.querySelector('input[name=decision]:checked');
      if (!d) { showErrors(review, { fields: { decision: 'is required' } }, fmt); return; }
      if (d.value === 'return' && !comment.value.trim()) { showErrors(review, { fields: { comment: 'is required' } }, fmt); return; }
      const ok = await confirmDialog(app, {
        title: t(d.value === 'approve' ? 'ci.approve_title' : 'ci.return_title', { name: b.name, label: slotName(app, c.schedule) }),
        body: [t(d.value === 'approve' ? 'ci.approve_body' : 'ci.return_body')],
        confirm: t(d.value === 'approve' ? 'ci.approve' : 'ci.return'), danger: d.value === 'return',
      });
      if (!ok) return;
      go.disabled = true;
      try {
        await api('POST', `/api/checkins/${id}/review`, {
          body: { decision: d.value, comment: textOrNull(comment.value) }, etag: `"${c.version}"`,
        });
        app.toast(t(d.value === 'approve' ? 'ci.approved' : 'ci.returned'));
        app.go(`#/checkins/${id}`);
      } catch (e) {
        showErrors(review, e, fmt);
      } finally {
        go.disabled = false;
      }
    });
  }

  const versions = [...(c.versions || [])].sort((x, y) => y.revision - x.revision);
  const canAnswer = c.status === 'returned' && (u.role === 'applicant' || staff) && b.status !== 'closed';
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: bizLink }, b.name)),
    h('h1', {}, t('ci.page_title', { label: slotName(app, c.schedule), name: b.name })),
    h('p', {}, slotState(app, c.status), c.revision > 1 ? h('span', { class: 'muted' }, ` ${t('ci.revision', { n: c.revision })}`) : null),
    h('p', { class: 'muted' }, t('fu.due', { at: fmtDay(app, c.schedule.due_on) }), ' · ',
      t('ci.sent_at', { at: fmt.fmtDateTime(c.submitted_at) }), ' · ', t(`ci.by.${c.submitted_by.role === 'applicant' ? 'owner' : 'staff'}`)),
    u.role === 'mentor' ? h('p', { class: 'notice' }, t('fu.mentor_readonly')) : null,
    c.review_comment ? h('div', { class: 'comment for-applicant' },
      h('h2', { class: 'h3' }, t(c.status === 'returned' ? 'ci.returned_comment' : 'ci.staff_comment')), paragraphs(c.review_comment)) : null,
    canAnswer ? h('p', {}, h('a', { class: 'button primary', href: `#/business/${b.id}/checkin/${c.schedule.number}` }, t('fu.answer_again'))) : null,
    review,
    h('section', { 'aria-labelledby': 'ci-now' },
      h('h2', { id: 'ci-now' }, t('ci.what_she_said')),
      checkinFacts(app, ref, areas, c)),
    versions.length > 1 ? h('section', { 'aria-labelledby': 'ci-revs' },
      h('h2', { id: 'ci-revs' }, t('ci.revisions')),
      versions.map((v) => h('details', { class: 'card revision' },
        h('summary', {}, t('ci.revision_line', { n: v.revision, at: fmt.fmtDateTime(v.submitted_at) }),
          v.decision ? [' — ', t(`ci.decision.${v.decision}`)] : ''),
        v.comment ? h('div', { class: 'comment for-applicant' }, h('h3', {}, t('ci.staff_comment')), paragraphs(v.comment)) : null,
        checkinFacts(app, ref, areas, v.data)))) : null);
}
