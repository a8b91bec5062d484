/* Matching request paths against route templates such as /api/calls/{id}. */

#ifndef SEN_ROUTE_H
#define SEN_ROUTE_H

#include <stdint.h>

int	route_match(const char *, const char *, int64_t *, int, int *);

#endif
