// The reviews of an application and the committee's discussion of it:
// for a reviewer once she has submitted her own (others under pseudonyms,
// "Người chấm 2"), for staff always (with names).
import { api } from '../api.js';
import { field, h, showErrors } from '../dom.js';
import { errorBox, loc, paragraphs } from '../widgets.js';
import { fmtTenths, tenthsOf } from '../score.js';

export const pseudonym = (app, n) => (n ? app.t('review.pseudonym', { n }) : app.t('review.pseudonym_unknown'));

function scoreText(app, c, v) {
  if (v === null) return app.t('score.cannot_judge');
  if (v === undefined) return '—';
  return `${v}/${c.max_score}`;
}

function reviewCard(app, rubric, r, staff) {
  const t = app.t;
  const locale = app.i18n.getLocale();
  const who = [pseudonym(app, r.reviewer_number)];
  if (r.mine) who.push(t('review.mine'));
  return h('li', { class: `card review-card${r.mine ? ' mine' : ''}` },
    h('h3', {}, who.join(' — ')),
    staff && r.reviewer ? h('p', { class: 'muted' }, `${r.reviewer.full_name} · ${r.reviewer.email}`) : null,
    staff ? h('p', {}, h('span', { class: `badge rs-${r.status}` }, t(`review.status.${r.status}`)), ' ',
      r.status === 'submitted' ? h('span', { class: r.counted ? 'badge counted' : 'badge not-counted' }, t(r.counted ? 'others.counted' : 'others.not_counted')) : null,
      r.unsubmitted_changes ? h('span', { class: 'badge' }, t('others.unsubmitted')) : null) : null,
    r.status === 'submitted' ? [
      h('p', { class: 'review-total' },
        t('others.total', { total: fmtTenths(locale, tenthsOf(r.weighted_total)) }), ' · ',
        h('strong', {}, t(`recommendation.${r.recommendation}`))),
      h('p', { class: 'muted' }, t('others.revision', { n: r.revision, at: r.submitted_at ? app.i18n.fmtDateTime(r.submitted_at) : '—' })),
      h('div', { class: 'table-wrap' }, h('table', { class: 'scores-table' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('rubric.criterion')), h('th', { scope: 'col', class: 'num' }, t('others.score')))),
        h('tbody', {}, rubric.map((c) => h('tr', {}, h('th', { scope: 'row' }, loc(app, c.label)),
          h('td', { class: 'num' }, scoreText(app, c, r.scores ? r.scores[c.key] : undefined))))))),
      h('div', { class: 'comment for-applicant' },
        h('h4', {}, h('span', { class: 'tag tag-public' }, t('comment.applicant.tag')), ' ', t('comment.applicant.title')),
        r.comment_applicant ? paragraphs(r.comment_applicant) : h('p', { class: 'muted' }, t('others.no_comment'))),
      h('div', { class: 'comment confidential' },
        h('h4', {}, h('span', { class: 'tag tag-secret' }, t('comment.committee.tag')), ' ', t('comment.committee.title')),
        r.comment_committee ? paragraphs(r.comment_committee) : h('p', { class: 'muted' }, t('others.no_comment'))),
    ] : h('p', { class: 'muted' }, t('others.draft')));
}

export async function reviewsSection(app, appId, rubric, { staff }) {
  const t = app.t;
  const box = h('section', { class: 'others', 'aria-labelledby': `others-${appId}` },
    h('h2', { id: `others-${appId}` }, t(staff ? 'others.title_staff' : 'others.title')));
  try {
    const r = await api('GET', `/api/applications/${appId}/reviews`);
    box.append(
      h('p', { class: 'muted' }, t('others.counted_n', { n: r.counted, required: r.required })),
      r.reviews.length
        ? h('ul', { class: 'plain reviews' }, r.reviews.map((x) => reviewCard(app, rubric, x, staff)))
        : h('p', {}, t('others.none')));
  } catch (e) {
    box.append(h('p', { class: 'notice' }, e.status === 403 ? t('others.locked') : app.i18n.errorMessage(e)));
  }
  return box;
}

function postItem(app, p, staff) {
  const t = app.t;
  let author;
  if (staff) {
    author = p.author_kind === 'staff' ? `${p.author} (${t('discussion.staff')})` : `${p.author} (${pseudonym(app, p.reviewer_number)})`;
  } else {
    author = p.author_kind === 'staff' ? t('discussion.staff') : pseudonym(app, p.reviewer_number);
  }
  if (p.mine) author = `${author} — ${t('review.mine')}`;
  return h('li', { class: `post${p.mine ? ' mine' : ''}` },
    h('p', { class: 'post-meta' }, h('strong', {}, author), ' · ', h('time', { datetime: p.created_at }, app.i18n.fmtDateTime(p.created_at))),
    paragraphs(p.body));
}

export async function discussionSection(app, appId, { staff }) {
  const t = app.t;
  const box = h('section', { class: 'discussion', 'aria-labelledby': `disc-${appId}` },
    h('h2', { id: `disc-${appId}` }, t('discussion.title')),
    h('p', { class: 'hint' }, t(staff ? 'discussion.hint_staff' : 'discussion.hint')));
  let d;
  try {
    d = await api('GET', `/api/applications/${appId}/discussion`);
  } catch (e) {
    box.append(h('p', { class: 'notice' }, e.status === 403 ? t('others.locked') : app.i18n.errorMessage(e)));
    return box;
  }
  const list = h('ol', { class: 'thread', 'aria-live': 'polite' }, d.posts.map((p) => postItem(app, p, staff)));
  const empty = h('p', { class: 'muted', hidden: d.posts.length > 0 }, t('discussion.empty'));
  box.append(empty, list);
  if (!d.open) {
    box.append(h('p', { class: 'notice' }, t('discussion.closed')));
    return box;
  }
  const body = h('textarea', { name: 'body', rows: 3, maxlength: 5000 });
  const send = h('button', { type: 'submit', class: 'primary' }, t('discussion.send'));
  const form = h('form', { class: 'post-form', novalidate: true }, errorBox(), field(t('discussion.body'), body, t('discussion.body.hint')),
    h('div', { class: 'actions' }, send));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!body.value.trim()) { showErrors(form, { fields: { body: 'must not be blank' } }, app.i18n); return; }
    send.disabled = true;
    try {
      const p = await api('POST', `/api/applications/${appId}/discussion`, { body: { body: body.value } });
      showErrors(form, null, app.i18n);
      list.append(postItem(app, p, staff));
      empty.hidden = true;
      body.value = '';
      app.toast(t('discussion.sent'));
    } catch (e) {
      showErrors(form, e, app.i18n);
    } finally {
      send.disabled = false;
    }
  });
  box.append(form);
  return box;
}
