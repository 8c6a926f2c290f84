/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What both generic netlink families of high_order_test.ko (the high-order
 * test's and the fragmenter's) do the same way: the privilege check of a
 * state change, and a reply of one message filled by the family.
 */
#ifndef _HOT_GENL_REPLY_H
#define _HOT_GENL_REPLY_H

#include <net/genetlink.h>

/* State changes need CAP_SYS_ADMIN of the socket's opener, nothing less. */
int hot_genl_admin(struct sk_buff *skb, struct genl_info *info);

/*
 * Reply to @info with one @family message of command @cmd whose attributes
 * @fill puts from @arg; -EMSGSIZE from @fill fails the request.
 */
int hot_genl_reply(struct genl_info *info, const struct genl_family *family,
		   u8 cmd, int (*fill)(struct sk_buff *skb, const void *arg),
		   const void *arg);

#endif /* _HOT_GENL_REPLY_H */
