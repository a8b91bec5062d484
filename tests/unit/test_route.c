/*
 * route.c: which paths a template matches, and the ids it hands over.
 * Handlers trust those ids, so every refusal below is a promise.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "lib/route.h"

#define MAXP	4

static void
test_id_matches(void **state)
{
	int64_t		params[MAXP];
	int		n;

	n = -1;
	assert_true(route_match("/api/users/{id}", "/api/users/42", params,
	    MAXP, &n));
	assert_int_equal(n, 1);
	assert_int_equal(params[0], 42);

	assert_true(route_match("/api/users/{id}", "/api/users/1", params,
	    MAXP, &n));
	assert_int_equal(params[0], 1);

	assert_true(route_match("/api/users/{id}", "/api/users/10", params,
	    MAXP, &n));
	assert_int_equal(params[0], 10);

	/* The largest id PostgreSQL's bigint can hold. */
	assert_true(route_match("/api/users/{id}",
	    "/api/users/9223372036854775807", params, MAXP, &n));
	assert_int_equal(n, 1);
	assert_true(params[0] == INT64_MAX);

	assert_true(route_match("/api/users/{id}",
	    "/api/users/1000000000000000000", params, MAXP, &n));
	assert_true(params[0] == 1000000000000000000LL);
}

static void
test_id_refused(void **state)
{
	static const char *const bad[] = {
		"/api/users/042",
		"/api/users/0",
		"/api/users/00",
		"/api/users/-1",
		"/api/users/+1",
		"/api/users/ 42",
		"/api/users/42 ",
		"/api/users/4a",
		"/api/users/a4",
		"/api/users/0x1f",
		"/api/users/1e3",
		"/api/users/4.2",
		"/api/users/42/",
		"/api/users/42/roles",
		"/api/users/42//",
		"/api/users/",
		"/api/users",
		"/api/users//42",
		"/api/users/{id}",
		"/api/users/%34%32",
		"/api/users/9223372036854775808",
		"/api/users/9999999999999999999",
		"/api/users/18446744073709551616",
		"/api/users/99999999999999999999",
		"/api/users/00000000000000000001",
		"/api/users/\xd9\xa4",		/* Arabic-Indic four */
		NULL
	};
	int64_t		params[MAXP];
	size_t		i;
	int		n;

	for (i = 0; bad[i] != NULL; i++) {
		if (route_match("/api/users/{id}", bad[i], params, MAXP, &n))
			fail_msg("'%s' matched /api/users/{id}", bad[i]);
	}
}

static void
test_two_ids(void **state)
{
	int64_t		params[MAXP];
	int		n;

	assert_true(route_match("/api/calls/{id}/reviews/{rid}",
	    "/api/calls/7/reviews/9", params, MAXP, &n));
	assert_int_equal(n, 2);
	assert_int_equal(params[0], 7);
	assert_int_equal(params[1], 9);

	assert_false(route_match("/api/calls/{id}/reviews/{rid}",
	    "/api/calls/7/reviews/09", params, MAXP, &n));
	assert_false(route_match("/api/calls/{id}/reviews/{rid}",
	    "/api/calls/7/review/9", params, MAXP, &n));
	assert_false(route_match("/api/calls/{id}/reviews/{rid}",
	    "/api/calls/7/reviews", params, MAXP, &n));
	assert_false(route_match("/api/calls/{id}/reviews/{rid}",
	    "/api/calls/reviews/9", params, MAXP, &n));

	/* More ids than room for them: no match rather than an overflow. */
	params[1] = 12345;
	assert_false(route_match("/api/calls/{id}/reviews/{rid}",
	    "/api/calls/7/reviews/9", params, 1, &n));
	assert_int_equal(params[1], 12345);
	assert_false(route_match("/api/users/{id}", "/api/users/7", params,
	    0, &n));
}

static void
test_static(void **state)
{
	static const char *const bad[] = {
		"/api/health/", "/api/healthz", "/api/healt", "/API/health",
		"/api//health", "api/health", "", "/", "/api", "/api/",
		"//api/health", "/api/health/x", "/api/health?x=1",
		"/api/health\n", "/api/he%61lth", NULL
	};
	int64_t		params[MAXP];
	size_t		i;
	int		n;

	n = 99;
	assert_true(route_match("/api/health", "/api/health", params, MAXP,
	    &n));
	assert_int_equal(n, 0);

	for (i = 0; bad[i] != NULL; i++) {
		if (route_match("/api/health", bad[i], params, MAXP, &n))
			fail_msg("'%s' matched /api/health", bad[i]);
	}
}

static void
test_root_and_lengths(void **state)
{
	int64_t		params[MAXP];
	int		n;

	assert_true(route_match("/", "/", params, MAXP, &n));
	assert_int_equal(n, 0);
	assert_false(route_match("/", "", params, MAXP, &n));
	assert_false(route_match("/", "//", params, MAXP, &n));
	assert_false(route_match("/", "/a", params, MAXP, &n));
	assert_false(route_match("/a", "/", params, MAXP, &n));

	/* The path may not be shorter or longer than the template. */
	assert_false(route_match("/api/users/{id}/roles", "/api/users/42",
	    params, MAXP, &n));
	assert_false(route_match("/api/users/{id}", "/api/users/42/roles",
	    params, MAXP, &n));
	assert_true(route_match("/api/users/{id}/roles", "/api/users/42/roles",
	    params, MAXP, &n));
	assert_int_equal(n, 1);
	assert_int_equal(params[0], 42);
}

static void
test_template_forms(void **state)
{
	int64_t		params[MAXP];
	int		n;

	/* Only a braced name is a parameter; "{}" is literal text. */
	assert_true(route_match("/a/{}", "/a/{}", params, MAXP, &n));
	assert_int_equal(n, 0);
	assert_false(route_match("/a/{}", "/a/1", params, MAXP, &n));
	assert_false(route_match("/a/{id", "/a/1", params, MAXP, &n));
	assert_true(route_match("/a/{id", "/a/{id", params, MAXP, &n));

	/* A parameter takes a whole segment, never part of one. */
	assert_false(route_match("/a/{id}", "/a/1-2", params, MAXP, &n));
	assert_true(route_match("/a/{id}/b", "/a/12/b", params, MAXP, &n));
	assert_int_equal(params[0], 12);
}

static void
test_count_reset(void **state)
{
	int64_t		params[MAXP];
	int		n;

	/* The count is the caller's to read after every call. */
	n = 3;
	assert_false(route_match("/api/x", "/api/y", params, MAXP, &n));
	assert_int_equal(n, 0);
}

int
unit_route(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_id_matches),
		cmocka_unit_test(test_id_refused),
		cmocka_unit_test(test_two_ids),
		cmocka_unit_test(test_static),
		cmocka_unit_test(test_root_and_lengths),
		cmocka_unit_test(test_template_forms),
		cmocka_unit_test(test_count_reset),
	};

	return (cmocka_run_group_tests_name("route", tests, NULL, NULL));
}
