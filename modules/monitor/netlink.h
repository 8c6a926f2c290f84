/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "buddy_monitor" generic netlink family (uapi/buddyctl.h).
 */
#ifndef _BM_NETLINK_H
#define _BM_NETLINK_H

/*
 * The top of the module: registers the family, then sets itself as the
 * events' sink (monitor/events.h); exit clears the sink, then unregisters.
 */
int bm_genl_init(void);
void bm_genl_exit(void);

#endif /* _BM_NETLINK_H */
