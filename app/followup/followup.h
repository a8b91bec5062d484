/* Shared by the follow-up and training handlers (app/followup/). */

#ifndef SEN_FOLLOWUP_HANDLERS_H
#define SEN_FOLLOWUP_HANDLERS_H

#include "sen.h"
#include "checkin_fields.h"

#define FU_STAFF(ctx)	(((ctx)->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0)

#define FU_VIEWER_LEN	8	/* staff, owner, mentor */
#define FU_STATUS_LEN	16

/* What fu_access() found out about a business and its caller. */
struct fu_access {
	char		viewer[FU_VIEWER_LEN];
	char		status[FU_STATUS_LEN];
	int		flagged;
	int64_t		version;
};

const char	*fu_locale(struct api_ctx *);
void		fu_id(char *, size_t, int64_t);
int		fu_if_match_optional(struct api_ctx *, int64_t *);
int		fu_access(struct db *, int64_t, int, int64_t,
		    struct fu_access *, const char *);
int		fu_reply_business(struct db *, int64_t, const char *, int);

#endif
