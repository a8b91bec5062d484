/*
 * Shared by the blind-scoring handlers: reviews.c (the blind view, her
 * own review), review_list.c (an application's reviews),
 * discussion_thread.c and review_close.c.
 */

#ifndef SEN_REVIEWS_H
#define SEN_REVIEWS_H

#include "sen.h"
#include "lib/review.h"

#define REVIEW_STAFF(ctx)	(((ctx)->user.role & \
				    (ROLE_STAFF | ROLE_ADMIN)) != 0)

/* How a reviewer stands with an application. */
#define REVIEW_NONE		0	/* nothing of hers: 404 */
#define REVIEW_UNDECLARED	1	/* no conflict declared yet: 409 */
#define REVIEW_OK		2

#define REVIEW_STATUS_LEN	16

struct review_state {
	int		access;
	int64_t		assignment_id;
	char		app_status[REVIEW_STATUS_LEN];
	int		scoring_closed;
	json_t		*rubric;	/* review_rubric() */
	int64_t		review_id;	/* 0: none yet */
	int64_t		version;
	int		submitted;	/* her review is in */
	int		unsubmitted;	/* changes not submitted */
	json_t		*working;	/* her working copy, or NULL */
};

int	review_state_load(struct db *, int64_t, int, struct review_state *);
void	review_state_free(struct review_state *);
int	review_refused(struct db *, struct review_state *);
int	review_reply_json(struct api_ctx *, int, json_t *, int64_t);
void	review_add_total(const struct review_rubric *, json_t *);

#endif
