/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/tracepoints.h: attach to core-kernel tracepoints that are not
 * exported to modules (the LTTng technique).
 *
 * The kernel's tracepoint symbols (__tracepoint_mm_page_alloc, ...) are not
 * exported, so register_trace_mm_page_alloc() cannot be linked from a
 * module. for_each_kernel_tracepoint() (exported) walks the core kernel's
 * tracepoint table; the one with the right name is then attached with
 * tracepoint_probe_register() (exported).
 *
 * The probe prototype is checked at compile time against the kernel's own
 * TP_PROTO: including <trace/events/...> without CREATE_TRACE_POINTS only
 * declares the tracepoint and its static inline helpers (it defines
 * nothing), and one of those helpers, check_trace_callback_type_<name>(),
 * takes exactly the probe type. BM_CHECK_PROBE() calls it, so a changed
 * signature breaks the build instead of the running kernel; it emits no
 * code and references no unexported symbol.
 */
#ifndef _BUDDYCTL_COMPAT_TRACEPOINTS_H
#define _BUDDYCTL_COMPAT_TRACEPOINTS_H

#include <linux/string.h>
#include <linux/tracepoint.h>

#define BM_CHECK_PROBE(event, probe) check_trace_callback_type_##event(probe)

struct bm_tp_find {
	const char *name;
	struct tracepoint *tp;
};

static inline void bm_tp_match(struct tracepoint *tp, void *priv)
{
	struct bm_tp_find *f = priv;

	if (!f->tp && !strcmp(tp->name, f->name))
		f->tp = tp;
}

/* The core-kernel tracepoint called @name, or NULL. */
static inline struct tracepoint *bm_tracepoint_find(const char *name)
{
	struct bm_tp_find f = { .name = name };

	for_each_kernel_tracepoint(bm_tp_match, &f);
	return f.tp;
}

#endif /* _BUDDYCTL_COMPAT_TRACEPOINTS_H */
