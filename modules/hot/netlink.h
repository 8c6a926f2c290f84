/* SPDX-License-Identifier: GPL-2.0 */
/* The "buddy_hot" generic netlink family. */
#ifndef _HOT_NETLINK_H
#define _HOT_NETLINK_H

int hot_genl_init(void);
void hot_genl_exit(void);

#endif /* _HOT_NETLINK_H */
