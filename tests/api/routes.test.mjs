// Who may call what: every route of app/routes.def, called anonymously,
// with rubbish credentials, and as every role.  The rows live in
// tests/api/matrix/*.mjs, one file per domain; a route without a row, or a
// row whose roles differ from routes.def, fails this test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { db, login } from './lib.mjs';
import { assertErr, unchanged } from './fixtures.mjs';
import { DEMO_OF, ROLES, loadMatrix, parseRoutes } from './routetable.mjs';

after(() => db.end());

let tokens = {};
let matrix = {};

before(async () => {
  ({ tokens, matrix } = await loadMatrix());
});

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

