// The reviewer's workspace: her queue with due dates, the declaration of
// a conflict of interest before anything else, then the blind
// application beside her scoring form, and after she has submitted, the
// other reviews and the discussion.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { confirmDialog, errorBox, facts, fmtDay, group, loc, paragraphs, reference, refLabel } from '../widgets.js';
import { scoringForm } from './review-form.js';
import { discussionSection, reviewsSection } from './review-thread.js';

export const CONFLICT_TYPES = ['family', 'business', 'same_household', 'other'];

function dueLine(app, item) {
  const t = app.t;
  if (!item.due_at) return h('span', { class: 'muted' }, t('queue.no_due'));
  return h('span', { class: item.overdue ? 'due overdue' : 'due' },
    t('queue.due', { at: app.i18n.fmtDateTime(item.due_at) }),
    item.overdue ? [' ', h('span', { class: 'badge overdue-badge' }, t('queue.overdue'))] : null);
}

function stateBadges(app, item) {
  const t = app.t;
  return [
    item.declaration === 'pending'
      ? h('span', { class: 'badge decl-pending' }, t('queue.declare_first'))
      : null,
    h('span', { class: `badge rs-${item.review_status}` }, t(`review.status.${item.review_status}`)),
    item.scoring_open ? null : h('span', { class: 'badge' }, t('queue.scoring_closed')),
  ];
}

function actionLabel(t, item) {
  if (item.declaration === 'pending') return t('queue.action.declare');
  if (!item.scoring_open || item.review_status === 'submitted') return t('queue.action.open');
  return item.review_status === 'draft' ? t('queue.action.continue') : t('queue.action.score');
}

export async function reviewQueueView(main, app) {
  const t = app.t;
  const [q, ref] = await Promise.all([api('GET', '/api/reviews/mine'), reference()]);
  const s = q.summary;
  mount(main,
    h('h1', {}, t('queue.title')),
    h('p', { class: 'muted' }, t('queue.intro')),
    h('ul', { class: 'stats', 'aria-label': t('queue.summary') },
      [['total', s.total], ['to_declare', s.to_declare], ['to_review', s.to_review], ['submitted', s.submitted], ['overdue', s.overdue]]
        .map(([k, n]) => h('li', { class: k === 'overdue' && n > 0 ? 'bad' : '' }, h('strong', {}, String(n)), ' ', t(`queue.count.${k}`)))),
    q.items.length
      ? h('ul', { class: 'cards queue' }, q.items.map((i) => h('li', { class: `card${i.overdue ? ' is-overdue' : ''}` },
        h('h2', { class: 'h3' }, h('a', { href: `#/reviews/${i.application_id}` }, i.business_name)),
        h('p', { class: 'muted' }, i.call.title),
        h('p', {}, [refLabel(app, ref.business_stages, i.stage), refLabel(app, ref.sectors, i.sector)].filter(Boolean).join(' · ')),
        h('p', {}, dueLine(app, i)),
        h('p', {}, stateBadges(app, i)),
        h('p', {}, h('a', {
          class: i.declaration === 'pending' || i.review_status !== 'submitted' ? 'button primary' : 'button',
          href: `#/reviews/${i.application_id}`,
          'aria-label': `${actionLabel(t, i)}: ${i.business_name}`,
        }, actionLabel(t, i))))))
      : h('p', { class: 'notice' }, t('queue.empty')));
}

// The declaration, before she may read anything of the application.
function declarationView(main, app, item, ref) {
  const t = app.t;
  const type = h('select', { name: 'type' }, h('option', { value: '' }, t('profile.choose')),
    CONFLICT_TYPES.map((k) => h('option', { value: k }, t(`conflict.type.${k}`))));
  const reason = h('textarea', { name: 'reason', rows: 4, maxlength: 2000 });
  const details = h('div', { class: 'sub', hidden: true },
    field(t('declare.type'), type),
    field(t('declare.reason'), reason, t('declare.reason.hint')));
  const radios = [['false', t('declare.none')], ['true', t('declare.recuse')]].map(([v, label]) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'conflict', value: v }), h('span', {}, label)));
  const submit = h('button', { type: 'submit', class: 'primary' }, t('declare.submit'));
  const form = h('form', { class: 'card', novalidate: true },
    errorBox(),
    group(t('declare.question'), 'conflict', h('div', { class: 'checks' }, radios)),
    details,
    h('div', { class: 'actions' }, submit));
  const choice = () => form.querySelector('input[name=conflict]:checked')?.value;
  form.addEventListener('change', () => { details.hidden = choice() !== 'true'; });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const c = choice();
    const missing = {};
    if (!c) missing.conflict = 'is required';
    if (c === 'true' && !type.value) missing.type = 'is required';
    if (c === 'true' && !reason.value.trim()) missing.reason = 'is required';
    if (Object.keys(missing).length) { showErrors(form, { fields: missing }, app.i18n); return; }
    const conflict = c === 'true';
    if (conflict) {
      const ok = await confirmDialog(app, {
        title: t('declare.confirm_title', { name: item.business_name }),
        body: [t('declare.confirm_body'), t('declare.confirm_final')],
        confirm: t('declare.confirm'), danger: true,
      });
      if (!ok) return;
    }
    submit.disabled = true;
    try {
      const body = conflict ? { conflict: true, type: type.value, reason: reason.value.trim() } : { conflict: false };
      await api('POST', `/api/assignments/${item.assignment_id}/declaration`, { body });
      if (conflict) {
        app.toast(t('declare.recused'));
        app.go('#/reviews');
      } else {
        app.toast(t('declare.done'));
        app.go(`#/reviews/${item.application_id}`);
      }
    } catch (e) {
      showErrors(form, e, app.i18n);
    } finally {
      submit.disabled = false;
    }
  });

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/reviews' }, t('queue.title'))),
    h('h1', {}, t('declare.title')),
    h('section', { class: 'card', 'aria-labelledby': 'decl-app' },
      h('h2', { id: 'decl-app', class: 'h3' }, item.business_name),
      facts([
        [t('review.call'), item.call.title],
        [t('app.f.stage'), refLabel(app, ref.business_stages, item.stage)],
        [t('app.f.sector'), refLabel(app, ref.sectors, item.sector)],
        [t('review.due'), item.due_at ? app.i18n.fmtDateTime(item.due_at) : null],
      ])),
    h('p', {}, t('declare.intro')),
    h('p', { class: 'notice' }, t('declare.before')),
    form);
}

// The application as she may read it: the business, never who applied.
function blindSection(app, b) {
  const t = app.t;
  const fmt = app.i18n;
  return h('section', { class: 'blind', 'aria-labelledby': 'blind-title' },
    h('h2', { id: 'blind-title' }, t('review.application')),
    h('p', { class: 'hint' }, t('review.blind_hint')),
    facts([
      [t('review.reference'), b.reference],
      [t('app.f.stage'), loc(app, b.stage_label)],
      b.operating_since ? [t('app.f.operating_since'), fmtDay(app, b.operating_since)] : null,
      b.registered_on ? [t('app.f.registered_on'), fmtDay(app, b.registered_on)] : null,
      [t('app.f.sector'), loc(app, b.sector_label)],
      [t('review.ward'), b.ward || t('review.outside')],
      [t('app.f.team_size'), b.team_size],
      [t('app.f.women_employed'), b.women_employed],
      [t('app.f.jobs_planned'), b.jobs_planned],
      [t('app.f.amount_requested_vnd'), b.amount_requested_vnd == null ? null : fmt.fmtMoney(b.amount_requested_vnd)],
    ]),
    [['description', b.description], ['problem_customers', b.problem_customers], ['plan', b.plan]].map(([k, v]) => [
      h('h3', {}, t(`blind.${k}`)), v ? paragraphs(v) : h('p', {}, '—')]),
    h('h3', {}, t('app.f.budget_lines')),
    b.budget_lines.length ? h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('budget.item_col')), h('th', { scope: 'col', class: 'num' }, t('budget.amount_col')))),
      h('tbody', {}, b.budget_lines.map((l) => h('tr', {}, h('td', {}, l.item), h('td', { class: 'num' }, fmt.fmtMoney(l.amount_vnd))))),
      h('tfoot', {}, h('tr', {}, h('th', { scope: 'row' }, t('budget.total_col')), h('td', { class: 'num' }, fmt.fmtMoney(b.budget_total_vnd))))))
      : h('p', {}, '—'));
}

export async function reviewView(main, app, [appId]) {
  const t = app.t;
  const id = Number(appId);
  const [q, ref] = await Promise.all([api('GET', '/api/reviews/mine'), reference()]);
  const item = q.items.find((i) => i.application_id === id);
  if (!item) {
    mount(main,
      h('p', { class: 'crumbs' }, h('a', { href: '#/reviews' }, t('queue.title'))),
      h('h1', {}, t('review.not_yours')),
      h('p', {}, t('review.not_yours.body')));
    return;
  }
  if (item.declaration === 'pending') { declarationView(main, app, item, ref); return; }

  const [blind, own] = await Promise.all([
    api('GET', `/api/applications/${id}/blind`),
    api('GET', `/api/applications/${id}/review`).catch((e) => { if (e.status === 404) return null; throw e; }),
  ]);

  const after = h('div', { class: 'after-submit' });
  async function showAfter(review) {
    if (!review || review.revision === 0) {
      mount(after, h('section', { 'aria-labelledby': 'others' },
        h('h2', { id: 'others' }, t('others.title')),
        h('p', { class: 'notice' }, t('others.locked'))));
      return;
    }
    mount(after,
      await reviewsSection(app, id, blind.rubric, { staff: false }),
      await discussionSection(app, id, { staff: false }));
  }

  const notices = [];
  if (blind.status === 'eligible') notices.push(h('p', { class: 'notice' }, t('review.not_started')));
  else if (blind.call.scoring_closed_at) notices.push(h('p', { class: 'notice' }, t('review.closed')));
  else if (blind.status !== 'in_review') notices.push(h('p', { class: 'notice' }, t('review.decided')));

  const form = scoringForm(app, {
    appId: id,
    rubric: blind.rubric,
    own,
    editable: blind.status === 'in_review' && !blind.call.scoring_closed_at,
    onSubmitted: () => app.go(`#/reviews/${id}`),
  });

  main.classList.add('wide');
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/reviews' }, t('queue.title'))),
    h('h1', {}, blind.business_name),
    h('p', { class: 'muted' }, loc(app, blind.call.title)),
    h('p', {}, dueLine(app, item), ' ', stateBadges(app, item)),
    notices,
    h('p', { class: 'skip-to' }, h('a', { href: '#score-title', onclick: (ev) => {
      ev.preventDefault();
      const target = document.getElementById('score-title');
      target.scrollIntoView({ block: 'start' });
      target.focus();
    } }, t('review.jump'))),
    h('div', { class: 'review-layout' }, blindSection(app, blind), form),
    after);
  await showAfter(own);
}
