/* Runs every group of unit tests; the exit status counts the failures. */

#include "unit.h"

int
main(void)
{
	int	failed;

	failed = 0;
	failed += unit_schema();
	failed += unit_valid();
	failed += unit_token();
	failed += unit_route();
	failed += unit_qs();
	failed += unit_pwhash();
	failed += unit_openapi();
	failed += unit_priority();
	failed += unit_lifecycle();
	failed += unit_sniff();
	failed += unit_listing();
	failed += unit_outbox();
	failed += unit_ranking();
	failed += unit_allocation();
	failed += unit_flow();
	failed += unit_assign();
	failed += unit_match();
	failed += unit_review();
	failed += unit_followup();
	failed += unit_compat();
	failed += unit_decisions();
	failed += unit_report();
	failed += unit_fuzz();

	return (failed != 0);
}
