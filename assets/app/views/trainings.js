// Trainings.  Everyone sees the sessions; a woman registers or cancels
// (a full session puts her on the waiting list, and the page says so)
// and sees the sessions she attended.  Staff publish and edit sessions,
// cancel one for good, and record attendance.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  confirmDialog, errorBox, fieldsFor, fromLocalInput, loc, paragraphs, showProblem, textOrNull, toLocalInput,
} from '../widgets.js';
import { supportAreas } from './business.js';

const when = (app, s) => app.t('tr.when', {
  from: app.i18n.fmtDateTime(s.starts_at),
  to: new Intl.DateTimeFormat(app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-GB', { timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' })
    .format(new Date(s.ends_at)),
});

function seatsLine(app, s) {
  const t = app.t;
  if (s.status === 'cancelled') return h('p', { class: 'sum bad' }, t('tr.cancelled'));
  return h('p', { class: s.seats_left > 0 ? 'sum' : 'sum bad' },
    s.seats_left > 0 ? t('tr.seats_left', { n: s.seats_left, seats: s.seats }) : t('tr.full', { n: s.waitlisted }));
}

function mineLine(app, s) {
  const t = app.t;
  const m = s.mine;
  if (!m || m.status === 'cancelled') return null;
  if (m.status === 'registered') return h('p', {}, h('span', { class: 'badge counted' }, t('tr.mine.registered')));
  return h('p', {}, h('span', { class: 'badge decl-pending' }, t('tr.mine.waitlisted', { n: m.waitlist_position })));
}

// One session as a card; an applicant registers or cancels from it, and
// the card says what happened.
function sessionCard(app, s, past, changed = () => {}) {
  const t = app.t;
  const u = app.state.user;
  const li = h('li', { class: 'card training' });
  function draw(x, said) {
    const status = h('p', { class: 'tr-said', role: 'status', 'aria-live': 'polite' }, said || '');
    const problem = errorBox();
    const actions = [];
    const started = new Date(x.starts_at) <= new Date();
    if (u && u.role === 'applicant' && !past && !started && x.status === 'scheduled') {
      const on = x.mine && x.mine.status !== 'cancelled';
      if (!on) {
        const b = h('button', { type: 'button', class: 'primary', 'aria-label': `${t(x.seats_left > 0 ? 'tr.register' : 'tr.join_waitlist')}: ${loc(app, x.title)}` },
          t(x.seats_left > 0 ? 'tr.register' : 'tr.join_waitlist'));
        b.addEventListener('click', async () => {
          b.disabled = true;
          try {
            const r = await api('POST', `/api/trainings/${x.id}/register`);
            draw(r, r.mine.status === 'registered' ? t('tr.registered_msg') : t('tr.waitlisted_msg', { n: r.mine.waitlist_position }));
            changed();
          } catch (e) {
            b.disabled = false;
            showProblem(app, problem, e);
          }
        });
        actions.push(b);
      } else {
        const b = h('button', { type: 'button', class: 'danger', 'aria-label': `${t(x.mine.status === 'registered' ? 'tr.cancel' : 'tr.leave_waitlist')}: ${loc(app, x.title)}` },
          t(x.mine.status === 'registered' ? 'tr.cancel' : 'tr.leave_waitlist'));
        b.addEventListener('click', async () => {
          const ok = await confirmDialog(app, {
            title: t('tr.cancel_title', { title: loc(app, x.title) }),
            body: [t(x.mine.status === 'registered' ? 'tr.cancel_body' : 'tr.leave_body')],
            confirm: t(x.mine.status === 'registered' ? 'tr.cancel' : 'tr.leave_waitlist'), danger: true,
          });
          if (!ok) return;
          try {
            const r = await api('DELETE', `/api/trainings/${x.id}/register`);
            draw(r, t('tr.cancelled_msg'));
            changed();
          } catch (e) {
            showProblem(app, problem, e);
          }
        });
        actions.push(b);
      }
    }
    if (!u && !past) actions.push(h('a', { class: 'button', href: '#/login' }, t('tr.login_to_register')));
    if (u && (u.role === 'staff' || u.role === 'admin')) actions.push(h('a', { class: 'button', href: `#/staff/trainings/${x.id}` }, t('tr.manage')));
    mount(li,
      h('h3', { class: 'h3' }, loc(app, x.title)),
      h('p', { class: 'muted' }, loc(app, x.topic_label)),
      h('p', {}, h('strong', {}, when(app, x))),
      x.place ? h('p', {}, t('tr.place', { place: x.place })) : null,
      x.online_url ? h('p', {}, h('a', { href: x.online_url, target: '_blank', rel: 'noopener' }, t('tr.online'))) : null,
      loc(app, x.description) ? h('details', {}, h('summary', {}, t('tr.about')), paragraphs(loc(app, x.description))) : null,
      past ? null : seatsLine(app, x),
      !past && started && x.status === 'scheduled' ? h('p', { class: 'muted' }, t('tr.running_now')) : null,
      mineLine(app, x),
      status,
      problem,
      actions.length ? h('div', { class: 'actions' }, actions) : null);
  }
  draw(s);
  return li;
}

export async function trainingsView(main, app) {
  const t = app.t;
  const u = app.state.user;
  const applicant = u && u.role === 'applicant';
  const [upcoming, past] = await Promise.all([
    api('GET', '/api/trainings?when=upcoming'), api('GET', '/api/trainings?when=past&limit=20'),
  ]);
  const attendedText = (m) => (m.attended === true ? t('tr.attended') : m.attended === false ? t('tr.absent') : t('tr.not_recorded'));
  // Her registrations and attendance, shown again after each change.
  const historyBox = h('div', {});
  async function history() {
    const mine = await api('GET', '/api/me/trainings');
    mount(historyBox,
      h('p', { class: 'sum' }, t('tr.attended_n', { n: mine.attended })),
      mine.items.length ? h('ul', { class: 'plain history' }, mine.items.map((s) => h('li', { class: 'card' },
        h('p', {}, h('strong', {}, loc(app, s.title))),
        h('p', { class: 'muted' }, when(app, s)),
        h('p', {}, s.status === 'cancelled' ? t('tr.cancelled') : s.mine.status === 'cancelled' ? t('tr.mine.cancelled')
          : s.mine.status === 'waitlisted' ? t('tr.mine.waitlisted', { n: s.mine.waitlist_position })
            : new Date(s.starts_at) > new Date() ? t('tr.mine.registered') : attendedText(s.mine)))))
        : h('p', {}, t('tr.no_history')));
  }
  const changed = () => { history().catch(() => { /* the next visit shows it */ }); };
  if (applicant) await history();
  mount(main,
    h('h1', {}, t('tr.title')),
    h('p', {}, t('tr.intro')),
    h('section', { 'aria-labelledby': 'tr-up' },
      h('h2', { id: 'tr-up' }, t('tr.upcoming')),
      upcoming.items.length ? h('ul', { class: 'cards one' }, upcoming.items.map((s) => sessionCard(app, s, false, changed))) : h('p', {}, t('tr.none'))),
    applicant ? h('section', { 'aria-labelledby': 'tr-mine' },
      h('h2', { id: 'tr-mine' }, t('tr.history')), historyBox) : null,
    h('section', { 'aria-labelledby': 'tr-past' },
      h('h2', { id: 'tr-past' }, t('tr.past')),
      past.items.length ? h('ul', { class: 'cards one' }, past.items.map((s) => sessionCard(app, s, true))) : h('p', {}, t('tr.none_past'))));
}

// ---------------------------------------------------------------------
// Staff.

export async function staffTrainingsView(main, app) {
  const t = app.t;
  main.classList.add('wide');
  const r = await api('GET', '/api/trainings?when=all&limit=200');
  const now = new Date();
  mount(main,
    h('h1', {}, t('tr.staff_title')),
    h('p', { class: 'actions' }, h('a', { class: 'button primary', href: '#/staff/trainings/new' }, t('tr.new'))),
    r.items.length ? h('div', { class: 'table-wrap scroll', tabindex: '0', role: 'region', 'aria-label': t('tr.caption') },
      h('table', {}, h('caption', {}, t('tr.caption')),
        h('thead', {}, h('tr', {}, [[t('tr.f.title')], [t('tr.f.starts_at')], [t('tr.f.seats'), true], [t('tr.registered'), true], [t('tr.waitlisted'), true], [t('tr.state')]]
          .map(([l, n]) => h('th', { scope: 'col', class: n ? 'num' : null }, l)))),
        h('tbody', {}, r.items.map((s) => h('tr', {},
          h('td', {}, h('a', { href: `#/staff/trainings/${s.id}` }, loc(app, s.title)), h('br'), h('span', { class: 'muted' }, loc(app, s.topic_label))),
          h('td', {}, when(app, s)),
          h('td', { class: 'num' }, String(s.seats)),
          h('td', { class: 'num' }, String(s.registered)),
          h('td', { class: 'num' }, String(s.waitlisted)),
          h('td', {}, s.status === 'cancelled' ? t('tr.cancelled') : new Date(s.ends_at) < now ? t('tr.over')
            : new Date(s.starts_at) <= now ? t('tr.running') : t('tr.scheduled')))))))
      : h('p', {}, t('tr.none')));
}

export async function staffTrainingEditView(main, app, [id]) {
  const t = app.t;
  main.classList.add('wide');
  const [areas, s] = await Promise.all([supportAreas(), id ? api('GET', `/api/trainings/${id}`) : null]);
  const problems = errorBox();
  const reload = () => app.go(`#/staff/trainings/${id}`);
  const started = s && new Date(s.starts_at) <= new Date();
  const cancelled = s && s.status === 'cancelled';

  const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
  const topic = h('select', { name: 'topic' }, h('option', { value: '' }, t('profile.choose')),
    areas.map((a) => h('option', { value: a.code, selected: s && s.topic === a.code }, loc(app, a.label))));
  const save = h('button', { type: 'submit', class: 'primary' }, t(s ? 'tr.save' : 'tr.publish'));
  const form = h('form', { class: 'card', novalidate: true },
    errorBox(),
    h('fieldset', { class: 'plain-set', disabled: cancelled },
      field(t('tr.f.topic'), topic),
      h('div', { class: 'row2' },
        field(t('tr.f.title_vi'), input('title.vi', s && s.title.vi, { maxlength: 200 })),
        field(t('tr.f.title_en'), input('title.en', s && s.title.en, { maxlength: 200 }))),
      h('div', { class: 'row2' },
        field(t('tr.f.description_vi'), h('textarea', { name: 'description.vi', rows: 3, maxlength: 5000 }, s ? s.description.vi : '')),
        field(t('tr.f.description_en'), h('textarea', { name: 'description.en', rows: 3, maxlength: 5000 }, s ? s.description.en : ''))),
      h('div', { class: 'row2' },
        field(t('tr.f.starts_at'), input('starts_at', s && toLocalInput(s.starts_at), { type: 'datetime-local' }), t('calls.timezone')),
        field(t('tr.f.ends_at'), input('ends_at', s && toLocalInput(s.ends_at), { type: 'datetime-local' }))),
      field(t('tr.f.place'), input('place', s && s.place, { maxlength: 300 }), t('tr.f.place_hint')),
      field(t('tr.f.online_url'), input('online_url', s && s.online_url, { type: 'url', maxlength: 500 })),
      field(t('tr.f.seats'), input('seats', s ? s.seats : 20, { inputmode: 'numeric', maxlength: 4 }), s ? t('tr.f.seats_hint') : null),
      h('div', { class: 'actions' }, save)));

  const el = form.elements;
  const values = () => {
    const seats = el.seats.value.trim();
    return {
      topic: el.topic.value || null,
      title: { vi: el['title.vi'].value, en: el['title.en'].value },
      description: { vi: el['description.vi'].value, en: el['description.en'].value },
      starts_at: fromLocalInput(el.starts_at.value),
      ends_at: fromLocalInput(el.ends_at.value),
      place: textOrNull(el.place.value),
      online_url: textOrNull(el.online_url.value),
      seats: /^\d+$/.test(seats) ? Number(seats) : (seats || null),
    };
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = values();
    let body = v;
    if (s) {
      // Only what changed: a session that has started keeps its start.
      body = {};
      if (v.topic !== s.topic) body.topic = v.topic;
      if (v.title.vi !== s.title.vi || v.title.en !== s.title.en) body.title = v.title;
      if (v.description.vi !== s.description.vi || v.description.en !== s.description.en) body.description = v.description;
      if (el.starts_at.value !== toLocalInput(s.starts_at)) body.starts_at = v.starts_at;
      if (el.ends_at.value !== toLocalInput(s.ends_at)) body.ends_at = v.ends_at;
      if (v.place !== s.place) body.place = v.place;
      if (v.online_url !== s.online_url) body.online_url = v.online_url;
      if (v.seats !== s.seats) body.seats = v.seats;
      if (!Object.keys(body).length) { app.toast(t('tr.no_change')); return; }
    }
    save.disabled = true;
    try {
      const r = s ? await api('PATCH', `/api/trainings/${id}`, { body, etag: `"${s.version}"` })
        : await api('POST', '/api/trainings', { body });
      app.toast(t(s ? 'tr.saved' : 'tr.published'));
      app.go(`#/staff/trainings/${r.id}`);
    } catch (e) {
      if (e.status === 412) e.fields = null;
      showErrors(form, fieldsFor(form, e), app.i18n);
    } finally {
      save.disabled = false;
    }
  });

  let cancel = null;
  if (s && !cancelled) {
    cancel = h('button', { type: 'button', class: 'danger' }, t('tr.cancel_session'));
    cancel.addEventListener('click', async () => {
      const ok = await confirmDialog(app, {
        title: t('tr.cancel_session_title', { title: loc(app, s.title) }),
        body: [t('tr.cancel_session_body', { n: s.registered + s.waitlisted })], confirm: t('tr.cancel_session'), danger: true,
      });
      if (!ok) return;
      try {
        await api('PATCH', `/api/trainings/${id}`, { body: { status: 'cancelled' }, etag: `"${s.version}"` });
        app.toast(t('tr.session_cancelled'));
        reload();
      } catch (e) {
        showProblem(app, problems, e);
      }
    });
  }

  // Who registered; attendance once it has started.
  const mark = async (reg, attended) => {
    try {
      await api('POST', `/api/trainings/${id}/attendance`, { body: { user_id: reg.user_id, attended } });
      app.toast(t('tr.attendance_saved', { name: reg.full_name }));
      reload();
    } catch (e) {
      showProblem(app, problems, e);
    }
  };
  const regs = s ? s.registrations || [] : [];
  const regRows = regs.map((r) => h('tr', {},
    h('th', { scope: 'row' }, r.full_name),
    h('td', {}, t(`tr.reg.${r.status}`), r.promoted_at ? h('span', { class: 'muted' }, ` (${t('tr.promoted', { at: app.i18n.fmtDateTime(r.promoted_at) })})`) : null),
    h('td', {}, app.i18n.fmtDateTime(r.registered_at)),
    h('td', {}, r.status !== 'registered' ? '—' : !started || cancelled
      ? (r.attended == null ? '—' : t(r.attended ? 'tr.attended' : 'tr.absent'))
      : h('div', { class: 'actions attendance' },
        h('button', { type: 'button', 'aria-pressed': r.attended === true ? 'true' : 'false', onclick: () => mark(r, true), 'aria-label': t('tr.present_n', { name: r.full_name }) }, t('tr.present')),
        h('button', { type: 'button', 'aria-pressed': r.attended === false ? 'true' : 'false', onclick: () => mark(r, false), 'aria-label': t('tr.absent_n', { name: r.full_name }) }, t('tr.absent_button'))))));

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/staff/trainings' }, t('tr.staff_title'))),
    h('h1', {}, s ? loc(app, s.title) : t('tr.new')),
    s ? h('p', {}, cancelled ? h('span', { class: 'badge flag' }, t('tr.cancelled')) : null, ' ', when(app, s)) : null,
    problems,
    s ? h('ul', { class: 'stats' },
      h('li', {}, h('strong', {}, `${s.registered}/${s.seats}`), ' ', t('tr.registered')),
      h('li', {}, h('strong', {}, String(s.waitlisted)), ' ', t('tr.waitlisted')),
      h('li', {}, h('strong', {}, String(s.attended ?? 0)), ' ', t('tr.attended'))) : null,
    form,
    cancel ? h('div', { class: 'actions' }, cancel) : null,
    s ? h('section', { 'aria-labelledby': 'tr-regs' },
      h('h2', { id: 'tr-regs' }, t('tr.registrations', { n: regs.length })),
      started ? null : h('p', { class: 'hint' }, t('tr.attendance_later')),
      regs.length ? h('div', { class: 'table-wrap scroll', tabindex: '0', role: 'region', 'aria-label': t('tr.registrations', { n: regs.length }) },
        h('table', {}, h('caption', {}, t('tr.registrations', { n: regs.length })),
          h('thead', {}, h('tr', {}, [t('register.full_name'), t('tr.reg_status'), t('tr.reg_at'), t('tr.attendance')].map((l) => h('th', { scope: 'col' }, l)))),
          h('tbody', {}, regRows))) : h('p', {}, t('tr.no_regs'))) : null);
}
