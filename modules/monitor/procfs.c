// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/buddy_monitor: one header line, then one row per order. The first
 * eight columns are a fixed format that scripts parse by name and position
 * (tests/integration/monitor_views.sh, bench/overhead), so they come first
 * and keep their names and meaning; new columns only go after them:
 *
 *   order req success fail slowpath compact raises unusable_pct
 *
 * compact is direct compaction attempts (the kernel's try_to_compact_pages
 * events), raises the tuner's priority raises, unusable_pct the unusable free
 * space index of the order over all populated zones, in percent (rounded
 * down), computed at read time. Further columns:
 *
 *   compact_reqs      requests that compacted at least once
 *   sync_full sync_light async
 *                     compaction attempts by the priority the kernel used
 *   compact_page      direct compactions that returned a page
 *   deferred          compaction_deferred() skips (per zone)
 *   fallback          kmem:mm_page_alloc_extfrag events of this alloc order
 *
 * All counts are since load or the last reset, summed over CPUs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "monitor/frag.h"
#include "monitor/procfs.h"
#include "monitor/stats.h"

static struct proc_dir_entry *bm_proc;

static u64 bm_fallbacks_of(const struct bm_totals *t, unsigned int ao)
{
	unsigned int fo, a, f;
	u64 n = 0;

	for (fo = ao; fo < BM_ORDERS; fo++)
		for (a = 0; a < BM_MTS; a++)
			for (f = 0; f < BM_MTS; f++)
				n += t->fb.n[bm_fb_pair(ao, fo)][a][f];
	return n;
}

static int bm_proc_show(struct seq_file *m, void *v)
{
	struct bm_totals *t = bm_totals_alloc();
	unsigned int o;

	if (!t)
		return -ENOMEM;
	bm_stats_read(t);
	seq_puts(m, "order req success fail slowpath compact raises unusable_pct compact_reqs sync_full sync_light async compact_page deferred fallback\n");
	for (o = 0; o < BM_ORDERS; o++) {
		const struct bm_core_counts *c = &t->core;
		const struct bm_misc_counts *x = &t->misc;

		seq_printf(m, "%u %llu %llu %llu %llu %llu %llu %u %llu %llu %llu %llu %llu %llu %llu\n",
			   o, c->success[o] + c->failure[o], c->success[o],
			   c->failure[o], c->slowpath[o],
			   x->compact_attempts[o], x->raises[o],
			   bm_unusable_permille_all(o) / 10, c->compact_reqs[o],
			   x->compact_prio[o][BUDDY_PRIO_SYNC_FULL],
			   x->compact_prio[o][BUDDY_PRIO_SYNC_LIGHT],
			   x->compact_prio[o][BUDDY_PRIO_ASYNC],
			   x->compact_page[o], x->compact_deferred[o],
			   bm_fallbacks_of(t, o));
	}
	bm_totals_free(t);
	return 0;
}

int bm_procfs_init(void)
{
	bm_proc = proc_create_single(BUDDY_MON_PROC_NAME, 0444, NULL,
				     bm_proc_show);
	if (!bm_proc) {
		pr_err("cannot create /proc/%s\n", BUDDY_MON_PROC_NAME);
		return -ENOMEM;
	}
	return 0;
}

/* Waits for readers in progress (proc_remove drains the entry). */
void bm_procfs_exit(void)
{
	proc_remove(bm_proc);
	bm_proc = NULL;
}
