// Staff and admins: the accounts.  A list with a role filter and a
// search that ignores case and diacritics (the API's), new accounts with
// their one-time set-password link to copy (shown once, never stored),
// a new link for an account, and, for admins, disabling and enabling an
// account after a confirmation.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { confirmDialog, copyBox, debounce, errorBox, fmtPgTime, showProblem, textOrNull } from '../widgets.js';

const ROLES = ['applicant', 'reviewer', 'mentor', 'staff', 'admin'];
// Accounts staff may make and send links for; admins may do all.
const STAFF_MAY = ['applicant', 'reviewer', 'mentor'];

export async function staffUsersView(main, app, args, params) {
  const t = app.t;
  const me = app.state.user;
  const isAdmin = me && me.role === 'admin';
  const may = (role) => isAdmin || STAFF_MAY.includes(role);
  document.getElementById('main').classList.add('wide');

  // The one-time link, shown until she leaves the screen.
  const linkBox = h('div', { class: 'one-time', tabindex: '-1', hidden: true });
  function showLink(kind, r) {
    mount(linkBox,
      h('h2', {}, t(kind === 'created' ? 'users.link.created' : 'users.link.renewed', { name: r.user.full_name })),
      h('p', { class: 'warning' }, h('strong', {}, t('users.link.once'))),
      h('p', {}, t('users.link.how', { email: r.user.email })),
      copyBox(app, t('users.link.label'), new URL(r.set_password_url, location.href).href),
      h('p', { class: 'muted' }, t('users.link.expires', { at: fmtPgTime(app, r.expires_at) })));
    linkBox.hidden = false;
    linkBox.scrollIntoView({ block: 'start' });
    linkBox.focus();
  }

  // A new account.
  const roleSelect = h('select', { name: 'role' },
    h('option', { value: '' }, t('profile.choose')),
    ROLES.filter(may).map((r) => h('option', { value: r }, t(`role.${r}`))));
  const createButton = h('button', { type: 'submit', class: 'primary' }, t('users.create'));
  const createForm = h('form', { class: 'card', novalidate: true },
    h('h2', {}, t('users.new')),
    errorBox(),
    h('p', { class: 'hint' }, t(isAdmin ? 'users.new_hint_admin' : 'users.new_hint_staff')),
    h('div', { class: 'row2' },
      field(t('register.full_name'), h('input', { name: 'full_name', maxlength: 200, autocomplete: 'off' })),
      field(t('login.email'), h('input', { name: 'email', type: 'email', maxlength: 254, autocomplete: 'off' }))),
    h('div', { class: 'row2' },
      field(t('users.role'), roleSelect),
      field(t('profile.locale'), h('select', { name: 'locale' },
        h('option', { value: 'vi' }, t('lang.vi')), h('option', { value: 'en' }, t('lang.en'))))),
    field(t('register.phone'), h('input', { name: 'phone', type: 'tel', inputmode: 'tel', maxlength: 20 }), t('users.phone_hint')),
    h('div', { class: 'actions' }, createButton));
  createForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const el = createForm.elements;
    if (!el.role.value) { showErrors(createForm, { fields: { role: 'is required' } }, app.i18n); return; }
    createButton.disabled = true;
    try {
      const r = await api('POST', '/api/users', {
        body: {
          full_name: el.full_name.value, email: el.email.value.trim(), role: el.role.value,
          locale: el.locale.value, phone: textOrNull(el.phone.value),
        },
      });
      showErrors(createForm, null, app.i18n);
      createForm.reset();
      showLink('created', r);
      load(true);
    } catch (e) {
      if (e.status === 409) e.fields = { email: 'is already taken' };
      showErrors(createForm, e, app.i18n);
    } finally {
      createButton.disabled = false;
    }
  });

  // The list.
  const q = h('input', { type: 'search', name: 'q', value: params.get('q') || '', maxlength: 100, autocomplete: 'off' });
  const role = h('select', { name: 'role' }, h('option', { value: '' }, t('filter.any')),
    ROLES.map((r) => h('option', { value: r, selected: params.get('role') === r }, t(`role.${r}`))));
  const filters = h('form', { class: 'filters', role: 'search', novalidate: true },
    errorBox(),
    h('div', { class: 'row2' }, field(t('users.search'), q, t('users.search_hint')), field(t('users.role'), role)));
  const problems = errorBox();
  const body = h('tbody', {});
  const count = h('p', { class: 'muted', role: 'status' });
  const more = h('button', { type: 'button', hidden: true }, t('list.more'));
  const tableBox = h('div', { class: 'table-wrap scroll tall', tabindex: '0', role: 'region', 'aria-label': t('users.caption') },
    h('table', {},
      h('caption', {}, t('users.caption')),
      h('thead', {}, h('tr', {}, [t('register.full_name'), t('login.email'), t('users.role'), t('users.state'), t('users.created'), t('users.actions')]
        .map((l) => h('th', { scope: 'col' }, l)))),
      body));
  let after = null;
  let shown = 0;
  let seq = 0;

  async function newLink(u) {
    try {
      const r = await api('POST', `/api/users/${u.id}/password-token`);
      showLink('renewed', r);
    } catch (e) {
      showProblem(app, problems, e);
    }
  }
  async function setDisabled(u, disable) {
    const ok = await confirmDialog(app, {
      title: t(disable ? 'users.disable_title' : 'users.enable_title', { name: u.full_name }),
      body: [t(disable ? 'users.disable_body' : 'users.enable_body', { email: u.email })],
      confirm: t(disable ? 'users.disable' : 'users.enable'), danger: disable,
    });
    if (!ok) return;
    try {
      await api('POST', `/api/users/${u.id}/${disable ? 'disable' : 'enable'}`);
      app.toast(t(disable ? 'users.disabled_done' : 'users.enabled_done', { name: u.full_name }));
      load(true);
    } catch (e) {
      showProblem(app, problems, e, e.status === 409 ? [h('p', {}, t('users.not_self'))] : null);
    }
  }

  function row(u) {
    const actions = [];
    if (may(u.role) && !u.disabled) {
      actions.push(h('button', { type: 'button', class: 'link', 'aria-label': t('users.new_link_n', { name: u.full_name }), onclick: () => newLink(u) },
        t('users.new_link')));
    }
    if (isAdmin && u.id !== me.id) {
      actions.push(h('button', {
        type: 'button', class: u.disabled ? 'link' : 'link danger',
        'aria-label': t(u.disabled ? 'users.enable_n' : 'users.disable_n', { name: u.full_name }),
        onclick: () => setDisabled(u, !u.disabled),
      }, t(u.disabled ? 'users.enable' : 'users.disable')));
    }
    return h('tr', { class: u.disabled ? 'is-disabled' : null },
      h('th', { scope: 'row' }, u.full_name, u.phone ? [h('br'), h('span', { class: 'muted' }, u.phone.replace(/^\+84/, '0'))] : null),
      h('td', {}, u.email),
      h('td', {}, t(`role.${u.role}`)),
      h('td', {},
        u.disabled ? h('span', { class: 'badge flag' }, t('users.is_disabled')) : h('span', { class: 'badge counted' }, t('users.is_active')),
        u.has_password ? null : h('span', { class: 'badge decl-pending' }, t('users.no_password'))),
      h('td', {}, app.i18n.fmtDateTime(u.created_at)),
      h('td', { class: 'row-actions' }, actions.length ? actions : '—'));
  }

  async function load(reset) {
    const mine = ++seq;
    const p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    if (role.value) p.set('role', role.value);
    if (reset) {
      after = null;
      shown = 0;
      history.replaceState(null, '', `#/staff/users${p.toString() ? `?${p}` : ''}`);
    }
    const qp = new URLSearchParams(p);
    qp.set('limit', '50');
    if (after) qp.set('after', String(after));
    more.disabled = true;
    tableBox.setAttribute('aria-busy', 'true');
    try {
      const r = await api('GET', `/api/users?${qp}`);
      if (mine !== seq) return;
      showErrors(filters, null, app.i18n);
      if (reset) body.replaceChildren();
      for (const u of r.items) body.append(row(u));
      shown += r.items.length;
      after = r.next_after;
      more.hidden = !after;
      count.textContent = shown ? t(after ? 'users.shown_more' : 'users.shown', { n: shown }) : t('users.none');
      tableBox.hidden = shown === 0;
    } catch (e) {
      if (mine === seq) showErrors(filters, e, app.i18n);
    } finally {
      if (mine === seq) { more.disabled = false; tableBox.removeAttribute('aria-busy'); }
    }
  }
  const later = debounce(() => load(true), 350);
  q.addEventListener('input', later);
  role.addEventListener('change', () => { later.cancel(); load(true); });
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); later.cancel(); load(true); });
  more.addEventListener('click', () => load(false));

  mount(main,
    h('h1', {}, t('users.title')),
    linkBox,
    createForm,
    h('section', { 'aria-labelledby': 'users-list' },
      h('h2', { id: 'users-list' }, t('users.list')),
      filters, problems, count, tableBox, more));
  await load(true);
}
