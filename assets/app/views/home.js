// The first screen: who Sen is for, the open calls, and the way in.
import { api } from '../api.js';
import { h, mount } from '../dom.js';

export async function homeView(main, app) {
  const t = app.t;
  const u = app.state.user;
  let calls = [];
  try {
    const r = await api('GET', '/api/calls');
    calls = (r && r.items) || (Array.isArray(r) ? r : []);
  } catch { /* shown as "no calls" */ }
  const open = calls.filter((c) => c.accepting_applications);
  const title = (c) => (app.i18n.getLocale() === 'en' ? c.title.en : c.title.vi);
  mount(main,
    h('section', { class: 'hero' },
      h('h1', {}, u ? t('home.hello', { name: u.full_name }) : t('home.welcome')),
      h('p', {}, t('app.tagline')),
      u ? h('p', { class: 'role' }, t(`role.${u.role}`)) : h('p', {}, t('home.intro'))),
    h('section', { 'aria-labelledby': 'open-calls' },
      h('h2', { id: 'open-calls' }, t('home.open_calls')),
      open.length
        ? h('ul', { class: 'cards' }, open.map((c) => h('li', { class: 'card' },
          h('h3', {}, title(c)),
          h('p', {}, `${app.i18n.fmtMoney(c.max_award_vnd)} · ${app.i18n.fmtDateTime(c.closes_at)}`))))
        : h('p', {}, t('home.no_calls'))),
    u ? null : h('p', { class: 'actions' },
      h('a', { class: 'button primary', href: '#/register' }, t('nav.register')), ' ',
      h('a', { class: 'button', href: '#/login' }, t('nav.login'))));
}
