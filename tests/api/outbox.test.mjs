// The notification sender, `sen-admin outbox`, against receivers that the
// test itself runs: an HTTP server standing in for the SMS/Zalo gateway
// and a minimal SMTP server.  Messages are queued with SQL (and one set by
// the real trigger on an application's status change); the sender runs as
// a child process with DATABASE_URL from the environment.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { spawn, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { db, scalar, unique } from './lib.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SEN_ADMIN = fileURLToPath(new URL(`../../${process.env.SEN_BUILD || 'build'}/sen-admin`, import.meta.url));
const KEY = 'gw-test-key-7f3a9c';
const FROM = 'Sen Hoàn Kiếm <no-reply@sen.example.vn>';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- the SMS/Zalo gateway -------------------------------------------------
// Every request is recorded.  plan[id] is a list of answers for the
// message with that outbox id, used in turn (the last one sticks):
// a status, or { status, body, delay, hang }.  Default 200.
const gw = { requests: [], plan: new Map(), port: 0, onRequest: null };
const gwServer = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    let json = null;
    try { json = JSON.parse(raw); } catch { /* recorded as raw */ }
    const r = { method: req.method, url: req.url, headers: req.headers, raw, json, at: Date.now() };
    gw.requests.push(r);
    if (gw.onRequest) gw.onRequest(r);
    const list = json && gw.plan.get(Number(json.id));
    let a = list && list.length ? (list.length > 1 ? list.shift() : list[0]) : 200;
    if (typeof a === 'number') a = { status: a };
    if (a.hang) return;
    if (a.delay) await sleep(a.delay);
    res.writeHead(a.status, { 'content-type': 'application/json' });
    res.end(a.body ?? (a.status < 300 ? '{"accepted":true}' : '{"error":"test"}'));
  });
});
const gwFor = (id) => gw.requests.filter((r) => r.json && Number(r.json.id) === Number(id));

// ---- the SMTP server --------------------------------------------------------
// Enough of RFC 5321 for libcurl: 220, EHLO/HELO, MAIL, RCPT, DATA, the
// dot line (with the dot-stuffing undone, as a real server does), RSET,
// NOOP, QUIT.  rcpt[address] answers RCPT TO (default 250).
const mail = { messages: [], rcpt: new Map(), port: 0 };
const smtpServer = net.createServer((sock) => {
  let buf = '';
  let inData = false;
  let lines = [];
  let wire = [];
  let cur = { from: null, to: [] };
  sock.setEncoding('latin1');
  sock.on('error', () => {});
  sock.write('220 smtp.test ESMTP\r\n');
  const handle = (line) => {
    if (inData) {
      if (line === '.') {
        const data = Buffer.from(lines.join('\r\n') + '\r\n', 'latin1');
        mail.messages.push({ ...cur, data: data.toString('latin1'), wire });
        lines = [];
        wire = [];
        inData = false;
        cur = { from: null, to: [] };
        sock.write('250 2.0.0 queued\r\n');
      } else {
        wire.push(line);
        lines.push(line.startsWith('.') ? line.slice(1) : line);
      }
      return;
    }
    const verb = line.slice(0, 4).toUpperCase();
    const arg = (/<([^>]*)>/.exec(line) || [])[1];
    if (verb === 'EHLO') sock.write('250-smtp.test\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n');
    else if (verb === 'HELO') sock.write('250 smtp.test\r\n');
    else if (verb === 'MAIL') { cur.from = arg; sock.write('250 2.1.0 ok\r\n'); }
    else if (verb === 'RCPT') {
      const answer = mail.rcpt.get(arg) || '250 2.1.5 ok';
      if (answer.startsWith('2')) cur.to.push(arg);
      sock.write(`${answer}\r\n`);
    } else if (verb === 'DATA') {
      if (!cur.to.length) sock.write('554 5.5.1 no valid recipients\r\n');
      else { inData = true; sock.write('354 end with .\r\n'); }
    } else if (verb === 'RSET') { cur = { from: null, to: [] }; sock.write('250 ok\r\n'); }
    else if (verb === 'NOOP') sock.write('250 ok\r\n');
    else if (verb === 'QUIT') { sock.write('221 bye\r\n'); sock.end(); }
    else sock.write('502 5.5.2 not implemented\r\n');
  };
  sock.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\r\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 2);
      handle(line);
    }
  });
});
const mailFor = (id) => mail.messages.filter((m) => new RegExp(`^Message-ID: <outbox-${id}@`, 'mi').test(m.data));

// A message as a reader sees it: unfolded headers, RFC 2047 words decoded
// one by one (a word cut inside a character would show U+FFFD), the
// base64 body decoded.
function parseMail(data) {
  const sep = data.indexOf('\r\n\r\n');
  const head = data.slice(0, sep);
  const body = data.slice(sep + 4);
  const headers = {};
  for (const line of head.replace(/\r\n(?=[ \t])/g, '').split('\r\n')) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const text = Buffer.from(body.replace(/\r\n/g, ''), 'base64').toString('utf8');
  return { head, headers, body, text };
}
function decodeWords(v) {
  return v.replace(/\?=[ \t]+=\?/g, '?==?').replace(/=\?UTF-8\?B\?([^?]*)\?=/gi, (m, b) => {
    assert.ok(m.length <= 75, `encoded word of ${m.length} characters`);
    return Buffer.from(b, 'base64').toString('utf8');
  });
}

// ---- queueing and running -------------------------------------------------
// Rows straight into the outbox; returns their ids in order.
async function queue(rows) {
  const ids = [];
  for (const r of rows) {
    const { rows: [x] } = await db.query(
      `INSERT INTO outbox (channel, recipient, locale, event, subject, body, dedupe_key,
         status, attempts, next_attempt_at, locked_until)
       VALUES ($1, $2, 'vi', 'test', $3, $4, $5, $6, $7, coalesce($8::timestamptz, now()), $9)
       RETURNING id`,
      [r.channel || 'sms', r.to || phone(), r.subject || 'Sen: hồ sơ đã nộp', r.body || 'Chào chị Lan,\n\nHồ sơ của chị đã được nộp.',
        unique('test'), r.status || 'pending', r.attempts || 0, r.next || null, r.locked || null]);
    ids.push(Number(x.id));
  }
  return ids;
}
const row = async (id) => (await db.query(
  `SELECT *, extract(epoch FROM next_attempt_at - now())::float AS due_in,
     extract(epoch FROM locked_until - now())::float AS lease_left
   FROM outbox WHERE id = $1`, [id])).rows[0];
const phone = () => `+8491${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
const email = () => `${unique('ob')}@sen.test`.toLowerCase();
const makeDue = (ids) => db.query('UPDATE outbox SET next_attempt_at = now() WHERE id = ANY($1)', [ids]);

function env(extra = {}) {
  const e = { ...process.env };
  for (const k of Object.keys(e)) if (/^SEN_(SMTP|MAIL|GATEWAY|OUTBOX)_/.test(k)) delete e[k];
  return { ...e, ...extra };
}
const smtpConf = () => ({ SEN_SMTP_URL: `smtp://127.0.0.1:${mail.port}`, SEN_MAIL_FROM: FROM });
const gwConf = () => ({ SEN_GATEWAY_URL: `http://127.0.0.1:${gw.port}/v1/messages`, SEN_GATEWAY_KEY: KEY });
const allConf = (extra = {}) => ({ ...smtpConf(), ...gwConf(), ...extra });

function start(extra, args = ['outbox', '--once']) {
  const child = spawn(SEN_ADMIN, args, { cwd: ROOT, env: env(extra) });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => { out.stdout += d; });
  child.stderr.on('data', (d) => { out.stderr += d; });
  out.done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ...out })));
  out.child = child;
  return out;
}
async function once(extra = allConf()) {
  const r = await start(extra).done;
  assert.equal(r.code, 0, `sen-admin outbox --once: ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}
async function until(fn, ms = 5000, what = 'condition') {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}

before(async () => {
  await new Promise((r) => gwServer.listen(0, '127.0.0.1', r));
  await new Promise((r) => smtpServer.listen(0, '127.0.0.1', r));
  gw.port = gwServer.address().port;
  mail.port = smtpServer.address().port;
  // Messages that earlier test files queued go out now, to these receivers,
  // so that they do not meet the plans of the tests below.
  await once();
});

after(async () => {
  // Retries still scheduled by these tests would go to receivers that are
  // gone: close them.
  await db.query(`UPDATE outbox SET status = 'failed', locked_until = NULL, last_error = 'test finished'
                  WHERE event = 'test' AND status IN ('pending', 'sending')`);
  gwServer.closeAllConnections();
  await new Promise((r) => gwServer.close(r));
  await new Promise((r) => smtpServer.close(r));
  await db.end();
});

// ---- the tests --------------------------------------------------------------

test('a status change queues e-mail and SMS through the trigger; each is delivered once, Vietnamese intact', async () => {
  const addr = email();
  const tel = phone();
  const name = 'Nguyễn Thị Ngọc Ánh';
  const { rows: [u] } = await db.query(
    `INSERT INTO users (email, full_name, role, phone, locale) VALUES ($1, $2, 'applicant', $3, 'vi') RETURNING id`,
    [addr, name, tel]);
  await db.query(
    `INSERT INTO applicant_profiles (user_id, date_of_birth, ward_code, notify_channels)
     VALUES ($1, '1990-05-01', '00061', '{email,sms}')`, [u.id]);
  const c = await db.connect();
  let callId;
  try {
    await c.query('BEGIN');
    ({ rows: [{ id: callId }] } = await c.query(
      `INSERT INTO calls (title_vi, title_en, description_vi, description_en, opens_at, closes_at,
         budget_vnd, max_award_vnd, stages, wards)
       VALUES ('Khởi nghiệp 2026', 'Startups 2026', 'Mô tả', 'Description', now() - interval '1 day',
         now() + interval '30 days', 1000000000, 50000000, '{idea,startup,new_business}',
         ARRAY(SELECT code FROM wards)) RETURNING id`));
    await c.query(
      `INSERT INTO call_criteria (call_id, position, key, label_vi, label_en, max_score, weight)
       VALUES ($1, 1, 'feasibility', 'Tính khả thi', 'Feasibility', 10, 100)`, [callId]);
    await c.query(`UPDATE calls SET status = 'open' WHERE id = $1`, [callId]);
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK');
    throw e;
  } finally {
    c.release();
  }
  const { rows: [a] } = await db.query(
    `INSERT INTO applications (call_id, applicant_id, business_name, stage, sector, description,
       problem_customers, plan, team_size, women_employed, jobs_planned, amount_requested_vnd,
       budget_lines, women_capital_pct, woman_manager, ward_code, outside_district)
     VALUES ($1, $2, 'Xưởng may Ánh Dương', 'idea', 'garment_textile', 'May áo dài', 'Khách du lịch',
       'Mua máy may', 3, 3, 2, 20000000, '[{"item":"Máy may","amount_vnd":20000000}]', 100, true,
       '00061', false) RETURNING id`, [callId, u.id]);
  // Creating the draft is not news.
  assert.equal(Number(await scalar('SELECT count(*) FROM outbox WHERE user_id = $1', [u.id])), 0);

  await db.query(`UPDATE applications SET status = 'submitted' WHERE id = $1`, [a.id]);
  const { rows: queued } = await db.query(
    `SELECT o.*, a.reference FROM outbox o, applications a
     WHERE o.user_id = $1 AND a.id = $2 ORDER BY o.channel`, [u.id, a.id]);
  assert.deepEqual(queued.map((q) => [q.channel, q.recipient, q.status]),
    [['email', addr, 'pending'], ['sms', tel, 'pending']]);
  const [em, sms] = queued;
  assert.match(em.subject, /Đã nộp/);
  assert.ok(em.subject.includes(em.reference));
  assert.ok(em.body.includes(`Chào chị ${name}`));

  const r = await once();
  assert.match(r.stdout, new RegExp(`#${em.id} email to ${esc(addr)}: sent`));

  // The e-mail: once, with the envelope, headers and text it should have.
  const got = mailFor(em.id);
  assert.equal(got.length, 1, 'exactly one e-mail');
  assert.equal(got[0].from, 'no-reply@sen.example.vn');
  assert.deepEqual(got[0].to, [addr]);
  const m = parseMail(got[0].data);
  for (const line of got[0].data.split('\r\n')) {
    assert.ok(line.length <= 78, `line of ${line.length}: ${line}`);
    assert.match(line, /^[\x20-\x7e]*$/, 'seven-bit on the wire');
  }
  assert.equal(decodeWords(m.headers.subject), em.subject);
  assert.equal(decodeWords(m.headers.from), FROM);
  assert.equal(m.headers.to, addr);
  assert.equal(m.headers['message-id'], `<outbox-${em.id}@sen.example.vn>`);
  assert.equal(m.headers['mime-version'], '1.0');
  assert.equal(m.headers['content-type'], 'text/plain; charset=UTF-8');
  assert.equal(m.headers['content-transfer-encoding'], 'base64');
  assert.match(m.headers.date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  assert.ok(Math.abs(Date.parse(m.headers.date) - Date.now()) < 60000, 'Date is now');
  assert.equal(m.text, em.body.replace(/\n/g, '\r\n'));
  assert.ok(m.text.includes(`Chào chị ${name}`));

  // The SMS: once, to the gateway, authenticated, with its idempotency key.
  const req = gwFor(sms.id);
  assert.equal(req.length, 1, 'exactly one gateway request');
  assert.equal(req[0].method, 'POST');
  assert.equal(req[0].url, '/v1/messages');
  assert.equal(req[0].headers['content-type'], 'application/json');
  assert.equal(req[0].headers.authorization, `Bearer ${KEY}`);
  assert.equal(req[0].headers['idempotency-key'], `outbox-${sms.id}`);
  assert.deepEqual(req[0].json, { id: Number(sms.id), channel: 'sms', to: tel, text: `${sms.subject}\n\n${sms.body}` });

  for (const q of queued) {
    const after1 = await row(q.id);
    assert.equal(after1.status, 'sent');
    assert.ok(after1.sent_at);
    assert.equal(after1.attempts, 1);
    assert.equal(after1.locked_until, null);
  }

  // A message marked sent never goes again.
  await once();
  assert.equal(mailFor(em.id).length, 1);
  assert.equal(gwFor(sms.id).length, 1);
});

test('a long subject is folded into encoded words and the text survives lines that start with a dot', async () => {
  const subject = 'Sen: hồ sơ HK-2026-00042 gửi đợt hỗ trợ "Khởi nghiệp phụ nữ Hoàn Kiếm 2026" đã chuyển sang trạng thái: Không đủ điều kiện — xem lý do trên Sen';
  const body = 'Chào chị Lan,\n.\n..hai chấm\n.\r\nDòng rất dài: ' + 'Hàng Bạc, Hàng Đào, Cửa Đông. '.repeat(20) + '\n.';
  const [id] = await queue([{ channel: 'email', to: email(), subject, body }]);
  await once();
  const got = mailFor(id);
  assert.equal(got.length, 1);
  const m = parseMail(got[0].data);
  assert.ok(m.head.split('\r\n').filter((l) => /^[ \t]/.test(l)).length >= 3, 'the subject is folded');
  for (const line of got[0].data.split('\r\n')) assert.ok(line.length <= 78, line);
  // Nothing on the wire needed dot-stuffing: no line starts with a dot.
  assert.ok(got[0].wire.every((l) => !l.startsWith('.')));
  const decoded = decodeWords(m.headers.subject);
  assert.ok(!decoded.includes('\ufffd'), 'no character cut between two words');
  assert.equal(decoded, subject);
  assert.equal(m.text, body.replace(/\r\n|\n/g, '\r\n'));
  assert.equal((await row(id)).status, 'sent');
});

test('channels without configuration are written to the log and marked logged', async () => {
  const [e1, z1] = await queue([
    { channel: 'email', to: email(), subject: 'Sen: Đủ điều kiện', body: 'Chào chị Hoa,\nHồ sơ đủ điều kiện.' },
    { channel: 'zalo', subject: 'Sen: Đang sơ tuyển', body: 'Chào chị Mai,\nHồ sơ đang được sơ tuyển.' },
  ]);
  // E-mail configured, the gateway not: the Zalo message is logged.
  const r1 = await once(smtpConf());
  assert.match(r1.stdout, /sms, zalo: not configured, written here/);
  assert.equal(mailFor(e1).length, 1);
  assert.equal((await row(e1)).status, 'sent');
  const z = await row(z1);
  assert.equal(z.status, 'logged');
  assert.ok(z.sent_at);
  assert.equal(gwFor(z1).length, 0);
  assert.match(r1.stdout, new RegExp(`#${z1} zalo to ${esc(z.recipient)} \\(SEN_GATEWAY_URL not set\\): written here`));
  assert.ok(r1.stdout.includes('  Subject: Sen: Đang sơ tuyển'));
  assert.ok(r1.stdout.includes('  | Chào chị Mai,\n  | Hồ sơ đang được sơ tuyển.'));

  // Nothing configured: e-mail is logged too.
  const [e2] = await queue([{ channel: 'email', to: email(), subject: 'Sen: Đã rút', body: 'Chào chị Thu.' }]);
  const r2 = await once({});
  assert.match(r2.stdout, /e-mail: not configured, written here/);
  assert.match(r2.stdout, new RegExp(`#${e2} email to \\S+ \\(SEN_SMTP_URL not set\\): written here`));
  assert.ok(r2.stdout.includes('  | Chào chị Thu.'));
  assert.equal((await row(e2)).status, 'logged');
  assert.equal(mailFor(e2).length, 0);
  // Logged is final: configuring the channel later does not send it again.
  await once();
  assert.equal(mailFor(e2).length, 0);
  assert.equal(gwFor(z1).length, 0);
});

test('a failing gateway is retried with backoff, never before the message is due', async () => {
  const ids = await queue([{ channel: 'sms' }, { channel: 'zalo' }, { channel: 'sms' }]);
  const [a, b, c] = ids;
  gw.plan.set(a, [{ status: 500, body: 'upstream down' }, 200]);
  gw.plan.set(b, [429, 200]);
  gw.plan.set(c, [408, 200]);
  const r = await once();
  assert.match(r.stdout, /3 to retry/);
  for (const id of ids) {
    const x = await row(id);
    assert.equal(x.status, 'pending');
    assert.equal(x.attempts, 1);
    assert.equal(x.locked_until, null);
    assert.equal(x.sent_at, null);
    // The first wait is 30 s, less at most a tenth.
    assert.ok(x.due_in > 25 && x.due_in <= 30, `next attempt in ${x.due_in} s`);
    assert.equal(gwFor(id).length, 1);
  }
  assert.match((await row(a)).last_error, /HTTP 500: upstream down/);
  assert.match((await row(b)).last_error, /HTTP 429/);
  assert.match((await row(c)).last_error, /HTTP 408/);

  // Not due yet: nothing goes.
  await once();
  for (const id of ids) {
    assert.equal(gwFor(id).length, 1, 'no resend before the message is due');
    assert.equal((await row(id)).attempts, 1);
  }

  // Due: the second attempt succeeds, under the same idempotency key.
  await makeDue(ids);
  await once();
  for (const id of ids) {
    const x = await row(id);
    assert.equal(x.status, 'sent');
    assert.equal(x.attempts, 2);
    const reqs = gwFor(id);
    assert.equal(reqs.length, 2);
    assert.deepEqual(reqs.map((q) => q.headers['idempotency-key']), [`outbox-${id}`, `outbox-${id}`]);
  }
});

test('a gateway that cannot be reached is retried', async () => {
  // A port that nothing listens on.
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const dead = s.address().port;
  await new Promise((r) => s.close(r));
  const [id] = await queue([{ channel: 'sms' }]);
  await once(allConf({ SEN_GATEWAY_URL: `http://127.0.0.1:${dead}/v1/messages` }));
  const x = await row(id);
  assert.equal(x.status, 'pending');
  assert.equal(x.attempts, 1);
  assert.match(x.last_error, /^gateway: /);
  assert.ok(x.due_in > 25);
});

test('a permanent refusal (4xx) fails the message at once', async () => {
  const [a, b] = await queue([{ channel: 'sms' }, { channel: 'zalo' }]);
  gw.plan.set(a, [{ status: 400, body: '{"error":"invalid number"}' }]);
  gw.plan.set(b, [422]);
  const r = await once();
  assert.match(r.stdout, /2 failed/);
  const x = await row(a);
  assert.equal(x.status, 'failed');
  assert.equal(x.attempts, 1);
  assert.equal(x.sent_at, null);
  assert.match(x.last_error, /HTTP 400: \{"error":"invalid number"\}/);
  assert.equal((await row(b)).status, 'failed');
  // Failed is final.
  await makeDue([a, b]);
  await once();
  assert.equal(gwFor(a).length, 1);
  assert.equal(gwFor(b).length, 1);
});

test('after the last allowed attempt the message fails', async () => {
  const [id] = await queue([{ channel: 'sms' }]);
  gw.plan.set(id, [503]);
  const conf = allConf({ SEN_OUTBOX_MAX_ATTEMPTS: '2' });
  await once(conf);
  assert.equal((await row(id)).status, 'pending');
  await makeDue([id]);
  await once(conf);
  const x = await row(id);
  assert.equal(x.status, 'failed');
  assert.equal(x.attempts, 2);
  assert.match(x.last_error, /HTTP 503.*gave up after 2 attempts/);
  await makeDue([id]);
  await once(conf);
  assert.equal(gwFor(id).length, 2);

  // The default is 8 attempts; the schedule doubles up to the cap.
  const [d] = await queue([{ channel: 'sms', attempts: 6 }]);
  gw.plan.set(d, [500]);
  await once();
  const y = await row(d);
  assert.equal(y.status, 'pending');
  assert.equal(y.attempts, 7);
  assert.ok(y.due_in > 1920 * 0.9 - 5 && y.due_in <= 1920, `wait after attempt 7: ${y.due_in}`);
  await makeDue([d]);
  await once();
  assert.equal((await row(d)).status, 'failed');
  assert.equal((await row(d)).attempts, 8);

  // Bad settings stop the sender before it touches anything.
  const [p] = await queue([{ channel: 'email', to: email() }]);
  for (const bad of [{ SEN_OUTBOX_MAX_ATTEMPTS: '0' }, { SEN_OUTBOX_MAX_ATTEMPTS: 'many' },
    { SEN_SMTP_URL: `smtp://127.0.0.1:${mail.port}` }, { ...smtpConf(), SEN_MAIL_FROM: 'nobody' },
    { SEN_GATEWAY_URL: 'ftp://x' }]) {
    const r = await start(bad).done;
    assert.equal(r.code, 2, JSON.stringify(bad));
    assert.match(r.stderr, /sen-admin outbox: /);
  }
  assert.equal((await row(p)).status, 'pending');
  await once();
});

test('SMTP: a refused recipient fails at once, a temporary refusal or a dead server is retried', async () => {
  const bad = email();
  const later = email();
  mail.rcpt.set(bad, '550 5.1.1 no such mailbox');
  mail.rcpt.set(later, '451 4.3.0 try again later');
  const [a, b] = await queue([{ channel: 'email', to: bad }, { channel: 'email', to: later }]);
  await once();
  const x = await row(a);
  assert.equal(x.status, 'failed');
  assert.equal(x.attempts, 1);
  assert.match(x.last_error, /^smtp: .*\(reply 550\)$/);
  const y = await row(b);
  assert.equal(y.status, 'pending');
  assert.match(y.last_error, /reply 451/);
  assert.ok(y.due_in > 25 && y.due_in <= 30);
  assert.equal(mailFor(a).length + mailFor(b).length, 0);

  // Accepted now.
  mail.rcpt.delete(later);
  await makeDue([b]);
  await once();
  assert.equal(mailFor(b).length, 1);
  assert.equal((await row(b)).status, 'sent');

  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const dead = s.address().port;
  await new Promise((r) => s.close(r));
  const [c] = await queue([{ channel: 'email', to: email() }]);
  await once(allConf({ SEN_SMTP_URL: `smtp://127.0.0.1:${dead}` }));
  assert.equal((await row(c)).status, 'pending');
  assert.match((await row(c)).last_error, /^smtp: .*\(reply 0\)$/);
});

test('two senders at once deliver each of 20 messages exactly once', async () => {
  const rows = [];
  for (let i = 0; i < 20; i++) rows.push(i % 2 ? { channel: 'email', to: email() } : { channel: i % 4 ? 'zalo' : 'sms' });
  const ids = await queue(rows);
  // Slow answers keep both senders busy at the same time.
  for (const id of ids) gw.plan.set(id, [{ status: 200, delay: 40 }]);
  const [r1, r2] = await Promise.all([start(allConf()).done, start(allConf()).done]);
  assert.equal(r1.code, 0, r1.stderr);
  assert.equal(r2.code, 0, r2.stderr);
  for (const id of ids) {
    const n = gwFor(id).length + mailFor(id).length;
    assert.equal(n, 1, `message ${id} delivered ${n} times`);
    const x = await row(id);
    assert.equal(x.status, 'sent');
    assert.equal(x.attempts, 1, 'claimed once');
  }
  const sent = (r) => Number((/(\d+) sent, \d+ logged/.exec(r.stdout) || [])[1]);
  assert.equal(sent(r1) + sent(r2), 20);
  assert.ok(sent(r1) > 0 && sent(r2) > 0, `both senders worked: ${sent(r1)} + ${sent(r2)}`);
});

test('an expired lease (a crashed sender) is taken over; a live lease is left alone', async () => {
  const [dead, live] = await queue([
    { channel: 'sms', status: 'sending', attempts: 1, locked: new Date(Date.now() - 60000).toISOString() },
    { channel: 'sms', status: 'sending', attempts: 1, locked: new Date(Date.now() + 600000).toISOString() },
  ]);
  const before1 = await row(live);
  await once();
  const x = await row(dead);
  assert.equal(x.status, 'sent');
  assert.equal(x.attempts, 2);
  assert.equal(gwFor(dead).length, 1);
  assert.equal(gwFor(dead)[0].headers['idempotency-key'], `outbox-${dead}`);
  const y = await row(live);
  assert.equal(y.status, 'sending');
  assert.equal(y.attempts, 1);
  assert.equal(y.locked_until.getTime(), before1.locked_until.getTime());
  assert.equal(gwFor(live).length, 0);

  // An expired lease on the last allowed attempt: given up, not resent.
  const [last] = await queue([{ channel: 'sms', status: 'sending', attempts: 8, locked: new Date(Date.now() - 1000).toISOString() }]);
  await once();
  assert.equal((await row(last)).status, 'failed');
  assert.match((await row(last)).last_error, /gave up after 8 attempts/);
  assert.equal(gwFor(last).length, 0);
  await db.query(`UPDATE outbox SET status = 'failed' WHERE id = $1`, [live]);
});

test('a sender killed mid-batch: the rest is delivered once, the message in flight again under the same key', async () => {
  const ids = await queue([1, 2, 3, 4, 5].map(() => ({ channel: 'sms' })));
  const inFlight = ids[2];
  gw.plan.set(inFlight, [{ hang: true }, 200]);
  const seen = new Promise((resolve) => { gw.onRequest = (r) => { if (r.json && Number(r.json.id) === inFlight) resolve(); }; });
  const s = start(allConf());
  await seen;
  s.child.kill('SIGKILL');
  const r = await s.done;
  gw.onRequest = null;
  assert.equal(r.signal, 'SIGKILL');
  assert.equal((await row(ids[0])).status, 'sent');
  assert.equal((await row(ids[1])).status, 'sent');
  const x = await row(inFlight);
  assert.equal(x.status, 'sending');
  assert.ok(x.lease_left > 60, 'its lease is still running');
  assert.equal((await row(ids[3])).status, 'pending');

  // A new sender delivers the rest and keeps off the leased message.
  await once();
  assert.equal((await row(ids[3])).status, 'sent');
  assert.equal((await row(ids[4])).status, 'sent');
  assert.equal(gwFor(inFlight).length, 1);
  assert.equal((await row(inFlight)).status, 'sending');

  // The lease runs out (simulated): the message goes again, same key.
  await db.query(`UPDATE outbox SET locked_until = now() - interval '1 second' WHERE id = $1`, [inFlight]);
  await once();
  const y = await row(inFlight);
  assert.equal(y.status, 'sent');
  assert.equal(y.attempts, 2);
  const reqs = gwFor(inFlight);
  assert.equal(reqs.length, 2);
  assert.equal(reqs[0].headers['idempotency-key'], reqs[1].headers['idempotency-key']);
  assert.equal(reqs[0].raw, reqs[1].raw);
  // What a gateway keeping idempotency keys delivers: each message once.
  for (const id of ids) {
    const keys = new Set(gwFor(id).map((q) => q.headers['idempotency-key']));
    assert.deepEqual([...keys], [`outbox-${id}`]);
  }
  for (const id of ids.filter((i) => i !== inFlight)) assert.equal(gwFor(id).length, 1);
  await once();
  assert.equal(gwFor(inFlight).length, 2);
});

test('loop mode: woken at once by a new message, reconnects after a database restart, finishes its message on SIGTERM', async () => {
  const s = start(allConf(), ['outbox']);
  try {
    await until(() => s.stdout.includes('waiting for messages'), 5000, 'the sender to listen');
    // Woken by NOTIFY, not by the 5-second poll.
    const [id] = await queue([{ channel: 'sms' }]);
    const t0 = Date.now();
    await until(() => gwFor(id).length === 1, 4000, 'the delivery');
    assert.ok(Date.now() - t0 < 2500, `delivered after ${Date.now() - t0} ms`);
    await until(async () => (await row(id)).status === 'sent', 2000, 'sent');

    // PostgreSQL restarts under it: it reconnects and goes on.
    const pgctl = (cmd) => execFileSync('app/ops/pg.sh', [cmd, process.env.SEN_PG_DIR, 'fast'], { cwd: ROOT, stdio: 'ignore' });
    pgctl('stop');
    pgctl('start');
    // The test's own pooled connections died too; let the pool replace them.
    await until(async () => { try { await db.query('SELECT 1'); return true; } catch { return false; } },
      5000, 'the pool to reconnect');
    await Promise.all([1, 2, 3, 4].map(() => db.query('SELECT 1').catch(() => {})));
    const [id2] = await queue([{ channel: 'zalo' }]);
    await until(async () => (await row(id2)).status === 'sent', 15000, 'delivery after the restart');
    assert.equal(gwFor(id2).length, 1);
    assert.match(s.stdout, /cannot connect|lost the database|claim|sweep/);

    // SIGTERM while a delivery is in flight: the message is finished.
    const [id3] = await queue([{ channel: 'sms' }]);
    gw.plan.set(id3, [{ status: 200, delay: 1000 }]);
    await until(() => gwFor(id3).length === 1, 8000, 'the slow delivery to start');
    s.child.kill('SIGTERM');
    const r = await s.done;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /stopped/);
    const x = await row(id3);
    assert.equal(x.status, 'sent');
    assert.equal(x.attempts, 1);
  } finally {
    s.child.kill('SIGKILL');
  }
});
