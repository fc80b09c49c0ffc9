#ifndef GUISE_SANDBOX_H
#define GUISE_SANDBOX_H

/* Enter the signer's seccomp allow-list; -1 with a message on error. */
int	sandbox_enter(void);

#endif
