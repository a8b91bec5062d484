// Language: Vietnamese by default, English with one tap, remembered.
import vi from './i18n/vi.js';
import en from './i18n/en.js';

const catalogues = { vi, en };
let locale = localStorage.getItem('sen.locale') === 'en' ? 'en' : 'vi';
document.documentElement.lang = locale;

export function getLocale() { return locale; }

export function setLocale(l) {
  locale = l === 'en' ? 'en' : 'vi';
  localStorage.setItem('sen.locale', locale);
  document.documentElement.lang = locale;
}

export function t(key, params) {
  let s = catalogues[locale][key] ?? catalogues.vi[key] ?? key;
  for (const [k, v] of Object.entries(params || {})) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

// The API's per-field messages are English sentences with a stable form;
// they are shown in the interface's language.
const patterns = [
  [/^is required$|^must not be null$/, () => t('fe.required')],
  [/^must not be blank$/, () => t('fe.blank')],
  [/^must be at least (\d+) characters$/, (m) => t('fe.min_chars', { n: m[1] })],
  [/^must be at most (\d+) characters$/, (m) => t('fe.max_chars', { n: m[1] })],
  [/^must be a valid e-mail address$/, () => t('fe.email')],
  [/^must be a Vietnamese phone number/, () => t('fe.phone')],
  [/^is already taken$/, () => t('fe.taken')],
  [/^is too common/, () => t('fe.common_password')],
  [/^must not be your e-mail address$/, () => t('fe.password_email')],
  [/^is invalid or has expired$/, () => t('fe.token')],
  [/^must be an integer$/, () => t('fe.integer')],
  [/^must be between (-?\d+) and (-?\d+)$/, (m) => t('fe.range', { a: m[1], b: m[2] })],
  [/^must be a date (as )?YYYY-MM-DD$/, () => t('fe.date')],
  [/^must not be before from$/, () => t('fe.before_from')],
  [/^must be a time as /, () => t('fe.datetime')],
  [/^must be one of/, () => t('fe.one_of')],
  [/^must have between (\d+) and (\d+) (items|criteria)$/, (m) => t('fe.items', { a: m[1], b: m[2] })],
  [/^must not be in the future$/, () => t('fe.not_future')],
  [/^must not be before the issue date$/, () => t('fe.before_issue')],
  [/^must be 18 or older$/, () => t('fe.adult')],
  [/^must be the 12 digits of a citizen identity card/, () => t('fe.cccd')],
  [/^choose a ward or outside the district, not both$/, () => t('fe.ward_or_outside')],
  [/^is required when you live outside the district$/, () => t('fe.address_outside')],
  [/^sms and zalo need a phone number$/, () => t('fe.channels_phone')],
  [/^is only for a household status/, () => t('fe.only_household')],
  [/^is only for a declared disability$/, () => t('fe.only_disability')],
  [/^must not be more than team_size$/, () => t('fe.women_team')],
  [/^the call is not accepting applications$/, () => t('fe.call_closed')],
  [/^this call is not open to businesses at this stage$/, () => t('fe.stage_call')],
  [/^is required for a startup$/, () => t('fe.startup_date')],
  [/^a startup must have been operating/, () => t('fe.startup_old')],
  [/^is required for a new business$/, () => t('fe.new_business_date')],
  [/^a new business must have been registered/, () => t('fe.new_business_old')],
  [/^must not be more than the call's maximum award of (\d+) VND$/, (m) => t('fe.max_award', { amount: fmtMoney(Number(m[1])) })],
  [/^add at least one line to the budget$/, () => t('fe.budget_empty')],
  [/^the lines add up to (\d+) VND, not the amount requested \((\d+) VND\)$/, (m) => t('fe.budget_sum', { sum: fmtMoney(Number(m[1])), amount: fmtMoney(Number(m[2])) })],
  [/^women must hold at least 51/, () => t('fe.women_capital')],
  [/^a woman must manage the business/, () => t('fe.woman_manager')],
  [/^this call is only open to residents/, () => t('fe.district_only')],
  [/^is required \(or say that you live outside the district\)$/, () => t('fe.ward_required')],
  [/^this call is not open to your ward$/, () => t('fe.ward_call')],
  [/^is required for a household status$/, () => t('fe.for_household')],
  [/^is required for a declared disability$/, () => t('fe.for_disability')],
  [/^must be after opens_at$/, () => t('fe.after_opens')],
  [/^must not be more than budget_vnd$/, () => t('fe.max_budget')],
  [/^must not (list a (stage|ward)|repeat a channel) twice$|^must not repeat a channel$/, () => t('fe.twice')],
  [/^weights must sum to 100 \(they sum to (-?\d+)\)$/, (m) => t('fe.weights', { n: m[1] })],
  [/^needs criteria whose weights sum to 100$/, () => t('fe.weights', { n: '?' })],
  [/^is already used by another criterion$/, () => t('fe.key_used')],
  [/^must start with a lower-case letter/, () => t('fe.key_letter')],
  [/^must be in the future to open the call$/, () => t('fe.future_open')],
  [/^is frozen once the call is open$/, () => t('fe.frozen')],
  [/^is required when the (application is not eligible|claim is rejected)/, () => t('fe.reason_required')],
  [/^the certificate has expired/, () => t('fe.cert_expired')],
  [/^no \w+ has been uploaded to verify against$/, () => t('fe.cert_missing')],
  // Mentoring, follow-up and trainings.
  [/^name at least one ward, or meet remotely$/, () => t('fe.ward_or_remote')],
  [/^must be a (language )?code from \/api\/mentoring\/reference$/, () => t('fe.code')],
  [/^must sum to 100$/, () => t('fe.sum100')],
  [/^must not be before the mentor accepted the match$/, () => t('fe.before_accept')],
  [/^one session a day$/, () => t('fe.session_day')],
  [/^is required while the business operates$/, () => t('fe.while_operating')],
  [/^is only for a business that has closed$/, () => t('fe.only_closed')],
  [/^is required when the business has closed/, () => t('fe.closed_why')],
  [/^cannot be more than revenue_vnd$/, () => t('fe.profit_revenue')],
  [/^cannot be more than the workers/, () => t('fe.disabled_workers')],
  [/^needs jobs_created$/, () => t('fe.needs_jobs')],
  [/^cannot be more than jobs_created$/, () => t('fe.jobs_women')],
  [/^cannot be more than the (\d+) VND budgeted for this line$/, (m) => t('fe.line_budget', { amount: fmtMoney(Number(m[1])) })],
  [/^is the same line as /, () => t('fe.same_line')],
  [/^must be a support area/, () => t('fe.support_area')],
  [/^is listed twice$/, () => t('fe.listed_twice')],
  [/^must be after starts_at$/, () => t('fe.after_start')],
  [/^must be in the future$/, () => t('fe.future')],
  [/^must be a link starting with https:\/\/ or http:\/\/$|^must not contain spaces$|^must be a whole link$/, () => t('fe.link')],
  [/^give a place, an online link/, () => t('fe.place_or_link')],
  [/^is required when the check-in is returned/, () => t('fe.comment_return')],
  [/^cannot be fewer than the (\d+)/, (m) => t('fe.seats_fewer', { n: m[1] })],
  [/^is not funded$/, () => t('fe.not_funded')],
  [/^already has an active match$/, () => t('fe.has_match')],
  [/^is paused$/, () => t('fe.mentor_paused')],
  [/^has no places left$/, () => t('fe.mentor_full')],
  [/^is not a mentor with a profile$/, () => t('fe.not_mentor')],
  [/^is not an application of this call$/, () => t('fe.not_of_call')],
  [/^is not open yet/, () => t('fe.not_open_yet')],
  [/^has been answered already$/, () => t('fe.answered')],
];

// Some English messages of the API name fields or write raw amounts; the
// catalogue says them better in English too.
const rewordInEnglish = /before from|team_size|opens_at|budget_vnd|maximum award|lines add up|has been uploaded|needs criteria|must be a time as|must be one of|revenue_vnd|jobs_created|starts_at|\/api\/|VND budgeted|funds_used|online_url|^one session a day$|^must sum to 100$|meet remotely|^must not be null$/;

export function fieldError(msg) {
  if (locale === 'en' && !rewordInEnglish.test(msg)) return msg.charAt(0).toUpperCase() + msg.slice(1);
  for (const [re, fn] of patterns) {
    const m = re.exec(msg);
    if (m) return fn(m);
  }
  return msg;
}

export function errorMessage(err) {
  const key = `error.${err.code}`;
  if (err.code === 'internal') return t('error.internal', { id: err.requestId || '?' });
  return catalogues[locale][key] ? t(key) : (err.message || t('error.generic'));
}

export function fmtMoney(vnd) {
  return new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-US').format(vnd) + ' ₫';
}

export function fmtDateTime(iso) {
  return new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', {
    dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Ho_Chi_Minh',
  }).format(new Date(iso));
}
