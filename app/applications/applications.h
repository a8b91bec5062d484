/* Shared by the application handlers (applications.c, screening.c). */

#ifndef SEN_APPLICATIONS_H
#define SEN_APPLICATIONS_H

#include "sen.h"
#include "lib/lifecycle.h"
#include "app_fields.h"

/* Staff and admins see every application, and the applicant's data. */
#define APP_STAFF(ctx)	(((ctx)->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0)

#define APP_STATUS_LEN	16

int	app_if_match_optional(struct api_ctx *, int64_t *);
int	app_lock(struct db *, int64_t, int, int64_t, char *, size_t);
int	app_reply(struct db *, int64_t, int);
json_t	*app_errors_json(const struct lc_errors *);

#endif
