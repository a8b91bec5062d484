/*
 * Sen's Kore module: the entry point named in conf/dev.conf and prod.conf
 * (load ./build/sen.so sen_init).  Kore runs it in every worker after the
 * worker has dropped privileges, entered its chroot and its seccomp
 * sandbox.
 */

#include "sen.h"
#include "accounts/accounts.h"

#include <kore/seccomp.h>

int	sen_init(int);

/*
 * Syscalls that Debian bookworm's glibc and libpq need on top of Kore's
 * own filter (see ../shared/kore-notes.md).
 */
void	kore_seccomp_hook(void);

KORE_SECCOMP_FILTER("sen",
	KORE_SYSCALL_ALLOW(newfstatat),		/* stat() in glibc 2.33+, libpq */
	KORE_SYSCALL_DENY(clone3, ENOSYS),	/* task threads: glibc falls back to clone */
	KORE_SYSCALL_ALLOW(rseq),
	KORE_SYSCALL_ALLOW(faccessat),		/* access() at shutdown, glibc 2.33+ */
	KORE_SYSCALL_ALLOW(faccessat2),
	KORE_SYSCALL_ALLOW(mremap),		/* realloc() of big blocks: libpq's
						   results and document buffers */
	KORE_SYSCALL_ALLOW(gettid),		/* scrypt threads lower their */
	KORE_SYSCALL_ALLOW(setpriority),	/* priority (accounts/pwtask.c) */
#if defined(__SANITIZE_ADDRESS__)
	/* The sanitizers' runtime (make test-asan), never in production. */
	KORE_SYSCALL_ALLOW(sched_getaffinity),
#endif
	KORE_SYSCALL_ALLOW(getrandom),		/* salts and tokens */
);

int
sen_init(int state)
{
	static int	registered;

	if (state == KORE_MODULE_UNLOAD)
		return (KORE_RESULT_OK);

	sen_config_load();

	/* A SIGHUP runs this again; the database is registered once. */
	if (!registered) {
		if (!kore_pgsql_register(SEN_DB, sen_cfg.db_conninfo))
			fatal("cannot register the database");
		registered = 1;
	}

	auth_init();
	sen_timers_init();

	return (KORE_RESULT_OK);
}
