#ifndef GUISE_ROTATE_H
#define GUISE_ROTATE_H

#include "config.h"

/*
 * Rotate the audit log (SIGUSR1, or guisectl audit rotate): the parent
 * renames audit.path to audit.path.N (N one more than the last), opens a
 * new audit.path, and hands it to the signer on ctl, which goes on there
 * with a record chained from the old file's last.  The signer itself may
 * open no file.  Returns 0, or -1 with a message logged.
 */
int	rotate_audit(const struct config *, int ctl);

#endif
