/*
 * Declarative validation of JSON request bodies.  Every endpoint describes
 * its body as a table of fields; schema_validate() checks types, ranges,
 * lengths and choices, rejects unknown fields and collects one message per
 * field, so that a form can show every error in place at once.
 */

#ifndef SEN_SCHEMA_H
#define SEN_SCHEMA_H

#include <stdint.h>

#include <jansson.h>

#define SCHEMA_STRING		1
#define SCHEMA_INT		2
#define SCHEMA_BOOL		3
#define SCHEMA_ENUM		4	/* a string from choices */
#define SCHEMA_DATE		5	/* YYYY-MM-DD */
#define SCHEMA_OBJECT		6	/* nested, described by fields */
#define SCHEMA_ARRAY		7	/* of items, min/max = element count */
#define SCHEMA_TIMESTAMP	8	/* RFC 3339 with offset */

#define SCHEMA_REQUIRED		0x01
#define SCHEMA_NULLABLE		0x02
#define SCHEMA_MULTILINE	0x04	/* strings may hold newlines and tabs */

struct schema_field {
	const char			*name;
	int				type;
	int				flags;
	int64_t				min;	/* string: characters, int: value */
	int64_t				max;
	const char *const		*choices;
	/* Extra check for strings: NULL when fine, else the message. */
	const char			*(*check)(const char *);
	const struct schema_field	*fields;	/* SCHEMA_OBJECT */
	const struct schema_field	*items;		/* SCHEMA_ARRAY */
};

int	schema_validate(json_t *, const struct schema_field *, json_t *);
int	schema_validate_at(json_t *, const struct schema_field *,
	    const char *, json_t *);
size_t	schema_utf8_len(const char *);
int	schema_date_valid(const char *);
int	schema_timestamp_valid(const char *);

#endif
