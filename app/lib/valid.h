/*
 * Checks of single values that come from outside: e-mail addresses,
 * Vietnamese phone numbers, passwords.  Each check returns NULL when the
 * value is acceptable, or a short English message for the API's error
 * "fields" object.
 */

#ifndef SEN_VALID_H
#define SEN_VALID_H

#include <stddef.h>

#define VALID_EMAIL_MAX		254
#define VALID_PHONE_LEN		16	/* +84 and at most 10 digits, NUL */
#define VALID_PASSWORD_MIN	10
#define VALID_PASSWORD_MAX	128
#define VALID_PASSWORD_BYTES	(VALID_PASSWORD_MAX * 4 + 1)

const char	*valid_email(const char *);
void		valid_email_normalize(const char *, char *, size_t);
const char	*valid_phone(const char *);
int		valid_phone_normalize(const char *, char *, size_t);
const char	*valid_password(const char *, const char *);

#endif
