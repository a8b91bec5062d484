/* Shared by the mentoring handlers (app/mentoring/). */

#ifndef SEN_MENTORING_H
#define SEN_MENTORING_H

#include "sen.h"
#include "lib/compat.h"

#define MT_STAFF(ctx)	(((ctx)->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0)

#define MT_CODES_MAX	31		/* codes in one list, see compat.h */
#define MT_CODE_MAX	40		/* characters of a code */
#define MT_REASON_MAX	1000
#define MT_ID_LEN	24

/* What a match looks like to the caller, before visibility is decided. */
struct mt_match {
	int64_t		id;
	int64_t		call_id;
	int64_t		application_id;
	int64_t		mentor_id;
	int64_t		applicant_id;
	int64_t		version;
	char		status[16];
};

/* One mentee or mentor as compat.c compares them. */
struct mt_mentee {
	int64_t			id;
	struct compat_mentee	c;
	int			priority;
	int64_t			rank;
};

struct mt_mentor {
	int64_t			id;
	struct compat_mentor	c;
	unsigned int		places;
};

/*
 * The reference lists as compat.c numbers them (mentoring_code_bits() in
 * the migration): each list's codes by bit, and the wards near each
 * ward.  Read once per request.
 */
#define MT_SECTORS	0
#define MT_SKILLS	1
#define MT_LANGUAGES	2
#define MT_TIMES	3
#define MT_WARDS	4
#define MT_LISTS	5
#define MT_BITS		31

struct mt_ref {
	char		code[MT_LISTS][MT_BITS][MT_CODE_MAX + 1];
	uint32_t	nearby[MT_BITS];	/* by ward bit */
};

extern const struct schema_field	mt_code_item;

void	mt_id(char *, int64_t);
const char *mt_locale(struct api_ctx *);
const char *mt_code_check(const char *);
const char *mt_not_blank(const char *);
void	mt_field_error(json_t *, const char *, const char *);
int	mt_version_check(struct api_ctx *, int, int64_t);
int	mt_expire(struct db *);
int	mt_match_lock(struct db *, int64_t, struct mt_match *);
int	mt_match_visible(struct api_ctx *, const struct mt_match *);
int	mt_match_reply(struct db *, int64_t, int);
int	mt_weights(struct db *, int64_t, struct compat_weights *, int *);
int	mt_ref_load(struct db *, struct mt_ref *);
void	mt_mentee_row(struct db *, int, const struct mt_ref *,
	    struct mt_mentee *);
void	mt_mentor_row(struct db *, int, const struct mt_ref *,
	    struct mt_mentor *);
void	mt_buf_reserve(struct kore_buf *, size_t);
void	mt_pair_json(struct kore_buf *, const struct mt_ref *, int64_t,
	    int64_t, const struct compat_result *);

/* The most one pair's JSON takes: 3 lists of 31 codes, numbers. */
#define MT_PAIR_JSON_MAX	8192

/*
 * The columns mt_mentee_row() and mt_mentor_row() read, from
 * mentoring_mentee_facts() b and mentoring_mentor_facts() t.
 */
#define MT_MENTEE_COLS							\
	"b.application_id, b.sector, b.needs, b.ward, b.language, "	\
	"b.times, b.priority, b.rank"
#define MT_MENTEE_NCOLS	8
#define MT_MENTOR_COLS							\
	"t.mentor_id, t.sectors, t.skills, t.wards, t.remote, "		\
	"t.languages, t.times, t.places"
#define MT_MENTOR_NCOLS	8

/*
 * Matches from a JSON array of mt_pair_json() objects ($1), for call $2
 * by user $3, origin $4, run $5: the explanation is built from what
 * compat.c computed (mentoring_parts() in the migration).
 */
#define MT_PAIRS_RECORD							\
	"jsonb_to_recordset($1::jsonb) AS p(a bigint, m bigint, s int, "\
	"  p int[], x int[], sf boolean, c text[], mi text[], pl int, "	\
	"  lf boolean, t text[])"
#define MT_PAIRS_PARTS							\
	"mentoring_parts(ms, p.p, p.x, p.sf, p.c, p.mi, p.pl, p.lf, p.t)"
#define MT_PAIRS_INSERT							\
	"INSERT INTO matches (call_id, application_id, mentor_id, origin, "\
	"  run_id, score, parts, created_by) "				\
	"SELECT $2, p.a, p.m, $4, $5, p.s, " MT_PAIRS_PARTS ", $3 "	\
	"FROM " MT_PAIRS_RECORD " "					\
	"JOIN matching_settings ms ON ms.call_id = $2 "

#endif
