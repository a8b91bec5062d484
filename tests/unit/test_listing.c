/* Placeholder: the listing tests are being written. */

#include "unit.h"

int
unit_listing(void)
{
	return (0);
}
