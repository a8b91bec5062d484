// The scoring form of a review: each criterion of the rubric with its
// anchored descriptions beside the choices, "cannot judge", a running
// weighted total computed as the API computes it, the comment for the
// applicant and the confidential comment for the committee kept apart,
// the recommendation; saved as she goes (PUT with If-Match), kept on the
// device while the network is down, and submitted after a confirmation
// with every missing part shown in its place.
import { api } from '../api.js';
import { field, h, mount } from '../dom.js';
import { confirmDialog, debounce, group, loc, textOrNull } from '../widgets.js';
import { fmtTenths, progress, tenthsOf, weightedTenths } from '../score.js';

const PARTS = ['comment_applicant', 'comment_committee', 'recommendation'];
export const RECOMMENDATIONS = ['fund', 'maybe', 'reject'];
// Up to this maximum a criterion is a row of buttons; above, a list.
const RADIO_MAX = 10;

const workingOf = (r) => ({
  scores: { ...((r && r.scores) || {}) },
  comment_applicant: r ? r.comment_applicant ?? null : null,
  comment_committee: r ? r.comment_committee ?? null : null,
  recommendation: r ? r.recommendation ?? null : null,
});

export function scoringForm(app, { appId, rubric, own, editable, onSubmitted }) {
  const t = app.t;
  const locale = app.i18n.getLocale();
  const url = `/api/applications/${appId}/review`;
  const store = `sen.review.${appId}`;
  let etag = own ? own._etag : null;
  let saved = workingOf(own);
  let review = own;         // the API's last word on her review
  let refused = {};         // 'scores.<key>' or a part: the value refused

  // One control per criterion.
  const ctl = {};
  const criteria = rubric.map((c, i) => {
    const name = `score-${c.key}`;
    const anchors = new Map((c.anchors || []).map((a) => [a.score, loc(app, a.text)]));
    const anchorId = (s) => `anchor-${c.key}-${s}`;
    const anchorList = anchors.size
      ? h('ul', { class: 'anchors', 'aria-label': t('score.anchors', { label: loc(app, c.label) }) },
        [...anchors].map(([s, text]) => h('li', { id: anchorId(s), dataset: { score: String(s) } },
          h('strong', { class: 'anchor-score' }, String(s)), h('span', {}, text))))
      : h('p', { class: 'hint' }, t('score.no_anchors'));
    const err = h('p', { class: 'error', id: `crit-${c.key}-err`, hidden: true });
    let get;
    let set;
    let input;
    if (c.max_score <= RADIO_MAX) {
      const chips = [];
      for (let s = 0; s <= c.max_score; s++) {
        chips.push(h('label', { class: anchors.has(s) ? 'chip anchored' : 'chip' },
          h('input', { type: 'radio', name, value: String(s), 'aria-describedby': anchors.has(s) ? anchorId(s) : null }),
          h('span', {}, String(s))));
      }
      const cannot = h('label', { class: 'chip cannot' },
        h('input', { type: 'radio', name, value: 'null' }), h('span', {}, t('score.cannot_judge')));
      input = h('div', { class: 'chips', role: 'radiogroup', 'aria-labelledby': `crit-${c.key}-legend` }, chips, cannot);
      get = () => {
        const r = input.querySelector('input:checked');
        if (!r) return undefined;
        return r.value === 'null' ? null : Number(r.value);
      };
      set = (v) => {
        for (const r of input.querySelectorAll('input')) {
          r.checked = v !== undefined && r.value === (v === null ? 'null' : String(v));
        }
      };
    } else {
      input = h('select', { name, id: `crit-${c.key}-select`, 'aria-describedby': err.id },
        h('option', { value: '', disabled: true, selected: true }, t('score.choose')),
        Array.from({ length: c.max_score + 1 }, (_, s) => h('option', { value: String(s) },
          anchors.has(s) ? t('score.option_anchor', { n: s, text: anchors.get(s) }) : String(s))),
        h('option', { value: 'null' }, t('score.cannot_judge')));
      get = () => (input.value === '' ? undefined : input.value === 'null' ? null : Number(input.value));
      set = (v) => { input.value = v === undefined ? '' : v === null ? 'null' : String(v); };
    }
    const chosen = h('p', { class: 'chosen', 'aria-live': 'polite' });
    const box = h('fieldset', {
      class: 'criterion-score', id: `crit-${c.key}`, tabindex: '-1', 'aria-describedby': err.id, dataset: { key: c.key },
    },
    h('legend', { id: `crit-${c.key}-legend` },
      h('span', { class: 'crit-n' }, `${i + 1}. `), loc(app, c.label)),
    h('p', { class: 'hint' }, t('score.weight', { weight: c.weight, max: c.max_score })),
    c.max_score <= RADIO_MAX ? input : h('div', { class: 'field' }, h('label', { for: input.id }, t('score.select_label', { label: loc(app, c.label) })), input),
    chosen, anchorList, err);
    ctl[c.key] = {
      get, set, err, box, focus: () => (input.querySelector ? (input.querySelector('input:checked') || input.querySelector('input') || input) : input).focus(),
      show() {
        const v = get();
        for (const li of box.querySelectorAll('.anchors li')) li.classList.toggle('current', v !== undefined && v !== null && li.dataset.score === String(v));
        chosen.textContent = v === undefined ? t('score.none_yet') : v === null ? t('score.chosen_cannot') : anchors.has(v)
          ? t('score.chosen_anchor', { n: v, max: c.max_score, text: anchors.get(v) }) : t('score.chosen', { n: v, max: c.max_score });
      },
    };
    return box;
  });

  // The comments, told apart by what they are for.
  const ca = h('textarea', { name: 'comment_applicant', rows: 5, maxlength: 5000 });
  const cc = h('textarea', { name: 'comment_committee', rows: 5, maxlength: 5000 });
  const recs = RECOMMENDATIONS.map((r) => h('label', { class: 'check' },
    h('input', { type: 'radio', name: 'recommendation', value: r }), h('span', {}, t(`recommendation.${r}`))));

  // The running total and the save line, kept in view.
  const totalValue = h('strong', { class: 'total-value', id: `review-total-${appId}` });
  const totalNote = h('span', { class: 'total-note' });
  const status = h('span', { class: 'save-status', role: 'status', 'aria-live': 'polite' });
  const retry = h('button', { type: 'button', hidden: true }, t('retry'));
  const reload = h('button', { type: 'button', hidden: true }, t('draft.reload'));
  const login = h('a', { class: 'button', href: '#/login', hidden: true }, t('nav.login'));
  const head = h('div', { class: 'score-head' },
    h('p', { class: 'total', 'aria-live': 'polite' },
      h('span', {}, t('score.total')), ' ', totalValue, h('span', { class: 'of' }, ' / 100')),
    totalNote,
    h('div', { class: 'save-line' }, status, retry, reload, login));
  let state = '';
  function setStatus(kind, params) {
    state = kind;
    status.textContent = t(`rsave.${kind}`, params);
    head.querySelector('.save-line').className = `save-line ${kind}`;
    retry.hidden = kind !== 'offline';
    reload.hidden = kind !== 'conflict';
    login.hidden = kind !== 'signed_out';
  }

  function read() {
    const scores = {};
    for (const c of rubric) {
      const v = ctl[c.key].get();
      if (v !== undefined) scores[c.key] = v;
    }
    return {
      scores,
      comment_applicant: textOrNull(ca.value),
      comment_committee: textOrNull(cc.value),
      recommendation: recs.map((l) => l.querySelector('input')).find((r) => r.checked)?.value ?? null,
    };
  }
  function write(w) {
    for (const c of rubric) { ctl[c.key].set(w.scores[c.key]); ctl[c.key].show(); }
    ca.value = w.comment_applicant ?? '';
    cc.value = w.comment_committee ?? '';
    for (const l of recs) { const r = l.querySelector('input'); r.checked = r.value === w.recommendation; }
  }
  // What differs from what the API has, less what it refused as it is.
  function changes(cur, withRefused = false) {
    const d = {};
    const sd = {};
    for (const [k, v] of Object.entries(cur.scores)) {
      const key = `scores.${k}`;
      if (saved.scores[k] === v && k in saved.scores) continue;
      if (!withRefused && key in refused && refused[key] === v) continue;
      sd[k] = v;
    }
    if (Object.keys(sd).length) d.scores = sd;
    for (const k of PARTS) {
      if (cur[k] === saved[k]) continue;
      if (!withRefused && k in refused && refused[k] === cur[k]) continue;
      d[k] = cur[k];
    }
    return d;
  }

  function showTotal() {
    const cur = read().scores;
    const tenths = weightedTenths(rubric, cur);
    const p = progress(rubric, cur);
    totalValue.textContent = fmtTenths(locale, tenths);
    totalNote.textContent = t('score.progress', { scored: p.scored, criteria: p.criteria, cannot: p.cannot_judge, remaining: p.remaining });
  }

  // Errors in place: a criterion, a part, or the whole of the scores.
  const scoresErr = h('p', { class: 'error', id: `scores-err-${appId}`, hidden: true });
  function setError(name, msg) {
    let p;
    let target;
    if (name.startsWith('scores.')) {
      const c = ctl[name.slice(7)];
      if (!c) return false;
      p = c.err;
      target = c.box;
    } else if (name === 'scores') {
      p = scoresErr;
    } else {
      target = form.querySelector(`[name="${name}"]`);
      if (!target) return false;
      p = document.getElementById(`${target.id}-err`);
    }
    if (msg) { p.textContent = msg; p.hidden = false; } else { p.textContent = ''; p.hidden = true; }
    if (target) { if (msg) target.setAttribute('aria-invalid', 'true'); else target.removeAttribute('aria-invalid'); }
    return true;
  }
  function clearErrors() {
    for (const c of rubric) setError(`scores.${c.key}`, null);
    setError('scores', null);
    for (const k of PARTS) setError(k, null);
  }
  function message(name, msg) {
    if (name.startsWith('scores.')) {
      const c = rubric.find((x) => x.key === name.slice(7));
      if (/^is required/.test(msg)) return t('review.err.score', { max: c ? c.max_score : '?' });
      if (c && /^must be (an integer|between)/.test(msg)) return t('review.err.score', { max: c.max_score });
    }
    if (name === 'scores' && /cannot judge/.test(msg)) return t('review.err.all_cannot');
    if (name === 'recommendation' && /^is required/.test(msg)) return t('review.err.recommendation');
    return app.i18n.fieldError(msg);
  }

  // Her work the API does not have yet stays on this device.
  function keepLocal() {
    const d = changes(read(), true);
    if (Object.keys(d).length) localStorage.setItem(store, JSON.stringify({ changes: d, at: Date.now() }));
    else localStorage.removeItem(store);
  }

  function showReview() {
    const r = review;
    const lines = [];
    if (!r || r.revision === 0) lines.push(t('review.state.draft'));
    else {
      const last = r.revisions[r.revisions.length - 1];
      lines.push(t('review.state.submitted', { n: r.revision, at: app.i18n.fmtDateTime(last ? last.submitted_at : r.submitted_at) }));
      if (r.unsubmitted_changes) lines.push(t('review.state.unsubmitted'));
    }
    mount(stateBox, lines.map((l) => h('p', {}, l)));
    stateBox.className = r && r.unsubmitted_changes ? 'review-state notice' : 'review-state';
    const again = r && r.revision > 0;
    submit.textContent = t(again ? 'review.resubmit' : 'review.submit');
    submit.hidden = !editable || (again && !r.unsubmitted_changes);
    mount(revisionsBox, r && r.revisions.length ? [
      h('h3', {}, t('review.revisions')),
      h('ol', { class: 'revisions' }, r.revisions.map((v) => h('li', {},
        t('review.revision', {
          n: v.revision, at: app.i18n.fmtDateTime(v.submitted_at),
          total: fmtTenths(locale, tenthsOf(v.weighted_total)),
          rec: t(`recommendation.${v.recommendation}`),
        })))),
    ] : []);
  }

  let inflight = null;
  let again = false;
  async function save() {
    schedule.cancel();
    if (inflight) { again = true; return inflight; }
    inflight = (async () => {
      let ok = true;
      do {
        again = false;
        const body = changes(read());
        if (!Object.keys(body).length) break;
        setStatus('saving');
        try {
          const r = await api('PUT', url, { body, etag });
          etag = r._etag;
          Object.assign(saved.scores, body.scores || {});
          for (const k of PARTS) if (k in body) saved[k] = body[k];
          for (const k of Object.keys(body.scores || {})) { delete refused[`scores.${k}`]; setError(`scores.${k}`, null); }
          for (const k of PARTS) if (k in body) { delete refused[k]; setError(k, null); }
          setError('scores', null);
          review = r;
          showReview();
        } catch (e) {
          if (e.status === 422 && e.fields) {
            for (const [k, msg] of Object.entries(e.fields)) {
              if (k.startsWith('scores.') && body.scores && k.slice(7) in body.scores) refused[k] = body.scores[k.slice(7)];
              else if (k in body) refused[k] = body[k];
              setError(k, message(k, msg));
            }
            again = Object.keys(changes(read())).length > 0;
            ok = false;
          } else {
            keepLocal();
            if (e.status === 412) setStatus('conflict');
            else if (e.status === 409) { setStatus('closed'); lock(); }
            else if (e.status === 401) { app.state.after = location.hash; setStatus('signed_out'); }
            else setStatus('offline');
            return false;
          }
        }
      } while (again);
      keepLocal();
      if (Object.keys(refused).length) setStatus('invalid');
      else setStatus('saved', { time: new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()) });
      return ok && !Object.keys(refused).length;
    })();
    try { return await inflight; } finally { inflight = null; }
  }
  const schedule = debounce(save, 800);

  const controls = h('fieldset', { class: 'plain-set', disabled: !editable });
  function lock() { controls.disabled = true; submit.hidden = true; }

  function edited(ev) {
    const name = ev.target && ev.target.name;
    if (name && name.startsWith('score-')) {
      const key = name.slice(6);
      delete refused[`scores.${key}`];
      setError(`scores.${key}`, null);
      setError('scores', null);
      ctl[key].show();
    } else if (name) {
      delete refused[name];
      setError(name, null);
    }
    showTotal();
    keepLocal();
    if (state === 'conflict' || state === 'signed_out' || state === 'closed') return;
    if (state !== 'offline') setStatus('unsaved');
    schedule();
  }

  // Changed elsewhere: take the other version of what she has not touched.
  reload.addEventListener('click', async () => {
    const cur = read();
    const mine = changes(cur, true);
    try {
      const fresh = await api('GET', url);
      etag = fresh._etag;
      saved = workingOf(fresh);
      review = fresh;
      refused = {};
      const merged = workingOf(fresh);
      Object.assign(merged.scores, mine.scores || {});
      for (const k of PARTS) if (k in mine) merged[k] = mine[k];
      write(merged);
      showTotal();
      showReview();
      save();
    } catch (e) {
      setStatus(e.status === 401 ? 'signed_out' : 'offline');
    }
  });
  retry.addEventListener('click', () => save());
  window.addEventListener('online', () => { if (document.body.contains(form)) save(); }, { once: true });

  // Submit: confirm, save what is pending, then every gap in its place.
  const summary = h('div', { class: 'error-summary', role: 'alert', tabindex: '-1', hidden: true });
  function showSubmitErrors(e) {
    clearErrors();
    const items = [];
    const order = [...rubric.map((c) => `scores.${c.key}`), 'scores', ...PARTS];
    const fields = Object.entries(e.fields || {}).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
    for (const [k, msg] of fields) {
      const text = message(k, msg);
      setError(k, text);
      let label = t('review.f.scores');
      let target = scoresErr;
      if (k.startsWith('scores.')) {
        const c = rubric.find((x) => x.key === k.slice(7));
        label = c ? loc(app, c.label) : k;
        target = ctl[k.slice(7)] ? ctl[k.slice(7)].box : null;
      } else if (k !== 'scores') {
        label = t(k === 'recommendation' ? 'review.f.recommendation' : k === 'comment_applicant' ? 'comment.applicant.title' : 'comment.committee.title');
        target = form.querySelector(`[name="${k}"]`);
      }
      items.push(h('li', {}, target ? h('a', {
        href: location.hash,
        onclick: (ev) => {
          ev.preventDefault();
          target.scrollIntoView({ block: 'center' });
          if (k.startsWith('scores.') && ctl[k.slice(7)]) ctl[k.slice(7)].focus(); else target.focus();
        },
      }, `${label}: ${text}`) : `${label}: ${text}`));
    }
    mount(summary,
      h('h2', {}, items.length ? t('review.submit_errors', { n: items.length }) : app.i18n.errorMessage(e)),
      items.length ? h('ul', {}, items) : (e.code === 'conflict' ? h('p', {}, t('review.submit_conflict')) : null));
    summary.hidden = false;
    summary.focus();
  }

  const submit = h('button', { type: 'button', class: 'primary' }, t('review.submit'));
  submit.addEventListener('click', async () => {
    const againSubmit = review && review.revision > 0;
    const ok = await confirmDialog(app, {
      title: t(againSubmit ? 'review.resubmit_title' : 'review.submit_title'),
      body: [t(againSubmit ? 'review.resubmit_body' : 'review.submit_body'), t('review.submit_revise')],
      confirm: t(againSubmit ? 'review.resubmit' : 'review.submit'),
    });
    if (!ok) return;
    submit.disabled = true;
    const label = submit.textContent;
    submit.textContent = t('busy');
    summary.hidden = true;
    try {
      let flushed = await save();
      if (!flushed && ['offline', 'conflict', 'signed_out', 'closed'].includes(state)) {
        showSubmitErrors({ code: state === 'conflict' ? 'precondition_failed' : state === 'closed' ? 'conflict' : state === 'signed_out' ? 'unauthorized' : 'network' });
        return;
      }
      if (!etag) {
        // Nothing saved yet: the review exists once saved, even empty.
        const r = await api('PUT', url, { body: {} });
        etag = r._etag;
        review = r;
        flushed = true;
      }
      const r = await api('POST', `${url}/submit`, { etag });
      etag = r._etag;
      localStorage.removeItem(store);
      app.toast(t('review.submitted', { n: r.revision }));
      onSubmitted(r);
    } catch (e) {
      if (e.status === 412) setStatus('conflict');
      showSubmitErrors(e);
    } finally {
      submit.disabled = false;
      submit.textContent = label;
    }
  });

  const stateBox = h('div', { class: 'review-state' });
  const revisionsBox = h('div', {});
  mount(controls,
    h('section', { 'aria-labelledby': `crit-title-${appId}` },
      h('h3', { id: `crit-title-${appId}` }, t('score.criteria')),
      h('p', { class: 'hint' }, t('score.hint')),
      criteria, scoresErr),
    h('div', { class: 'comment for-applicant' },
      h('p', { class: 'tag-line' }, h('span', { class: 'tag tag-public' }, t('comment.applicant.tag'))),
      field(t('comment.applicant.title'), ca, t('comment.applicant.hint'))),
    h('div', { class: 'comment confidential' },
      h('p', { class: 'tag-line' }, h('span', { class: 'tag tag-secret' }, t('comment.committee.tag'))),
      field(t('comment.committee.title'), cc, t('comment.committee.hint'))),
    group(t('review.f.recommendation'), 'recommendation', h('div', { class: 'checks' }, recs), t('recommendation.hint')));

  const form = h('form', { class: 'scoring card', novalidate: true, 'aria-labelledby': 'score-title' },
    h('h2', { id: 'score-title', tabindex: '-1' }, t('score.title')),
    head, stateBox, summary, controls,
    h('div', { class: 'actions' }, submit),
    revisionsBox);
  form.addEventListener('submit', (ev) => ev.preventDefault());
  form.addEventListener('input', edited);

  write(saved);
  // Work kept on this device that the API did not get.
  let restored = false;
  if (editable) {
    try {
      const kept = JSON.parse(localStorage.getItem(store) || 'null');
      if (kept && kept.changes) {
        const w = workingOf(saved);
        Object.assign(w.scores, kept.changes.scores || {});
        for (const k of PARTS) if (k in kept.changes) w[k] = kept.changes[k];
        write(w);
        restored = true;
      }
    } catch { localStorage.removeItem(store); }
  } else {
    localStorage.removeItem(store);
  }
  showTotal();
  showReview();
  if (!editable) setStatus('readonly');
  else if (restored) { setStatus('restored'); save(); } else setStatus(own ? 'saved_before' : 'new');
  return form;
}
