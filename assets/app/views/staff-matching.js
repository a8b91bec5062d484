// Staff: matching mentors for a call.  The settings (the weights of the
// five parts of the compatibility, as data, and the minimum), a run with
// its progress, the proposals with each score and its parts explained,
// replacing a mentor, a match by hand, removing a proposal, publishing
// after a confirmation, the women still without a mentor and why, the
// matches after publication, the mentors' load, and the hours.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  confirmDialog, errorBox, facts, fieldsFor, loc, reference, refLabel, showProblem, wardName,
} from '../widgets.js';
import { callHead } from './staff-review.js';
import { PARTS, fmtHours, mentoringReference, partsList, scoreLine } from './mentoring.js';

function table(caption, head, rows, cls = '') {
  return h('div', { class: `table-wrap scroll ${cls}`, tabindex: '0', role: 'region', 'aria-label': caption },
    h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, label)))),
      h('tbody', {}, rows)));
}

const menteeCell = (app, a) => [
  a.reference ? h('span', { class: 'ref' }, a.reference) : null, ' ', a.business_name || '',
  h('br'), h('span', { class: 'muted' }, a.applicant_name),
  a.priority ? [' ', h('span', { class: 'badge claim-st-verified' }, app.t('match.priority'))] : null,
];

export async function staffMatchingView(main, app, [callId]) {
  const t = app.t;
  const fmt = app.i18n;
  const [call, settings, matches, unmatched, mentors, hours, mref, ref] = await Promise.all([
    api('GET', `/api/calls/${callId}`), api('GET', `/api/calls/${callId}/matching-settings`),
    api('GET', `/api/calls/${callId}/matches`), api('GET', `/api/calls/${callId}/mentees/unmatched`),
    api('GET', '/api/mentors'), api('GET', `/api/mentoring/hours?call_id=${callId}`), mentoringReference(), reference(),
  ]);
  const reload = () => app.go(`#/staff/calls/${callId}/matching`);
  const problems = errorBox();

  // Settings: the weights as data, summed as they are typed.
  const weightInputs = PARTS.map((k) => h('input', {
    name: `weights.${k}`, type: 'text', inputmode: 'numeric', value: String(settings.weights[k]), maxlength: 3, autocomplete: 'off',
  }));
  const weightSum = h('p', { class: 'sum', 'aria-live': 'polite' });
  const showSum = () => {
    const n = weightInputs.reduce((s, i) => s + (/^\d+$/.test(i.value.trim()) ? Number(i.value) : 0), 0);
    weightSum.textContent = t('ms.weights_sum', { n });
    weightSum.className = n === 100 ? 'sum ok' : 'sum bad';
  };
  const minScore = h('input', { name: 'min_score', type: 'text', inputmode: 'numeric', value: String(settings.min_score), maxlength: 4 });
  const offerDays = h('input', { name: 'offer_days', type: 'text', inputmode: 'numeric', value: String(settings.offer_days), maxlength: 2 });
  const waitlisted = h('input', { type: 'checkbox', name: 'include_waitlisted', checked: settings.include_waitlisted });
  const saveSettings = h('button', { type: 'submit' }, t('ms.save'));
  const settingsForm = h('form', { class: 'card', novalidate: true },
    h('h2', { id: 'ms-title' }, t('ms.title')),
    errorBox(),
    h('p', { class: 'hint' }, t('ms.hint')),
    h('fieldset', { class: 'group', name: 'weights', id: 'ms-weights', tabindex: '-1', 'aria-describedby': 'ms-weights-err' },
      h('legend', {}, t('ms.weights')),
      h('div', { class: 'row3' }, PARTS.map((k, i) => field(t(`parts.${k}`), weightInputs[i]))),
      weightSum,
      h('p', { class: 'error', id: 'ms-weights-err', hidden: true })),
    h('div', { class: 'row2' },
      field(t('ms.min_score'), minScore, t('ms.min_score_hint')),
      field(t('ms.offer_days'), offerDays, t('ms.offer_days_hint'))),
    h('div', { class: 'field' }, h('label', { class: 'check' }, waitlisted, h('span', {}, t('ms.waitlisted')))),
    h('div', { class: 'actions' }, saveSettings));
  settingsForm.addEventListener('input', showSum);
  showSum();
  const num = (v) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : (v.trim() === '' ? null : v));
  settingsForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    saveSettings.disabled = true;
    try {
      await api('PUT', `/api/calls/${callId}/matching-settings`, {
        etag: settings._etag,
        body: {
          weights: Object.fromEntries(PARTS.map((k, i) => [k, num(weightInputs[i].value)])),
          min_score: num(minScore.value), include_waitlisted: waitlisted.checked, offer_days: num(offerDays.value),
        },
      });
      app.toast(t('ms.saved'));
      reload();
    } catch (e) {
      if (e.status === 412) e.fields = null;
      showErrors(settingsForm, fieldsFor(settingsForm, e), app.i18n);
    } finally {
      saveSettings.disabled = false;
    }
  });

  // A run, with its progress, then what it did.
  const runBusy = h('div', { class: 'busy-line', hidden: true, role: 'status' },
    h('progress', { 'aria-label': t('run.running') }), h('span', {}, t('run.running')));
  const runButton = h('button', { type: 'button', class: 'primary' }, t('run.button'));
  runButton.addEventListener('click', async () => {
    runButton.disabled = true;
    runBusy.hidden = false;
    problems.hidden = true;
    try {
      const r = await api('POST', `/api/calls/${callId}/matching`);
      sessionStorage.setItem(`sen.run.${callId}`, JSON.stringify(r.run));
      app.toast(t('run.done', { n: r.run.proposed }));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
      runButton.disabled = false;
    } finally {
      runBusy.hidden = true;
    }
  });
  let lastRun = null;
  try { lastRun = JSON.parse(sessionStorage.getItem(`sen.run.${callId}`) || 'null'); } catch { /* none */ }
  const runResult = lastRun ? h('div', { class: 'card run-result' },
    h('h3', {}, t('run.result', { at: fmt.fmtDateTime(lastRun.run_at) })),
    h('p', { class: lastRun.unmatched ? 'sum bad' : 'sum ok' }, t('run.summary', {
      proposed: lastRun.proposed, priority: lastRun.proposed_priority, unmatched: lastRun.unmatched, kept: lastRun.kept,
    })),
    h('p', {}, t('run.counts', { mentees: lastRun.mentees, mentors: lastRun.mentors, places: lastRun.places, pairs: lastRun.pairs, total: lastRun.total_score }))) : null;

  // Mentors who can take one more now.
  const available = mentors.items.filter((m) => m.profile && !m.profile.paused && !m.disabled);
  const mentorOptions = (current) => [h('option', { value: '' }, t('profile.choose')),
    available.filter((m) => m.id !== current).map((m) => h('option', { value: String(m.id), disabled: m.load.free < 1 },
      t('match.mentor_option', { name: m.full_name, free: m.load.free, capacity: m.load.capacity ?? 0 })))];

  // The proposals.
  const proposed = matches.items.filter((m) => m.status === 'proposed');
  const replace = async (m, select) => {
    if (!select.value) { select.focus(); return; }
    try {
      await api('PUT', `/api/matches/${m.id}`, { body: { mentor_id: Number(select.value) }, etag: `"${m.version}"` });
      app.toast(t('match.replaced'));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
    }
  };
  const remove = async (m) => {
    const ok = await confirmDialog(app, {
      title: t('match.remove_title'),
      body: [t('match.pair', { mentee: m.application.business_name || m.application.applicant_name, mentor: m.mentor.full_name }), t('match.remove_body')],
      confirm: t('match.remove'), danger: true,
    });
    if (!ok) return;
    try {
      await api('DELETE', `/api/matches/${m.id}`, { etag: `"${m.version}"` });
      app.toast(t('match.removed'));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
    }
  };
  const proposalRow = (m) => {
    const select = h('select', { 'aria-label': t('match.replace_for', { name: m.application.applicant_name }) }, mentorOptions(m.mentor.id));
    return h('tr', { class: m.below_minimum ? 'below-min' : null },
      h('td', { class: 'app' }, menteeCell(app, m.application)),
      h('td', {}, m.mentor.full_name, h('br'), h('span', { class: 'muted' }, t(`match.origin.${m.origin}`))),
      h('td', { class: 'score' }, scoreLine(app, m.score, m.below_minimum ? [' ', h('span', { class: 'badge flag' }, t('match.below_min'))] : null)),
      h('td', { class: 'parts-cell' }, partsList(app, mref, m.parts)),
      h('td', { class: 'row-actions' },
        h('div', { class: 'replace' }, select,
          h('button', { type: 'button', onclick: () => replace(m, select) }, t('match.replace'))),
        h('button', {
          type: 'button', class: 'link danger', onclick: () => remove(m),
          'aria-label': t('match.remove_n', { name: m.application.applicant_name }),
        }, t('match.remove'))));
  };

  // Publish, after a confirmation.
  const publish = h('button', { type: 'button', class: 'primary', disabled: !proposed.length }, t('pub.button', { n: proposed.length }));
  publish.addEventListener('click', async () => {
    const mentorsN = new Set(proposed.map((m) => m.mentor.id)).size;
    const ok = await confirmDialog(app, {
      title: t('pub.title', { n: proposed.length }),
      body: [t('pub.body', { mentors: mentorsN, days: settings.offer_days }), t('pub.final')],
      confirm: t('pub.confirm'),
    });
    if (!ok) return;
    publish.disabled = true;
    try {
      const r = await api('POST', `/api/calls/${callId}/matches/publish`);
      sessionStorage.removeItem(`sen.run.${callId}`);
      app.toast(t('pub.done', { n: r.published, m: r.mentors_notified, held: r.held }));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
      publish.disabled = false;
    }
  });

  // A match by hand: a woman still without a mentor, and a mentor.
  const addApp = h('select', { name: 'application_id' }, h('option', { value: '' }, t('profile.choose')),
    unmatched.items.map((u) => h('option', { value: String(u.application_id) },
      `${u.reference || ''} — ${u.business_name || ''} (${u.applicant_name})`)));
  const addMentor = h('select', { name: 'mentor_id' }, mentorOptions(null));
  const addButton = h('button', { type: 'submit' }, t('match.add'));
  const addForm = h('form', { class: 'card', novalidate: true },
    h('h3', {}, t('match.add_title')),
    errorBox(),
    h('p', { class: 'hint' }, t('match.add_hint')),
    h('div', { class: 'row2' }, field(t('match.mentee'), addApp), field(t('match.mentor'), addMentor)),
    h('div', { class: 'actions' }, addButton));
  addForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const missing = {};
    if (!addApp.value) missing.application_id = 'is required';
    if (!addMentor.value) missing.mentor_id = 'is required';
    if (Object.keys(missing).length) { showErrors(addForm, { fields: missing }, app.i18n); return; }
    addButton.disabled = true;
    try {
      const r = await api('POST', `/api/calls/${callId}/matches`, { body: { application_id: Number(addApp.value), mentor_id: Number(addMentor.value) } });
      app.toast(t(r.below_minimum ? 'match.added_below' : 'match.added', { n: r.score }));
      reload();
    } catch (e) {
      showErrors(addForm, e, app.i18n);
    } finally {
      addButton.disabled = false;
    }
  });

  // After publication: offers, accepted, declined, expired, ended.
  const later = matches.items.filter((m) => m.status !== 'proposed');
  const withdraw = async (m) => {
    const r = await confirmDialog(app, {
      title: t(m.status === 'published' ? 'match.withdraw_title' : 'match.end_title'),
      body: [t('match.pair', { mentee: m.application.business_name || m.application.applicant_name, mentor: m.mentor.full_name }), t('match.end_body')],
      confirm: t(m.status === 'published' ? 'match.withdraw' : 'match.end'), danger: true,
      reason: { label: t('match.end_reason'), required: true },
    });
    if (!r) return;
    try {
      await api('POST', `/api/matches/${m.id}/end`, { body: { reason: r.reason }, etag: `"${m.version}"` });
      app.toast(t('match.ended'));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
    }
  };
  const laterRow = (m) => h('tr', {},
    h('td', { class: 'app' }, menteeCell(app, m.application)),
    h('td', {}, m.mentor.full_name),
    h('td', {}, h('span', { class: `badge ms-${m.status}` }, t(`match.status.${m.status}`))),
    h('td', { class: 'num' }, String(m.score)),
    h('td', {}, m.status === 'published' ? t('match.answer_by', { at: fmt.fmtDateTime(m.expires_at) })
      : m.responded_at ? fmt.fmtDateTime(m.responded_at) : m.ended_at ? fmt.fmtDateTime(m.ended_at) : '—'),
    h('td', { class: 'prose' }, m.decline_reason || m.end_reason || ''),
    h('td', {}, ['published', 'accepted'].includes(m.status) ? h('button', { type: 'button', class: 'link danger', onclick: () => withdraw(m) },
      t(m.status === 'published' ? 'match.withdraw' : 'match.end')) : '',
    ['accepted', 'ended'].includes(m.status) ? [' ', h('a', { href: `#/matches/${m.id}` }, t('sessions.title'))] : null));

  // The women still without a mentor, and why.
  const reasonText = (u) => {
    if (!u.last_run) return t('unmatched.not_run');
    const r = u.last_run;
    return [loc(app, r.reason_label),
      t('unmatched.detail', { options: r.options, best: r.best_score == null ? '—' : r.best_score, min: r.min_score })].join(' — ');
  };
  const unmatchedList = unmatched.items.length ? h('ul', { class: 'cards one unmatched' }, unmatched.items.map((u) => h('li', { class: 'card' },
    h('p', {}, h('strong', {}, menteeCell(app, u))),
    h('p', {}, u.rank ? t('unmatched.rank', { n: u.rank }) : null),
    h('p', { class: 'reason' }, reasonText(u)),
    u.last_match ? h('p', { class: 'muted' }, t('unmatched.last_match', {
      mentor: u.last_match.mentor_name, status: t(`match.status.${u.last_match.status}`),
    }), u.last_match.reason ? `: ${u.last_match.reason}` : '') : null)))
    : h('p', {}, t('unmatched.none'));

  // Mentors and their load, with a pause for one who takes no one new.
  const pause = async (m) => {
    const r = await confirmDialog(app, {
      title: t('mentors.pause_title', { name: m.full_name }), body: [t('mentors.pause_body')], confirm: t('mentors.pause'),
      reason: { label: t('mentors.pause_reason'), required: false },
    });
    if (!r) return;
    try {
      await api('POST', `/api/mentors/${m.id}/pause`, { body: { reason: r.reason } });
      reload();
    } catch (e) { showProblem(app, problems, e); }
  };
  const resume = async (m) => {
    try {
      await api('POST', `/api/mentors/${m.id}/resume`);
      reload();
    } catch (e) { showProblem(app, problems, e); }
  };
  const mentorRows = mentors.items.map((m) => h('tr', {},
    h('th', { scope: 'row' }, m.full_name, h('br'), h('span', { class: 'muted' }, m.email)),
    h('td', {}, !m.profile ? t('mentors.no_profile') : [
      m.profile.sectors.map((s) => refLabel(app, ref.sectors, s)).join(', '),
      h('br'), h('span', { class: 'muted' }, m.profile.remote ? t('mentors.remote') : '', m.profile.wards.map((w) => wardName(ref, w)).join(', '))]),
    h('td', { class: 'num' }, m.load.capacity == null ? '—' : String(m.load.capacity)),
    h('td', { class: 'num' }, String(m.load.proposed)),
    h('td', { class: 'num' }, String(m.load.published)),
    h('td', { class: 'num' }, String(m.load.accepted)),
    h('td', { class: 'num' }, String(m.load.free)),
    h('td', {}, m.disabled ? t('committee.disabled') : !m.profile ? '—'
      : m.profile.paused ? [t('mentors.paused'), ' ', h('button', { type: 'button', class: 'link', onclick: () => resume(m) }, t('mentors.resume'))]
        : h('button', { type: 'button', class: 'link', onclick: () => pause(m) }, t('mentors.pause')))));

  const hoursMentees = hours.mentees.map((x) => h('tr', {},
    h('td', { class: 'app' }, x.reference ? h('span', { class: 'ref' }, x.reference) : null, ' ', x.business_name || '', h('br'), h('span', { class: 'muted' }, x.applicant_name)),
    h('td', { class: 'num' }, String(x.sessions)), h('td', { class: 'num' }, fmtHours(app, x.minutes))));
  const hoursMentors = hours.mentors.map((x) => h('tr', {},
    h('th', { scope: 'row' }, x.full_name), h('td', { class: 'num' }, String(x.mentees)),
    h('td', { class: 'num' }, String(x.sessions)), h('td', { class: 'num' }, fmtHours(app, x.minutes))));

  const counts = matches.counts || {};
  mount(main, callHead(app, call, 'matching'),
    problems,
    h('ul', { class: 'stats' }, ['proposed', 'published', 'accepted', 'declined', 'expired', 'ended'].map((s) => h('li', {},
      h('strong', {}, String(counts[s] || 0)), ' ', t(`match.status.${s}`))),
    h('li', { class: unmatched.items.length ? 'bad' : '' }, h('strong', {}, String(unmatched.items.length)), ' ', t('unmatched.count'))),
    settingsForm,
    h('section', { 'aria-labelledby': 'pr-title' },
      h('h2', { id: 'pr-title' }, t('pr.title', { n: proposed.length })),
      h('p', { class: 'hint' }, t('pr.hint', { min: settings.min_score })),
      h('div', { class: 'actions' }, runButton, publish),
      runBusy, runResult,
      proposed.length ? table(t('pr.caption', { n: proposed.length }),
        [[t('match.mentee')], [t('match.mentor')], [t('match.score_col')], [t('match.parts')], [t('asg.action')]],
        proposed.map(proposalRow), 'matching') : h('p', {}, t('pr.none')),
      addForm),
    h('section', { 'aria-labelledby': 'um-title' },
      h('h2', { id: 'um-title' }, t('unmatched.title', { n: unmatched.items.length })),
      h('p', { class: 'hint' }, t('unmatched.hint')),
      unmatchedList),
    h('section', { 'aria-labelledby': 'lt-title' },
      h('h2', { id: 'lt-title' }, t('later.title', { n: later.length })),
      later.length ? table(t('later.caption'),
        [[t('match.mentee')], [t('match.mentor')], [t('later.status')], [t('match.score_col'), true], [t('later.when')], [t('later.reason')], [t('asg.action')]],
        later.map(laterRow)) : h('p', {}, t('later.none'))),
    h('section', { 'aria-labelledby': 'hr-title' },
      h('h2', { id: 'hr-title' }, t('hours.title')),
      facts([[t('hours.total'), t('hours.total_v', { sessions: hours.sessions, hours: fmtHours(app, hours.minutes) })]]),
      hours.mentees.length ? table(t('hours.mentees'), [[t('match.mentee')], [t('hours.sessions'), true], [t('hours.hours'), true]], hoursMentees) : null,
      hours.mentors.length ? table(t('hours.mentors'), [[t('match.mentor')], [t('hours.mentees_n'), true], [t('hours.sessions'), true], [t('hours.hours'), true]], hoursMentors) : null,
      !hours.mentees.length ? h('p', {}, t('hours.none')) : null),
    h('section', { 'aria-labelledby': 'mt-title' },
      h('h2', { id: 'mt-title' }, t('mentors.title', { n: mentors.items.length })),
      mentors.items.length ? table(t('mentors.caption'),
        [[t('match.mentor')], [t('mentors.profile')], [t('mentors.capacity'), true], [t('match.status.proposed'), true],
          [t('match.status.published'), true], [t('match.status.accepted'), true], [t('mentors.free'), true], [t('mentors.state')]],
        mentorRows, 'tall') : h('p', {}, t('mentors.none'))));
}
