/* SPDX-License-Identifier: GPL-2.0 */
/* The "buddy_hot" generic netlink family. */
#ifndef _HIGH_ORDER_TEST_NETLINK_H
#define _HIGH_ORDER_TEST_NETLINK_H

int hot_genl_init(void);
void hot_genl_exit(void);

#endif /* _HIGH_ORDER_TEST_NETLINK_H */
