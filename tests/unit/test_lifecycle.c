/* Placeholder: the lifecycle tests are being written. */

#include "unit.h"

int
unit_lifecycle(void)
{
	return (0);
}
