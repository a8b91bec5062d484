/* Shared between the account handlers. */

#ifndef SEN_ACCOUNTS_H
#define SEN_ACCOUNTS_H

#include "sen.h"

void	auth_init(void);
int	user_fetch(struct db *, int64_t);

#endif
