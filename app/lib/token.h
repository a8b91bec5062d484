/*
 * Random secrets: session tokens, set-password tokens and request ids.
 * Tokens carry 256 bits from getrandom(), written in base64url; only a
 * SHA-256 of a token is ever stored, so a copy of the database does not
 * let anyone log in.
 */

#ifndef SEN_TOKEN_H
#define SEN_TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_BYTES	32
#define TOKEN_LEN	43	/* base64url of 32 bytes, no padding */

int	token_random(void *, size_t);
int	token_new(char *, size_t);
int	token_shape_ok(const char *);
int	token_hex(char *, size_t, size_t);
size_t	b64_encode(const uint8_t *, size_t, char *, size_t, int);
int	b64_decode(const char *, uint8_t *, size_t);

#endif
