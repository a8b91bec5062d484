/*
 * File types from their bytes, and safe file names.
 *
 * Only three types are accepted, each checked past its signature, so that
 * an .exe renamed to .pdf, an HTML page, an SVG (which carries scripts)
 * or a file cut off during upload is refused:
 *
 *   PDF   "%PDF-1.0" … "%PDF-1.7" or "%PDF-2.0" at byte 0, followed by an
 *         end of line, and "startxref" then "%%EOF" in the last kilobyte
 *         (a truncated PDF has lost its cross-reference trailer).
 *   JPEG  SOI (FF D8) and then a well-formed chain of marker segments, a
 *         frame header (SOFn) before the first scan (SOS), and an EOI
 *         (FF D9) somewhere after it.  Bytes after EOI are allowed:
 *         phones append motion-photo video there.
 *   PNG   the 8-byte signature, an IHDR chunk first with sane values and
 *         a correct CRC, then a chain of chunks that stays inside the
 *         file, at least one IDAT, and IEND.
 *
 * Nothing here decodes pixels or PDF objects: that is the reader's job,
 * and the server never interprets the files (downloads go out as
 * attachments with nosniff and a sandboxing CSP).
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sniff.h"

static const unsigned char	png_sig[8] = {
	0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'
};

/* A PDF's trailer must be within this many bytes of its end. */
#define PDF_TAIL	1024

static const unsigned char *
find(const unsigned char *hay, size_t hlen, const char *needle)
{
	size_t		nlen = strlen(needle), i;

	if (nlen == 0 || hlen < nlen)
		return (NULL);
	for (i = 0; i + nlen <= hlen; i++) {
		if (hay[i] == (unsigned char)needle[0] &&
		    !memcmp(hay + i, needle, nlen))
			return (hay + i);
	}

	return (NULL);
}

static int
sniff_pdf(const unsigned char *p, size_t len, const char **why)
{
	const unsigned char	*tail, *sx;
	size_t			tlen;

	*why = "looks like a PDF but its header is not valid";
	if (len < 9)
		return (SNIFF_NONE);
	if (p[5] == '1' && p[6] == '.' && p[7] >= '0' && p[7] <= '7') {
		/* PDF 1.0 to 1.7 */
	} else if (p[5] == '2' && p[6] == '.' && p[7] == '0') {
		/* PDF 2.0 */
	} else {
		return (SNIFF_NONE);
	}
	if (p[8] != '\r' && p[8] != '\n' && p[8] != ' ' && p[8] != '\t')
		return (SNIFF_NONE);

	*why = "looks like a PDF but is truncated or damaged (no trailer)";
	tlen = len < PDF_TAIL ? len : PDF_TAIL;
	tail = p + len - tlen;
	if ((sx = find(tail, tlen, "startxref")) == NULL)
		return (SNIFF_NONE);
	if (find(sx, tlen - (size_t)(sx - tail), "%%EOF") == NULL)
		return (SNIFF_NONE);

	*why = NULL;
	return (SNIFF_PDF);
}

/* Start-of-frame markers: C0-CF without DHT (C4), JPG (C8), DAC (CC). */
static int
jpeg_sof(unsigned char m)
{
	return (m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 &&
	    m != 0xcc);
}

static int
sniff_jpeg(const unsigned char *p, size_t len, const char **why)
{
	size_t		pos, seg, i;
	unsigned char	m;
	int		sof;

	*why = "looks like a JPEG but is truncated or damaged";
	if (len < 4 || p[2] != 0xff)
		return (SNIFF_NONE);

	sof = 0;
	for (pos = 2;;) {
		if (pos >= len || p[pos] != 0xff)
			return (SNIFF_NONE);
		/* Any number of fill bytes may precede a marker. */
		while (pos < len && p[pos] == 0xff)
			pos++;
		if (pos >= len)
			return (SNIFF_NONE);
		m = p[pos++];

		if (m == 0x00 || m == 0xd8 || m == 0xd9)
			return (SNIFF_NONE);	/* stuffing, 2nd SOI, no image */
		if (m == 0x01 || (m >= 0xd0 && m <= 0xd7))
			continue;		/* markers without a length */

		if (len - pos < 2)
			return (SNIFF_NONE);
		seg = (size_t)p[pos] << 8 | p[pos + 1];
		if (seg < 2 || seg > len - pos)
			return (SNIFF_NONE);

		if (jpeg_sof(m)) {
			/* P, Y(2), X(2), Nf, then 3 bytes per component. */
			if (seg < 8 || p[pos + 7] < 1 || p[pos + 7] > 4 ||
			    seg != 8 + 3 * (size_t)p[pos + 7])
				return (SNIFF_NONE);
			if ((p[pos + 5] | p[pos + 6]) == 0)
				return (SNIFF_NONE);	/* width 0 */
			sof = 1;
		}

		if (m == 0xda) {
			if (!sof)
				return (SNIFF_NONE);
			/*
			 * Entropy-coded data escapes FF as FF 00 and only
			 * restart markers may interrupt it, so the first
			 * FF D9 after the scan header is the real EOI.
			 */
			for (i = pos + seg; i + 1 < len; i++) {
				if (p[i] == 0xff && p[i + 1] == 0xd9) {
					*why = NULL;
					return (SNIFF_JPEG);
				}
			}
			return (SNIFF_NONE);
		}

		pos += seg;
	}
}

static uint32_t
be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

static uint32_t
crc32_png(const unsigned char *p, size_t len)
{
	uint32_t	c = 0xffffffffU;
	size_t		i;
	int		k;

	for (i = 0; i < len; i++) {
		c ^= p[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320U & (0U - (c & 1)));
	}

	return (c ^ 0xffffffffU);
}

static int
png_type_ok(const unsigned char *t)
{
	int	i;

	for (i = 0; i < 4; i++) {
		if (!((t[i] >= 'A' && t[i] <= 'Z') ||
		    (t[i] >= 'a' && t[i] <= 'z')))
			return (0);
	}

	return (1);
}

/* Bit depths allowed for each colour type (PNG spec, table 11.1). */
static int
png_depth_ok(unsigned char type, unsigned char depth)
{
	switch (type) {
	case 0:
		return (depth == 1 || depth == 2 || depth == 4 || depth == 8 ||
		    depth == 16);
	case 3:
		return (depth == 1 || depth == 2 || depth == 4 || depth == 8);
	case 2:
	case 4:
	case 6:
		return (depth == 8 || depth == 16);
	default:
		return (0);
	}
}

static int
sniff_png(const unsigned char *p, size_t len, const char **why)
{
	const unsigned char	*h;
	size_t			pos;
	uint32_t		clen, w, ht;
	int			idat;

	*why = "looks like a PNG but its header (IHDR) is missing or invalid";
	/* Signature, then IHDR: length 13, type, 13 bytes, CRC. */
	if (len < 8 + 25)
		return (SNIFF_NONE);
	h = p + 8;
	if (be32(h) != 13 || memcmp(h + 4, "IHDR", 4) != 0)
		return (SNIFF_NONE);
	w = be32(h + 8);
	ht = be32(h + 12);
	if (w == 0 || ht == 0 || w > 0x7fffffffU || ht > 0x7fffffffU)
		return (SNIFF_NONE);
	if (!png_depth_ok(h[17], h[16]) || h[18] != 0 || h[19] != 0 ||
	    h[20] > 1)
		return (SNIFF_NONE);
	if (crc32_png(h + 4, 17) != be32(h + 21))
		return (SNIFF_NONE);

	*why = "looks like a PNG but is truncated or damaged";
	idat = 0;
	for (pos = 8 + 25;;) {
		if (len - pos < 12)
			return (SNIFF_NONE);
		clen = be32(p + pos);
		if (clen > 0x7fffffffU || clen > len - pos - 12)
			return (SNIFF_NONE);
		if (!png_type_ok(p + pos + 4))
			return (SNIFF_NONE);
		if (!memcmp(p + pos + 4, "IHDR", 4))
			return (SNIFF_NONE);
		if (!memcmp(p + pos + 4, "IDAT", 4))
			idat = 1;
		if (!memcmp(p + pos + 4, "IEND", 4)) {
			if (!idat || clen != 0)
				return (SNIFF_NONE);
			*why = NULL;
			return (SNIFF_PNG);
		}
		pos += 12 + (size_t)clen;
	}
}

/*
 * The type the first bytes of a file claim (SNIFF_SIGNATURE_LEN of them
 * are enough), before anything else is read: a file that does not even
 * start like a PDF, JPEG or PNG need not be read whole to be refused.
 */
int
sniff_signature(const void *buf, size_t len)
{
	const unsigned char	*p = buf;

	if (len >= 5 && !memcmp(p, "%PDF-", 5))
		return (SNIFF_PDF);
	if (len >= 2 && p[0] == 0xff && p[1] == 0xd8)
		return (SNIFF_JPEG);
	if (len >= 8 && !memcmp(p, png_sig, 8))
		return (SNIFF_PNG);

	return (SNIFF_NONE);
}

/*
 * The type of buf: SNIFF_PDF, SNIFF_JPEG or SNIFF_PNG; SNIFF_NONE for
 * anything else, with *why saying why in words for the API's "fields".
 */
int
sniff_type(const void *buf, size_t len, const char **why)
{
	const unsigned char	*p = buf;
	const char		*dummy;

	if (why == NULL)
		why = &dummy;

	if (len == 0) {
		*why = "is empty";
		return (SNIFF_NONE);
	}

	switch (sniff_signature(p, len)) {
	case SNIFF_PDF:
		return (sniff_pdf(p, len, why));
	case SNIFF_JPEG:
		return (sniff_jpeg(p, len, why));
	case SNIFF_PNG:
		return (sniff_png(p, len, why));
	}

	*why = SNIFF_NOT_ACCEPTED;
	return (SNIFF_NONE);
}

const char *
sniff_mime(int type)
{
	switch (type) {
	case SNIFF_PDF:
		return ("application/pdf");
	case SNIFF_JPEG:
		return ("image/jpeg");
	case SNIFF_PNG:
		return ("image/png");
	default:
		return ("application/octet-stream");
	}
}

/* The usual extension of a type, without the dot. */
const char *
sniff_ext(int type)
{
	switch (type) {
	case SNIFF_PDF:
		return ("pdf");
	case SNIFF_JPEG:
		return ("jpg");
	case SNIFF_PNG:
		return ("png");
	default:
		return ("bin");
	}
}

/*
 * One code point of s (len bytes left), strict like utf8_valid() in qs.c;
 * *n gets the bytes used.  -1 for a malformed sequence (one byte used).
 */
static long
utf8_next(const unsigned char *s, size_t len, size_t *n)
{
	unsigned long	cp;
	size_t		k, want;

	*n = 1;
	if (s[0] < 0x80)
		return (s[0]);
	if ((s[0] & 0xe0) == 0xc0) {
		want = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		want = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		want = 4;
		cp = s[0] & 0x07;
	} else {
		return (-1);
	}
	if (want > len)
		return (-1);
	for (k = 1; k < want; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return (-1);
		cp = cp << 6 | (s[k] & 0x3f);
	}
	if ((want == 2 && cp < 0x80) || (want == 3 && cp < 0x800) ||
	    (want == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return (-1);

	*n = want;
	return ((long)cp);
}

static size_t
utf8_put(unsigned long cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/*
 * Characters a file name must not carry: controls, and the invisible
 * ones that reorder or hide text (a right-to-left override turns
 * "x\u202Efdp.exe" into what reads as "xexe.pdf").
 */
static int
name_drop(long cp)
{
	return (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
	    cp == 0xad || cp == 0x061c || cp == 0x180e ||
	    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff ||
	    (cp >= 0xfff9 && cp <= 0xfffb));
}

/* Characters that mean something to file systems, shells or headers. */
static int
name_reserved(long cp)
{
	return (cp == '"' || cp == '*' || cp == '/' || cp == ':' ||
	    cp == '<' || cp == '>' || cp == '?' || cp == '\\' || cp == '|');
}

static int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z' ? c + 32 : c);
}

/* Whether ext (n bytes) is a usual extension of type, in any case. */
static int
ext_matches(int type, const long *ext, size_t n)
{
	static const char *const	pdf[] = { "pdf", NULL };
	static const char *const	jpeg[] = { "jpg", "jpeg", "jpe", NULL };
	static const char *const	png[] = { "png", NULL };
	const char *const		*list;
	size_t				i, k;

	switch (type) {
	case SNIFF_PDF:
		list = pdf;
		break;
	case SNIFF_JPEG:
		list = jpeg;
		break;
	case SNIFF_PNG:
		list = png;
		break;
	default:
		return (1);	/* unknown type: keep whatever it has */
	}

	for (i = 0; list[i] != NULL; i++) {
		if (strlen(list[i]) != n)
			continue;
		for (k = 0; k < n; k++) {
			if (ext[k] > 0x7f || ascii_lower((int)ext[k]) !=
			    list[i][k])
				break;
		}
		if (k == n)
			return (1);
	}

	return (0);
}

/*
 * A name to store for an upload called in (UTF-8, from the client) whose
 * bytes are of type: the last path component, without controls, invisible
 * reordering characters and characters reserved by file systems, without
 * leading or trailing dots and blanks, at most SNIFF_NAME_CHARS
 * characters, and ending in an extension of its real type (appended when
 * the name says otherwise, so that the file opens in the right program).
 * An empty result becomes stem (e.g. the document's kind) plus extension.
 * Returns 0 when out is too small.
 */
int
sniff_filename(const char *in, int type, const char *stem, char *out,
    size_t outlen)
{
	const unsigned char	*s;
	const char		*base, *p;
	long			*cps, cp;
	size_t			n, i, len, step, dot, stemlen, extlen, o, max;
	int			keep_ext;

	base = in;
	for (p = in; *p != '\0'; p++) {
		if (*p == '/' || *p == '\\')
			base = p + 1;
	}

	len = strlen(base);
	if ((cps = calloc(len + 1, sizeof(*cps))) == NULL)
		return (0);

	n = 0;
	s = (const unsigned char *)base;
	for (i = 0; i < len; i += step) {
		cp = utf8_next(s + i, len - i, &step);
		if (cp == -1)
			cp = '_';
		if (name_drop(cp))
			continue;
		if (name_reserved(cp))
			cp = '_';
		if (cp == 0xa0 || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200a))
			cp = ' ';
		cps[n++] = cp;
	}

	/* Leading dots hide files; trailing dots and blanks vanish on Windows. */
	for (i = 0; i < n && (cps[i] == '.' || cps[i] == ' '); i++)
		;
	memmove(cps, cps + i, (n - i) * sizeof(*cps));
	n -= i;
	while (n > 0 && (cps[n - 1] == '.' || cps[n - 1] == ' '))
		n--;

	/* The extension: after the last dot, 1 to 10 ASCII letters/digits. */
	dot = n;
	for (i = n; i > 0; i--) {
		if (cps[i - 1] == '.') {
			dot = i - 1;
			break;
		}
	}
	extlen = dot < n ? n - dot - 1 : 0;
	for (i = dot + 1; i < n; i++) {
		if (!((cps[i] >= 'a' && cps[i] <= 'z') ||
		    (cps[i] >= 'A' && cps[i] <= 'Z') ||
		    (cps[i] >= '0' && cps[i] <= '9')))
			extlen = 0;
	}
	keep_ext = dot < n && extlen >= 1 && extlen <= 10 &&
	    ext_matches(type, cps + dot + 1, extlen);
	stemlen = keep_ext ? dot : n;
	if (!keep_ext)
		extlen = type == SNIFF_NONE ? 0 : strlen(sniff_ext(type));

	max = SNIFF_NAME_CHARS - (extlen ? extlen + 1 : 0);
	if (stemlen > max)
		stemlen = max;
	while (stemlen > 0 && (cps[stemlen - 1] == '.' ||
	    cps[stemlen - 1] == ' '))
		stemlen--;

	o = 0;
	if (stemlen == 0) {
		if (stem == NULL || *stem == '\0')
			stem = "document";
		if (strlen(stem) >= outlen)
			goto toosmall;
		o = strlen(stem);
		memcpy(out, stem, o);
	}
	for (i = 0; i < stemlen; i++) {
		if (o + 5 > outlen)
			goto toosmall;
		o += utf8_put((unsigned long)cps[i], out + o);
	}
	if (extlen) {
		if (o + 1 + extlen + 1 > outlen)
			goto toosmall;
		out[o++] = '.';
		if (keep_ext) {
			for (i = 0; i < extlen; i++)
				out[o++] = (char)cps[dot + 1 + i];
		} else {
			memcpy(out + o, sniff_ext(type), extlen);
			o += extlen;
		}
	}
	out[o] = '\0';

	free(cps);
	return (1);

toosmall:
	free(cps);
	if (outlen > 0)
		out[0] = '\0';
	return (0);
}

/*
 * The ASCII letter a Latin letter is based on, for the plain-ASCII name
 * that old clients show: Vietnamese loses its diacritics ("Hồ sơ" →
 * "Ho so"), anything else becomes '_'.  0: drop (a combining mark).
 */
static int
ascii_base(long cp)
{
	static const char	latin1[] =
	    "AAAAAAACEEEEIIIIDNOOOOOxOUUUUY_s"
	    "aaaaaaaceeeeiiiidnooooo_ouuuuy_y";
	static const struct {
		long	from, to;
		char	letter;
	} viet[] = {
		{ 0x1ea0, 0x1eb7, 'a' }, { 0x1eb8, 0x1ec7, 'e' },
		{ 0x1ec8, 0x1ecb, 'i' }, { 0x1ecc, 0x1ee3, 'o' },
		{ 0x1ee4, 0x1ef1, 'u' }, { 0x1ef2, 0x1ef9, 'y' },
	};
	size_t			i;

	if (cp >= 0x300 && cp <= 0x36f)
		return (0);
	if (cp >= 0xc0 && cp <= 0xff)
		return (latin1[cp - 0xc0]);
	switch (cp) {
	case 0x102: return ('A');	/* Ă */
	case 0x103: return ('a');
	case 0x110: return ('D');	/* Đ */
	case 0x111: return ('d');
	case 0x128: return ('I');	/* Ĩ */
	case 0x129: return ('i');
	case 0x168: return ('U');	/* Ũ */
	case 0x169: return ('u');
	case 0x1a0: return ('O');	/* Ơ */
	case 0x1a1: return ('o');
	case 0x1af: return ('U');	/* Ư */
	case 0x1b0: return ('u');
	}
	/* Ạ ạ Ả ả …: capitals at even code points, small at odd. */
	for (i = 0; i < sizeof(viet) / sizeof(viet[0]); i++) {
		if (cp >= viet[i].from && cp <= viet[i].to)
			return (cp % 2 == 0 ? viet[i].letter - 32 :
			    viet[i].letter);
	}

	return ('_');
}

/* RFC 8187 attr-char: what filename*= may carry without escaping. */
static int
attr_char(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("!#$&+-.^_`|~", c) != NULL);
}

/*
 * Content-Disposition for sending name (a stored, sanitised name) as a
 * download: `attachment; filename="<ASCII>"; filename*=UTF-8''<UTF-8,
 * percent-encoded>` (RFC 6266): browsers use filename*, the ASCII
 * fallback keeps old ones from mangling Vietnamese names.  Returns 0 when
 * out is too small.
 */
int
sniff_disposition(const char *name, char *out, size_t outlen)
{
	static const char	hex[] = "0123456789ABCDEF";
	const unsigned char	*s = (const unsigned char *)name;
	size_t			len, i, o, step;
	long			cp;
	int			c;

#define PUT(ch)	do {						\
		if (o + 1 >= outlen)				\
			goto toosmall;				\
		out[o++] = (ch);				\
	} while (0)
#define PUTS(str)	do {					\
		const char *p_ = (str);				\
		while (*p_ != '\0')				\
			PUT(*p_++);				\
	} while (0)

	o = 0;
	len = strlen(name);

	PUTS("attachment; filename=\"");
	for (i = 0; i < len; i += step) {
		cp = utf8_next(s + i, len - i, &step);
		if (cp >= 0x20 && cp < 0x7f) {
			/* Quoted-string specials, and % that some decode. */
			c = cp == '"' || cp == '\\' || cp == '%' ? '_' : (int)cp;
		} else if (cp < 0x20 || cp == 0x7f) {
			c = '_';
		} else {
			c = ascii_base(cp);
		}
		if (c != 0)
			PUT((char)c);
	}
	PUTS("\"; filename*=UTF-8''");
	for (i = 0; i < len; i++) {
		if (attr_char(s[i])) {
			PUT((char)s[i]);
		} else {
			PUT('%');
			PUT(hex[s[i] >> 4]);
			PUT(hex[s[i] & 0x0f]);
		}
	}
	out[o] = '\0';

#undef PUT
#undef PUTS
	return (1);

toosmall:
	if (outlen > 0)
		out[0] = '\0';
	return (0);
}
