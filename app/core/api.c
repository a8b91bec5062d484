/*
 * The API's front door.  Kore hands every /api/ request to sen_api(),
 * which finds the route in routes.def, gives the request an id, works out
 * who is calling, applies the route's roles and the CSRF rule, and only
 * then calls the handler.  Handlers can therefore assume an authorised
 * caller and concentrate on their domain.
 */

#include <arpa/inet.h>

#include <ctype.h>
#include <strings.h>

#include "sen.h"
#include "lib/qs.h"
#include "lib/token.h"

#define GET		HTTP_METHOD_GET
#define POST		HTTP_METHOD_POST
#define PUT		HTTP_METHOD_PUT
#define PATCH		HTTP_METHOD_PATCH
#define DELETE		HTTP_METHOD_DELETE
#define PUBLIC		ROLE_PUBLIC
#define ANY_USER	ROLE_ANY_USER
#define APPLICANT	ROLE_APPLICANT
#define REVIEWER	ROLE_REVIEWER
#define MENTOR		ROLE_MENTOR
#define STAFF		ROLE_STAFF
#define ADMIN		ROLE_ADMIN

static const struct api_route	routes[] = {
#define ROUTE(m, p, r, h)	{ m, p, r, h, #h },
#include "routes.def"
#undef ROUTE
};

#define NROUTES		(sizeof(routes) / sizeof(routes[0]))

static void	api_free(struct http_request *);
static void	api_identify(struct api_ctx *);
static int	api_route(struct api_ctx *);
static int	api_csrf_ok(struct api_ctx *);
static int	api_method_safe(int);

const struct api_route *
api_routes(size_t *n)
{
	*n = NROUTES;
	return (routes);
}

int
sen_api(struct http_request *req)
{
	struct api_ctx	*ctx;
	int		r;

	if ((ctx = req->hdlr_extra) != NULL)
		return (ctx->route->handler(ctx));

	ctx = kore_calloc(1, sizeof(*ctx));
	ctx->req = req;
	req->hdlr_extra = ctx;
	req->onfree = api_free;

	api_identify(ctx);

	if (!api_route(ctx))
		return (KORE_RESULT_OK);

	if (ctx->route->roles == ROLE_PUBLIC) {
		/* Optional: an invalid session just means anonymous. */
		if (session_authenticate(ctx) == -1)
			return (KORE_RESULT_OK);	/* 503 sent */
	} else {
		if ((r = session_authenticate(ctx)) == -1)
			return (KORE_RESULT_OK);	/* 503 sent */
		if (r == 0) {
			api_error(ctx, 401, "unauthorized",
			    "Log in to continue");
			return (KORE_RESULT_OK);
		}
		if (!(ctx->route->roles & ctx->user.role)) {
			api_error(ctx, 403, "forbidden",
			    "Your role may not do this");
			return (KORE_RESULT_OK);
		}
	}

	if (!api_csrf_ok(ctx)) {
		api_error(ctx, 403, "forbidden",
		    "Cross-site request refused: missing or foreign Origin");
		return (KORE_RESULT_OK);
	}

	/* A retry of a request already answered is answered here. */
	if (!idem_start(ctx))
		return (KORE_RESULT_OK);

	return (ctx->route->handler(ctx));
}

void *
api_state(struct api_ctx *ctx, size_t len, void (*fn)(void *))
{
	if (ctx->state == NULL) {
		ctx->state = kore_calloc(1, len);
		ctx->state_free = fn;
	}

	return (ctx->state);
}

/*
 * Kore may call this more than once for the same request (it retries the
 * free while a task is still running), so it must be idempotent.
 */
static void
api_free(struct http_request *req)
{
	struct api_ctx	*ctx = req->hdlr_extra;

	if (ctx == NULL || ctx->state == NULL)
		return;

	if (ctx->state_free != NULL)
		ctx->state_free(ctx->state);
	kore_free(ctx->state);
	ctx->state = NULL;
}

static int
header_token_ok(const char *s, size_t min, size_t max)
{
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= max)
			return (0);
		if (!isalnum((unsigned char)s[i]) && s[i] != '-')
			return (0);
	}

	return (i >= min);
}

/* Request id, client address and scheme, trusting the proxy if told to. */
static void
api_identify(struct api_ctx *ctx)
{
	struct connection	*c = ctx->req->owner;
	const char		*v;

	if (sen_cfg.trust_proxy &&
	    http_request_header(ctx->req, "x-request-id", &v) &&
	    header_token_ok(v, 8, SEN_REQID_LEN)) {
		(void)snprintf(ctx->request_id, sizeof(ctx->request_id),
		    "%s", v);
	} else if (!token_hex(ctx->request_id, sizeof(ctx->request_id), 16)) {
		(void)snprintf(ctx->request_id, sizeof(ctx->request_id),
		    "%llx", (unsigned long long)kore_time_ms());
	}

	if (sen_cfg.trust_proxy &&
	    http_request_header(ctx->req, "x-real-ip", &v) &&
	    strlen(v) < sizeof(ctx->client_ip)) {
		(void)snprintf(ctx->client_ip, sizeof(ctx->client_ip), "%s", v);
	} else if (c->family == AF_INET) {
		(void)inet_ntop(AF_INET, &c->addr.ipv4.sin_addr,
		    ctx->client_ip, sizeof(ctx->client_ip));
	} else if (c->family == AF_INET6) {
		(void)inet_ntop(AF_INET6, &c->addr.ipv6.sin6_addr,
		    ctx->client_ip, sizeof(ctx->client_ip));
	} else {
		(void)snprintf(ctx->client_ip, sizeof(ctx->client_ip), "local");
	}

	ctx->secure = sen_cfg.trust_proxy &&
	    http_request_header(ctx->req, "x-forwarded-proto", &v) &&
	    !strcasecmp(v, "https");
}

static int
api_route(struct api_ctx *ctx)
{
	struct http_request	*req = ctx->req;
	char			allow[64];
	size_t			i, len;
	int			method, n, path_known;
	int64_t			params[SEN_PATH_PARAMS];

	method = req->method == HTTP_METHOD_HEAD ? HTTP_METHOD_GET :
	    req->method;
	path_known = 0;
	allow[0] = '\0';

	for (i = 0; i < NROUTES; i++) {
		if (!route_match(routes[i].path, req->path, params,
		    SEN_PATH_PARAMS, &n))
			continue;

		path_known = 1;
		len = strlen(allow);
		(void)snprintf(allow + len, sizeof(allow) - len, "%s%s%s",
		    len ? ", " : "", http_method_text(routes[i].method),
		    routes[i].method == HTTP_METHOD_GET ? ", HEAD" : "");

		if (routes[i].method == method) {
			ctx->route = &routes[i];
			memcpy(ctx->params, params, sizeof(params));
			ctx->nparams = n;
			return (1);
		}
	}

	if (path_known) {
		api_header(ctx, "allow", allow);
		api_error(ctx, 405, "method_not_allowed",
		    "This method is not allowed here");
	} else {
		api_error(ctx, 404, "not_found", "No such endpoint");
	}

	return (0);
}

static int
api_method_safe(int method)
{
	return (method == HTTP_METHOD_GET || method == HTTP_METHOD_HEAD ||
	    method == HTTP_METHOD_OPTIONS);
}

/* scheme://host[:port] of an Origin or Referer, compared with our host. */
static int
origin_matches(struct api_ctx *ctx, const char *origin)
{
	const char	*authority, *end, *host;
	size_t		len;

	if (sen_cfg.public_origin != NULL) {
		len = strlen(sen_cfg.public_origin);
		if (!strncmp(origin, sen_cfg.public_origin, len) &&
		    (origin[len] == '\0' || origin[len] == '/'))
			return (1);
	}

	if ((authority = strstr(origin, "://")) == NULL)
		return (0);
	authority += 3;
	end = strchr(authority, '/');
	len = end ? (size_t)(end - authority) : strlen(authority);

	if (!http_request_header(ctx->req, "host", &host))
		return (0);

	return (strlen(host) == len && !strncasecmp(authority, host, len));
}

/*
 * Browsers attach cookies to cross-site requests; they also say where a
 * request comes from.  A state-changing request that carries an Origin
 * must come from us; one authenticated by the session cookie must prove
 * it (Origin, or Referer for older browsers).  Bearer tokens are never
 * sent by a browser on its own, so they need no such proof.
 */
static int
api_csrf_ok(struct api_ctx *ctx)
{
	const char	*origin;

	if (api_method_safe(ctx->req->method))
		return (1);

	if (http_request_header(ctx->req, "origin", &origin)) {
		if (!strcmp(origin, "null"))
			return (0);
		return (origin_matches(ctx, origin));
	}

	if (!ctx->user.via_cookie)
		return (1);

	if (http_request_header(ctx->req, "referer", &origin))
		return (origin_matches(ctx, origin));

	return (0);
}

int
role_bit(const char *name)
{
	if (!strcmp(name, "applicant"))
		return (ROLE_APPLICANT);
	if (!strcmp(name, "reviewer"))
		return (ROLE_REVIEWER);
	if (!strcmp(name, "mentor"))
		return (ROLE_MENTOR);
	if (!strcmp(name, "staff"))
		return (ROLE_STAFF);
	if (!strcmp(name, "admin"))
		return (ROLE_ADMIN);

	return (0);
}

/*
 * A query-string parameter.  1: found, 0: absent, -1: malformed (a 400
 * reply has been sent).
 */
int
api_query(struct api_ctx *ctx, const char *name, char *out, size_t len)
{
	char		msg[128];
	int		r;

	if ((r = qs_get(ctx->req->query_string, name, out, len)) == -1) {
		(void)snprintf(msg, sizeof(msg),
		    "Query parameter '%s' is malformed or too long", name);
		api_error_fields(ctx, 400, "validation_failed", msg,
		    json_pack("{s:s}", name, "is malformed or too long"));
	}

	return (r);
}

/* An integer parameter within [min, max], def when absent. */
int
api_query_int(struct api_ctx *ctx, const char *name, int64_t min,
    int64_t max, int64_t def, int64_t *out)
{
	char		buf[24], msg[128];
	long long	v;
	int		r, err;

	*out = def;
	if ((r = api_query(ctx, name, buf, sizeof(buf))) <= 0)
		return (r);

	v = kore_strtonum(buf, 10, min, max, &err);
	if (err != KORE_RESULT_OK) {
		(void)snprintf(msg, sizeof(msg),
		    "must be an integer from %lld to %lld",
		    (long long)min, (long long)max);
		api_error_fields(ctx, 400, "validation_failed",
		    "Query parameter is out of range",
		    json_pack("{s:s}", name, msg));
		return (-1);
	}

	*out = v;
	return (1);
}
