/*
 * The audit log's fdatasync through Linux AIO (IOCB_CMD_FDSYNC, Linux
 * 4.18), which runs it on a kernel worker and signals an eventfd when it is
 * done.  Measured here: an fdatasync of the log takes about 200-450 us, ten
 * ES256 signatures' worth, and a synchronous one leaves the signer idle
 * with every request of the batch waiting; submitted, it lets the signer
 * sign the next batch meanwhile (serve.c keeps at most one in flight, so
 * the order of commits is the order of the chain).  serve.c uses it only
 * when there is something to overlap: the kernel worker's hand-over costs
 * more than a synchronous fdatasync when nothing else waits.
 *
 * No thread, and only io_submit and io_getevents added to the sandbox: the
 * context and the eventfd are made before it.  Where AIO is missing
 * (io_setup fails: an old kernel, aio-max-nr spent, valgrind) or a file
 * system refuses the request, commits are synchronous, as before.
 */
#include <linux/aio_abi.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fsync_async.h"
#include "log.h"

static aio_context_t	 ctx;
static int		 efd = -1;
static int		 submitted;

int
fsync_async_init(void)
{
	if (syscall(SYS_io_setup, 1, &ctx) == -1) {
		log_debug("no AIO (%s): audit commits are synchronous",
		    strerror(errno));
		return -1;
	}
	if ((efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		(void)syscall(SYS_io_destroy, ctx);
		return -1;
	}
	return 0;
}

int
fsync_async_fd(void)
{
	return efd;
}

int
fsync_async_start(int fd)
{
	struct iocb	 cb, *cbs[1] = { &cb };

	if (efd == -1 || submitted)
		return -1;
	memset(&cb, 0, sizeof(cb));
	cb.aio_lio_opcode = IOCB_CMD_FDSYNC;
	cb.aio_fildes = (uint32_t)fd;
	cb.aio_flags = IOCB_FLAG_RESFD;
	cb.aio_resfd = (uint32_t)efd;
	if (syscall(SYS_io_submit, ctx, 1, cbs) != 1)
		return -1;
	submitted = 1;
	return 0;
}

/* Collect the submitted sync's outcome; timeout NULL waits for it. */
static int
collect(struct timespec *timeout, int *err)
{
	struct io_event	 ev;
	uint64_t	 count;
	long		 n;

	do
		n = syscall(SYS_io_getevents, ctx, 1, 1, &ev, timeout);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		fatal("io_getevents");
	if (n == 0)
		return 0;
	/* Consumed, so that poll sees the next one only. */
	if (read(efd, &count, sizeof(count)) == -1 && errno != EAGAIN)
		log_warn("eventfd");
	submitted = 0;
	*err = ev.res < 0 ? (int)-ev.res : 0;
	return 1;
}

int
fsync_async_done(int *err)
{
	struct timespec	 now = { 0, 0 };

	*err = 0;
	return !submitted || collect(&now, err);
}

int
fsync_async_finish(void)
{
	int	 err = 0;

	if (submitted)
		(void)collect(NULL, &err);
	return err;
}
