/*
 * Random tokens and base64 (see token.h).  getrandom() rather than
 * /dev/urandom because production workers run in a chroot without /dev.
 */

#include <sys/random.h>

#include <errno.h>
#include <string.h>

#include "token.h"

static const char	b64_std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char	b64_url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int
token_random(void *buf, size_t len)
{
	uint8_t		*p;
	ssize_t		r;

	p = buf;
	while (len > 0) {
		r = getrandom(p, len, 0);
		if (r == -1) {
			if (errno == EINTR)
				continue;
			return (0);
		}
		p += r;
		len -= (size_t)r;
	}

	return (1);
}

/*
 * Encode len bytes.  url != 0 gives base64url without padding (tokens);
 * url == 0 gives standard base64 with padding (scrypt's MCF strings).
 * Returns the length written, 0 when out is too small.
 */
size_t
b64_encode(const uint8_t *in, size_t len, char *out, size_t outlen, int url)
{
	const char	*alpha;
	size_t		i, o, need;
	uint32_t	v;

	alpha = url ? b64_url : b64_std;
	need = url ? (len / 3) * 4 + (len % 3 ? len % 3 + 1 : 0) :
	    ((len + 2) / 3) * 4;
	if (outlen < need + 1)
		return (0);

	o = 0;
	for (i = 0; i + 2 < len; i += 3) {
		v = ((uint32_t)in[i] << 16) | ((uint32_t)in[i + 1] << 8) |
		    in[i + 2];
		out[o++] = alpha[(v >> 18) & 0x3f];
		out[o++] = alpha[(v >> 12) & 0x3f];
		out[o++] = alpha[(v >> 6) & 0x3f];
		out[o++] = alpha[v & 0x3f];
	}

	if (i < len) {
		v = (uint32_t)in[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = alpha[(v >> 18) & 0x3f];
		out[o++] = alpha[(v >> 12) & 0x3f];
		if (i + 1 < len)
			out[o++] = alpha[(v >> 6) & 0x3f];
		else if (!url)
			out[o++] = '=';
		if (!url)
			out[o++] = '=';
	}

	out[o] = '\0';
	return (o);
}

static int
b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+' || c == '-')
		return (62);
	if (c == '/' || c == '_')
		return (63);

	return (-1);
}

/* Decode either alphabet, padding optional.  Returns bytes or -1. */
int
b64_decode(const char *in, uint8_t *out, size_t outlen)
{
	uint32_t	acc;
	size_t		o;
	int		bits, v, pad;

	acc = 0;
	bits = 0;
	o = 0;
	pad = 0;

	for (; *in != '\0' && *in != '='; in++) {
		if ((v = b64_value(*in)) == -1)
			return (-1);
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outlen)
				return (-1);
			out[o++] = (uint8_t)(acc >> bits);
		}
	}

	/* Padding ends the text: nothing may hide behind it. */
	for (; *in == '='; in++)
		pad++;
	if (*in != '\0' || pad > 2)
		return (-1);

	return ((int)o);
}

int
token_new(char *out, size_t len)
{
	uint8_t		raw[TOKEN_BYTES];

	if (len < TOKEN_LEN + 1)
		return (0);
	if (!token_random(raw, sizeof(raw)))
		return (0);

	return (b64_encode(raw, sizeof(raw), out, len, 1) == TOKEN_LEN);
}

/* A cheap check before a token reaches the database. */
int
token_shape_ok(const char *s)
{
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= TOKEN_LEN)
			return (0);
		if (b64_value(s[i]) == -1 || s[i] == '+' || s[i] == '/')
			return (0);
	}

	return (i == TOKEN_LEN);
}

/* nbytes random bytes as lower-case hex: request ids. */
int
token_hex(char *out, size_t len, size_t nbytes)
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			raw[64];
	size_t			i;

	if (nbytes > sizeof(raw) || len < nbytes * 2 + 1)
		return (0);
	if (!token_random(raw, nbytes))
		return (0);

	for (i = 0; i < nbytes; i++) {
		out[i * 2] = hex[raw[i] >> 4];
		out[i * 2 + 1] = hex[raw[i] & 0x0f];
	}
	out[nbytes * 2] = '\0';

	return (1);
}
