// Mentoring, for the people in it: the mentor's profile, her offers
// (accept, or decline with a reason, before they expire) and mentees;
// the sessions of a match, logged by either side; the woman's mentor once
// accepted, and what she asks of mentoring on her funded application.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  check, confirmDialog, errorBox, facts, fieldsFor, fmtDay, group, loc, paragraphs, reference, refLabel, shareBar,
  showProblem, todayHanoi,
} from '../widgets.js';

// GET /api/mentoring/reference once per page load.
let mrefPromise = null;
export function mentoringReference() {
  if (!mrefPromise) mrefPromise = api('GET', '/api/mentoring/reference').catch((e) => { mrefPromise = null; throw e; });
  return mrefPromise;
}

const labels = (app, list, codes) => (codes || []).map((c) => refLabel(app, list, c)).join(', ');

// The parts of a compatibility score, each with its bar and what it means.
export const PARTS = ['sector', 'skills', 'place', 'language', 'availability'];
export function partText(app, mref, key, p) {
  const t = app.t;
  switch (key) {
  case 'sector': return t(p.fit ? 'parts.sector.fit' : 'parts.sector.no');
  case 'skills':
    if (!p.covered.length && !p.missing.length) return t('parts.skills.none_asked');
    return [p.covered.length ? t('parts.skills.covered', { list: labels(app, mref.skills, p.covered) }) : null,
      p.missing.length ? t('parts.skills.missing', { list: labels(app, mref.skills, p.missing) }) : null].filter(Boolean).join(' ');
  case 'place': return t(`parts.place.${p.fit}`);
  case 'language': return t(p.fit ? 'parts.language.fit' : 'parts.language.no');
  case 'availability':
    if (p.common.length) return t('parts.avail.common', { list: labels(app, mref.availability, p.common) });
    return t(p.points > 0 ? 'parts.avail.any' : 'parts.avail.none');
  default: return '';
  }
}
export function partsList(app, mref, parts) {
  const t = app.t;
  return h('ul', { class: 'parts' }, PARTS.map((k) => {
    const p = parts[k];
    return h('li', {},
      h('span', { class: 'part-name' }, t(`parts.${k}`)),
      shareBar(p.max ? p.points / p.max : 0),
      h('span', { class: 'part-points' }, t('parts.points', { n: p.points, max: p.max })),
      h('span', { class: 'part-why' }, partText(app, mref, k, p)));
  }));
}
export function scoreLine(app, score, extra) {
  return h('p', { class: 'score-line' },
    h('strong', {}, app.t('match.score', { n: score })), ' ', shareBar(score / 1000, 'total'), extra || null);
}

// ---------------------------------------------------------------------
// The mentor's profile.

export async function mentorProfileView(main, app) {
  const t = app.t;
  const [ref, mref] = await Promise.all([reference(), mentoringReference()]);
  let p = null;
  try {
    p = await api('GET', '/api/me/mentor-profile');
  } catch (e) {
    if (e.status !== 404) throw e;
  }
  let etag = p ? p._etag : null;
  const has = (k, code) => !!p && p[k].includes(code);
  const checks = (name, list, labelOf) => h('div', { class: `checks${name === 'wards' ? ' wards' : ''}` },
    list.map((x) => check(labelOf(x), { name: `${name}-item`, value: x.code, checked: has(name, x.code) })));

  const capacity = h('input', { name: 'capacity', type: 'number', inputmode: 'numeric', min: 1, max: 20, value: p ? p.capacity : 2 });
  const remote = h('input', { type: 'checkbox', name: 'remote', checked: p ? p.remote : false });
  const bio = h('textarea', { name: 'bio', maxlength: 2000, rows: 5 }, p ? p.bio : '');
  const save = h('button', { type: 'submit', class: 'primary' }, t('mp.save'));
  const reload = h('button', { type: 'button', hidden: true, onclick: () => app.go('#/mentor/profile') }, t('draft.reload'));
  const form = h('form', { class: 'card', novalidate: true },
    errorBox(),
    group(t('mp.sectors'), 'sectors', checks('sectors', ref.sectors, (x) => loc(app, x.label)), t('mp.sectors_hint')),
    group(t('mp.skills'), 'skills', checks('skills', mref.skills, (x) => loc(app, x.label)), t('mp.skills_hint')),
    group(t('mp.languages'), 'languages', checks('languages', mref.languages, (x) => loc(app, x.label))),
    group(t('mp.wards'), 'wards', [
      checks('wards', ref.wards, (x) => x.name_vi),
      h('div', { class: 'field' }, h('label', { class: 'check' }, remote, h('span', {}, t('mp.remote'))))], t('mp.wards_hint')),
    group(t('mp.availability'), 'availability', checks('availability', mref.availability, (x) => loc(app, x.label))),
    field(t('mp.capacity'), capacity, t('mp.capacity_hint')),
    field(t('mp.bio'), bio, t('mp.bio_hint')),
    h('div', { class: 'actions' }, save, reload));

  const picked = (name) => [...form.querySelectorAll(`input[name="${name}-item"]:checked`)].map((i) => i.value);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const n = capacity.value.trim() === '' ? null : Number(capacity.value);
    save.disabled = true;
    try {
      const r = await api('PUT', '/api/me/mentor-profile', {
        etag,
        body: {
          sectors: picked('sectors'), skills: picked('skills'), languages: picked('languages'),
          wards: picked('wards'), remote: remote.checked,
          capacity: Number.isInteger(n) ? n : capacity.value, availability: picked('availability'), bio: bio.value,
        },
      });
      etag = r._etag;
      p = r;
      showErrors(form, null, app.i18n);
      mount(stateBox, profileState(app, r));
      app.toast(t('mp.saved'));
    } catch (e) {
      if (e.status === 412) { reload.hidden = false; e.fields = null; }
      showErrors(form, fieldsFor(form, e), app.i18n);
    } finally {
      save.disabled = false;
    }
  });
  const stateBox = h('div', {}, p ? profileState(app, p) : h('p', { class: 'notice' }, t('mp.first')));
  mount(main,
    h('h1', {}, t('mp.title')),
    h('p', {}, t('mp.intro')),
    stateBox,
    form,
    h('p', {}, h('a', { href: '#/mentor' }, t('mentor.title'))));
}

function profileState(app, p) {
  const t = app.t;
  return h('div', { class: 'card profile-state' },
    h('p', { class: 'sum ok' }, t('mp.state', { active: p.active, capacity: p.capacity, free: p.free })),
    p.paused ? h('p', { class: 'notice' }, t('mp.paused', { at: app.i18n.fmtDateTime(p.paused_at) })) : null,
    h('p', { class: 'muted' }, t('mp.updated', { at: app.i18n.fmtDateTime(p.updated_at) })));
}

// ---------------------------------------------------------------------
// The mentor's offers and mentees.

function menteeFacts(app, ref, mref, m) {
  const t = app.t;
  const n = m.mentee;
  return facts([
    [t('match.business'), n.business_name],
    [t('app.f.sector'), n.sector ? refLabel(app, ref.sectors, n.sector) : null],
    [t('app.f.stage'), n.stage ? refLabel(app, ref.business_stages, n.stage) : null],
    [t('profile.ward'), n.ward_name],
    [t('offer.areas'), labels(app, mref.skills, n.needs.areas) || t('needs.areas_none')],
    [t('needs.language'), refLabel(app, mref.languages, n.needs.language)],
    [t('offer.availability'), labels(app, mref.availability, n.needs.availability) || t('needs.any_time')],
    n.needs.note ? [t('offer.note'), h('span', { class: 'prose' }, n.needs.note)] : null,
  ]);
}

export async function mentorMatchesView(main, app) {
  const t = app.t;
  const [ref, mref, mine] = await Promise.all([reference(), mentoringReference(), api('GET', '/api/matches/mine')]);
  let profile = true;
  try { await api('GET', '/api/me/mentor-profile'); } catch (e) { if (e.status === 404) profile = false; else throw e; }
  const problems = errorBox();
  const reload = () => app.go('#/mentor');

  const accept = async (m) => {
    const ok = await confirmDialog(app, {
      title: t('offer.accept_title', { name: m.mentee.business_name || '' }),
      body: [t('offer.accept_body')], confirm: t('offer.accept'),
    });
    if (!ok) return;
    try {
      await api('POST', `/api/matches/${m.id}/accept`, { etag: `"${m.version}"` });
      app.toast(t('offer.accepted', { name: m.mentee.business_name || '' }));
      reload();
    } catch (e) {
      showProblem(app, problems, e, e.status === 409 ? [h('p', {}, t('offer.too_late'))] : null);
    }
  };
  const decline = async (m) => {
    const r = await confirmDialog(app, {
      title: t('offer.decline_title', { name: m.mentee.business_name || '' }),
      body: [t('offer.decline_body')], confirm: t('offer.decline'), danger: true,
      reason: { label: t('offer.decline_reason'), required: true },
    });
    if (!r) return;
    try {
      await api('POST', `/api/matches/${m.id}/decline`, { body: { reason: r.reason }, etag: `"${m.version}"` });
      app.toast(t('offer.declined'));
      reload();
    } catch (e) {
      showProblem(app, problems, e, e.status === 409 ? [h('p', {}, t('offer.too_late'))] : null);
    }
  };

  const offers = mine.items.filter((m) => m.status === 'published');
  const current = mine.items.filter((m) => m.status === 'accepted');
  const past = mine.items.filter((m) => !['published', 'accepted'].includes(m.status));
  const fmt = app.i18n;

  mount(main,
    h('h1', {}, t('mentor.title')),
    profile ? null : h('p', { class: 'notice' }, t('mentor.no_profile'), ' ', h('a', { href: '#/mentor/profile' }, t('mp.title'))),
    problems,
    h('section', { 'aria-labelledby': 'offers' },
      h('h2', { id: 'offers' }, t('offer.title', { n: offers.length })),
      h('p', { class: 'hint' }, t('offer.hint')),
      offers.length ? h('ul', { class: 'cards one' }, offers.map((m) => h('li', { class: 'card offer' },
        h('h3', { class: 'h3' }, m.mentee.business_name || t('app.untitled')),
        h('p', { class: 'muted' }, loc(app, m.call_title)),
        h('p', { class: 'due overdue-soon' }, t('offer.expires', { at: fmt.fmtDateTime(m.expires_at) })),
        menteeFacts(app, ref, mref, m),
        scoreLine(app, m.score),
        h('details', {}, h('summary', {}, t('match.why')), partsList(app, mref, m.parts)),
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'primary', onclick: () => accept(m), 'aria-label': t('offer.accept_n', { name: m.mentee.business_name || '' }) }, t('offer.accept')),
          h('button', { type: 'button', class: 'danger', onclick: () => decline(m), 'aria-label': t('offer.decline_n', { name: m.mentee.business_name || '' }) }, t('offer.decline'))))))
        : h('p', {}, t('offer.none'))),
    h('section', { 'aria-labelledby': 'mentees' },
      h('h2', { id: 'mentees' }, t('mentor.mentees', { n: current.length })),
      current.length ? h('ul', { class: 'cards one' }, current.map((m) => h('li', { class: 'card' },
        h('h3', { class: 'h3' }, m.mentee.full_name || '', ' — ', m.mentee.business_name || ''),
        h('p', {}, h('a', { href: `mailto:${m.mentee.email}` }, m.mentee.email)),
        h('p', { class: 'muted' }, t('mentor.since', { at: fmt.fmtDateTime(m.responded_at) })),
        menteeFacts(app, ref, mref, m),
        h('div', { class: 'actions' },
          h('a', { class: 'button primary', href: `#/matches/${m.id}` }, t('sessions.open')),
          m.mentee.business_id ? h('a', { class: 'button', href: `#/business/${m.mentee.business_id}` }, t('mentor.checkins')) : null))))
        : h('p', {}, t('mentor.no_mentees'))),
    past.length ? h('section', { 'aria-labelledby': 'past' },
      h('h2', { id: 'past' }, t('mentor.past')),
      h('ul', { class: 'plain short-list' }, past.map((m) => h('li', {},
        h('strong', {}, m.mentee.business_name || ''), ' — ', h('span', { class: `badge ms-${m.status}` }, t(`match.status.${m.status}`)),
        m.decline_reason || m.end_reason ? h('span', { class: 'muted' }, ` ${m.decline_reason || m.end_reason}`) : null)))) : null,
    h('p', {}, h('a', { href: '#/mentor/profile' }, t('mp.title'))));
}

// ---------------------------------------------------------------------
// The sessions of a match: both sides log them, staff read them.

export async function matchSessionsView(main, app, [id]) {
  const t = app.t;
  const u = app.state.user;
  const [mref, list] = await Promise.all([mentoringReference(), api('GET', `/api/matches/${id}/sessions`)]);
  let match = null;
  if (u && (u.role === 'mentor' || u.role === 'applicant')) {
    const mine = await api('GET', '/api/matches/mine');
    match = mine.items.find((m) => m.id === Number(id)) || null;
  }
  const fmt = app.i18n;
  const who = !match ? null : u.role === 'mentor'
    ? t('sessions.with_mentee', { name: match.mentee.full_name || '', business: match.mentee.business_name || '' })
    : t('sessions.with_mentor', { name: match.mentor.full_name, email: match.mentor.email });
  const canLog = match && match.status === 'accepted';

  let form = null;
  if (canLog) {
    const since = u.role === 'mentor' ? match.responded_at : match.since;
    const held = h('input', {
      type: 'date', name: 'held_on', value: todayHanoi(), max: todayHanoi(),
      min: since ? new Date(new Date(since).getTime() + 7 * 3600e3).toISOString().slice(0, 10) : null,
    });
    const minutes = h('input', { type: 'text', inputmode: 'numeric', name: 'minutes', autocomplete: 'off', maxlength: 3 });
    const notes = h('textarea', { name: 'notes', maxlength: 4000, rows: 4 });
    const next = h('textarea', { name: 'next_steps', maxlength: 2000, rows: 3 });
    const log = h('button', { type: 'submit', class: 'primary' }, t('sessions.log'));
    form = h('form', { class: 'card', novalidate: true },
      h('h2', {}, t('sessions.new')),
      errorBox(),
      h('div', { class: 'row2' }, field(t('sessions.held_on'), held), field(t('sessions.minutes'), minutes, t('sessions.minutes_hint'))),
      group(t('sessions.topics'), 'topics', h('div', { class: 'checks' },
        mref.skills.map((s) => check(loc(app, s.label), { name: 'topics-item', value: s.code })))),
      field(t('sessions.notes'), notes),
      field(t('sessions.next_steps'), next),
      h('div', { class: 'actions' }, log));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const m = minutes.value.trim();
      log.disabled = true;
      try {
        await api('POST', `/api/matches/${id}/sessions`, {
          body: {
            held_on: held.value || null, minutes: /^\d+$/.test(m) ? Number(m) : (m || null),
            topics: [...form.querySelectorAll('input[name="topics-item"]:checked')].map((i) => i.value),
            notes: notes.value, next_steps: next.value,
          },
        });
        app.toast(t('sessions.logged'));
        app.go(`#/matches/${id}`);
      } catch (e) {
        // A second session on one day is refused by the database (409,
        // no fields); a match no longer accepted names its status.
        if (e.status === 409) e.fields = e.fields && e.fields.status ? null : { held_on: 'one session a day' };
        showErrors(form, fieldsFor(form, e), app.i18n);
      } finally {
        log.disabled = false;
      }
    });
  }

  const back = u && u.role === 'mentor' ? '#/mentor' : u && u.role === 'applicant' ? '#/mentoring' : null;
  mount(main,
    back ? h('p', { class: 'crumbs' }, h('a', { href: back }, t(u.role === 'mentor' ? 'mentor.title' : 'mentee.title'))) : null,
    h('h1', {}, t('sessions.title')),
    who ? h('p', {}, who) : null,
    h('p', { class: 'sum' }, t('sessions.total', { n: list.sessions, hours: fmtHours(app, list.minutes) })),
    form,
    match && !canLog ? h('p', { class: 'notice' }, t('sessions.closed')) : null,
    h('section', { 'aria-labelledby': 'sess-list' },
      h('h2', { id: 'sess-list' }, t('sessions.list')),
      list.items.length ? h('ol', { class: 'plain sessions' }, list.items.map((s) => h('li', { class: 'card' },
        h('h3', { class: 'h3' }, fmtDay(app, s.held_on), ' · ', t('sessions.minutes_n', { n: s.minutes })),
        h('p', { class: 'muted' }, t('sessions.by', { name: s.logged_by.full_name, side: t(`sessions.side.${s.logged_by.side}`) })),
        s.topics.length ? h('p', {}, h('strong', {}, t('sessions.topics')), ': ', labels(app, mref.skills, s.topics)) : null,
        s.notes ? [h('h4', {}, t('sessions.notes')), paragraphs(s.notes)] : null,
        s.next_steps ? [h('h4', {}, t('sessions.next_steps')), paragraphs(s.next_steps)] : null)))
        : h('p', {}, t('sessions.none'))));
}

export function fmtHours(app, minutes) {
  return new Intl.NumberFormat(app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-US', { maximumFractionDigits: 1 }).format(minutes / 60);
}

// ---------------------------------------------------------------------
// The woman's side: her mentor once accepted, and her needs.

const NEEDS_STATUSES = ['funded', 'in_followup', 'waitlisted'];

export async function menteeMentoringView(main, app) {
  const t = app.t;
  const [mine, apps] = await Promise.all([api('GET', '/api/matches/mine'), api('GET', '/api/applications?limit=100')]);
  const current = mine.items.filter((m) => m.status === 'accepted');
  const ended = mine.items.filter((m) => m.status !== 'accepted');
  const funded = apps.items.filter((a) => NEEDS_STATUSES.includes(a.status));
  mount(main,
    h('h1', {}, t('mentee.title')),
    current.length ? h('ul', { class: 'cards one' }, current.map((m) => h('li', { class: 'card' },
      h('h2', { class: 'h3' }, t('mentee.your_mentor', { name: m.mentor.full_name })),
      h('p', {}, h('a', { href: `mailto:${m.mentor.email}` }, m.mentor.email)),
      h('p', { class: 'muted' }, t('mentee.since', { business: m.business_name || '', at: app.i18n.fmtDateTime(m.since) })),
      h('p', {}, h('a', { class: 'button primary', href: `#/matches/${m.id}` }, t('sessions.open'))))))
      : h('p', { class: 'notice' }, t('mentee.none')),
    ended.length ? [h('h2', {}, t('mentee.ended')), h('ul', { class: 'short-list' }, ended.map((m) => h('li', {},
      m.mentor.full_name, ' — ', t('mentee.ended_at', { at: app.i18n.fmtDateTime(m.ended_at) }), m.end_reason ? `: ${m.end_reason}` : '')))] : null,
    h('section', { 'aria-labelledby': 'needs-h' },
      h('h2', { id: 'needs-h' }, t('needs.title')),
      funded.length ? h('ul', { class: 'short-list' }, funded.map((a) => h('li', {},
        h('a', { href: `#/applications/${a.id}/mentoring` }, t('needs.for', { name: a.business_name || a.reference || '' })))))
        : h('p', {}, t('needs.not_yet'))));
}

export async function needsView(main, app, [id]) {
  const t = app.t;
  const [a, n, mref] = await Promise.all([api('GET', `/api/applications/${id}`), api('GET', `/api/applications/${id}/mentoring-needs`), mentoringReference()]);
  let etag = n.saved ? n._etag : null;
  const language = h('select', { name: 'language' }, mref.languages.map((l) => h('option', { value: l.code, selected: l.code === n.language }, loc(app, l.label))));
  const note = h('textarea', { name: 'note', maxlength: 1000, rows: 4 }, n.note);
  const save = h('button', { type: 'submit', class: 'primary' }, t('needs.save'));
  const form = h('form', { class: 'card', novalidate: true },
    errorBox(),
    group(t('needs.areas'), 'areas', h('div', { class: 'checks' },
      mref.skills.map((s) => check(loc(app, s.label), { name: 'areas-item', value: s.code, checked: n.areas.includes(s.code) }))), t('needs.areas_hint')),
    field(t('needs.language'), language),
    group(t('needs.availability'), 'availability', h('div', { class: 'checks' },
      mref.availability.map((s) => check(loc(app, s.label), { name: 'availability-item', value: s.code, checked: n.availability.includes(s.code) }))), t('needs.availability_hint')),
    field(t('needs.note'), note, t('needs.note_hint')),
    h('div', { class: 'actions' }, save));
  const picked = (name) => [...form.querySelectorAll(`input[name="${name}-item"]:checked`)].map((i) => i.value);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    save.disabled = true;
    try {
      const r = await api('PUT', `/api/applications/${id}/mentoring-needs`, {
        etag, body: { areas: picked('areas'), language: language.value, availability: picked('availability'), note: note.value },
      });
      etag = r._etag;
      showErrors(form, null, app.i18n);
      app.toast(t('needs.saved'));
    } catch (e) {
      if (e.status === 412) e.fields = null;
      showErrors(form, fieldsFor(form, e), app.i18n);
    } finally {
      save.disabled = false;
    }
  });
  const u = app.state.user;
  const staff = u && (u.role === 'staff' || u.role === 'admin');
  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: staff ? `#/staff/applications/${id}` : `#/applications/${id}` }, a.business_name || t('app.untitled'))),
    h('h1', {}, t('needs.title')),
    staff ? h('p', { class: 'notice' }, t('needs.staff', { name: a.applicant ? a.applicant.full_name : '' })) : null,
    h('p', {}, t('needs.intro')),
    form);
}
