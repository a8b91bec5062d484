/*
 * Validation of parsed JSON against a field table (see schema.h).
 * jansson has already refused invalid UTF-8 and NUL characters by the
 * time a document reaches us, so strings here are valid UTF-8.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "schema.h"

static void	field_error(json_t *, const char *, const char *,
		    const char *);
static int	check_value(json_t *, const struct schema_field *,
		    const char *, json_t *);
static int	check_string(const char *, const struct schema_field *,
		    const char *, json_t *);
static int	blank(const char *);

size_t
schema_utf8_len(const char *s)
{
	size_t		n;

	/* Count every byte that does not continue a sequence. */
	for (n = 0; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}

	return (n);
}

static int
days_in_month(int y, int m)
{
	static const int	days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);

	return (days[m - 1]);
}

int
schema_date_valid(const char *s)
{
	int		i, y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return (0);

	for (i = 0; i < 10; i++) {
		if (i == 4 || i == 7)
			continue;
		if (!isdigit((unsigned char)s[i]))
			return (0);
	}

	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');

	if (y < 1900 || y > 2200 || m < 1 || m > 12)
		return (0);
	if (d < 1 || d > days_in_month(y, m))
		return (0);

	return (1);
}

int
schema_timestamp_valid(const char *s)
{
	char		date[11];
	size_t		i, len;
	int		hh, mm, ss;

	/* YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM) */
	len = strlen(s);
	if (len < 20 || len > 35)
		return (0);

	memcpy(date, s, 10);
	date[10] = '\0';
	if (!schema_date_valid(date))
		return (0);

	if (s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return (0);
	for (i = 11; i < 19; i++) {
		if (i == 13 || i == 16)
			continue;
		if (!isdigit((unsigned char)s[i]))
			return (0);
	}

	hh = (s[11] - '0') * 10 + (s[12] - '0');
	mm = (s[14] - '0') * 10 + (s[15] - '0');
	ss = (s[17] - '0') * 10 + (s[18] - '0');
	if (hh > 23 || mm > 59 || ss > 59)
		return (0);

	i = 19;
	if (s[i] == '.') {
		i++;
		if (!isdigit((unsigned char)s[i]))
			return (0);
		while (isdigit((unsigned char)s[i]) && i < 26)
			i++;
	}

	if (s[i] == 'Z')
		return (s[i + 1] == '\0');

	if (s[i] != '+' && s[i] != '-')
		return (0);
	if (strlen(s + i) != 6 || s[i + 3] != ':')
		return (0);
	if (!isdigit((unsigned char)s[i + 1]) ||
	    !isdigit((unsigned char)s[i + 2]) ||
	    !isdigit((unsigned char)s[i + 4]) ||
	    !isdigit((unsigned char)s[i + 5]))
		return (0);
	/* Offset minutes stop at 59; PostgreSQL refuses +07:60. */
	if ((s[i + 1] - '0') * 10 + (s[i + 2] - '0') > 14 || s[i + 4] > '5')
		return (0);

	return (1);
}

static int
blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!isspace((unsigned char)*s))
			return (0);
	}

	return (1);
}

static void
field_error(json_t *errors, const char *prefix, const char *name,
    const char *msg)
{
	char		path[256];

	/* Only the first problem of a field is kept: it is the one to fix. */
	if (prefix != NULL && prefix[0] != '\0')
		(void)snprintf(path, sizeof(path), "%s.%s", prefix, name);
	else
		(void)snprintf(path, sizeof(path), "%s", name);

	if (json_object_get(errors, path) == NULL)
		json_object_set_new(errors, path, json_string(msg));
}

static int
check_string(const char *s, const struct schema_field *f, const char *path,
    json_t *errors)
{
	const char	*msg;
	size_t		len;
	char		buf[96];

	for (msg = s; *msg != '\0'; msg++) {
		if ((unsigned char)*msg >= 0x20 && *msg != 0x7f)
			continue;
		if ((f->flags & SCHEMA_MULTILINE) &&
		    (*msg == '\n' || *msg == '\t' || *msg == '\r'))
			continue;
		field_error(errors, NULL, path,
		    "must not contain control characters");
		return (0);
	}

	len = schema_utf8_len(s);
	if ((f->flags & SCHEMA_REQUIRED) && f->min > 0 && blank(s)) {
		field_error(errors, NULL, path, "must not be blank");
		return (0);
	}
	if (f->min > 0 && len < (size_t)f->min) {
		(void)snprintf(buf, sizeof(buf),
		    "must be at least %lld characters", (long long)f->min);
		field_error(errors, NULL, path, buf);
		return (0);
	}
	if (f->max > 0 && len > (size_t)f->max) {
		(void)snprintf(buf, sizeof(buf),
		    "must be at most %lld characters", (long long)f->max);
		field_error(errors, NULL, path, buf);
		return (0);
	}

	if (f->check != NULL && (msg = f->check(s)) != NULL) {
		field_error(errors, NULL, path, msg);
		return (0);
	}

	return (1);
}

static int
check_value(json_t *v, const struct schema_field *f, const char *path,
    json_t *errors)
{
	json_int_t	n;
	size_t		i, count;
	int		ok;
	char		buf[96], sub[256];

	if (json_is_null(v)) {
		if (f->flags & SCHEMA_NULLABLE)
			return (1);
		field_error(errors, NULL, path, "must not be null");
		return (0);
	}

	switch (f->type) {
	case SCHEMA_STRING:
		if (!json_is_string(v)) {
			field_error(errors, NULL, path, "must be a string");
			return (0);
		}
		return (check_string(json_string_value(v), f, path, errors));
	case SCHEMA_ENUM:
		if (!json_is_string(v)) {
			field_error(errors, NULL, path, "must be a string");
			return (0);
		}
		for (i = 0; f->choices[i] != NULL; i++) {
			if (!strcmp(f->choices[i], json_string_value(v)))
				return (1);
		}
		(void)snprintf(buf, sizeof(buf), "must be one of:");
		for (i = 0; f->choices[i] != NULL; i++) {
			if (strlen(buf) + strlen(f->choices[i]) + 3 >=
			    sizeof(buf))
				break;
			(void)strcat(buf, i ? ", " : " ");
			(void)strcat(buf, f->choices[i]);
		}
		field_error(errors, NULL, path, buf);
		return (0);
	case SCHEMA_INT:
		/* 1.0 is a real in JSON; money and counts are integers. */
		if (!json_is_integer(v)) {
			field_error(errors, NULL, path, "must be an integer");
			return (0);
		}
		n = json_integer_value(v);
		if (n < f->min || n > f->max) {
			(void)snprintf(buf, sizeof(buf),
			    "must be between %lld and %lld",
			    (long long)f->min, (long long)f->max);
			field_error(errors, NULL, path, buf);
			return (0);
		}
		return (1);
	case SCHEMA_BOOL:
		if (!json_is_boolean(v)) {
			field_error(errors, NULL, path,
			    "must be true or false");
			return (0);
		}
		return (1);
	case SCHEMA_DATE:
		if (!json_is_string(v) ||
		    !schema_date_valid(json_string_value(v))) {
			field_error(errors, NULL, path,
			    "must be a date as YYYY-MM-DD");
			return (0);
		}
		return (1);
	case SCHEMA_TIMESTAMP:
		if (!json_is_string(v) ||
		    !schema_timestamp_valid(json_string_value(v))) {
			field_error(errors, NULL, path,
			    "must be a time as YYYY-MM-DDTHH:MM:SS+07:00");
			return (0);
		}
		return (1);
	case SCHEMA_OBJECT:
		if (!json_is_object(v)) {
			field_error(errors, NULL, path, "must be an object");
			return (0);
		}
		(void)snprintf(sub, sizeof(sub), "%s", path);
		return (schema_validate_at(v, f->fields, sub, errors));
	case SCHEMA_ARRAY:
		if (!json_is_array(v)) {
			field_error(errors, NULL, path, "must be an array");
			return (0);
		}
		count = json_array_size(v);
		if ((int64_t)count < f->min || (f->max > 0 &&
		    (int64_t)count > f->max)) {
			(void)snprintf(buf, sizeof(buf),
			    "must have between %lld and %lld items",
			    (long long)f->min, (long long)f->max);
			field_error(errors, NULL, path, buf);
			return (0);
		}
		ok = 1;
		for (i = 0; i < count; i++) {
			(void)snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
			if (!check_value(json_array_get(v, i), f->items, sub,
			    errors))
				ok = 0;
		}
		return (ok);
	default:
		field_error(errors, NULL, path, "has an unknown type");
		return (0);
	}
}

int
schema_validate_at(json_t *obj, const struct schema_field *fields,
    const char *prefix, json_t *errors)
{
	const struct schema_field	*f;
	const char			*key;
	json_t				*v;
	int				ok;
	char				path[256];

	ok = 1;

	json_object_foreach(obj, key, v) {
		for (f = fields; f->name != NULL; f++) {
			if (!strcmp(f->name, key))
				break;
		}
		if (f->name == NULL) {
			field_error(errors, prefix, key, "is not a known field");
			ok = 0;
		}
	}

	for (f = fields; f->name != NULL; f++) {
		if (prefix != NULL && prefix[0] != '\0')
			(void)snprintf(path, sizeof(path), "%s.%s",
			    prefix, f->name);
		else
			(void)snprintf(path, sizeof(path), "%s", f->name);

		if ((v = json_object_get(obj, f->name)) == NULL) {
			if (f->flags & SCHEMA_REQUIRED) {
				field_error(errors, NULL, path, "is required");
				ok = 0;
			}
			continue;
		}

		if (!check_value(v, f, path, errors))
			ok = 0;
	}

	return (ok);
}

int
schema_validate(json_t *obj, const struct schema_field *fields,
    json_t *errors)
{
	return (schema_validate_at(obj, fields, NULL, errors));
}
