// Staff: the funding calls, a form to create and edit one (rubric with
// its weights summed as they are typed, priority policy, wards, stages),
// and opening or closing it after a confirmation.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { decisionLinks } from './staff-decisions.js';
import {
  check, confirmDialog, errorBox, fmtNumber, group, loc, moneyInput, parseNumber, reference, refLabel,
} from '../widgets.js';

// The moves staff make from this screen (the later ones belong to review).
const MOVES = { draft: ['open'], open: ['closed'], closed: ['open'] };

function statusButtons(app, call, done, before) {
  const t = app.t;
  return (MOVES[call.status] || []).map((to) => {
    const key = `${call.status}_${to}`;
    const b = h('button', { type: 'button', class: to === 'open' ? 'primary' : '' }, t(`calls.move.${key}`));
    b.addEventListener('click', async () => {
      if (before && !(await before())) return;
      const ok = await confirmDialog(app, {
        title: t(`calls.move.${key}.title`, { title: loc(app, call.title) }),
        body: [t(`calls.move.${key}.body`)], confirm: t(`calls.move.${key}`), danger: to === 'closed',
      });
      if (!ok) return;
      b.disabled = true;
      try {
        const r = await api('POST', `/api/calls/${call.id}/status`, { body: { status: to }, etag: `"${call.version}"` });
        app.toast(t('calls.moved', { status: t(`callstatus.${r.status}`) }));
        done(r, null);
      } catch (e) {
        done(null, e);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  });
}

// The review of a call: its committee, assignments and ranking.
function reviewLinks(app, c) {
  const t = app.t;
  if (c.status === 'draft') return null;
  return [
    h('a', { class: 'button', href: `#/staff/calls/${c.id}/committee` }, t('rv.page.committee')),
    h('a', { class: 'button', href: `#/staff/calls/${c.id}/assignments` }, t('rv.page.assignments')),
    ['reviewing', 'decided', 'archived'].includes(c.status)
      ? h('a', { class: 'button', href: `#/staff/calls/${c.id}/ranking` }, t('rv.page.ranking')) : null,
    ...decisionLinks(app, c),
    h('a', { class: 'button', href: `#/staff/calls/${c.id}/matching` }, t('rv.page.matching')),
  ];
}

export async function staffCallsView(main, app) {
  const t = app.t;
  const r = await api('GET', '/api/calls');
  const problems = errorBox();
  const rerender = (_, e) => {
    if (!e) { app.go('#/staff/calls'); return; }
    mount(problems, h('p', {}, app.i18n.errorMessage(e)),
      Object.values(e.fields || {}).map((m) => h('p', {}, app.i18n.fieldError(m))));
    problems.hidden = false;
    problems.focus();
  };
  mount(main,
    h('h1', {}, t('calls.title')),
    h('p', { class: 'actions' }, h('a', { class: 'button primary', href: '#/staff/calls/new' }, t('calls.new'))),
    problems,
    r.items.length ? h('ul', { class: 'cards' }, r.items.map((c) => h('li', { class: 'card' },
      h('h2', { class: 'h3' }, h('a', { href: `#/staff/calls/${c.id}` }, loc(app, c.title))),
      h('p', {}, h('span', { class: `badge call-${c.status}` }, t(`callstatus.${c.status}`))),
      h('p', { class: 'muted' }, t('calls.dates', { from: app.i18n.fmtDateTime(c.opens_at), to: app.i18n.fmtDateTime(c.closes_at) })),
      h('p', { class: 'muted' }, t('calls.money', { budget: app.i18n.fmtMoney(c.budget_vnd), max: app.i18n.fmtMoney(c.max_award_vnd) })),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: `#/staff/applications?call_id=${c.id}` }, t('calls.applications')),
        reviewLinks(app, c),
        statusButtons(app, c, rerender)))))
      : h('p', {}, t('calls.none')));
}

// "2026-12-01T08:00" typed in Hà Nội time (UTC+7 all year) and back.
const toIso = (local) => (local ? `${local}:00+07:00` : undefined);
const fromLocal = (s) => (s ? s.slice(0, 16) : '');
const slug = (s) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\u0111/g, 'd')
  .replace(/[^a-z0-9]+/g, '_').replace(/^[^a-z]+|_+$/g, '').slice(0, 40);

export async function staffCallEditView(main, app, [id]) {
  const t = app.t;
  const ref = await reference();
  const call = id ? await api('GET', `/api/calls/${id}`) : null;
  const frozen = call && call.status !== 'draft';
  let dirty = false;

  const input = (name, value, attrs = {}) => h('input', { name, value: value ?? '', ...attrs });
  const area = (name, value) => h('textarea', { name, rows: 4, maxlength: 20000 }, value || '');
  const fmtNum = (n) => (n == null ? '' : fmtNumber(app, n));

  const stageChecks = ref.business_stages.map((s) => check(loc(app, s.label), { value: s.code, checked: call ? call.stages.includes(s.code) : true }));
  const wardChecks = ref.wards.map((w) => check(w.name_vi, { value: w.code, checked: call ? call.wards.includes(w.code) : true }));
  const wardBoxes = () => wardChecks.map((l) => l.querySelector('input'));
  const wardCount = h('p', { class: 'hint', 'aria-live': 'polite' });
  const wardToggle = h('button', { type: 'button' });
  const showWards = () => {
    const n = wardBoxes().filter((b) => b.checked).length;
    wardCount.textContent = t('calls.wards_count', { n, all: ref.wards.length });
    wardToggle.textContent = t(n === ref.wards.length ? 'calls.wards_none' : 'calls.wards_all');
  };
  wardToggle.addEventListener('click', () => {
    const all = wardBoxes().every((b) => b.checked);
    for (const b of wardBoxes()) b.checked = !all;
    showWards();
    dirty = true;
  });

  // The rubric: one box per criterion, the weights summed live.
  const rows = h('ol', { class: 'rubric-rows' });
  const weightSum = h('p', { class: 'sum', 'aria-live': 'polite' });
  function addCriterion(c = {}) {
    const key = input('', c.key, { class: 'r-key', maxlength: 40, autocomplete: 'off', spellcheck: 'false' });
    const vi = input('', c.label && c.label.vi, { class: 'r-vi', maxlength: 200 });
    const en = input('', c.label && c.label.en, { class: 'r-en', maxlength: 200 });
    const max = input('', c.max_score ?? 10, { class: 'r-max', inputmode: 'numeric' });
    const weight = input('', c.weight, { class: 'r-weight', inputmode: 'numeric' });
    en.addEventListener('change', () => { if (!key.value) key.value = slug(en.value || vi.value); });
    const remove = h('button', { type: 'button', class: 'link' }, t('rubric.remove'));
    const li = h('li', { class: 'criterion' },
      field(t('rubric.label_vi'), vi), field(t('rubric.label_en'), en),
      field(t('rubric.key'), key, t('rubric.key.hint')),
      h('div', { class: 'row2' }, field(t('rubric.max_score'), max), field(t('rubric.weight_pct'), weight)),
      remove);
    remove.addEventListener('click', () => { li.remove(); renumberRubric(); showWeights(); dirty = true; });
    rows.append(li);
    renumberRubric();
    return vi;
  }
  function renumberRubric() {
    [...rows.children].forEach((li, i) => {
      for (const [cls, k] of [['r-key', 'key'], ['r-vi', 'label.vi'], ['r-en', 'label.en'], ['r-max', 'max_score'], ['r-weight', 'weight']]) {
        li.querySelector(`.${cls}`).name = `rubric[${i}].${k}`;
      }
      li.querySelector('button').textContent = t('rubric.remove_n', { n: i + 1 });
    });
  }
  function showWeights() {
    const sum = [...rows.querySelectorAll('.r-weight')].reduce((s, i) => s + (typeof parseNumber(i.value) === 'number' ? parseNumber(i.value) : 0), 0);
    weightSum.textContent = sum === 100 ? t('rubric.sum_ok', { sum }) : t(sum < 100 ? 'rubric.sum_short' : 'rubric.sum_over', { sum, diff: Math.abs(100 - sum) });
    weightSum.className = sum === 100 ? 'sum ok' : 'sum bad';
  }
  (call ? call.rubric : [{}]).forEach((c) => addCriterion(c));
  const addButton = h('button', { type: 'button' }, t('rubric.add'));
  addButton.addEventListener('click', () => { addCriterion().focus(); showWeights(); });

  const policy = call ? call.priority_policy : { bonus: { poor: 10, near_poor: 7, hardship: 5, disability: 5 }, combine: 'sum', cap: 15, reserved_share_pct: 0 };
  const bonus = ref.priority_categories.map((c) => [c.code,
    field(t('policy.bonus_for', { label: loc(app, c.label) }), input(`priority_policy.bonus.${c.code}`, policy.bonus[c.code] ?? 0, { inputmode: 'numeric' }))]);

  const form = h('form', { novalidate: true, class: 'card call-form' },
    errorBox(),
    h('fieldset', {}, h('legend', {}, t('calls.s.text')),
      field(t('calls.f.title_vi'), input('title.vi', call && call.title.vi, { maxlength: 200, lang: 'vi' })),
      field(t('calls.f.title_en'), input('title.en', call && call.title.en, { maxlength: 200, lang: 'en' })),
      field(t('calls.f.description_vi'), area('description.vi', call && call.description.vi)),
      field(t('calls.f.description_en'), area('description.en', call && call.description.en))),
    h('fieldset', {}, h('legend', {}, t('calls.s.when')),
      h('p', { class: 'hint' }, t('calls.timezone')),
      field(t('calls.f.opens_at'), input('opens_at', call && fromLocal(call.opens_at_local), { type: 'datetime-local' })),
      field(t('calls.f.closes_at'), input('closes_at', call && fromLocal(call.closes_at_local), { type: 'datetime-local' })),
      field(t('calls.f.budget_vnd'), moneyInput({ name: 'budget_vnd', value: fmtNum(call && call.budget_vnd) })),
      field(t('calls.f.max_award_vnd'), moneyInput({ name: 'max_award_vnd', value: fmtNum(call && call.max_award_vnd) })),
      field(t('calls.f.reviewers'), input('reviewers_per_application', call ? call.reviewers_per_application : 3, { inputmode: 'numeric' }))),
    h('fieldset', {}, h('legend', {}, t('calls.s.who')),
      group(t('calls.f.stages'), 'stages', h('div', { class: 'checks' }, stageChecks)),
      group(t('calls.f.wards'), 'wards', [h('div', { class: 'checks wards' }, wardChecks), wardCount, wardToggle]),
      h('div', { class: 'field' }, check(t('calls.f.outside'), { name: 'allow_outside_district', checked: call ? call.allow_outside_district : false }))),
    h('fieldset', { disabled: frozen }, h('legend', {}, t('calls.s.rubric')),
      frozen ? h('p', { class: 'notice' }, t('calls.frozen')) : h('p', { class: 'hint' }, t('rubric.hint')),
      group(t('calls.f.rubric'), 'rubric', [rows, weightSum, addButton])),
    h('fieldset', { disabled: frozen }, h('legend', {}, t('calls.s.policy')),
      h('p', { class: 'hint' }, t('policy.hint')),
      h('div', { class: 'row2' }, bonus.map(([, f]) => f)),
      field(t('policy.combine'), h('select', { name: 'priority_policy.combine' },
        ['sum', 'max'].map((v) => h('option', { value: v, selected: policy.combine === v }, t(`policy.combine.${v}`))))),
      h('div', { class: 'row2' },
        field(t('policy.cap'), input('priority_policy.cap', policy.cap, { inputmode: 'numeric' })),
        field(t('policy.reserved_pct'), input('priority_policy.reserved_share_pct', policy.reserved_share_pct, { inputmode: 'numeric' })))),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t(call ? 'calls.save' : 'calls.create'))));

  const val = (name) => form.elements[name].value;
  function body() {
    const checked = (labels) => labels.map((l) => l.querySelector('input')).filter((b) => b.checked).map((b) => b.value);
    const b = {
      title: { vi: val('title.vi'), en: val('title.en') },
      description: { vi: val('description.vi'), en: val('description.en') },
      opens_at: toIso(val('opens_at')),
      closes_at: toIso(val('closes_at')),
      budget_vnd: parseNumber(val('budget_vnd')) ?? undefined,
      max_award_vnd: parseNumber(val('max_award_vnd')) ?? undefined,
      reviewers_per_application: parseNumber(val('reviewers_per_application')) ?? undefined,
      stages: checked(stageChecks),
      wards: checked(wardChecks),
      allow_outside_district: form.elements.allow_outside_district.checked,
    };
    if (!frozen) {
      b.rubric = [...rows.children].map((li) => ({
        key: li.querySelector('.r-key').value,
        label: { vi: li.querySelector('.r-vi').value, en: li.querySelector('.r-en').value },
        max_score: parseNumber(li.querySelector('.r-max').value),
        weight: parseNumber(li.querySelector('.r-weight').value),
      }));
      b.priority_policy = {
        bonus: Object.fromEntries(ref.priority_categories.map((c) => [c.code, parseNumber(val(`priority_policy.bonus.${c.code}`))])),
        combine: val('priority_policy.combine'),
        cap: parseNumber(val('priority_policy.cap')),
        reserved_share_pct: parseNumber(val('priority_policy.reserved_share_pct')),
      };
    }
    return b;
  }

  async function save() {
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const r = call
        ? await api('PATCH', `/api/calls/${call.id}`, { body: body(), etag: `"${call.version}"` })
        : await api('POST', '/api/calls', { body: body() });
      dirty = false;
      if (call) call.version = r.version;
      app.toast(t('calls.saved'));
      return r;
    } catch (e) {
      showErrors(form, e, app.i18n);
      return null;
    } finally {
      button.disabled = false;
    }
  }
  form.addEventListener('input', (ev) => {
    dirty = true;
    if (ev.target.closest('.rubric-rows')) showWeights();
    if (ev.target.closest('.wards')) showWards();
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const r = await save();
    if (r) app.go(`#/staff/calls/${r.id}`);
  });
  showWeights();
  showWards();

  const moves = call ? statusButtons(app, call, (r, e) => {
    if (r) { app.go(`#/staff/calls/${call.id}`); return; }
    showErrors(form, e, app.i18n);
  }, async () => !dirty || (await save()) !== null) : [];

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/staff/calls' }, t('calls.title'))),
    h('h1', {}, call ? loc(app, call.title) : t('calls.new')),
    call ? h('p', {}, h('span', { class: `badge call-${call.status}` }, refLabel(app, ref.call_statuses, call.status)),
      ' ', h('a', { href: `#/calls/${call.id}` }, t('calls.public_page'))) : null,
    call && call.status !== 'draft' ? h('p', { class: 'actions' }, reviewLinks(app, call)) : null,
    moves.length ? h('div', { class: 'actions' }, moves) : null,
    form);
}
