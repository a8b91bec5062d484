/*
 * What an uploaded file really is, from its bytes alone: PDF, JPEG or
 * PNG, recognised by their signatures and a walk over enough of their
 * structure to refuse truncated or forged files.  A name or a
 * Content-Type header proves nothing, so neither is looked at.
 *
 * Also the file names that go with documents: a sanitised name to store,
 * and the Content-Disposition header to send it back under.
 */

#ifndef SEN_SNIFF_H
#define SEN_SNIFF_H

#include <stddef.h>

#define SNIFF_NONE		0
#define SNIFF_PDF		1
#define SNIFF_JPEG		2
#define SNIFF_PNG		3

/* Longest stored name, in characters (documents.filename allows 200). */
#define SNIFF_NAME_CHARS	120
/* Bytes for a stored name: 4 per character, a dot, an extension, NUL. */
#define SNIFF_NAME_BYTES	(SNIFF_NAME_CHARS * 4 + 8)
/* Bytes for a Content-Disposition value built from such a name. */
#define SNIFF_DISPOSITION_BYTES	(SNIFF_NAME_BYTES * 4 + 64)

/* Bytes that sniff_signature() needs to tell the three apart. */
#define SNIFF_SIGNATURE_LEN	8

/* Why a file of another type is refused. */
#define SNIFF_NOT_ACCEPTED	\
	"must be a PDF, JPEG or PNG file (recognised by its content, not its name)"

int		sniff_signature(const void *, size_t);
int		sniff_type(const void *, size_t, const char **);
const char	*sniff_mime(int);
const char	*sniff_ext(int);
int		sniff_filename(const char *, int, const char *, char *,
		    size_t);
int		sniff_disposition(const char *, char *, size_t);

#endif
