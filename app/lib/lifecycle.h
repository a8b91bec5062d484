/*
 * The life of an application, without Kore or a database: the status
 * machine (the same moves as the application_transitions table of
 * migrations/0002_intake.sql; a unit test compares the two), and the
 * checks of what an applicant enters: a draft's values one by one, her
 * profile's consistency, and everything at once on submission.
 *
 * Dates are whole days since 1970-01-01 (LC_NODATE when absent), so that
 * the checks are plain arithmetic; the caller says what day it is (in
 * Asia/Ho_Chi_Minh).  Errors are collected, one message per field, so
 * that a form can show all of them at once.
 */

#ifndef SEN_LIFECYCLE_H
#define SEN_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#define LC_NODATE		INT32_MIN
#define LC_UNSET		(-1)	/* an absent count, amount or flag */
#define LC_MAX_ERRORS		64
#define LC_FIELD_LEN		64
#define LC_MSG_LEN		160

/* Women-owned (Decision 2415/QĐ-TTg): at least this share of capital. */
#define LC_WOMEN_CAPITAL_MIN	51
#define LC_ADULT_YEARS		18
#define LC_STARTUP_MONTHS	12	/* startup: operating under 12 months */
#define LC_NEW_BUSINESS_MONTHS	36	/* new_business: under 3 years */

#define LC_STAGE_IDEA		0x01
#define LC_STAGE_STARTUP	0x02
#define LC_STAGE_NEW_BUSINESS	0x04

#define LC_CH_EMAIL		0x01
#define LC_CH_SMS		0x02
#define LC_CH_ZALO		0x04

struct lc_move {
	const char	*from;
	const char	*to;
};

struct lc_errors {
	size_t		n;
	int		overflow;	/* more errors than fit */
	struct {
		char		field[LC_FIELD_LEN];
		char		msg[LC_MSG_LEN];
	} e[LC_MAX_ERRORS];
};

/* An application's business fields as stored (NULL / LC_UNSET: absent). */
struct lc_app {
	const char	*business_name;
	const char	*stage;
	const char	*sector;
	const char	*description;
	const char	*problem_customers;
	const char	*plan;
	int32_t		operating_since;
	int32_t		registered_on;
	int64_t		team_size;
	int64_t		women_employed;
	int64_t		jobs_planned;
	int64_t		amount_requested_vnd;
	const int64_t	*line_amounts;	/* budget lines' amounts */
	size_t		nlines;
	int64_t		women_capital_pct;
	int		woman_manager;	/* LC_UNSET, 0 or 1 */
};

/* The applicant: her profile and the phone of her account. */
struct lc_profile {
	const char	*phone;
	int32_t		date_of_birth;
	const char	*national_id;
	const char	*ward_code;
	int		outside_district;
	const char	*address;
	const char	*household_status;	/* none or a category */
	const char	*household_cert_number;
	int32_t		household_cert_issued_on;
	int32_t		household_cert_valid_until;
	int		disability;
	const char	*disability_level;
	const char	*disability_cert_number;
	int32_t		disability_cert_issued_on;
	int32_t		disability_cert_valid_until;
	const char	*disability_details;
	unsigned	channels;		/* LC_CH_* */
};

/* What the call asks for. */
struct lc_call {
	int		accepting;	/* open, and now within its dates */
	unsigned	stages;		/* LC_STAGE_* */
	int64_t		max_award_vnd;
	const char	*const *wards;
	size_t		nwards;
	int		allow_outside_district;
};

/* The status machine. */
const struct lc_move	*lc_moves(size_t *);
int		lc_status_known(const char *);
int		lc_can_move(const char *, const char *);

/* Dates. */
int32_t		lc_days(int, int, int);
void		lc_civil(int32_t, int *, int *, int *);
int		lc_date_parse(const char *, int32_t *);
int32_t		lc_add_months(int32_t, int);
int		lc_adult(int32_t, int32_t);

/* Reference values. */
unsigned	lc_stage_bit(const char *);
unsigned	lc_channel_bit(const char *);
int		lc_national_id_ok(const char *);
int		lc_blank(const char *);

/* Errors. */
void		lc_errors_init(struct lc_errors *);
void		lc_error(struct lc_errors *, const char *, const char *,
		    const char *);
const char	*lc_error_get(const struct lc_errors *, const char *);

/* Checks. */
void		lc_app_check(const struct lc_app *, int32_t,
		    struct lc_errors *);
void		lc_profile_check(const struct lc_profile *, int32_t,
		    struct lc_errors *);
void		lc_submit_check(const struct lc_app *,
		    const struct lc_profile *, const struct lc_call *,
		    int32_t, struct lc_errors *);

#endif
