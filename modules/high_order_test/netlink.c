// SPDX-License-Identifier: GPL-2.0
/*
 * The "buddy_hot" generic netlink family: start, watch, read and release
 * high-order allocation runs (see run.c and the contract in
 * uapi/buddyctl.h).
 *
 * Every command has its own policy, so an attribute that does not belong to
 * a command is refused ("Unknown attribute type" / "Unsupported attribute")
 * instead of being ignored. RUN and RELEASE need CAP_SYS_ADMIN, checked
 * here rather than with GENL_ADMIN_PERM (which checks CAP_NET_ADMIN), and
 * answer with the same message STATUS sends. GET_ATTEMPTS is open, but the
 * PFNs in it are physical addresses: zero for readers without
 * CAP_SYS_ADMIN, as /proc/self/pagemap hides them.
 */
#include <linux/capability.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "high_order_test/genl_reply.h"
#include "high_order_test/netlink.h"
#include "high_order_test/run.h"
#include "uapi/buddyctl.h"

static struct netlink_range_validation hot_count_range = {
	.min = 1,
	.max = BUDDY_HOT_MAX_COUNT,
};

static struct netlink_range_validation hot_pause_range = {
	.min = 0,
	.max = BUDDY_HOT_MAX_PAUSE_US,
};

static const struct nla_policy hot_run_policy[BUDDY_HOT_A_MAX + 1] = {
	[BUDDY_HOT_A_ORDER] = NLA_POLICY_RANGE(NLA_U32, 0, BUDDY_ORDER_MAX),
	[BUDDY_HOT_A_COUNT] = NLA_POLICY_FULL_RANGE(NLA_U32, &hot_count_range),
	[BUDDY_HOT_A_GFP_MODE] = NLA_POLICY_RANGE(NLA_U32, 0, BUDDY_HOT_NR_GFP_MODES - 1),
	[BUDDY_HOT_A_HOLD_UNTIL_FAIL] = NLA_POLICY_RANGE(NLA_U8, 0, 1),
	[BUDDY_HOT_A_PAUSE_US] = NLA_POLICY_FULL_RANGE(NLA_U32, &hot_pause_range),
};

/* STATUS, GET_ATTEMPTS and RELEASE take no attributes. */
static const struct nla_policy hot_empty_policy[BUDDY_HOT_A_MAX + 1] = {};

static struct genl_family hot_genl_family;

static int hot_fill_status(struct sk_buff *skb, const void *arg)
{
	const struct hot_status *st = arg;

	const struct hot_params *p = &st->params;

	if (nla_put_u32(skb, BUDDY_HOT_A_STATE, st->state) ||
	    nla_put_u32(skb, BUDDY_HOT_A_STOP_REASON, st->stop_reason) ||
	    nla_put_u32(skb, BUDDY_HOT_A_ATTEMPTS_DONE, st->attempts_done) ||
	    nla_put_u32(skb, BUDDY_HOT_A_SUCCESSES, st->successes) ||
	    nla_put_u32(skb, BUDDY_HOT_A_HELD, st->held) ||
	    nla_put_u64_64bit(skb, BUDDY_HOT_A_ELAPSED_NS, st->elapsed_ns,
			      BUDDY_HOT_A_PAD) ||
	    nla_put_u32(skb, BUDDY_HOT_A_ORDER, p->order) ||
	    nla_put_u32(skb, BUDDY_HOT_A_COUNT, p->count) ||
	    nla_put_u32(skb, BUDDY_HOT_A_GFP_MODE, p->gfp_mode) ||
	    nla_put_u8(skb, BUDDY_HOT_A_HOLD_UNTIL_FAIL, p->hold_until_fail) ||
	    nla_put_u32(skb, BUDDY_HOT_A_PAUSE_US, p->pause_us) ||
	    nla_put_u32(skb, BUDDY_HOT_A_GFP_FLAGS, st->gfp_flags) ||
	    nla_put_u64_64bit(skb, BUDDY_HOT_A_MIN_FREE_PAGES,
			      st->min_free_pages, BUDDY_HOT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int hot_reply_status(struct genl_info *info, u8 cmd)
{
	struct hot_status st;

	hot_run_status(&st);
	return hot_genl_reply(info, &hot_genl_family, cmd, hot_fill_status,
			      &st);
}

static int hot_genl_run(struct sk_buff *skb, struct genl_info *info)
{
	struct hot_params p = {
		.order = BUDDY_HOT_DEFAULT_ORDER,
		.count = BUDDY_HOT_DEFAULT_COUNT,
		.gfp_mode = BUDDY_HOT_GFP_KERNEL,
	};
	struct nlattr **a = info->attrs;
	int ret;

	ret = hot_genl_admin(skb, info);
	if (ret)
		return ret;
	if (a[BUDDY_HOT_A_ORDER])
		p.order = nla_get_u32(a[BUDDY_HOT_A_ORDER]);
	if (a[BUDDY_HOT_A_COUNT])
		p.count = nla_get_u32(a[BUDDY_HOT_A_COUNT]);
	if (a[BUDDY_HOT_A_GFP_MODE])
		p.gfp_mode = nla_get_u32(a[BUDDY_HOT_A_GFP_MODE]);
	if (a[BUDDY_HOT_A_HOLD_UNTIL_FAIL])
		p.hold_until_fail = nla_get_u8(a[BUDDY_HOT_A_HOLD_UNTIL_FAIL]);
	if (a[BUDDY_HOT_A_PAUSE_US])
		p.pause_us = nla_get_u32(a[BUDDY_HOT_A_PAUSE_US]);

	ret = hot_run_start(&p, info->extack);
	if (ret)
		return ret;
	return hot_reply_status(info, BUDDY_HOT_CMD_RUN);
}

static int hot_genl_status(struct sk_buff *skb, struct genl_info *info)
{
	return hot_reply_status(info, BUDDY_HOT_CMD_STATUS);
}

static int hot_genl_release(struct sk_buff *skb, struct genl_info *info)
{
	int ret = hot_genl_admin(skb, info);

	if (ret)
		return ret;
	hot_run_release();
	return hot_reply_status(info, BUDDY_HOT_CMD_RELEASE);
}

static int hot_put_attempt(struct sk_buff *skb, struct netlink_callback *cb,
			   u32 index, const struct hot_attempt *at, bool show_pfn)
{
	bool ok = at->pfn != HOT_NO_PFN;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &hot_genl_family, NLM_F_MULTI,
			  BUDDY_HOT_CMD_GET_ATTEMPTS);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	nest = nla_nest_start(skb, BUDDY_HOT_A_ATTEMPT);
	if (!nest)
		goto cancel;
	if (nla_put_u32(skb, BUDDY_HOT_AA_INDEX, index) ||
	    nla_put_u8(skb, BUDDY_HOT_AA_OK, ok) ||
	    nla_put_u64_64bit(skb, BUDDY_HOT_AA_LATENCY_NS, at->latency_ns,
			      BUDDY_HOT_AA_PAD) ||
	    (ok && nla_put_u64_64bit(skb, BUDDY_HOT_AA_PFN,
				     show_pfn ? at->pfn : 0,
				     BUDDY_HOT_AA_PAD)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

#define HOT_DUMP_BATCH 16

/*
 * One message per attempt. cb->args[0] is the next attempt index; cb->seq
 * carries the run generation (+ 1: a sequence of 0 disables the check), so
 * a dump that spans the start of a new run is flagged NLM_F_DUMP_INTR.
 */
static int hot_genl_dump_attempts(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct hot_attempt buf[HOT_DUMP_BATCH];
	u32 pos = cb->args[0], gen, n, i;
	bool show_pfn = netlink_capable(cb->skb, CAP_SYS_ADMIN);
	int ret = 0;

	do {
		n = hot_run_copy_attempts(pos, buf, HOT_DUMP_BATCH, &gen);
		cb->seq = gen + 1;
		for (i = 0; i < n; i++) {
			ret = hot_put_attempt(skb, cb, pos, &buf[i], show_pfn);
			if (ret)
				break;
			pos++;
		}
	} while (!ret && n == HOT_DUMP_BATCH);
	cb->args[0] = pos;
	/* A full skb goes out and the dump resumes at pos. */
	if (ret && !skb->len)
		return ret;
	return skb->len;
}

static const struct genl_ops hot_genl_ops[] = {
	{
		.cmd = BUDDY_HOT_CMD_RUN,
		.doit = hot_genl_run,
		.policy = hot_run_policy,
		.maxattr = BUDDY_HOT_A_MAX,
	},
	{
		.cmd = BUDDY_HOT_CMD_STATUS,
		.doit = hot_genl_status,
		.policy = hot_empty_policy,
		.maxattr = BUDDY_HOT_A_MAX,
	},
	{
		.cmd = BUDDY_HOT_CMD_GET_ATTEMPTS,
		.dumpit = hot_genl_dump_attempts,
		.policy = hot_empty_policy,
		.maxattr = BUDDY_HOT_A_MAX,
	},
	{
		.cmd = BUDDY_HOT_CMD_RELEASE,
		.doit = hot_genl_release,
		.policy = hot_empty_policy,
		.maxattr = BUDDY_HOT_A_MAX,
	},
};

static struct genl_family hot_genl_family __ro_after_init = {
	.name = BUDDY_HOT_GENL_NAME,
	.version = BUDDY_HOT_GENL_VERSION,
	.maxattr = BUDDY_HOT_A_MAX,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = hot_genl_ops,
	.n_ops = ARRAY_SIZE(hot_genl_ops),
};

int __init hot_genl_init(void)
{
	return genl_register_family(&hot_genl_family);
}

void hot_genl_exit(void)
{
	genl_unregister_family(&hot_genl_family);
}

MODULE_ALIAS_GENL_FAMILY(BUDDY_HOT_GENL_NAME);
