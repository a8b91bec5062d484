/*
 * Funding decisions as pure logic (see decisions.h).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decisions.h"

#define PREFIX		"amount."
#define PREFIX_LEN	(sizeof(PREFIX) - 1)

static int	 parse_pos(const char *, size_t, int64_t, int64_t *);
static int	 fmt_points(char *, size_t, int64_t);

int
dec_departs(const char *outcome, int64_t amount, const char *proposed,
    int64_t proposed_amount)
{
	if (outcome == NULL || proposed == NULL)
		return (1);
	if (!strcmp(outcome, "funded"))
		return (strcmp(proposed, "funded") != 0 ||
		    amount != proposed_amount);
	if (!strcmp(outcome, "waitlisted"))
		return (strcmp(proposed, "waitlisted") != 0);
	if (!strcmp(outcome, "rejected"))
		return (strcmp(proposed, "below_minimum") != 0 &&
		    strcmp(proposed, "excluded") != 0);

	return (1);
}

/* A decimal number from 1 to max, digits only: 1 when it is one. */
static int
parse_pos(const char *s, size_t len, int64_t max, int64_t *out)
{
	int64_t		v;
	size_t		i;

	if (len == 0 || len > 19 || s[0] == '0')
		return (0);
	for (v = 0, i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		if (v > (max - (s[i] - '0')) / 10)
			return (0);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;

	return (v >= 1);
}

/*
 * Every amount.<id>=<VND> of a query string, in order; other parameters
 * are left to their readers.  0 when all are well formed; -1 with the
 * offending parameter's name in field and why in msg.
 */
int
dec_amounts_parse(const char *qs, struct dec_amount *out, size_t max,
    size_t *n, char *field, size_t flen, char *msg, size_t mlen)
{
	const char	*p, *end, *eq;
	struct dec_amount a;
	size_t		i;

	*n = 0;
	if (qs == NULL)
		return (0);

	for (p = qs; *p != '\0'; p = *end ? end + 1 : end) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		if ((size_t)(end - p) < PREFIX_LEN ||
		    memcmp(p, PREFIX, PREFIX_LEN) != 0)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		(void)snprintf(field, flen, "%.*s", (int)((eq ? eq : end) - p),
		    p);
		if (eq == NULL || !parse_pos(p + PREFIX_LEN,
		    (size_t)(eq - p) - PREFIX_LEN, INT64_MAX, &a.id)) {
			(void)snprintf(msg, mlen, "must be amount.<application "
			    "id>=<VND>");
			return (-1);
		}
		if (!parse_pos(eq + 1, (size_t)(end - eq - 1), DEC_AMOUNT_MAX,
		    &a.amount)) {
			(void)snprintf(msg, mlen, "must be a whole number of "
			    "VND from 1 to %lld", (long long)DEC_AMOUNT_MAX);
			return (-1);
		}
		for (i = 0; i < *n; i++) {
			if (out[i].id == a.id) {
				(void)snprintf(msg, mlen, "is given twice");
				return (-1);
			}
		}
		if (*n == max) {
			(void)snprintf(msg, mlen, "too many staff-set amounts "
			    "(at most %zu)", max);
			return (-1);
		}
		out[(*n)++] = a;
	}

	return (0);
}

const char *
dec_promote(const struct dec_pool *p, const struct dec_candidate *c,
    size_t n, struct dec_offer *out, size_t *nout)
{
	int64_t		free_, reserve, amount;
	size_t		i, k;
	int		last;
	unsigned char	*taken;

	*nout = 0;
	if (p == NULL || (n > 0 && (c == NULL || out == NULL)))
		return ("no input");
	if (p->budget < 0 || p->reserve < 0 || p->reserve > p->budget ||
	    p->committed < 0 || p->committed_priority < 0 ||
	    p->committed_priority > p->committed || p->max_award <= 0 ||
	    p->min_merit < 0)
		return ("the pool is not consistent");
	for (i = 0, last = 0; i < n; i++) {
		if (c[i].rank <= last)
			return ("the candidates are not in rank order");
		if (c[i].requested <= 0)
			return ("a requested amount is not positive");
		last = c[i].rank;
	}

	/* Over budget (a smaller budget, say): nothing to offer. */
	if ((free_ = p->budget - p->committed) <= 0)
		return (NULL);
	reserve = p->reserve - p->committed_priority;
	if (reserve < 0)
		reserve = 0;
	if (reserve > free_)
		reserve = free_;

	if ((taken = calloc(n + 1, 1)) == NULL)
		return ("out of memory");
	for (i = 0; i < n; i++) {
		amount = c[i].requested < p->max_award ? c[i].requested :
		    p->max_award;
		if (!c[i].priority || c[i].merit < p->min_merit ||
		    amount > reserve)
			continue;
		reserve -= amount;
		free_ -= amount;
		taken[i] = 1;
	}
	/* What the reserve did not use is general money again. */
	for (i = 0; i < n; i++) {
		amount = c[i].requested < p->max_award ? c[i].requested :
		    p->max_award;
		if (taken[i] || c[i].merit < p->min_merit || amount > free_)
			continue;
		free_ -= amount;
		taken[i] = 2;
	}

	for (i = 0, k = 0; i < n; i++) {
		if (!taken[i])
			continue;
		out[k].id = c[i].id;
		out[k].rank = c[i].rank;
		out[k].amount = c[i].requested < p->max_award ?
		    c[i].requested : p->max_award;
		out[k].pool = taken[i] == 1 ? ALLOC_POOL_RESERVE :
		    ALLOC_POOL_GENERAL;
		k++;
	}
	*nout = k;
	free(taken);

	return (NULL);
}

/*
 *   được hỗ trợ từ quỹ dành riêng cho diện ưu tiên (hạng 3)
 *   được hỗ trợ từ quỹ chung (hạng 9; hạng 7 không vừa số tiền còn lại
 *     nên xét tiếp): mức tối đa 30 000 000 trên 45 000 000 đề nghị
 *   danh sách chờ: còn 12 000 000 đồng, đề nghị 30 000 000
 *   dưới điểm tối thiểu: 48,2 < 50,0
 */
int
dec_reason_vi(const struct alloc_result *r, char *buf, size_t len)
{
	char		pool[160], cap[160], a[32], b[32], c[32];
	const char	*from;

	switch (r->outcome) {
	case ALLOC_FUNDED:
		from = r->pool == ALLOC_POOL_RESERVE ?
		    "quỹ dành riêng cho diện ưu tiên" : "quỹ chung";
		if (r->passed > 0)
			(void)snprintf(pool, sizeof(pool), "được hỗ trợ từ %s "
			    "(hạng %d; hạng %d không vừa số tiền còn lại nên "
			    "xét tiếp)", from, r->rank, r->passed);
		else
			(void)snprintf(pool, sizeof(pool), "được hỗ trợ từ %s "
			    "(hạng %d)", from, r->rank);
		cap[0] = '\0';
		(void)alloc_vnd(r->amount, a, sizeof(a));
		(void)alloc_vnd(r->requested, b, sizeof(b));
		if (r->cap == ALLOC_CAP_MAX_AWARD)
			(void)snprintf(cap, sizeof(cap), ": mức tối đa %s trên "
			    "%s đề nghị", a, b);
		else if (r->cap == ALLOC_CAP_STAFF)
			(void)snprintf(cap, sizeof(cap), ": %s do cán bộ đặt "
			    "trên %s đề nghị", a, b);
		return (snprintf(buf, len, "%s%s", pool, cap));
	case ALLOC_WAITLISTED:
		(void)alloc_vnd(r->left, a, sizeof(a));
		(void)alloc_vnd(r->proposed, b, sizeof(b));
		(void)alloc_vnd(r->requested, c, sizeof(c));
		if (r->cap == ALLOC_CAP_NONE)
			return (snprintf(buf, len, "danh sách chờ: còn %s "
			    "đồng, đề nghị %s", a, b));
		return (snprintf(buf, len, "danh sách chờ: còn %s đồng, "
		    "đề xuất %s (đề nghị %s)", a, b, c));
	case ALLOC_BELOW_MINIMUM:
		(void)fmt_points(a, sizeof(a), r->merit);
		(void)fmt_points(b, sizeof(b), r->min_merit);
		return (snprintf(buf, len, "dưới điểm tối thiểu: %s < %s", a,
		    b));
	default:
		return (snprintf(buf, len, "không xét: chưa được xếp hạng "
		    "(thiếu phiếu chấm)"));
	}
}

/* Micropoints with one decimal and a decimal comma, half away from 0. */
static int
fmt_points(char *buf, size_t len, int64_t v)
{
	int64_t		t;

	t = (v + (v < 0 ? -50000 : 50000)) / 100000;
	if (t < 0)
		return (snprintf(buf, len, "-%lld,%lld", (long long)(-t / 10),
		    (long long)(-t % 10)));

	return (snprintf(buf, len, "%lld,%lld", (long long)(t / 10),
	    (long long)(t % 10)));
}

void
dec_schedule_check(const int *pcts, size_t npcts, const int *gates,
    size_t ngates, size_t schedule, struct lc_errors *errs)
{
	char		field[48], msg[LC_MSG_LEN];
	size_t		i;
	int		sum, bad;

	if (npcts < 1 || npcts > DEC_TRANCHES_MAX) {
		(void)snprintf(msg, sizeof(msg), "must have from 1 to %d "
		    "tranches", DEC_TRANCHES_MAX);
		lc_error(errs, NULL, "tranche_pcts", msg);
		return;
	}
	for (i = 0, sum = 0, bad = 0; i < npcts; i++) {
		if (pcts[i] < 1 || pcts[i] > 100) {
			(void)snprintf(field, sizeof(field),
			    "tranche_pcts[%zu]", i);
			lc_error(errs, NULL, field,
			    "must be between 1 and 100");
			bad = 1;
			continue;
		}
		sum += pcts[i];
	}
	if (!bad && sum != 100) {
		(void)snprintf(msg, sizeof(msg), "must sum to 100 (they sum "
		    "to %d)", sum);
		lc_error(errs, NULL, "tranche_pcts", msg);
	}

	if (ngates != npcts - 1) {
		(void)snprintf(msg, sizeof(msg), "must name the check-in (or "
		    "null) of each tranche after the first: %zu of them",
		    npcts - 1);
		lc_error(errs, NULL, "tranche_gates", msg);
		return;
	}
	for (i = 0; i < ngates; i++) {
		if (gates[i] == DEC_NO_GATE)
			continue;
		if (gates[i] < 1 || (size_t)gates[i] > schedule) {
			(void)snprintf(field, sizeof(field),
			    "tranche_gates[%zu]", i);
			(void)snprintf(msg, sizeof(msg), "must be a check-in "
			    "of the follow-up schedule, 1 to %zu, or null",
			    schedule);
			lc_error(errs, NULL, field, msg);
		}
	}
}

void
dec_tranches_check(int64_t award, const struct dec_tranche *t, size_t n,
    const struct dec_tranche *old, size_t nold, size_t schedule,
    struct lc_errors *errs)
{
	char		field[48], msg[LC_MSG_LEN], a[32];
	int64_t		sum;
	size_t		i;
	int		bad;

	if (n < 1 || n > DEC_TRANCHES_MAX) {
		(void)snprintf(msg, sizeof(msg), "must have from 1 to %d "
		    "tranches", DEC_TRANCHES_MAX);
		lc_error(errs, NULL, "tranches", msg);
		return;
	}

	for (i = 0, sum = 0, bad = 0; i < n; i++) {
		if (t[i].amount < 1 || t[i].amount > award) {
			(void)snprintf(field, sizeof(field),
			    "tranches[%zu].amount_vnd", i);
			lc_error(errs, NULL, field, "must be at least 1 VND "
			    "and at most the award");
			bad = 1;
		} else {
			sum += t[i].amount;
		}
		(void)snprintf(field, sizeof(field),
		    "tranches[%zu].gate_checkin", i);
		if (i == 0 && t[i].gate != DEC_NO_GATE)
			lc_error(errs, NULL, field, "the first tranche is paid "
			    "once the award is made: it has no gate");
		else if (t[i].gate != DEC_NO_GATE && (t[i].gate < 1 ||
		    (size_t)t[i].gate > schedule)) {
			(void)snprintf(msg, sizeof(msg), "must be a check-in "
			    "of the business's schedule, 1 to %zu, or null",
			    schedule);
			lc_error(errs, NULL, field, msg);
		}
		if (i >= nold || old[i].paid == 0)
			continue;
		(void)snprintf(field, sizeof(field),
		    "tranches[%zu].amount_vnd", i);
		(void)alloc_vnd(old[i].amount, a, sizeof(a));
		if (t[i].amount != old[i].amount) {
			(void)snprintf(msg, sizeof(msg), "tranche %zu has been "
			    "paid from: it stays %s VND", i + 1, a);
			lc_error(errs, NULL, field, msg);
		}
		(void)snprintf(field, sizeof(field),
		    "tranches[%zu].gate_checkin", i);
		if (t[i].gate != old[i].gate)
			lc_error(errs, NULL, field, "tranche has been paid "
			    "from: its gate stays");
	}
	for (i = n; i < nold; i++) {
		if (old[i].paid > 0) {
			(void)snprintf(msg, sizeof(msg), "tranche %zu has been "
			    "paid from: it cannot be removed", i + 1);
			lc_error(errs, NULL, "tranches", msg);
		}
	}
	if (!bad && sum != award) {
		(void)alloc_vnd(sum, a, sizeof(a));
		(void)snprintf(msg, sizeof(msg), "must sum to the award (they "
		    "sum to %s VND)", a);
		lc_error(errs, NULL, "tranches", msg);
	}
}
