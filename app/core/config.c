/*
 * Settings come from the environment (twelve-factor style), so that the
 * same build and the same Kore config serve development, tests and
 * production.  Every setting has a safe default; see README.md.
 */

#include <stdlib.h>

#include "sen.h"

struct sen_config	sen_cfg;

static int
env_int(const char *name, int def, int min, int max)
{
	const char	*v;
	char		*end;
	long		n;

	if ((v = getenv(name)) == NULL || *v == '\0')
		return (def);

	n = strtol(v, &end, 10);
	if (*end != '\0' || n < min || n > max) {
		kore_log(LOG_WARNING, "%s=%s is out of range, using %d",
		    name, v, def);
		return (def);
	}

	return ((int)n);
}

static char *
env_str(const char *name, const char *def)
{
	const char	*v;

	if ((v = getenv(name)) == NULL || *v == '\0')
		v = def;

	return (v == NULL ? NULL : kore_strdup(v));
}

void
sen_config_load(void)
{
	char	*url;

	/*
	 * The server may connect with a less privileged role than the one
	 * that ran the migrations: SEN_APP_DATABASE_URL when set.
	 */
	if ((url = env_str("SEN_APP_DATABASE_URL", NULL)) == NULL)
		url = env_str("DATABASE_URL", "dbname=sen");
	sen_cfg.db_conninfo = url;

	sen_cfg.public_origin = env_str("SEN_PUBLIC_ORIGIN", NULL);
	sen_cfg.trust_proxy = env_int("SEN_TRUST_PROXY", 0, 0, 1);
	sen_cfg.session_idle = env_int("SEN_SESSION_IDLE", 7200, 60, 86400 * 30);
	sen_cfg.session_max = env_int("SEN_SESSION_MAX", 43200, 60, 86400 * 90);
	sen_cfg.login_max_account = env_int("SEN_LOGIN_MAX_ACCOUNT", 5, 1, 1000);
	sen_cfg.login_max_address = env_int("SEN_LOGIN_MAX_ADDRESS", 30, 1,
	    100000);
	sen_cfg.login_window = env_int("SEN_LOGIN_WINDOW", 900, 10, 86400);
	sen_cfg.json_body_max = (size_t)env_int("SEN_JSON_BODY_MAX", 65536,
	    1024, 1 << 20);
	/* Kore refuses bodies above http_body_max with a bare 413 first. */
	sen_cfg.upload_max = (size_t)env_int("SEN_UPLOAD_MAX", 10485760, 1,
	    1 << 30);
	if (sen_cfg.upload_max > http_body_max) {
		kore_log(LOG_WARNING, "SEN_UPLOAD_MAX=%zu is above http_body_max, "
		    "using %zu", sen_cfg.upload_max, http_body_max);
		sen_cfg.upload_max = http_body_max;
	}

	/*
	 * libpq reads these: a dead database must not hang a worker for
	 * long, and no statement may run away with a connection.
	 */
	(void)setenv("PGCONNECT_TIMEOUT", "3", 0);
	(void)setenv("PGAPPNAME", "sen", 0);
	(void)setenv("PGOPTIONS", "-c statement_timeout=15000", 0);
}
