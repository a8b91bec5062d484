/*
 * assets/openapi.json against app/routes.def: every route documented with
 * its method, operationId (the handler) and x-roles (the roles), nothing
 * documented that the server does not route, and the error statuses the
 * dispatcher (core/api.c) can always produce.
 *
 * The route table comes from routes.def through an X-macro, as strings,
 * so that this needs neither Kore nor the role constants.  The document is
 * read from the working directory (the repository root under `make
 * test-unit`), or from $SEN_OPENAPI.
 */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "unit.h"

#define OPENAPI_PATH	"assets/openapi.json"

struct doc_route {
	const char	*method;	/* GET, POST, ... */
	const char	*path;		/* /api/users/{id} */
	const char	*roles;		/* PUBLIC, STAFF | ADMIN, ... */
	const char	*handler;
};

static const struct doc_route	doc_routes[] = {
#define ROUTE(m, p, r, h)	{ #m, p, #r, #h },
#include "routes.def"
#undef ROUTE
};

#define NDOC_ROUTES	(sizeof(doc_routes) / sizeof(doc_routes[0]))

/* The operation keys of an OpenAPI 3.0 path item. */
static const char *const	http_methods[] = {
	"get", "put", "post", "delete", "options", "head", "patch", "trace",
	NULL
};

static json_t	*doc;
static char	doc_error[512];

static const char *
doc_file(void)
{
	const char	*p;

	if ((p = getenv("SEN_OPENAPI")) != NULL && *p != '\0')
		return (p);

	return (OPENAPI_PATH);
}

/* The parsed document, loaded once; NULL (and doc_error) when it fails. */
static json_t *
doc_get(void)
{
	json_error_t	jerr;

	if (doc != NULL || doc_error[0] != '\0')
		return (doc);

	doc = json_load_file(doc_file(), JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL) {
		(void)snprintf(doc_error, sizeof(doc_error),
		    "%s: line %d, column %d: %s", doc_file(), jerr.line,
		    jerr.column, jerr.text);
	} else if (!json_is_object(doc)) {
		(void)snprintf(doc_error, sizeof(doc_error),
		    "%s: not a JSON object", doc_file());
		json_decref(doc);
		doc = NULL;
	}

	return (doc);
}

static json_t *
doc_require(void)
{
	json_t	*d;

	if ((d = doc_get()) == NULL)
		fail_msg("cannot load the OpenAPI document: %s", doc_error);

	return (d);
}

static void
lower(const char *s, char *out, size_t len)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i < len - 1; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* The operation object for a route, or NULL. */
static json_t *
doc_operation(json_t *d, const char *method, const char *path)
{
	char	m[16];

	lower(method, m, sizeof(m));

	return (json_object_get(json_object_get(json_object_get(d, "paths"),
	    path), m));
}

static int
route_exists(const char *method, const char *path)
{
	size_t	i;

	for (i = 0; i < NDOC_ROUTES; i++) {
		if (!strcasecmp(doc_routes[i].method, method) &&
		    !strcmp(doc_routes[i].path, path))
			return (1);
	}

	return (0);
}

/*
 * Roles in one spelling: each alternative trimmed, joined by " | ".
 * "STAFF|ADMIN", "STAFF  |  ADMIN" and "STAFF | ADMIN" all become the
 * last; blanks inside a name are dropped.
 */
static void
roles_normalise(const char *in, char *out, size_t len)
{
	size_t	o;

	o = 0;
	for (; *in != '\0' && o + 4 < len; in++) {
		if (isspace((unsigned char)*in))
			continue;
		if (*in == '|') {
			out[o++] = ' ';
			out[o++] = '|';
			out[o++] = ' ';
			continue;
		}
		out[o++] = *in;
	}
	out[o] = '\0';
}

/* x-roles joined by " | ", or -1 when it is not an array of strings. */
static int
xroles_join(json_t *xroles, char *out, size_t len)
{
	size_t		i;
	json_t		*v;
	const char	*s, *p;

	if (!json_is_array(xroles) || json_array_size(xroles) == 0)
		return (-1);

	out[0] = '\0';
	json_array_foreach(xroles, i, v) {
		if ((s = json_string_value(v)) == NULL || *s == '\0')
			return (-1);
		/* One role per element: "STAFF | ADMIN" is two. */
		for (p = s; *p != '\0'; p++) {
			if (*p == '|' || isspace((unsigned char)*p))
				return (-1);
		}
		if (strlen(out) + strlen(s) + 4 >= len)
			return (-1);
		if (i > 0)
			(void)strcat(out, " | ");
		(void)strcat(out, s);
	}

	return (0);
}

static int
has_response(json_t *op, const char *status)
{
	return (json_object_get(json_object_get(op, "responses"), status) !=
	    NULL);
}

static int
has_success(json_t *op)
{
	const char	*status;
	json_t		*v;

	json_object_foreach(json_object_get(op, "responses"), status, v) {
		if (status[0] == '2' && strlen(status) == 3)
			return (1);
	}

	return (0);
}

/* The document parses, is OpenAPI 3.0.3 and has the parts we rely on. */
static void
test_document_valid(void **state)
{
	json_t	*d;
	int	bad;

	(void)state;
	d = doc_require();
	bad = 0;

	if (!json_is_string(json_object_get(d, "openapi")) || strcmp(
	    json_string_value(json_object_get(d, "openapi")), "3.0.3") != 0) {
		print_error("%s: \"openapi\" must be \"3.0.3\"\n", doc_file());
		bad++;
	}
	if (!json_is_string(json_object_get(json_object_get(d, "info"),
	    "title")) || !json_is_string(json_object_get(json_object_get(d,
	    "info"), "version"))) {
		print_error("%s: info.title and info.version are required\n",
		    doc_file());
		bad++;
	}
	if (!json_is_object(json_object_get(d, "paths"))) {
		print_error("%s: \"paths\" must be an object\n", doc_file());
		bad++;
	}
	if (!json_is_object(json_object_get(json_object_get(d,
	    "components"), "schemas")) ||
	    json_object_get(json_object_get(json_object_get(d,
	    "components"), "schemas"), "Error") == NULL) {
		print_error("%s: components.schemas.Error is missing\n",
		    doc_file());
		bad++;
	}

	if (bad)
		fail_msg("%d problem(s) with the document", bad);
}

/* (a) every route of routes.def is in the document. */
static void
test_routes_documented(void **state)
{
	json_t	*d;
	size_t	i;
	int	bad;

	(void)state;
	d = doc_require();
	bad = 0;

	for (i = 0; i < NDOC_ROUTES; i++) {
		if (json_is_object(doc_operation(d, doc_routes[i].method,
		    doc_routes[i].path)))
			continue;
		print_error("%s %s (%s) is in routes.def but not in %s\n",
		    doc_routes[i].method, doc_routes[i].path,
		    doc_routes[i].handler, doc_file());
		bad++;
	}

	if (bad)
		fail_msg("%d route(s) undocumented", bad);
}

/* (b) the document has no operation that routes.def lacks. */
static void
test_no_unrouted_operations(void **state)
{
	json_t		*d, *item, *v;
	const char	*path, *key;
	size_t		i;
	int		bad, known;
	char		upper[16];

	(void)state;
	d = doc_require();
	bad = 0;

	json_object_foreach(json_object_get(d, "paths"), path, item) {
		if (!json_is_object(item)) {
			print_error("%s: path item %s is not an object\n",
			    doc_file(), path);
			bad++;
			continue;
		}
		json_object_foreach(item, key, v) {
			known = 0;
			for (i = 0; http_methods[i] != NULL; i++) {
				if (!strcmp(http_methods[i], key))
					known = 1;
			}
			if (!known)
				continue;	/* parameters, summary, ... */
			if (route_exists(key, path))
				continue;
			for (i = 0; key[i] != '\0' && i < sizeof(upper) - 1;
			    i++)
				upper[i] = (char)toupper((unsigned char)key[i]);
			upper[i] = '\0';
			print_error("%s %s is documented in %s but not in "
			    "routes.def\n", upper, path, doc_file());
			bad++;
		}
	}

	if (bad)
		fail_msg("%d documented operation(s) not routed", bad);
}

/* (c) operationId is the handler's name. */
static void
test_operation_ids(void **state)
{
	json_t		*d, *op;
	const char	*id;
	size_t		i;
	int		bad;

	(void)state;
	d = doc_require();
	bad = 0;

	for (i = 0; i < NDOC_ROUTES; i++) {
		op = doc_operation(d, doc_routes[i].method, doc_routes[i].path);
		if (op == NULL)
			continue;	/* reported by test_routes_documented */
		id = json_string_value(json_object_get(op, "operationId"));
		if (id != NULL && !strcmp(id, doc_routes[i].handler))
			continue;
		print_error("%s %s: operationId is %s%s%s, routes.def says "
		    "\"%s\"\n", doc_routes[i].method, doc_routes[i].path,
		    id ? "\"" : "", id ? id : "missing", id ? "\"" : "",
		    doc_routes[i].handler);
		bad++;
	}

	if (bad)
		fail_msg("%d operationId(s) differ from the handlers", bad);
}

/* (d) x-roles, joined by " | ", are the roles of routes.def. */
static void
test_roles(void **state)
{
	json_t	*d, *op;
	size_t	i;
	int	bad;
	char	want[128], got[128];

	(void)state;
	d = doc_require();
	bad = 0;

	for (i = 0; i < NDOC_ROUTES; i++) {
		op = doc_operation(d, doc_routes[i].method, doc_routes[i].path);
		if (op == NULL)
			continue;
		roles_normalise(doc_routes[i].roles, want, sizeof(want));
		if (xroles_join(json_object_get(op, "x-roles"), got,
		    sizeof(got)) == -1) {
			print_error("%s %s: x-roles must be a non-empty array "
			    "of role names, one per element (routes.def: %s)\n",
			    doc_routes[i].method, doc_routes[i].path, want);
			bad++;
			continue;
		}
		if (!strcmp(got, want))
			continue;
		print_error("%s %s: x-roles are \"%s\", routes.def says "
		    "\"%s\"\n", doc_routes[i].method, doc_routes[i].path,
		    got, want);
		bad++;
	}

	if (bad)
		fail_msg("%d operation(s) with the wrong x-roles", bad);
}

/*
 * (e) the statuses the dispatcher can always produce: 401 and 403 on a
 * route that needs a login, 403 (the CSRF rule) on every state-changing
 * method, 404 on a route with an {id}; and some success.
 */
static void
test_error_responses(void **state)
{
	json_t		*d, *op;
	const struct doc_route	*r;
	size_t		i;
	int		bad, public_route;
	char		roles[128];

	(void)state;
	d = doc_require();
	bad = 0;

	for (i = 0; i < NDOC_ROUTES; i++) {
		r = &doc_routes[i];
		if ((op = doc_operation(d, r->method, r->path)) == NULL)
			continue;
		if (!json_is_object(json_object_get(op, "responses"))) {
			print_error("%s %s: no responses\n", r->method,
			    r->path);
			bad++;
			continue;
		}

		roles_normalise(r->roles, roles, sizeof(roles));
		public_route = !strcmp(roles, "PUBLIC");

		if (!has_success(op)) {
			print_error("%s %s: no 2xx response\n", r->method,
			    r->path);
			bad++;
		}
		if (!public_route && !has_response(op, "401")) {
			print_error("%s %s: needs a login (%s) but documents "
			    "no 401\n", r->method, r->path, roles);
			bad++;
		}
		if (!public_route && !has_response(op, "403")) {
			print_error("%s %s: is limited to %s but documents "
			    "no 403\n", r->method, r->path, roles);
			bad++;
		}
		if (strcmp(r->method, "GET") != 0 &&
		    strcmp(r->method, "HEAD") != 0 &&
		    strcmp(r->method, "OPTIONS") != 0 &&
		    !has_response(op, "403")) {
			print_error("%s %s: state-changing, so the CSRF rule "
			    "can answer 403, but no 403 is documented\n",
			    r->method, r->path);
			bad++;
		}
		if (strchr(r->path, '{') != NULL && !has_response(op, "404")) {
			print_error("%s %s: has a path parameter but "
			    "documents no 404\n", r->method, r->path);
			bad++;
		}
	}

	if (bad)
		fail_msg("%d missing response(s)", bad);
}

static int
teardown_doc(void **state)
{
	(void)state;
	json_decref(doc);
	doc = NULL;
	doc_error[0] = '\0';

	return (0);
}

int
unit_openapi(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_document_valid),
		cmocka_unit_test(test_routes_documented),
		cmocka_unit_test(test_no_unrouted_operations),
		cmocka_unit_test(test_operation_ids),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_error_responses),
	};

	return (cmocka_run_group_tests_name("openapi", tests, NULL,
	    teardown_doc));
}
