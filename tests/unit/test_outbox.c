/* Placeholder: the outbox tests are being written. */

#include "unit.h"

int
unit_outbox(void)
{
	return (0);
}
