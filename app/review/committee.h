/*
 * Shared by the committee handlers: committee.c (the committee and
 * conflicts of interest), committee_assign.c (assignments, automatic and
 * manual, their release) and committee_queue.c (the reviewer's
 * declaration and queue, overdue reviews).
 */

#ifndef SEN_COMMITTEE_H
#define SEN_COMMITTEE_H

#include "sen.h"

#define COMMITTEE_ID_LEN	24
#define COMMITTEE_REASON_MAX	2000
#define COMMITTEE_MAX		500	/* reviewers on one committee */

extern const char *const	committee_conflict_types[];

int		 committee_lock_call(struct db *, const char *, int);
char		*committee_ids_text(const int64_t *, size_t);
const char	*committee_not_blank(const char *);

#endif
