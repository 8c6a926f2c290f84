/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/symbols.h: names of the kernel functions the monitor hooks or
 * calls. Each is looked up by name at load; a missing one makes the load
 * fail with one kernel-log line naming it.
 */
#ifndef _BUDDYCTL_COMPAT_SYMBOLS_H
#define _BUDDYCTL_COMPAT_SYMBOLS_H

#include <linux/gfp.h>

/*
 * The allocator's entry point. 6.10 (memory allocation profiling) renamed
 * it __alloc_pages_noprof and made the old name a macro wrapped in
 * alloc_hooks(), which <linux/gfp.h> then defines: that is the test.
 */
#ifdef alloc_hooks
#define BM_SYM_ALLOC_PAGES "__alloc_pages_noprof"
#else
#define BM_SYM_ALLOC_PAGES "__alloc_pages"
#endif

/*
 * Where latency capture times a request from: the innermost entry that
 * every page allocation passes and that fires mm_page_alloc. 6.14 moved
 * both into __alloc_frozen_pages_noprof(), which slab calls directly;
 * that name lives in mm/internal.h, so the running kernel decides: the
 * first of these that ftrace accepts is used (monitor/latency.c).
 */
#define BM_SYM_ALLOC_ENTRY_CANDIDATES {				\
	"__alloc_frozen_pages_noprof",				\
	BM_SYM_ALLOC_PAGES,					\
}

/* Static, so not renamed by the profiling work. */
#define BM_SYM_DIRECT_COMPACT "__alloc_pages_direct_compact"

/*
 * __alloc_pages_slowpath() is a static function that GCC clones: on the
 * stock Debian 6.1.0-56 kernel it exists only as
 * "__alloc_pages_slowpath.constprop.0". The suffix depends on the compiler
 * and the kernel, so the monitor tries these in order and uses the first
 * that kprobes accepts. The clone's calling convention was checked by
 * disassembly on 6.1.0-56 (see monitor/probes.c); only the return value
 * and the order (second argument) are read, and an order that is out of
 * range is ignored.
 */
#define BM_SYM_SLOWPATH_CANDIDATES {				\
	"__alloc_pages_slowpath.constprop.0",			\
	"__alloc_pages_slowpath",				\
	"__alloc_pages_slowpath.isra.0",			\
	"__alloc_pages_slowpath.constprop.0.isra.0",		\
	"__alloc_pages_slowpath.part.0",			\
}

/* Redirected by the evacuate policy (monitor/evacuate.c). */
#define BM_SYM_TRY_TO_COMPACT "try_to_compact_pages"

/* Woken by the background trigger; not exported, looked up once. */
#define BM_SYM_WAKEUP_KCOMPACTD "wakeup_kcompactd"

#endif /* _BUDDYCTL_COMPAT_SYMBOLS_H */
