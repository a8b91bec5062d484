/*
 * scrypt password hashing (see pwhash.h).  Only libscrypt_scrypt() is
 * used: libscrypt_hash() reads /dev/urandom, which a chrooted worker does
 * not have, and libscrypt_check() parses with strtok(), which is not safe
 * in the task threads that run several checks at once.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libscrypt.h>

#include "pwhash.h"
#include "token.h"

#define SALT_LEN	16
#define HASH_LEN	64

struct mcf {
	int		log2n;
	int		r;
	int		p;
	uint8_t		salt[64];
	int		saltlen;
	uint8_t		hash[HASH_LEN];
};

static int
mcf_parse(const char *s, struct mcf *m)
{
	char		buf[PWHASH_MCF_LEN + 1], *salt, *hash, *end;
	unsigned long	params;

	if (strlen(s) > PWHASH_MCF_LEN || strncmp(s, "$s1$", 4) != 0)
		return (0);
	(void)snprintf(buf, sizeof(buf), "%s", s + 4);

	if ((salt = strchr(buf, '$')) == NULL)
		return (0);
	*salt++ = '\0';
	if ((hash = strchr(salt, '$')) == NULL)
		return (0);
	*hash++ = '\0';

	if (strlen(buf) != 6)
		return (0);
	params = strtoul(buf, &end, 16);
	if (*end != '\0')
		return (0);

	m->log2n = (int)(params >> 16);
	m->r = (int)((params >> 8) & 0xff);
	m->p = (int)(params & 0xff);
	if (m->log2n < 1 || m->log2n > 22 || m->r < 1 || m->p < 1)
		return (0);

	m->saltlen = b64_decode(salt, m->salt, sizeof(m->salt));
	if (m->saltlen < 1)
		return (0);
	if (b64_decode(hash, m->hash, sizeof(m->hash)) != HASH_LEN)
		return (0);

	return (1);
}

int
pwhash_make_cost(const char *pw, int log2n, int r, int p, char *out,
    size_t len)
{
	uint8_t		salt[SALT_LEN], hash[HASH_LEN];
	char		salt64[32], hash64[96];

	if (len < PWHASH_MCF_LEN)
		return (0);
	if (!token_random(salt, sizeof(salt)))
		return (0);

	if (libscrypt_scrypt((const uint8_t *)pw, strlen(pw), salt,
	    sizeof(salt), (uint64_t)1 << log2n, (uint32_t)r, (uint32_t)p,
	    hash, sizeof(hash)) != 0)
		return (0);

	(void)b64_encode(salt, sizeof(salt), salt64, sizeof(salt64), 0);
	(void)b64_encode(hash, sizeof(hash), hash64, sizeof(hash64), 0);

	return (libscrypt_mcf((uint32_t)1 << log2n, (uint32_t)r, (uint32_t)p,
	    salt64, hash64, out) == 1);
}

int
pwhash_make(const char *pw, char *out, size_t len)
{
	return (pwhash_make_cost(pw, PWHASH_LOG2_N, PWHASH_R, PWHASH_P,
	    out, len));
}

/* 1: the password matches, 0: it does not, -1: the hash is unusable. */
int
pwhash_verify(const char *mcf, const char *pw)
{
	struct mcf	m;
	uint8_t		hash[HASH_LEN], diff;
	size_t		i;

	if (!mcf_parse(mcf, &m))
		return (-1);

	if (libscrypt_scrypt((const uint8_t *)pw, strlen(pw), m.salt,
	    (size_t)m.saltlen, (uint64_t)1 << m.log2n, (uint32_t)m.r,
	    (uint32_t)m.p, hash, sizeof(hash)) != 0)
		return (-1);

	/* Constant time, so the comparison tells nothing about the hash. */
	diff = 0;
	for (i = 0; i < HASH_LEN; i++)
		diff |= hash[i] ^ m.hash[i];

	return (diff == 0);
}

/* The cost of a stored hash; 0 when it is not one we can use. */
int
pwhash_parse(const char *mcf, int *log2n, int *r, int *p)
{
	struct mcf	m;

	if (!mcf_parse(mcf, &m))
		return (0);
	*log2n = m.log2n;
	*r = m.r;
	*p = m.p;

	return (1);
}

int
pwhash_outdated(const char *mcf)
{
	struct mcf	m;

	if (!mcf_parse(mcf, &m))
		return (1);

	return (m.log2n < PWHASH_LOG2_N || m.r != PWHASH_R ||
	    m.p != PWHASH_P);
}
