/*
 * The body tables of the profile, application and screening endpoints
 * (app_fields.c): no Kore, so that fuzzers and unit tests link them.
 */

#ifndef SEN_APP_FIELDS_H
#define SEN_APP_FIELDS_H

#include "lib/schema.h"

#define APP_AMOUNT_MAX		1000000000000LL	/* 10^12 VND */
#define APP_COUNT_MAX		10000
#define APP_LINES_MAX		50
#define APP_REASON_MAX		2000

extern const struct schema_field	app_create_fields[];
extern const struct schema_field	app_update_fields[];
extern const struct schema_field	app_withdraw_fields[];
extern const struct schema_field	app_screen_fields[];
extern const struct schema_field	app_priority_fields[];
extern const struct schema_field	app_profile_fields[];

const char	*app_not_blank(const char *);

#endif
