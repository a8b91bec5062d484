/*
 * sen-admin: what an operator does from the command line, against the
 * database named by DATABASE_URL (libpq syntax, default "dbname=sen").
 *
 *   sen-admin migrate [dir]            apply pending migrations
 *   sen-admin user EMAIL ROLE NAME     create an account (PASSWORD from
 *                                      the environment, or print a
 *                                      one-time set-password token)
 *   sen-admin demo                     create the demo accounts, and an
 *                                      open demo call, once
 *   sen-admin outbox [--once]          deliver notifications (cli/outbox.c)
 */

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "cli/outbox.h"
#include "lib/pwhash.h"
#include "lib/token.h"
#include "lib/valid.h"

#define MIGRATION_MAX	64

static PGconn	*db_connect(void);
static int	cmd_migrate(int, char **);
static int	cmd_user(int, char **);
static int	cmd_demo(int, char **);
static char	*read_file(const char *);
static int	apply_file(PGconn *, const char *, const char *);
static int	create_user(PGconn *, const char *, const char *,
		    const char *, const char *, const char *, int);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: sen-admin migrate [dir]\n"
	    "       sen-admin user EMAIL ROLE NAME   (PASSWORD in the "
	    "environment, optional)\n"
	    "       sen-admin demo\n"
	    "       sen-admin outbox [--once]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	if (argc < 2)
		usage();

	if (!strcmp(argv[1], "migrate"))
		return (cmd_migrate(argc - 2, argv + 2));
	if (!strcmp(argv[1], "user"))
		return (cmd_user(argc - 2, argv + 2));
	if (!strcmp(argv[1], "demo"))
		return (cmd_demo(argc - 2, argv + 2));
	if (!strcmp(argv[1], "outbox"))
		return (cmd_outbox(argc - 2, argv + 2));

	usage();
	return (2);
}

static PGconn *
db_connect(void)
{
	const char	*url;
	PGconn		*conn;

	if ((url = getenv("DATABASE_URL")) == NULL || *url == '\0')
		url = "dbname=sen";

	conn = PQconnectdb(url);
	if (PQstatus(conn) != CONNECTION_OK) {
		fprintf(stderr, "sen-admin: cannot connect to the database: %s",
		    PQerrorMessage(conn));
		exit(1);
	}

	/* Our own messages are enough; NOTICEs from IF NOT EXISTS are noise. */
	PQclear(PQexec(conn, "SET client_min_messages = warning"));

	return (conn);
}

static int
exec_ok(PGconn *conn, PGresult *res, const char *what)
{
	ExecStatusType	st;

	st = PQresultStatus(res);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return (1);

	fprintf(stderr, "sen-admin: %s: %s", what, PQerrorMessage(conn));
	return (0);
}

static char *
read_file(const char *path)
{
	FILE		*fp;
	char		*buf;
	long		len;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == -1 || (len = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1) {
		fclose(fp);
		return (NULL);
	}

	if ((buf = malloc((size_t)len + 1)) == NULL) {
		fclose(fp);
		return (NULL);
	}
	if (fread(buf, 1, (size_t)len, fp) != (size_t)len) {
		free(buf);
		fclose(fp);
		return (NULL);
	}
	buf[len] = '\0';
	fclose(fp);

	return (buf);
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * Apply one migration in its own transaction, recording its checksum.  A
 * migration already applied is checked instead: a file that changed after
 * it ran means the database and the code disagree, and we stop.
 */
static int
apply_file(PGconn *conn, const char *dir, const char *name)
{
	PGresult	*res;
	const char	*params[3];
	char		path[1024], version[5], *sql, *sum;
	int		ok;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((sql = read_file(path)) == NULL) {
		fprintf(stderr, "sen-admin: cannot read %s: %s\n", path,
		    strerror(errno));
		return (0);
	}

	memcpy(version, name, 4);
	version[4] = '\0';
	params[0] = version;
	params[1] = sql;

	res = PQexecParams(conn,
	    "SELECT m.checksum, encode(sha256(convert_to($2, 'UTF8')), 'hex') "
	    "FROM (SELECT 1) x LEFT JOIN schema_migrations m "
	    "ON m.version = $1", 2, NULL, params, NULL, NULL, 0);
	if (!exec_ok(conn, res, name)) {
		PQclear(res);
		free(sql);
		return (0);
	}

	sum = strdup(PQgetvalue(res, 0, 1));
	if (!PQgetisnull(res, 0, 0)) {
		ok = !strcmp(PQgetvalue(res, 0, 0), sum);
		if (!ok) {
			fprintf(stderr, "sen-admin: refusing to go on: %s was "
			    "changed after it was applied\n"
			    "  applied checksum %s\n  file checksum    %s\n"
			    "Restore the file as it was and put the change in "
			    "a new migration.\n", name,
			    PQgetvalue(res, 0, 0), sum);
		}
		PQclear(res);
		free(sum);
		free(sql);
		return (ok);
	}
	PQclear(res);

	res = PQexec(conn, "BEGIN");
	ok = exec_ok(conn, res, name);
	PQclear(res);
	if (ok) {
		res = PQexec(conn, sql);
		ok = exec_ok(conn, res, name);
		PQclear(res);
	}
	if (ok) {
		params[1] = name;
		params[2] = sum;
		res = PQexecParams(conn, "INSERT INTO schema_migrations "
		    "(version, name, checksum) VALUES ($1, $2, $3)", 3, NULL,
		    params, NULL, NULL, 0);
		ok = exec_ok(conn, res, name);
		PQclear(res);
	}
	if (ok) {
		res = PQexec(conn, "COMMIT");
		ok = exec_ok(conn, res, name);
		PQclear(res);
	} else {
		PQclear(PQexec(conn, "ROLLBACK"));
	}

	if (ok)
		printf("sen-admin: applied %s\n", name);
	free(sum);
	free(sql);

	return (ok);
}

static int
cmd_migrate(int argc, char **argv)
{
	PGconn		*conn;
	PGresult	*res;
	DIR		*d;
	struct dirent	*de;
	regex_t		re;
	const char	*dir, *priv;
	char		*names[MIGRATION_MAX], *sql;
	size_t		n, i;
	int		ok, j, found;

	dir = argc > 0 ? argv[0] : "migrations";
	priv = argc > 1 ? argv[1] : "conf/db-privileges.sql";

	if (regcomp(&re, "^[0-9]{4}_[a-z0-9_]+\\.sql$",
	    REG_EXTENDED | REG_NOSUB) != 0)
		return (1);

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "sen-admin: cannot open %s: %s\n", dir,
		    strerror(errno));
		return (1);
	}
	n = 0;
	while ((de = readdir(d)) != NULL) {
		if (regexec(&re, de->d_name, 0, NULL, 0) != 0)
			continue;
		if (n == MIGRATION_MAX) {
			fprintf(stderr, "sen-admin: too many migrations\n");
			return (1);
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	regfree(&re);
	qsort(names, n, sizeof(names[0]), cmp_names);

	for (i = 1; i < n; i++) {
		if (!strncmp(names[i - 1], names[i], 4)) {
			fprintf(stderr, "sen-admin: %s and %s share a version "
			    "number\n", names[i - 1], names[i]);
			return (1);
		}
	}

	conn = db_connect();

	/* Two migrators at once (two servers starting) take turns. */
	res = PQexec(conn, "SELECT pg_advisory_lock(hashtext('sen.migrate'))");
	if (!exec_ok(conn, res, "lock"))
		return (1);
	PQclear(res);

	res = PQexec(conn,
	    "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "  version text PRIMARY KEY CHECK (version ~ '^[0-9]{4}$'),"
	    "  name text NOT NULL,"
	    "  checksum text NOT NULL,"
	    "  applied_at timestamptz NOT NULL DEFAULT now())");
	if (!exec_ok(conn, res, "schema_migrations"))
		return (1);
	PQclear(res);

	/* An applied migration without its file: older code, newer database. */
	res = PQexec(conn, "SELECT name FROM schema_migrations ORDER BY 1");
	if (!exec_ok(conn, res, "schema_migrations"))
		return (1);
	for (j = 0; j < PQntuples(res); j++) {
		found = 0;
		for (i = 0; i < n; i++) {
			if (!strcmp(names[i], PQgetvalue(res, j, 0)))
				found = 1;
		}
		if (!found) {
			fprintf(stderr, "sen-admin: refusing to go on: %s was "
			    "applied but its file is missing from %s\n",
			    PQgetvalue(res, j, 0), dir);
			return (1);
		}
	}
	PQclear(res);

	ok = 1;
	for (i = 0; i < n && ok; i++)
		ok = apply_file(conn, dir, names[i]);
	for (i = 0; i < n; i++)
		free(names[i]);
	if (!ok)
		return (1);

	/* Privileges of the server's role, re-applied to every table. */
	if ((sql = read_file(priv)) != NULL) {
		res = PQexec(conn, sql);
		ok = exec_ok(conn, res, priv);
		PQclear(res);
		free(sql);
	}

	PQfinish(conn);
	return (ok ? 0 : 1);
}

/*
 * Insert an account.  With a password it can log in at once; without,
 * a one-time set-password token is printed.  exists_ok: an existing
 * e-mail is not an error (demo data).
 */
static int
create_user(PGconn *conn, const char *email_in, const char *role,
    const char *name, const char *phone_in, const char *password,
    int exists_ok)
{
	PGresult	*res;
	const char	*params[5], *msg;
	char		email[VALID_EMAIL_MAX + 1], phone[VALID_PHONE_LEN];
	char		mcf[PWHASH_MCF_LEN + 1], token[TOKEN_LEN + 1];

	if ((msg = valid_email(email_in)) != NULL) {
		fprintf(stderr, "sen-admin: EMAIL %s\n", msg);
		return (0);
	}
	valid_email_normalize(email_in, email, sizeof(email));

	if (strcmp(role, "applicant") && strcmp(role, "reviewer") &&
	    strcmp(role, "mentor") && strcmp(role, "staff") &&
	    strcmp(role, "admin")) {
		fprintf(stderr, "sen-admin: ROLE must be one of: applicant, "
		    "reviewer, mentor, staff, admin\n");
		return (0);
	}

	if (name == NULL || *name == '\0' || strlen(name) > 200) {
		fprintf(stderr, "sen-admin: NAME must be 1 to 200 "
		    "characters\n");
		return (0);
	}

	phone[0] = '\0';
	if (phone_in != NULL &&
	    !valid_phone_normalize(phone_in, phone, sizeof(phone))) {
		fprintf(stderr, "sen-admin: PHONE %s\n", valid_phone(phone_in));
		return (0);
	}

	if (exists_ok) {
		params[0] = email;
		res = PQexecParams(conn, "SELECT 1 FROM users WHERE email = $1",
		    1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(res) == PGRES_TUPLES_OK &&
		    PQntuples(res) == 1) {
			PQclear(res);
			return (1);
		}
		PQclear(res);
	}

	mcf[0] = '\0';
	if (password != NULL) {
		if ((msg = valid_password(password, email)) != NULL) {
			fprintf(stderr, "sen-admin: PASSWORD %s\n", msg);
			return (0);
		}
		if (!pwhash_make(password, mcf, sizeof(mcf))) {
			fprintf(stderr, "sen-admin: cannot hash the password\n");
			return (0);
		}
	}

	params[0] = email;
	params[1] = name;
	params[2] = role;
	params[3] = mcf[0] ? mcf : NULL;
	params[4] = phone[0] ? phone : NULL;

	PQclear(PQexec(conn, "BEGIN; SELECT set_config('sen.action', "
	    "'cli.create_user', true)"));
	res = PQexecParams(conn,
	    "INSERT INTO users (email, full_name, role, password_hash, "
	    "  password_changed_at, phone) "
	    "VALUES ($1, $2, $3, $4::text, CASE WHEN $4 IS NOT NULL THEN now() END,"
	    "  $5) "
	    "ON CONFLICT (email) DO NOTHING RETURNING id",
	    5, NULL, params, NULL, NULL, 0);
	if (!exec_ok(conn, res, "create user")) {
		PQclear(res);
		PQclear(PQexec(conn, "ROLLBACK"));
		return (0);
	}
	if (PQntuples(res) == 0) {
		PQclear(res);
		PQclear(PQexec(conn, "ROLLBACK"));
		if (!exists_ok)
			fprintf(stderr, "sen-admin: %s already has an "
			    "account\n", email);
		return (exists_ok);
	}

	params[1] = PQgetvalue(res, 0, 0);
	if (password == NULL) {
		if (!token_new(token, sizeof(token))) {
			PQclear(res);
			PQclear(PQexec(conn, "ROLLBACK"));
			return (0);
		}
		params[0] = token;
		PQclear(PQexecParams(conn,
		    "INSERT INTO password_tokens (token_hash, user_id, "
		    "  expires_at) "
		    "VALUES (sha256(convert_to($1, 'UTF8')), $2, "
		    "  now() + interval '72 hours')",
		    2, NULL, params, NULL, NULL, 0));
	}
	PQclear(res);

	res = PQexec(conn, "COMMIT");
	if (!exec_ok(conn, res, "create user")) {
		PQclear(res);
		return (0);
	}
	PQclear(res);

	if (!exists_ok)
		printf("sen-admin: created %s (%s)\n", email, role);
	if (password == NULL) {
		printf("One-time set-password token (valid 72 hours):\n  %s\n"
		    "Use it at /#/set-password?token=%s or with POST "
		    "/api/auth/set-password.\n", token, token);
	}

	return (1);
}

static int
cmd_user(int argc, char **argv)
{
	PGconn		*conn;
	int		ok;

	if (argc != 3)
		usage();

	conn = db_connect();
	ok = create_user(conn, argv[0], argv[1], argv[2], getenv("PHONE"),
	    getenv("PASSWORD"), 0);
	PQfinish(conn);

	return (ok ? 0 : 1);
}

/* The demo accounts of README.md; created once, never overwritten. */
static const struct {
	const char	*email;
	const char	*role;
	const char	*name;
	const char	*phone;
	const char	*password;
} demo_users[] = {
	{ "admin@sen.example", "admin", "Trần Quốc Bảo", NULL,
	    "sen-admin-demo" },
	{ "staff@sen.example", "staff", "Lê Thị Hương", "0243 825 1234",
	    "sen-staff-demo" },
	{ "reviewer1@sen.example", "reviewer", "Phạm Minh Châu", NULL,
	    "sen-reviewer1-demo" },
	{ "reviewer2@sen.example", "reviewer", "Đỗ Thu Hà", NULL,
	    "sen-reviewer2-demo" },
	{ "mentor@sen.example", "mentor", "Vũ Ngọc Anh", "0912 345 678",
	    "sen-mentor-demo" },
	{ "applicant@sen.example", "applicant", "Nguyễn Thị Lan",
	    "0987 654 321", "sen-applicant-demo" },
};

/*
 * The demo call: open for applications from yesterday for 60 days, in
 * every ward, with the priority policy of Hoàn Kiếm's programme.  Made
 * once, and only in a database without calls.  A rubric can only be
 * written while the call is a draft, so it is made a draft and opened
 * in the same transaction.
 */
static const char	demo_call_sql[] =
	"WITH c AS ("
	"  INSERT INTO calls (title_vi, title_en, description_vi, "
	"    description_en, opens_at, closes_at, budget_vnd, max_award_vnd, "
	"    stages, wards, allow_outside_district, reviewers_per_application, "
	"    bonus_poor, bonus_near_poor, bonus_hardship, bonus_disability, "
	"    priority_combine, priority_cap, priority_reserved_pct) "
	"  SELECT 'Đợt hỗ trợ phụ nữ khởi nghiệp 2026', "
	"    'Women''s startup support 2026', "
	"    'Hỗ trợ tài chính và cố vấn cho phụ nữ có ý tưởng kinh doanh, "
	"mới khởi nghiệp hoặc mới đăng ký kinh doanh tại quận Hoàn Kiếm. "
	"Ưu tiên phụ nữ thuộc hộ nghèo, hộ cận nghèo, hộ có hoàn cảnh khó "
	"khăn và phụ nữ khuyết tật.', "
	"    'Grants and mentoring for women in Hoàn Kiếm district with a "
	"business idea, a young startup or a newly registered business. "
	"Priority for women from poor, near-poor and hardship households "
	"and women with disabilities.', "
	"    date_trunc('second', now() - interval '1 day'), "
	"    date_trunc('second', now() + interval '60 days'), "
	"    2000000000, 50000000, "
	"    ARRAY['idea', 'startup', 'new_business'], "
	"    ARRAY(SELECT code FROM wards ORDER BY code), false, 3, "
	"    10, 7, 5, 5, 'sum', 15, 30 "
	"  WHERE NOT EXISTS (SELECT 1 FROM calls) "
	"  RETURNING id) "
	"INSERT INTO call_criteria (call_id, position, key, label_vi, "
	"  label_en, max_score, weight) "
	"SELECT c.id, k.position, k.key, k.label_vi, k.label_en, 10, k.weight "
	"FROM c, (VALUES "
	"  (1, 'impact', 'Tác động xã hội', 'Social impact', 30), "
	"  (2, 'feasibility', 'Tính khả thi', 'Feasibility', 30), "
	"  (3, 'market', 'Thị trường và khách hàng', "
	"    'Market and customers', 20), "
	"  (4, 'team', 'Năng lực của chủ doanh nghiệp và nhóm', "
	"    'Founder and team', 20)) "
	"  AS k(position, key, label_vi, label_en, weight) "
	"RETURNING call_id";

static int
demo_call(PGconn *conn)
{
	PGresult	*res, *upd;
	const char	*params[1];
	int		ok;

	res = PQexec(conn, "BEGIN; SELECT set_config('sen.action', "
	    "'cli.demo', true)");
	if (!exec_ok(conn, res, "demo call")) {
		PQclear(res);
		return (0);
	}
	PQclear(res);

	res = PQexec(conn, demo_call_sql);
	ok = exec_ok(conn, res, "demo call");
	if (ok && PQntuples(res) > 0) {
		params[0] = PQgetvalue(res, 0, 0);
		upd = PQexecParams(conn, "UPDATE calls SET status = 'open' "
		    "WHERE id = $1", 1, NULL, params, NULL, NULL, 0);
		ok = exec_ok(conn, upd, "demo call");
		PQclear(upd);
		if (ok)
			printf("Demo call: \"Đợt hỗ trợ phụ nữ khởi nghiệp "
			    "2026\" (id %s), open for 60 days.\n", params[0]);
	}
	PQclear(res);

	/* COMMIT of a failed transaction rolls back and reports it. */
	res = PQexec(conn, "COMMIT");
	if (ok)
		ok = exec_ok(conn, res, "demo call") &&
		    !strcmp(PQcmdStatus(res), "COMMIT");
	PQclear(res);

	return (ok);
}

static int
cmd_demo(int argc, char **argv)
{
	PGconn		*conn;
	size_t		i;

	(void)argc;
	(void)argv;

	conn = db_connect();
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		if (!create_user(conn, demo_users[i].email, demo_users[i].role,
		    demo_users[i].name, demo_users[i].phone,
		    demo_users[i].password, 1))
			return (1);
	}
	if (!demo_call(conn)) {
		fprintf(stderr, "sen-admin: cannot create the demo call\n");
		return (1);
	}
	PQfinish(conn);

	printf("Demo accounts (e-mail / password):\n");
	for (i = 0; i < sizeof(demo_users) / sizeof(demo_users[0]); i++) {
		printf("  %-10s %-24s %s\n", demo_users[i].role,
		    demo_users[i].email, demo_users[i].password);
	}

	return (0);
}
