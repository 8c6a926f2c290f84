/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The "buddy_monitor" generic netlink family (uapi/buddyctl.h).
 */
#ifndef _BM_NETLINK_H
#define _BM_NETLINK_H

#include <linux/types.h>

struct bm_event;

int bm_genl_init(void);
void bm_genl_exit(void);

/* Lockless; false until the family is registered. */
bool bm_genl_has_listeners(void);

/* Process context. 0 if sent to at least one listener, else -errno. */
int bm_genl_send_event(const struct bm_event *ev, u64 dropped);

#endif /* _BM_NETLINK_H */
