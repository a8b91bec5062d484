// Sen's front end: a hash router over plain ES modules, no build step.
import { api } from './api.js';
import { h, mount } from './dom.js';
import * as i18n from './i18n.js';
import { views } from './views/index.js';

const state = { user: null };
const main = document.getElementById('main');
const bar = document.getElementById('bar');

export const app = {
  state,
  t: i18n.t,
  i18n,
  go(hash) { if (location.hash === hash) render(); else location.hash = hash; },
  async refreshUser() {
    try { state.user = await api('GET', '/api/me'); } catch { state.user = null; }
    renderBar();
  },
  toast(msg) {
    const el = document.getElementById('toast');
    el.textContent = msg;
    el.classList.add('show');
    clearTimeout(app.toastTimer);
    app.toastTimer = setTimeout(() => el.classList.remove('show'), 4000);
  },
  rerender() { renderBar(); render(); },
};

function navLinks() {
  const t = i18n.t;
  const u = state.user;
  if (!u) return [['#/', t('nav.home')], ['#/self-check', t('nav.selfcheck')], ['#/login', t('nav.login')], ['#/register', t('nav.register')]];
  const links = [['#/', t('nav.home')]];
  if (u.role === 'applicant') {
    links.push(['#/applications', t('nav.my_applications')], ['#/business', t('nav.business')], ['#/mentoring', t('nav.mentoring')],
      ['#/trainings', t('nav.trainings')], ['#/profile', t('nav.profile')],
      ['#/messages', t('nav.messages')], ['#/self-check', t('nav.selfcheck')]);
  }
  if (u.role === 'reviewer') links.push(['#/reviews', t('nav.reviews')]);
  if (u.role === 'mentor') links.push(['#/mentor', t('nav.mentor')], ['#/mentor/profile', t('nav.mentor_profile')], ['#/messages', t('nav.messages')]);
  if (u.role === 'staff' || u.role === 'admin') {
    links.push(['#/staff/calls', t('nav.calls')], ['#/staff/applications', t('nav.applications')],
      ['#/staff/followups', t('nav.followups')], ['#/staff/trainings', t('nav.trainings')], ['#/staff/users', t('nav.users')],
      ['#/staff/reports', t('nav.reports')]);
  }
  return links;
}

function renderBar() {
  const t = i18n.t;
  const other = i18n.getLocale() === 'vi' ? 'en' : 'vi';
  document.querySelector('.skip').textContent = t('skip');
  mount(bar,
    h('a', { class: 'brand', href: '#/' }, h('img', { src: '/app/sen.svg', alt: '', width: 28, height: 28 }), t('app.name')),
    h('nav', { 'aria-label': 'Sen' }, h('ul', {}, navLinks().map(([href, label]) => h('li', {}, h('a', { href }, label))))),
    h('div', { class: 'bar-end' },
      state.user ? h('button', { type: 'button', class: 'link', onclick: logout }, t('nav.logout')) : null,
      h('button', {
        type: 'button', class: 'lang', lang: other, 'aria-label': t('lang.switch.label'),
        onclick: () => { i18n.setLocale(other); app.rerender(); },
      }, t('lang.switch'))));
}

async function logout() {
  try { await api('POST', '/api/auth/logout'); } catch { /* the session may be gone already */ }
  state.user = null;
  app.go('#/');
  renderBar();
}

// The navigation link of the screen shown.
function markCurrent() {
  const path = (location.hash || '#/').split('?')[0];
  const links = [...bar.querySelectorAll('nav a')];
  const under = (href) => href === path || (href !== '#/' && path.startsWith(`${href}/`));
  // The longest link that leads here (#/mentor/profile, not #/mentor).
  const best = links.filter((a) => under(a.getAttribute('href')))
    .sort((x, y) => y.getAttribute('href').length - x.getAttribute('href').length)[0];
  for (const a of links) {
    if (a === best) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

function route() {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path, query] = hash.split('?');
  const params = new URLSearchParams(query || '');
  for (const [pattern, view] of views) {
    const m = pattern.exec(path);
    if (m) return { view, args: m.slice(1), params };
  }
  return null;
}

// One render at a time: a render asked for while another is loading runs
// after it, so that a slow, older render never replaces a newer screen
// (e.g. a reload after saving, then another after the next action).
let rendering = null;
let renderAgain = false;
async function render() {
  if (rendering) { renderAgain = true; return rendering; }
  main.setAttribute('aria-busy', 'true');
  rendering = (async () => {
    do { renderAgain = false; await renderOnce(); } while (renderAgain);
  })();
  try { await rendering; } finally { rendering = null; main.removeAttribute('aria-busy'); }
}

async function renderOnce() {
  const r = route();
  // A view that needs room (wide tables) asks for it again each time.
  main.classList.remove('wide');
  if (!r) {
    mount(main, h('h1', {}, i18n.t('not_found')));
  } else {
    try {
      await r.view(main, app, r.args, r.params);
    } catch (e) {
      // Logged out (or the session ended): log in, then come back here.
      if (e.status === 401) state.after = location.hash;
      mount(main, h('h1', {}, i18n.errorMessage(e)),
        e.status === 401 ? h('p', {}, h('a', { class: 'button primary', href: '#/login' }, i18n.t('nav.login'))) : null);
    }
  }
  markCurrent();
  main.focus({ preventScroll: true });
}

window.addEventListener('hashchange', render);
await app.refreshUser();
render();
