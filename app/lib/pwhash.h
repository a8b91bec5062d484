/*
 * Password hashes: scrypt, stored as libscrypt's MCF string
 * ($s1$NNrrpp$salt$hash), so the cost travels with every hash and can rise
 * later: a login with an outdated hash stores a new one.
 *
 * Cost: N = 2^15, r = 8, p = 1, i.e. 32 MiB of memory and about 70 ms of
 * one core per hash on the reference machine.  libscrypt's default
 * (N = 2^14, r = 8, p = 16) costs 0.4 s a hash, which would let a few
 * dozen logins a second saturate a server; p = 1 with a larger N keeps
 * the memory-hardness that makes GPU guessing expensive at a cost that
 * serves a district's peak (hundreds of logins a minute) on two cores.
 */

#ifndef SEN_PWHASH_H
#define SEN_PWHASH_H

#include <stddef.h>
#include <stdint.h>

#define PWHASH_LOG2_N	15
#define PWHASH_R	8
#define PWHASH_P	1
#define PWHASH_MCF_LEN	128

int	pwhash_make(const char *, char *, size_t);
int	pwhash_make_cost(const char *, int, int, int, char *, size_t);
int	pwhash_verify(const char *, const char *);
int	pwhash_outdated(const char *);
int	pwhash_parse(const char *, int *, int *, int *);

#endif
