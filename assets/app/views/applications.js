// The applicant's side of an application: her list, the page of one
// application (status, what next, claims, documents, history) and her
// messages.  The form itself is in draft.js.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import {
  confirmDialog, documentList, facts, fmtDay, loc, paragraphs, reference, refLabel, statusBadge, uploader,
} from '../widgets.js';
import { myDecisionSection } from './my-decision.js';

const UPLOAD_STATUSES = ['draft', 'submitted', 'screening', 'eligible'];
const WITHDRAW_STATUSES = ['draft', 'submitted', 'screening'];
// Statuses with mentoring and follow-up.
const FOLLOWED = ['funded', 'waitlisted', 'in_followup', 'completed'];

// Titles of calls in both languages (an application names its call in
// the account's language only).
export async function callsById() {
  try {
    const r = await api('GET', '/api/calls');
    return new Map(r.items.map((c) => [c.id, c]));
  } catch {
    return new Map();
  }
}

function certKind(ref, category) {
  const c = ref.priority_categories.find((x) => x.code === category);
  return c ? c.document_kind : 'household_certificate';
}

// What she should do next, from what the page knows.
export function nextStep(app, a, call, ref) {
  const t = app.t;
  switch (a.status) {
  case 'draft':
    if (call && !call.accepting_applications) return t('next.draft_closed');
    return t('next.draft', { at: call ? app.i18n.fmtDateTime(call.closes_at) : '' });
  case 'submitted':
  case 'screening':
    if (ref && a.documents && a.claims.some((c) => c.status === 'pending'
      && !a.documents.some((d) => d.kind === certKind(ref, c.category)))) return t('next.upload_certificate');
    return t('next.screening');
  case 'eligible': return t('next.eligible');
  case 'ineligible': return t('next.ineligible', { reason: a.screening_reason || '' });
  case 'withdrawn': return t('next.withdrawn');
  default: return t('next.wait');
  }
}

function callTitle(app, a, calls) {
  const c = calls.get(a.call_id ?? a.call.id);
  return c ? loc(app, c.title) : a.call.title;
}

function appLink(a) {
  return a.status === 'draft' ? `#/applications/${a.id}/edit` : `#/applications/${a.id}`;
}

export async function myApplicationsView(main, app) {
  const t = app.t;
  const calls = await callsById();
  const list = h('ul', { class: 'cards' });
  const empty = h('p', { hidden: true }, t('mine.none'), ' ', h('a', { href: '#/' }, t('mine.find_call')));
  const more = h('button', { type: 'button', hidden: true }, t('list.more'));
  let cursor = null;
  async function load() {
    more.disabled = true;
    const r = await api('GET', '/api/applications' + (cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''));
    for (const a of r.items) {
      const call = calls.get(a.call.id);
      list.append(h('li', { class: 'card' },
        h('h2', { class: 'h3' }, h('a', { href: appLink(a) }, a.business_name || t('app.untitled'))),
        h('p', {}, statusBadge(app, a.status), ' ', a.reference ? h('span', { class: 'ref' }, a.reference) : null),
        h('p', { class: 'muted' }, callTitle(app, a, calls)),
        h('p', {}, nextStep(app, a, call, null))));
    }
    cursor = r.next_cursor;
    more.hidden = !cursor;
    more.disabled = false;
    empty.hidden = list.children.length > 0;
  }
  more.addEventListener('click', load);
  await load();
  mount(main, h('h1', {}, t('mine.title')), empty, list, more);
}

export async function withdrawFlow(app, id, getEtag, after) {
  const t = app.t;
  const r = await confirmDialog(app, {
    title: t('withdraw.title'), body: [t('withdraw.body')], confirm: t('withdraw.confirm'), danger: true,
    reason: { label: t('withdraw.reason'), required: false },
  });
  if (!r) return;
  try {
    await api('POST', `/api/applications/${id}/withdraw`, { body: { reason: r.reason }, etag: getEtag() });
    after();
    app.toast(t('withdraw.done'));
    app.go(`#/applications/${id}`);
    app.rerender();
  } catch (e) {
    app.toast(app.i18n.errorMessage(e));
  }
}

// ---------------------------------------------------------------------
// One application: status, reference, what next, claims, documents and
// the history.

export function timeline(app, events) {
  const t = app.t;
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', {},
    h('time', { datetime: e.at }, app.i18n.fmtDateTime(e.at)), ' ',
    h('span', {}, e.from ? t('timeline.change', { from: t(`status.${e.from}`), to: t(`status.${e.to}`) }) : t('timeline.created')),
    e.actor_role ? h('span', { class: 'muted' }, ` · ${t(`role.${e.actor_role}`)}`) : null,
    e.reason ? h('p', { class: 'reason' }, e.reason) : null)));
}

export function claimsList(app, ref, claims, docs, extra) {
  const t = app.t;
  return h('ul', { class: 'claims' }, claims.map((c) => {
    const kind = certKind(ref, c.category);
    const has = docs.some((d) => d.kind === kind);
    return h('li', { class: `claim claim-${c.status}` },
      h('p', {}, h('strong', {}, refLabel(app, ref.priority_categories, c.category)), ' — ',
        h('span', { class: `badge claim-st-${c.status}` }, t(`claim.${c.status}`))),
      facts([
        [t('claim.cert_number'), c.cert_number],
        [t('claim.cert_issued_on'), fmtDay(app, c.cert_issued_on)],
        [t('claim.cert_valid_until'), c.cert_valid_until ? fmtDay(app, c.cert_valid_until) : t('claim.no_end')],
        [t('claim.cert_valid'), t(c.cert_valid ? 'yes' : 'no')],
      ]),
      c.note && c.status === 'rejected' ? h('p', { class: 'reason' }, t('claim.note', { note: c.note })) : null,
      c.status === 'pending' && !has ? h('p', { class: 'notice' }, t('claim.upload', { kind: refLabel(app, ref.document_kinds, kind) })) : null,
      extra ? extra(c, kind) : null);
  }));
}

export async function applicationView(main, app, [id]) {
  const t = app.t;
  const [a, ref, calls] = await Promise.all([api('GET', `/api/applications/${id}`), reference(), callsById()]);
  const decision = await myDecisionSection(app, a);
  const call = calls.get(a.call_id);
  let docs = a.documents;
  const actions = [];
  if (a.status === 'draft') actions.push(h('a', { class: 'button primary', href: `#/applications/${id}/edit` }, t('app.continue')));
  if (WITHDRAW_STATUSES.includes(a.status)) {
    const b = h('button', { type: 'button', class: 'danger' }, t(a.status === 'draft' ? 'withdraw.draft' : 'withdraw.button'));
    b.addEventListener('click', () => withdrawFlow(app, id, () => a._etag, () => localStorage.removeItem(`sen.draft.${id}`)));
    actions.push(b);
  }
  const docsBox = h('div', {}, documentList(app, ref, docs));
  const claimsBox = h('div', {});
  const nextBox = h('p', {});
  const showClaims = () => {
    a.documents = docs;
    mount(claimsBox, claimsList(app, ref, a.claims, docs));
    mount(nextBox, nextStep(app, a, call, ref));
  };
  showClaims();
  const claimKind = a.claims.find((c) => c.status === 'pending') ? certKind(ref, a.claims.find((c) => c.status === 'pending').category) : 'business_plan';

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/applications' }, t('nav.my_applications'))),
    h('h1', {}, a.business_name || t('app.untitled')),
    h('div', { class: 'status-head' },
      h('p', {}, t('app.status'), ' ', statusBadge(app, a.status)),
      h('p', {}, a.reference ? [t('app.reference'), ' ', h('strong', { class: 'ref' }, a.reference)] : t('app.no_reference'))),
    h('section', { class: 'card next', 'aria-labelledby': 'next' },
      h('h2', { id: 'next' }, t('app.next')),
      nextBox),
    decision,
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    FOLLOWED.includes(a.status) ? h('section', { class: 'card', 'aria-labelledby': 'a-support' },
      h('h2', { id: 'a-support' }, t('app.support')),
      h('p', {}, t('app.support_hint')),
      h('div', { class: 'actions' },
        ['funded', 'in_followup', 'waitlisted'].includes(a.status)
          ? h('a', { class: 'button', href: `#/applications/${id}/mentoring` }, t('needs.title')) : null,
        a.status !== 'waitlisted' ? h('a', { class: 'button', href: '#/business' }, t('fu.title')) : null,
        h('a', { class: 'button', href: '#/mentoring' }, t('mentee.title')))) : null,
    h('section', { 'aria-labelledby': 'a-facts' },
      h('h2', { id: 'a-facts' }, t('app.summary')),
      facts([
        [t('app.call'), call ? h('a', { href: `#/calls/${call.id}` }, loc(app, call.title)) : a.call.title],
        [t('app.submitted_at'), a.submitted_at ? app.i18n.fmtDateTime(a.submitted_at) : null],
        [t('app.f.stage'), a.stage ? refLabel(app, ref.business_stages, a.stage) : null],
        [t('app.f.sector'), a.sector ? refLabel(app, ref.sectors, a.sector) : null],
        [t('app.f.amount_requested_vnd'), a.amount_requested_vnd ? app.i18n.fmtMoney(a.amount_requested_vnd) : null],
      ])),
    a.claims.length ? h('section', { 'aria-labelledby': 'a-claims' },
      h('h2', { id: 'a-claims' }, t('claim.title')),
      h('p', { class: 'hint' }, t('claim.hint')),
      claimsBox) : null,
    h('section', { 'aria-labelledby': 'a-docs' },
      h('h2', { id: 'a-docs' }, t('docs.title')),
      docsBox,
      UPLOAD_STATUSES.includes(a.status)
        ? uploader(app, ref, id, (d) => { docs = [...docs, d]; mount(docsBox, documentList(app, ref, docs)); showClaims(); }, claimKind)
        : null),
    h('section', { 'aria-labelledby': 'a-history' },
      h('h2', { id: 'a-history' }, t('app.history')),
      timeline(app, a.events)));
}

export async function messagesView(main, app) {
  const t = app.t;
  const r = await api('GET', '/api/me/messages');
  mount(main,
    h('h1', {}, t('messages.title')),
    h('p', { class: 'hint' }, t('messages.hint')),
    r.items.length
      ? h('ul', { class: 'messages' }, r.items.map((m) => h('li', { class: 'card' },
        h('h2', { class: 'h3' }, m.subject),
        h('p', { class: 'muted' }, `${app.i18n.fmtDateTime(m.created_at)} · ${t(`channel.${m.channel}`)} · ${t(`delivery.${m.status}`)}`),
        paragraphs(m.body))))
      : h('p', {}, t('messages.none')));
}
