/*
 * schema.c: every rule a field table can express, and the path and message
 * each broken rule reports, since forms show those messages in place.
 */

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "unit.h"
#include "lib/schema.h"

static const char *const roles[] = { "applicant", "reviewer", "staff", NULL };

/* Enough choices that the message cannot list them all in 96 bytes. */
static const char *const districts[] = {
	"ba-dinh", "hoan-kiem", "tay-ho", "long-bien", "cau-giay",
	"dong-da", "hai-ba-trung", "hoang-mai", "thanh-xuan", "nam-tu-liem",
	"bac-tu-liem", "ha-dong", NULL
};

static int	no_x_calls;

static const char *
no_x(const char *s)
{
	no_x_calls++;
	return (strchr(s, 'x') != NULL ? "must not contain x" : NULL);
}

static const struct schema_field address_fields[] = {
	{ .name = "street", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED,
	    .min = 1, .max = 100 },
	{ .name = "city", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED,
	    .min = 1, .max = 50 },
	{ .name = "zip", .type = SCHEMA_STRING, .max = 10 },
	{ .name = NULL }
};

static const struct schema_field item_fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED,
	    .min = 1, .max = 20 },
	{ .name = "qty", .type = SCHEMA_INT, .min = 1, .max = 99 },
	{ .name = NULL }
};

static const struct schema_field item_schema = {
	.name = "item", .type = SCHEMA_OBJECT, .fields = item_fields
};

static const struct schema_field tag_schema = {
	.name = "tag", .type = SCHEMA_STRING, .min = 1, .max = 5
};

static const struct schema_field int_schema = {
	.name = "n", .type = SCHEMA_INT, .min = 0, .max = 9
};

static const struct schema_field row_schema = {
	.name = "row", .type = SCHEMA_ARRAY, .min = 1, .max = 3,
	.items = &int_schema
};

static const struct schema_field fields[] = {
	{ .name = "name", .type = SCHEMA_STRING, .flags = SCHEMA_REQUIRED,
	    .min = 2, .max = 6 },
	{ .name = "bio", .type = SCHEMA_STRING, .flags = SCHEMA_MULTILINE,
	    .max = 200 },
	{ .name = "note", .type = SCHEMA_STRING, .max = 200 },
	{ .name = "nick", .type = SCHEMA_STRING, .flags = SCHEMA_NULLABLE,
	    .max = 20, .check = no_x },
	{ .name = "phone", .type = SCHEMA_STRING,
	    .flags = SCHEMA_REQUIRED | SCHEMA_NULLABLE, .max = 20 },
	{ .name = "age", .type = SCHEMA_INT, .min = 1, .max = 100 },
	{ .name = "delta", .type = SCHEMA_INT, .min = -10, .max = -1 },
	{ .name = "active", .type = SCHEMA_BOOL },
	{ .name = "role", .type = SCHEMA_ENUM, .choices = roles },
	{ .name = "district", .type = SCHEMA_ENUM, .choices = districts },
	{ .name = "born", .type = SCHEMA_DATE },
	{ .name = "at", .type = SCHEMA_TIMESTAMP },
	{ .name = "address", .type = SCHEMA_OBJECT, .fields = address_fields },
	{ .name = "items", .type = SCHEMA_ARRAY, .max = 10,
	    .items = &item_schema },
	{ .name = "tags", .type = SCHEMA_ARRAY, .min = 1, .max = 3,
	    .items = &tag_schema },
	{ .name = "many", .type = SCHEMA_ARRAY, .items = &tag_schema },
	{ .name = "matrix", .type = SCHEMA_ARRAY, .max = 5,
	    .items = &row_schema },
	{ .name = "weird", .type = 99 },
	{ .name = NULL }
};

static json_t *
load(const char *text)
{
	json_error_t	err;
	json_t		*doc;

	doc = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL)
		fail_msg("bad test JSON '%s': %s", text, err.text);

	return (doc);
}

/*
 * Validate text against fields; *errors receives the messages.  Returns
 * schema_validate()'s verdict.
 */
static int
run(const struct schema_field *f, const char *text, json_t **errors)
{
	json_t		*doc;
	int		ok;

	doc = load(text);
	*errors = json_object();
	ok = schema_validate(doc, f, *errors);
	json_decref(doc);

	/* The verdict and the messages must never disagree. */
	if (ok)
		assert_int_equal(json_object_size(*errors), 0);
	else
		assert_true(json_object_size(*errors) > 0);

	return (ok);
}

static void
expect(json_t *errors, const char *path, const char *msg)
{
	json_t		*v;

	if ((v = json_object_get(errors, path)) == NULL) {
		char	*dump = json_dumps(errors, JSON_SORT_KEYS);
		fail_msg("no error for '%s' in %s", path, dump);
	}
	assert_true(json_is_string(v));
	assert_string_equal(json_string_value(v), msg);
}

/* text must fail with exactly one error, msg at path. */
static void
expect_only(const char *text, const char *path, const char *msg)
{
	json_t		*errors;

	assert_false(run(fields, text, &errors));
	expect(errors, path, msg);
	if (json_object_size(errors) != 1) {
		char	*dump = json_dumps(errors, JSON_SORT_KEYS);
		fail_msg("%s: expected one error, got %s", text, dump);
	}
	json_decref(errors);
}

static void
expect_ok(const char *text)
{
	json_t		*errors;

	if (!run(fields, text, &errors)) {
		char	*dump = json_dumps(errors, JSON_SORT_KEYS);
		fail_msg("%s: expected valid, got %s", text, dump);
	}
	json_decref(errors);
}

static void
test_utf8_len(void **state)
{
	assert_int_equal(schema_utf8_len(""), 0);
	assert_int_equal(schema_utf8_len("abc"), 3);
	/* ễ is three bytes but one character. */
	assert_int_equal(strlen("Nguyễn"), 8);
	assert_int_equal(schema_utf8_len("Nguyễn"), 6);
	assert_int_equal(schema_utf8_len("Trần Thị A"), 10);
	assert_int_equal(schema_utf8_len("Đà Nẵng"), 7);
	assert_int_equal(schema_utf8_len("日本"), 2);
	assert_int_equal(schema_utf8_len("\xf0\x9f\x98\x80"), 1);
	/* A combining accent is a code point of its own. */
	assert_int_equal(schema_utf8_len("e\xcc\x81"), 2);
}

static void
test_date_valid(void **state)
{
	static const char *const good[] = {
		"2024-02-29", "2000-02-29", "2026-02-28", "2026-12-31",
		"2026-04-30", "2026-01-31", "1900-01-01", "2200-12-31",
		"1996-02-29", NULL
	};
	static const char *const bad[] = {
		"2026-02-29", "1900-02-29", "2100-02-29", "2024-02-30",
		"2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31",
		"2026-01-32", "2026-13-01", "2026-00-10", "2026-01-00",
		"1899-12-31", "2201-01-01", "2026-1-01", "2026-01-1",
		"2026/01/01", "20260101", "2026-01-011", "2026-01-0a",
		"a026-01-01", "+026-01-01", " 2026-01-0", "2026-01-01 ",
		"2026-01-01T00:00:00Z", "", "2026--1-01", "2026-0 -01",
		NULL
	};
	size_t		i;

	for (i = 0; good[i] != NULL; i++) {
		if (!schema_date_valid(good[i]))
			fail_msg("'%s' should be a valid date", good[i]);
	}
	for (i = 0; bad[i] != NULL; i++) {
		if (schema_date_valid(bad[i]))
			fail_msg("'%s' should not be a valid date", bad[i]);
	}
}

static void
test_timestamp_valid(void **state)
{
	static const char *const good[] = {
		"2026-03-01T08:30:00+07:00",
		"2026-03-01T08:30:00Z",
		"2026-03-01T08:30:00.1Z",
		"2026-03-01T08:30:00.123Z",
		"2026-03-01T08:30:00.123456+07:00",
		"2024-02-29T23:59:59-05:30",
		"2026-03-01T00:00:00+14:00",
		"2026-03-01T00:00:00-00:00",
		"2026-03-01T00:00:00+05:45",
		NULL
	};
	static const char *const bad[] = {
		"2026-03-01T08:30:00",			/* no offset */
		"2026-03-01 08:30:00+07:00",		/* space */
		"2026-03-01T08:30+07:00",		/* no seconds */
		"2026-02-29T08:30:00Z",			/* no such day */
		"2026-13-01T08:30:00Z",
		"2026-03-01T24:00:00Z",
		"2026-03-01T23:60:00Z",
		"2026-03-01T23:59:60Z",
		"2026-03-01T8:30:00+07:00",
		"2026-03-01T08:3a:00Z",
		"2026-03-01T08:30:00.Z",		/* empty fraction */
		"2026-03-01T08:30:00.1234567Z",		/* 7 digits */
		"2026-03-01T08:30:00,123Z",
		"2026-03-01T08:30:00+0700",
		"2026-03-01T08:30:00+07",
		"2026-03-01T08:30:00+7:00",
		"2026-03-01T08:30:00+15:00",
		"2026-03-01T08:30:00+07:60",		/* no such minute */
		"2026-03-01T08:30:00+07:99",
		"2026-03-01T08:30:00+07:0a",
		"2026-03-01T08:30:00Zjunk",
		"2026-03-01T08:30:00+07:00x",
		"2026-03-01T08:30:00 +07:00",
		"2026-03-01T08:30:00.123456+07:00:00",
		"2026-03-01",
		"",
		NULL
	};
	size_t		i;

	for (i = 0; good[i] != NULL; i++) {
		if (!schema_timestamp_valid(good[i]))
			fail_msg("'%s' should be a valid timestamp", good[i]);
	}
	for (i = 0; bad[i] != NULL; i++) {
		if (schema_timestamp_valid(bad[i]))
			fail_msg("'%s' should not be a valid timestamp",
			    bad[i]);
	}
}

static void
test_all_types_valid(void **state)
{
	json_t		*errors;

	no_x_calls = 0;
	assert_true(run(fields,
	    "{\"name\": \"Nguyễn\", \"bio\": \"line 1\\nline 2\\tend\\r\\n\","
	    " \"note\": \"\", \"nick\": \"sen\", \"phone\": null,"
	    " \"age\": 100, \"delta\": -10, \"active\": false,"
	    " \"role\": \"staff\", \"district\": \"ha-dong\","
	    " \"born\": \"2024-02-29\","
	    " \"at\": \"2026-03-01T08:30:00+07:00\","
	    " \"address\": {\"street\": \"1 Tràng Tiền\", \"city\": \"Hà Nội\"},"
	    " \"items\": [{\"name\": \"a\", \"qty\": 1}, {\"name\": \"b\"}],"
	    " \"tags\": [\"x1\", \"y\"],"
	    " \"matrix\": [[0, 9], [5]]}", &errors));
	json_decref(errors);
	/* The extra check ran on the one value it guards. */
	assert_int_equal(no_x_calls, 1);

	/* Only the required fields. */
	expect_ok("{\"name\": \"An\", \"phone\": \"0912\"}");
}

static void
test_unknown_fields(void **state)
{
	json_t		*errors;

	expect_only("{\"name\": \"An\", \"phone\": null, \"admin\": true}",
	    "admin", "is not a known field");

	/* Every unknown field is reported, not just the first. */
	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"Name\": \"x\", \"password_hash\": \"y\", \"\": 1}", &errors));
	expect(errors, "Name", "is not a known field");
	expect(errors, "password_hash", "is not a known field");
	expect(errors, "", "is not a known field");
	assert_int_equal(json_object_size(errors), 3);
	json_decref(errors);
}

static void
test_required(void **state)
{
	json_t		*errors;

	assert_false(run(fields, "{}", &errors));
	expect(errors, "name", "is required");
	/* Required but nullable: absent is still missing. */
	expect(errors, "phone", "is required");
	/* Optional fields may be absent. */
	assert_int_equal(json_object_size(errors), 2);
	json_decref(errors);

	expect_only("{\"phone\": null}", "name", "is required");
	expect_only("{\"name\": \"An\"}", "phone", "is required");
}

static void
test_null(void **state)
{
	/* null is not absence: it is refused unless the field is nullable. */
	expect_only("{\"name\": null, \"phone\": null}", "name",
	    "must not be null");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": null}",
	    "age", "must not be null");
	expect_only("{\"name\": \"An\", \"phone\": null, \"address\": null}",
	    "address", "must not be null");
	expect_only("{\"name\": \"An\", \"phone\": null, \"tags\": null}",
	    "tags", "must not be null");
	expect_only("{\"name\": \"An\", \"phone\": null, \"role\": null}",
	    "role", "must not be null");
	expect_only("{\"name\": \"An\", \"phone\": null, \"active\": null}",
	    "active", "must not be null");

	/* Nullable: null passes and the extra check does not see it. */
	no_x_calls = 0;
	expect_ok("{\"name\": \"An\", \"phone\": null, \"nick\": null}");
	assert_int_equal(no_x_calls, 0);
}

static void
test_wrong_types(void **state)
{
	static const struct {
		const char	*member;
		const char	*path;
		const char	*msg;
	} cases[] = {
		{ "\"note\": 5", "note", "must be a string" },
		{ "\"note\": true", "note", "must be a string" },
		{ "\"note\": [\"a\"]", "note", "must be a string" },
		{ "\"note\": {}", "note", "must be a string" },
		{ "\"age\": \"5\"", "age", "must be an integer" },
		{ "\"age\": true", "age", "must be an integer" },
		{ "\"age\": [5]", "age", "must be an integer" },
		{ "\"active\": 1", "active", "must be true or false" },
		{ "\"active\": \"true\"", "active", "must be true or false" },
		{ "\"role\": 1", "role", "must be a string" },
		{ "\"role\": [\"staff\"]", "role", "must be a string" },
		{ "\"born\": 20240229", "born", "must be a date as YYYY-MM-DD" },
		{ "\"at\": 1700000000", "at",
		    "must be a time as YYYY-MM-DDTHH:MM:SS+07:00" },
		{ "\"address\": []", "address", "must be an object" },
		{ "\"address\": \"Hà Nội\"", "address", "must be an object" },
		{ "\"tags\": {}", "tags", "must be an array" },
		{ "\"tags\": \"a\"", "tags", "must be an array" },
		{ "\"weird\": 1", "weird", "has an unknown type" },
	};
	char		text[256];
	size_t		i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(text, sizeof(text),
		    "{\"name\": \"An\", \"phone\": null, %s}", cases[i].member);
		expect_only(text, cases[i].path, cases[i].msg);
	}
}

static void
test_int_range(void **state)
{
	expect_ok("{\"name\": \"An\", \"phone\": null, \"age\": 1}");
	expect_ok("{\"name\": \"An\", \"phone\": null, \"age\": 100}");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": 0}",
	    "age", "must be between 1 and 100");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": 101}",
	    "age", "must be between 1 and 100");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": -1}",
	    "age", "must be between 1 and 100");
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"age\": 9223372036854775807}", "age",
	    "must be between 1 and 100");
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"age\": -9223372036854775808}", "age",
	    "must be between 1 and 100");

	/* A range below zero. */
	expect_ok("{\"name\": \"An\", \"phone\": null, \"delta\": -10}");
	expect_ok("{\"name\": \"An\", \"phone\": null, \"delta\": -1}");
	expect_only("{\"name\": \"An\", \"phone\": null, \"delta\": 0}",
	    "delta", "must be between -10 and -1");
	expect_only("{\"name\": \"An\", \"phone\": null, \"delta\": -11}",
	    "delta", "must be between -10 and -1");
}

static void
test_int_refuses_reals(void **state)
{
	/* 1.0 is a real in JSON even though it equals an integer. */
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": 1.0}",
	    "age", "must be an integer");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": 2.5}",
	    "age", "must be an integer");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": 1e1}",
	    "age", "must be an integer");
	expect_only("{\"name\": \"An\", \"phone\": null, \"age\": 50E0}",
	    "age", "must be an integer");
}

static void
test_enum(void **state)
{
	json_t		*errors;
	const char	*msg;
	char		full[512];
	size_t		i;

	expect_ok("{\"name\": \"An\", \"phone\": null, \"role\": \"applicant\"}");
	expect_ok("{\"name\": \"An\", \"phone\": null, \"role\": \"staff\"}");

	/* Choices are exact: no case folding, no trimming, no prefixes. */
	expect_only("{\"name\": \"An\", \"phone\": null, \"role\": \"Staff\"}",
	    "role", "must be one of: applicant, reviewer, staff");
	expect_only("{\"name\": \"An\", \"phone\": null, \"role\": \"staff \"}",
	    "role", "must be one of: applicant, reviewer, staff");
	expect_only("{\"name\": \"An\", \"phone\": null, \"role\": \"sta\"}",
	    "role", "must be one of: applicant, reviewer, staff");
	expect_only("{\"name\": \"An\", \"phone\": null, \"role\": \"\"}",
	    "role", "must be one of: applicant, reviewer, staff");
	expect_only("{\"name\": \"An\", \"phone\": null, \"role\": \"admin\"}",
	    "role", "must be one of: applicant, reviewer, staff");

	/* A long list is cut between choices, never inside one. */
	(void)snprintf(full, sizeof(full), "must be one of:");
	for (i = 0; districts[i] != NULL; i++) {
		(void)strcat(full, i ? ", " : " ");
		(void)strcat(full, districts[i]);
	}
	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"district\": \"quan-1\"}", &errors));
	msg = json_string_value(json_object_get(errors, "district"));
	assert_non_null(msg);
	assert_true(strlen(msg) < 96);
	assert_true(strlen(msg) < strlen(full));
	assert_memory_equal(msg, full, strlen(msg));
	/* What follows the cut is the separator before the next choice. */
	assert_memory_equal(full + strlen(msg), ", ", 2);
	/* As many choices as fit: the next would not have. */
	assert_string_equal(msg, "must be one of: ba-dinh, hoan-kiem, tay-ho,"
	    " long-bien, cau-giay, dong-da, hai-ba-trung");
	assert_true(strlen(msg) + strlen(", hoang-mai") >= 96);
	json_decref(errors);
}

static void
test_string_length_code_points(void **state)
{
	/* name: 2 to 6 characters; Nguyễn is 6 characters in 8 bytes. */
	expect_ok("{\"name\": \"Nguyễn\", \"phone\": null}");
	expect_ok("{\"name\": \"Đỗ\", \"phone\": null}");
	expect_ok("{\"name\": \"ễễễễễễ\", \"phone\": null}");
	expect_only("{\"name\": \"Nguyễnn\", \"phone\": null}", "name",
	    "must be at most 6 characters");
	expect_only("{\"name\": \"ễễễễễễễ\", \"phone\": null}", "name",
	    "must be at most 6 characters");
	expect_only("{\"name\": \"Đ\", \"phone\": null}", "name",
	    "must be at least 2 characters");
	expect_only("{\"name\": \"A\", \"phone\": null}", "name",
	    "must be at least 2 characters");
	/* \u escapes count like the characters they stand for. */
	expect_ok("{\"name\": \"Nguy\\u1ec5n\", \"phone\": null}");
}

static void
test_string_blank(void **state)
{
	/* Required with a minimum: whitespace alone is blank. */
	expect_only("{\"name\": \"\", \"phone\": null}", "name",
	    "must not be blank");
	expect_only("{\"name\": \"   \", \"phone\": null}", "name",
	    "must not be blank");
	expect_only("{\"name\": \"  \", \"phone\": null}", "name",
	    "must not be blank");
	/* Optional without a minimum: empty is fine. */
	expect_ok("{\"name\": \"An\", \"phone\": null, \"note\": \"\"}");
	/* Required without a minimum: empty is fine too. */
	expect_ok("{\"name\": \"An\", \"phone\": \"\"}");
}

static void
test_string_max_zero_unlimited(void **state)
{
	static const struct schema_field f[] = {
		{ .name = "text", .type = SCHEMA_STRING },
		{ .name = NULL }
	};
	json_t		*doc, *errors;
	char		*big;

	big = test_malloc(5001);
	memset(big, 'a', 5000);
	big[5000] = '\0';
	doc = json_pack("{s:s}", "text", big);
	errors = json_object();
	assert_true(schema_validate(doc, f, errors));
	assert_int_equal(json_object_size(errors), 0);
	json_decref(doc);
	json_decref(errors);
	test_free(big);
}

static void
test_control_characters(void **state)
{
	static const char *const controls[] = {
		"\\n", "\\t", "\\r", "\\u0001", "\\u001f", "\\u007f", "\\b",
		"\\f", "\\u001b", NULL
	};
	char		text[256];
	size_t		i;

	for (i = 0; controls[i] != NULL; i++) {
		(void)snprintf(text, sizeof(text),
		    "{\"name\": \"An\", \"phone\": null, \"note\": \"a%sb\"}",
		    controls[i]);
		expect_only(text, "note", "must not contain control characters");
	}

	/* Multiline fields take newlines, tabs and carriage returns... */
	expect_ok("{\"name\": \"An\", \"phone\": null,"
	    " \"bio\": \"a\\nb\\r\\nc\\td\"}");
	/* ...and still no other control character. */
	expect_only("{\"name\": \"An\", \"phone\": null, \"bio\": \"a\\u0001\"}",
	    "bio", "must not contain control characters");
	expect_only("{\"name\": \"An\", \"phone\": null, \"bio\": \"a\\u007f\"}",
	    "bio", "must not contain control characters");
	expect_only("{\"name\": \"An\", \"phone\": null, \"bio\": \"\\u000b\"}",
	    "bio", "must not contain control characters");
	expect_only("{\"name\": \"An\", \"phone\": null, \"bio\": \"\\f\"}",
	    "bio", "must not contain control characters");

	/* A control character is the message, even if too long as well. */
	expect_only("{\"name\": \"Nguyễn Văn\\n\", \"phone\": null}", "name",
	    "must not contain control characters");
}

static void
test_check_callback(void **state)
{
	no_x_calls = 0;
	expect_only("{\"name\": \"An\", \"phone\": null, \"nick\": \"xa\"}",
	    "nick", "must not contain x");
	assert_int_equal(no_x_calls, 1);

	/* The extra check only sees values that passed the others. */
	no_x_calls = 0;
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"nick\": \"xxxxxxxxxxxxxxxxxxxxx\"}", "nick",
	    "must be at most 20 characters");
	expect_only("{\"name\": \"An\", \"phone\": null, \"nick\": \"x\\n\"}",
	    "nick", "must not contain control characters");
	expect_only("{\"name\": \"An\", \"phone\": null, \"nick\": 7}",
	    "nick", "must be a string");
	assert_int_equal(no_x_calls, 0);
}

static void
test_dates_in_body(void **state)
{
	expect_ok("{\"name\": \"An\", \"phone\": null, \"born\": \"2024-02-29\"}");
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"born\": \"2026-02-29\"}", "born",
	    "must be a date as YYYY-MM-DD");
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"born\": \"29/02/2024\"}", "born",
	    "must be a date as YYYY-MM-DD");
	expect_ok("{\"name\": \"An\", \"phone\": null,"
	    " \"at\": \"2026-03-01T08:30:00.5Z\"}");
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"at\": \"2026-03-01T08:30:00\"}", "at",
	    "must be a time as YYYY-MM-DDTHH:MM:SS+07:00");
}

static void
test_nested_object(void **state)
{
	json_t		*errors;

	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"address\": {\"city\": \"  \", \"zip\": 70000,"
	    " \"country\": \"VN\"}}", &errors));
	expect(errors, "address.street", "is required");
	expect(errors, "address.city", "must not be blank");
	expect(errors, "address.zip", "must be a string");
	expect(errors, "address.country", "is not a known field");
	assert_int_equal(json_object_size(errors), 4);
	/* The parent is not blamed for its children. */
	assert_null(json_object_get(errors, "address"));
	json_decref(errors);

	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"address\": {}}", &errors));
	expect(errors, "address.street", "is required");
	expect(errors, "address.city", "is required");
	assert_int_equal(json_object_size(errors), 2);
	json_decref(errors);

	/* Lengths are checked inside nested objects too. */
	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"address\": {\"street\": \"x\", \"city\": \"y\","
	    " \"zip\": \"12345678901\"}}", &errors));
	expect(errors, "address.zip", "must be at most 10 characters");
	assert_int_equal(json_object_size(errors), 1);
	json_decref(errors);
}

static void
test_array_of_objects(void **state)
{
	json_t		*errors;

	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"items\": [{\"name\": \"ok\", \"qty\": 2},"
	    " {\"name\": 5, \"qty\": 1.0},"
	    " {\"bogus\": true},"
	    " \"plain\", null]}", &errors));
	expect(errors, "items[1].name", "must be a string");
	expect(errors, "items[1].qty", "must be an integer");
	expect(errors, "items[2].bogus", "is not a known field");
	expect(errors, "items[2].name", "is required");
	expect(errors, "items[3]", "must be an object");
	expect(errors, "items[4]", "must not be null");
	assert_int_equal(json_object_size(errors), 6);
	assert_null(json_object_get(errors, "items"));
	assert_null(json_object_get(errors, "items[0].name"));
	assert_null(json_object_get(errors, "items[0]"));
	json_decref(errors);

	/* Elements after a bad one are still checked. */
	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"items\": [{\"name\": \"\"}, {\"name\": \"b\", \"qty\": 100}]}",
	    &errors));
	expect(errors, "items[0].name", "must not be blank");
	expect(errors, "items[1].qty", "must be between 1 and 99");
	assert_int_equal(json_object_size(errors), 2);
	json_decref(errors);
}

static void
test_array_counts_and_items(void **state)
{
	json_t		*errors;
	char		text[1024];
	size_t		i, o;

	expect_ok("{\"name\": \"An\", \"phone\": null, \"tags\": [\"a\"]}");
	expect_ok("{\"name\": \"An\", \"phone\": null,"
	    " \"tags\": [\"a\", \"b\", \"ễễễễễ\"]}");
	expect_only("{\"name\": \"An\", \"phone\": null, \"tags\": []}",
	    "tags", "must have between 1 and 3 items");
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"tags\": [\"a\", \"b\", \"c\", \"d\"]}",
	    "tags", "must have between 1 and 3 items");
	/* A count error stops there: the elements are not examined. */
	expect_only("{\"name\": \"An\", \"phone\": null,"
	    " \"tags\": [1, 2, 3, 4]}",
	    "tags", "must have between 1 and 3 items");

	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"tags\": [\"ok\", \"\", 3]}", &errors));
	expect(errors, "tags[1]", "must be at least 1 characters");
	expect(errors, "tags[2]", "must be a string");
	assert_int_equal(json_object_size(errors), 2);
	json_decref(errors);

	/* max 0: no upper bound on the count. */
	o = (size_t)snprintf(text, sizeof(text),
	    "{\"name\": \"An\", \"phone\": null, \"many\": [");
	for (i = 0; i < 100; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\"t\"",
		    i ? "," : "");
	(void)snprintf(text + o, sizeof(text) - o, "]}");
	expect_ok(text);
	expect_ok("{\"name\": \"An\", \"phone\": null, \"many\": []}");
}

static void
test_nested_arrays(void **state)
{
	json_t		*errors;

	assert_false(run(fields, "{\"name\": \"An\", \"phone\": null,"
	    " \"matrix\": [[1, 2], [3, \"x\"], [], [10], 5]}", &errors));
	expect(errors, "matrix[1][1]", "must be an integer");
	expect(errors, "matrix[2]", "must have between 1 and 3 items");
	expect(errors, "matrix[3][0]", "must be between 0 and 9");
	expect(errors, "matrix[4]", "must be an array");
	assert_int_equal(json_object_size(errors), 4);
	json_decref(errors);
}

static void
test_collects_every_field(void **state)
{
	json_t		*errors;

	assert_false(run(fields, "{\"name\": \"A\", \"age\": 0,"
	    " \"active\": \"yes\", \"role\": \"boss\","
	    " \"born\": \"2026-02-30\", \"x\": 1}", &errors));
	expect(errors, "name", "must be at least 2 characters");
	expect(errors, "phone", "is required");
	expect(errors, "age", "must be between 1 and 100");
	expect(errors, "active", "must be true or false");
	expect(errors, "role", "must be one of: applicant, reviewer, staff");
	expect(errors, "born", "must be a date as YYYY-MM-DD");
	expect(errors, "x", "is not a known field");
	assert_int_equal(json_object_size(errors), 7);
	json_decref(errors);
}

static void
test_first_error_kept(void **state)
{
	json_t		*doc, *errors;

	/* A message already recorded for a path is the one that stays. */
	doc = load("{\"name\": \"A\", \"phone\": null}");
	errors = json_pack("{s:s}", "name", "is already taken");
	assert_false(schema_validate(doc, fields, errors));
	expect(errors, "name", "is already taken");
	assert_int_equal(json_object_size(errors), 1);
	json_decref(doc);
	json_decref(errors);
}

static void
test_validate_at_prefix(void **state)
{
	json_t		*doc, *errors;

	doc = load("{\"city\": \"\", \"planet\": \"Earth\"}");
	errors = json_object();
	assert_false(schema_validate_at(doc, address_fields, "body.home",
	    errors));
	expect(errors, "body.home.street", "is required");
	expect(errors, "body.home.city", "must not be blank");
	expect(errors, "body.home.planet", "is not a known field");
	assert_int_equal(json_object_size(errors), 3);
	json_decref(errors);

	/* An empty prefix is no prefix. */
	errors = json_object();
	assert_false(schema_validate_at(doc, address_fields, "", errors));
	expect(errors, "street", "is required");
	expect(errors, "planet", "is not a known field");
	json_decref(errors);
	json_decref(doc);
}

int
unit_schema(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_utf8_len),
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_timestamp_valid),
		cmocka_unit_test(test_all_types_valid),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_null),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_int_range),
		cmocka_unit_test(test_int_refuses_reals),
		cmocka_unit_test(test_enum),
		cmocka_unit_test(test_string_length_code_points),
		cmocka_unit_test(test_string_blank),
		cmocka_unit_test(test_string_max_zero_unlimited),
		cmocka_unit_test(test_control_characters),
		cmocka_unit_test(test_check_callback),
		cmocka_unit_test(test_dates_in_body),
		cmocka_unit_test(test_nested_object),
		cmocka_unit_test(test_array_of_objects),
		cmocka_unit_test(test_array_counts_and_items),
		cmocka_unit_test(test_nested_arrays),
		cmocka_unit_test(test_collects_every_field),
		cmocka_unit_test(test_first_error_kept),
		cmocka_unit_test(test_validate_at_prefix),
	};

	return (cmocka_run_group_tests_name("schema", tests, NULL, NULL));
}
