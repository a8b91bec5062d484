/* Placeholder: the priority tests are being written. */

#include "unit.h"

int
unit_priority(void)
{
	return (0);
}
