// GET /api/health, and recovery when PostgreSQL goes away and comes back.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, db } from './lib.mjs';

after(() => db.end());

test('health says ok with the database up', async () => {
  const r = await api('GET', '/api/health');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { status: 'ok', database: 'ok' });
  assert.match(r.headers.get('x-request-id'), /^[0-9a-f]{32}$/);
});

test('503 while PostgreSQL is down, ok again without a restart', async () => {
  assert.ok(process.env.SEN_PG_DIR, 'tests/run.sh sets SEN_PG_DIR');
  const pgctl = (cmd) => execFileSync('app/ops/pg.sh', [cmd, process.env.SEN_PG_DIR, 'fast'], { stdio: 'inherit' });
  pgctl('stop');
  try {
    const down = await api('GET', '/api/health');
    assert.equal(down.status, 503);
    assert.deepEqual(down.json, { status: 'unavailable', database: 'unreachable' });
    assert.ok(Number(down.headers.get('retry-after')) > 0);

    const login = await api('POST', '/api/auth/login', { body: { email: 'staff@sen.example', password: 'x' } });
    assert.equal(login.status, 503);
    assert.equal(login.json.error.code, 'unavailable');
  } finally {
    pgctl('start');
  }
  // Pooled connections died with the server: the next requests reconnect.
  let ok = 0;
  for (let i = 0; i < 20; i++) {
    const r = await api('GET', '/api/health');
    if (r.status === 200) ok++;
  }
  assert.equal(ok, 20);
});
