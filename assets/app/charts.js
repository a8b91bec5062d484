// Horizontal bar charts in SVG, built with the DOM: no innerHTML and no
// style attributes (the CSP forbids them); colours come from classes in
// styles.css, sizes from SVG presentation attributes.
//
// A chart is a <figure>: its title, a legend, the picture, and a table of
// every number, visually hidden until asked for: the text alternative.
// The picture is drawn for the width it has, one unit of its viewBox to a
// CSS pixel, and drawn again when that width changes (between two
// drawings the viewBox scales it), so that the text keeps its size at
// 360 px and a wide screen gets long bars with the labels beside them.
// Each row of bars is one stop for the keyboard (Tab reaches the chart,
// the arrow keys, Home and End move between rows), named with its numbers.
//
// chart(app, spec), spec:
//   id       the figure's id (its parts' ids start with it)
//   title    the caption
//   series   [{ key, label }]: a bar's colour is the class s-<key>
//   rows     [{ key, label, name, cls, bars: [{ series, value, text, short }],
//             note, marker }]: name is the row's accessible name, short a
//             bar's text on a narrow screen (text by default), cls a
//             class of the row (zero-row: a tinted band), note a line of
//             text under the bars, marker a value marked on this row only
//   max      the end of the scale (default: the largest value)
//   marker   { value, label }: a dashed line through every row
//   legend   [{ cls, label }] more entries for the legend
//   table    { head: [[label, numeric]], rows: [[cell]], foot: [cell],
//             caption (default: the title) }
import { h } from './dom.js';

const NS = 'http://www.w3.org/2000/svg';

// An SVG element, as h() makes HTML ones.
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const FONT = 14;         // px, as .chart text in styles.css
const LINE = 20;         // a line of text
const BAR = 18;          // a bar alone in its row
const BAR_GROUPED = 14;  // a bar among others
const GAP = 4;           // between the bars of a row
const ROW_GAP = 14;      // between rows
const PAD = 6;           // between a bar's end and its number
const WIDE = 560;        // from this width, labels beside the bars

// The width of a text in the chart's font, measured on a canvas (no
// layout needed, so the drawing can be planned before it is shown).
let ctx2d = null;
function measurer(box) {
  if (!ctx2d) ctx2d = document.createElement('canvas').getContext('2d');
  const cs = getComputedStyle(box);
  const font = `${FONT}px ${cs.fontFamily}`;
  const bold = `600 ${FONT}px ${cs.fontFamily}`;
  return (text, strong) => {
    ctx2d.font = strong ? bold : font;
    return ctx2d.measureText(String(text)).width;
  };
}

// Words on lines no wider than max (a word longer than that alone).
function wrap(text, max, measure) {
  const out = [];
  let line = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > max) { out.push(line); line = word; } else line = next;
  }
  if (line || !out.length) out.push(line);
  return out;
}

// One observer for every chart on the screen.  A chart replaced by
// another (new figures, another metric) is let go at the next report.
const drawers = new WeakMap();
const observed = new Set();
let observer = null;
function observe(box, draw) {
  if (!observer) {
    observer = new ResizeObserver((entries) => {
      for (const b of observed) if (!b.isConnected) { observer.unobserve(b); observed.delete(b); }
      for (const e of entries) {
        const d = e.target.isConnected && drawers.get(e.target);
        if (d) d(Math.floor(e.contentRect.width));
      }
    });
  }
  drawers.set(box, draw);
  observed.add(box);
  observer.observe(box);
}

export function chart(app, spec) {
  const t = app.t;
  const capId = `${spec.id}-title`;
  const tableId = `${spec.id}-table`;
  const box = h('div', { class: 'chart-box' });
  let lastWidth = 0;
  let current = 0; // the row that Tab reaches

  const legendItems = [
    ...(spec.series.length > 1 ? spec.series.map((x) => [`swatch s-${x.key}`, x.label]) : []),
    ...(spec.marker ? [['swatch marker-swatch', spec.marker.label]] : []),
    ...(spec.legend || []).map((x) => [`swatch ${x.cls}`, x.label]),
  ];
  const legend = legendItems.length
    ? h('ul', { class: 'legend', 'aria-hidden': 'true' }, legendItems.map(([cls, label]) => h('li', {}, h('span', { class: cls }), label)))
    : null;

  const tableWrap = spec.table ? h('div', { class: 'table-wrap sr-only', id: tableId },
    h('table', {},
      h('caption', {}, spec.table.caption || spec.title),
      h('thead', {}, h('tr', {}, spec.table.head.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, label)))),
      h('tbody', {}, spec.table.rows.map((cells) => h('tr', {}, cells.map((c, i) => (i === 0
        ? h('th', { scope: 'row' }, c)
        : h('td', { class: spec.table.head[i] && spec.table.head[i][1] ? 'num' : null }, c)))))),
      spec.table.foot ? h('tfoot', {}, h('tr', {}, spec.table.foot.map((c, i) => (i === 0
        ? h('th', { scope: 'row' }, c)
        : h('td', { class: spec.table.head[i] && spec.table.head[i][1] ? 'num' : null }, c))))) : null)) : null;
  const toggle = tableWrap ? h('button', { type: 'button', class: 'link table-toggle', 'aria-controls': tableId, 'aria-pressed': 'false' },
    t('chart.show_table')) : null;
  if (toggle) {
    toggle.addEventListener('click', () => {
      const shown = tableWrap.classList.toggle('sr-only') === false;
      toggle.setAttribute('aria-pressed', String(shown));
      toggle.textContent = t(shown ? 'chart.hide_table' : 'chart.show_table');
    });
  }

  function draw(width) {
    if (width <= 0 || width === lastWidth) return;
    lastWidth = width;
    const focused = box.contains(document.activeElement);
    const measure = measurer(box);
    const rows = spec.rows;
    const wide = width >= WIDE;
    const values = rows.flatMap((r) => r.bars.map((b) => b.value || 0));
    const max = spec.max || Math.max(1, ...values, spec.marker ? spec.marker.value : 0,
      ...rows.map((r) => (r.marker ? r.marker.value : 0)));
    // On a phone, a bar's short text if it has one (the full one stays
    // in the row's name and the table).
    const textOf = (b) => (!wide && b.short ? b.short : b.text);
    const valueW = Math.ceil(Math.max(0, ...rows.flatMap((r) => r.bars.map((b) => measure(textOf(b), true))))) + PAD * 2;
    const labelW = wide ? Math.min(Math.ceil(Math.max(0, ...rows.map((r) => measure(r.label)))) + 16, Math.floor(width * 0.34)) : 0;
    const barX = labelW;
    const barMax = Math.max(24, width - barX - valueW);
    const len = (v) => (Math.max(0, v || 0) / max) * barMax;
    const markerX = (v) => barX + Math.min(barMax, len(v));

    const parts = [];
    let y = (spec.marker ? LINE + 6 : 0) + ROW_GAP / 2;
    const groups = rows.map((r, i) => {
      const labelLines = wrap(r.label, wide ? labelW - 12 : width, measure);
      const barH = r.bars.length > 1 ? BAR_GROUPED : BAR;
      const barsTop = wide ? y + 2 : y + labelLines.length * LINE + 4;
      // Beside the bars, the label's first line is centred on the first bar.
      const labelTop = wide ? barsTop + barH / 2 + 5 : y + 15;
      const barsH = r.bars.length * (barH + GAP) - GAP;
      const noteLines = r.note ? wrap(r.note, wide ? width - barX : width, measure) : [];
      const noteTop = barsTop + barsH + 4;
      const bottom = Math.max(wide ? labelTop - 15 + labelLines.length * LINE : 0,
        noteTop + noteLines.length * LINE - (noteLines.length ? 0 : 4));
      const rowMarker = r.marker || spec.marker;
      const g = s('g', {
        class: `row${r.cls ? ` ${r.cls}` : ''}`, role: 'listitem', tabindex: i === current ? 0 : -1,
        'aria-label': r.name, 'data-key': r.key,
      },
      s('title', {}, r.name),
      s('rect', { class: 'row-bg', x: 0, y: y - ROW_GAP / 2 + 2, width, height: bottom - y + ROW_GAP - 4, rx: 4 }),
      labelLines.map((line, k) => s('text', { class: 'label', x: wide ? 0 : 2, y: labelTop + k * LINE }, line)),
      r.bars.map((b, j) => s('rect', {
        class: `bar s-${b.series}${b.value ? '' : ' zero'}`, x: barX, y: barsTop + j * (barH + GAP), height: barH,
        width: b.value ? Math.max(1, len(b.value)) : 2, 'data-value': b.value ?? '',
      })),
      // The marker over the bars and under the numbers; beside the bars it
      // runs the row's full height, so that the rows' pieces make one line.
      rowMarker ? s('line', {
        class: 'marker', x1: markerX(rowMarker.value), x2: markerX(rowMarker.value),
        y1: wide && !r.marker ? y - ROW_GAP / 2 : barsTop - 4,
        y2: wide && !r.marker ? bottom + ROW_GAP / 2 : barsTop + barsH + 4,
      }) : null,
      r.bars.map((b, j) => s('text', {
        class: 'value', x: barX + (b.value ? len(b.value) : 2) + PAD, y: barsTop + j * (barH + GAP) + barH / 2 + 5,
      }, textOf(b))),
      noteLines.map((line, k) => s('text', { class: 'note', x: wide ? barX : 2, y: noteTop + k * LINE + 15 }, line)),
      s('rect', { class: 'ring', x: 1.5, y: y - ROW_GAP / 2 + 2, width: width - 3, height: bottom - y + ROW_GAP - 4, rx: 4 }));
      y = bottom + ROW_GAP;
      return g;
    });
    const height = Math.max(y - ROW_GAP + 4, LINE);
    if (spec.marker) {
      const x = markerX(spec.marker.value);
      const lw = measure(spec.marker.label);
      const anchor = x + lw / 2 > width ? 'end' : x - lw / 2 < 0 ? 'start' : 'middle';
      parts.push(s('text', { class: 'marker-label', x, y: 15, 'text-anchor': anchor, 'aria-hidden': 'true' }, spec.marker.label));
    }
    const svg = s('svg', {
      viewBox: `0 0 ${width} ${height}`, width, height, role: 'list', 'aria-labelledby': capId,
    }, groups, parts);
    svg.addEventListener('keydown', (ev) => {
      const all = [...svg.querySelectorAll('.row')];
      const i = all.indexOf(ev.target);
      if (i < 0) return;
      const to = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1, Home: 0, End: all.length - 1 }[ev.key];
      if (to === undefined || to < 0 || to >= all.length) return;
      ev.preventDefault();
      move(all, to);
    });
    svg.addEventListener('focusin', (ev) => {
      const all = [...svg.querySelectorAll('.row')];
      const i = all.indexOf(ev.target);
      if (i >= 0 && i !== current) move(all, i, true);
    });
    box.replaceChildren(svg);
    if (focused) svg.querySelectorAll('.row')[current]?.focus();
  }

  function move(all, to, already) {
    all[current]?.setAttribute('tabindex', '-1');
    current = to;
    all[to].setAttribute('tabindex', '0');
    if (!already) all[to].focus();
  }

  observe(box, draw);
  const marked = spec.marker || spec.rows.some((r) => r.marker);
  return h('figure', { class: `chart${marked ? ' marked' : ''}`, id: spec.id },
    h('figcaption', { id: capId }, spec.title,
      spec.marker ? h('span', { class: 'sr-only' }, ` (${spec.marker.label})`) : null),
    legend, box, toggle, tableWrap);
}
