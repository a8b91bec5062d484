// A funding call as applicants see it: what it funds, when, the rubric,
// the priority policy in plain words, and the way to apply.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { facts, loc, paragraphs, reference, refLabel } from '../widgets.js';

export function callCard(app, c) {
  const t = app.t;
  return h('li', { class: 'card' },
    h('h3', {}, h('a', { href: `#/calls/${c.id}` }, loc(app, c.title))),
    h('p', {}, t('call.max_award_short', { amount: app.i18n.fmtMoney(c.max_award_vnd) })),
    h('p', {}, t('call.closes_short', { at: app.i18n.fmtDateTime(c.closes_at) })));
}

// The priority policy as sentences.
export function policyText(app, ref, call) {
  const t = app.t;
  const p = call.priority_policy;
  const lines = ref.priority_categories
    .filter((c) => (p.bonus[c.code] || 0) > 0)
    .map((c) => h('li', {}, t('policy.bonus', { label: loc(app, c.label), n: p.bonus[c.code] })));
  if (!lines.length) return [h('p', {}, t('policy.none'))];
  const out = [h('p', {}, t('policy.intro')), h('ul', {}, lines),
    h('p', {}, t(p.combine === 'max' ? 'policy.max' : 'policy.sum', { cap: p.cap }))];
  if (p.reserved_share_pct > 0) {
    out.push(h('p', {}, t('policy.reserved', {
      pct: p.reserved_share_pct,
      amount: app.i18n.fmtMoney(Math.floor(call.budget_vnd * p.reserved_share_pct / 100)),
    })));
  }
  out.push(h('p', { class: 'notice' }, t('policy.verified_only')));
  return out;
}

export function rubricTable(app, rubric) {
  const t = app.t;
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', {}, t('rubric.caption')),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('rubric.criterion')),
      h('th', { scope: 'col' }, t('rubric.max_score')), h('th', { scope: 'col' }, t('rubric.weight')))),
    h('tbody', {}, rubric.map((r) => h('tr', {},
      h('td', {}, loc(app, r.label)), h('td', {}, r.max_score), h('td', {}, `${r.weight}%`))))));
}

// Start a draft for the call, or find the one she already has.
async function apply(app, call, button) {
  button.disabled = true;
  try {
    const draft = await api('POST', '/api/applications', { body: { call_id: call.id } });
    app.go(`#/applications/${draft.id}/edit`);
  } catch (e) {
    if (e.code === 'conflict' && call.accepting_applications) {
      const mine = await api('GET', '/api/applications?limit=100');
      const found = mine.items.find((a) => a.call.id === call.id && a.status !== 'withdrawn');
      if (found) { app.go(found.status === 'draft' ? `#/applications/${found.id}/edit` : `#/applications/${found.id}`); return; }
    }
    app.toast(app.i18n.errorMessage(e));
  } finally {
    button.disabled = false;
  }
}

export async function callView(main, app, [id]) {
  const t = app.t;
  const [call, ref] = await Promise.all([api('GET', `/api/calls/${id}`), reference()]);
  const u = app.state.user;
  const fmt = app.i18n;
  const wards = call.wards.length === ref.wards.length
    ? t('call.all_wards', { n: ref.wards.length })
    : call.wards.map((w) => ref.wards.find((x) => x.code === w)?.name_vi || w).join(', ');

  const actions = [];
  if (call.accepting_applications) {
    if (!u) {
      actions.push(h('a', { class: 'button primary', href: '#/register' }, t('call.register_to_apply')),
        h('a', { class: 'button', href: '#/login' }, t('nav.login')));
    } else if (u.role === 'applicant') {
      const b = h('button', { type: 'button', class: 'primary' }, t('call.apply'));
      b.addEventListener('click', () => apply(app, call, b));
      actions.push(b);
    }
  }
  if (u && (u.role === 'staff' || u.role === 'admin')) {
    actions.push(h('a', { class: 'button', href: `#/staff/calls/${call.id}` }, t('staff.calls.edit')));
  }

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/' }, t('nav.home'))),
    h('h1', {}, loc(app, call.title)),
    h('p', {}, h('span', { class: `badge call-${call.status}` }, refLabel(app, ref.call_statuses, call.status))),
    call.accepting_applications ? null : h('p', { class: 'notice' }, t('call.not_accepting')),
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    h('section', { 'aria-labelledby': 'call-about' },
      h('h2', { id: 'call-about' }, t('call.about')),
      paragraphs(loc(app, call.description))),
    h('section', { 'aria-labelledby': 'call-facts' },
      h('h2', { id: 'call-facts' }, t('call.facts')),
      facts([
        [t('call.opens_at'), fmt.fmtDateTime(call.opens_at)],
        [t('call.closes_at'), fmt.fmtDateTime(call.closes_at)],
        [t('call.max_award'), fmt.fmtMoney(call.max_award_vnd)],
        [t('call.budget'), fmt.fmtMoney(call.budget_vnd)],
        [t('call.stages'), h('ul', { class: 'plain' }, call.stages.map((s) => {
          const st = ref.business_stages.find((x) => x.code === s);
          return h('li', {}, h('strong', {}, loc(app, st.label)), ': ', loc(app, st.definition));
        }))],
        [t('call.wards'), wards],
        [t('call.outside'), t(call.allow_outside_district ? 'call.outside_yes' : 'call.outside_no')],
      ]),
      h('p', { class: 'hint' }, t('call.timezone'))),
    h('section', { 'aria-labelledby': 'call-rubric' },
      h('h2', { id: 'call-rubric' }, t('call.rubric')),
      rubricTable(app, call.rubric)),
    h('section', { 'aria-labelledby': 'call-priority' },
      h('h2', { id: 'call-priority' }, t('call.priority')),
      policyText(app, ref, call),
      h('p', {}, h('a', { href: '#/self-check' }, t('call.selfcheck_link')))));
}
