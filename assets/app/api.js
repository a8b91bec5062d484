// The one way the front end talks to Sen's JSON API.  The session lives in
// the HttpOnly cookie; every error comes back in the API's error shape.
export class ApiError extends Error {
  constructor(status, error, requestId) {
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code;
    this.fields = error.fields || null;
    this.requestId = requestId;
  }
}

export async function api(method, path, { body, etag, raw, headers = {} } = {}) {
  const opts = { method, headers: { ...headers }, credentials: 'same-origin' };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      opts.body = body;
    } else {
      opts.body = JSON.stringify(body);
      opts.headers['content-type'] = 'application/json';
    }
  }
  if (etag) opts.headers['if-match'] = etag;
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: 'network' }, null);
  }
  const requestId = res.headers.get('x-request-id');
  if (raw && res.ok) return res;
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  if (!res.ok) {
    throw new ApiError(res.status, (json && json.error) || { code: 'internal', message: text }, requestId);
  }
  if (json && typeof json === 'object') {
    Object.defineProperty(json, '_etag', { value: res.headers.get('etag'), enumerable: false });
  }
  return json;
}
