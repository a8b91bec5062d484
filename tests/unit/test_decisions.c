/*
 * decisions.c: when a decision departs from the proposal, staff-set
 * amounts in a query string, the offer of freed money to the waitlist
 * (by the proposal's rules: checked against alloc_propose() itself on
 * random lists), the reasons in Vietnamese, and the checks of tranche
 * schedules and tranche edits.  Amounts in the comments are in millions
 * of VND; M is one million.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/decisions.h"
#include "lib/ranking.h"

#define M		INT64_C(1000000)
#define U		INT64_C(1000000)	/* a point, in micropoints */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static void
test_departs(void **state)
{
	(void)state;
	assert_false(dec_departs("funded", 30 * M, "funded", 30 * M));
	assert_true(dec_departs("funded", 20 * M, "funded", 30 * M));
	assert_true(dec_departs("funded", 30 * M, "waitlisted", 30 * M));
	assert_true(dec_departs("funded", 30 * M, "below_minimum", 30 * M));
	assert_false(dec_departs("waitlisted", 0, "waitlisted", 30 * M));
	assert_true(dec_departs("waitlisted", 0, "funded", 30 * M));
	assert_true(dec_departs("waitlisted", 0, "below_minimum", 30 * M));
	assert_false(dec_departs("rejected", 0, "below_minimum", 1));
	assert_false(dec_departs("rejected", 0, "excluded", 1));
	assert_true(dec_departs("rejected", 0, "waitlisted", 1));
	assert_true(dec_departs("rejected", 0, "funded", 1));
	assert_true(dec_departs("approved", 0, "funded", 1));
	assert_true(dec_departs(NULL, 0, "funded", 1));
	assert_true(dec_departs("funded", 1, NULL, 1));
}

static int
parse(const char *qs, struct dec_amount *out, size_t max, size_t *n,
    char *field, char *msg)
{
	return (dec_amounts_parse(qs, out, max, n, field, 64, msg, 128));
}

static void
test_amounts_parse(void **state)
{
	struct dec_amount	a[4];
	char			field[64], msg[128];
	size_t			n;
	size_t			i;
	static const char *const bad[][2] = {
		{ "amount.abc=1", "amount.abc" },
		{ "amount.=1", "amount." },
		{ "amount.012=1", "amount.012" },
		{ "amount.12", "amount.12" },
		{ "amount.12=0", "amount.12" },
		{ "amount.12=", "amount.12" },
		{ "amount.12=1.5", "amount.12" },
		{ "amount.12=-3", "amount.12" },
		{ "amount.12=1e6", "amount.12" },
		{ "amount.12=10000000000001", "amount.12" },
		{ "amount.12=99999999999999999999", "amount.12" },
		{ "amount.99999999999999999999=5",
		    "amount.99999999999999999999" },
		{ "amount.12=5&amount.12=6", "amount.12" },
	};

	(void)state;
	assert_int_equal(parse(NULL, a, 4, &n, field, msg), 0);
	assert_int_equal(n, 0);
	assert_int_equal(parse("", a, 4, &n, field, msg), 0);
	assert_int_equal(n, 0);
	/* Other parameters are left alone. */
	assert_int_equal(parse("limit=5&amounts=3&amount=2&x.amount.3=1", a, 4,
	    &n, field, msg), 0);
	assert_int_equal(n, 0);

	assert_int_equal(parse("amount.12=30000000&q=x&amount.7=1", a, 4, &n,
	    field, msg), 0);
	assert_int_equal(n, 2);
	assert_int_equal(a[0].id, 12);
	assert_int_equal(a[0].amount, 30 * M);
	assert_int_equal(a[1].id, 7);
	assert_int_equal(a[1].amount, 1);
	assert_int_equal(parse("amount.9223372036854775807=10000000000000", a,
	    4, &n, field, msg), 0);
	assert_int_equal(a[0].id, INT64_MAX);
	assert_int_equal(a[0].amount, DEC_AMOUNT_MAX);

	for (i = 0; i < NELEM(bad); i++) {
		field[0] = msg[0] = '\0';
		if (parse(bad[i][0], a, 4, &n, field, msg) != -1)
			fail_msg("%s was accepted", bad[i][0]);
		assert_string_equal(field, bad[i][1]);
		assert_true(msg[0] != '\0');
	}
	assert_int_equal(parse("amount.1=1&amount.2=2&amount.3=3", a, 2, &n,
	    field, msg), -1);
	assert_string_equal(field, "amount.3");
	assert_non_null(strstr(msg, "too many"));
}

static struct dec_candidate
cand(int64_t id, int rank, int64_t merit, int64_t requested, int priority)
{
	struct dec_candidate	c;

	c.id = id;
	c.rank = rank;
	c.merit = merit;
	c.requested = requested;
	c.priority = priority;

	return (c);
}

static struct dec_pool
pool(int64_t budget, int pct, int64_t committed, int64_t priority)
{
	struct dec_pool	p;

	memset(&p, 0, sizeof(p));
	p.budget = budget;
	p.reserve = budget / 100 * pct;
	p.committed = committed;
	p.committed_priority = priority;
	p.max_award = 50 * M;

	return (p);
}

/*
 * 40 freed of 100 (60 committed, no reserve): rank 3 (45, capped at 50
 * … no: 45) does not fit; rank 4 (30) does, leaving 10; rank 5 (20) does
 * not; rank 6 (10) does; rank 7 is below the minimum merit.
 */
static void
test_promote_general(void **state)
{
	struct dec_pool		p = pool(100 * M, 0, 60 * M, 0);
	struct dec_candidate	c[5];
	struct dec_offer	o[5];
	size_t			n;

	(void)state;
	p.min_merit = 50 * U;
	c[0] = cand(3, 3, 70 * U, 45 * M, 0);
	c[1] = cand(4, 4, 65 * U, 30 * M, 1);
	c[2] = cand(5, 5, 60 * U, 20 * M, 0);
	c[3] = cand(6, 6, 55 * U, 10 * M, 0);
	c[4] = cand(7, 7, 49 * U, 1 * M, 0);
	assert_null(dec_promote(&p, c, 5, o, &n));
	assert_int_equal(n, 2);
	assert_int_equal(o[0].id, 4);
	assert_int_equal(o[0].amount, 30 * M);
	assert_int_equal(o[0].pool, ALLOC_POOL_GENERAL);
	assert_int_equal(o[0].rank, 4);
	assert_int_equal(o[1].id, 6);
	assert_int_equal(o[1].amount, 10 * M);

	/* The maximum award caps what is offered. */
	p = pool(100 * M, 0, 0, 0);
	p.max_award = 20 * M;
	c[0] = cand(1, 1, 70 * U, 45 * M, 0);
	assert_null(dec_promote(&p, c, 1, o, &n));
	assert_int_equal(n, 1);
	assert_int_equal(o[0].amount, 20 * M);

	/* Nothing free, or less than nothing (a smaller budget). */
	p = pool(100 * M, 30, 100 * M, 0);
	assert_null(dec_promote(&p, c, 1, o, &n));
	assert_int_equal(n, 0);
	p = pool(100 * M, 30, 100 * M, 40 * M);
	p.budget = 90 * M;
	p.reserve = 27 * M;
	assert_null(dec_promote(&p, c, 1, o, &n));
	assert_int_equal(n, 0);
	assert_null(dec_promote(&p, NULL, 0, NULL, &n));
	assert_int_equal(n, 0);
}

/*
 * Budget 100, reserve 30.  Priority awards hold 10 (short of 30 by 20),
 * 20 is free.  The reserve walk offers it to rank 6 (priority, 20) before
 * rank 5 (not priority, 20), who ranks higher.  Once the priority awards
 * hold the reserve, rank order alone decides.
 */
static void
test_promote_reserve(void **state)
{
	struct dec_pool		p = pool(100 * M, 30, 80 * M, 10 * M);
	struct dec_candidate	c[2];
	struct dec_offer	o[2];
	size_t			n;

	(void)state;
	c[0] = cand(5, 5, 75 * U, 20 * M, 0);
	c[1] = cand(6, 6, 70 * U, 20 * M, 1);
	assert_null(dec_promote(&p, c, 2, o, &n));
	assert_int_equal(n, 1);
	assert_int_equal(o[0].id, 6);
	assert_int_equal(o[0].pool, ALLOC_POOL_RESERVE);

	p = pool(100 * M, 30, 80 * M, 30 * M);
	assert_null(dec_promote(&p, c, 2, o, &n));
	assert_int_equal(n, 1);
	assert_int_equal(o[0].id, 5);
	assert_int_equal(o[0].pool, ALLOC_POOL_GENERAL);

	/* The reserve short by 5 only: the priority one (20) does not fit
	 * it, and the general walk goes in rank order. */
	p = pool(100 * M, 30, 80 * M, 25 * M);
	assert_null(dec_promote(&p, c, 2, o, &n));
	assert_int_equal(n, 1);
	assert_int_equal(o[0].id, 5);

	/* Both fit the 40 free: both offered, in rank order. */
	p = pool(100 * M, 30, 60 * M, 10 * M);
	assert_null(dec_promote(&p, c, 2, o, &n));
	assert_int_equal(n, 2);
	assert_int_equal(o[0].id, 5);
	assert_int_equal(o[0].pool, ALLOC_POOL_GENERAL);
	assert_int_equal(o[1].id, 6);
	assert_int_equal(o[1].pool, ALLOC_POOL_RESERVE);
}

static void
test_promote_invalid(void **state)
{
	struct dec_pool		p = pool(100 * M, 30, 0, 0);
	struct dec_candidate	c[2];
	struct dec_offer	o[2];
	size_t			n;

	(void)state;
	c[0] = cand(1, 2, 70 * U, 10 * M, 0);
	c[1] = cand(2, 2, 60 * U, 10 * M, 0);
	assert_non_null(dec_promote(&p, c, 2, o, &n));
	c[1] = cand(2, 3, 60 * U, 0, 0);
	assert_non_null(dec_promote(&p, c, 2, o, &n));
	assert_non_null(dec_promote(NULL, c, 2, o, &n));
	assert_non_null(dec_promote(&p, c, 2, NULL, &n));
	p.committed_priority = 10;
	assert_non_null(dec_promote(&p, c, 1, o, &n));
	p = pool(100 * M, 30, 0, 0);
	p.max_award = 0;
	assert_non_null(dec_promote(&p, c, 1, o, &n));
	p = pool(100 * M, 30, 0, 0);
	p.reserve = 101 * M;
	assert_non_null(dec_promote(&p, c, 1, o, &n));
}

/*
 * "By the same rules": with nothing committed, offering the whole budget
 * to a list is the proposal itself.  Random lists, budgets, reserves,
 * minimum merits and maximum awards; the same funded set, amounts and
 * pools as alloc_propose().
 */
static void
test_promote_is_the_proposal(void **state)
{
	struct alloc_params	ap;
	struct alloc_app	a[40];
	struct alloc_result	r[40];
	struct alloc_totals	t;
	struct dec_candidate	c[40];
	struct dec_offer	o[40];
	struct dec_pool		p;
	size_t			n, i, k, nfunded;
	int			round;
	unsigned int		seed = 20260501;

	(void)state;
	for (round = 0; round < 2000; round++) {
		n = 1 + (size_t)(rand_r(&seed) % 40);
		memset(&ap, 0, sizeof(ap));
		ap.budget = (int64_t)(rand_r(&seed) % 400) * M;
		ap.max_award = (int64_t)(1 + rand_r(&seed) % 60) * M;
		ap.min_merit = (int64_t)(rand_r(&seed) % 60) * U;
		ap.reserve_pct = rand_r(&seed) % 101;
		ap.ncategories = 1;
		for (i = 0; i < n; i++) {
			memset(&a[i], 0, sizeof(a[i]));
			a[i].id = (int64_t)i + 100;
			a[i].rank = (int)i + 1;
			a[i].merit = (int64_t)(100 - (int)i * 2) * U;
			a[i].final = a[i].merit;
			a[i].requested = (int64_t)(1 + rand_r(&seed) % 50) * M;
			a[i].priority = rand_r(&seed) % 3 == 0;
			a[i].categories = a[i].priority ? 1 : 0;
			c[i] = cand(a[i].id, a[i].rank, a[i].merit,
			    a[i].requested, a[i].priority);
		}
		assert_null(alloc_propose(&ap, a, n, r, &t));

		memset(&p, 0, sizeof(p));
		p.budget = ap.budget;
		p.reserve = t.reserve;
		p.max_award = ap.max_award;
		p.min_merit = ap.min_merit;
		assert_null(dec_promote(&p, c, n, o, &k));

		for (i = 0, nfunded = 0; i < n; i++) {
			if (r[i].outcome != ALLOC_FUNDED)
				continue;
			if (nfunded >= k || o[nfunded].id != r[i].id ||
			    o[nfunded].amount != r[i].amount ||
			    o[nfunded].pool != r[i].pool)
				fail_msg("round %d: application %lld differs",
				    round, (long long)r[i].id);
			nfunded++;
		}
		assert_int_equal(nfunded, k);
	}
}

static const char *
vi(const struct alloc_result *r)
{
	static char	buf[ALLOC_REASON_LEN * 2];
	int		n;

	n = dec_reason_vi(r, buf, sizeof(buf));
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	return (buf);
}

static void
test_reason_vi(void **state)
{
	struct alloc_result	r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.outcome = ALLOC_FUNDED;
	r.pool = ALLOC_POOL_RESERVE;
	r.rank = 3;
	r.amount = r.requested = r.proposed = 20 * M;
	assert_string_equal(vi(&r), "được hỗ trợ từ quỹ dành riêng cho diện "
	    "ưu tiên (hạng 3)");
	r.pool = ALLOC_POOL_GENERAL;
	r.rank = 9;
	r.passed = 7;
	r.cap = ALLOC_CAP_MAX_AWARD;
	r.amount = 30 * M;
	r.requested = 45 * M;
	assert_string_equal(vi(&r), "được hỗ trợ từ quỹ chung (hạng 9; hạng 7 "
	    "không vừa số tiền còn lại nên xét tiếp): mức tối đa 30 000 000 "
	    "trên 45 000 000 đề nghị");
	r.cap = ALLOC_CAP_STAFF;
	r.passed = 0;
	assert_string_equal(vi(&r), "được hỗ trợ từ quỹ chung (hạng 9): "
	    "30 000 000 do cán bộ đặt trên 45 000 000 đề nghị");

	memset(&r, 0, sizeof(r));
	r.outcome = ALLOC_WAITLISTED;
	r.left = 12 * M;
	r.proposed = r.requested = 30 * M;
	assert_string_equal(vi(&r), "danh sách chờ: còn 12 000 000 đồng, "
	    "đề nghị 30 000 000");
	r.cap = ALLOC_CAP_MAX_AWARD;
	r.requested = 45 * M;
	assert_string_equal(vi(&r), "danh sách chờ: còn 12 000 000 đồng, "
	    "đề xuất 30 000 000 (đề nghị 45 000 000)");

	memset(&r, 0, sizeof(r));
	r.outcome = ALLOC_BELOW_MINIMUM;
	r.merit = 48150000;
	r.min_merit = 50 * U;
	assert_string_equal(vi(&r), "dưới điểm tối thiểu: 48,2 < 50,0");
	r.outcome = ALLOC_EXCLUDED;
	assert_string_equal(vi(&r), "không xét: chưa được xếp hạng (thiếu "
	    "phiếu chấm)");
}

static void
test_schedule_check(void **state)
{
	struct lc_errors	e;
	int			p[12], g[12];

	(void)state;
	p[0] = 50; p[1] = 30; p[2] = 20;
	g[0] = 2; g[1] = 3;
	lc_errors_init(&e);
	dec_schedule_check(p, 3, g, 2, 5, &e);
	assert_int_equal(e.n, 0);

	/* One tranche, no gates; staff-approved gates. */
	p[0] = 100;
	dec_schedule_check(p, 1, g, 0, 5, &e);
	assert_int_equal(e.n, 0);
	p[0] = 60; p[1] = 40;
	g[0] = DEC_NO_GATE;
	dec_schedule_check(p, 2, g, 1, 0, &e);
	assert_int_equal(e.n, 0);

	p[0] = 50; p[1] = 30; p[2] = 30;
	g[0] = 2; g[1] = 3;
	dec_schedule_check(p, 3, g, 2, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranche_pcts");
	assert_string_equal(e.e[0].msg, "must sum to 100 (they sum to 110)");

	lc_errors_init(&e);
	p[0] = 0; p[1] = 100; p[2] = 101;
	dec_schedule_check(p, 3, g, 2, 5, &e);
	assert_int_equal(e.n, 2);
	assert_non_null(lc_error_get(&e, "tranche_pcts[0]"));
	assert_non_null(lc_error_get(&e, "tranche_pcts[2]"));

	lc_errors_init(&e);
	p[0] = 60; p[1] = 40;
	dec_schedule_check(p, 2, g, 2, 5, &e);
	assert_int_equal(e.n, 1);
	assert_non_null(lc_error_get(&e, "tranche_gates"));

	lc_errors_init(&e);
	g[0] = 6;
	dec_schedule_check(p, 2, g, 1, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranche_gates[0]");
	assert_non_null(strstr(e.e[0].msg, "1 to 5"));

	lc_errors_init(&e);
	dec_schedule_check(p, 0, g, 0, 5, &e);
	dec_schedule_check(p, 11, g, 10, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranche_pcts");
}

static struct dec_tranche
tr(int64_t amount, int gate, int64_t paid)
{
	struct dec_tranche	t;

	t.amount = amount;
	t.gate = gate;
	t.paid = paid;

	return (t);
}

static void
test_tranches_check(void **state)
{
	struct lc_errors	e;
	struct dec_tranche	old[3], t[11];
	int			i;

	(void)state;
	old[0] = tr(15 * M, 0, 5 * M);
	old[1] = tr(9 * M, 2, 0);
	old[2] = tr(6 * M, 3, 0);

	/* Two tranches instead of three; the paid one unchanged. */
	t[0] = tr(15 * M, 0, 0);
	t[1] = tr(15 * M, 5, 0);
	lc_errors_init(&e);
	dec_tranches_check(30 * M, t, 2, old, 3, 5, &e);
	assert_int_equal(e.n, 0);

	/* Not the award. */
	t[1] = tr(10 * M, 2, 0);
	dec_tranches_check(30 * M, t, 2, old, 3, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranches");
	assert_string_equal(e.e[0].msg, "must sum to the award (they sum to "
	    "25 000 000 VND)");

	/* The paid tranche changes: amount, then gate. */
	lc_errors_init(&e);
	t[0] = tr(10 * M, 0, 0);
	t[1] = tr(20 * M, 2, 0);
	dec_tranches_check(30 * M, t, 2, old, 3, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranches[0].amount_vnd");
	assert_string_equal(e.e[0].msg, "tranche 1 has been paid from: it "
	    "stays 15 000 000 VND");

	/* The first never has a gate; gates within the schedule. */
	lc_errors_init(&e);
	t[0] = tr(15 * M, 1, 0);
	t[1] = tr(15 * M, 6, 0);
	dec_tranches_check(30 * M, t, 2, old, 3, 5, &e);
	assert_int_equal(e.n, 2);
	assert_non_null(lc_error_get(&e, "tranches[0].gate_checkin"));
	assert_non_null(lc_error_get(&e, "tranches[1].gate_checkin"));

	/* A paid tranche is not removed; paid tranche 2's gate stays. */
	old[0].paid = 0;
	old[1].paid = 1;
	lc_errors_init(&e);
	t[0] = tr(30 * M, 0, 0);
	dec_tranches_check(30 * M, t, 1, old, 3, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].msg, "tranche 2 has been paid from: it "
	    "cannot be removed");
	lc_errors_init(&e);
	t[0] = tr(15 * M, 0, 0);
	t[1] = tr(9 * M, 4, 0);
	t[2] = tr(6 * M, 3, 0);
	dec_tranches_check(30 * M, t, 3, old, 3, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranches[1].gate_checkin");

	/* Amounts within 1..award; 1 to 10 tranches. */
	lc_errors_init(&e);
	t[0] = tr(0, 0, 0);
	t[1] = tr(31 * M, 0, 0);
	dec_tranches_check(30 * M, t, 2, NULL, 0, 5, &e);
	assert_int_equal(e.n, 2);
	lc_errors_init(&e);
	for (i = 0; i < 11; i++)
		t[i] = tr(1, 0, 0);
	dec_tranches_check(11, t, 11, NULL, 0, 5, &e);
	dec_tranches_check(11, t, 0, NULL, 0, 5, &e);
	assert_int_equal(e.n, 1);
	assert_string_equal(e.e[0].field, "tranches");
	lc_errors_init(&e);
	dec_tranches_check(10, t, 10, NULL, 0, 5, &e);
	assert_int_equal(e.n, 0);
}

int
unit_decisions(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_departs),
		cmocka_unit_test(test_amounts_parse),
		cmocka_unit_test(test_promote_general),
		cmocka_unit_test(test_promote_reserve),
		cmocka_unit_test(test_promote_invalid),
		cmocka_unit_test(test_promote_is_the_proposal),
		cmocka_unit_test(test_reason_vi),
		cmocka_unit_test(test_schedule_check),
		cmocka_unit_test(test_tranches_check),
	};

	return (cmocka_run_group_tests_name("decisions", tests, NULL, NULL));
}
