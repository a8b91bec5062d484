// Her profile: who she is, where she lives, the household and disability
// status she may claim priority for (shown only when relevant), and where
// her messages go.  The national ID comes back masked; left empty, the
// stored one is kept.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { check, errorBox, group, loc, reference, textOrNull } from '../widgets.js';

export async function profileView(main, app, args, params) {
  const t = app.t;
  const [p, ref] = await Promise.all([api('GET', '/api/me/profile'), reference()]);
  let etag = p._etag;

  const input = (name, attrs = {}) => h('input', { name, value: p[name] ?? '', ...attrs });
  const date = (name) => input(name, { type: 'date' });
  const select = (name, options, value) => h('select', { name },
    options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));

  const ward = select('ward_code', [['', t('profile.ward.choose')],
    ...ref.wards.map((w) => [w.code, w.name_vi]), ['outside', t('profile.ward.outside')]],
  p.outside_district ? 'outside' : (p.ward_code || ''));
  const household = select('household_status', ref.household_statuses.map((s) => [s.code, loc(app, s.label)]), p.household_status);
  const disability = h('input', { type: 'checkbox', name: 'disability', checked: p.disability });
  const channels = ['email', 'sms', 'zalo'].map((c) => check(t(`channel.${c}`), { value: c, checked: p.notify_channels.includes(c) }));

  const hhBox = h('div', { class: 'sub' },
    field(t('profile.household_cert_number'), input('household_cert_number', { maxlength: 60 })),
    field(t('profile.household_cert_issued_on'), date('household_cert_issued_on')),
    field(t('profile.household_cert_valid_until'), date('household_cert_valid_until'), t('profile.household_cert_valid_until.hint')));
  const disBox = h('div', { class: 'sub' },
    field(t('profile.disability_level'), select('disability_level', [['', t('profile.choose')],
      ...ref.disability_levels.map((l) => [l.code, loc(app, l.label)])], p.disability_level || '')),
    field(t('profile.disability_cert_number'), input('disability_cert_number', { maxlength: 60 })),
    field(t('profile.disability_cert_issued_on'), date('disability_cert_issued_on')),
    field(t('profile.disability_cert_valid_until'), date('disability_cert_valid_until'), t('profile.disability_cert_valid_until.hint')),
    field(t('profile.disability_details'), h('textarea', { name: 'disability_details', maxlength: 2000 }, p.disability_details || '')));
  const relevant = () => {
    hhBox.hidden = household.value === 'none';
    disBox.hidden = !disability.checked;
  };
  household.addEventListener('change', relevant);
  disability.addEventListener('change', relevant);
  relevant();

  const back = params.get('back');
  const form = h('form', { novalidate: true, class: 'card' },
    errorBox(),
    h('fieldset', {}, h('legend', {}, t('profile.about')),
      field(t('register.full_name'), input('full_name', { autocomplete: 'name', required: true, maxlength: 200 })),
      field(t('register.phone'), input('phone', { type: 'tel', autocomplete: 'tel', inputmode: 'tel', value: p.phone ? p.phone.replace(/^\+84/, '0') : '' }), t('profile.phone.hint')),
      field(t('profile.date_of_birth'), date('date_of_birth'), t('profile.date_of_birth.hint')),
      field(t('profile.national_id'), input('national_id', {
        value: '', inputmode: 'numeric', autocomplete: 'off', maxlength: 12, placeholder: p.national_id || '',
      }), p.national_id ? t('profile.national_id.keep', { masked: p.national_id }) : t('profile.national_id.hint'))),
    h('fieldset', {}, h('legend', {}, t('profile.home')),
      field(t('profile.ward'), ward),
      field(t('profile.address'), input('address', { autocomplete: 'street-address', maxlength: 300 }), t('profile.address.hint'))),
    h('fieldset', {}, h('legend', {}, t('profile.priority')),
      h('p', { class: 'hint' }, t('profile.priority.hint'), ' ', h('a', { href: '#/self-check' }, t('nav.selfcheck'))),
      field(t('profile.household_status'), household),
      hhBox,
      h('div', { class: 'field' }, h('label', { class: 'check' }, disability, h('span', {}, t('profile.disability')))),
      disBox),
    h('fieldset', {}, h('legend', {}, t('profile.contact')),
      group(t('profile.notify_channels'), 'notify_channels', h('div', { class: 'checks' }, channels), t('profile.notify_channels.hint')),
      field(t('profile.locale'), select('locale', [['vi', t('lang.vi')], ['en', t('lang.en')]], p.locale))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('profile.save')),
      back ? h('a', { class: 'button', href: back }, t('profile.back')) : null));

  const val = (name) => form.elements[name].value;
  const body = () => {
    const hh = household.value !== 'none';
    const dis = disability.checked;
    const b = {
      full_name: val('full_name'),
      phone: textOrNull(val('phone')),
      locale: val('locale'),
      date_of_birth: textOrNull(val('date_of_birth')),
      ward_code: ward.value && ward.value !== 'outside' ? ward.value : null,
      outside_district: ward.value === 'outside',
      address: textOrNull(val('address')),
      household_status: household.value,
      disability: dis,
      notify_channels: channels.map((l) => l.querySelector('input')).filter((c) => c.checked).map((c) => c.value),
    };
    for (const k of ['household_cert_number', 'household_cert_issued_on', 'household_cert_valid_until']) b[k] = hh ? textOrNull(val(k)) : null;
    for (const k of ['disability_level', 'disability_cert_number', 'disability_cert_issued_on', 'disability_cert_valid_until', 'disability_details']) b[k] = dis ? textOrNull(val(k)) : null;
    const id = val('national_id').replace(/[\s.]/g, '');
    if (id) b.national_id = id;
    return b;
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const saved = await api('PUT', '/api/me/profile', { body: body(), etag });
      etag = saved._etag;
      showErrors(form, null, app.i18n);
      form.elements.national_id.value = '';
      form.elements.national_id.placeholder = saved.national_id || '';
      app.toast(t('profile.saved'));
      await app.refreshUser();
      if (back) app.go(back);
    } catch (e) {
      // The ward and "outside the district" are one control here.
      if (e.fields && e.fields.outside_district && !e.fields.ward_code) {
        e.fields.ward_code = e.fields.outside_district;
        delete e.fields.outside_district;
      }
      if (e.status === 412) e.fields = null;
      showErrors(form, e, app.i18n);
    } finally {
      button.disabled = false;
    }
  });

  mount(main, h('h1', {}, t('profile.title')), h('p', {}, t('profile.intro')), form);

  // From a submission's error list: straight to the field to complete.
  const focus = params.get('focus');
  if (focus) {
    const el = form.elements[focus === 'outside_district' ? 'ward_code' : focus];
    if (el) {
      if (focus.startsWith('household_') && household.value === 'none') hhBox.hidden = false;
      if (focus.startsWith('disability_')) disBox.hidden = false;
      setTimeout(() => { el.focus(); el.scrollIntoView({ block: 'center' }); }, 0);
    }
  }
}
