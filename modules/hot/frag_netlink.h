/* SPDX-License-Identifier: GPL-2.0 */
/* The "buddy_frag" generic netlink family. */
#ifndef _HOT_FRAG_NETLINK_H
#define _HOT_FRAG_NETLINK_H

int frag_genl_init(void);
void frag_genl_exit(void);

#endif /* _HOT_FRAG_NETLINK_H */
