/* Query-string parameters, percent-decoded and checked for UTF-8. */

#ifndef SEN_QS_H
#define SEN_QS_H

#include <stddef.h>

int	qs_get(const char *, const char *, char *, size_t);
int	utf8_valid(const char *, size_t);

#endif
