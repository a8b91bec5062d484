/*
 * The web front end: files under assets/, served with the right content
 * type, an ETag and a strict Content-Security-Policy.  Kore's filemap
 * cannot add headers, hence this handler (conf: route ^/.*$ sen_assets,
 * after the API route).
 *
 * Files are read into memory on first use and kept; a stat() per request
 * notices a changed file, so editing the front end needs no restart.  The
 * path is relative to the working directory, which is the chroot in
 * production (/srv/sen) and the checkout in development.
 */

#include <sys/stat.h>

#include <ctype.h>
#include <fcntl.h>
#include <unistd.h>

#include "sen.h"

#define ASSETS_DIR		"assets"
#define ASSETS_MAX		256		/* files kept in memory */
#define ASSET_SIZE_MAX		(4 * 1024 * 1024)

/*
 * Scripts, styles and images from Sen only: no inline script, no eval, no
 * third party.  Pictures of documents are shown as blob: URLs.
 */
#define ASSETS_CSP							\
	"default-src 'self'; script-src 'self'; style-src 'self'; "	\
	"img-src 'self' data: blob:; connect-src 'self'; "		\
	"font-src 'self'; object-src 'none'; base-uri 'none'; "	\
	"form-action 'self'; frame-ancestors 'none'"

struct asset {
	char		*path;
	u_int8_t	*data;
	size_t		len;
	time_t		mtime;
	char		etag[24];
	const char	*type;
};

static struct asset	assets[ASSETS_MAX];
static int		nassets;

static const struct {
	const char	*ext;
	const char	*type;
} types[] = {
	{ ".html",	"text/html; charset=utf-8" },
	{ ".js",	"text/javascript; charset=utf-8" },
	{ ".mjs",	"text/javascript; charset=utf-8" },
	{ ".css",	"text/css; charset=utf-8" },
	{ ".json",	"application/json; charset=utf-8" },
	{ ".webmanifest", "application/manifest+json" },
	{ ".svg",	"image/svg+xml" },
	{ ".png",	"image/png" },
	{ ".jpg",	"image/jpeg" },
	{ ".ico",	"image/x-icon" },
	{ ".woff2",	"font/woff2" },
	{ ".txt",	"text/plain; charset=utf-8" },
	{ NULL,		NULL }
};

static const char *
asset_type(const char *path)
{
	const char	*dot;
	int		i;

	if ((dot = strrchr(path, '.')) == NULL)
		return (NULL);

	for (i = 0; types[i].ext != NULL; i++) {
		if (!strcmp(dot, types[i].ext))
			return (types[i].type);
	}

	return (NULL);
}

/*
 * Only plain names: letters, digits, '-', '_', '.', and '/' between
 * segments; no segment may start with a dot (no .., no hidden files).
 */
static int
asset_path_ok(const char *p)
{
	const char	*s;

	if (*p != '/' || strlen(p) > 200)
		return (0);

	for (s = p; *s != '\0'; s++) {
		if (*s == '/') {
			if (s[1] == '.' || s[1] == '/')
				return (0);
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return (0);
	}

	return (1);
}

/* FNV-1a over the bytes: cheap, and enough to tell versions apart. */
static void
asset_etag(struct asset *a)
{
	u_int64_t	h;
	size_t		i;

	h = 0xcbf29ce484222325ULL;
	for (i = 0; i < a->len; i++) {
		h ^= a->data[i];
		h *= 0x100000001b3ULL;
	}

	(void)snprintf(a->etag, sizeof(a->etag), "\"%016llx\"",
	    (unsigned long long)h);
}

static int
asset_read(struct asset *a, const char *file, const struct stat *st)
{
	ssize_t		r;
	size_t		off;
	int		fd;

	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		return (0);

	kore_free(a->data);
	a->data = kore_malloc(st->st_size > 0 ? (size_t)st->st_size : 1);
	a->len = (size_t)st->st_size;

	for (off = 0; off < a->len; off += (size_t)r) {
		r = read(fd, a->data + off, a->len - off);
		if (r <= 0) {
			(void)close(fd);
			a->len = 0;
			return (0);
		}
	}
	(void)close(fd);

	a->mtime = st->st_mtime;
	asset_etag(a);

	return (1);
}

static struct asset *
asset_get(const char *path)
{
	struct stat	st;
	struct asset	*a;
	char		file[256];
	int		i;

	(void)snprintf(file, sizeof(file), ASSETS_DIR "%s", path);
	if (stat(file, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > ASSET_SIZE_MAX)
		return (NULL);

	for (i = 0; i < nassets; i++) {
		if (strcmp(assets[i].path, path) != 0)
			continue;
		a = &assets[i];
		if (a->mtime != st.st_mtime || a->len != (size_t)st.st_size) {
			if (!asset_read(a, file, &st))
				return (NULL);
		}
		return (a);
	}

	if (nassets == ASSETS_MAX)
		return (NULL);

	a = &assets[nassets];
	memset(a, 0, sizeof(*a));
	if (!asset_read(a, file, &st))
		return (NULL);
	a->path = kore_strdup(path);
	a->type = asset_type(path);
	nassets++;

	return (a);
}

static void
asset_headers(struct http_request *req)
{
	http_response_header(req, "content-security-policy", ASSETS_CSP);
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_header(req, "referrer-policy", "same-origin");
	http_response_header(req, "x-frame-options", "DENY");
	http_response_header(req, "permissions-policy",
	    "geolocation=(), microphone=(), camera=(self)");
}

static int
asset_not_found(struct http_request *req)
{
	static const char	body[] = "Not found\n";

	asset_headers(req);
	http_response_header(req, "content-type", "text/plain; charset=utf-8");
	http_response(req, 404, body, sizeof(body) - 1);

	return (KORE_RESULT_OK);
}

int	sen_assets(struct http_request *);

int
sen_assets(struct http_request *req)
{
	struct asset	*a;
	const char	*path, *inm;

	if (req->method != HTTP_METHOD_GET &&
	    req->method != HTTP_METHOD_HEAD) {
		http_response_header(req, "allow", "GET, HEAD");
		http_response(req, 405, NULL, 0);
		return (KORE_RESULT_OK);
	}

	path = req->path;
	if (!strcmp(path, "/"))
		path = "/index.html";

	if (!asset_path_ok(path) || asset_type(path) == NULL ||
	    (a = asset_get(path)) == NULL || a->type == NULL)
		return (asset_not_found(req));

	asset_headers(req);
	http_response_header(req, "etag", a->etag);
	/*
	 * No build step means no content hashes in file names, so browsers
	 * revalidate every time; the ETag makes that a cheap 304.  Vendored
	 * libraries change only with their version directory.
	 */
	http_response_header(req, "cache-control",
	    strncmp(path, "/vendor/", 8) == 0 ?
	    "public, max-age=86400" : "no-cache");

	if (http_request_header(req, "if-none-match", &inm) &&
	    !strcmp(inm, a->etag)) {
		http_response(req, 304, NULL, 0);
		return (KORE_RESULT_OK);
	}

	http_response_header(req, "content-type", a->type);
	http_response(req, 200, a->data, a->len);

	return (KORE_RESULT_OK);
}
