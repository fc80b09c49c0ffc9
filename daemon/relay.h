#ifndef GUISE_RELAY_H
#define GUISE_RELAY_H

/*
 * A pipe for the front end's stdout and stderr: returns the parent's end
 * (non-blocking), and the front end's in *write_end; -1 on error.
 */
int	relay_open(int *write_end);

/*
 * Read what the front end wrote, at most 64 KB a call, and pass it on as
 * its lines (relay.c).  Returns 0, or -1 once the front end's end is
 * closed (or unreadable).
 */
int	relay_read(int fd);

/*
 * Lines dropped for the rate are said at most once a second: relay_wait
 * gives poll's timeout in milliseconds (-1: nothing to say), and
 * relay_tell, called after every poll, says them once the second of the
 * last saying is over.
 */
int	relay_wait(void);
void	relay_tell(void);

#endif
