#ifndef GUISE_PRIVDROP_H
#define GUISE_PRIVDROP_H

/*
 * Become user when running as root (all ids and groups, for good), then
 * forbid new privileges.  Returns 0, or -1 with a message logged.
 */
int	privdrop(const char *user);

#endif
