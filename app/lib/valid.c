/*
 * Single-value checks (see valid.h).  These are deliberately practical
 * rather than RFC-complete: they accept what real people type on a phone
 * in Vietnam and refuse what cannot be delivered to.
 */

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "schema.h"
#include "valid.h"

/*
 * Passwords people choose first.  A short list keeps the check cheap and
 * catches the worst; length does the rest.  Lower case, compared without
 * regard to case.
 */
static const char *const common_passwords[] = {
	"0123456789", "1234567890", "12345678910", "123456789a",
	"123456789abc", "1234567890a", "123123123123", "1111111111",
	"0000000000", "1234512345", "987654321a", "abc1234567",
	"abcd123456", "abcdefghij", "qwertyuiop", "qwerty12345",
	"qwerty123456", "asdfghjkl1", "zxcvbnm123", "1q2w3e4r5t",
	"1qaz2wsx3edc", "password12", "password123", "password1234",
	"passw0rd123", "iloveyou12", "iloveyou123", "anhyeuem123",
	"anhyeuem1234", "emyeuanh123", "matkhau123", "matkhau1234",
	"matkhaumoi", "vietnam123", "vietnam2024", "vietnam2025",
	"vietnam2026", "hanoi12345", "hanoi123456", "saigon12345",
	"welcome123", "letmein123", "admin12345", "administrator",
	"changeme123", "football123", "sunshine123", "princess123",
	"monkey12345", "dragon12345", NULL
};

const char *
valid_email(const char *s)
{
	const char	*at, *p, *label;
	size_t		len, local;
	int		dots;

	len = strlen(s);
	if (len < 3 || len > VALID_EMAIL_MAX)
		return ("must be a valid e-mail address");

	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		return ("must be a valid e-mail address");

	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || at[-1] == '.')
		return ("must be a valid e-mail address");

	for (p = s; p < at; p++) {
		if (isalnum((unsigned char)*p))
			continue;
		if (strchr(".!#$%&'*+/=?^_`{|}~-", *p) == NULL)
			return ("must be a valid e-mail address");
		if (*p == '.' && p[1] == '.')
			return ("must be a valid e-mail address");
	}

	/* The domain: dot-separated labels of letters, digits, hyphens. */
	dots = 0;
	label = at + 1;
	for (p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (p == label || p - label > 63 || *label == '-' ||
			    p[-1] == '-')
				return ("must be a valid e-mail address");
			if (*p == '\0')
				break;
			dots++;
			label = p + 1;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-')
			return ("must be a valid e-mail address");
	}

	if (dots == 0)
		return ("must be a valid e-mail address");

	return (NULL);
}

void
valid_email_normalize(const char *s, char *out, size_t len)
{
	size_t		i;

	if (len == 0)
		return;

	for (i = 0; s[i] != '\0' && i < len - 1; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/*
 * Vietnamese numbers as people write them: 0912 345 678, 0912.345.678,
 * +84 912 345 678, 84912345678.  Mobile numbers have ten digits with a
 * leading 0 (03, 05, 07, 08, 09); landlines eleven (02x area codes).
 * Stored as +84 followed by the national number without its 0.
 */
int
valid_phone_normalize(const char *s, char *out, size_t len)
{
	char		digits[24];
	size_t		n;
	const char	*p;

	n = 0;
	p = s;
	while (*p == ' ')
		p++;
	if (*p == '+') {
		if (p[1] != '8' || p[2] != '4')
			return (0);
		p += 3;
		digits[n++] = '0';
		/* "+84 0912 345 678": the trunk 0 kept by habit. */
		while (*p == ' ')
			p++;
		if (*p == '0')
			p++;
	}

	for (; *p != '\0'; p++) {
		if (*p == ' ' || *p == '.' || *p == '-' || *p == '(' ||
		    *p == ')')
			continue;
		if (!isdigit((unsigned char)*p) || n >= sizeof(digits) - 1)
			return (0);
		digits[n++] = *p;
	}
	digits[n] = '\0';

	/* 84xxxxxxxxx without the plus. */
	if (digits[0] == '8' && digits[1] == '4' && (n == 11 || n == 12)) {
		memmove(digits + 1, digits + 2, n - 1);
		digits[0] = '0';
		n--;
	}

	if (digits[0] != '0')
		return (0);
	if (n == 10 && strchr("35789", digits[1]) == NULL)
		return (0);
	if (n == 11 && digits[1] != '2')
		return (0);
	if (n != 10 && n != 11)
		return (0);

	if (len < n + 3)
		return (0);
	out[0] = '+';
	out[1] = '8';
	out[2] = '4';
	memcpy(out + 3, digits + 1, n);		/* with its NUL */

	return (1);
}

const char *
valid_phone(const char *s)
{
	char		buf[VALID_PHONE_LEN];

	if (!valid_phone_normalize(s, buf, sizeof(buf)))
		return ("must be a Vietnamese phone number, "
		    "e.g. 0912 345 678");

	return (NULL);
}

const char *
valid_password(const char *pw, const char *email)
{
	const char	*at;
	size_t		len, i, k;
	int		same;

	len = schema_utf8_len(pw);
	if (len < VALID_PASSWORD_MIN)
		return ("must be at least 10 characters");
	if (len > VALID_PASSWORD_MAX)
		return ("must be at most 128 characters");

	/* The first character may take several bytes: ễễễ is one repeated. */
	for (k = 1; ((unsigned char)pw[k] & 0xc0) == 0x80; k++)
		;
	same = 1;
	for (i = k; pw[i] != '\0'; i++) {
		if (pw[i] != pw[i % k])
			same = 0;
	}
	if (same)
		return ("must not repeat a single character");

	if (email != NULL && email[0] != '\0') {
		if (!strcasecmp(pw, email))
			return ("must not be your e-mail address");
		if ((at = strchr(email, '@')) != NULL &&
		    (size_t)(at - email) == strlen(pw) &&
		    !strncasecmp(pw, email, (size_t)(at - email)))
			return ("must not be your e-mail address");
	}

	for (i = 0; common_passwords[i] != NULL; i++) {
		if (!strcasecmp(pw, common_passwords[i]))
			return ("is too common, choose another");
	}

	return (NULL);
}
