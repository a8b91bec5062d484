// The front end's files: content types, caching and the security headers
// that make injected markup harmless (app/core/assets.c).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { BASE } from './lib.mjs';

const get = (path, headers = {}) => fetch(BASE + path, { headers });

// fetch() normalises dot segments away; a hostile client does not.
function rawGet(path) {
  const { hostname, port } = new URL(BASE);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname, () => {
      s.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
    s.on('error', reject);
  });
}

test('the front page is served with a strict CSP and revalidation', async () => {
  const r = await get('/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/html; charset=utf-8');
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'(;|$)/);
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'), csp);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('cache-control'), 'no-cache');
  const body = await r.text();
  assert.equal(body, readFileSync(new URL('../../assets/index.html', import.meta.url), 'utf8'));

  const etag = r.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{16}"$/);
  const again = await get('/index.html', { 'if-none-match': etag });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), '');
});

test('the OpenAPI document is a static file too, as JSON', async () => {
  const r = await get('/openapi.json');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(JSON.parse(await r.text()).openapi, '3.0.3');
});

test('no path escapes assets/, hidden files and unknown types are 404', async () => {
  for (const p of ['/../Makefile', '/../../etc/passwd', '/%2e%2e/Makefile', '/.git/config',
    '/nothing.html', '/index.html/', '//index.html', '/a/../index.html', '/./index.html',
    '/Makefile', '/x.exe', '/index.html%00.png']) {
    const r = await rawGet(p);
    assert.equal(r.status, 404, `${p}: ${r.text.slice(0, 80)}`);
    assert.match(r.text, /content-security-policy: default-src 'self'/i, p);
  }
});

test('only GET and HEAD', async () => {
  const r = await fetch(BASE + '/index.html', { method: 'POST', body: 'x' });
  assert.equal(r.status, 405);
  const h = await fetch(BASE + '/index.html', { method: 'HEAD' });
  assert.equal(h.status, 200);
});
