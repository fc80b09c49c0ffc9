/*
 * fdatasync(2) that does not stop the signer: the audit log's commit is
 * submitted, and the signer goes on answering the next batch while the
 * disk works (fsync_async.c says how).
 */
#ifndef GUISE_FSYNC_ASYNC_H
#define GUISE_FSYNC_ASYNC_H

/* Before the sandbox.  -1 when the kernel cannot: commits stay synchronous. */
int	fsync_async_init(void);

/* The descriptor that becomes readable when a submitted sync is done. */
int	fsync_async_fd(void);

/* Submit fdatasync(fd).  -1 when it cannot be submitted: sync it yourself. */
int	fsync_async_start(int fd);

/*
 * The outcome of the submitted sync: 0 done, or the errno it failed with.
 * Blocks until it is done.
 */
int	fsync_async_finish(void);

/* Without blocking: 1 when it is done (its outcome in *err), else 0. */
int	fsync_async_done(int *err);

#endif
