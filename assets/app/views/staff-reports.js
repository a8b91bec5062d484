// Staff: the programme's reports (GET /api/reports/*) for a call, a range
// of Hà Nội days, and a ward, outside the district or the whole district.
// One set of filters for all five: the funnel, the priority picture
// against the call's reserve and the 18 wards and outside as charts
// (charts.js), outcomes and workload as tables; each report as a CSV file
// with the same filters.  The filters live in the address, so a report can
// be bookmarked or sent to a colleague.
import { api } from '../api.js';
import { field, h, mount, showErrors } from '../dom.js';
import { chart } from '../charts.js';
import { errorBox, fmtDay, fmtNumber, loc, reference } from '../widgets.js';

const REPORTS = ['funnel', 'priority', 'wards', 'outcomes', 'workload'];
const FILTERS = ['call_id', 'from', 'to', 'ward'];
const CATEGORIES = ['poor', 'near_poor', 'hardship', 'disability', 'any'];
const WARD_METRICS = ['applicants', 'awards', 'awarded_vnd', 'jobs_created', 'businesses_operating'];
const OUTCOMES = [
  ['businesses', ['businesses_followed', 'businesses_operating', 'survival_rate_pct']],
  ['jobs', ['jobs_created', 'jobs_created_women']],
  ['revenue', ['median_revenue_change_vnd']],
  ['households', ['households_poor_at_baseline', 'households_left_poverty', 'households_left_poverty_pct']],
  ['mentoring', ['mentoring_sessions', 'mentoring_minutes', 'mentoring_hours', 'mentees_mentored']],
  ['training', ['training_registered', 'training_attended', 'training_women']],
];

// Numbers in the interface's language.
function formats(app) {
  const lang = app.i18n.getLocale() === 'vi' ? 'vi-VN' : 'en-US';
  const pct = new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const pct0 = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const dec = new Intl.NumberFormat(lang, { maximumFractionDigits: 2 });
  return {
    n: (v) => (v === null || v === undefined ? '—' : fmtNumber(app, v)),
    pct: (v) => (v === null || v === undefined ? '—' : pct.format(v / 100)),
    // A share set by people (a call's reserve): as they wrote it, 30 %.
    pct0: (v) => (v === null || v === undefined ? '—' : pct0.format(v / 100)),
    money: (v) => (v === null || v === undefined ? '—' : app.i18n.fmtMoney(v)),
    dec: (v) => (v === null || v === undefined ? '—' : dec.format(v)),
  };
}

export async function staffReportsView(main, app, args, params) {
  const t = app.t;
  const [ref, calls] = await Promise.all([reference(), api('GET', '/api/calls')]);
  const callTitle = (id, fallback) => {
    const c = calls.items.find((x) => x.id === id);
    return c ? loc(app, c.title) : (fallback || `#${id}`);
  };
  const wardLabel = (code, name) => (code === 'outside' ? t('rep.ward.outside')
    : name || (ref.wards.find((w) => w.code === code) || {}).name_vi || code);

  // ---- the filters ----
  const select = (name, options) => h('select', { name },
    options.map(([v, l]) => h('option', { value: v, selected: (params.get(name) || '') === String(v) }, l)));
  const form = h('form', { class: 'filters', role: 'search', novalidate: true, 'aria-label': t('rep.filters') },
    errorBox(),
    h('div', { class: 'grid' },
      field(t('rep.f.call'), select('call_id', [['', t('rep.f.call.all')],
        ...calls.items.map((c) => [c.id, loc(app, c.title)])])),
      field(t('rep.f.ward'), select('ward', [['', t('rep.f.ward.all')],
        ...ref.wards.map((w) => [w.code, w.name_vi]), ['outside', t('rep.ward.outside')]])),
      field(t('rep.f.from'), h('input', { type: 'date', name: 'from', value: params.get('from') || '' }), t('rep.f.day_hint')),
      field(t('rep.f.to'), h('input', { type: 'date', name: 'to', value: params.get('to') || '' }))),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('rep.f.apply')),
      h('button', { type: 'button', onclick: () => { for (const k of FILTERS) form.elements[k].value = ''; load(); } }, t('rep.f.reset'))));

  const status = h('div', { class: 'busy-line', role: 'status', 'aria-live': 'polite' });
  const scope = h('p', { class: 'scope' });
  const problems = errorBox();

  // ---- one section per report ----
  const sections = {};
  const csvLinks = {};
  for (const name of REPORTS) {
    csvLinks[name] = h('a', { class: 'button csv', download: '', 'data-report': name,
      'aria-label': t('rep.csv.label', { name: t(`rep.${name}.title`) }) }, t('rep.csv'));
    sections[name] = h('div', { class: 'report-body' });
  }
  const section = (name) => h('section', { class: 'card report', id: `report-${name}`, 'aria-labelledby': `report-${name}-h` },
    h('div', { class: 'list-head' }, h('h2', { id: `report-${name}-h` }, t(`rep.${name}.title`)), csvLinks[name]),
    h('p', { class: 'hint' }, t(`rep.${name}.hint`)),
    sections[name]);

  let wardMetric = 'applicants';
  let last = null;
  let seq = 0;

  const query = () => {
    const p = new URLSearchParams();
    for (const k of FILTERS) {
      const v = (form.elements[k].value || '').trim();
      if (v) p.set(k, v);
    }
    return p;
  };

  async function load() {
    const mine = ++seq;
    const p = query();
    history.replaceState(null, '', `#/staff/reports${p.toString() ? `?${p}` : ''}`);
    mount(status, h('progress', { 'aria-label': t('rep.loading') }), t('rep.loading'));
    for (const el of Object.values(sections)) el.setAttribute('aria-busy', 'true');
    problems.hidden = true;
    try {
      const rs = await Promise.all(REPORTS.map((name) => api('GET', `/api/reports/${name}${p.toString() ? `?${p}` : ''}`)));
      if (mine !== seq) return;
      showErrors(form, null, app.i18n);
      last = Object.fromEntries(REPORTS.map((name, i) => [name, rs[i]]));
      for (const name of REPORTS) {
        const csv = new URLSearchParams(p);
        csv.set('format', 'csv');
        csvLinks[name].href = `/api/reports/${name}?${csv}`;
      }
      show();
      mount(status, t('rep.generated', { at: app.i18n.fmtDateTime(last.funnel.generated_at) }));
    } catch (e) {
      if (mine !== seq) return;
      status.replaceChildren();
      if (e.fields) {
        showErrors(form, e, app.i18n);
      } else {
        mount(problems, h('p', {}, app.i18n.errorMessage(e)), h('button', { type: 'button', onclick: load }, t('retry')));
        problems.hidden = false;
        problems.focus();
      }
    } finally {
      if (mine === seq) for (const el of Object.values(sections)) el.setAttribute('aria-busy', 'false');
    }
  }

  function show() {
    const f = formats(app);
    const fl = last.funnel.filters;
    mount(scope,
      h('strong', {}, fl.call_id ? callTitle(fl.call_id) : t('rep.f.call.all')), ' · ',
      fl.from && fl.to ? t('rep.scope.between', { from: fmtDay(app, fl.from), to: fmtDay(app, fl.to) })
        : fl.from ? t('rep.scope.since', { from: fmtDay(app, fl.from) })
          : fl.to ? t('rep.scope.until', { to: fmtDay(app, fl.to) }) : t('rep.scope.any_time'), ' · ',
      fl.ward ? wardLabel(fl.ward) : t('rep.f.ward.all'));
    mount(sections.funnel, funnelChart(app, f, last.funnel));
    mount(sections.priority, priorityCharts(app, f, ref, last.priority, callTitle));
    showWards();
    mount(sections.outcomes, outcomesTable(app, f, last.outcomes));
    mount(sections.workload, workloadTables(app, f, last.workload));
  }

  function showWards() {
    const f = formats(app);
    const r = last.wards;
    const radios = h('fieldset', { class: 'plain-set metric' }, h('legend', {}, t('rep.wards.metric')),
      h('div', { class: 'chips' }, WARD_METRICS.map((m) => h('label', { class: 'chip' },
        h('input', { type: 'radio', name: 'ward-metric', value: m, checked: m === wardMetric,
          onchange: () => { wardMetric = m; showWards(); document.querySelector(`input[name=ward-metric][value=${m}]`)?.focus(); } }),
        h('span', {}, t(`rep.wards.m.${m}`))))));
    const unreached = r.wards.filter((w) => w.ward !== 'outside' && w.applicants === 0).map((w) => wardLabel(w.ward, w.name));
    mount(sections.wards,
      h('p', { class: 'reach' }, h('strong', {}, t('rep.wards.reached', { n: r.totals.wards_reached })), ' ',
        unreached.length ? t('rep.wards.unreached', { list: unreached.join(', ') }) : t('rep.wards.all_reached')),
      radios,
      wardsChart(app, f, r, wardMetric, wardLabel));
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  form.addEventListener('change', () => load());

  mount(main,
    h('h1', {}, t('rep.title')),
    h('p', {}, t('rep.intro')),
    form, status, problems, scope,
    REPORTS.map(section));
  await load();
}

// ---------------------------------------------------------------------

function funnelChart(app, f, r) {
  const t = app.t;
  const rows = r.stages.map((st) => {
    const label = t(`rep.stage.${st.stage}`);
    const text = st.pct_of_applied === null ? f.n(st.count) : `${f.n(st.count)} (${f.pct(st.pct_of_applied)})`;
    let note = null;
    if (st.reached !== null) {
      note = st.pct_of_reached === null ? t('rep.funnel.none_reached')
        : t('rep.funnel.survival', { pct: f.pct(st.pct_of_reached), n: f.n(st.reached) });
    }
    return {
      key: st.stage, label, name: `${label}: ${text}${note ? `. ${note}` : ''}`,
      bars: [{ series: st.reached !== null ? 'operating' : 'count', value: st.count, text }], note,
    };
  });
  return chart(app, {
    id: 'chart-funnel', title: t('rep.funnel.chart'), series: [{ key: 'count', label: t('rep.funnel.chart') }], rows,
    table: {
      head: [[t('rep.col.stage')], [t('rep.col.count'), true], [t('rep.col.pct_applied'), true], [t('rep.col.reached'), true],
        [t('rep.col.survival'), true]],
      rows: r.stages.map((st) => [t(`rep.stage.${st.stage}`), f.n(st.count), f.pct(st.pct_of_applied),
        st.reached === null ? '' : f.n(st.reached), st.reached === null ? '' : f.pct(st.pct_of_reached)]),
    },
  });
}

function priorityCharts(app, f, ref, r, callTitle) {
  const t = app.t;
  const by = Object.fromEntries(r.categories.map((c) => [c.category, c]));
  const label = (code) => (code === 'any' ? t('rep.cat.any')
    : loc(app, (ref.priority_categories.find((c) => c.code === code) || {}).label) || code);
  const series = [
    { key: 'applicants', label: t('rep.prio.applicants') },
    { key: 'awardees', label: t('rep.prio.awardees') },
    { key: 'money', label: t('rep.prio.money') },
  ];
  const rows = CATEGORIES.map((code) => {
    const c = by[code];
    const bars = [
      { series: 'applicants', value: c.applicants_pct || 0, text: t('rep.prio.bar.applicants', { pct: f.pct(c.applicants_pct), n: f.n(c.applicants) }) },
      { series: 'awardees', value: c.awardees_pct || 0, text: t('rep.prio.bar.awardees', { pct: f.pct(c.awardees_pct), n: f.n(c.awardees) }) },
      { series: 'money', value: c.awarded_pct || 0, text: t('rep.prio.bar.money', { pct: f.pct(c.awarded_pct), amount: f.money(c.awarded_vnd) }),
        short: t('rep.prio.bar.money_short', { pct: f.pct(c.awarded_pct) }) },
    ];
    return { key: code, label: label(code), name: `${label(code)}: ${bars.map((b) => b.text).join('; ')}`, bars, cls: code === 'any' ? 'any-row' : null };
  });
  const one = r.reserve.length === 1 ? r.reserve[0] : null;
  const all = by.all;
  const out = [
    h('p', { class: 'totals' }, t('rep.prio.totals', { n: f.n(all.applicants), a: f.n(all.awardees), amount: f.money(all.awarded_vnd) })),
    chart(app, {
      id: 'chart-priority', title: t('rep.prio.chart'), series, rows, max: 100,
      marker: one ? { value: one.reserved_pct, label: t('rep.prio.reserved', { pct: f.pct0(one.reserved_pct) }) } : null,
      table: {
        head: [[t('rep.col.category')], [t('rep.prio.applicants'), true], ['%', true], [t('rep.prio.awardees'), true], ['%', true],
          [t('rep.prio.money'), true], ['%', true]],
        rows: [...CATEGORIES, 'all'].map((code) => {
          const c = by[code];
          return [code === 'all' ? t('rep.cat.all') : label(code), f.n(c.applicants), f.pct(c.applicants_pct), f.n(c.awardees),
            f.pct(c.awardees_pct), f.money(c.awarded_vnd), f.pct(c.awarded_pct)];
        }),
      },
    }),
  ];
  if (r.reserve.length) {
    out.push(chart(app, {
      id: 'chart-reserve', title: t('rep.reserve.chart'), series: [{ key: 'priority', label: t('rep.reserve.chart') }], max: 100,
      legend: [{ cls: 'marker-swatch', label: t('rep.reserve.marker') }],
      rows: r.reserve.map((x) => {
        const title = callTitle(x.call_id, x.call_title);
        const text = t('rep.reserve.bar', { pct: f.pct(x.priority_pct_of_budget), amount: f.money(x.priority_awarded_vnd) });
        const note = t('rep.reserve.note', { pct: f.pct0(x.reserved_pct), priority: f.money(x.priority_awarded_vnd), reserved: f.money(x.reserved_vnd), budget: f.money(x.budget_vnd),
          awarded: f.money(x.awarded_vnd), share: f.pct(x.priority_pct_of_awarded) });
        return { key: String(x.call_id), label: title, name: `${title}: ${text}. ${note}`, note,
          bars: [{ series: 'priority', value: x.priority_pct_of_budget || 0, text,
            short: t('rep.reserve.bar_short', { pct: f.pct(x.priority_pct_of_budget) }) }], marker: { value: x.reserved_pct } };
      }),
      table: {
        head: [[t('rep.col.call')], [t('rep.col.budget'), true], [t('rep.col.reserved'), true], [t('rep.col.awarded'), true],
          [t('rep.col.priority_awarded'), true], [t('rep.col.pct_awarded'), true], [t('rep.col.pct_budget'), true]],
        rows: r.reserve.map((x) => [callTitle(x.call_id, x.call_title), f.money(x.budget_vnd),
          `${f.pct0(x.reserved_pct)} (${f.money(x.reserved_vnd)})`, f.money(x.awarded_vnd), f.money(x.priority_awarded_vnd),
          f.pct(x.priority_pct_of_awarded), f.pct(x.priority_pct_of_budget)]),
      },
    }));
  } else {
    out.push(h('p', { class: 'muted' }, t('rep.reserve.none')));
  }
  return out;
}

function wardsChart(app, f, r, metric, wardLabel) {
  const t = app.t;
  const fmt = metric === 'awarded_vnd' ? f.money : f.n;
  const rows = r.wards.map((w) => {
    const label = wardLabel(w.ward, w.name);
    const text = fmt(w[metric]);
    return {
      key: w.ward, label, name: `${label}: ${t(`rep.wards.m.${metric}`)} ${text}`,
      cls: w[metric] === 0 ? 'zero-row' : null, bars: [{ series: 'ward', value: w[metric], text }],
    };
  });
  const tot = r.totals;
  return chart(app, {
    id: 'chart-wards', title: t(`rep.wards.chart.${metric}`), series: [{ key: 'ward', label: t(`rep.wards.m.${metric}`) }], rows,
    legend: [{ cls: 'zero-swatch', label: t('rep.wards.zero') }],
    table: {
      caption: t('rep.wards.table'),
      head: [[t('rep.col.ward')], [t('rep.wards.m.applicants'), true], [t('rep.wards.m.awards'), true],
        [t('rep.wards.m.awarded_vnd'), true], [t('rep.wards.m.jobs_created'), true], [t('rep.col.jobs_women'), true],
        [t('rep.wards.m.businesses_operating'), true]],
      rows: r.wards.map((w) => [wardLabel(w.ward, w.name), f.n(w.applicants), f.n(w.awards), f.money(w.awarded_vnd),
        f.n(w.jobs_created), f.n(w.jobs_created_women), f.n(w.businesses_operating)]),
      foot: [t('rep.col.total'), f.n(tot.applicants), f.n(tot.awards), f.money(tot.awarded_vnd), f.n(tot.jobs_created),
        f.n(tot.jobs_created_women), f.n(tot.businesses_operating)],
    },
  });
}

function figureValue(f, fig) {
  switch (fig.unit) {
    case 'percent': return f.pct(fig.value);
    case 'vnd': return f.money(fig.value);
    case 'hours': return f.dec(fig.value);
    default: return f.n(fig.value);
  }
}

function outcomesTable(app, f, r) {
  const t = app.t;
  const figs = r.figures;
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'outcomes' },
      h('caption', {}, t('rep.outcomes.caption')),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('rep.col.figure')), h('th', { scope: 'col', class: 'num' }, t('rep.col.value')),
        h('th', { scope: 'col' }, t('rep.col.base')))),
      OUTCOMES.map(([group, keys]) => h('tbody', {},
        h('tr', { class: 'group' }, h('th', { scope: 'colgroup', colspan: 3 }, t(`rep.out.group.${group}`))),
        keys.map((k) => h('tr', { dataset: { figure: k } },
          h('th', { scope: 'row' }, t(`rep.out.${k}`)),
          h('td', { class: 'num' }, figureValue(f, figs[k])),
          h('td', { class: 'muted' }, figs[k].base === null ? '' : t(`rep.out.base.${k}`, { n: f.n(figs[k].base) }))))))));
}

function workloadTables(app, f, r) {
  const t = app.t;
  const tot = r.totals;
  const table = (caption, head, rows, foot, empty) => (rows.length
    ? h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, head.map((x, i) => h('th', { scope: 'col', class: i ? 'num' : null }, x)))),
      h('tbody', {}, rows),
      h('tfoot', {}, h('tr', {}, foot.map((x, i) => (i ? h('td', { class: 'num' }, x) : h('th', { scope: 'row' }, x)))))))
    : [h('h3', { class: 'h3' }, caption), h('p', { class: 'muted' }, empty)]);
  return [
    table(t('rep.work.reviewers'), [t('rep.col.reviewer'), t('rep.col.assigned'), t('rep.col.submitted'), t('rep.col.overdue')],
      r.reviewers.map((x) => h('tr', { class: x.overdue ? 'is-overdue' : null },
        h('th', { scope: 'row' }, x.full_name), h('td', { class: 'num' }, f.n(x.assigned)), h('td', { class: 'num' }, f.n(x.submitted)),
        h('td', { class: 'num' }, f.n(x.overdue)))),
      [t('rep.col.total'), f.n(tot.assigned), f.n(tot.submitted), f.n(tot.overdue)], t('rep.work.no_reviewers')),
    table(t('rep.work.mentors'), [t('rep.col.mentor'), t('rep.col.mentees'), t('rep.col.sessions'), t('rep.col.hours')],
      r.mentors.map((x) => h('tr', {},
        h('th', { scope: 'row' }, x.full_name), h('td', { class: 'num' }, f.n(x.mentees)), h('td', { class: 'num' }, f.n(x.sessions)),
        h('td', { class: 'num' }, f.dec(x.hours)))),
      [t('rep.col.total'), '', f.n(tot.sessions), f.dec(tot.hours)], t('rep.work.no_mentors')),
  ];
}
