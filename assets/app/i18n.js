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
  [/^is required$/, () => t('fe.required')],
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
  [/^must be a date as YYYY-MM-DD$/, () => t('fe.date')],
];

export function fieldError(msg) {
  if (locale === 'en') return msg.charAt(0).toUpperCase() + msg.slice(1);
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
