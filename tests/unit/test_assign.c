#include "unit.h"
int
unit_assign(void)
{
	return (0);
}
