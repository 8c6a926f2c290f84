/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attachment to the allocator: tracepoints and kretprobes.
 */
#ifndef _BM_PROBES_H
#define _BM_PROBES_H

#include <linux/types.h>

int bm_probes_init(void);
void bm_probes_exit(void);

/*
 * Did the tuner ask the current task's direct compaction to evacuate a
 * block? True at most once per direct compaction. Task context.
 */
bool bm_probes_take_evacuation(void);

/* Slow-path entries that could not be attributed to a request. */
u64 bm_probes_slowpath_missed(void);

#endif /* _BM_PROBES_H */
