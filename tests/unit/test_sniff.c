/* Placeholder: the sniff tests are being written. */

#include "unit.h"

int
unit_sniff(void)
{
	return (0);
}
