/*
 * How well a mentor fits a mentee: an explainable compatibility score,
 * the weighted sum of five parts, each reported, the parts summing
 * exactly to the score.  Pure C, no allocation.
 *
 *	sector		her business sector is one the mentor knows
 *	skills		the share of the support areas she asked for that
 *			the mentor offers (neutral, half, when she asked for
 *			none: every mentor is then equally good at it)
 *	place		the mentor meets in her ward; or in a ward nearby
 *			(the wards the caller marks nearby: migrations/0005
 *			says which); or remotely; the best that applies
 *	language	the mentor speaks her language
 *	availability	the mentor's times meet hers (or she did not say)
 *
 * Each part is worth up to its weight x COMPAT_SCALE points, and scores
 * its fraction of that, rounded to the nearest point; the score is the
 * sum of the points of the parts, so the parts add up to it by
 * construction.  With weights summing to 100 a perfect fit scores 1000.
 *
 * Reference codes (sectors, skills, wards, languages, times) are bits of
 * a uint32_t: the caller numbers each list, at most 32 codes a list.
 */

#ifndef SEN_COMPAT_H
#define SEN_COMPAT_H

#include <stdint.h>

#define COMPAT_SECTOR		0
#define COMPAT_SKILLS		1
#define COMPAT_PLACE		2
#define COMPAT_LANGUAGE		3
#define COMPAT_AVAILABILITY	4
#define COMPAT_PARTS		5

#define COMPAT_SCALE		10	/* points per unit of weight */
#define COMPAT_WEIGHT_MAX	100
#define COMPAT_SCORE_MAX	(COMPAT_WEIGHT_MAX * COMPAT_SCALE)

/* Fractions of the place part, per mille. */
#define COMPAT_PLACE_SAME	1000	/* she meets her in her own ward */
#define COMPAT_PLACE_NEAR	700	/* in a ward nearby */
#define COMPAT_PLACE_REMOTE	500	/* online or by phone */
#define COMPAT_SKILLS_NONE	500	/* she asked for nothing */

/* compat_result.place */
#define COMPAT_AT_NONE		0
#define COMPAT_AT_SAME		1
#define COMPAT_AT_NEAR		2
#define COMPAT_AT_REMOTE	3

#define COMPAT_NO_WARD		-1

struct compat_weights {
	int		w[COMPAT_PARTS];	/* 0 .. COMPAT_WEIGHT_MAX */
};

struct compat_mentee {
	uint32_t	sector;		/* her sector's bit, 0 if unknown */
	uint32_t	needs;		/* skills she asked for */
	int		ward;		/* bit number, or COMPAT_NO_WARD */
	uint32_t	nearby;		/* wards counted near hers */
	uint32_t	language;	/* her language's bit */
	uint32_t	availability;	/* 0: any time suits her */
};

struct compat_mentor {
	uint32_t	sectors;
	uint32_t	skills;
	uint32_t	wards;		/* where she meets mentees */
	int		remote;		/* also online or by phone */
	uint32_t	languages;
	uint32_t	availability;
};

struct compat_result {
	int		score;			/* sum of points[] */
	int		points[COMPAT_PARTS];
	int		max[COMPAT_PARTS];	/* weight x COMPAT_SCALE */
	int		sector_fit;
	uint32_t	covered;		/* needs the mentor offers */
	uint32_t	missing;		/* needs she does not */
	int		place;			/* COMPAT_AT_* */
	int		language_fit;
	uint32_t	times;			/* availability in common */
};

int		 compat_weights_check(const struct compat_weights *);
void		 compat_score(const struct compat_weights *,
		    const struct compat_mentee *, const struct compat_mentor *,
		    struct compat_result *);
int		 compat_points(const struct compat_weights *,
		    const struct compat_mentee *, const struct compat_mentor *);
const char	*compat_part_name(int);
const char	*compat_place_name(int);

#endif
