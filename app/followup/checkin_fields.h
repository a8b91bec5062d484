/*
 * The body tables of the check-in endpoints (checkin_fields.c): no Kore,
 * so that fuzzers and unit tests link them.
 */

#ifndef SEN_CHECKIN_FIELDS_H
#define SEN_CHECKIN_FIELDS_H

#include "lib/schema.h"

#define FU_REASON_MAX	2000

extern const struct schema_field	fu_checkin_fields[];
extern const struct schema_field	fu_checkin_review_fields[];

const char	*fu_not_blank(const char *);

#endif
