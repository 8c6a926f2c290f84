/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /proc/buddy_monitor: the per-order table for cat.
 */
#ifndef _BM_PROCFS_H
#define _BM_PROCFS_H

int bm_procfs_init(void);
void bm_procfs_exit(void);

#endif /* _BM_PROCFS_H */
