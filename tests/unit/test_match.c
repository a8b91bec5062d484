#include "unit.h"
int
unit_match(void)
{
	return (0);
}
