/*
 * scrypt runs in Kore task threads: a hash costs tens of milliseconds of
 * CPU, and on the event loop a burst of logins would stall every other
 * request of the worker.  The handler starts a task and returns
 * KORE_RESULT_RETRY; Kore calls it again when the task is done.
 */

#include <sys/resource.h>
#include <sys/syscall.h>

#include <unistd.h>

#include "sen.h"
#include "lib/pwhash.h"

/*
 * Task threads hash at a lower priority than the event loops and
 * PostgreSQL: on a machine with as many hash threads as cores, a burst of
 * logins would otherwise take the CPU from every other request (measured
 * by `make bench`: the detail page's p99 during logins).  Logins still
 * use all the CPU nobody else wants.
 */
#define PWTASK_NICE	10

struct pwjob {
	int		op;
	char		mcf[PWHASH_MCF_LEN + 1];
	char		password[VALID_PASSWORD_BYTES];
};

struct pwresult {
	int		result;		/* verify: 1, 0, -1; hash: 1 or 0 */
	char		mcf[PWHASH_MCF_LEN + 1];
};

static int
pwtask_run(struct kore_task *t)
{
	static __thread int	niced;
	struct pwjob		job;
	struct pwresult		res;

	if (!niced) {
		/* Per thread on Linux: the thread's id names it. */
		(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid),
		    PWTASK_NICE);
		niced = 1;
	}

	memset(&res, 0, sizeof(res));
	if (kore_task_channel_read(t, &job, sizeof(job)) != sizeof(job)) {
		res.result = -1;
	} else if (job.op == PWTASK_HASH) {
		res.result = pwhash_make(job.password, res.mcf,
		    sizeof(res.mcf));
	} else {
		res.result = pwhash_verify(job.mcf, job.password);
	}

	explicit_bzero(&job, sizeof(job));
	kore_task_channel_write(t, &res, sizeof(res));

	return (KORE_RESULT_OK);
}

/*
 * Start hashing password (op PWTASK_HASH) or checking it against mcf
 * (PWTASK_VERIFY).  The caller returns KORE_RESULT_RETRY next.
 */
int
pwtask_start(struct api_ctx *ctx, int op, const char *mcf,
    const char *password)
{
	struct pwjob	job;

	if (strlen(password) >= sizeof(job.password))
		return (0);

	memset(&job, 0, sizeof(job));
	job.op = op;
	if (mcf != NULL)
		(void)snprintf(job.mcf, sizeof(job.mcf), "%s", mcf);
	(void)snprintf(job.password, sizeof(job.password), "%s", password);

	kore_task_create(&ctx->task, pwtask_run);
	kore_task_bind_request(&ctx->task, ctx->req);
	kore_task_run(&ctx->task);
	kore_task_channel_write(&ctx->task, &job, sizeof(job));
	ctx->task_live = 1;

	explicit_bzero(&job, sizeof(job));
	return (1);
}

/*
 * 0 while the task runs (the caller returns KORE_RESULT_RETRY), 1 when
 * it is done: *result and, for a hash, the MCF string in out.
 */
int
pwtask_result(struct api_ctx *ctx, int *result, char *out, size_t len)
{
	struct pwresult	res;

	if (kore_task_state(&ctx->task) != KORE_TASK_STATE_FINISHED) {
		http_request_sleep(ctx->req);
		return (0);
	}

	memset(&res, 0, sizeof(res));
	if (kore_task_channel_read(&ctx->task, &res, sizeof(res)) !=
	    sizeof(res))
		res.result = -1;
	kore_task_destroy(&ctx->task);
	ctx->task_live = 0;

	*result = res.result;
	if (out != NULL)
		(void)snprintf(out, len, "%s", res.mcf);

	return (1);
}
