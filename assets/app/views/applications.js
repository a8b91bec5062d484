// The applicant's side of an application: her list, the form that saves
// as she types (and keeps her work on this phone when the network fails),
// the page of one application, and her messages.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import {
  confirmDialog, debounce, documentList, facts, fmtDay, group, loc, moneyInput,
  paragraphs, parseNumber, reference, refLabel, statusBadge, textOrNull, uploader,
} from '../widgets.js';

const UPLOAD_STATUSES = ['draft', 'submitted', 'screening', 'eligible'];
const WITHDRAW_STATUSES = ['draft', 'submitted', 'screening'];

// Titles of calls in both languages (an application names its call in
// the account's language only).
async function callsById() {
  try {
    const r = await api('GET', '/api/calls');
    return new Map(r.items.map((c) => [c.id, c]));
  } catch {
    return new Map();
  }
}

function certKind(ref, category) {
  const c = ref.priority_categories.find((x) => x.code === category);
  return c ? c.document_kind : 'household_certificate';
}

// What she should do next, from what the page knows.
export function nextStep(app, a, call, ref) {
  const t = app.t;
  switch (a.status) {
  case 'draft':
    if (call && !call.accepting_applications) return t('next.draft_closed');
    return t('next.draft', { at: call ? app.i18n.fmtDateTime(call.closes_at) : '' });
  case 'submitted':
  case 'screening':
    if (ref && a.documents && a.claims.some((c) => c.status === 'pending'
      && !a.documents.some((d) => d.kind === certKind(ref, c.category)))) return t('next.upload_certificate');
    return t('next.screening');
  case 'eligible': return t('next.eligible');
  case 'ineligible': return t('next.ineligible', { reason: a.screening_reason || '' });
  case 'withdrawn': return t('next.withdrawn');
  default: return t('next.wait');
  }
}

function callTitle(app, a, calls) {
  const c = calls.get(a.call_id ?? a.call.id);
  return c ? loc(app, c.title) : a.call.title;
}

function appLink(a) {
  return a.status === 'draft' ? `#/applications/${a.id}/edit` : `#/applications/${a.id}`;
}

export async function myApplicationsView(main, app) {
  const t = app.t;
  const calls = await callsById();
  const list = h('ul', { class: 'cards' });
  const empty = h('p', { hidden: true }, t('mine.none'), ' ', h('a', { href: '#/' }, t('mine.find_call')));
  const more = h('button', { type: 'button', hidden: true }, t('list.more'));
  let cursor = null;
  async function load() {
    more.disabled = true;
    const r = await api('GET', '/api/applications' + (cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''));
    for (const a of r.items) {
      const call = calls.get(a.call.id);
      list.append(h('li', { class: 'card' },
        h('h2', { class: 'h3' }, h('a', { href: appLink(a) }, a.business_name || t('app.untitled'))),
        h('p', {}, statusBadge(app, a.status), ' ', a.reference ? h('span', { class: 'ref' }, a.reference) : null),
        h('p', { class: 'muted' }, callTitle(app, a, calls)),
        h('p', {}, nextStep(app, a, call, null))));
    }
    cursor = r.next_cursor;
    more.hidden = !cursor;
    more.disabled = false;
    empty.hidden = list.children.length > 0;
  }
  more.addEventListener('click', load);
  await load();
  mount(main, h('h1', {}, t('mine.title')), empty, list, more);
}

// ---------------------------------------------------------------------
// The form.  Each control maps to one field of the API; read() gives the
// values the API takes, write() shows a value of the API.

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
  if (a.status !== 'draft') { app.go(`#/applications/${id}`); return; }
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
      const rows = raw || (value || []).map((l) => [l.item, typeof l.amount_vnd === 'number' ? new Intl.NumberFormat(app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-US').format(l.amount_vnd) : String(l.amount_vnd ?? '')]);
      rows.forEach(([i, m]) => addLine(i, m));
      if (!rows.length) addLine();
    } else if (kind === 'check') c[k].checked = value === true;
    else if (kind === 'money' && typeof value === 'number') c[k].value = new Intl.NumberFormat(app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-US').format(value);
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
  const saveLine = h('div', { class: 'save-line' }, status, retry, reload);
  let state = '';
  function setStatus(kind, params) {
    state = kind;
    status.textContent = t(`draft.${kind}`, params);
    saveLine.className = `save-line ${kind}`;
    retry.hidden = kind !== 'offline';
    reload.hidden = kind !== 'conflict';
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
    if (state === 'conflict') return;
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

async function withdrawFlow(app, id, getEtag, after) {
  const t = app.t;
  const r = await confirmDialog(app, {
    title: t('withdraw.title'), body: [t('withdraw.body')], confirm: t('withdraw.confirm'), danger: true,
    reason: { label: t('withdraw.reason'), required: false },
  });
  if (!r) return;
  try {
    await api('POST', `/api/applications/${id}/withdraw`, { body: { reason: r.reason }, etag: getEtag() });
    after();
    app.toast(t('withdraw.done'));
    app.go(`#/applications/${id}`);
    app.rerender();
  } catch (e) {
    app.toast(app.i18n.errorMessage(e));
  }
}

// ---------------------------------------------------------------------
// One application: status, reference, what next, claims, documents and
// the history.

export function timeline(app, events) {
  const t = app.t;
  return h('ol', { class: 'timeline' }, events.map((e) => h('li', {},
    h('time', { datetime: e.at }, app.i18n.fmtDateTime(e.at)), ' ',
    h('span', {}, e.from ? t('timeline.change', { from: t(`status.${e.from}`), to: t(`status.${e.to}`) }) : t('timeline.created')),
    e.actor_role ? h('span', { class: 'muted' }, ` · ${t(`role.${e.actor_role}`)}`) : null,
    e.reason ? h('p', { class: 'reason' }, e.reason) : null)));
}

export function claimsList(app, ref, claims, docs, extra) {
  const t = app.t;
  return h('ul', { class: 'claims' }, claims.map((c) => {
    const kind = certKind(ref, c.category);
    const has = docs.some((d) => d.kind === kind);
    return h('li', { class: `claim claim-${c.status}` },
      h('p', {}, h('strong', {}, refLabel(app, ref.priority_categories, c.category)), ' — ',
        h('span', { class: `badge claim-st-${c.status}` }, t(`claim.${c.status}`))),
      facts([
        [t('claim.cert_number'), c.cert_number],
        [t('claim.cert_issued_on'), fmtDay(app, c.cert_issued_on)],
        [t('claim.cert_valid_until'), c.cert_valid_until ? fmtDay(app, c.cert_valid_until) : t('claim.no_end')],
        [t('claim.cert_valid'), t(c.cert_valid ? 'yes' : 'no')],
      ]),
      c.note && c.status === 'rejected' ? h('p', { class: 'reason' }, t('claim.note', { note: c.note })) : null,
      c.status === 'pending' && !has ? h('p', { class: 'notice' }, t('claim.upload', { kind: refLabel(app, ref.document_kinds, kind) })) : null,
      extra ? extra(c, kind) : null);
  }));
}

export async function applicationView(main, app, [id]) {
  const t = app.t;
  const [a, ref, calls] = await Promise.all([api('GET', `/api/applications/${id}`), reference(), callsById()]);
  const call = calls.get(a.call_id);
  let docs = a.documents;
  const actions = [];
  if (a.status === 'draft') actions.push(h('a', { class: 'button primary', href: `#/applications/${id}/edit` }, t('app.continue')));
  if (WITHDRAW_STATUSES.includes(a.status)) {
    const b = h('button', { type: 'button', class: 'danger' }, t(a.status === 'draft' ? 'withdraw.draft' : 'withdraw.button'));
    b.addEventListener('click', () => withdrawFlow(app, id, () => a._etag, () => localStorage.removeItem(`sen.draft.${id}`)));
    actions.push(b);
  }
  const docsBox = h('div', {}, documentList(app, ref, docs));
  const claimsBox = h('div', {});
  const nextBox = h('p', {});
  const showClaims = () => {
    a.documents = docs;
    mount(claimsBox, claimsList(app, ref, a.claims, docs));
    mount(nextBox, nextStep(app, a, call, ref));
  };
  showClaims();
  const claimKind = a.claims.find((c) => c.status === 'pending') ? certKind(ref, a.claims.find((c) => c.status === 'pending').category) : 'business_plan';

  mount(main,
    h('p', { class: 'crumbs' }, h('a', { href: '#/applications' }, t('nav.my_applications'))),
    h('h1', {}, a.business_name || t('app.untitled')),
    h('div', { class: 'status-head' },
      h('p', {}, t('app.status'), ' ', statusBadge(app, a.status)),
      h('p', {}, a.reference ? [t('app.reference'), ' ', h('strong', { class: 'ref' }, a.reference)] : t('app.no_reference'))),
    h('section', { class: 'card next', 'aria-labelledby': 'next' },
      h('h2', { id: 'next' }, t('app.next')),
      nextBox),
    actions.length ? h('div', { class: 'actions' }, actions) : null,
    h('section', { 'aria-labelledby': 'a-facts' },
      h('h2', { id: 'a-facts' }, t('app.summary')),
      facts([
        [t('app.call'), call ? h('a', { href: `#/calls/${call.id}` }, loc(app, call.title)) : a.call.title],
        [t('app.submitted_at'), a.submitted_at ? app.i18n.fmtDateTime(a.submitted_at) : null],
        [t('app.f.stage'), a.stage ? refLabel(app, ref.business_stages, a.stage) : null],
        [t('app.f.sector'), a.sector ? refLabel(app, ref.sectors, a.sector) : null],
        [t('app.f.amount_requested_vnd'), a.amount_requested_vnd ? app.i18n.fmtMoney(a.amount_requested_vnd) : null],
      ])),
    a.claims.length ? h('section', { 'aria-labelledby': 'a-claims' },
      h('h2', { id: 'a-claims' }, t('claim.title')),
      h('p', { class: 'hint' }, t('claim.hint')),
      claimsBox) : null,
    h('section', { 'aria-labelledby': 'a-docs' },
      h('h2', { id: 'a-docs' }, t('docs.title')),
      docsBox,
      UPLOAD_STATUSES.includes(a.status)
        ? uploader(app, ref, id, (d) => { docs = [...docs, d]; mount(docsBox, documentList(app, ref, docs)); showClaims(); }, claimKind)
        : null),
    h('section', { 'aria-labelledby': 'a-history' },
      h('h2', { id: 'a-history' }, t('app.history')),
      timeline(app, a.events)));
}

export async function messagesView(main, app) {
  const t = app.t;
  const r = await api('GET', '/api/me/messages');
  mount(main,
    h('h1', {}, t('messages.title')),
    h('p', { class: 'hint' }, t('messages.hint')),
    r.items.length
      ? h('ul', { class: 'messages' }, r.items.map((m) => h('li', { class: 'card' },
        h('h2', { class: 'h3' }, m.subject),
        h('p', { class: 'muted' }, `${app.i18n.fmtDateTime(m.created_at)} · ${t(`channel.${m.channel}`)} · ${t(`delivery.${m.status}`)}`),
        paragraphs(m.body))))
      : h('p', {}, t('messages.none')));
}
