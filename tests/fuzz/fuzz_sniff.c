/*
 * Uploads (lib/sniff.c): the recognisers of PDF, JPEG and PNG over any
 * bytes, and the file names that come with them (the client's name made
 * into a stored one, then a Content-Disposition header).
 */

#include <string.h>

#include "fuzz.h"
#include "lib/sniff.h"

/* A header value must not end or start another header. */
static void
header_safe(const char *s)
{
	for (; *s != '\0'; s++)
		FUZZ_CHECK(*s != '\r' && *s != '\n');
}

FUZZ_TARGET(sniff)
{
	const char	*why;
	char		*name, name_out[SNIFF_NAME_BYTES];
	char		disp[SNIFF_DISPOSITION_BYTES], small[16];
	int		type, sig, t;

	sig = sniff_signature(data, size);
	why = NULL;
	type = sniff_type(data, size, &why);
	FUZZ_CHECK(type >= SNIFF_NONE && type <= SNIFF_PNG);
	FUZZ_CHECK(sig >= SNIFF_NONE && sig <= SNIFF_PNG);
	/* A whole file of a type starts like one. */
	FUZZ_CHECK(type == SNIFF_NONE || sig == type);

	name = fuzz_str(data, size);
	for (t = SNIFF_PDF; t <= SNIFF_PNG; t++) {
		if (!sniff_filename(name, t, "document", name_out,
		    sizeof(name_out)))
			continue;
		FUZZ_CHECK(strchr(name_out, '/') == NULL);
		FUZZ_CHECK(strchr(name_out, '\\') == NULL);
		FUZZ_CHECK(name_out[0] != '\0' && name_out[0] != '.');
		header_safe(name_out);
		if (sniff_disposition(name_out, disp, sizeof(disp))) {
			FUZZ_CHECK(strncmp(disp, "attachment;", 11) == 0);
			header_safe(disp);
		}
		/* Too small a buffer is refused, never overrun. */
		(void)sniff_disposition(name_out, small, sizeof(small));
		(void)sniff_filename(name, t, "document", small,
		    sizeof(small));
	}
	/* Names that are not sanitised must not break it either. */
	if (sniff_disposition(name, disp, sizeof(disp)))
		header_safe(disp);
	free(name);

	return (0);
}
