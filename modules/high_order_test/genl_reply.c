// SPDX-License-Identifier: GPL-2.0
/* See genl_reply.h. */
#include <linux/capability.h>
#include <linux/netlink.h>

#include "high_order_test/genl_reply.h"

int hot_genl_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	GENL_SET_ERR_MSG(info, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

int hot_genl_reply(struct genl_info *info, const struct genl_family *family,
		   u8 cmd, int (*fill)(struct sk_buff *skb, const void *arg),
		   const void *arg)
{
	struct sk_buff *skb;
	void *hdr;
	int ret;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put_reply(skb, info, family, 0, cmd);
	if (!hdr) {
		ret = -EMSGSIZE;
		goto err;
	}
	ret = fill(skb, arg);
	if (ret)
		goto err;
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
err:
	nlmsg_free(skb);
	return ret;
}
