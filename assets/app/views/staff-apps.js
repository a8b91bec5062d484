// Staff: the applications with filters, a search that ignores diacritics,
// sorting, "load more" and the CSV export of the same selection; and one
// application with the applicant's personal data, screening, and the
// verification of each priority claim beside its certificate.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  confirmDialog, debounce, documentPreview, errorBox, facts, fmtDay, loc, paragraphs,
  reference, refLabel, statusBadge, wardName,
} from '../widgets.js';
import { claimsList, timeline } from './applications.js';
import { discussionSection, reviewsSection } from './review-thread.js';

const STATUSES = ['draft', 'submitted', 'screening', 'eligible', 'ineligible', 'in_review', 'reviewed',
  'funded', 'waitlisted', 'rejected', 'in_followup', 'completed', 'closed', 'withdrawn'];
const FILTERS = ['q', 'call_id', 'status', 'ward', 'stage', 'sector', 'claimed', 'verified', 'submitted_from', 'submitted_to', 'sort', 'order'];
const SORTS = ['created_at', 'submitted_at', 'amount_requested_vnd', 'reference', 'business_name'];

export async function staffApplicationsView(main, app, args, params) {
  const t = app.t;
  const [ref, calls] = await Promise.all([reference(), api('GET', '/api/calls')]);
  const sel = (name, label, options) => field(label, h('select', { name },
    h('option', { value: '' }, t('filter.any')),
    options.map(([v, l]) => h('option', { value: v, selected: params.get(name) === String(v) }, l))));
  const categories = ref.priority_categories.map((c) => [c.code, loc(app, c.label)]);

  const q = h('input', { type: 'search', name: 'q', value: params.get('q') || '', maxlength: 200, autocomplete: 'off' });
  const form = h('form', { class: 'filters', role: 'search', novalidate: true },
    errorBox(),
    field(t('filter.q'), q, t('filter.q.hint')),
    h('details', { open: [...params.keys()].some((k) => k !== 'q' && k !== 'sort' && k !== 'order') },
      h('summary', {}, t('filter.more')),
      h('div', { class: 'grid' },
        sel('call_id', t('filter.call'), calls.items.map((c) => [c.id, loc(app, c.title)])),
        sel('status', t('filter.status'), STATUSES.map((s) => [s, t(`status.${s}`)])),
        sel('ward', t('filter.ward'), ref.wards.map((w) => [w.code, w.name_vi])),
        sel('stage', t('filter.stage'), ref.business_stages.map((s) => [s.code, loc(app, s.label)])),
        sel('sector', t('filter.sector'), ref.sectors.map((s) => [s.code, loc(app, s.label)])),
        sel('claimed', t('filter.claimed'), categories),
        sel('verified', t('filter.verified'), categories),
        field(t('filter.submitted_from'), h('input', { type: 'date', name: 'submitted_from', value: params.get('submitted_from') || '' })),
        field(t('filter.submitted_to'), h('input', { type: 'date', name: 'submitted_to', value: params.get('submitted_to') || '' })))),
    h('div', { class: 'row2' },
      field(t('filter.sort'), h('select', { name: 'sort' }, SORTS.map((s) => h('option', { value: s, selected: (params.get('sort') || 'created_at') === s }, t(`sort.${s}`))))),
      field(t('filter.order'), h('select', { name: 'order' },
        h('option', { value: '' }, t('order.default')),
        ['asc', 'desc'].map((o) => h('option', { value: o, selected: params.get('order') === o }, t(`order.${o}`)))))));

  const list = h('ul', { class: 'cards results', 'aria-live': 'polite', 'aria-busy': 'false' });
  const count = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', hidden: true }, t('list.more'));
  const csv = h('a', { class: 'button', download: '' }, t('staff.apps.csv'));
  let cursor = null;
  let shown = 0;
  let seq = 0;

  const query = () => {
    const p = new URLSearchParams();
    for (const k of FILTERS) {
      const v = (form.elements[k].value || '').trim();
      if (v) p.set(k, v);
    }
    return p;
  };

  async function load(reset) {
    const mine = ++seq;
    const p = query();
    if (reset) {
      cursor = null;
      shown = 0;
      history.replaceState(null, '', `#/staff/applications${p.toString() ? `?${p}` : ''}`);
      csv.href = `/api/applications.csv${p.toString() ? `?${p}` : ''}`;
    }
    if (cursor) p.set('cursor', cursor);
    p.set('limit', '20');
    list.setAttribute('aria-busy', 'true');
    more.disabled = true;
    try {
      const r = await api('GET', `/api/applications?${p}`);
      if (mine !== seq) return;
      showErrors(form, null, app.i18n);
      if (reset) list.replaceChildren();
      for (const a of r.items) list.append(card(app, ref, a));
      shown += r.items.length;
      cursor = r.next_cursor;
      more.hidden = !cursor;
      count.textContent = shown ? t(cursor ? 'staff.apps.shown_more' : 'staff.apps.shown', { n: shown }) : t('staff.apps.none');
    } catch (e) {
      if (mine === seq) showErrors(form, e, app.i18n);
    } finally {
      if (mine === seq) { list.setAttribute('aria-busy', 'false'); more.disabled = false; }
    }
  }

  const searchLater = debounce(() => load(true), 350);
  q.addEventListener('input', searchLater);
  form.addEventListener('change', (ev) => { if (ev.target !== q) load(true); });
  form.addEventListener('submit', (ev) => { ev.preventDefault(); searchLater.cancel(); load(true); });
  more.addEventListener('click', () => load(false));

  mount(main, h('h1', {}, t('staff.apps.title')), form,
    h('div', { class: 'list-head' }, count, csv), list, more);
  await load(true);
}

function card(app, ref, a) {
  const t = app.t;
  return h('li', { class: 'card' },
    h('h2', { class: 'h3' }, h('a', { href: `#/staff/applications/${a.id}` }, a.business_name || t('app.untitled'))),
    h('p', {}, statusBadge(app, a.status), ' ', a.reference ? h('span', { class: 'ref' }, a.reference) : null),
    h('p', {}, a.applicant ? a.applicant.full_name : '', a.ward_code ? ` · ${wardName(ref, a.ward_code)}` : ''),
    h('p', { class: 'muted' }, a.call.title,
      a.amount_requested_vnd ? ` · ${app.i18n.fmtMoney(a.amount_requested_vnd)}` : '',
      a.submitted_at ? ` · ${app.i18n.fmtDateTime(a.submitted_at)}` : ''),
    a.claims.length ? h('p', {}, a.claims.map((c) => h('span', { class: `badge claim-st-${c.status}` },
      `${refLabel(app, ref.priority_categories, c.category)}: ${t(`claim.${c.status}`)}`))) : null);
}

// ---------------------------------------------------------------------

const SCREENABLE = ['submitted', 'screening'];
// Statuses in which an application has (or had) its reviews.
const REVIEWED = ['in_review', 'reviewed', 'funded', 'waitlisted', 'rejected', 'in_followup', 'completed', 'closed'];
const VERIFIABLE = ['submitted', 'screening', 'eligible'];

export async function staffApplicationView(main, app, [id]) {
  const t = app.t;
  const [a, ref] = await Promise.all([api('GET', `/api/applications/${id}`), reference()]);
  const p = a.applicant;
  const fmt = app.i18n;
  const problems = errorBox();
  const reload = () => app.go(`#/staff/applications/${id}`);
  const failed = (e) => {
    mount(problems, h('p', {}, fmt.errorMessage(e)), Object.values(e.fields || {}).map((m) => h('p', {}, fmt.fieldError(m))));
    problems.hidden = false;
    problems.focus();
  };

  // Screening: eligible, or not with the reason she will read.
  let screening = null;
  if (SCREENABLE.includes(a.status)) {
    const reason = h('textarea', { name: 'reason', maxlength: 2000, rows: 3 });
    const radios = ['true', 'false'].map((v) => h('label', { class: 'check' },
      h('input', { type: 'radio', name: 'eligible', value: v }), h('span', {}, t(v === 'true' ? 'screen.eligible' : 'screen.ineligible'))));
    screening = h('form', { class: 'card', novalidate: true },
      h('h2', {}, t('screen.title')),
      errorBox(),
      h('fieldset', { name: 'eligible', id: 'screen-eligible', tabindex: '-1' }, h('legend', {}, t('screen.decision')), radios,
        h('p', { class: 'error', id: 'screen-eligible-err', hidden: true })),
      field(t('screen.reason'), reason, t('screen.reason.hint')),
      h('button', { type: 'submit', class: 'primary' }, t('screen.submit')));
    screening.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const choice = screening.querySelector('input[name=eligible]:checked');
      if (!choice) { showErrors(screening, { fields: { eligible: 'is required' } }, fmt); return; }
      const eligible = choice.value === 'true';
      if (!eligible && !reason.value.trim()) { showErrors(screening, { fields: { reason: 'is required' } }, fmt); return; }
      const ok = await confirmDialog(app, {
        title: t(eligible ? 'screen.confirm_eligible' : 'screen.confirm_ineligible'),
        body: [t('screen.confirm_body')], confirm: t('screen.submit'), danger: !eligible,
      });
      if (!ok) return;
      try {
        await api('POST', `/api/applications/${id}/screening`, { body: { eligible, reason: reason.value.trim() || null }, etag: a._etag });
        app.toast(t('screen.done'));
        reload();
      } catch (e) {
        showErrors(screening, e, fmt);
      }
    });
  }

  // Each claim beside its certificate, with the decision.
  const decide = (c, kind) => {
    const certs = a.documents.filter((d) => d.kind === kind);
    const box = h('div', { class: 'verify' },
      h('div', { class: 'certs' }, certs.length ? certs.map((d) => documentPreview(app, d)) : h('p', { class: 'notice' }, t('verify.no_cert'))));
    if (c.status !== 'pending' || !VERIFIABLE.includes(a.status)) return box;
    const go = async (verified) => {
      const label = refLabel(app, ref.priority_categories, c.category);
      const r = await confirmDialog(app, {
        title: t(verified ? 'verify.confirm_yes' : 'verify.confirm_no', { label }),
        body: [t(verified ? 'verify.body_yes' : 'verify.body_no')],
        confirm: t(verified ? 'verify.yes' : 'verify.no'), danger: !verified,
        reason: { label: t(verified ? 'verify.note' : 'verify.note_required'), required: !verified },
      });
      if (!r) return;
      try {
        await api('POST', `/api/applications/${id}/priority`, { body: { category: c.category, verified, note: r.reason }, etag: a._etag });
        app.toast(t('verify.done'));
        reload();
      } catch (e) {
        failed(e);
      }
    };
    const yes = h('button', { type: 'button', class: 'primary' }, t('verify.yes'));
    const no = h('button', { type: 'button', class: 'danger' }, t('verify.no'));
    yes.addEventListener('click', () => go(true));
    no.addEventListener('click', () => go(false));
    box.append(h('div', { class: 'actions' }, yes, no));
    return box;
  };

  const reviewsBox = h('div', {});
  const place = p.outside_district ? `${t('profile.ward.outside')} — ${p.address || ''}` : [p.ward_name, p.address].filter(Boolean).join(' — ');
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/staff/applications' }, t('staff.apps.title'))),
    h('h1', {}, a.business_name || t('app.untitled')),
    h('div', { class: 'status-head' },
      h('p', {}, statusBadge(app, a.status)),
      h('p', {}, a.reference ? h('strong', { class: 'ref' }, a.reference) : t('app.no_reference'))),
    problems,
    h('div', { class: 'two' },
      h('section', { 'aria-labelledby': 'who' },
        h('h2', { id: 'who' }, t('staff.app.applicant')),
        facts([
          [t('register.full_name'), p.full_name],
          [t('login.email'), p.email],
          [t('register.phone'), p.phone],
          [t('profile.date_of_birth'), fmtDay(app, p.date_of_birth)],
          [t('profile.national_id'), p.national_id],
          [t('profile.ward'), place],
          [t('profile.household_status'), refLabel(app, ref.household_statuses, p.household_status)],
          p.disability ? [t('profile.disability_level'), refLabel(app, ref.disability_levels, p.disability_level)] : null,
          p.disability_details ? [t('profile.disability_details'), p.disability_details] : null,
          [t('profile.notify_channels'), p.notify_channels.map((c) => t(`channel.${c}`)).join(', ')],
        ])),
      h('section', { 'aria-labelledby': 'what' },
        h('h2', { id: 'what' }, t('staff.app.application')),
        facts([
          [t('app.call'), a.call.title],
          [t('app.submitted_at'), a.submitted_at ? fmt.fmtDateTime(a.submitted_at) : null],
          [t('app.f.stage'), a.stage ? refLabel(app, ref.business_stages, a.stage) : null],
          a.operating_since ? [t('app.f.operating_since'), fmtDay(app, a.operating_since)] : null,
          a.registered_on ? [t('app.f.registered_on'), fmtDay(app, a.registered_on)] : null,
          [t('app.f.sector'), a.sector ? refLabel(app, ref.sectors, a.sector) : null],
          [t('app.f.team_size'), a.team_size],
          [t('app.f.women_employed'), a.women_employed],
          [t('app.f.jobs_planned'), a.jobs_planned],
          [t('app.f.amount_requested_vnd'), a.amount_requested_vnd ? fmt.fmtMoney(a.amount_requested_vnd) : null],
          [t('app.f.women_capital_pct'), a.women_capital_pct == null ? null : `${a.women_capital_pct}%`],
          [t('app.f.woman_manager'), a.woman_manager == null ? null : t(a.woman_manager ? 'yes' : 'no')],
        ]))),
    ['funded', 'waitlisted', 'in_followup'].includes(a.status) ? h('p', { class: 'actions' },
      h('a', { class: 'button', href: `#/applications/${id}/mentoring` }, t('needs.title')),
      h('a', { class: 'button', href: `#/staff/calls/${a.call.id}/matching` }, t('rv.page.matching'))) : null,
    screening,
    a.screening_reason ? h('p', { class: 'reason' }, t('screen.reason_was', { reason: a.screening_reason })) : null,
    h('section', { 'aria-labelledby': 'claims' },
      h('h2', { id: 'claims' }, t('claim.title')),
      a.claims.length ? claimsList(app, ref, a.claims, a.documents, decide) : h('p', {}, t('claim.none'))),
    h('section', { 'aria-labelledby': 'texts' },
      h('h2', { id: 'texts' }, t('app.s.plan')),
      [['description', a.description], ['problem_customers', a.problem_customers], ['plan', a.plan]].map(([k, v]) => [
        h('h3', {}, t(`app.f.${k}`)), v ? paragraphs(v) : h('p', {}, '—')]),
      h('h3', {}, t('app.f.budget_lines')),
      a.budget_lines.length ? h('div', { class: 'table-wrap' }, h('table', {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('budget.item_col')), h('th', { scope: 'col', class: 'num' }, t('budget.amount_col')))),
        h('tbody', {}, a.budget_lines.map((l) => h('tr', {}, h('td', {}, l.item), h('td', { class: 'num' }, fmt.fmtMoney(l.amount_vnd))))),
        h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('budget.total_col')), h('td', { class: 'num' }, fmt.fmtMoney(a.budget_total_vnd))))))
        : h('p', {}, '—')),
    h('section', { 'aria-labelledby': 'docs' },
      h('h2', { id: 'docs' }, t('docs.title')),
      a.documents.length ? h('ul', { class: 'docs' }, a.documents.map((d) => h('li', {},
        h('a', { href: `/api/documents/${d.id}`, target: '_blank', rel: 'noopener' }, d.filename), ' ',
        h('span', { class: 'muted' }, refLabel(app, ref.document_kinds, d.kind))))) : h('p', {}, t('docs.none'))),
    reviewsBox,
    h('section', { 'aria-labelledby': 'history' },
      h('h2', { id: 'history' }, t('app.history')),
      timeline(app, a.events)));
  if (REVIEWED.includes(a.status)) {
    const call = await api('GET', `/api/calls/${a.call.id}`);
    mount(reviewsBox,
      await reviewsSection(app, id, call.rubric, { staff: true }),
      await discussionSection(app, id, { staff: true }));
  }
}
