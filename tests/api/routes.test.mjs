// Who may call what: every route of app/routes.def, called anonymously,
// with rubbish credentials, and as every role.  The rows live in
// tests/api/matrix/*.mjs, one file per domain; a route without a row, or a
// row whose roles differ from routes.def, fails this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { db, demo, login } from './lib.mjs';
import { assertErr, unchanged, userIdOf } from './fixtures.mjs';

after(() => db.end());

const ROLES = ['applicant', 'reviewer', 'mentor', 'staff', 'admin'];
const DEMO_OF = { applicant: 'applicant', reviewer: 'reviewer1', mentor: 'mentor', staff: 'staff', admin: 'admin' };
const tokens = {};
const ids = {};
const matrix = {};

before(async () => {
  for (const role of ROLES) {
    tokens[role] = await login(DEMO_OF[role]);
    ids[role] = await userIdOf(demo[DEMO_OF[role]].email);
  }
  const dir = new URL('./matrix/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs')).sort()) {
    const rows = (await import(new URL(f, dir))).default({ tokens, ids, ROLES, DEMO_OF });
    for (const [k, v] of Object.entries(rows)) {
      assert.ok(!(k in matrix), `matrix row "${k}" defined twice (${f})`);
      matrix[k] = v;
    }
  }
});

// routes.def, as the C preprocessor sees it: ROUTE(method, "path", roles, handler).
function parseRoutes() {
  const src = readFileSync(new URL('../../app/routes.def', import.meta.url), 'utf8');
  const code = src.replace(/\/\*[\s\S]*?\*\//g, '');
  const routes = [];
  for (const m of code.matchAll(/ROUTE\(\s*(\w+)\s*,\s*"([^"]+)"\s*,\s*([^,]+?)\s*,\s*(\w+)\s*\)/g)) {
    const names = m[3].split('|').map((s) => s.trim());
    let allowed;
    if (names.includes('PUBLIC')) allowed = 'public';
    else if (names.includes('ANY_USER')) allowed = [...ROLES];
    else allowed = ROLES.filter((r) => names.includes(r.toUpperCase()));
    routes.push({ method: m[1], path: m[2], allowed, handler: m[4] });
  }
  assert.equal(routes.length, (code.match(/ROUTE\(/g) || []).length, 'every ROUTE( line parsed');
  return routes;
}

test('role matrix: every route of routes.def, anonymous → 401, wrong role → 403, right role → 2xx', async (t) => {
  const routes = parseRoutes();
  assert.ok(routes.length >= 13);
  const keys = routes.map((r) => `${r.method} ${r.path}`);
  for (const k of Object.keys(matrix)) assert.ok(keys.includes(k), `matrix row "${k}" is not in routes.def any more`);

  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    await t.test(key, async () => {
      const row = matrix[key];
      assert.ok(row, `routes.def has "${key}" (${route.handler}) but this test has no row for it: add one`);
      assert.deepEqual(route.allowed, row.allowed, `roles of ${key} in routes.def`);

      if (row.allowed === 'public') {
        const r = await row.call(null, row.prep && (await row.prep()));
        assert.equal(r.status, row.ok, `${key} anonymous: ${r.text}`);
        return;
      }

      let arg = row.prep && (await row.prep());
      assertErr(assert, await unchanged(assert, () => row.call(null, arg)), 401, 'unauthorized');
      // Rubbish and unknown credentials are anonymous too.
      assertErr(assert, await unchanged(assert, () => row.call('x'.repeat(43), arg)), 401, 'unauthorized');

      for (const role of ROLES) {
        if (!row.allowed.includes(role)) {
          const r = await unchanged(assert, () => row.call(tokens[role], arg));
          assertErr(assert, r, 403, 'forbidden');
          continue;
        }
        const token = row.fresh ? await login(DEMO_OF[role]) : tokens[role];
        const r = await row.call(token, arg);
        assert.equal(r.status, row.ok, `${key} as ${role}: ${r.text}`);
        if (row.prep) arg = await row.prep();
      }
    });
  }
});

