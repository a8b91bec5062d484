// Widgets shared by the views: reference data, labels in the interface's
// language, grouped fields, money inputs, a confirmation dialog, status
// badges and the document uploader.
import { api, ApiError } from './api.js';
import { h, mount } from './dom.js';

// GET /api/reference once per page load (it changes rarely).
let refPromise = null;
export function reference() {
  if (!refPromise) refPromise = api('GET', '/api/reference').catch((e) => { refPromise = null; throw e; });
  return refPromise;
}

// A {vi, en} object of the API in the interface's language.
export function loc(app, obj) {
  if (!obj || typeof obj !== 'object') return obj ?? '';
  return obj[app.i18n.getLocale()] ?? obj.vi ?? '';
}

// The label of a code in a reference list, e.g. refLabel(app, ref.sectors, 'handicrafts').
export function refLabel(app, list, code) {
  const item = (list || []).find((x) => x.code === code);
  return item ? loc(app, item.label) : (code ?? '');
}

export function wardName(ref, code) {
  const w = ref.wards.find((x) => x.code === code);
  return w ? w.name_vi : (code ?? '');
}

export function errorBox() {
  return h('div', { class: 'form-errors', role: 'alert', tabindex: '-1', hidden: true });
}

let groupSeq = 0;
// A set of controls under one name (checkboxes, radios, rows of an
// editor): a fieldset that showErrors() finds by name, with its own
// place for the API's message.
export function group(legend, name, children, hint) {
  const id = `g${++groupSeq}`;
  const err = h('p', { class: 'error', id: `${id}-err`, hidden: true });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  return h('fieldset', {
    class: 'group', id, name, tabindex: '-1',
    'aria-describedby': [hintEl && hintEl.id, err.id].filter(Boolean).join(' '),
  }, h('legend', {}, legend), hintEl, children, err);
}

// A checkbox (or radio) with its label after it.
export function check(label, attrs) {
  return h('label', { class: 'check' }, h('input', { type: 'checkbox', ...attrs }), h('span', {}, label));
}

// Whole VND as people type it: "30.000.000", "30 000 000" or "30000000".
export function moneyInput(attrs) {
  return h('input', { type: 'text', inputmode: 'numeric', autocomplete: 'off', ...attrs });
}

// A number from a text input: digits (dots, commas and spaces between
// groups allowed) give a number; empty gives null; anything else is
// returned as typed, for the API to refuse in place.
export function parseNumber(value) {
  const s = String(value ?? '').trim();
  if (s === '') return null;
  const digits = s.replace(/[.,\s]/g, '');
  return /^\d{1,15}$/.test(digits) ? Number(digits) : s;
}

// A whole number with the interface's thousands separator.
export function fmtNumber(app, n) {
  return new Intl.NumberFormat(app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-US').format(n);
}

export function textOrNull(value) {
  const s = String(value ?? '');
  return s.trim() === '' ? null : s;
}

// A day (YYYY-MM-DD, no time zone) for reading.
export function fmtDay(app, ymd) {
  if (!ymd) return '';
  const [y, m, d] = ymd.split('-').map(Number);
  return new Intl.DateTimeFormat(app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'medium', timeZone: 'UTC',
  }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function statusBadge(app, status) {
  return h('span', { class: `badge st-${status}` }, app.t(`status.${status}`));
}

// Label/value pairs; values that are empty show a dash.
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.filter(Boolean).map(([k, v]) => [
    h('dt', {}, k), h('dd', {}, v === null || v === undefined || v === '' ? '—' : v)]));
}

// Text with line breaks, as paragraphs.
export function paragraphs(text) {
  return String(text || '').split(/\n{2,}/).map((p) => h('p', { class: 'prose' }, p));
}

export function debounce(fn, ms) {
  let timer = null;
  const d = (...args) => { clearTimeout(timer); timer = setTimeout(() => { timer = null; fn(...args); }, ms); };
  d.cancel = () => { clearTimeout(timer); timer = null; };
  d.pending = () => timer !== null;
  return d;
}

// A modal confirmation for anything irreversible.  Resolves to null when
// cancelled, else to { reason } (the text typed, when a reason is asked).
export function confirmDialog(app, { title, body, confirm, danger, reason }) {
  return new Promise((resolve) => {
    const t = app.t;
    const area = reason ? h('textarea', { id: 'confirm-reason', name: 'reason', maxlength: 2000, rows: 3 }) : null;
    const err = h('p', { class: 'error', id: 'confirm-reason-err', hidden: true });
    if (area) area.setAttribute('aria-describedby', err.id);
    const ok = h('button', { type: 'submit', class: danger ? 'primary danger' : 'primary' }, confirm || t('confirm'));
    const cancel = h('button', { type: 'button' }, t('cancel'));
    const form = h('form', { method: 'dialog' },
      h('h2', { id: 'confirm-title' }, title),
      body ? (Array.isArray(body) ? body : [body]).map((p) => h('p', {}, p)) : null,
      area ? h('div', { class: 'field' }, h('label', { for: area.id }, reason.label), area, err) : null,
      h('div', { class: 'actions' }, ok, cancel));
    const dlg = h('dialog', { class: 'confirm', 'aria-labelledby': 'confirm-title' }, form);
    let result = null;
    form.addEventListener('submit', (ev) => {
      if (area && reason.required && area.value.trim() === '') {
        ev.preventDefault();
        err.textContent = t('fe.required');
        err.hidden = false;
        area.setAttribute('aria-invalid', 'true');
        area.focus();
        return;
      }
      result = { reason: area ? textOrNull(area.value) : null };
    });
    cancel.addEventListener('click', () => dlg.close());
    dlg.addEventListener('close', () => { dlg.remove(); resolve(result); });
    document.body.append(dlg);
    dlg.showModal();
    (area || cancel).focus();
  });
}

// Upload one file as the raw request body, reporting progress.
export function uploadFile(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener('load', () => {
      let json = null;
      try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(json);
      else reject(new ApiError(xhr.status, (json && json.error) || { code: 'internal', message: `HTTP ${xhr.status}` }, xhr.getResponseHeader('x-request-id')));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { code: 'network', message: 'network' }, null)));
    xhr.send(file);
  });
}

export function fmtSize(app, bytes) {
  if (bytes < 1024) return app.t('size.bytes', { n: bytes });
  if (bytes < 1024 * 1024) return app.t('size.kb', { n: Math.round(bytes / 1024) });
  return app.t('size.mb', { n: (bytes / 1024 / 1024).toFixed(1) });
}

// The uploaded documents of an application, each a link to its file.
export function documentList(app, ref, docs) {
  if (!docs.length) return h('p', { class: 'muted' }, app.t('docs.none'));
  return h('ul', { class: 'docs' }, docs.map((d) => h('li', {},
    h('a', { href: `/api/documents/${d.id}`, target: '_blank', rel: 'noopener' }, d.filename),
    h('span', { class: 'muted' }, ` · ${refLabel(app, ref.document_kinds, d.kind)} · ${fmtSize(app, d.size_bytes)} · ${app.i18n.fmtDateTime(d.uploaded_at)}`))));
}

// Choose the kind, take a photo or pick a file, see the progress; a
// failed upload keeps the file for another try.
export function uploader(app, ref, appId, onUploaded, defaultKind) {
  const t = app.t;
  const kind = h('select', { name: 'kind', id: `up-kind-${appId}` },
    ref.document_kinds.map((k) => h('option', { value: k.code, selected: k.code === defaultKind }, loc(app, k.label))));
  const camera = h('input', { type: 'file', id: `up-camera-${appId}`, class: 'file', accept: 'image/jpeg,image/png', capture: 'environment' });
  const picker = h('input', { type: 'file', id: `up-file-${appId}`, class: 'file', accept: 'application/pdf,image/jpeg,image/png' });
  const bar = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('docs.progress') });
  const status = h('p', { class: 'upload-status', role: 'status', 'aria-live': 'polite' });
  const retry = h('button', { type: 'button', hidden: true }, t('retry'));
  let pending = null;

  async function send(file) {
    pending = file;
    retry.hidden = true;
    bar.hidden = false;
    bar.value = 0;
    status.className = 'upload-status';
    status.textContent = t('docs.uploading', { name: file.name });
    try {
      const url = `/api/applications/${appId}/documents?kind=${encodeURIComponent(kind.value)}&filename=${encodeURIComponent(file.name)}`;
      const doc = await uploadFile(url, file, (f) => { bar.value = Math.round(f * 100); });
      bar.value = 100;
      status.textContent = t('docs.uploaded', { name: doc.filename || file.name });
      pending = null;
      onUploaded(doc);
    } catch (e) {
      status.className = 'upload-status error';
      status.textContent = app.i18n.errorMessage(e);
      retry.hidden = false;
    } finally {
      bar.hidden = true;
      camera.value = '';
      picker.value = '';
    }
  }
  for (const input of [camera, picker]) {
    input.addEventListener('change', () => { if (input.files && input.files[0]) send(input.files[0]); });
  }
  retry.addEventListener('click', () => { if (pending) send(pending); });

  return h('div', { class: 'uploader' },
    h('div', { class: 'field' }, h('label', { for: kind.id }, t('docs.kind')), kind),
    h('p', { class: 'hint' }, t('docs.hint')),
    h('div', { class: 'actions' },
      camera, h('label', { class: 'button', for: camera.id }, t('docs.camera')),
      picker, h('label', { class: 'button', for: picker.id }, t('docs.file'))),
    bar, status, retry);
}

// A picture of a document, fetched with the session and shown from a
// blob: URL (the only way the CSP lets an image of the API be shown).
export function documentPreview(app, doc) {
  const link = h('a', { href: `/api/documents/${doc.id}`, target: '_blank', rel: 'noopener' }, app.t('docs.open', { name: doc.filename }));
  if (!doc.content_type.startsWith('image/')) return h('div', { class: 'preview' }, link);
  const box = h('div', { class: 'preview' }, h('p', { class: 'muted' }, app.t('busy')), link);
  api('GET', `/api/documents/${doc.id}`, { raw: true })
    .then((res) => res.blob())
    .then((blob) => {
      const img = h('img', { src: URL.createObjectURL(blob), alt: app.t('docs.picture', { name: doc.filename }) });
      mount(box, img, link);
    })
    .catch(() => mount(box, h('p', { class: 'muted' }, app.t('docs.no_preview')), link));
  return box;
}

// Every page of a keyset-paged list (at most 50 pages of 100).
export async function allPages(path, key = 'next_after', param = 'after') {
  const out = [];
  let next = null;
  for (let i = 0; i < 50; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const r = await api('GET', `${path}${sep}limit=100${next !== null ? `&${param}=${encodeURIComponent(next)}` : ''}`);
    out.push(...r.items);
    next = r[key];
    if (!next) break;
  }
  return out;
}

// The API's per-field messages name array items ("skills[2]",
// "funds_used[1].used_vnd"); rename() maps a name to the control's name
// (or null to keep it), and items without a control of their own go to
// the name of the list.
export function fieldsFor(form, e, rename = () => null) {
  if (!e || !e.fields) return e;
  const fields = {};
  for (const [k, msg] of Object.entries(e.fields)) {
    let name = rename(k) || k;
    if (!form.querySelector(`[name="${CSS.escape(name)}"]`)) {
      const base = name.replace(/[[.].*$/, '');
      if (form.querySelector(`[name="${CSS.escape(base)}"]`)) name = base;
    }
    if (!(name in fields)) fields[name] = msg;
  }
  return { code: e.code, message: e.message, requestId: e.requestId, status: e.status, fields };
}

// A box that says what went wrong with an action, the API's words about
// fields in the interface's language.
export function showProblem(app, box, e, extra) {
  mount(box, h('p', {}, app.i18n.errorMessage(e)),
    extra || Object.values(e.fields || {}).map((m) => h('p', {}, app.i18n.fieldError(m))));
  box.hidden = false;
  box.focus();
}

// A time as PostgreSQL writes it ("2026-03-04 09:15:27.123456+07") or
// RFC 3339, for reading.
export function fmtPgTime(app, s) {
  if (!s) return '';
  const iso = String(s).replace(' ', 'T').replace(/(\.\d{3})\d*/, '$1').replace(/([+-]\d\d)$/, '$1:00');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(s) : app.i18n.fmtDateTime(d.toISOString());
}

// Today in Hà Nội as YYYY-MM-DD.
export const todayHanoi = () => new Date(Date.now() + 7 * 3600e3).toISOString().slice(0, 10);

// A small bar for a share (0..1): a class per step of 10 %, no inline
// style (the CSP forbids it); the numbers are said in text beside it.
export function shareBar(share, cls = '') {
  const step = Math.max(0, Math.min(10, Math.round((Number(share) || 0) * 10))) * 10;
  return h('span', { class: `sharebar ${cls}`, 'aria-hidden': 'true' }, h('span', { class: `fill w${step}` }));
}

// A read-only link with a button that copies it, and what happened.
export function copyBox(app, label, value) {
  const t = app.t;
  const input = h('input', { type: 'text', readonly: true, value, class: 'copy-value', spellcheck: 'false' });
  input.addEventListener('focus', () => input.select());
  const said = h('p', { class: 'copy-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary' }, t('copy.button'));
  button.addEventListener('click', async () => {
    let ok = false;
    try {
      await navigator.clipboard.writeText(value);
      ok = true;
    } catch {
      input.focus();
      input.select();
      try { ok = document.execCommand('copy'); } catch { ok = false; }
    }
    said.textContent = t(ok ? 'copy.done' : 'copy.failed');
  });
  const id = `copy-${Math.random().toString(36).slice(2, 8)}`;
  input.id = id;
  return h('div', { class: 'copy-box' },
    h('label', { for: id }, label),
    h('div', { class: 'copy-row' }, input, button),
    said);
}

// A whole number, possibly negative, from a text input; see parseNumber.
export function parseSigned(value) {
  const s = String(value ?? '').trim();
  if (s === '') return null;
  const m = /^([-−])?\s*(.*)$/.exec(s);
  const n = parseNumber(m[2]);
  if (typeof n !== 'number') return s;
  return m[1] ? -n : n;
}

// Hà Nội local time for a datetime-local input, and back (UTC+7 all year).
export const toLocalInput = (iso) => (iso ? new Date(new Date(iso).getTime() + 7 * 3600e3).toISOString().slice(0, 16) : '');
export const fromLocalInput = (v) => (v ? `${v}:00+07:00` : null);
