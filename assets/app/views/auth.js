// Log in, register, set a password.
import { api } from '../api.js';
import { field, formData, h, mount, showErrors } from '../dom.js';

function errorBox() {
  return h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
}

// Submit a form through the API with progress and errors in place.
export async function submitForm(form, app, fn) {
  const button = form.querySelector('button[type=submit]');
  const label = button.textContent;
  button.disabled = true;
  button.textContent = app.t('busy');
  try {
    return await fn(formData(form));
  } catch (e) {
    showErrors(form, e, app.i18n);
    return undefined;
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

export async function loginView(main, app) {
  const t = app.t;
  const form = h('form', { novalidate: true, class: 'card narrow' },
    h('h1', {}, t('login.title')),
    errorBox(),
    field(t('login.email'), h('input', { name: 'email', type: 'email', autocomplete: 'username', required: true })),
    field(t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
    h('p', {}, t('login.no_account'), ' ', h('a', { href: '#/register' }, t('nav.register'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await submitForm(form, app, (d) => api('POST', '/api/auth/login', { body: d }));
    if (r) {
      app.state.user = r.user;
      app.i18n.setLocale(r.user.locale);
      const after = app.state.after;
      app.state.after = null;
      app.rerender();
      app.go(after || '#/');
    }
  });
  mount(main, form);
}

export async function registerView(main, app) {
  const t = app.t;
  const form = h('form', { novalidate: true, class: 'card narrow' },
    h('h1', {}, t('register.title')),
    errorBox(),
    field(t('register.full_name'), h('input', { name: 'full_name', autocomplete: 'name', required: true, maxlength: 200 })),
    field(t('login.email'), h('input', { name: 'email', type: 'email', autocomplete: 'email', required: true })),
    field(t('register.phone'), h('input', { name: 'phone', type: 'tel', autocomplete: 'tel', inputmode: 'tel' }), t('register.phone.hint')),
    field(t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 }), t('register.password.hint')),
    h('button', { type: 'submit', class: 'primary' }, t('register.submit')),
    h('p', {}, t('register.have_account'), ' ', h('a', { href: '#/login' }, t('nav.login'))));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await submitForm(form, app, (d) => api('POST', '/api/auth/register', {
      body: { ...d, phone: d.phone || null, locale: app.i18n.getLocale() },
    }));
    if (r) {
      app.state.user = r.user;
      app.rerender();
      app.go('#/');
    }
  });
  mount(main, form);
}

export async function setPasswordView(main, app, args, params) {
  const t = app.t;
  const form = h('form', { novalidate: true, class: 'card narrow' },
    h('h1', {}, t('setpw.title')),
    errorBox(),
    h('input', { type: 'hidden', name: 'token', value: params.get('token') || '' }),
    field(t('login.password'), h('input', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, minlength: 10 }), t('register.password.hint')),
    h('button', { type: 'submit', class: 'primary' }, t('setpw.submit')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await submitForm(form, app, (d) => api('POST', '/api/auth/set-password', { body: d }));
    if (r) {
      app.toast(t('setpw.done'));
      app.go('#/login');
    }
  });
  mount(main, form);
}
