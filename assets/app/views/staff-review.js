// Staff: the review of a call, on three screens under one header.
// - Committee: who sits on it (PUT with If-Match), and the conflicts of
//   interest, recorded for good.
// - Assignments: the review settings, automatic assignment with the loads
//   and the applications left short, single assignments added or removed,
//   release to the reviewers, reviewers' progress, overdue reviews, and
//   the close of scoring.
// - Ranking: the transparent ranking with its explanations.
// Everything irreversible asks first.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { allPages, check, confirmDialog, errorBox, facts, loc, reference } from '../widgets.js';
import { fmtTenths, tenthsOf } from '../score.js';
import { CONFLICT_TYPES } from './reviewer.js';

// ---------------------------------------------------------------------
// Shared

const PAGES = ['committee', 'assignments', 'ranking', 'matching'];

export function callHead(app, call, current) {
  const t = app.t;
  document.getElementById('main').classList.add('wide');
  return [
    h('p', { class: 'crumbs' }, h('a', { href: '#/staff/calls' }, t('calls.title')), ' › ',
      h('a', { href: `#/staff/calls/${call.id}` }, loc(app, call.title))),
    h('h1', {}, t(`rv.page.${current}`)),
    h('p', {}, h('strong', {}, loc(app, call.title)), ' ', h('span', { class: `badge call-${call.status}` }, t(`callstatus.${call.status}`))),
    h('nav', { class: 'subnav', 'aria-label': t('rv.subnav') }, h('ul', {}, PAGES.map((p) => h('li', {},
      h('a', { href: `#/staff/calls/${call.id}/${p}`, 'aria-current': p === current ? 'page' : null }, t(`rv.page.${p}`)))))),
  ];
}

// A box that says what went wrong with an action, with the API's words
// about the fields in the interface's language.
function problemBox() {
  return errorBox();
}
function showProblem(app, box, e, extra) {
  mount(box, h('p', {}, app.i18n.errorMessage(e)),
    extra || Object.values(e.fields || {}).map((m) => h('p', {}, app.i18n.fieldError(m))));
  box.hidden = false;
  box.focus();
}

const allReviewers = () => allPages('/api/users?role=reviewer');
const callApps = (callId, status) => allPages(`/api/applications?call_id=${callId}${status ? `&status=${status}` : ''}&sort=reference&order=asc`,
  'next_cursor', 'cursor');

const appLabel = (a) => `${a.reference || '—'} — ${a.business_name || ''}`;
const appLink = (a, id) => h('a', { href: `#/staff/applications/${id ?? a.application_id ?? a.id}` },
  h('span', { class: 'ref' }, a.reference || '—'), ' ', a.business_name || '');

// Ids named at the end of an API message ("...: 5, 6") as names.
function namedIds(msg, names) {
  const m = /:\s*([\d,\s]+)$/.exec(msg || '');
  if (!m) return null;
  return m[1].split(',').map((s) => Number(s.trim())).filter(Boolean).map((id) => names.get(id) || `#${id}`).join(', ');
}

function table(caption, head, rows, cls = '') {
  return h('div', { class: `table-wrap scroll ${cls}`, tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, label)))),
      h('tbody', {}, rows)));
}

// ---------------------------------------------------------------------
// Committee and conflicts

export async function staffCommitteeView(main, app, [callId]) {
  const t = app.t;
  const [call, committee, conflicts, reviewers, apps] = await Promise.all([
    api('GET', `/api/calls/${callId}`), api('GET', `/api/calls/${callId}/reviewers`),
    api('GET', `/api/calls/${callId}/conflicts`), allReviewers(), callApps(callId),
  ]);
  const members = new Map(committee.items.map((m) => [m.id, m]));
  const names = new Map([...reviewers.map((u) => [u.id, u.full_name]), ...committee.items.map((m) => [m.id, m.full_name])]);
  const reload = () => app.go(`#/staff/calls/${callId}/committee`);

  // Members as they are.
  const membersTable = committee.items.length ? table(t('committee.members_caption', { n: committee.items.length }),
    [[t('committee.name')], [t('login.email')], [t('committee.assignments'), true], [t('committee.released'), true], [t('committee.submitted'), true], [t('committee.note')]],
    committee.items.map((m) => h('tr', {},
      h('th', { scope: 'row' }, m.full_name), h('td', {}, m.email),
      h('td', { class: 'num' }, String(m.assignments)), h('td', { class: 'num' }, String(m.released)),
      h('td', { class: 'num' }, String(m.reviews_submitted)),
      h('td', {}, m.disabled ? t('committee.disabled') : m.released || m.reviews_submitted ? t('committee.must_stay') : ''))))
    : h('p', { class: 'notice' }, t('committee.empty'));

  // The editor: every reviewer account, ticked when on the committee.
  const boxes = [];
  const everyone = [...reviewers];
  for (const m of committee.items) if (!everyone.some((u) => u.id === m.id)) everyone.push({ id: m.id, full_name: m.full_name, email: m.email, disabled: m.disabled });
  everyone.sort((a, b) => a.full_name.localeCompare(b.full_name, 'vi'));
  const fold = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd');
  const list = h('div', { class: 'checks member-list' }, everyone.map((u) => {
    const m = members.get(u.id);
    const stays = m && (m.released > 0 || m.reviews_submitted > 0);
    const locked = !m && u.disabled;
    const label = check([u.full_name, h('span', { class: 'muted' }, ` — ${u.email}`),
      stays ? h('span', { class: 'muted' }, ` (${t('committee.must_stay')})`) : null,
      u.disabled ? h('span', { class: 'muted' }, ` (${t('committee.disabled')})`) : null],
    { value: String(u.id), checked: !!m, disabled: stays || locked });
    label.dataset.search = fold(`${u.full_name} ${u.email}`);
    boxes.push(label.querySelector('input'));
    return label;
  }));
  const filter = h('input', { type: 'search', autocomplete: 'off', maxlength: 100 });
  filter.addEventListener('input', () => {
    const q = fold(filter.value.trim());
    for (const l of list.children) l.hidden = q !== '' && !l.dataset.search.includes(q);
  });
  const changed = h('p', { class: 'sum', 'aria-live': 'polite' });
  const chosen = () => boxes.filter((b) => b.checked).map((b) => Number(b.value));
  const showChanged = () => {
    const ids = chosen();
    const add = ids.filter((i) => !members.has(i)).length;
    const remove = [...members.keys()].filter((i) => !ids.includes(i)).length;
    changed.textContent = t(add || remove ? 'committee.changes' : 'committee.no_changes', { n: ids.length, add, remove });
  };
  const problems = problemBox();
  const save = h('button', { type: 'submit', class: 'primary' }, t('committee.save'));
  const editor = h('form', { class: 'card', novalidate: true },
    h('h3', {}, t('committee.edit')),
    problems,
    h('p', { class: 'hint' }, t('committee.edit_hint')),
    field(t('committee.filter'), filter),
    h('fieldset', { class: 'group' }, h('legend', {}, t('committee.reviewers')), list),
    changed,
    h('div', { class: 'actions' }, save));
  editor.addEventListener('change', showChanged);
  editor.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      await api('PUT', `/api/calls/${callId}/reviewers`, { body: { reviewer_ids: chosen() }, etag: committee._etag });
      app.toast(t('committee.saved'));
      reload();
    } catch (e) {
      const named = e.fields && e.fields.reviewer_ids ? namedIds(e.fields.reviewer_ids, names) : null;
      const extra = [];
      if (e.status === 412) extra.push(h('p', {}, h('button', { type: 'button', onclick: reload }, t('rv.reload'))));
      else if (named && e.status === 409) extra.push(h('p', {}, t('committee.err_stay', { names: named })));
      else if (named && e.status === 422) extra.push(h('p', {}, t('committee.err_not_reviewers', { names: named })));
      showProblem(app, problems, e, extra.length ? extra : null);
    } finally {
      save.disabled = false;
    }
  });
  showChanged();

  // Conflicts: the list, and the form that records one for good.
  const conflictRows = conflicts.items.map((c) => h('tr', {},
    h('td', { class: 'app' }, appLink(c)),
    h('td', {}, c.reviewer.full_name),
    h('td', {}, t(`conflict.type.${c.type}`)),
    h('td', { class: 'prose' }, c.reason),
    h('td', {}, t(`conflict.source.${c.source}`), h('br'), h('span', { class: 'muted' }, c.declared_by.full_name)),
    h('td', {}, app.i18n.fmtDateTime(c.declared_at))));
  const conflictsTable = conflicts.items.length ? table(t('conflicts.caption', { n: conflicts.items.length }),
    [[t('conflicts.application')], [t('conflicts.reviewer')], [t('conflicts.type')], [t('conflicts.reason')], [t('conflicts.source')], [t('conflicts.at')]],
    conflictRows) : h('p', {}, t('conflicts.none'));

  const cApp = h('select', { name: 'application_id' }, h('option', { value: '' }, t('profile.choose')),
    apps.filter((a) => a.reference).map((a) => h('option', { value: String(a.id) }, appLabel(a))));
  const cRev = h('select', { name: 'reviewer_id' }, h('option', { value: '' }, t('profile.choose')),
    everyone.map((u) => h('option', { value: String(u.id) }, `${u.full_name} — ${u.email}${members.has(u.id) ? '' : ` (${t('conflicts.not_member')})`}`)));
  const cType = h('select', { name: 'type' }, h('option', { value: '' }, t('profile.choose')),
    CONFLICT_TYPES.map((k) => h('option', { value: k }, t(`conflict.type.${k}`))));
  const cReason = h('textarea', { name: 'reason', rows: 3, maxlength: 2000 });
  const record = h('button', { type: 'submit', class: 'primary' }, t('conflicts.record'));
  const cForm = h('form', { class: 'card', novalidate: true },
    h('h3', {}, t('conflicts.new')),
    errorBox(),
    h('p', { class: 'hint' }, t('conflicts.new_hint')),
    field(t('conflicts.application'), cApp),
    field(t('conflicts.reviewer'), cRev),
    field(t('conflicts.type'), cType),
    field(t('conflicts.reason'), cReason, t('conflicts.reason_hint')),
    h('div', { class: 'actions' }, record));
  cForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const missing = {};
    for (const el of [cApp, cRev, cType]) if (!el.value) missing[el.name] = 'is required';
    if (!cReason.value.trim()) missing.reason = 'is required';
    if (Object.keys(missing).length) { showErrors(cForm, { fields: missing }, app.i18n); return; }
    const appName = cApp.selectedOptions[0].textContent;
    const revName = names.get(Number(cRev.value)) || '';
    const ok = await confirmDialog(app, {
      title: t('conflicts.confirm_title'),
      body: [t('conflicts.confirm_pair', { reviewer: revName, application: appName }), t('conflicts.confirm_body')],
      confirm: t('conflicts.record'), danger: true,
    });
    if (!ok) return;
    record.disabled = true;
    try {
      const r = await api('POST', `/api/calls/${callId}/conflicts`, {
        body: { application_id: Number(cApp.value), reviewer_id: Number(cRev.value), type: cType.value, reason: cReason.value.trim() },
      });
      app.toast(t(r.removed_assignment_id ? 'conflicts.recorded_removed' : 'conflicts.recorded'));
      reload();
    } catch (e) {
      showErrors(cForm, e, app.i18n);
    } finally {
      record.disabled = false;
    }
  });

  mount(main, callHead(app, call, 'committee'),
    h('section', { 'aria-labelledby': 'cm-title' },
      h('h2', { id: 'cm-title' }, t('committee.title')),
      h('p', { class: 'hint' }, t('committee.hint', { k: call.reviewers_per_application })),
      membersTable, editor),
    h('section', { 'aria-labelledby': 'cf-title' },
      h('h2', { id: 'cf-title' }, t('conflicts.title')),
      h('p', { class: 'hint' }, t('conflicts.hint')),
      conflictsTable, cForm));
}

// ---------------------------------------------------------------------
// Assignments, progress, overdue, close

// The call's API answer has no scoring_closed_at; the reviews of any of
// its applications do (see the report: proposed as a field of Call).
async function scoringClosedAt(call, items) {
  if (call.status !== 'reviewing' || !items.length) return null;
  try {
    const r = await api('GET', `/api/applications/${items[0].application_id}/reviews`);
    return r.scoring_closed_at;
  } catch { return null; }
}

const toLocal = (s) => (s ? s.slice(0, 16) : '');
const fromLocal = (v) => (v ? `${v}:00+07:00` : null);

function loadsTable(app, loads) {
  const t = app.t;
  return table(t('auto.loads_caption'),
    [[t('committee.name')], [t('auto.load'), true], [t('auto.fixed'), true], [t('auto.state')]],
    loads.map((l) => h('tr', {}, h('th', { scope: 'row' }, l.full_name), h('td', { class: 'num' }, String(l.load)),
      h('td', { class: 'num' }, String(l.fixed)), h('td', {}, t(`auto.state.${l.state}`)))));
}

function autoResult(app, r) {
  const t = app.t;
  const locale = app.i18n.getLocale();
  return h('div', { class: 'card auto-result', tabindex: '-1' },
    h('h3', {}, t('auto.result')),
    h('p', { class: r.complete ? 'sum ok' : 'sum bad' }, t(r.complete ? 'auto.complete' : 'auto.incomplete', { n: r.short.length })),
    h('p', {}, t('auto.counts', { apps: r.applications, reviewers: r.reviewers, proposed: r.proposed, kept: r.kept, level: r.level, level1: r.level + 1 })),
    loadsTable(app, r.loads),
    r.short.length ? [h('h4', {}, t('auto.short')), h('ul', { class: 'short-list' }, r.short.map((s) => h('li', {},
      appLink(s), ' — ', h('strong', {}, t('auto.assigned_of', { n: s.assigned, k: s.needed })), ': ',
      s.message[locale] || s.message.vi)))] : null);
}

export async function staffAssignmentsView(main, app, [callId]) {
  const t = app.t;
  const fmt = app.i18n;
  const [call, list, committee, overdue, eligible, inReview] = await Promise.all([
    api('GET', `/api/calls/${callId}`), api('GET', `/api/calls/${callId}/assignments`),
    api('GET', `/api/calls/${callId}/reviewers`), api('GET', `/api/calls/${callId}/reviews/overdue`),
    callApps(callId, 'eligible'), callApps(callId, 'in_review'),
  ]);
  const closedAt = await scoringClosedAt(call, list.items);
  const frozen = !!closedAt || ['decided', 'archived'].includes(call.status);
  const reload = () => app.go(`#/staff/calls/${callId}/assignments`);
  const problems = problemBox();
  const s = list.summary;
  const k = list.reviewers_per_application;
  const apps = [...eligible, ...inReview].sort((a, b) => String(a.reference).localeCompare(String(b.reference)));

  // Settings: when reviews are due, the disagreement threshold, normalisation.
  const due = h('input', { type: 'datetime-local', name: 'review_due_at', value: toLocal(call.review_due_at_local) });
  const threshold = h('input', { type: 'text', inputmode: 'numeric', name: 'disagreement_threshold', value: String(call.disagreement_threshold) });
  const normalise = check(t('settings.normalise'), { name: 'normalise_reviewers', checked: call.normalise_reviewers });
  const saveSettings = h('button', { type: 'submit' }, t('settings.save'));
  const settings = h('form', { class: 'card', novalidate: true },
    h('h3', {}, t('settings.title')),
    errorBox(),
    h('fieldset', { class: 'plain-set', disabled: frozen },
      field(t('settings.due'), due, t('settings.due_hint')),
      field(t('settings.threshold'), threshold, t('settings.threshold_hint')),
      h('div', { class: 'field' }, normalise, h('p', { class: 'hint' }, t('settings.normalise_hint'))),
      h('div', { class: 'actions' }, saveSettings)));
  settings.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    saveSettings.disabled = true;
    const n = /^\d{1,3}$/.test(threshold.value.trim()) ? Number(threshold.value.trim()) : threshold.value;
    try {
      await api('PATCH', `/api/calls/${callId}`, {
        body: { review_due_at: fromLocal(due.value), disagreement_threshold: n, normalise_reviewers: normalise.querySelector('input').checked },
        etag: `"${call.version}"`,
      });
      app.toast(t('settings.saved'));
      reload();
    } catch (e) {
      showErrors(settings, e, app.i18n);
    } finally {
      saveSettings.disabled = false;
    }
  });

  // The call's moves: start scoring, close scoring.
  const steps = [];
  if (call.status === 'open') steps.push(h('p', { class: 'notice' }, t('steps.open')));
  if (call.status === 'closed') {
    const start = h('button', { type: 'button', class: 'primary' }, t('steps.start'));
    start.addEventListener('click', async () => {
      const ok = await confirmDialog(app, {
        title: t('steps.start_title'), body: [t('steps.start_body', { n: eligible.length }), t('steps.start_final')], confirm: t('steps.start'),
      });
      if (!ok) return;
      start.disabled = true;
      try {
        // The move depends on the status, not on the rest of the call:
        // the version read now, not the one the screen was built from.
        const fresh = await api('GET', `/api/calls/${callId}`);
        await api('POST', `/api/calls/${callId}/status`, { body: { status: 'reviewing' }, etag: fresh._etag });
        app.toast(t('steps.started'));
        reload();
      } catch (e) {
        showProblem(app, problems, e);
      } finally {
        start.disabled = false;
      }
    });
    steps.push(h('p', {}, t('steps.closed')), h('div', { class: 'actions' }, start));
  }
  const closeResult = h('div', {});
  if (call.status === 'reviewing' && !closedAt) {
    const close = h('button', { type: 'button', class: 'danger' }, t('steps.close'));
    close.addEventListener('click', async () => {
      const ok = await confirmDialog(app, {
        title: t('steps.close_title'),
        body: [t('steps.close_body', { k }), t('steps.close_final')],
        confirm: t('steps.close'), danger: true,
      });
      if (!ok) return;
      close.disabled = true;
      try {
        const r = await api('POST', `/api/calls/${callId}/scoring/close`);
        app.toast(t('steps.closed_done'));
        mount(closeResult, h('div', { class: 'card close-result', tabindex: '-1' },
          h('h3', {}, t('steps.close_result', { at: fmt.fmtDateTime(r.scoring_closed_at) })),
          h('p', {}, t('steps.reviewed_n', { n: r.reviewed.length })),
          r.reviewed.length ? h('ul', {}, r.reviewed.map((a) => h('li', {}, appLink(a, a.id), ` (${t('steps.reviews_n', { n: a.reviews })})`))) : null,
          h('p', {}, t('steps.incomplete_n', { n: r.incomplete.length, k: r.required })),
          r.incomplete.length ? h('ul', {}, r.incomplete.map((a) => h('li', {}, appLink(a, a.id), ` (${t('steps.reviews_n', { n: a.reviews })})`))) : null,
          h('p', {}, h('a', { class: 'button primary', href: `#/staff/calls/${callId}/ranking` }, t('steps.see_ranking')))));
        close.hidden = true;
        closeResult.firstChild.focus();
      } catch (e) {
        showProblem(app, problems, e);
        close.disabled = false;
      }
    });
    steps.push(h('p', {}, t('steps.reviewing')), h('div', { class: 'actions' }, close));
  }
  if (closedAt) {
    steps.push(h('p', { class: 'notice' }, t('steps.is_closed', { at: fmt.fmtDateTime(closedAt) })),
      h('p', {}, h('a', { class: 'button primary', href: `#/staff/calls/${callId}/ranking` }, t('steps.see_ranking'))));
  }

  // Automatic assignment, with a progress indicator, then its result.
  const autoBusy = h('div', { class: 'busy-line', hidden: true, role: 'status' },
    h('progress', { 'aria-label': t('auto.running') }), h('span', {}, t('auto.running')));
  const autoBox = h('div', {});
  const runAuto = h('button', { type: 'button', class: 'primary', disabled: frozen || !committee.items.length }, t('auto.run'));
  runAuto.addEventListener('click', async () => {
    runAuto.disabled = true;
    autoBusy.hidden = false;
    problems.hidden = true;
    try {
      const r = await api('POST', `/api/calls/${callId}/assignments/auto`);
      sessionStorage.setItem(`sen.auto.${callId}`, JSON.stringify(r));
      app.toast(t('auto.done', { n: r.proposed }));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
      runAuto.disabled = false;
    } finally {
      autoBusy.hidden = true;
    }
  });
  let lastAuto = null;
  try { lastAuto = JSON.parse(sessionStorage.getItem(`sen.auto.${callId}`) || 'null'); } catch { /* none */ }
  if (lastAuto) mount(autoBox, autoResult(app, lastAuto));

  // Release, once there is a due date ahead.
  const dueAhead = call.review_due_at && new Date(call.review_due_at) > new Date();
  const release = h('button', { type: 'button', class: 'primary', disabled: frozen || !s.unreleased || !dueAhead },
    t('release.button', { n: s.unreleased }));
  release.addEventListener('click', async () => {
    const ok = await confirmDialog(app, {
      title: t('release.title', { n: s.unreleased }),
      body: [t('release.body', { due: fmt.fmtDateTime(call.review_due_at) }), t('release.final')],
      confirm: t('release.confirm'), danger: false,
    });
    if (!ok) return;
    release.disabled = true;
    try {
      const r = await api('POST', `/api/calls/${callId}/assignments/release`);
      sessionStorage.removeItem(`sen.auto.${callId}`);
      app.toast(t('release.done', { n: r.released, m: r.messages }));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
      release.disabled = false;
    }
  });

  // Applications short of reviewers now (the last run says why).
  const count = new Map();
  for (const i of list.items) count.set(i.application_id, (count.get(i.application_id) || 0) + 1);
  const shortNow = apps.filter((a) => (count.get(a.id) || 0) < k);

  // Every assignment, with what can be done to it.
  const remove = async (i) => {
    const ok = await confirmDialog(app, {
      title: t('asg.remove_title'),
      body: [t('asg.remove_pair', { reviewer: i.reviewer.full_name, application: appLabel(i) }),
        t(i.released ? 'asg.remove_released' : 'asg.remove_unreleased')],
      confirm: t('asg.remove'), danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/api/assignments/${i.id}`);
      app.toast(t('asg.removed'));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
    }
  };
  const rows = list.items.map((i) => h('tr', { class: i.overdue ? 'is-overdue' : null },
    h('td', { class: 'app' }, appLink(i)),
    h('td', {}, i.reviewer.full_name, i.reviewer.disabled ? h('span', { class: 'muted' }, ` (${t('committee.disabled')})`) : null),
    h('td', {}, t(`asg.source.${i.source}`)),
    h('td', {}, i.released ? t('asg.released_at', { at: fmt.fmtDateTime(i.released_at) }) : h('span', { class: 'badge decl-pending' }, t('asg.unreleased'))),
    h('td', {}, !i.released ? '—' : i.declared ? t('asg.declared') : t('asg.not_declared')),
    h('td', {}, h('span', { class: `badge rs-${i.review_status}` }, t(`review.status.${i.review_status}`))),
    h('td', {}, i.due_at ? fmt.fmtDateTime(i.due_at) : '—', i.overdue ? [' ', h('span', { class: 'badge overdue-badge' }, t('queue.overdue'))] : null),
    h('td', {}, frozen || i.review_status === 'submitted' ? '' : h('button', {
      type: 'button', class: 'link danger', 'aria-label': t('asg.remove_n', { reviewer: i.reviewer.full_name, application: i.reference }),
      onclick: () => remove(i),
    }, t('asg.remove')))));

  // One assignment by hand.
  const active = committee.items.filter((m) => !m.disabled);
  const aApp = h('select', { name: 'application_id' }, h('option', { value: '' }, t('profile.choose')),
    apps.map((a) => h('option', { value: String(a.id) }, `${appLabel(a)} (${count.get(a.id) || 0}/${k})`)));
  const aRev = h('select', { name: 'reviewer_id' }, h('option', { value: '' }, t('profile.choose')),
    active.map((m) => h('option', { value: String(m.id) }, `${m.full_name} (${m.assignments})`)));
  const add = h('button', { type: 'submit' }, t('asg.add'));
  const addForm = h('form', { class: 'card', novalidate: true },
    h('h3', {}, t('asg.add_title')), errorBox(),
    h('p', { class: 'hint' }, t('asg.add_hint')),
    h('fieldset', { class: 'plain-set', disabled: frozen },
      field(t('conflicts.application'), aApp), field(t('conflicts.reviewer'), aRev),
      h('div', { class: 'actions' }, add)));
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const missing = {};
    for (const el of [aApp, aRev]) if (!el.value) missing[el.name] = 'is required';
    if (Object.keys(missing).length) { showErrors(addForm, { fields: missing }, app.i18n); return; }
    add.disabled = true;
    try {
      await api('POST', `/api/calls/${callId}/assignments`, { body: { application_id: Number(aApp.value), reviewer_id: Number(aRev.value) } });
      app.toast(t('asg.added'));
      reload();
    } catch (e) {
      showErrors(addForm, e, app.i18n);
    } finally {
      add.disabled = false;
    }
  });

  // Each reviewer's progress.
  const per = new Map(committee.items.map((m) => [m.id, { declared: 0, draft: 0, overdue: 0 }]));
  for (const i of list.items) {
    const p = per.get(i.reviewer.id);
    if (!p) continue;
    if (i.released && i.declared) p.declared++;
    if (i.review_status === 'draft') p.draft++;
    if (i.overdue) p.overdue++;
  }
  const progressTable = committee.items.length ? table(t('progress.caption'),
    [[t('committee.name')], [t('committee.assignments'), true], [t('committee.released'), true], [t('progress.declared'), true],
      [t('progress.drafts'), true], [t('committee.submitted'), true], [t('progress.overdue'), true]],
    committee.items.map((m) => {
      const p = per.get(m.id);
      return h('tr', { class: p.overdue ? 'is-overdue' : null }, h('th', { scope: 'row' }, m.full_name),
        h('td', { class: 'num' }, String(m.assignments)), h('td', { class: 'num' }, String(m.released)),
        h('td', { class: 'num' }, String(p.declared)), h('td', { class: 'num' }, String(p.draft)),
        h('td', { class: 'num' }, `${m.reviews_submitted}/${m.released}`),
        h('td', { class: 'num' }, String(p.overdue)));
    })) : h('p', { class: 'notice' }, t('committee.empty'));

  const overdueTable = overdue.items.length ? table(t('overdue.caption', { n: overdue.items.length }),
    [[t('conflicts.reviewer')], [t('conflicts.application')], [t('overdue.due')], [t('overdue.days'), true], [t('overdue.state')], [t('overdue.reminded')]],
    overdue.items.map((o) => h('tr', {},
      h('td', {}, o.reviewer.full_name, h('br'), h('a', { href: `mailto:${o.reviewer.email}` }, o.reviewer.email)),
      h('td', { class: 'app' }, appLink(o)),
      h('td', {}, fmt.fmtDateTime(o.due_at)),
      h('td', { class: 'num' }, String(o.days_overdue)),
      h('td', {}, o.declared ? t(`review.status.${o.review_status}`) : t('asg.not_declared')),
      h('td', {}, o.last_reminder_at ? fmt.fmtDateTime(o.last_reminder_at) : t('overdue.not_yet'))))) : h('p', {}, t('overdue.none'));

  mount(main, callHead(app, call, 'assignments'),
    problems,
    h('section', { 'aria-labelledby': 'st-title' },
      h('h2', { id: 'st-title' }, t('steps.title')),
      facts([
        [t('steps.k'), String(k)],
        [t('settings.due'), call.review_due_at ? fmt.fmtDateTime(call.review_due_at) : t('steps.no_due')],
        [t('steps.released_at'), list.assignments_released_at ? fmt.fmtDateTime(list.assignments_released_at) : '—'],
      ]),
      steps, closeResult, settings),
    h('section', { 'aria-labelledby': 'as-title' },
      h('h2', { id: 'as-title' }, t('asg.title')),
      h('ul', { class: 'stats' },
        [['applications', s.applications], ['applications_short', s.applications_short], ['assignments', s.assignments], ['released', s.released], ['unreleased', s.unreleased]]
          .map(([key, n]) => h('li', { class: key === 'applications_short' && n > 0 ? 'bad' : '' }, h('strong', {}, String(n)), ' ', t(`asg.count.${key}`)))),
      h('p', { class: 'hint' }, t('auto.hint', { k })),
      h('div', { class: 'actions' }, runAuto, release),
      !committee.items.length ? h('p', { class: 'notice' }, h('a', { href: `#/staff/calls/${callId}/committee` }, t('auto.no_committee'))) : null,
      !dueAhead && !frozen ? h('p', { class: 'notice' }, t('release.need_due')) : null,
      autoBusy, autoBox,
      shortNow.length ? h('div', { class: 'card' }, h('h3', {}, t('asg.short_now', { n: shortNow.length })),
        h('ul', { class: 'short-list' }, shortNow.map((a) => h('li', {}, appLink(a, a.id), ` — ${t('auto.assigned_of', { n: count.get(a.id) || 0, k })}`)))) : null,
      list.items.length ? table(t('asg.caption', { n: list.items.length }),
        [[t('conflicts.application')], [t('conflicts.reviewer')], [t('asg.source')], [t('asg.release')], [t('asg.declaration')],
          [t('asg.review')], [t('asg.due')], [t('asg.action')]], rows, 'tall') : h('p', {}, t('asg.none')),
      addForm),
    h('section', { 'aria-labelledby': 'pg-title' },
      h('h2', { id: 'pg-title' }, t('progress.title')), progressTable),
    h('section', { 'aria-labelledby': 'od-title' },
      h('h2', { id: 'od-title' }, t('overdue.title')),
      h('p', { class: 'hint' }, t('overdue.hint')), overdueTable));
}

// ---------------------------------------------------------------------
// Ranking

export async function staffRankingView(main, app, [callId]) {
  const t = app.t;
  const locale = app.i18n.getLocale();
  const [call, ref] = await Promise.all([api('GET', `/api/calls/${callId}`), reference()]);
  const r = await api('GET', `/api/calls/${callId}/ranking`);
  const sm = r.summary;
  const pts = (x) => fmtTenths(locale, tenthsOf(x));
  const cats = (i) => (i.verified_categories.length ? i.verified_categories.map((c) => loc(app, c.label)).join(', ') : '—');
  const head = [[t('rank.rank'), true], [t('conflicts.application')], [t('rank.merit'), true],
    ...(sm.normalised ? [[t('rank.merit_raw'), true]] : []),
    [t('rank.reviews'), true], [t('rank.spread'), true], [t('rank.disagreement')], [t('rank.bonus'), true],
    [t('rank.categories')], [t('rank.final'), true], [t('rank.tie_break')]];
  const row = (i) => [
    h('tr', { class: i.disagreement ? 'disagree' : null },
      h('td', { class: 'num rank' }, i.rank ? String(i.rank) : '—'),
      h('td', { class: 'app' }, h('a', { href: `#/staff/applications/${i.application_id}` }, h('span', { class: 'ref' }, i.reference), ' ', i.business_name),
        i.applicant ? [h('br'), h('span', { class: 'muted' }, i.applicant.full_name)] : null),
      h('td', { class: 'num' }, pts(i.merit)),
      sm.normalised ? h('td', { class: 'num' }, pts(i.merit_raw)) : null,
      h('td', { class: 'num' }, `${i.reviews}/${i.required}`),
      h('td', { class: 'num' }, i.spread == null ? '—' : fmtTenths(locale, tenthsOf(i.spread), false),
        i.low == null ? null : h('span', { class: 'muted range' }, ` (${pts(i.low)}–${pts(i.high)})`)),
      h('td', {}, i.disagreement ? h('span', { class: 'badge flag' }, t('rank.disagree')) : t('no')),
      h('td', { class: 'num' }, i.bonus ? `+${i.bonus}` : '0'),
      h('td', {}, cats(i)),
      h('td', { class: 'num final' }, i.final == null ? '—' : h('strong', {}, pts(i.final))),
      h('td', {}, i.tie_break ? i.tie_break.texts[locale] || i.tie_break.text : '—')),
    h('tr', { class: 'explain' }, h('td', { colspan: String(head.length) }, h('div', {},
      h('span', { class: 'muted' }, t('rank.explanation')), ' ', h('span', { class: 'sentence', lang: locale }, i.explanations[locale] || i.explanation)))),
  ];
  const ranked = r.items.filter((i) => i.complete);
  const incomplete = r.items.filter((i) => !i.complete);
  const policy = r.call.priority_policy;
  const bonuses = ref.priority_categories.filter((c) => (policy.bonus[c.code] || 0) > 0)
    .map((c) => t('rank.bonus_item', { label: loc(app, c.label), n: policy.bonus[c.code] })).join(', ');

  mount(main, callHead(app, call, 'ranking'),
    h('section', { 'aria-labelledby': 'rk-how' },
      h('h2', { id: 'rk-how' }, t('rank.how')),
      h('p', {}, t('rank.formula')),
      facts([
        [t('rank.applications'), t('rank.applications_v', { n: sm.applications, ranked: sm.ranked, incomplete: sm.incomplete })],
        [t('rank.reviews_counted'), t('rank.reviews_v', { n: sm.reviews, reviewers: sm.reviewers, ignored: sm.reviews_ignored })],
        [t('rank.required'), String(r.call.reviewers_per_application)],
        [t('rank.threshold'), t('rank.threshold_v', { n: r.call.disagreement_threshold })],
        [t('rank.normalised'), sm.normalised ? t('rank.normalised_yes', { n: sm.normalised_reviewers }) : t('no')],
        [t('rank.mean'), sm.mean == null ? '—' : t('rank.mean_v', { mean: pts(sm.mean), sd: pts(sm.sd) })],
        [t('rank.policy'), bonuses ? t(policy.combine === 'max' ? 'rank.policy_max' : 'rank.policy_sum', { list: bonuses, cap: policy.cap }) : t('policy.none')],
        [t('rank.tie_rule'), r.tie_break[locale] || r.tie_break.vi],
        [t('rank.scoring'), r.call.scoring_closed_at ? t('rank.scoring_closed', { at: app.i18n.fmtDateTime(r.call.scoring_closed_at) }) : t('rank.scoring_open')],
      ])),
    h('section', { 'aria-labelledby': 'rk-ranked' },
      h('h2', { id: 'rk-ranked' }, t('rank.ranked', { n: ranked.length })),
      ranked.length ? table(t('rank.caption'), head, ranked.flatMap(row), 'ranking') : h('p', {}, t('rank.none'))),
    h('section', { 'aria-labelledby': 'rk-incomplete' },
      h('h2', { id: 'rk-incomplete' }, t('rank.incomplete', { n: incomplete.length })),
      h('p', { class: 'hint' }, t('rank.incomplete_hint')),
      incomplete.length ? table(t('rank.incomplete_caption'), head, incomplete.flatMap(row), 'ranking') : h('p', {}, t('rank.no_incomplete'))));
}

