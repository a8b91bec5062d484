/* Shared by the cmocka unit tests of the pure C parts of Sen. */

#ifndef SEN_UNIT_H
#define SEN_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include <cmocka.h>

/* One group per file: tests/unit/test_<name>.c defines unit_<name>(). */
int	unit_schema(void);
int	unit_valid(void);
int	unit_token(void);
int	unit_route(void);
int	unit_qs(void);
int	unit_pwhash(void);
int	unit_openapi(void);
int	unit_priority(void);
int	unit_lifecycle(void);
int	unit_sniff(void);
int	unit_listing(void);
int	unit_outbox(void);
int	unit_ranking(void);
int	unit_allocation(void);
int	unit_flow(void);
int	unit_assign(void);
int	unit_match(void);
int	unit_review(void);
int	unit_followup(void);
int	unit_compat(void);
int	unit_decisions(void);
int	unit_report(void);
int	unit_fuzz(void);

#endif
