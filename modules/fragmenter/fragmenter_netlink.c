// SPDX-License-Identifier: GPL-2.0
/*
 * The "buddy_frag" generic netlink family: pin, inspect and release the
 * fragmenter's pages (see fragmenter.c and the contract in uapi/buddyctl.h).
 * PIN and RELEASE need CAP_SYS_ADMIN, checked here rather than with
 * GENL_ADMIN_PERM (which checks CAP_NET_ADMIN), and answer as STATUS does.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "fragmenter/fragmenter.h"
#include "fragmenter/fragmenter_netlink.h"
#include "high_order_test/genl_reply.h"
#include "uapi/buddyctl.h"

static const struct nla_policy frag_pin_policy[BUDDY_FRAG_A_MAX + 1] = {
	[BUDDY_FRAG_A_PIN_PERCENT] = NLA_POLICY_MAX(NLA_U32, BUDDY_FRAG_MAX_PIN_PERCENT),
	[BUDDY_FRAG_A_SWEEP_PERCENT] = NLA_POLICY_RANGE(NLA_U32, BUDDY_FRAG_MIN_SWEEP_PERCENT,
							 BUDDY_FRAG_MAX_SWEEP_PERCENT),
	[BUDDY_FRAG_A_SEED] = { .type = NLA_U32 },
	[BUDDY_FRAG_A_RELABEL] = NLA_POLICY_RANGE(NLA_U8, 0, 1),
};

/* STATUS and RELEASE take no attributes. */
static const struct nla_policy frag_empty_policy[BUDDY_FRAG_A_MAX + 1] = {};

static struct genl_family frag_genl_family;

static int frag_fill_status(struct sk_buff *skb, const void *arg)
{
	const struct frag_status *st = arg;

	if (nla_put_u32(skb, BUDDY_FRAG_A_PIN_PERCENT, st->params.pin_percent) ||
	    nla_put_u32(skb, BUDDY_FRAG_A_SWEEP_PERCENT, st->params.sweep_percent) ||
	    nla_put_u32(skb, BUDDY_FRAG_A_SEED, st->params.seed) ||
	    nla_put_u64_64bit(skb, BUDDY_FRAG_A_PINNED_PAGES, st->pinned_pages,
			      BUDDY_FRAG_A_PAD) ||
	    nla_put_u64_64bit(skb, BUDDY_FRAG_A_PINNED_BLOCKS, st->pinned_blocks,
			      BUDDY_FRAG_A_PAD) ||
	    nla_put_u64_64bit(skb, BUDDY_FRAG_A_TOUCHED_BLOCKS,
			      st->touched_blocks, BUDDY_FRAG_A_PAD) ||
	    nla_put_u64_64bit(skb, BUDDY_FRAG_A_SWEEP_TARGET, st->sweep_target,
			      BUDDY_FRAG_A_PAD) ||
	    nla_put_u64_64bit(skb, BUDDY_FRAG_A_SWEPT_PAGES, st->swept_pages,
			      BUDDY_FRAG_A_PAD) ||
	    nla_put_u32(skb, BUDDY_FRAG_A_SWEEP_STOP, st->sweep_stop) ||
	    nla_put_u8(skb, BUDDY_FRAG_A_RELABEL, st->params.relabel) ||
	    nla_put_u64_64bit(skb, BUDDY_FRAG_A_RELABEL_PAGES,
			      st->relabel_pages, BUDDY_FRAG_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int frag_reply_status(struct genl_info *info, u8 cmd)
{
	struct frag_status st;

	frag_status(&st);
	return hot_genl_reply(info, &frag_genl_family, cmd, frag_fill_status,
			      &st);
}

static int frag_genl_pin(struct sk_buff *skb, struct genl_info *info)
{
	struct frag_params p = {
		.pin_percent = BUDDY_FRAG_DEFAULT_PIN_PERCENT,
		.sweep_percent = BUDDY_FRAG_DEFAULT_SWEEP_PERCENT,
		.relabel = 1,
	};
	struct nlattr **a = info->attrs;
	int ret;

	ret = hot_genl_admin(skb, info);
	if (ret)
		return ret;
	if (a[BUDDY_FRAG_A_PIN_PERCENT])
		p.pin_percent = nla_get_u32(a[BUDDY_FRAG_A_PIN_PERCENT]);
	if (a[BUDDY_FRAG_A_SWEEP_PERCENT])
		p.sweep_percent = nla_get_u32(a[BUDDY_FRAG_A_SWEEP_PERCENT]);
	if (a[BUDDY_FRAG_A_SEED])
		p.seed = nla_get_u32(a[BUDDY_FRAG_A_SEED]);
	if (a[BUDDY_FRAG_A_RELABEL])
		p.relabel = nla_get_u8(a[BUDDY_FRAG_A_RELABEL]);

	ret = frag_pin(&p, info->extack);
	if (ret)
		return ret;
	return frag_reply_status(info, BUDDY_FRAG_CMD_PIN);
}

static int frag_genl_status(struct sk_buff *skb, struct genl_info *info)
{
	return frag_reply_status(info, BUDDY_FRAG_CMD_STATUS);
}

static int frag_genl_release(struct sk_buff *skb, struct genl_info *info)
{
	int ret = hot_genl_admin(skb, info);

	if (ret)
		return ret;
	frag_release();
	return frag_reply_status(info, BUDDY_FRAG_CMD_RELEASE);
}

static const struct genl_ops frag_genl_ops[] = {
	{
		.cmd = BUDDY_FRAG_CMD_PIN,
		.doit = frag_genl_pin,
		.policy = frag_pin_policy,
		.maxattr = BUDDY_FRAG_A_MAX,
	},
	{
		.cmd = BUDDY_FRAG_CMD_STATUS,
		.doit = frag_genl_status,
		.policy = frag_empty_policy,
		.maxattr = BUDDY_FRAG_A_MAX,
	},
	{
		.cmd = BUDDY_FRAG_CMD_RELEASE,
		.doit = frag_genl_release,
		.policy = frag_empty_policy,
		.maxattr = BUDDY_FRAG_A_MAX,
	},
};

static struct genl_family frag_genl_family __ro_after_init = {
	.name = BUDDY_FRAG_GENL_NAME,
	.version = BUDDY_FRAG_GENL_VERSION,
	.maxattr = BUDDY_FRAG_A_MAX,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = frag_genl_ops,
	.n_ops = ARRAY_SIZE(frag_genl_ops),
};

int __init frag_genl_init(void)
{
	return genl_register_family(&frag_genl_family);
}

void frag_genl_exit(void)
{
	genl_unregister_family(&frag_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(BUDDY_FRAG_GENL_NAME);
