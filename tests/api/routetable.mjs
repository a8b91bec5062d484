// The route table and the role-matrix rows, shared by routes.test.mjs
// (who may call what) and ownership.test.mjs (another person's records,
// and what reviewers see).  Not a test file itself.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { db, demo, login } from './lib.mjs';
import { userIdOf } from './fixtures.mjs';

export const ROLES = ['applicant', 'reviewer', 'mentor', 'staff', 'admin'];
export const DEMO_OF = { applicant: 'applicant', reviewer: 'reviewer1', mentor: 'mentor', staff: 'staff', admin: 'admin' };

// routes.def, as the C preprocessor sees it: ROUTE(method, "path", roles, handler).
export function parseRoutes() {
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

// Another applicant and another mentor (made in SQL, no session
// needed) and another reviewer than the demo ones: the owners of
// "another person's" records.  The mentor has no profile yet: the rows
// that match her give her one (tests/api/matrix/mentoring.mjs).
async function otherUser(role, name) {
  const { rows } = await db.query(`INSERT INTO users (email, full_name, role)
    VALUES ($1, $2, $3) RETURNING id`, [`other-${Date.now()}-${Math.random().toString(36).slice(2)}@sen.test`, name, role]);
  return Number(rows[0].id);
}
const otherApplicant = () => otherUser('applicant', 'Phan Thị Khác');
const otherMentor = () => otherUser('mentor', 'Đỗ Thị Cố Vấn Khác');

// Log in as every role, and load every row of tests/api/matrix/*.mjs.
export async function loadMatrix() {
  const tokens = {};
  const ids = {};
  for (const role of ROLES) {
    tokens[role] = await login(DEMO_OF[role]);
    ids[role] = await userIdOf(demo[DEMO_OF[role]].email);
  }
  const others = {
    applicant: await otherApplicant(), mentor: await otherMentor(), reviewer: await userIdOf(demo.reviewer2.email),
  };
  const matrix = {};
  const dir = new URL('./matrix/', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.mjs')).sort()) {
    const rows = (await import(new URL(f, dir))).default({ tokens, ids, others, ROLES, DEMO_OF });
    for (const [k, v] of Object.entries(rows)) {
      assert.ok(!(k in matrix), `matrix row "${k}" defined twice (${f})`);
      matrix[k] = v;
    }
  }
  return { tokens, ids, others, matrix };
}

// An id that no record has: what "another's" must look like.
export const MISSING_ID = 9000000000000;

// For rows whose argument is the record's id: another person's record,
// made by make(), against a missing one.
export const theirs = (make) => async () => ({ arg: await make(), missing: MISSING_ID });
