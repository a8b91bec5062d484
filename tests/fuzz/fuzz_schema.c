/*
 * JSON request bodies against the real field tables of the endpoints
 * (app_fields.c, checkin_fields.c): jansson's parser as body.c calls it,
 * then schema_validate().  The first byte picks the table.
 */

#include <jansson.h>

#include "fuzz.h"
#include "lib/schema.h"
#include "applications/app_fields.h"
#include "followup/checkin_fields.h"

static const struct schema_field *const	tables[] = {
	app_create_fields, app_update_fields, app_withdraw_fields,
	app_screen_fields, app_priority_fields, app_profile_fields,
	fu_checkin_fields, fu_checkin_review_fields
};

#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

FUZZ_TARGET(schema)
{
	json_error_t	jerr;
	json_t		*doc, *errors, *v;
	const char	*k;
	char		*text;
	int		ok;

	if (size < 1)
		return (0);

	doc = json_loadb((const char *)data + 1, size - 1,
	    JSON_REJECT_DUPLICATES, &jerr);
	if (doc == NULL || !json_is_object(doc)) {
		json_decref(doc);
		return (0);
	}

	errors = json_object();
	ok = schema_validate(doc, tables[data[0] % NTABLES], errors);
	/* Valid means no message, and every message is a string. */
	FUZZ_CHECK(ok == (json_object_size(errors) == 0));
	json_object_foreach(errors, k, v)
		FUZZ_CHECK(json_is_string(v) && k != NULL);
	text = json_dumps(errors, JSON_COMPACT);
	FUZZ_CHECK(text != NULL);
	free(text);

	json_decref(errors);
	json_decref(doc);
	return (0);
}
