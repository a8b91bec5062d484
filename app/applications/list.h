/*
 * What the list (list.c) and the export (export.c) of applications
 * share: their query parameters, checked once (listq.c), and the SQL
 * filters and order built from them.
 */

#ifndef SEN_APPLICATIONS_LIST_H
#define SEN_APPLICATIONS_LIST_H

#include "sen.h"
#include "lib/cursor.h"

#define LIST_LIMIT_DEFAULT	50
#define LIST_LIMIT_MAX		100
#define Q_MAX			200	/* bytes of ?q= once decoded */
#define Q_TERMS_MAX		8
#define STATUS_MAX		256
#define SQL_PARAMS_MAX		(20 + Q_TERMS_MAX)

/*
 * The sort orders.  expr is what ORDER BY and the keyset compare (with
 * the collation, where it matters), key the row's key as cursor text,
 * from_key the SQL that turns a cursor key parameter back into a value
 * comparable with expr.
 */
struct sort_def {
	const char	*name;
	const char	*expr;
	const char	*key;
	const char	*from_key;	/* with one %d: the parameter number */
	int		nullable;
	int		kind;		/* CURSOR_INT or CURSOR_TEXT */
	int		desc;		/* the default order */
};

/* A request's parameters, checked; empty strings are absent filters. */
struct list_query {
	int			export;
	char			applicant[24];	/* an applicant's own list */
	char			call_id[24];
	char			status[STATUS_MAX];
	char			ward[8];
	char			stage[16];
	char			sector[48];
	char			claimed[16];
	char			verified[16];
	char			from[16];
	char			to[16];
	char			q[Q_MAX + 1];
	char			*terms[Q_TERMS_MAX];
	int			nterms;
	const struct sort_def	*sort;
	int			desc;
	int64_t			limit;
	int			has_cursor;
	struct cursor		cursor;
	char			cursor_key[24];
	char			cursor_id[24];
	char			limit_sql[24];
};

/* SQL under construction, with its parameters ($1, $2, …). */
struct sqlb {
	struct kore_buf		buf;
	const char		*params[SQL_PARAMS_MAX];
	int			n;
};

void	list_parse(struct api_ctx *, struct list_query *, int, json_t *);
int	list_check(struct api_ctx *, struct db *, struct list_query *,
	    json_t *);
int	sqlb_param(struct sqlb *, const char *);
void	list_where(struct sqlb *, struct list_query *);
void	list_order(struct sqlb *, struct list_query *);

#endif
