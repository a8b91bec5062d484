// The priority self-check: income and deprivations in, the category she
// may claim and the certificate to bring out.  Nothing is stored.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { check, errorBox, group, loc, moneyInput, parseNumber, reference } from '../widgets.js';

export async function selfCheckView(main, app) {
  const t = app.t;
  const ref = await reference();
  const urban = ref.poverty_standards.find((s) => s.area === 'urban');
  const income = moneyInput({ name: 'income_per_person_vnd', required: true });
  const indicators = ref.deprivation_indicators.map((d) => check(`${loc(app, d.label)} (${loc(app, d.note)})`, { value: d.code }));
  const area = h('select', { name: 'area' }, ref.areas.map((a) => h('option', { value: a.code }, loc(app, a.label))));
  const disability = check(t('sc.disability'), { name: 'disability' });
  const result = h('section', { class: 'result', 'aria-live': 'polite', 'aria-labelledby': 'sc-result', hidden: true });
  const form = h('form', { novalidate: true, class: 'card' },
    errorBox(),
    field(t('sc.income'), income, t('sc.income.hint', { line: app.i18n.fmtMoney(urban ? urban.income_line_vnd : 0) })),
    group(t('sc.deprivations'), 'deprivations', h('div', { class: 'checks' }, indicators), t('sc.deprivations.hint')),
    field(t('sc.area'), area, t('sc.area.hint')),
    h('div', { class: 'field' }, disability),
    h('button', { type: 'submit', class: 'primary' }, t('sc.submit')));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = await api('POST', '/api/priority/self-check', {
        body: {
          income_per_person_vnd: parseNumber(income.value),
          deprivations: indicators.filter((l) => l.querySelector('input').checked).length,
          disability: disability.querySelector('input').checked,
          area: area.value,
        },
      });
      showErrors(form, null, app.i18n);
      showResult(app, ref, r, result);
    } catch (e) {
      showErrors(form, e, app.i18n);
    } finally {
      button.disabled = false;
    }
  });

  mount(main,
    h('h1', {}, t('sc.title')),
    h('p', {}, t('sc.intro')),
    h('p', { class: 'notice' }, t('sc.reminder')),
    form, result);
}

function showResult(app, ref, r, box) {
  const t = app.t;
  const cat = ref.priority_categories.find((c) => c.code === r.category);
  mount(box,
    h('h2', { id: 'sc-result', tabindex: '-1' }, t('sc.result')),
    h('p', { class: 'verdict' }, cat ? t('sc.may_claim', { label: loc(app, cat.label) }) : t('sc.no_household')),
    h('p', {}, loc(app, r.explanation)),
    r.hardship ? h('p', {}, loc(app, r.hardship)) : null,
    r.claims.length ? [
      h('h3', {}, t('sc.certificates')),
      h('ul', {}, r.claims.map((c) => h('li', {},
        h('strong', {}, loc(app, c.certificate)), ' — ', loc(app, c.issuer)))),
    ] : null,
    h('p', { class: 'notice' }, loc(app, r.notice)),
    app.state.user ? null : h('p', {}, h('a', { href: '#/register' }, t('call.register_to_apply'))));
  box.hidden = false;
  box.querySelector('h2').focus();
}
