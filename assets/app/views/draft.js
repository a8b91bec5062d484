// The application form: each control maps to a field of the API; what
// she types is saved as she goes (PATCH with If-Match), kept on the phone
// while the network is down, merged field by field when the draft changed
// elsewhere, and submitted after a confirmation with every error shown at
// once.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  confirmDialog, debounce, documentList, fmtNumber, group, loc, moneyInput, parseNumber, reference, textOrNull, uploader,
} from '../widgets.js';
import { callsById, nextStep, withdrawFlow } from './applications.js';

// read() gives the values the API takes, write() shows a value of the API.
const FIELDS = {
  business_name: 'text', stage: 'radio', operating_since: 'date', registered_on: 'date', sector: 'select',
  description: 'area', problem_customers: 'area', plan: 'area',
  team_size: 'int', women_employed: 'int', jobs_planned: 'int',
  amount_requested_vnd: 'money', budget_lines: 'lines', women_capital_pct: 'int', woman_manager: 'check',
};
const same = (x, y) => JSON.stringify(x ?? null) === JSON.stringify(y ?? null);
const normLines = (lines) => (lines || []).map((l) => ({ item: l.item, amount_vnd: l.amount_vnd }));

function apiValues(a) {
  const v = {};
  for (const k of Object.keys(FIELDS)) v[k] = k === 'budget_lines' ? normLines(a[k]) : a[k];
  return v;
}

export async function applicationEditView(main, app, [id]) {
  const t = app.t;
  const [a, ref, calls] = await Promise.all([api('GET', `/api/applications/${id}`), reference(), callsById()]);
  if (a.status !== 'draft') { localStorage.removeItem(`sen.draft.${id}`); app.go(`#/applications/${id}`); return; }
  const call = calls.get(a.call_id);
  const fmtMoney = app.i18n.fmtMoney;
  const store = `sen.draft.${id}`;
  let etag = a._etag;
  let saved = apiValues(a);
  let refused = {};       // fields the API refused, with the value it refused
  let docs = a.documents;

  // Controls.
  const c = {};
  c.business_name = h('input', { name: 'business_name', maxlength: 200 });
  const stages = ref.business_stages.filter((s) => a.call.stages.includes(s.code));
  const stageRadios = stages.map((s) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'stage', value: s.code }),
    h('span', {}, h('strong', {}, loc(app, s.label)), ' — ', loc(app, s.definition))));
  c.operating_since = h('input', { type: 'date', name: 'operating_since' });
  c.registered_on = h('input', { type: 'date', name: 'registered_on' });
  c.sector = h('select', { name: 'sector' }, h('option', { value: '' }, t('profile.choose')),
    ref.sectors.map((s) => h('option', { value: s.code }, loc(app, s.label))));
  for (const k of ['description', 'problem_customers', 'plan']) c[k] = h('textarea', { name: k, maxlength: 5000, rows: 5 });
  for (const k of ['team_size', 'women_employed', 'jobs_planned', 'women_capital_pct']) {
    c[k] = h('input', { type: 'text', inputmode: 'numeric', name: k, autocomplete: 'off' });
  }
  c.amount_requested_vnd = moneyInput({ name: 'amount_requested_vnd' });
  c.woman_manager = h('input', { type: 'checkbox', name: 'woman_manager' });

  // Budget lines.
  const lines = h('ol', { class: 'lines' });
  const sum = h('p', { class: 'sum', 'aria-live': 'polite' });
  const addLineButton = h('button', { type: 'button' }, t('budget.add'));
  function addLine(item = '', amount = '') {
    const itemInput = h('input', { class: 'line-item', maxlength: 200, value: item });
    const amountInput = moneyInput({ class: 'line-amount', value: amount });
    const remove = h('button', { type: 'button', class: 'link' }, t('budget.remove'));
    const li = h('li', { class: 'line' }, field('', itemInput), field('', amountInput), remove);
    remove.addEventListener('click', () => { li.remove(); renumber(); edited(); lines.querySelector('input')?.focus(); });
    lines.append(li);
    renumber();
    return itemInput;
  }
  function renumber() {
    [...lines.children].forEach((li, i) => {
      const [l1, l2] = li.querySelectorAll('label');
      l1.textContent = t('budget.item', { n: i + 1 });
      l2.textContent = t('budget.amount', { n: i + 1 });
      li.querySelector('button').setAttribute('aria-label', t('budget.remove_n', { n: i + 1 }));
    });
  }
  const rawLines = () => [...lines.children].map((li) => [li.querySelector('.line-item').value, li.querySelector('.line-amount').value]);
  const partialLines = () => rawLines().some(([i, m]) => (i.trim() === '') !== (m.trim() === ''));
  function showSum() {
    const total = rawLines().reduce((s, [, m]) => s + (typeof parseNumber(m) === 'number' ? parseNumber(m) : 0), 0);
    const asked = parseNumber(c.amount_requested_vnd.value);
    const text = [t('budget.total', { total: fmtMoney(total) })];
    if (typeof asked === 'number') {
      text.push(t('budget.asked', { amount: fmtMoney(asked) }));
      text.push(total === asked ? t('budget.match') : t('budget.diff', { diff: fmtMoney(Math.abs(asked - total)) }));
      sum.className = total === asked ? 'sum ok' : 'sum bad';
    } else {
      sum.className = 'sum';
    }
    sum.textContent = text.join(' · ');
  }

  function read() {
    const v = {};
    for (const [k, kind] of Object.entries(FIELDS)) {
      if (kind === 'radio') v[k] = stageRadios.map((l) => l.querySelector('input')).find((r) => r.checked)?.value ?? null;
      else if (kind === 'lines') {
        v[k] = rawLines().filter(([i, m]) => i.trim() !== '' && m.trim() !== '').map(([i, m]) => ({ item: i, amount_vnd: parseNumber(m) }));
      } else if (kind === 'check') v[k] = c[k].checked ? true : null;
      else if (kind === 'int' || kind === 'money') v[k] = parseNumber(c[k].value);
      else if (kind === 'select' || kind === 'date') v[k] = c[k].value || null;
      else v[k] = textOrNull(c[k].value);
    }
    return v;
  }
  function write(k, value, raw) {
    const kind = FIELDS[k];
    if (kind === 'radio') for (const l of stageRadios) { const r = l.querySelector('input'); r.checked = r.value === value; }
    else if (kind === 'lines') {
      lines.replaceChildren();
      const rows = raw || (value || []).map((l) => [l.item, typeof l.amount_vnd === 'number' ? fmtNumber(app, l.amount_vnd) : String(l.amount_vnd ?? '')]);
      rows.forEach(([i, m]) => addLine(i, m));
      if (!rows.length) addLine();
    } else if (kind === 'check') c[k].checked = value === true;
    else if (kind === 'money' && typeof value === 'number') c[k].value = fmtNumber(app, value);
    else c[k].value = value ?? '';
  }
  function stageFields() {
    const stage = read().stage;
    c.operating_since.closest('.field').hidden = stage !== 'startup';
    c.registered_on.closest('.field').hidden = stage !== 'new_business';
  }

  // The save line.
  const status = h('span', { role: 'status', 'aria-live': 'polite' });
  const retry = h('button', { type: 'button', hidden: true }, t('retry'));
  const reload = h('button', { type: 'button', hidden: true }, t('draft.reload'));
  const login = h('a', { class: 'button', href: '#/login', hidden: true }, t('nav.login'));
  const saveLine = h('div', { class: 'save-line' }, status, retry, reload, login);
  let state = '';
  function setStatus(kind, params) {
    state = kind;
    status.textContent = t(`draft.${kind}`, params);
    saveLine.className = `save-line ${kind}`;
    retry.hidden = kind !== 'offline';
    reload.hidden = kind !== 'conflict';
    login.hidden = kind !== 'signed_out';
  }

  // Errors next to their fields, and cleared when the field is edited.
  const form = h('form', { novalidate: true, class: 'app-form' });
  function fieldError(name, msg) {
    const el = form.querySelector(`[name="${name}"]`);
    if (!el) return false;
    const p = document.getElementById(`${el.id}-err`);
    if (msg) { p.textContent = app.i18n.fieldError(msg); p.hidden = false; el.setAttribute('aria-invalid', 'true'); } else { p.hidden = true; p.textContent = ''; el.removeAttribute('aria-invalid'); }
    return true;
  }
  const baseName = (k) => k.replace(/\[.*$/, '');

  // Local copy of what the server does not have yet.
  function keepLocal() {
    const cur = read();
    const changes = {};
    for (const k of Object.keys(FIELDS)) if (!same(cur[k], saved[k])) changes[k] = cur[k];
    if (Object.keys(changes).length || partialLines()) {
      localStorage.setItem(store, JSON.stringify({ changes, lines: rawLines(), at: Date.now() }));
    } else {
      localStorage.removeItem(store);
    }
  }

  // PATCH what changed, as many times as needed; false when something
  // could not be saved.
  let inflight = null;
  let again = false;
  async function save() {
    schedule.cancel();
    if (inflight) { again = true; return inflight; }
    inflight = (async () => {
      let ok = true;
      do {
        again = false;
        const cur = read();
        const diff = {};
        for (const k of Object.keys(FIELDS)) {
          if (!same(cur[k], saved[k]) && !(k in refused && same(refused[k], cur[k]))) diff[k] = cur[k];
        }
        if (!Object.keys(diff).length) break;
        setStatus('saving');
        try {
          const r = await api('PATCH', `/api/applications/${id}`, { body: diff, etag });
          etag = r._etag;
          Object.assign(saved, diff);
          for (const k of Object.keys(diff)) { delete refused[k]; fieldError(k, null); }
        } catch (e) {
          if (e.status === 422 && e.fields) {
            for (const [k, msg] of Object.entries(e.fields)) {
              const b = baseName(k);
              if (b in diff) { refused[b] = diff[b]; fieldError(b, msg); }
            }
            // The others are saved on the next turn.
            again = Object.keys(diff).some((k) => !(k in refused));
            ok = false;
          } else {
            ok = false;
            keepLocal();
            if (e.status === 412) setStatus('conflict');
            else if (e.status === 409) setStatus('not_draft');
            else if (e.status === 401) { app.state.after = location.hash; setStatus('signed_out'); }
            else setStatus('offline');
            return false;
          }
        }
      } while (again);
      keepLocal();
      if (Object.keys(refused).length) setStatus('invalid');
      else if (partialLines()) setStatus('partial');
      else setStatus('saved', { time: new Intl.DateTimeFormat(app.i18n.getLocale(), { timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()) });
      return ok && !Object.keys(refused).length;
    })();
    try { return await inflight; } finally { inflight = null; }
  }
  const schedule = debounce(save, 800);

  function edited(ev) {
    if (ev && ev.target && ev.target.name) {
      const name = ev.target.name;
      delete refused[name];
      fieldError(name, null);
    }
    if (ev && ev.target && ev.target.closest('.lines')) { delete refused.budget_lines; fieldError('budget_lines', null); }
    stageFields();
    showSum();
    keepLocal();
    // A failed save stays on screen, with its button, until it is resolved.
    if (state === 'conflict' || state === 'signed_out') return;
    if (state !== 'offline') setStatus('unsaved');
    schedule();
  }
  form.addEventListener('input', edited);
  form.addEventListener('change', edited);
  retry.addEventListener('click', () => save());
  window.addEventListener('online', () => { if (document.body.contains(form)) save(); }, { once: true });

  // Someone else changed the draft: take their version of the fields she
  // has not touched, keep hers, and save those.
  reload.addEventListener('click', async () => {
    const cur = read();
    const mine = Object.keys(FIELDS).filter((k) => !same(cur[k], saved[k]));
    const raw = rawLines();
    try {
      const fresh = await api('GET', `/api/applications/${id}`);
      if (fresh.status !== 'draft') { localStorage.removeItem(store); app.go(`#/applications/${id}`); return; }
      etag = fresh._etag;
      saved = apiValues(fresh);
      refused = {};
      for (const k of Object.keys(FIELDS)) if (!mine.includes(k)) write(k, saved[k]);
      if (mine.includes('budget_lines')) write('budget_lines', null, raw);
      stageFields();
      showSum();
      save();
    } catch (e) {
      setStatus('offline');
    }
  });

  // Submit: confirm, save what is pending, then all errors at once.
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  function showSubmitErrors(e) {
    const fields = e.fields || {};
    const inForm = {};
    const items = [];
    for (const [k, msg] of Object.entries(fields)) {
      const text = app.i18n.fieldError(msg);
      if (k.startsWith('profile.')) {
        const f = k.slice(8);
        const back = encodeURIComponent(`#/applications/${id}/edit`);
        items.push(h('li', {}, h('a', { href: `#/profile?focus=${f}&back=${back}` }, `${t('submit.in_profile')} — ${profileLabel(t, f)}: ${text}`)));
      } else {
        const b = baseName(k);
        if (!(b in inForm)) inForm[b] = msg;
        const target = form.querySelector(`[name="${b}"]`);
        items.push(h('li', {}, target
          ? h('a', { href: location.hash, onclick: (ev) => { ev.preventDefault(); target.focus(); target.scrollIntoView({ block: 'center' }); } }, `${t(`app.f.${b}`)}: ${text}`)
          : `${t(`app.f.${b}`)}: ${text}`));
      }
    }
    showErrors(form, { fields: inForm }, app.i18n);
    mount(summary,
      h('h2', {}, items.length ? t('submit.errors', { n: items.length }) : app.i18n.errorMessage(e)),
      items.length ? h('ul', {}, items) : null);
    summary.hidden = false;
    summary.focus();
  }

  const submit = h('button', { type: 'button', class: 'primary' }, t('submit.button'));
  submit.addEventListener('click', async () => {
    const ok = await confirmDialog(app, {
      title: t('submit.title'), body: [t('submit.body'), t('submit.irreversible')], confirm: t('submit.confirm'),
    });
    if (!ok) return;
    submit.disabled = true;
    submit.textContent = t('busy');
    try {
      const flushed = await save();
      if (!flushed && (retry.hidden === false || reload.hidden === false)) {
        showSubmitErrors({ code: reload.hidden ? 'network' : 'precondition_failed', fields: null });
        return;
      }
      const r = await api('POST', `/api/applications/${id}/submit`, { etag });
      localStorage.removeItem(store);
      app.toast(t('submit.done', { ref: r.reference }));
      app.go(`#/applications/${id}`);
    } catch (e) {
      showSubmitErrors(e);
    } finally {
      submit.disabled = false;
      submit.textContent = t('submit.button');
    }
  });

  const withdraw = h('button', { type: 'button', class: 'danger' }, t('withdraw.draft'));
  withdraw.addEventListener('click', () => withdrawFlow(app, id, () => etag, () => localStorage.removeItem(store)));

  const docsBox = h('div', {}, documentList(app, ref, docs));
  mount(form,
    saveLine,
    summary,
    h('section', { 'aria-labelledby': 's-business' },
      h('h2', { id: 's-business' }, t('app.s.business')),
      field(t('app.f.business_name'), c.business_name),
      group(t('app.f.stage'), 'stage', h('div', { class: 'checks' }, stageRadios)),
      field(t('app.f.operating_since'), c.operating_since, t('app.f.operating_since.hint')),
      field(t('app.f.registered_on'), c.registered_on, t('app.f.registered_on.hint')),
      field(t('app.f.sector'), c.sector)),
    h('section', { 'aria-labelledby': 's-plan' },
      h('h2', { id: 's-plan' }, t('app.s.plan')),
      field(t('app.f.description'), c.description, t('app.f.description.hint')),
      field(t('app.f.problem_customers'), c.problem_customers, t('app.f.problem_customers.hint')),
      field(t('app.f.plan'), c.plan, t('app.f.plan.hint'))),
    h('section', { 'aria-labelledby': 's-team' },
      h('h2', { id: 's-team' }, t('app.s.team')),
      h('div', { class: 'row3' },
        field(t('app.f.team_size'), c.team_size),
        field(t('app.f.women_employed'), c.women_employed),
        field(t('app.f.jobs_planned'), c.jobs_planned))),
    h('section', { 'aria-labelledby': 's-money' },
      h('h2', { id: 's-money' }, t('app.s.money')),
      field(t('app.f.amount_requested_vnd'), c.amount_requested_vnd, t('app.f.amount_requested_vnd.hint', { max: fmtMoney(a.call.max_award_vnd) })),
      group(t('app.f.budget_lines'), 'budget_lines', [lines, addLineButton, sum], t('budget.hint'))),
    h('section', { 'aria-labelledby': 's-women' },
      h('h2', { id: 's-women' }, t('app.s.women')),
      h('p', { class: 'hint' }, t('app.s.women.hint')),
      field(t('app.f.women_capital_pct'), c.women_capital_pct, t('app.f.women_capital_pct.hint')),
      group(t('app.f.woman_manager'), 'woman_manager',
        h('label', { class: 'check' }, c.woman_manager, h('span', {}, t('app.f.woman_manager.declare'))))),
    h('section', { 'aria-labelledby': 's-docs' },
      h('h2', { id: 's-docs' }, t('docs.title')),
      h('p', { class: 'hint' }, t('docs.draft_hint')),
      docsBox,
      uploader(app, ref, id, (d) => { docs = [...docs, d]; mount(docsBox, documentList(app, ref, docs)); }, 'business_plan')),
    h('div', { class: 'actions' }, submit, withdraw));
  addLineButton.addEventListener('click', () => { addLine().focus(); edited(); });

  for (const k of Object.keys(FIELDS)) write(k, saved[k]);

  // Work kept on this phone that the server has not got yet.
  let restored = false;
  try {
    const kept = JSON.parse(localStorage.getItem(store) || 'null');
    if (kept) {
      for (const [k, v] of Object.entries(kept.changes || {})) if (k in FIELDS && k !== 'budget_lines') write(k, v);
      if (kept.lines && (('budget_lines' in (kept.changes || {})) || kept.lines.some(([i, m]) => (i.trim() === '') !== (m.trim() === '')))) write('budget_lines', null, kept.lines);
      restored = true;
    }
  } catch { localStorage.removeItem(store); }
  stageFields();
  showSum();
  setStatus('saved_before');

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/applications' }, t('nav.my_applications'))),
    h('h1', {}, t('edit.title')),
    h('p', {}, t('edit.for_call', { call: call ? loc(app, call.title) : a.call.title })),
    h('p', { class: 'muted' }, nextStep(app, a, call, ref), ' ', t('edit.autosave')),
    h('p', {}, h('a', { href: `#/applications/${id}` }, t('edit.view_page'))),
    form);
  if (restored) { setStatus('restored'); save(); }
}

function profileLabel(t, f) {
  if (f === 'phone') return t('register.phone');
  if (f === 'ward_code' || f === 'outside_district') return t('profile.ward');
  return t(`profile.${f}`);
}

