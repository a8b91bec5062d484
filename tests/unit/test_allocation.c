/* Placeholder while allocation.c is written. */

#include "unit.h"

int
unit_allocation(void)
{
	return (0);
}
