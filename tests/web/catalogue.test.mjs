// All text in the two catalogues: the same keys in Vietnamese and English,
// every key the code names exists, and no Vietnamese text in the code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const APP = new URL('../../assets/app/', import.meta.url).pathname;
const load = async (file) => (await import(`data:text/javascript,${encodeURIComponent(await readFile(join(APP, file), 'utf8'))}`)).default;

async function sources() {
  const out = [];
  for (const dir of ['', 'views/']) {
    for (const f of await readdir(join(APP, dir))) if (f.endsWith('.js')) out.push([dir + f, await readFile(join(APP, dir, f), 'utf8')]);
  }
  return out;
}

test('the catalogues have the same keys, none empty', async () => {
  const vi = await load('i18n/vi.js');
  const en = await load('i18n/en.js');
  assert.deepEqual(Object.keys(en).filter((k) => !(k in vi)), []);
  assert.deepEqual(Object.keys(vi).filter((k) => !(k in en)), []);
  assert.deepEqual(Object.entries({ ...vi, ...en }).filter(([, v]) => !v).map(([k]) => k), []);
});

test('every key named in the code is in the catalogue; no Vietnamese text in the code', async () => {
  const vi = await load('i18n/vi.js');
  const missing = [];
  const vietnamese = [];
  for (const [file, src] of await sources()) {
    for (const m of src.matchAll(/\bt\(\s*'([^']+)'/g)) if (!(m[1] in vi)) missing.push(`${file}: ${m[1]}`);
    const code = src.replace(/^\s*\/\/.*$/gm, '');
    for (const m of code.matchAll(/.*[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ].*/gi)) vietnamese.push(`${file}: ${m[0].trim()}`);
  }
  assert.deepEqual(missing, []);
  assert.deepEqual(vietnamese, []);
});
