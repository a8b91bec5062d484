// Faults under load: PostgreSQL stopped and started, and a Kore worker
// killed, while clients keep reading and writing (profiles, drafts,
// submissions, check-ins).  While the database is down every request gets
// 503 with Retry-After, at once (never a hang, never a 500); nothing is
// half-written (each API write is one transaction: the invariants below
// hold after); Sen serves again within seconds of the database coming
// back, without a restart.  A killed worker is replaced by the parent and
// every write that was answered 2xx is in the database afterwards.
//
// Everything runs on loopback against the test server of tests/run.sh,
// with bounded loops: each client stops at a deadline.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { BASE, db, login, scalar } from './lib.mjs';
import { applicant, createDraft, etagOf, fullDraft, fullProfile, ifMatch, makeCall } from './apps_fixtures.mjs';
import { checkinBody, fundedBusiness } from './matrix/followup.mjs';

after(() => db.end());

const CLIENTS = 4;
const HANG_MS = 10000;	// any answer slower than this counts as a hang

const pgctl = (cmd) => execFileSync('app/ops/pg.sh', [cmd, process.env.SEN_PG_DIR, 'fast'], { stdio: 'ignore' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// One request with a deadline: { status, headers, json, at, ms } or
// { error } when the connection broke (a killed worker) or hung.
async function call(method, path, { token, body, headers = {} } = {}) {
  const h = { authorization: `Bearer ${token}`, ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const t0 = Date.now();
  try {
    const res = await fetch(BASE + path, {
      method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(HANG_MS),
    });
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text, at: t0, ms: Date.now() - t0 };
  } catch (e) {
    return { error: e.name === 'TimeoutError' ? 'hang' : 'broken', at: t0, ms: Date.now() - t0 };
  }
}

// Clients: an applicant each, with a draft to edit, a draft to submit,
// a funded business to report on.
const clients = [];
before(async () => {
  for (let k = 0; k < CLIENTS; k++) {
    const me = await applicant({ full_name: `Tải ${k}` });
    const edit = await createDraft(me.token, { call_id: await makeCall(), business_name: `c${k}-0` });
    const sub = await createDraft(me.token, fullDraft({ call_id: await makeCall() }));
    const { businessId } = await fundedBusiness(me.id);
    clients.push({ k, me, edit, sub, businessId });
  }
});

// One client's loop until the deadline; everything it saw is logged.
async function run(c, until, log) {
  let etag = c.etag || c.edit.etag;
  let i = 0;
  let submitted = c.submitted || false;
  let checkedIn = c.checkedIn || false;
  const subKey = `submit-${c.k}-${c.edit.id}`;
  const ciKey = `checkin-${c.k}-${c.businessId}`;
  while (Date.now() < until) {
    i++;
    const name = `c${c.k}-${i}-${Date.now()}`;
    let r;
    switch (i % 5) {
      case 0:
        r = await call('GET', '/api/me', { token: c.me.token });
        log.push({ c: c.k, op: 'me', ...r });
        break;
      case 1:
      case 3:
        r = await call('PATCH', `/api/applications/${c.edit.id}`, { token: c.me.token, body: { business_name: name }, headers: ifMatch(etag) });
        log.push({ c: c.k, op: 'patch', value: name, ...r });
        if (r.status === 200) etag = etagOf(r);
        else if (r.status === 412 || r.error) {
          const g = await call('GET', `/api/applications/${c.edit.id}`, { token: c.me.token });
          log.push({ c: c.k, op: 'get', ...g });
          if (g.status === 200) etag = etagOf(g);
        }
        break;
      case 2:
        r = await call('PUT', '/api/me/profile', { token: c.me.token, body: fullProfile({ full_name: `Tải ${c.k}`, address: `addr ${name}` }) });
        log.push({ c: c.k, op: 'profile', value: `addr ${name}`, ...r });
        break;
      default:
        // The submission and the check-in, retried with their
        // Idempotency-Key until answered: each acts once.
        if (!submitted) {
          r = await call('POST', `/api/applications/${c.sub.id}/submit`, { token: c.me.token, headers: { 'idempotency-key': subKey, ...ifMatch(c.sub.etag) } });
          log.push({ c: c.k, op: 'submit', ...r });
          if (r.status === 200) submitted = true;
        } else if (!checkedIn) {
          r = await call('POST', `/api/businesses/${c.businessId}/checkins`, { token: c.me.token, headers: { 'idempotency-key': ciKey }, body: checkinBody({ schedule_number: 1 }) });
          log.push({ c: c.k, op: 'checkin', ...r });
          if (r.status === 201) checkedIn = true;
        } else {
          r = await call('GET', `/api/businesses/${c.businessId}`, { token: c.me.token });
          log.push({ c: c.k, op: 'business', ...r });
        }
    }
    if (r && (r.status === 503 || r.error)) await sleep(50);
  }
  Object.assign(c, { etag, submitted, checkedIn });
}

// Nothing half-written, and every acknowledged write is there.
async function checkInvariants(log) {
  const ids = clients.flatMap((c) => [c.edit.id, c.sub.id]);
  // Each application's version counts its writes; each write is audited
  // in its own transaction: the two agree, row for row.
  const { rows: mism } = await db.query(`SELECT a.id, a.version,
      (SELECT count(*) FROM audit_log l WHERE l.entity = 'applications' AND l.entity_id = a.id::text AND l.after ? 'version') AS audited
    FROM applications a WHERE a.id = ANY($1)`, [ids]);
  for (const m of mism) assert.equal(Number(m.audited), m.version, `application ${m.id}: ${m.audited} audit rows for version ${m.version}`);
  // The status is the last event's; a submitted application has its
  // event, its reference and its messages; claims only after submission.
  const { rows: apps } = await db.query(`SELECT a.id, a.status, a.reference,
      (SELECT e.to_status FROM application_events e WHERE e.application_id = a.id ORDER BY e.id DESC LIMIT 1) AS last,
      (SELECT count(*) FROM application_events e WHERE e.application_id = a.id AND e.to_status = 'submitted') AS submits,
      (SELECT count(*) FROM priority_claims p WHERE p.application_id = a.id) AS claims
    FROM applications a WHERE a.id = ANY($1)`, [ids]);
  for (const a of apps) {
    assert.equal(a.last, a.status, `application ${a.id}: status and last event`);
    if (a.status === 'draft') {
      assert.equal(Number(a.submits), 0, `draft ${a.id} was not submitted`);
      assert.equal(Number(a.claims), 0, `draft ${a.id} has no claims`);
    } else {
      assert.equal(Number(a.submits), 1, `application ${a.id} submitted once`);
      assert.ok(a.reference, `application ${a.id} has its reference`);
    }
  }
  // A check-in is never without its revision, and each business has at
  // most one for its first schedule slot (retries acted once).
  const biz = clients.map((c) => c.businessId);
  assert.equal(Number(await scalar(`SELECT count(*) FROM checkins k WHERE k.business_id = ANY($1)
    AND NOT EXISTS (SELECT 1 FROM checkin_versions v WHERE v.checkin_id = k.id)`, [biz])), 0);
  for (const b of biz) {
    assert.ok(Number(await scalar('SELECT count(*) FROM checkin_versions v JOIN checkins k ON k.id = v.checkin_id WHERE k.business_id = $1', [b])) <= 1);
  }
  // Every 2xx write is in the database: each acknowledged draft name and
  // address is in the audit trail (written in the write's transaction),
  // and the row holds the last one acknowledged.
  for (const c of clients) {
    const names = new Set((await db.query(`SELECT after->>'business_name' AS v FROM audit_log
      WHERE entity = 'applications' AND entity_id = $1`, [String(c.edit.id)])).rows.map((r) => r.v));
    const acked = log.filter((e) => e.c === c.k && e.op === 'patch' && e.status === 200);
    for (const e of acked) assert.ok(names.has(e.value), `acknowledged ${e.value} is in the database`);
    const now = await scalar('SELECT business_name FROM applications WHERE id = $1', [c.edit.id]);
    if (acked.length) assert.ok(names.has(now));
    const addrs = new Set((await db.query(`SELECT after->>'address' AS v FROM audit_log
      WHERE entity = 'applicant_profiles' AND entity_id = $1`, [String(c.me.id)])).rows.map((r) => r.v));
    for (const e of log.filter((x) => x.c === c.k && x.op === 'profile' && x.status === 200)) {
      assert.ok(addrs.has(e.value), `acknowledged ${e.value} is in the database`);
    }
    for (const e of log.filter((x) => x.c === c.k && x.op === 'submit' && x.status === 200)) {
      assert.equal(await scalar('SELECT status FROM applications WHERE id = $1', [c.sub.id]), 'submitted', JSON.stringify(e.json));
    }
    if (log.some((x) => x.c === c.k && x.op === 'checkin' && x.status === 201)) {
      assert.equal(Number(await scalar('SELECT count(*) FROM checkins WHERE business_id = $1', [c.businessId])), 1);
    }
  }
}

function summary(log) {
  const by = {};
  for (const e of log) {
    const k = e.error || e.status;
    by[k] = (by[k] || 0) + 1;
  }
  return by;
}

test('PostgreSQL stopped and started under load: 503 with Retry-After meanwhile, nothing half-written, back within seconds', async () => {
  assert.ok(process.env.SEN_PG_DIR, 'tests/run.sh sets SEN_PG_DIR');
  const log = [];
  const t0 = Date.now();
  const until = t0 + 9000;
  const load = Promise.all(clients.map((c) => run(c, until, log)));

  await sleep(1500);
  pgctl('stop');
  const downAt = Date.now();
  await sleep(2500);
  const upAt = Date.now();
  pgctl('start');
  const startedAt = Date.now();
  await load;

  // After the load, the server answers normally again.
  const staff = await login('staff');
  const h = await call('GET', '/api/health', { token: staff });
  assert.equal(h.status, 200);
  const s = summary(log);
  console.log(`faults/pg: ${log.length} requests: ${JSON.stringify(s)}; down ${upAt - downAt} ms`);

  for (const e of log) {
    assert.notEqual(e.error, 'hang', `${e.op} hung (${e.ms} ms)`);
    assert.notEqual(e.error, 'broken', `${e.op}: connection broken with only the database down`);
    assert.ok(e.status !== 500 && e.status < 500 || e.status === 503, `${e.op}: ${e.status} ${e.text}`);
    if (e.status === 503) {
      assert.equal(e.json.error.code, 'unavailable');
      assert.ok(Number(e.headers.get('retry-after')) > 0, 'Retry-After on 503');
    }
  }
  // Sent while it was down (and answered before it came back): 503, fast.
  const during = log.filter((e) => e.at > downAt + 100 && e.at + e.ms < upAt);
  assert.ok(during.length >= CLIENTS * 3, `requests while the database was down: ${during.length}`);
  for (const e of during) {
    assert.equal(e.status, 503, `${e.op} while down: ${e.status} ${e.text}`);
    assert.ok(e.ms < 2000, `${e.op} answered in ${e.ms} ms while down`);
  }
  assert.ok(log.some((e) => e.at < downAt && e.status >= 200 && e.status < 300), 'writes succeeded before');
  // Back within seconds: the first success after the start, then no 503.
  const afterUp = log.filter((e) => e.at >= startedAt);
  const firstOk = afterUp.find((e) => e.status >= 200 && e.status < 300);
  assert.ok(firstOk, 'served again after the start');
  assert.ok(firstOk.at + firstOk.ms - startedAt < 5000, `recovered in ${firstOk.at + firstOk.ms - startedAt} ms`);
  const settled = afterUp.filter((e) => e.at > firstOk.at + 1000);
  assert.ok(settled.length > CLIENTS, 'load went on after recovery');
  for (const e of settled) assert.notEqual(e.status, 503, `${e.op} still 503 a second after recovery`);
  // The submissions and check-ins were retried through the outage and
  // acted once.
  for (const c of clients) {
    assert.ok(log.some((e) => e.c === c.k && e.op === 'submit' && e.status === 200), `client ${c.k} submitted`);
  }
  await checkInvariants(log);
});

// The Kore worker processes: the parent's children.
function workers() {
  const parent = String(process.env.SEN_KORE_PID);
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
      if (ppid === parent) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out.sort((a, b) => a - b);
}

test('a Kore worker killed under load is replaced, and no answered write is lost', async () => {
  assert.ok(process.env.SEN_KORE_PID, 'tests/run.sh sets SEN_KORE_PID');
  const before = workers();
  assert.ok(before.length >= 2, `workers of ${process.env.SEN_KORE_PID}: ${before}`);
  const log = [];
  const until = Date.now() + 5000;
  const load = Promise.all(clients.map((c) => run(c, until, log)));
  await sleep(1500);
  const victim = before[before.length - 1];
  process.kill(victim, 'SIGKILL');
  const killedAt = Date.now();
  await load;

  // The parent starts a new worker in place of the killed one.
  let now = workers();
  for (let i = 0; i < 50 && (now.includes(victim) || now.length < before.length); i++) {
    await sleep(100);
    now = workers();
  }
  assert.ok(!now.includes(victim), 'the killed worker is gone');
  assert.equal(now.length, before.length, `workers again: ${before} → ${now}`);
  const s = summary(log);
  console.log(`faults/worker: ${log.length} requests: ${JSON.stringify(s)}; killed ${victim}, workers ${before} → ${now}`);

  for (const e of log) {
    assert.notEqual(e.error, 'hang', `${e.op} hung (${e.ms} ms)`);
    assert.ok(e.error || e.status < 500, `${e.op}: ${e.status} ${e.text}`);
    // Only a request in the killed worker's hands may lose its answer.
    if (e.error) assert.ok(Math.abs(e.at + e.ms - killedAt) < 1000, `${e.op} broken ${e.at + e.ms - killedAt} ms from the kill`);
  }
  const afterKill = log.filter((e) => e.at > killedAt + 500 && !e.error);
  assert.ok(afterKill.length > CLIENTS, 'served after the kill');
  assert.ok(afterKill.every((e) => e.status < 500));
  // Requests keep being served by every worker: a burst of reads.
  const burst = await Promise.all(Array.from({ length: 20 }, () => call('GET', '/api/health')));
  for (const r of burst) assert.equal(r.status, 200);
  await checkInvariants(log);
});
