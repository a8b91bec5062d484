/*
 * sniff.c: file types from their bytes, stored names and the
 * Content-Disposition header.  The fixtures are real, minimal files (a
 * 1x1 PNG and JPEG, a one-page PDF that `file` and PDF readers open);
 * each test damages one in a single way and expects a refusal.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/sniff.h"
#include "lib/qs.h"

static const unsigned char png_1x1[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a,
	/* IHDR: 1x1, depth 8, colour type 2 (RGB) */
	0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde,
	/* IDAT */
	0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54,
	0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00,
	0x03, 0x01, 0x01, 0x00, 0xc9, 0xfe, 0x92, 0xef,
	/* IEND */
	0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44,
	0xae, 0x42, 0x60, 0x82
};
#define PNG_IHDR	8	/* offset of the IHDR chunk */
#define PNG_IDAT	33
#define PNG_IEND	57

static const unsigned char jpeg_1x1[] = {
	0xff, 0xd8,
	/* DQT: one table of 64 ones */
	0xff, 0xdb, 0x00, 0x43, 0x00,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	/* SOF0: 8 bits, 1x1, one component */
	0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01, 0x01,
	0x01, 0x11, 0x00,
	/* DHT: DC table 0 and AC table 0, one code each */
	0xff, 0xc4, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0x00,
	0xff, 0xc4, 0x00, 0x14, 0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0x00,
	/* SOS, one byte of scan data, EOI */
	0xff, 0xda, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3f, 0x00,
	0x3f,
	0xff, 0xd9
};
#define JPEG_SOF	71	/* offset of the SOF0 marker */
#define JPEG_SOS	128

static const char pdf_min[] =
	"%PDF-1.4\n"
	"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
	"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
	"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>\n"
	"endobj\n"
	"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n"
	"0000000058 00000 n \n0000000115 00000 n \n"
	"trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n184\n%%EOF\n";

/* A writable copy of a fixture with room to grow. */
struct buf {
	unsigned char	b[8192];
	size_t		len;
};

static void
load(struct buf *b, const void *src, size_t len)
{
	assert_true(len <= sizeof(b->b));
	memcpy(b->b, src, len);
	b->len = len;
}

static void
load_pdf(struct buf *b)
{
	load(b, pdf_min, sizeof(pdf_min) - 1);
}

/* Insert n bytes at off. */
static void
insert(struct buf *b, size_t off, const void *src, size_t n)
{
	assert_true(b->len + n <= sizeof(b->b) && off <= b->len);
	memmove(b->b + off + n, b->b + off, b->len - off);
	memcpy(b->b + off, src, n);
	b->len += n;
}

/* Remove n bytes at off. */
static void
cut(struct buf *b, size_t off, size_t n)
{
	assert_true(off + n <= b->len);
	memmove(b->b + off, b->b + off + n, b->len - off - n);
	b->len -= n;
}

static int
type_of(const struct buf *b)
{
	return (sniff_type(b->b, b->len, NULL));
}

/* Refused, with a reason. */
static void
assert_refused(const void *p, size_t len)
{
	const char	*why = NULL;

	assert_int_equal(sniff_type(p, len, &why), SNIFF_NONE);
	assert_non_null(why);
	assert_true(strlen(why) > 5);
}

static void
test_fixtures_pass(void **state)
{
	const char	*why = "unset";

	assert_int_equal(sniff_type(png_1x1, sizeof(png_1x1), &why),
	    SNIFF_PNG);
	assert_null(why);
	why = "unset";
	assert_int_equal(sniff_type(jpeg_1x1, sizeof(jpeg_1x1), &why),
	    SNIFF_JPEG);
	assert_null(why);
	why = "unset";
	assert_int_equal(sniff_type(pdf_min, sizeof(pdf_min) - 1, &why),
	    SNIFF_PDF);
	assert_null(why);

	/* The reason pointer is optional. */
	assert_int_equal(sniff_type(png_1x1, sizeof(png_1x1), NULL),
	    SNIFF_PNG);
	assert_int_equal(sniff_type("x", 1, NULL), SNIFF_NONE);
}

static void
test_mime_ext(void **state)
{
	assert_string_equal(sniff_mime(SNIFF_PDF), "application/pdf");
	assert_string_equal(sniff_mime(SNIFF_JPEG), "image/jpeg");
	assert_string_equal(sniff_mime(SNIFF_PNG), "image/png");
	assert_string_equal(sniff_mime(SNIFF_NONE), "application/octet-stream");
	assert_string_equal(sniff_ext(SNIFF_PDF), "pdf");
	assert_string_equal(sniff_ext(SNIFF_JPEG), "jpg");
	assert_string_equal(sniff_ext(SNIFF_PNG), "png");
}

/* Empty, one byte, and signatures alone are refused. */
static void
test_tiny(void **state)
{
	const char	*why = NULL;
	static const unsigned char	one[][1] = {
		{ '%' }, { 0xff }, { 0x89 }, { 'M' }, { 0x00 }, { 'P' }
	};
	size_t		i;

	assert_int_equal(sniff_type("", 0, &why), SNIFF_NONE);
	assert_string_equal(why, "is empty");
	assert_int_equal(sniff_type(NULL, 0, NULL), SNIFF_NONE);

	for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
		assert_refused(one[i], 1);

	assert_refused("\xff\xd8", 2);			/* only SOI */
	assert_refused("\xff\xd8\xff", 3);
	assert_refused("\xff\xd8\xff\xe0", 4);
	assert_refused("\xff\xd8\xff\xd9", 4);		/* SOI, EOI */
	assert_refused(png_1x1, 8);			/* only the signature */
	assert_refused(png_1x1, 9);
	assert_refused("%PDF-", 5);
	assert_refused("%PDF-1.4", 8);
	assert_refused("%PDF-1.4\n", 9);
}

/* What people try to pass off as documents. */
static void
test_other_types(void **state)
{
	static const char	mz[] = "MZ\x90\x00\x03\x00\x00\x00\x04\x00"
	    "\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode";
	static const char	zip[] = "PK\x03\x04\x14\x00\x00\x00\x08\x00";
	static const char	html[] = "<!DOCTYPE html><html><body>"
	    "<script>alert(1)</script>%PDF-1.4\n</body></html>";
	static const char	svg[] = "<?xml version=\"1.0\"?><svg "
	    "xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>";
	static const char	gif[] = "GIF89a\x01\x00\x01\x00\x80\x00\x00";
	static const char	text[] = "Kế hoạch kinh doanh\n";
	const char		*why = NULL;
	struct buf		b;

	assert_int_equal(sniff_type(mz, sizeof(mz) - 1, &why), SNIFF_NONE);
	assert_string_equal(why, SNIFF_NOT_ACCEPTED);
	assert_non_null(strstr(why, "PDF, JPEG or PNG"));
	assert_refused(zip, sizeof(zip) - 1);
	assert_refused(html, sizeof(html) - 1);
	assert_refused(svg, sizeof(svg) - 1);
	assert_refused(gif, sizeof(gif) - 1);
	assert_refused(text, sizeof(text) - 1);

	/* A signature must be at byte 0: no BOM, blank or junk before. */
	load_pdf(&b);
	insert(&b, 0, "\xef\xbb\xbf", 3);
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load_pdf(&b);
	insert(&b, 0, " ", 1);
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, png_1x1, sizeof(png_1x1));
	insert(&b, 0, "MZ", 2);
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* An .exe with a PDF header glued on has no PDF trailer. */
	load(&b, mz, sizeof(mz) - 1);
	insert(&b, 0, "%PDF-1.7\n", 9);
	assert_int_equal(type_of(&b), SNIFF_NONE);
}

/* The signature alone, as read before the rest of an upload. */
static void
test_signature(void **state)
{
	assert_int_equal(sniff_signature(pdf_min, SNIFF_SIGNATURE_LEN),
	    SNIFF_PDF);
	assert_int_equal(sniff_signature(jpeg_1x1, SNIFF_SIGNATURE_LEN),
	    SNIFF_JPEG);
	assert_int_equal(sniff_signature(png_1x1, SNIFF_SIGNATURE_LEN),
	    SNIFF_PNG);
	/* Short files: as much as there is. */
	assert_int_equal(sniff_signature("%PDF-", 5), SNIFF_PDF);
	assert_int_equal(sniff_signature("%PDF", 4), SNIFF_NONE);
	assert_int_equal(sniff_signature("\xff\xd8", 2), SNIFF_JPEG);
	assert_int_equal(sniff_signature("\xff", 1), SNIFF_NONE);
	assert_int_equal(sniff_signature(png_1x1, 7), SNIFF_NONE);
	assert_int_equal(sniff_signature("", 0), SNIFF_NONE);
	assert_int_equal(sniff_signature("MZ\x90\x00\x03\x00\x00\x00", 8),
	    SNIFF_NONE);
	assert_int_equal(sniff_signature("PK\x03\x04\x14\x00\x00\x00", 8),
	    SNIFF_NONE);
	assert_int_equal(sniff_signature("<svg xml", 8), SNIFF_NONE);
	/* A signature is a claim, not a verdict. */
	assert_int_equal(sniff_signature("%PDF-9.9", 8), SNIFF_PDF);
	assert_int_equal(sniff_type("%PDF-9.9", 8, NULL), SNIFF_NONE);
}

static void
test_pdf_versions(void **state)
{
	static const char *const	good[] = { "1.0", "1.1", "1.2", "1.3",
	    "1.4", "1.5", "1.6", "1.7", "2.0", NULL };
	static const char *const	bad[] = { "1.8", "1.9", "2.1", "3.0",
	    "0.9", "1.a", "x.y", "1,4", "14.", NULL };
	struct buf	b;
	size_t		i;

	for (i = 0; good[i] != NULL; i++) {
		load_pdf(&b);
		memcpy(b.b + 5, good[i], 3);
		assert_int_equal(type_of(&b), SNIFF_PDF);
	}
	for (i = 0; bad[i] != NULL; i++) {
		load_pdf(&b);
		memcpy(b.b + 5, bad[i], 3);
		assert_int_equal(type_of(&b), SNIFF_NONE);
	}

	/* A header without a version. */
	load_pdf(&b);
	cut(&b, 5, 3);
	assert_int_equal(type_of(&b), SNIFF_NONE);
	/* Something other than an end of line after the version. */
	load_pdf(&b);
	b.b[8] = 'x';
	assert_int_equal(type_of(&b), SNIFF_NONE);
	/* CR LF, a lone CR and a blank are fine. */
	load_pdf(&b);
	insert(&b, 8, "\r", 1);
	assert_int_equal(type_of(&b), SNIFF_PDF);
	b.b[9] = 'z';
	assert_int_equal(type_of(&b), SNIFF_PDF);
	load_pdf(&b);
	b.b[8] = ' ';
	assert_int_equal(type_of(&b), SNIFF_PDF);
	/* Lower case is not the signature. */
	load_pdf(&b);
	memcpy(b.b, "%pdf", 4);
	assert_int_equal(type_of(&b), SNIFF_NONE);
}

static void
test_pdf_trailer(void **state)
{
	struct buf	b;
	char		pad[2048];
	unsigned char	*eof;

	/* Cut off anywhere before its end: refused. */
	load_pdf(&b);
	b.len -= 7;			/* "%%EOF\n" and one more */
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load_pdf(&b);
	b.len /= 2;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load_pdf(&b);
	b.len = 100;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* No startxref. */
	load_pdf(&b);
	eof = (unsigned char *)strstr((char *)b.b, "startxref");
	assert_non_null(eof);
	memcpy(eof, "startxre_", 9);
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* %%EOF before startxref only. */
	load_pdf(&b);
	b.len -= 6;
	insert(&b, b.len - 14, "%%EOF\n", 6);
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* Without the final end of line, or with a little junk after. */
	load_pdf(&b);
	b.len -= 1;
	assert_int_equal(type_of(&b), SNIFF_PDF);
	load_pdf(&b);
	insert(&b, b.len, "\0\0\0\n\n", 5);
	assert_int_equal(type_of(&b), SNIFF_PDF);

	/* The trailer must be in the last kilobyte. */
	memset(pad, ' ', sizeof(pad));
	load_pdf(&b);
	insert(&b, b.len, pad, 1000);
	assert_int_equal(type_of(&b), SNIFF_PDF);
	load_pdf(&b);
	insert(&b, b.len, pad, sizeof(pad));
	assert_int_equal(type_of(&b), SNIFF_NONE);
}

static void
test_jpeg_structure(void **state)
{
	struct buf	b;
	static const unsigned char	app1_thumb[] = {
		/* APP1 holding a complete thumbnail, EOI and all. */
		0xff, 0xe1, 0x00, 0x0a, 'E', 'x', 'i', 'f', 0, 0,
		0xff, 0xd9
	};

	/* Truncated: without EOI, and cut in the middle of a segment. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.len -= 2;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	b.len = 50;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	b.len = JPEG_SOS + 5;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	/* The EOI replaced by other bytes. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[b.len - 1] = 0x00;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* Data after EOI (motion photos) is accepted. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	insert(&b, b.len, "\x00\x00\x00\x18" "ftypmp42", 12);
	assert_int_equal(type_of(&b), SNIFF_JPEG);

	/* No frame header before the scan. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	cut(&b, JPEG_SOF, 13);
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* Segment lengths: below 2, or past the end of the file. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[4] = 0x00;
	b.b[5] = 0x01;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[4] = 0xff;
	b.b[5] = 0xf0;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* A marker where a marker must be, and nothing else. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF] = 0x00;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF + 1] = 0x00;		/* FF 00 outside a scan */
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	insert(&b, 2, "\xff\xd8", 2);		/* a second SOI */
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* Fill bytes and markers without a length are fine. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	insert(&b, JPEG_SOF, "\xff\xff\xff", 3);
	assert_int_equal(type_of(&b), SNIFF_JPEG);
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	insert(&b, JPEG_SOF, "\xff\x01", 2);
	assert_int_equal(type_of(&b), SNIFF_JPEG);

	/* Frame headers: width 0, 5 components, wrong length. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF + 8] = 0x00;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF + 9] = 5;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF + 9] = 0;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	/* Progressive (SOF2) is a frame header too. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF + 1] = 0xc2;
	assert_int_equal(type_of(&b), SNIFF_JPEG);
	/* DHT (C4) is not. */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	b.b[JPEG_SOF + 1] = 0xc4;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/*
	 * An EOI inside a metadata segment (a thumbnail) does not make a
	 * file whose own scan was cut off whole.
	 */
	load(&b, jpeg_1x1, sizeof(jpeg_1x1));
	insert(&b, 2, app1_thumb, sizeof(app1_thumb));
	assert_int_equal(type_of(&b), SNIFF_JPEG);
	b.len -= 2;
	assert_int_equal(type_of(&b), SNIFF_NONE);
}

/* Recompute the CRC of the chunk at off (length, type, data, CRC). */
static void
png_fix_crc(struct buf *b, size_t off)
{
	uint32_t	c, len;
	size_t		i;
	int		k;

	len = (uint32_t)b->b[off] << 24 | (uint32_t)b->b[off + 1] << 16 |
	    (uint32_t)b->b[off + 2] << 8 | b->b[off + 3];
	c = 0xffffffffU;
	for (i = off + 4; i < off + 8 + len; i++) {
		c ^= b->b[i];
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320U & (0U - (c & 1)));
	}
	c ^= 0xffffffffU;
	b->b[off + 8 + len] = (unsigned char)(c >> 24);
	b->b[off + 9 + len] = (unsigned char)(c >> 16);
	b->b[off + 10 + len] = (unsigned char)(c >> 8);
	b->b[off + 11 + len] = (unsigned char)c;
}

/* The fixture with IHDR byte i set to v and the CRC made right again. */
static int
png_with_ihdr(size_t i, unsigned char v)
{
	struct buf	b;

	load(&b, png_1x1, sizeof(png_1x1));
	b.b[PNG_IHDR + 8 + i] = v;
	png_fix_crc(&b, PNG_IHDR);
	return (type_of(&b));
}

static void
test_png_header(void **state)
{
	struct buf	b;

	/* The signature without IHDR: IDAT first, or nothing. */
	load(&b, png_1x1, sizeof(png_1x1));
	cut(&b, PNG_IHDR, 25);
	assert_int_equal(type_of(&b), SNIFF_NONE);
	assert_refused(png_1x1, PNG_IHDR + 24);		/* IHDR cut short */

	/* A damaged IHDR: its CRC no longer matches. */
	load(&b, png_1x1, sizeof(png_1x1));
	b.b[PNG_IHDR + 11] = 2;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	png_fix_crc(&b, PNG_IHDR);
	assert_int_equal(type_of(&b), SNIFF_PNG);	/* 2 x 1: fine */

	/* A wrong IHDR length. */
	load(&b, png_1x1, sizeof(png_1x1));
	b.b[PNG_IHDR + 3] = 12;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* Width or height 0, or above 2^31 - 1. */
	assert_int_equal(png_with_ihdr(3, 0), SNIFF_NONE);
	assert_int_equal(png_with_ihdr(7, 0), SNIFF_NONE);
	assert_int_equal(png_with_ihdr(0, 0x80), SNIFF_NONE);
	/* Colour type and bit depth: 2 needs 8 or 16; 5 does not exist. */
	assert_int_equal(png_with_ihdr(8, 16), SNIFF_PNG);
	assert_int_equal(png_with_ihdr(8, 4), SNIFF_NONE);
	assert_int_equal(png_with_ihdr(9, 5), SNIFF_NONE);
	assert_int_equal(png_with_ihdr(9, 7), SNIFF_NONE);
	/* Compression and filter 0 only; interlace 0 or 1. */
	assert_int_equal(png_with_ihdr(10, 1), SNIFF_NONE);
	assert_int_equal(png_with_ihdr(11, 1), SNIFF_NONE);
	assert_int_equal(png_with_ihdr(12, 1), SNIFF_PNG);
	assert_int_equal(png_with_ihdr(12, 2), SNIFF_NONE);
}

static void
test_png_chunks(void **state)
{
	struct buf	b;

	/* Truncated: no IEND, or cut in the middle of a chunk. */
	load(&b, png_1x1, sizeof(png_1x1));
	b.len = PNG_IEND;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	b.len = PNG_IDAT + 10;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, png_1x1, sizeof(png_1x1));
	b.len -= 1;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* A chunk longer than what is left of the file. */
	load(&b, png_1x1, sizeof(png_1x1));
	b.b[PNG_IDAT + 2] = 0x10;
	assert_int_equal(type_of(&b), SNIFF_NONE);
	load(&b, png_1x1, sizeof(png_1x1));
	b.b[PNG_IDAT] = 0xff;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* IEND without any IDAT before it. */
	load(&b, png_1x1, sizeof(png_1x1));
	cut(&b, PNG_IDAT, PNG_IEND - PNG_IDAT);
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* IEND that carries data. */
	load(&b, png_1x1, sizeof(png_1x1));
	insert(&b, PNG_IEND + 8, "x", 1);
	b.b[PNG_IEND + 3] = 1;
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* A second IHDR. */
	load(&b, png_1x1, sizeof(png_1x1));
	insert(&b, PNG_IDAT, png_1x1 + PNG_IHDR, 25);
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* A chunk type that is not four letters. */
	load(&b, png_1x1, sizeof(png_1x1));
	b.b[PNG_IDAT + 4] = '1';
	assert_int_equal(type_of(&b), SNIFF_NONE);

	/* Ancillary chunks and bytes after IEND are fine. */
	load(&b, png_1x1, sizeof(png_1x1));
	insert(&b, PNG_IDAT, "\x00\x00\x00\x01sRGB\x00\xae\xce\x1c\xe9", 13);
	assert_int_equal(type_of(&b), SNIFF_PNG);
	load(&b, png_1x1, sizeof(png_1x1));
	insert(&b, b.len, "trailing", 8);
	assert_int_equal(type_of(&b), SNIFF_PNG);
}

/* sniff_filename with a roomy buffer. */
static const char *
fname(const char *in, int type, const char *stem)
{
	static char	out[SNIFF_NAME_BYTES];

	assert_int_equal(sniff_filename(in, type, stem, out, sizeof(out)), 1);
	assert_true(utf8_valid(out, strlen(out)));
	return (out);
}

static size_t
chars(const char *s)
{
	size_t	n;

	for (n = 0; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}

	return (n);
}

static void
test_filename(void **state)
{
	char		in[2048], out[16];
	const char	*r;
	size_t		i;

	assert_string_equal(fname("Kế hoạch kinh doanh.pdf", SNIFF_PDF, NULL),
	    "Kế hoạch kinh doanh.pdf");
	assert_string_equal(fname("photo.JPG", SNIFF_JPEG, NULL), "photo.JPG");
	assert_string_equal(fname("photo.jpeg", SNIFF_JPEG, NULL),
	    "photo.jpeg");
	assert_string_equal(fname("scan.PnG", SNIFF_PNG, NULL), "scan.PnG");

	/* Paths are dropped, whichever separator. */
	assert_string_equal(fname("C:\\Users\\Lan\\Desktop\\hồ sơ.pdf",
	    SNIFF_PDF, NULL), "hồ sơ.pdf");
	assert_string_equal(fname("../../etc/passwd", SNIFF_PDF, NULL),
	    "passwd.pdf");

	/* The extension follows the real type. */
	assert_string_equal(fname("setup.exe", SNIFF_PDF, NULL),
	    "setup.exe.pdf");
	assert_string_equal(fname("anh.png", SNIFF_JPEG, NULL), "anh.png.jpg");
	assert_string_equal(fname("giay to", SNIFF_PNG, NULL), "giay to.png");
	assert_string_equal(fname("report.p df", SNIFF_PDF, NULL),
	    "report.p df.pdf");
	assert_string_equal(fname("x.verylongextension", SNIFF_PDF, NULL),
	    "x.verylongextension.pdf");
	assert_string_equal(fname("data.bin", SNIFF_NONE, NULL), "data.bin");

	/* A right-to-left override cannot disguise the extension. */
	assert_string_equal(fname("invoice\xe2\x80\xae" "fdp.exe", SNIFF_PDF,
	    NULL), "invoicefdp.exe.pdf");
	/* Zero-width, BOM, soft hyphen and C1 controls vanish. */
	assert_string_equal(fname("a\xe2\x80\x8b" "b\xef\xbb\xbf" "c\xc2\xad"
	    "d\xc2\x85.pdf", SNIFF_PDF, NULL), "abcd.pdf");
	/* Controls vanish; reserved characters become _. */
	assert_string_equal(fname("a\tb\nc\r.pdf", SNIFF_PDF, NULL),
	    "abc.pdf");
	assert_string_equal(fname("a\"b*c:d<e>f?g|h.pdf", SNIFF_PDF, NULL),
	    "a_b_c_d_e_f_g_h.pdf");
	/* A no-break space is a space. */
	assert_string_equal(fname("a\xc2\xa0" "b.pdf", SNIFF_PDF, NULL),
	    "a b.pdf");
	/* Malformed UTF-8 becomes _. */
	assert_string_equal(fname("\xff\xfe" "ab.pdf", SNIFF_PDF, NULL),
	    "__ab.pdf");
	assert_string_equal(fname("\xc0\xaf.pdf", SNIFF_PDF, NULL),
	    "__.pdf");

	/* Leading dots and blanks, trailing dots and blanks. */
	assert_string_equal(fname("...hidden.pdf", SNIFF_PDF, NULL),
	    "hidden.pdf");
	assert_string_equal(fname("  name.pdf. . ", SNIFF_PDF, NULL),
	    "name.pdf");
	assert_string_equal(fname(".pdf", SNIFF_PDF, "id_card"),
	    "pdf.pdf");

	/* Nothing left: the stem given, or "document". */
	assert_string_equal(fname("", SNIFF_PDF, "business_plan"),
	    "business_plan.pdf");
	assert_string_equal(fname("///", SNIFF_PNG, NULL), "document.png");
	assert_string_equal(fname(" . . ", SNIFF_JPEG, ""), "document.jpg");
	assert_string_equal(fname("\xe2\x80\xae", SNIFF_JPEG, "id_card"),
	    "id_card.jpg");

	/* Long names are cut in the stem, on a character boundary. */
	in[0] = '\0';
	for (i = 0; i < 300; i++)
		(void)strcat(in, "ệ");		/* 3 bytes each */
	(void)strcat(in, ".pdf");
	r = fname(in, SNIFF_PDF, NULL);
	assert_int_equal(chars(r), SNIFF_NAME_CHARS);
	assert_int_equal(strlen(r), (SNIFF_NAME_CHARS - 4) * 3 + 4);
	assert_string_equal(r + strlen(r) - 4, ".pdf");
	r = fname(in, SNIFF_PNG, NULL);		/* .pdf.png would not fit */
	assert_int_equal(chars(r), SNIFF_NAME_CHARS);
	assert_string_equal(r + strlen(r) - 4, ".png");
	/* A cut that ends on dots and blanks trims them. */
	memset(in, 'a', 114);
	memcpy(in + 114, " . . . . . .x", 14);
	assert_string_equal(fname(in, SNIFF_PDF, NULL) + 110, "aaaa.pdf");

	/* A buffer too small says so. */
	assert_int_equal(sniff_filename("long name.pdf", SNIFF_PDF, NULL, out,
	    8), 0);
	assert_string_equal(out, "");
	assert_int_equal(sniff_filename("", SNIFF_PDF, "business_plan", out,
	    8), 0);
}

static const char *
disp(const char *name)
{
	static char	out[SNIFF_DISPOSITION_BYTES];

	assert_int_equal(sniff_disposition(name, out, sizeof(out)), 1);
	return (out);
}

static void
test_disposition(void **state)
{
	char		small[40], name[SNIFF_NAME_BYTES];
	size_t		i;

	assert_string_equal(disp("plan.pdf"),
	    "attachment; filename=\"plan.pdf\"; filename*=UTF-8''plan.pdf");
	assert_string_equal(disp("Hồ sơ kinh doanh.pdf"),
	    "attachment; filename=\"Ho so kinh doanh.pdf\"; "
	    "filename*=UTF-8''H%E1%BB%93%20s%C6%A1%20kinh%20doanh.pdf");
	assert_string_equal(disp("Đơn đăng ký.png"),
	    "attachment; filename=\"Don dang ky.png\"; "
	    "filename*=UTF-8''%C4%90%C6%A1n%20%C4%91%C4%83ng%20k%C3%BD.png");
	/* Every Vietnamese vowel with its marks, both cases. */
	assert_string_equal(disp("ĂÂÊÔƠƯĐăâêôơưđ.pdf") + 22,
	    "AAEOOUDaaeooud.pdf\"; filename*=UTF-8''%C4%82%C3%82%C3%8A%C3%94"
	    "%C6%A0%C6%AF%C4%90%C4%83%C3%A2%C3%AA%C3%B4%C6%A1%C6%B0%C4%91.pdf");
	assert_memory_equal(disp("ẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặ") + 22,
	    "AaAaAaAaAaAaAaAaAaAaAaAa\"", 25);
	assert_memory_equal(disp("ẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊị") + 22,
	    "EeEeEeEeEeEeEeEeIiIi\"", 21);
	assert_memory_equal(disp("ỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợ") + 22,
	    "OoOoOoOoOoOoOoOoOoOoOoOo\"", 25);
	assert_memory_equal(disp("ỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹĨĩŨũ") + 22,
	    "UuUuUuUuUuUuUuYyYyYyYyIiUu\"", 27);
	assert_memory_equal(disp("ÀÁÃÈÉÌÍÒÓÕÙÚÝàáãèéìíòóõùúý") + 22,
	    "AAAEEIIOOOUUYaaaeeiiooouuy\"", 27);
	/* Decomposed text: the combining marks drop. */
	assert_memory_equal(disp("Nguye\xcc\x82\xcc\x83n.pdf") + 22,
	    "Nguyen.pdf\"", 11);
	/* Other scripts and symbols become _. */
	assert_memory_equal(disp("文件 €.pdf") + 22, "__ _.pdf\"", 9);
	/* %, " and \ never reach the quoted fallback. */
	assert_string_equal(disp("100% lãi \"x\" a\\b.pdf"),
	    "attachment; filename=\"100_ lai _x_ a_b.pdf\"; "
	    "filename*=UTF-8''100%25%20l%C3%A3i%20%22x%22%20a%5Cb.pdf");
	/* RFC 8187 attr-chars go through unescaped; others are escaped. */
	assert_string_equal(strstr(disp("a!#$&+-.^_`|~b;,=()'*"), "*="),
	    "*=UTF-8''a!#$&+-.^_`|~b%3B%2C%3D%28%29%27%2A");
	/* Controls (not in stored names, but still) cannot split the header. */
	assert_string_equal(disp("a\r\nb"),
	    "attachment; filename=\"a__b\"; filename*=UTF-8''a%0D%0Ab");

	/* The largest stored name fits the documented size. */
	name[0] = '\0';
	for (i = 0; i < SNIFF_NAME_CHARS - 4; i++)
		(void)strcat(name, "\xf0\x9f\x8c\xb8");	/* 4 bytes each */
	(void)strcat(name, ".pdf");
	assert_non_null(strstr(disp(name), ".pdf\"; filename*=UTF-8''%F0"));

	assert_int_equal(sniff_disposition("plan.pdf", small, 20), 0);
	assert_string_equal(small, "");
	assert_int_equal(sniff_disposition("Hồ sơ.pdf", small,
	    sizeof(small)), 0);
}

int
unit_sniff(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_pass),
		cmocka_unit_test(test_mime_ext),
		cmocka_unit_test(test_tiny),
		cmocka_unit_test(test_other_types),
		cmocka_unit_test(test_signature),
		cmocka_unit_test(test_pdf_versions),
		cmocka_unit_test(test_pdf_trailer),
		cmocka_unit_test(test_jpeg_structure),
		cmocka_unit_test(test_png_header),
		cmocka_unit_test(test_png_chunks),
		cmocka_unit_test(test_filename),
		cmocka_unit_test(test_disposition),
	};

	return (cmocka_run_group_tests_name("sniff", tests, NULL, NULL));
}
