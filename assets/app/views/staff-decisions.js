// Staff: the decisions of a call, on three screens under one header
// (decision-kit.js), the awards being the third (staff-awards.js).
// - Allocation: the proposal in rank order with why each application is
//   where it is, the totals, the priority categories and the waitlist;
//   other amounts tried for this answer only (?amount.<id>= in the
//   address, so that a reload or a link shows the same).
// - Decide: one application's decision beside the proposal, which
//   follows the amount typed and says when the decision departs from it.
// - Decisions: what is decided and what is not, the release of them all
//   together (a strong confirmation: it cannot be undone), reversals,
//   requests for reconsideration and their answers, and the settings.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  debounce, errorBox, facts, fmtNumber, group, loc, moneyInput, parseNumber, reference, textOrNull,
} from '../widgets.js';
import { fmtTenths, tenthsOf } from '../score.js';
import {
  appLabel, decI18n, decisionHead, formDialog, money, outcomeBadge, problemBox,
  reasonText, scrollTable, showProblem, strongConfirm,
} from './decision-kit.js';

const OUTCOMES = ['funded', 'waitlisted', 'rejected'];

const pts = (app, x) => fmtTenths(app.i18n.getLocale(), tenthsOf(x));
const cats = (app, ref, codes) => (codes && codes.length
  ? codes.map((c) => loc(app, (ref.priority_categories.find((x) => x.code === c) || { label: { vi: c, en: c } }).label)).join(', ')
  : '—');

// The staff-set amounts tried, from the address: [[application id, text]].
function triesOf(params) {
  const out = [];
  for (const [k, v] of params) {
    const m = /^amount\.(\d+)$/.exec(k);
    if (m) out.push([Number(m[1]), v]);
  }
  return out;
}
const triesQuery = (tries) => tries.map(([id, v]) => `amount.${id}=${encodeURIComponent(v)}`).join('&');

const decideHref = (callId, appId, amount) => `#/staff/calls/${callId}/decide/${appId}${amount ? `?amount=${amount}` : ''}`;

// The proposal a decision is compared with departs as the API says
// (decision_departs in migrations/0004).
function departs(outcome, amount, p) {
  if (!p) return false;
  if (outcome === 'funded') return !(p.outcome === 'funded' && amount === p.proposed_vnd);
  if (outcome === 'waitlisted') return p.outcome !== 'waitlisted';
  return !['below_minimum', 'excluded'].includes(p.outcome);
}

// The links of a call's card (staff-calls.js) to these screens.
export function decisionLinks(app, c) {
  const t = app.t;
  if (!['reviewing', 'decided', 'archived'].includes(c.status)) return [];
  return [
    h('a', { class: 'button', href: `#/staff/calls/${c.id}/allocation` }, t('dec.page.allocation')),
    h('a', { class: 'button', href: `#/staff/calls/${c.id}/decisions` }, t('dec.page.decisions')),
    c.status !== 'reviewing' ? h('a', { class: 'button', href: `#/staff/calls/${c.id}/awards` }, t('dec.page.awards')) : null,
  ];
}

// ---------------------------------------------------------------------
// Allocation

export async function staffAllocationView(main, app, [callId], params) {
  const t = app.t;
  const locale = app.i18n.getLocale();
  const tries = triesOf(params);
  const [call, ref] = await Promise.all([api('GET', `/api/calls/${callId}`), reference()]);
  let r;
  let tryError = null;
  try {
    r = await api('GET', `/api/calls/${callId}/allocation${tries.length ? `?${triesQuery(tries)}` : ''}`);
  } catch (e) {
    if (e.status !== 400 || !tries.length) throw e;
    tryError = e;
    r = await api('GET', `/api/calls/${callId}/allocation`);
  }
  const tot = r.totals;
  const byId = new Map(r.items.map((i) => [i.application_id, i]));
  const tried = new Map(tries);

  // What-if amounts: a form that adds one to the address.
  const trySel = h('select', { name: 'application' }, h('option', { value: '' }, t('profile.choose')),
    r.items.filter((i) => i.outcome !== 'excluded').map((i) => h('option', { value: String(i.application_id) },
      `${i.rank ? `${i.rank}. ` : ''}${appLabel(i)} (${money(app, i.requested_vnd)})`)));
  const tryAmount = moneyInput({ name: 'amount' });
  const tryForm = h('form', { class: 'card try-form', novalidate: true },
    h('h2', { id: 'al-try' }, t('alloc.try.title')),
    h('p', { class: 'hint' }, t('alloc.try.hint')),
    errorBox(),
    h('div', { class: 'row2' }, field(t('alloc.try.application'), trySel), field(t('alloc.try.amount'), tryAmount)),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('alloc.try.run')),
      tries.length ? h('a', { class: 'button', href: `#/staff/calls/${callId}/allocation` }, t('alloc.try.clear')) : null));
  tryForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const errs = {};
    const amount = parseNumber(tryAmount.value);
    if (!trySel.value) errs.application = 'is required';
    if (amount === null) errs.amount = 'is required';
    else if (typeof amount !== 'number' || amount < 1) errs.amount = 'must be an integer';
    if (Object.keys(errs).length) { showErrors(tryForm, { fields: errs }, app.i18n); return; }
    const next = tries.filter(([id]) => id !== Number(trySel.value));
    next.push([Number(trySel.value), String(amount)]);
    app.go(`#/staff/calls/${callId}/allocation?${triesQuery(next)}`);
  });
  trySel.addEventListener('change', () => {
    const i = byId.get(Number(trySel.value));
    if (i && !tryAmount.value) tryAmount.value = fmtNumber(app, i.proposed_vnd);
  });
  const tryList = tries.length ? h('div', { class: 'notice tries', role: 'status' },
    h('p', {}, h('strong', {}, t('alloc.try.active'))),
    h('ul', {}, tries.map(([id, v]) => {
      const i = byId.get(id);
      const rest = tries.filter(([x]) => x !== id);
      return h('li', {}, i ? appLabel(i) : `#${id}`, ': ', money(app, Number(v)), ' ',
        h('a', {
          href: `#/staff/calls/${callId}/allocation${rest.length ? `?${triesQuery(rest)}` : ''}`,
          'aria-label': t('alloc.try.remove_n', { app: i ? i.reference : id }),
        }, t('alloc.try.remove')));
    })),
    h('p', { class: 'hint' }, t('alloc.try.nothing_saved'))) : null;
  if (tryError) showErrors(tryForm, { ...tryError, fields: null }, decI18n(app));

  // The proposal, line by line.
  const head = [[t('rank.rank'), true], [t('conflicts.application')], [t('rank.final'), true],
    [t('alloc.requested'), true], [t('alloc.outcome')], [t('alloc.amount'), true], [t('alloc.running'), true],
    [t('alloc.reason')], [t('alloc.decision')], [t('asg.action')]];
  const rows = r.items.map((i) => {
    const d = i.decision;
    const amountTried = tried.get(i.application_id);
    return h('tr', { class: `al-${i.outcome}${i.staff_amount_from === 'query' ? ' tried' : ''}`, dataset: { app: String(i.application_id) } },
      h('td', { class: 'num rank' }, i.rank ? String(i.rank) : '—'),
      h('th', { scope: 'row', class: 'app' }, h('a', { href: `#/staff/applications/${i.application_id}` },
        h('span', { class: 'ref' }, i.reference), ' ', i.business_name),
      i.priority ? [h('br'), h('span', { class: 'muted cats' }, t('alloc.priority_v', { list: cats(app, ref, i.verified_categories) }))] : null),
      h('td', { class: 'num' }, i.final == null ? '—' : pts(app, i.final),
        i.bonus ? h('span', { class: 'muted range' }, ` (+${i.bonus})`) : null),
      h('td', { class: 'num' }, money(app, i.requested_vnd),
        i.cap ? [h('span', { class: 'muted note' }, t(`alloc.cap.${i.cap === 'staff_amount' ? `staff_${i.staff_amount_from}` : i.cap}`, { amount: money(app, i.proposed_vnd) }))] : null),
      h('td', {}, outcomeBadge(app, i.outcome),
        i.waitlist_position ? h('span', { class: 'muted' }, ` ${t('alloc.position', { n: i.waitlist_position })}`) : null,
        i.pool ? [h('br'), h('span', { class: 'muted' }, t(`alloc.pool.${i.pool}`))] : null),
      h('td', { class: 'num' }, i.amount_vnd == null ? '—' : h('strong', {}, money(app, i.amount_vnd))),
      h('td', { class: 'num' }, money(app, i.running_total_vnd)),
      h('td', { class: 'al-reason' }, h('span', { class: 'sentence', lang: locale }, i.reason[locale] || i.reason.vi)),
      h('td', {}, d ? [outcomeBadge(app, d.outcome), d.amount_vnd ? [h('br'), money(app, d.amount_vnd)] : null,
        h('br'), h('span', { class: 'muted' }, t(`dec.status.${d.status}`))] : h('span', { class: 'muted' }, t('alloc.undecided'))),
      h('td', {}, (!d && i.status === 'reviewed') || (d && d.status === 'pending')
        ? h('a', {
          class: 'button small', href: decideHref(callId, i.application_id, amountTried),
          'aria-label': t(d ? 'alloc.edit_n' : 'alloc.decide_n', { app: i.reference }),
        }, t(d ? 'alloc.edit' : 'alloc.decide'))
        : ''));
  });

  const reserveLine = t('alloc.t.reserve_v', {
    pct: r.call.reserved_share_pct, reserve: money(app, tot.reserve_vnd), used: money(app, tot.reserve_used_vnd), returned: money(app, tot.reserve_returned_vnd),
  });
  const totals = facts([
    [t('alloc.t.budget'), money(app, tot.budget_vnd)],
    [t('alloc.t.reserve'), reserveLine],
    [t('alloc.t.general'), t('alloc.t.general_v', { general: money(app, tot.general_vnd), used: money(app, tot.general_used_vnd) })],
    [t('alloc.t.funded'), t('alloc.t.funded_v', { amount: money(app, tot.funded_vnd), n: tot.funded })],
    [t('alloc.t.unspent'), money(app, tot.unspent_vnd)],
    [t('alloc.t.waitlisted'), String(tot.waitlisted)],
    [t('alloc.t.below'), t('alloc.t.below_v', { n: tot.below_minimum, min: r.call.min_merit })],
    [t('alloc.t.excluded'), String(tot.excluded)],
  ]);
  totals.classList.add('alloc-totals');

  const catTable = scrollTable(t('alloc.cat.caption'),
    [[t('alloc.cat.category')], [t('alloc.cat.funded'), true], [t('alloc.cat.amount'), true], [t('alloc.cat.reserve'), true], [t('alloc.cat.share'), true]],
    r.categories.map((c) => h('tr', {},
      h('th', { scope: 'row' }, cats(app, ref, [c.code])),
      h('td', { class: 'num' }, String(c.funded)),
      h('td', { class: 'num' }, money(app, c.amount_vnd)),
      h('td', { class: 'num' }, money(app, c.reserve_vnd)),
      h('td', { class: 'num' }, `${new Intl.NumberFormat(locale === 'en' ? 'en-US' : 'vi-VN', { maximumFractionDigits: 1 }).format(c.share_pct)} %`))));

  const waitlist = r.waitlist.length
    ? h('ol', { class: 'waitlist' }, r.waitlist.map((w) => {
      const i = byId.get(w.application_id);
      return h('li', {}, h('span', { class: 'ref' }, w.reference), ' — ', i ? i.business_name : '',
        h('span', { class: 'muted' }, ` · ${t('alloc.wl.rank', { n: w.rank })} · ${t('alloc.wl.proposed', { amount: money(app, w.proposed_vnd) })}`));
    }))
    : h('p', {}, t('alloc.wl.none'));

  mount(main, decisionHead(app, call, 'allocation'),
    r.call.scoring_closed ? null : h('p', { class: 'notice' }, t('alloc.scoring_open')),
    h('p', { class: 'hint' }, t('alloc.how')),
    h('section', { 'aria-labelledby': 'al-totals' },
      h('h2', { id: 'al-totals' }, t('alloc.totals')), totals),
    tryList,
    h('section', { 'aria-labelledby': 'al-items' },
      h('h2', { id: 'al-items' }, t('alloc.items', { n: r.items.length })),
      scrollTable(t('alloc.caption'), head, rows, 'ranking allocation decisions-ui')),
    tryForm,
    h('section', { 'aria-labelledby': 'al-wait' },
      h('h2', { id: 'al-wait' }, t('alloc.waitlist', { n: r.waitlist.length })), waitlist),
    h('section', { 'aria-labelledby': 'al-cats' },
      h('h2', { id: 'al-cats' }, t('alloc.cat.title')), catTable),
    h('p', { class: 'actions' }, h('a', { class: 'button primary', href: `#/staff/calls/${callId}/decisions` }, t('alloc.to_decisions'))));
}

// ---------------------------------------------------------------------
// One decision, beside the proposal

export async function staffDecideView(main, app, [callId, appId], params) {
  const t = app.t;
  const locale = app.i18n.getLocale();
  const id = Number(appId);
  const [call, base, current] = await Promise.all([
    api('GET', `/api/calls/${callId}`),
    api('GET', `/api/calls/${callId}/allocation`),
    api('GET', `/api/applications/${id}/decision`).catch((e) => { if (e.status === 404) return null; throw e; }),
  ]);
  const item = base.items.find((i) => i.application_id === id);
  const d = current ? current.decision : null;
  const title = t('dec.decide.title', { app: item ? appLabel(item) : appLabel(d || { reference: `#${id}` }) });
  const head = decisionHead(app, call, 'allocation', title);

  if (d && d.status !== 'pending') {
    mount(main, head,
      h('p', { class: 'notice' }, t('dec.decide.released', { outcome: t(`dec.outcome.${d.outcome}`) })),
      h('p', {}, h('a', { class: 'button', href: `#/staff/calls/${callId}/decisions` }, t('dec.page.decisions'))));
    return;
  }
  if (!item) {
    mount(main, head, h('p', { class: 'notice' }, t('dec.decide.not_in_ranking')));
    return;
  }

  // The proposal shown beside the form, for the amount typed.
  const cap = Math.min(item.requested_vnd, base.call.max_award_vnd);
  const propBox = h('div', { class: 'proposal-facts' });
  const verdict = h('p', { class: 'verdict', role: 'status', 'aria-live': 'polite' });
  let proposal = item;
  let seq = 0;

  const outcomeDefault = d ? d.outcome : item.outcome === 'funded' ? 'funded' : item.outcome === 'waitlisted' ? 'waitlisted' : 'rejected';
  const radios = OUTCOMES.map((o) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'outcome', value: o, checked: o === outcomeDefault }), h('span', {}, t(`dec.outcome.${o}`))));
  const amountDefault = parseNumber(params.get('amount')) || (d && d.amount_vnd) || item.amount_vnd || item.proposed_vnd;
  const amount = moneyInput({ name: 'amount_vnd', value: amountDefault ? fmtNumber(app, amountDefault) : '' });
  const amountField = field(t('dec.f.amount'), amount, t('dec.f.amount_hint', { max: money(app, cap), requested: money(app, item.requested_vnd) }));
  const rationale = h('textarea', { name: 'rationale', rows: 4, maxlength: 4000 }, d ? d.rationale : '');
  const departure = h('textarea', { name: 'departure_reason', rows: 3, maxlength: 2000 }, d && d.departure_reason ? d.departure_reason : '');
  const save = h('button', { type: 'submit', class: 'primary' }, t(d ? 'dec.f.replace' : 'dec.f.save'));
  const form = h('form', { class: 'card decide-form', novalidate: true },
    h('h2', { id: 'dc-form' }, t('dec.f.title')),
    d ? h('p', { class: 'notice' }, t('dec.f.pending', { outcome: t(`dec.outcome.${d.outcome}`), at: app.i18n.fmtDateTime(d.decided_at) })) : null,
    errorBox(),
    group(t('dec.f.outcome'), 'outcome', h('div', { class: 'checks' }, radios)),
    amountField,
    field(t('dec.f.rationale'), rationale, t('dec.f.rationale_hint')),
    verdict,
    field(t('dec.f.departure'), departure, t('dec.f.departure_hint')),
    h('div', { class: 'actions' }, save,
      h('a', { class: 'button', href: `#/staff/calls/${callId}/allocation` }, t('cancel'))));

  const chosen = () => (form.querySelector('input[name=outcome]:checked') || {}).value;

  function showProposal(p, forAmount) {
    proposal = p;
    mount(propBox,
      forAmount ? h('p', { class: 'hint' }, t('dec.p.for_amount', { amount: money(app, forAmount) })) : null,
      facts([
        [t('alloc.outcome'), outcomeBadge(app, p.outcome)],
        [t('alloc.amount'), p.amount_vnd == null ? '—' : money(app, p.amount_vnd)],
        [t('alloc.pool'), p.pool ? t(`alloc.pool.${p.pool}`) : '—'],
        [t('rank.rank'), p.rank ? String(p.rank) : '—'],
      ]),
      h('p', { class: 'sentence', lang: locale }, p.reason[locale] || p.reason.vi));
  }
  function showVerdict() {
    const o = chosen();
    const a = parseNumber(amount.value);
    const off = departs(o, o === 'funded' ? a : null, proposal);
    verdict.className = off ? 'verdict sum bad' : 'verdict sum ok';
    verdict.textContent = t(off ? 'dec.p.departs' : 'dec.p.follows');
    departure.setAttribute('aria-required', off ? 'true' : 'false');
  }
  // The proposal for what is chosen now: with the amount typed as hers
  // (funded), or without a staff-set amount of hers (the others).
  const refresh = debounce(async () => {
    const o = chosen();
    const a = parseNumber(amount.value);
    const my = ++seq;
    let q = null;
    if (o === 'funded' && typeof a === 'number' && a >= 1) q = a;
    else if (o !== 'funded' && item.staff_amount_from === 'decision') q = item.requested_vnd;
    if (o === 'funded' && (typeof a !== 'number' || a < 1)) { showVerdict(); return; }
    try {
      const r = q === null ? base : await api('GET', `/api/calls/${callId}/allocation?amount.${id}=${q}`);
      if (my !== seq) return;
      showProposal(r.items.find((i) => i.application_id === id) || item, o === 'funded' && q !== item.proposed_vnd ? q : null);
    } catch { /* the proposal shown stays */ }
    if (my === seq) showVerdict();
  }, 300);

  const syncAmount = () => { amountField.hidden = chosen() !== 'funded'; };
  form.addEventListener('change', (ev) => { if (ev.target.name === 'outcome') { syncAmount(); refresh(); } });
  amount.addEventListener('input', () => { showVerdict(); refresh(); });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    refresh.cancel();
    const o = chosen();
    const a = parseNumber(amount.value);
    save.disabled = true;
    try {
      await api('POST', `/api/applications/${id}/decision`, {
        body: {
          outcome: o, amount_vnd: o === 'funded' ? a : null, rationale: rationale.value, departure_reason: textOrNull(departure.value),
        },
        etag: d ? `"${d.version}"` : undefined,
      });
      app.toast(t('dec.saved', { app: item.reference }));
      app.go(`#/staff/calls/${callId}/allocation`);
    } catch (e) {
      showErrors(form, e, decI18n(app));
      if (e.status === 412) {
        form.querySelector('.form-errors').append(h('p', {}, h('button', { type: 'button', onclick: () => app.rerender() }, t('rv.reload'))));
      }
    } finally {
      save.disabled = false;
    }
  });

  showProposal(item, null);
  syncAmount();
  showVerdict();
  if (parseNumber(params.get('amount'))) refresh();

  mount(main, head,
    h('div', { class: 'decide-layout' },
      h('section', { class: 'card proposal', 'aria-labelledby': 'dc-prop' },
        h('h2', { id: 'dc-prop' }, t('dec.p.title')),
        facts([
          [t('conflicts.application'), h('a', { href: `#/staff/applications/${id}` }, appLabel(item))],
          [t('rank.final'), item.final == null ? '—' : pts(app, item.final)],
          [t('alloc.requested'), money(app, item.requested_vnd)],
        ]),
        propBox,
        h('p', { class: 'hint' }, t('dec.p.hint'))),
      form));
}

// ---------------------------------------------------------------------
// Decisions: the list, the release, reversals, reconsiderations, settings

export async function staffDecisionsView(main, app, [callId]) {
  const t = app.t;
  const [call, r] = await Promise.all([api('GET', `/api/calls/${callId}`), api('GET', `/api/calls/${callId}/decisions`)]);
  const reload = () => app.go(`#/staff/calls/${callId}/decisions`);
  const problems = problemBox();
  const b = r.budget;
  const c = r.counts;
  const openAsk = new Set(r.reconsiderations.filter((k) => k.status === 'open').map((k) => k.application_id));

  // The release: everything decided, scoring closed, the call in review.
  const blocked = r.call_status !== 'reviewing' ? 'decided' : !r.scoring_closed_at ? 'scoring' : r.undecided.length ? 'undecided' : !c.pending ? 'none' : null;
  const release = h('button', { type: 'button', class: 'primary danger', disabled: !!blocked }, t('rel.button', { n: c.pending }));
  release.addEventListener('click', async () => {
    const pending = r.items.filter((d) => d.status === 'pending');
    const sum = pending.filter((d) => d.outcome === 'funded').reduce((s, d) => s + d.amount_vnd, 0);
    const n = (o) => pending.filter((d) => d.outcome === o).length;
    const ok = await strongConfirm(app, {
      title: t('rel.confirm_title', { n: pending.length }),
      body: [
        t('rel.confirm_counts', { funded: n('funded'), amount: money(app, sum), waitlisted: n('waitlisted'), rejected: n('rejected') }),
        t('rel.confirm_letters'),
        h('p', { class: 'notice' }, h('strong', {}, t('rel.confirm_final'))),
      ],
      word: t('rel.word'),
      confirm: t('rel.confirm'),
    });
    if (!ok) return;
    release.disabled = true;
    try {
      const x = await api('POST', `/api/calls/${callId}/decisions/release`);
      app.toast(t('rel.done', { n: x.released, funded: x.funded, waitlisted: x.waitlisted, rejected: x.rejected, letters: x.letters }));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
      release.disabled = false;
    }
  });
  const releasedAt = r.items.map((d) => d.released_at).filter(Boolean).sort()[0];

  // Every decision.
  const reverse = (d) => reverseDialog(app, d, reload);
  const rows = r.items.map((d) => h('tr', { class: `ds-${d.status}` },
    h('th', { scope: 'row', class: 'app' }, h('a', { href: `#/staff/applications/${d.application_id}` }, h('span', { class: 'ref' }, d.reference), ' ', d.business_name)),
    h('td', {}, outcomeBadge(app, d.outcome), d.amount_vnd ? [h('br'), money(app, d.amount_vnd)] : null),
    h('td', { class: 'dec-prop' }, d.proposal ? [outcomeBadge(app, d.proposal.outcome), d.proposal.amount_vnd && d.proposal.outcome === 'funded' ? [h('br'), money(app, d.proposal.amount_vnd)] : null,
      h('br'), h('span', { class: 'muted', lang: app.i18n.getLocale() }, reasonText(app, d.proposal.reason))] : '—'),
    h('td', { class: d.departs ? 'dec-dep' : null }, d.departs ? [h('span', { class: 'badge flag' }, t('dec.departs')), h('p', { class: 'prose' }, d.departure_reason || '')] : t('no')),
    h('td', { class: 'prose dec-why' }, d.rationale),
    h('td', { class: 'dec-st' }, h('span', { class: `badge ds-${d.status}` }, t(`dec.status.${d.status}`)),
      d.source !== 'staff' ? [h('br'), h('span', { class: 'muted' }, t(`dec.source.${d.source}`))] : null,
      d.released_at ? [h('br'), h('span', { class: 'muted' }, app.i18n.fmtDateTime(d.released_at))] : null,
      d.reversal ? h('p', { class: 'prose' }, t('dec.reversed_because', { kind: t(`dec.source.${d.reversal.kind}`), reason: d.reversal.reason })) : null),
    h('td', {}, d.letter ? h('details', { class: 'letter-peek' }, h('summary', {}, t('dec.letter')),
      h('p', {}, h('strong', {}, d.letter.subject)), h('p', { class: 'prose', lang: d.letter.locale }, d.letter.body)) : '—'),
    h('td', { class: 'row-actions' },
      d.status === 'pending' ? h('a', { class: 'button small', href: decideHref(callId, d.application_id), 'aria-label': t('alloc.edit_n', { app: d.reference }) }, t('alloc.edit')) : null,
      d.status === 'released' && d.outcome !== 'funded' && !openAsk.has(d.application_id)
        ? h('button', { type: 'button', class: 'small', onclick: () => reverse(d), 'aria-label': t('dec.rev.button_n', { app: d.reference }) }, t('dec.rev.button')) : null,
      d.status === 'released' && d.outcome !== 'funded' && openAsk.has(d.application_id) ? h('span', { class: 'muted' }, t('dec.rev.answer_first')) : null,
      d.award_id ? h('a', { class: 'button small', href: `#/staff/awards/${d.award_id}` }, t('award.open')) : null)));

  mount(main, decisionHead(app, call, 'decisions'),
    problems,
    h('section', { 'aria-labelledby': 'ds-budget' },
      h('h2', { id: 'ds-budget' }, t('dec.budget')),
      facts([
        [t('alloc.t.budget'), money(app, b.budget_vnd)],
        [t('dec.b.committed'), money(app, b.committed_vnd)],
        [t('dec.b.pending'), money(app, b.pending_funded_vnd)],
        [t('dec.b.available'), money(app, b.available_vnd)],
      ]),
      h('ul', { class: 'stats' }, ['pending', 'released', 'reversed', 'funded', 'waitlisted', 'rejected', 'departures']
        .map((k) => h('li', {}, h('strong', {}, String(c[k])), ' ', t(`dec.count.${k}`))))),
    h('section', { 'aria-labelledby': 'ds-undecided' },
      h('h2', { id: 'ds-undecided' }, t('dec.undecided', { n: r.undecided.length })),
      r.undecided.length
        ? [h('p', { class: 'hint' }, t('dec.undecided_hint')), h('ul', { class: 'short-list undecided' }, r.undecided.map((u) => h('li', {},
          h('span', { class: 'ref' }, u.reference), ' — ', u.business_name, ' ',
          h('a', { href: decideHref(callId, u.application_id), 'aria-label': t('alloc.decide_n', { app: u.reference }) }, t('alloc.decide')))))]
        : h('p', {}, t('dec.all_decided'))),
    h('section', { class: 'card release', 'aria-labelledby': 'ds-release' },
      h('h2', { id: 'ds-release' }, t('rel.title')),
      h('p', {}, t('rel.what')),
      releasedAt ? h('p', { class: 'notice' }, t('rel.released_at', { at: app.i18n.fmtDateTime(releasedAt) })) : null,
      blocked && blocked !== 'decided' ? h('p', { class: 'notice' }, t(`rel.blocked.${blocked}`)) : null,
      r.call_status === 'reviewing' ? h('div', { class: 'actions' }, release) : null),
    h('section', { 'aria-labelledby': 'ds-list' },
      h('h2', { id: 'ds-list' }, t('dec.list', { n: r.items.length })),
      r.items.length ? scrollTable(t('dec.caption'),
        [[t('conflicts.application')], [t('dec.col.outcome')], [t('dec.col.proposal')], [t('dec.col.departs')], [t('dec.col.rationale')],
          [t('dec.col.status')], [t('dec.letter')], [t('asg.action')]], rows, 'ranking decisions decisions-ui') : h('p', {}, t('dec.none'))),
    reconsiderationsSection(app, r, reload),
    settingsSection(app, r, reload));
}

function outcomeSelect(app, name, except) {
  return h('select', { name }, h('option', { value: '' }, app.t('profile.choose')),
    OUTCOMES.filter((o) => o !== except).map((o) => h('option', { value: o }, app.t(`dec.outcome.${o}`))));
}

// A released decision not to fund, replaced with a reason.
async function reverseDialog(app, d, done) {
  const t = app.t;
  const outcome = outcomeSelect(app, 'outcome', d.outcome);
  const amount = moneyInput({ name: 'amount_vnd' });
  const amountField = field(t('dec.f.amount'), amount, t('dec.rev.amount_hint', { requested: money(app, d.requested_vnd) }));
  amountField.hidden = true;
  outcome.addEventListener('change', () => { amountField.hidden = outcome.value !== 'funded'; });
  const reason = h('textarea', { name: 'reason', rows: 3, maxlength: 2000 });
  const rationale = h('textarea', { name: 'rationale', rows: 3, maxlength: 4000 });
  const r = await formDialog(app, {
    title: t('dec.rev.title', { app: appLabel(d) }),
    intro: [t('dec.rev.now', { outcome: t(`dec.outcome.${d.outcome}`) }), t('dec.rev.intro')],
    fields: [field(t('dec.rev.outcome'), outcome), amountField,
      field(t('dec.rev.reason'), reason, t('dec.rev.reason_hint')),
      field(t('dec.rev.rationale'), rationale, t('dec.rev.rationale_hint'))],
    confirm: t('dec.rev.confirm'),
    danger: true,
    submit: () => {
      if (!outcome.value) throw { fields: { outcome: 'is required' } };
      return api('POST', `/api/decisions/${d.id}/reverse`, {
        body: {
          reason: reason.value, outcome: outcome.value,
          amount_vnd: outcome.value === 'funded' ? parseNumber(amount.value) : null,
          rationale: textOrNull(rationale.value),
        },
      });
    },
  });
  if (r) {
    app.toast(t('dec.rev.done', { outcome: t(`dec.outcome.${r.decision.outcome}`) }));
    done();
  }
}

function reconsiderationsSection(app, r, reload) {
  const t = app.t;
  const byApp = new Map(r.items.filter((d) => d.status !== 'reversed').map((d) => [d.application_id, d]));
  const cards = r.reconsiderations.map((k) => {
    const d = byApp.get(k.application_id) || r.items.find((x) => x.id === k.decision_id);
    const card = h('li', { class: `card reconsideration rc-${k.status}` },
      h('h3', {}, h('span', { class: 'ref' }, k.reference), d ? ` — ${d.business_name}` : ''),
      facts([
        [t('rc.status'), h('span', { class: `badge rc-${k.status}` }, t(`rc.status.${k.status}`))],
        [t('rc.requested_at'), app.i18n.fmtDateTime(k.requested_at)],
        [t('rc.decision'), d ? [outcomeBadge(app, d.outcome), d.amount_vnd ? ` ${money(app, d.amount_vnd)}` : ''] : '—'],
      ]),
      h('p', {}, h('strong', {}, t('rc.her_reason'))),
      h('p', { class: 'prose' }, k.reason),
      k.answer ? [h('p', {}, h('strong', {}, t('rc.answer_given', { at: app.i18n.fmtDateTime(k.answered_at) }))), h('p', { class: 'prose' }, k.answer)] : null);
    if (k.status === 'open') card.append(answerForm(app, k, d, reload));
    return card;
  });
  return h('section', { 'aria-labelledby': 'ds-rc' },
    h('h2', { id: 'ds-rc' }, t('rc.title', { n: r.reconsiderations.length })),
    h('p', { class: 'hint' }, t('rc.hint', { days: r.settings.reconsideration_days })),
    cards.length ? h('ul', { class: 'plain' }, cards) : h('p', {}, t('rc.none')));
}

function answerForm(app, k, d, reload) {
  const t = app.t;
  const how = ['upheld', 'changed'].map((o) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'outcome', value: o }), h('span', {}, t(`rc.how.${o}`))));
  const newOutcome = outcomeSelect(app, 'new_outcome', d ? d.outcome : null);
  const newField = field(t('rc.new_outcome'), newOutcome);
  const amount = moneyInput({ name: 'amount_vnd' });
  const amountField = field(t('dec.f.amount'), amount, d ? t('dec.rev.amount_hint', { requested: money(app, d.requested_vnd) }) : null);
  const answer = h('textarea', { name: 'answer', rows: 4, maxlength: 2000 });
  const send = h('button', { type: 'submit', class: 'primary' }, t('rc.send'));
  const form = h('form', { class: 'answer-form', novalidate: true },
    h('h4', {}, t('rc.answer')),
    errorBox(),
    group(t('rc.how'), 'outcome', h('div', { class: 'checks' }, how)),
    newField, amountField,
    field(t('rc.answer_text'), answer, t('rc.answer_hint')),
    h('div', { class: 'actions' }, send));
  const chosen = () => (form.querySelector('input[name=outcome]:checked') || {}).value;
  const sync = () => {
    newField.hidden = chosen() !== 'changed';
    amountField.hidden = chosen() !== 'changed' || newOutcome.value !== 'funded';
  };
  form.addEventListener('change', sync);
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const o = chosen();
    const body = { outcome: o, answer: answer.value };
    if (o === 'changed') {
      body.new_outcome = newOutcome.value || null;
      body.amount_vnd = newOutcome.value === 'funded' ? parseNumber(amount.value) : null;
    }
    if (!o) { showErrors(form, { fields: { outcome: 'is required' } }, decI18n(app)); return; }
    const ok = await strongConfirmLight(app, t('rc.confirm_title'), [t(`rc.confirm.${o}`), t('rc.confirm_final')], t('rc.send'));
    if (!ok) return;
    send.disabled = true;
    try {
      await api('POST', `/api/reconsiderations/${k.id}/answer`, { body });
      app.toast(t('rc.sent'));
      reload();
    } catch (e) {
      showErrors(form, e, decI18n(app));
    } finally {
      send.disabled = false;
    }
  });
  return form;
}

// A plain confirmation (no word to type): the answer is sent to her.
function strongConfirmLight(app, title, body, confirm) {
  return formDialog(app, { title, intro: body, fields: [], confirm, submit: async () => true });
}

// The decision settings: minimum merit, the reconsideration window, the
// default tranches with what opens each later one.
function settingsSection(app, r, reload) {
  const t = app.t;
  const s = r.settings;
  const frozenMerit = r.items.some((d) => d.status !== 'pending');
  const minMerit = h('input', { name: 'min_merit', inputmode: 'numeric', value: String(s.min_merit), disabled: frozenMerit });
  const days = h('input', { name: 'reconsideration_days', inputmode: 'numeric', value: String(s.reconsideration_days) });
  const rows = h('ol', { class: 'tranche-rows' });
  const sum = h('p', { class: 'sum', 'aria-live': 'polite' });
  const gateOptions = (value) => [h('option', { value: '', selected: value == null }, t('set.gate.staff')),
    Array.from({ length: 12 }, (_, i) => i + 1).map((k) => h('option', { value: String(k), selected: value === k }, t('set.gate.checkin', { k })))];
  function addRow(pct, gate) {
    const li = h('li', { class: 'tranche-row' },
      field('', h('input', { class: 'pct', inputmode: 'numeric', value: pct == null ? '' : String(pct) })),
      field('', h('select', { class: 'gate' }, gateOptions(gate))),
      h('button', { type: 'button', class: 'link danger remove' }, t('set.remove')));
    li.querySelector('.remove').addEventListener('click', () => { li.remove(); renumber(); });
    rows.append(li);
    renumber();
  }
  function renumber() {
    [...rows.children].forEach((li, i) => {
      const pct = li.querySelector('.pct');
      const gate = li.querySelector('.gate');
      const [lp, lg] = li.querySelectorAll('label');
      pct.name = `tranche_pcts[${i}]`;
      lp.textContent = t('set.pct_n', { n: i + 1 });
      gate.name = i === 0 ? '' : `tranche_gates[${i - 1}]`;
      lg.textContent = t('set.gate_n', { n: i + 1 });
      gate.closest('.field').hidden = i === 0;
      li.querySelector('.remove').hidden = rows.children.length === 1;
      li.querySelector('.remove').textContent = t('set.remove_n', { n: i + 1 });
    });
    if (rows.children[0]) {
      const first = rows.children[0];
      if (!first.querySelector('.first-gate')) first.append(h('p', { class: 'hint first-gate' }, t('set.first')));
      for (const li of [...rows.children].slice(1)) li.querySelector('.first-gate')?.remove();
    }
    showSum();
  }
  function pcts() { return [...rows.querySelectorAll('.pct')].map((i) => parseNumber(i.value)); }
  function showSum() {
    const total = pcts().reduce((a, v) => a + (typeof v === 'number' ? v : 0), 0);
    sum.textContent = total === 100 ? t('set.sum_ok') : t('set.sum_bad', { n: total });
    sum.className = total === 100 ? 'sum ok' : 'sum bad';
  }
  s.tranche_pcts.forEach((p, i) => addRow(p, i === 0 ? null : s.tranche_gates[i - 1] ?? null));
  const add = h('button', { type: 'button' }, t('set.add'));
  add.addEventListener('click', () => { addRow(null, null); rows.lastElementChild.querySelector('.pct').focus(); });
  const gatesErr = h('div', { id: 'set-gates', name: 'tranche_gates', tabindex: '-1' }, h('p', { class: 'error', id: 'set-gates-err', hidden: true }));
  const saveBtn = h('button', { type: 'submit', class: 'primary' }, t('set.save'));
  const form = h('form', { class: 'card settings-form', novalidate: true },
    errorBox(),
    field(t('set.min_merit'), minMerit, t(frozenMerit ? 'set.min_merit_frozen' : 'set.min_merit_hint')),
    field(t('set.days'), days, t('set.days_hint')),
    group(t('set.tranches'), 'tranche_pcts', [h('p', { class: 'hint' }, t('set.tranches_hint')), rows, sum, gatesErr, add]),
    h('div', { class: 'actions' }, saveBtn));
  form.addEventListener('input', showSum);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = {
      reconsideration_days: parseNumber(days.value),
      tranche_pcts: pcts(),
      tranche_gates: [...rows.querySelectorAll('.gate')].slice(1).map((g) => (g.value === '' ? null : Number(g.value))),
    };
    if (!frozenMerit) body.min_merit = parseNumber(minMerit.value);
    saveBtn.disabled = true;
    try {
      await api('PATCH', `/api/calls/${r.call_id}/decision-settings`, { body, etag: `"${s.version}"` });
      app.toast(t('set.saved'));
      reload();
    } catch (e) {
      showErrors(form, e, decI18n(app));
    } finally {
      saveBtn.disabled = false;
    }
  });
  return h('section', { 'aria-labelledby': 'ds-settings' },
    h('h2', { id: 'ds-settings' }, t('set.title')),
    h('p', { class: 'hint' }, t('set.hint')),
    form);
}

