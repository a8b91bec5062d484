// The first screen: who Sen is for, the open calls, and the way in.
import { api } from '../api.js';
import { h, mount } from '../dom.js';
import { callCard } from './calls.js';

export async function homeView(main, app) {
  const t = app.t;
  const u = app.state.user;
  let calls = [];
  try {
    const r = await api('GET', '/api/calls');
    calls = (r && r.items) || (Array.isArray(r) ? r : []);
  } catch { /* shown as "no calls" */ }
  const open = calls.filter((c) => c.accepting_applications);
  mount(main,
    h('section', { class: 'hero' },
      h('h1', {}, u ? t('home.hello', { name: u.full_name }) : t('home.welcome')),
      h('p', {}, t('app.tagline')),
      u ? h('p', { class: 'role' }, t(`role.${u.role}`)) : h('p', {}, t('home.intro'))),
    u && u.role === 'reviewer' ? h('p', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/reviews' }, t('nav.reviews'))) : null,
    u && u.role === 'mentor' ? h('p', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/mentor' }, t('nav.mentor')),
      h('a', { class: 'button', href: '#/mentor/profile' }, t('nav.mentor_profile'))) : null,
    u && u.role === 'applicant' ? h('p', { class: 'actions' },
      h('a', { class: 'button', href: '#/applications' }, t('nav.my_applications')),
      h('a', { class: 'button', href: '#/profile' }, t('nav.profile'))) : null,
    h('section', { 'aria-labelledby': 'open-calls' },
      h('h2', { id: 'open-calls' }, t('home.open_calls')),
      open.length
        ? h('ul', { class: 'cards' }, open.map((c) => callCard(app, c)))
        : h('p', {}, t('home.no_calls'))),
    u ? null : h('p', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/register' }, t('nav.register')), ' ',
      h('a', { class: 'button', href: '#/login' }, t('nav.login'))));
}
