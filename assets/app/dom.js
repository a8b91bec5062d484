// Building DOM without innerHTML: text is always text, so nothing a user
// typed can become markup.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let fieldSeq = 0;
// A labelled form field with a place for its error message, linked for
// screen readers.
export function field(label, input, hint) {
  const id = input.id || `f${++fieldSeq}`;
  input.id = id;
  const err = h('p', { class: 'error', id: `${id}-err`, hidden: true });
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  input.setAttribute('aria-describedby', [hintEl && hintEl.id, err.id].filter(Boolean).join(' '));
  return h('div', { class: 'field', dataset: { field: input.name || '' } },
    h('label', { for: id }, label), hintEl, input, err);
}

// Show the API's per-field errors next to their fields; the rest in a list.
export function showErrors(form, error, t) {
  for (const p of form.querySelectorAll('.error')) { p.hidden = true; p.textContent = ''; }
  for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
  const rest = [];
  let first;
  for (const [name, msg] of Object.entries((error && error.fields) || {})) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    const text = t.fieldError(msg);
    if (input) {
      const p = document.getElementById(`${input.id}-err`);
      p.textContent = text;
      p.hidden = false;
      input.setAttribute('aria-invalid', 'true');
    } else {
      rest.push(`${name}: ${text}`);
    }
  }
  const box = form.querySelector('.form-errors');
  if (box) {
    const msgs = [];
    if (error && (!error.fields || rest.length)) msgs.push(t.errorMessage(error));
    msgs.push(...rest);
    mount(box, msgs.map((m) => h('p', {}, m)));
    box.hidden = msgs.length === 0;
    if (!first && msgs.length) box.focus();
  }
  // The first invalid field on the screen, not in the API's order.
  first = form.querySelector('[aria-invalid=true]');
  if (first) first.focus();
}

export function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'number') out[el.name] = el.value === '' ? null : Number(el.value);
    else out[el.name] = el.value;
  }
  return out;
}
