/* SPDX-License-Identifier: GPL-2.0 */
/* The "buddy_frag" generic netlink family. */
#ifndef _FRAGMENTER_NETLINK_H
#define _FRAGMENTER_NETLINK_H

int frag_genl_init(void);
void frag_genl_exit(void);

#endif /* _FRAGMENTER_NETLINK_H */
