/*
 * The event loop of guised's front end, and of the benchmark programs that
 * must run on the same settings (tests/bench): with epoll's change list,
 * libevent hands the kernel only the net change of a loop iteration.
 * evhttp turns a connection's read and write interest off and on for
 * every request, which otherwise costs three or four epoll_ctl calls a
 * request (strace -c).  A header, so that the benchmarks need no object
 * of the daemon's.
 */
#ifndef GUISE_EVENT_LOOP_H
#define GUISE_EVENT_LOOP_H

#include <event2/event.h>

static inline struct event_base *
event_loop_new(void)
{
	struct event_config	*cfg;
	struct event_base	*b;

	if ((cfg = event_config_new()) == NULL)
		return NULL;
	(void)event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
	b = event_base_new_with_config(cfg);
	event_config_free(cfg);
	return b;
}

#endif
