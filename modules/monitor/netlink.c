// SPDX-License-Identifier: GPL-2.0
/*
 * The "buddy_monitor" generic netlink family. The attribute trees are laid
 * out in uapi/buddyctl.h; this file only fills and validates them.
 *
 * Validation: every op has its own strict policy (resv_start_op is 0, so
 * the core validates every command strictly: unknown attributes, attributes
 * an op does not take, trailing data and out-of-range values are refused
 * with -EINVAL/-ERANGE and an extack message naming the attribute before a
 * handler runs). Ops without a policy get the core's reject-all policy.
 *
 * Privilege (the rules are in uapi/buddyctl.h): RESET and SET_CONFIG check
 * CAP_SYS_ADMIN themselves, because GENL_ADMIN_PERM checks CAP_NET_ADMIN,
 * which a network daemon holds for reasons unrelated to memory. GET_FRAG
 * computes for CAP_SYS_ADMIN/CAP_PERFMON callers and serves everyone else
 * one shared snapshot, so its cost does not follow an unprivileged loop.
 *
 * parallel_ops: handlers do not run under genl_lock, so a slow GET_FRAG
 * (it walks the memmap) does not stall other families; handlers serialize
 * where they need to (stats, config, snapshot mutexes).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ktime.h>
#include <linux/mmzone.h>
#include <linux/mutex.h>
#include <linux/nodemask.h>
#include <linux/slab.h>
#include <linux/utsname.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "compat/mm.h"
#include "monitor/background.h"
#include "monitor/config.h"
#include "monitor/evacuate.h"
#include "monitor/events.h"
#include "monitor/frag.h"
#include "monitor/latency.h"
#include "monitor/netlink.h"
#include "monitor/reserve.h"
#include "monitor/stats.h"

static struct genl_family bm_genl_family __ro_after_init;
static bool bm_genl_registered;

/* ---- policies ------------------------------------------------------------ */

static struct netlink_range_validation bm_eps_range = {
	.min = BUDDY_EVENTS_PER_SEC_MIN,
	.max = BUDDY_EVENTS_PER_SEC_MAX,
};

static struct netlink_range_validation bm_bgi_range = {
	.min = BUDDY_BG_INTERVAL_MIN_MS,
	.max = BUDDY_BG_INTERVAL_MAX_MS,
};

static struct netlink_range_validation bm_res_blocks_range = {
	.min = 0,
	.max = BUDDY_RESERVE_BLOCKS_MAX,
};

static struct netlink_range_validation bm_res_budget_range = {
	.min = BUDDY_RESERVE_BUDGET_MIN_MS,
	.max = BUDDY_RESERVE_BUDGET_MAX_MS,
};

static const struct nla_policy bm_config_policy[BUDDY_MON_CA_MAX + 1] = {
	[BUDDY_MON_CA_LATENCY] = NLA_POLICY_MAX(NLA_U8, 1),
	[BUDDY_MON_CA_EVENTS_PER_SEC] = NLA_POLICY_FULL_RANGE(NLA_U32, &bm_eps_range),
	[BUDDY_MON_CA_POLICY] = NLA_POLICY_MAX(NLA_U32, BUDDY_NR_POLICIES - 1),
	[BUDDY_MON_CA_THRESHOLD] = NLA_POLICY_MAX(NLA_U32, BUDDY_THRESHOLD_MAX),
	[BUDDY_MON_CA_MIN_ORDER] = NLA_POLICY_MAX(NLA_U32, BUDDY_ORDER_MAX),
	[BUDDY_MON_CA_BG_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
	[BUDDY_MON_CA_BG_ORDER] = NLA_POLICY_MAX(NLA_U32, BUDDY_ORDER_MAX),
	[BUDDY_MON_CA_BG_INTERVAL_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bm_bgi_range),
	[BUDDY_MON_CA_RESERVE_ORDER] = NLA_POLICY_MAX(NLA_U32, BUDDY_ORDER_MAX),
	[BUDDY_MON_CA_RESERVE_BLOCKS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bm_res_blocks_range),
	[BUDDY_MON_CA_RESERVE_BUDGET_MS] = NLA_POLICY_FULL_RANGE(NLA_U32, &bm_res_budget_range),
	[BUDDY_MON_CA_LATENCY_DUTY_PCT] = NLA_POLICY_RANGE(NLA_U32, BUDDY_LAT_DUTY_MIN_PCT,
							   BUDDY_LAT_DUTY_MAX_PCT),
};

/* GET_STATS, GET_LATENCY: an optional order. */
static const struct nla_policy bm_order_req_policy[BUDDY_MON_A_MAX + 1] = {
	[BUDDY_MON_A_ORDER] = NLA_POLICY_MAX(NLA_U32, BUDDY_ORDER_MAX),
};

/* GET_FRAG: optionally, the whole memmap for the physical limit. */
static const struct nla_policy bm_frag_req_policy[BUDDY_MON_A_MAX + 1] = {
	[BUDDY_MON_A_FULL_SCAN] = { .type = NLA_FLAG },
};

/* SET_CONFIG: the configuration nest. */
static const struct nla_policy bm_config_req_policy[BUDDY_MON_A_MAX + 1] = {
	[BUDDY_MON_A_CONFIG] = NLA_POLICY_NESTED(bm_config_policy),
};

/* ---- attribute helpers ---------------------------------------------------- */

static int bm_put_u64(struct sk_buff *skb, int type, u64 v, int pad)
{
	return nla_put_u64_64bit(skb, type, v, pad);
}

/*
 * Close @nest, or cancel it when @failed (a put did not fit, or the nest
 * itself could not start: @nest is then NULL), so that a reply never
 * carries half a nest.
 */
static int bm_nest_end(struct sk_buff *skb, struct nlattr *nest, bool failed)
{
	if (failed) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * "Array of u64 indexed by X" (uapi): a nest whose members have type X + 1.
 * x86-64 needs no alignment padding, so no pad attribute is ever emitted
 * inside arrays (pad type 0 would only appear on other architectures).
 */
static int bm_put_u64_array(struct sk_buff *skb, int type, const u64 *v,
			    unsigned int n)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < n; i++) {
		if (nla_put_u64_64bit(skb, i + 1, v[i], 0)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int bm_put_s32_array_as_u64(struct sk_buff *skb, int type,
				   const s32 *v, unsigned int n)
{
	u64 tmp[BM_ORDERS];
	unsigned int i;

	for (i = 0; i < n && i < ARRAY_SIZE(tmp); i++)
		tmp[i] = (u64)(s64)v[i];
	return bm_put_u64_array(skb, type, tmp, i);
}

/* The order range a request asks for: one order or all. */
static void bm_req_orders(struct genl_info *info, unsigned int *lo,
			  unsigned int *hi)
{
	if (info->attrs && info->attrs[BUDDY_MON_A_ORDER]) {
		*lo = nla_get_u32(info->attrs[BUDDY_MON_A_ORDER]);
		*hi = *lo;
	} else {
		*lo = 0;
		*hi = BM_ORDERS - 1;
	}
}

/* ---- configuration ------------------------------------------------------- */

static int bm_put_config(struct sk_buff *skb, const struct bm_config *cfg)
{
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_CONFIG);

	if (!nest ||
	    nla_put_u8(skb, BUDDY_MON_CA_LATENCY, cfg->latency) ||
	    nla_put_u32(skb, BUDDY_MON_CA_EVENTS_PER_SEC, cfg->events_per_sec) ||
	    nla_put_u32(skb, BUDDY_MON_CA_POLICY, cfg->policy) ||
	    nla_put_u32(skb, BUDDY_MON_CA_THRESHOLD, cfg->threshold) ||
	    nla_put_u32(skb, BUDDY_MON_CA_MIN_ORDER, cfg->min_order) ||
	    nla_put_u8(skb, BUDDY_MON_CA_BG_ENABLED, cfg->bg_enabled) ||
	    nla_put_u32(skb, BUDDY_MON_CA_BG_ORDER, cfg->bg_order) ||
	    nla_put_u32(skb, BUDDY_MON_CA_BG_INTERVAL_MS, cfg->bg_interval_ms) ||
	    nla_put_u32(skb, BUDDY_MON_CA_RESERVE_ORDER, cfg->reserve_order) ||
	    nla_put_u32(skb, BUDDY_MON_CA_RESERVE_BLOCKS, cfg->reserve_blocks) ||
	    nla_put_u32(skb, BUDDY_MON_CA_RESERVE_BUDGET_MS,
			cfg->reserve_budget_ms) ||
	    nla_put_u32(skb, BUDDY_MON_CA_LATENCY_DUTY_PCT, cfg->latency_duty)) {
		if (nest)
			nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static struct sk_buff *bm_reply_new(struct genl_info *info, size_t size,
				    u8 cmd, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(size, GFP_KERNEL);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put_reply(skb, info, &bm_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

static int bm_reply_send(struct sk_buff *skb, void *hdr,
			 struct genl_info *info, int err)
{
	if (err) {
		nlmsg_free(skb);
		GENL_SET_ERR_MSG(info, "reply does not fit");
		return err;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_reply(skb, info);
}

/* State changes need CAP_SYS_ADMIN of the socket's opener, nothing less. */
static int bm_nl_admin(struct sk_buff *skb, struct genl_info *info)
{
	if (netlink_capable(skb, CAP_SYS_ADMIN))
		return 0;
	GENL_SET_ERR_MSG(info, "needs CAP_SYS_ADMIN");
	return -EPERM;
}

static int bm_nl_get_info(struct sk_buff *skb_in, struct genl_info *info)
{
	struct bm_frag_cost cost;
	struct bm_config cfg;
	struct sk_buff *skb;
	void *hdr;
	int err;

	skb = bm_reply_new(info, NLMSG_GOODSIZE, BUDDY_MON_CMD_GET_INFO, &hdr);
	if (!skb)
		return -ENOMEM;
	bm_config_lock();
	bm_config_get(&cfg);
	bm_config_unlock();
	bm_frag_cost_read(&cost);
	err = nla_put_u32(skb, BUDDY_MON_A_ABI_VERSION, BUDDY_MON_GENL_VERSION) ||
	      nla_put_string(skb, BUDDY_MON_A_KERNEL_RELEASE,
			     init_utsname()->release) ||
	      nla_put_u32(skb, BUDDY_MON_A_NR_ORDERS, BUDDY_NR_ORDERS) ||
	      bm_put_config(skb, &cfg) ||
	      bm_put_u64(skb, BUDDY_MON_A_MAX_LOCK_HOLD_NS, cost.max_hold_ns,
			 BUDDY_MON_A_PAD) ||
	      bm_put_u64(skb, BUDDY_MON_A_LOCK_HOLD_TOTAL_NS,
			 cost.hold_total_ns, BUDDY_MON_A_PAD) ||
	      bm_put_u64(skb, BUDDY_MON_A_MAX_SCAN_NS, cost.max_scan_ns,
			 BUDDY_MON_A_PAD) ? -EMSGSIZE : 0;
	return bm_reply_send(skb, hdr, info, err);
}

static int bm_nl_get_config(struct sk_buff *skb_in, struct genl_info *info)
{
	struct bm_config cfg;
	struct sk_buff *skb;
	void *hdr;

	skb = bm_reply_new(info, NLMSG_GOODSIZE, BUDDY_MON_CMD_GET_CONFIG, &hdr);
	if (!skb)
		return -ENOMEM;
	bm_config_lock();
	bm_config_get(&cfg);
	bm_config_unlock();
	return bm_reply_send(skb, hdr, info, bm_put_config(skb, &cfg));
}

static int bm_nl_set_config(struct sk_buff *skb_in, struct genl_info *info)
{
	struct nlattr *tb[BUDDY_MON_CA_MAX + 1];
	struct bm_config cfg;
	struct sk_buff *skb;
	const char *why = NULL;
	void *hdr;
	int err;

	err = bm_nl_admin(skb_in, info);
	if (err)
		return err;
	if (GENL_REQ_ATTR_CHECK(info, BUDDY_MON_A_CONFIG))
		return -EINVAL;
	err = nla_parse_nested(tb, BUDDY_MON_CA_MAX,
			       info->attrs[BUDDY_MON_A_CONFIG],
			       bm_config_policy, info->extack);
	if (err)
		return err;
	skb = bm_reply_new(info, NLMSG_GOODSIZE, BUDDY_MON_CMD_SET_CONFIG, &hdr);
	if (!skb)
		return -ENOMEM;

	bm_config_lock();
	bm_config_get(&cfg);
	if (tb[BUDDY_MON_CA_LATENCY])
		cfg.latency = nla_get_u8(tb[BUDDY_MON_CA_LATENCY]);
	if (tb[BUDDY_MON_CA_EVENTS_PER_SEC])
		cfg.events_per_sec = nla_get_u32(tb[BUDDY_MON_CA_EVENTS_PER_SEC]);
	if (tb[BUDDY_MON_CA_POLICY])
		cfg.policy = nla_get_u32(tb[BUDDY_MON_CA_POLICY]);
	if (tb[BUDDY_MON_CA_THRESHOLD])
		cfg.threshold = nla_get_u32(tb[BUDDY_MON_CA_THRESHOLD]);
	if (tb[BUDDY_MON_CA_MIN_ORDER])
		cfg.min_order = nla_get_u32(tb[BUDDY_MON_CA_MIN_ORDER]);
	if (tb[BUDDY_MON_CA_BG_ENABLED])
		cfg.bg_enabled = nla_get_u8(tb[BUDDY_MON_CA_BG_ENABLED]);
	if (tb[BUDDY_MON_CA_BG_ORDER])
		cfg.bg_order = nla_get_u32(tb[BUDDY_MON_CA_BG_ORDER]);
	if (tb[BUDDY_MON_CA_BG_INTERVAL_MS])
		cfg.bg_interval_ms = nla_get_u32(tb[BUDDY_MON_CA_BG_INTERVAL_MS]);
	if (tb[BUDDY_MON_CA_RESERVE_ORDER])
		cfg.reserve_order = nla_get_u32(tb[BUDDY_MON_CA_RESERVE_ORDER]);
	if (tb[BUDDY_MON_CA_RESERVE_BLOCKS])
		cfg.reserve_blocks = nla_get_u32(tb[BUDDY_MON_CA_RESERVE_BLOCKS]);
	if (tb[BUDDY_MON_CA_RESERVE_BUDGET_MS])
		cfg.reserve_budget_ms = nla_get_u32(tb[BUDDY_MON_CA_RESERVE_BUDGET_MS]);
	if (tb[BUDDY_MON_CA_LATENCY_DUTY_PCT])
		cfg.latency_duty = nla_get_u32(tb[BUDDY_MON_CA_LATENCY_DUTY_PCT]);
	/* The policy already checked each field; this is the same rule set. */
	err = bm_config_validate(&cfg, &why);
	if (err) {
		GENL_SET_ERR_MSG(info, "invalid configuration");
	} else {
		why = "cannot apply the configuration (see the kernel log)";
		err = bm_config_set(&cfg, &why);
		/* A static string from the module: extack keeps the pointer. */
		if (err && info->extack)
			info->extack->_msg = why;
	}
	bm_config_get(&cfg);
	bm_config_unlock();
	if (err) {
		nlmsg_free(skb);
		return err;
	}
	return bm_reply_send(skb, hdr, info, bm_put_config(skb, &cfg));
}

static int bm_nl_reset(struct sk_buff *skb, struct genl_info *info)
{
	int err = bm_nl_admin(skb, info);

	return err ? err : bm_stats_reset();
}

/* ---- stats --------------------------------------------------------------- */

static int bm_put_order_stats(struct sk_buff *skb, const struct bm_totals *t,
			      unsigned int o)
{
	const struct bm_core_counts *c = &t->core;
	const struct bm_misc_counts *m = &t->misc;
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_ORDER_STATS);
	const int pad = BUDDY_MON_OA_PAD;

	return bm_nest_end(skb, nest, !nest ||
			   nla_put_u32(skb, BUDDY_MON_OA_ORDER, o) ||
			   bm_put_u64(skb, BUDDY_MON_OA_REQUESTS,
				      c->success[o] + c->failure[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_OA_SUCCESSES, c->success[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_OA_FAILURES, c->failure[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_OA_SLOWPATH, c->slowpath[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_OA_COMPACT_ATTEMPTS,
				      m->compact_attempts[o], pad) ||
			   bm_put_u64_array(skb, BUDDY_MON_OA_COMPACT_PRIO,
					    m->compact_prio[o], BM_PRIOS) ||
			   bm_put_u64_array(skb, BUDDY_MON_OA_COMPACT_RESULT,
					    m->compact_result[o], BM_RESULTS) ||
			   bm_put_u64(skb, BUDDY_MON_OA_COMPACT_DEFERRED,
				      m->compact_deferred[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_OA_RAISES, m->raises[o], pad) ||
			   bm_put_u64_array(skb, BUDDY_MON_OA_MT_REQUESTS, c->mt_req[o],
					    BM_MTS) ||
			   bm_put_u64_array(skb, BUDDY_MON_OA_MT_FAILURES, c->mt_fail[o],
					    BM_MTS) ||
			   bm_put_u64(skb, BUDDY_MON_OA_COMPACT_REQUESTS,
				      c->compact_reqs[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_OA_COMPACT_PAGES,
				      m->compact_page[o], pad));
}

static int bm_put_fallback(struct sk_buff *skb, unsigned int ao,
			   unsigned int fo, unsigned int amt, unsigned int fmt,
			   u64 count)
{
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_FALLBACK);

	return bm_nest_end(skb, nest, !nest ||
			   nla_put_u32(skb, BUDDY_MON_FA_ALLOC_ORDER, ao) ||
			   nla_put_u32(skb, BUDDY_MON_FA_FALLBACK_ORDER, fo) ||
			   nla_put_u32(skb, BUDDY_MON_FA_ALLOC_MT, amt) ||
			   nla_put_u32(skb, BUDDY_MON_FA_FALLBACK_MT, fmt) ||
			   nla_put_u8(skb, BUDDY_MON_FA_FRAGMENTING,
				      fo < pageblock_order) ||
			   bm_put_u64(skb, BUDDY_MON_FA_COUNT, count,
				      BUDDY_MON_FA_PAD));
}

#define BM_FALLBACK_MSG_SIZE	64

/*
 * Visit the non-zero fallback keys whose alloc order is in [lo, hi]: count
 * them into *n, and emit them when @skb is not NULL.
 */
static int bm_fallbacks(struct sk_buff *skb, const struct bm_totals *t,
			unsigned int lo, unsigned int hi, unsigned int *n)
{
	unsigned int ao, fo, amt, fmt;
	u64 v;

	*n = 0;
	for (ao = lo; ao <= hi; ao++) {
		for (fo = ao; fo < BM_ORDERS; fo++) {
			for (amt = 0; amt < BM_MTS; amt++) {
				for (fmt = 0; fmt < BM_MTS; fmt++) {
					v = t->fb.n[bm_fb_pair(ao, fo)][amt][fmt];
					if (!v)
						continue;
					(*n)++;
					if (skb && bm_put_fallback(skb, ao, fo, amt,
								   fmt, v))
						return -EMSGSIZE;
				}
			}
		}
	}
	return 0;
}

static int bm_nl_get_stats(struct sk_buff *skb_in, struct genl_info *info)
{
	unsigned int lo, hi, o, nfb;
	struct nlattr *orders, *fbs;
	struct bm_totals *t;
	struct sk_buff *skb;
	void *hdr;
	int err = -EMSGSIZE;

	t = bm_totals_alloc();
	if (!t)
		return -ENOMEM;
	bm_stats_read(t);
	bm_req_orders(info, &lo, &hi);
	bm_fallbacks(NULL, t, lo, hi, &nfb);

	skb = bm_reply_new(info, 8192 + nfb * BM_FALLBACK_MSG_SIZE,
			   BUDDY_MON_CMD_GET_STATS, &hdr);
	if (!skb) {
		bm_totals_free(t);
		return -ENOMEM;
	}
	orders = nla_nest_start(skb, BUDDY_MON_A_ORDERS);
	if (!orders)
		goto out;
	for (o = lo; o <= hi; o++)
		if (bm_put_order_stats(skb, t, o))
			goto out;
	nla_nest_end(skb, orders);

	fbs = nla_nest_start(skb, BUDDY_MON_A_FALLBACKS);
	if (!fbs)
		goto out;
	if (bm_fallbacks(skb, t, lo, hi, &nfb))
		goto out;
	nla_nest_end(skb, fbs);

	if (bm_put_u64(skb, BUDDY_MON_A_SLOWPATH_MISSED,
		       t->glob.slowpath_missed, BUDDY_MON_A_PAD) ||
	    bm_put_u64(skb, BUDDY_MON_A_EVENTS_DROPPED,
		       t->glob.events_dropped, BUDDY_MON_A_PAD) ||
	    bm_put_u64(skb, BUDDY_MON_A_EVENTS_SENT, t->glob.events_sent,
		       BUDDY_MON_A_PAD) ||
	    bm_put_u64(skb, BUDDY_MON_A_RESET_TIME_NS,
		       bm_stats_reset_time_ns(), BUDDY_MON_A_PAD) ||
	    bm_put_u64(skb, BUDDY_MON_A_NOW_NS, ktime_get_ns(),
		       BUDDY_MON_A_PAD))
		goto out;
	err = 0;
out:
	bm_totals_free(t);
	return bm_reply_send(skb, hdr, info, err);
}

/* ---- latency ------------------------------------------------------------- */

static int bm_put_order_latency(struct sk_buff *skb,
				const struct bm_lat_totals *t, unsigned int o)
{
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_ORDER_LATENCY);
	const int pad = BUDDY_MON_LA_PAD;

	return bm_nest_end(skb, nest, !nest ||
			   nla_put_u32(skb, BUDDY_MON_LA_ORDER, o) ||
			   bm_put_u64_array(skb, BUDDY_MON_LA_FAST_HIST,
					    t->c.hist[o][BM_LAT_FAST], BUDDY_LAT_BUCKETS) ||
			   bm_put_u64_array(skb, BUDDY_MON_LA_SLOW_HIST,
					    t->c.hist[o][BM_LAT_SLOW], BUDDY_LAT_BUCKETS) ||
			   bm_put_u64(skb, BUDDY_MON_LA_FAST_MAX_NS,
				      t->max_ns[o][BM_LAT_FAST], pad) ||
			   bm_put_u64(skb, BUDDY_MON_LA_SLOW_MAX_NS,
				      t->max_ns[o][BM_LAT_SLOW], pad) ||
			   bm_put_u64(skb, BUDDY_MON_LA_FAST_SUM_NS,
				      t->c.sum_ns[o][BM_LAT_FAST], pad) ||
			   bm_put_u64(skb, BUDDY_MON_LA_SLOW_SUM_NS,
				      t->c.sum_ns[o][BM_LAT_SLOW], pad) ||
			   bm_put_u64(skb, BUDDY_MON_LA_MISSED, t->missed, pad));
}

static int bm_nl_get_latency(struct sk_buff *skb_in, struct genl_info *info)
{
	struct bm_lat_totals *t;
	struct nlattr *orders;
	unsigned int lo, hi, o;
	struct sk_buff *skb;
	void *hdr;
	int err = -EMSGSIZE;

	t = kvmalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	bm_lat_read(t);
	bm_req_orders(info, &lo, &hi);
	skb = bm_reply_new(info, 16384, BUDDY_MON_CMD_GET_LATENCY, &hdr);
	if (!skb) {
		kvfree(t);
		return -ENOMEM;
	}
	orders = nla_nest_start(skb, BUDDY_MON_A_ORDERS);
	if (!orders)
		goto out;
	for (o = lo; o <= hi; o++)
		if (bm_put_order_latency(skb, t, o))
			goto out;
	nla_nest_end(skb, orders);
	if (bm_put_u64(skb, BUDDY_MON_A_LAT_CAPTURE_NS, t->capture_ns,
		       BUDDY_MON_A_PAD))
		goto out;
	err = 0;
out:
	kvfree(t);
	return bm_reply_send(skb, hdr, info, err);
}

/* ---- tuner --------------------------------------------------------------- */

static int bm_put_tuner_order(struct sk_buff *skb, const struct bm_totals *t,
			      unsigned int o)
{
	const struct bm_misc_counts *m = &t->misc;
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_TUNER_ORDER);
	const int pad = BUDDY_MON_TA_PAD;

	return bm_nest_end(skb, nest, !nest ||
			   nla_put_u32(skb, BUDDY_MON_TA_ORDER, o) ||
			   bm_put_u64(skb, BUDDY_MON_TA_DECISIONS, m->decisions[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_TA_RAISES, m->raises[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_TA_DEFERRALS, m->deferrals[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_TA_WOULD_RAISE, m->would_raise[o], pad) ||
			   bm_put_u64_array(skb, BUDDY_MON_TA_RAISED_RESULT,
					    m->raised_result[o], BM_RESULTS) ||
			   bm_put_u64_array(skb, BUDDY_MON_TA_KEPT_RESULT,
					    m->kept_result[o], BM_RESULTS) ||
			   bm_put_u64(skb, BUDDY_MON_TA_RAISED_SUCCESS,
				      m->raised_success[o], pad) ||
			   bm_put_u64(skb, BUDDY_MON_TA_KEPT_SUCCESS,
				      m->kept_success[o], pad));
}

static int bm_put_background(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_BACKGROUND);
	const int pad = BUDDY_MON_BA_PAD;
	struct bm_bg_counts c;

	bm_bg_read(&c);
	return bm_nest_end(skb, nest, !nest ||
			   bm_put_u64(skb, BUDDY_MON_BA_CHECKS, c.checks, pad) ||
			   bm_put_u64(skb, BUDDY_MON_BA_TRIGGERS, c.triggers, pad) ||
			   bm_put_u64(skb, BUDDY_MON_BA_RATELIMITED, c.ratelimited, pad) ||
			   bm_put_u64(skb, BUDDY_MON_BA_BLOCKS_GAINED, c.blocks_gained, pad) ||
			   nla_put_u32(skb, BUDDY_MON_BA_LAST_UNUSABLE_PCT, c.last_unusable_pct));
}

static int bm_put_evacuator(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_EVACUATOR);
	const int pad = BUDDY_MON_VA_PAD;
	struct bm_evac_counts c;

	bm_evac_read(&c);
	return bm_nest_end(skb, nest, !nest ||
			   bm_put_u64(skb, BUDDY_MON_VA_REQUESTS, c.requests, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_SCANS, c.scans, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_ATTEMPTS, c.attempts, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_BLOCKS, c.blocks, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_FAILURES, c.failures, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_PAGES_MOVED, c.pages_moved, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_NO_CANDIDATE, c.no_candidate, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_LOW_MEMORY, c.low_memory, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_BUSY, c.busy, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_NOT_COMPACTED,
				      c.not_compacted, pad) ||
			   bm_put_u64(skb, BUDDY_MON_VA_TIME_NS, c.time_ns, pad));
}

static int bm_put_reserve(struct sk_buff *skb)
{
	struct nlattr *nest = nla_nest_start(skb, BUDDY_MON_A_RESERVE);
	const int pad = BUDDY_MON_RA_PAD;
	struct bm_res_state s;

	bm_res_read(&s);
	return bm_nest_end(skb, nest, !nest ||
			   nla_put_u32(skb, BUDDY_MON_RA_ORDER, s.order) ||
			   bm_put_u64(skb, BUDDY_MON_RA_TARGET, s.target, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_FREE, s.free, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_ROUNDS, s.c.rounds, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_BLOCKS, s.c.blocks, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_PAGES_MOVED, s.c.pages_moved, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_ATTEMPTS, s.c.attempts, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_FAILURES, s.c.failures, pad) ||
			   bm_put_u64(skb, BUDDY_MON_RA_CPU_NS, s.c.time_ns, pad) ||
			   bm_put_u64_array(skb, BUDDY_MON_RA_PAUSED, s.c.paused,
					    BUDDY_RESERVE_NR_PAUSES));
}

static int bm_nl_get_tuner_stats(struct sk_buff *skb_in, struct genl_info *info)
{
	struct nlattr *orders;
	struct bm_totals *t;
	struct sk_buff *skb;
	unsigned int o;
	void *hdr;
	int err = -EMSGSIZE;

	t = bm_totals_alloc();
	if (!t)
		return -ENOMEM;
	bm_stats_read(t);
	skb = bm_reply_new(info, 8192, BUDDY_MON_CMD_GET_TUNER_STATS, &hdr);
	if (!skb) {
		bm_totals_free(t);
		return -ENOMEM;
	}
	orders = nla_nest_start(skb, BUDDY_MON_A_ORDERS);
	if (!orders)
		goto out;
	for (o = 0; o < BM_ORDERS; o++)
		if (bm_put_tuner_order(skb, t, o))
			goto out;
	nla_nest_end(skb, orders);
	if (bm_put_background(skb) || bm_put_evacuator(skb) ||
	    bm_put_reserve(skb))
		goto out;
	err = 0;
out:
	bm_totals_free(t);
	return bm_reply_send(skb, hdr, info, err);
}

/* ---- fragmentation ---------------------------------------------------------- */

/*
 * One zone message. free_blocks: 11 nests of 6 u64; the rest is two dozen
 * scalars and three 11-entry arrays: about 1.6 KB, so a page holds it.
 */
#define BM_ZONE_MSG_SIZE	NLMSG_GOODSIZE

static int bm_put_zone(struct sk_buff *skb, const struct bm_zone_frag *f,
		       u64 age_ns)
{
	const int pad = BUDDY_MON_ZA_PAD;
	struct nlattr *nest;
	unsigned int o;

	if (nla_put_u32(skb, BUDDY_MON_ZA_NODE, f->node) ||
	    nla_put_u32(skb, BUDDY_MON_ZA_ZONE_IDX, f->zone_idx) ||
	    nla_put_string(skb, BUDDY_MON_ZA_ZONE_NAME, f->name) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_MANAGED_PAGES, f->managed_pages, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_PRESENT_PAGES, f->present_pages, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_FREE_PAGES, f->free_pages, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_START_PFN, f->start_pfn, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_SPANNED_PAGES, f->spanned_pages, pad))
		return -EMSGSIZE;

	nest = nla_nest_start(skb, BUDDY_MON_ZA_FREE_BLOCKS);
	if (!nest)
		return -EMSGSIZE;
	for (o = 0; o < BM_ORDERS; o++)
		if (bm_put_u64_array(skb, o + 1, f->free_blocks[o], BM_MTS))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);

	if (bm_put_u64_array(skb, BUDDY_MON_ZA_NR_FREE, f->nr_free, BM_ORDERS) ||
	    bm_put_s32_array_as_u64(skb, BUDDY_MON_ZA_UNUSABLE_INDEX,
				    f->unusable_index, BM_ORDERS) ||
	    bm_put_s32_array_as_u64(skb, BUDDY_MON_ZA_EXTFRAG_INDEX,
				    f->extfrag_index, BM_ORDERS) ||
	    nla_put_u32(skb, BUDDY_MON_ZA_PROACTIVE_SCORE, f->proactive_score) ||
	    nla_put_u32(skb, BUDDY_MON_ZA_NODE_PROACTIVE_SCORE,
			f->node_proactive_score) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_BLOCKS_TOTAL, f->blocks_total, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_BLOCKS_FREE, f->blocks_free, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_BLOCKS_RECOVERABLE,
		       f->blocks_recoverable, pad) ||
	    nla_put_u32(skb, BUDDY_MON_ZA_FREE_BLOCKS_DERIVED,
			f->free_blocks_derived) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_AGE_NS, age_ns, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_LIMIT_AGE_NS, f->limit_age_ns, pad) ||
	    bm_put_u64(skb, BUDDY_MON_ZA_LIMIT_SCANNED_BLOCKS,
		       f->limit_scanned_blocks, pad))
		return -EMSGSIZE;
	return 0;
}

/*
 * Send one zone as its own message to the requester. Each message is a
 * separate skb queued on the requester's socket: nothing here outlives the
 * handler, so a reader that never reads pins neither the module nor more
 * than its own receive buffer (unicast fails with -EAGAIN when it is full).
 */
static int bm_send_zone(struct genl_info *info, const struct bm_zone_frag *f,
			u64 age_ns)
{
	struct sk_buff *skb = genlmsg_new(BM_ZONE_MSG_SIZE, GFP_KERNEL);
	void *hdr;

	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, info->snd_portid, info->snd_seq,
			  &bm_genl_family, NLM_F_MULTI,
			  BUDDY_MON_CMD_GET_FRAG);
	if (!hdr || bm_put_zone(skb, f, age_ns)) {
		nlmsg_free(skb);
		GENL_SET_ERR_MSG(info, "zone reply does not fit");
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return genlmsg_unicast(genl_info_net(info), skb, info->snd_portid);
}

/*
 * The populated zone after @zone (the first one for NULL), or NULL. Walks
 * NODE_DATA() (node_data[] is exported); for_each_populated_zone() is not.
 */
static struct zone *bm_next_zone(struct zone *zone)
{
	int nid = zone ? zone_to_nid(zone) : first_online_node;
	int zid = zone ? zone_idx(zone) + 1 : 0;
	struct zone *z;

	for (; nid < MAX_NUMNODES; nid = next_online_node(nid), zid = 0) {
		for (; zid < MAX_NR_ZONES; zid++) {
			z = &NODE_DATA(nid)->node_zones[zid];
			if (populated_zone(z))
				return z;
		}
	}
	return NULL;
}

/* Computed for the caller, zone by zone. */
static int bm_frag_fresh(struct genl_info *info, bool full_limit)
{
	struct bm_zone_frag *f = kmalloc(sizeof(*f), GFP_KERNEL);
	struct zone *zone;
	int err = 0;

	if (!f)
		return -ENOMEM;
	for (zone = bm_next_zone(NULL); zone; zone = bm_next_zone(zone)) {
		bm_frag_zone(zone, full_limit, f);
		err = bm_send_zone(info, f, 0);
		if (err)
			break;
	}
	kfree(f);
	return err;
}

/* The shared snapshot unprivileged readers get. */
static DEFINE_MUTEX(bm_snap_lock);
static struct bm_zone_frag *bm_snap;	/* kvmalloc'ed, bm_snap_n entries */
static unsigned int bm_snap_n;
static u64 bm_snap_time_ns;		/* ktime_get_ns() when computed */

static int bm_snap_refresh(void)
{
	unsigned int n = 0, i = 0;
	struct bm_zone_frag *z;
	struct zone *zone;

	for (zone = bm_next_zone(NULL); zone; zone = bm_next_zone(zone))
		n++;
	z = kvcalloc(n, sizeof(*z), GFP_KERNEL);
	if (!z)
		return -ENOMEM;
	for (zone = bm_next_zone(NULL); zone; zone = bm_next_zone(zone)) {
		/* Zones only come with memory hotplug; take what we counted. */
		if (i == n)
			break;
		bm_frag_zone(zone, false, &z[i++]);
	}
	kvfree(bm_snap);
	bm_snap = z;
	bm_snap_n = i;
	bm_snap_time_ns = ktime_get_ns();
	return 0;
}

static int bm_frag_shared(struct genl_info *info)
{
	unsigned int i;
	u64 now;
	int err;

	/*
	 * Killable, not interruptible: netlink sends no ACK for -EINTR, which
	 * only a dying reader can afford not to wait for.
	 */
	if (mutex_lock_killable(&bm_snap_lock))
		return -EINTR;
	now = ktime_get_ns();
	err = 0;
	if (!bm_snap ||
	    now - bm_snap_time_ns >= BUDDY_FRAG_SNAPSHOT_MS * NSEC_PER_MSEC) {
		err = bm_snap_refresh();
		now = ktime_get_ns();
	}
	for (i = 0; !err && i < bm_snap_n; i++)
		err = bm_send_zone(info, &bm_snap[i], now - bm_snap_time_ns);
	mutex_unlock(&bm_snap_lock);
	return err;
}

static int bm_nl_get_frag(struct sk_buff *skb_in, struct genl_info *info)
{
	bool full = nla_get_flag(info->attrs[BUDDY_MON_A_FULL_SCAN]);

	if (netlink_capable(skb_in, CAP_SYS_ADMIN) ||
	    netlink_capable(skb_in, CAP_PERFMON))
		return bm_frag_fresh(info, full);
	if (full) {
		GENL_SET_ERR_MSG(info, "a full scan needs CAP_SYS_ADMIN or CAP_PERFMON");
		return -EPERM;
	}
	return bm_frag_shared(info);
}

/* ---- family ---------------------------------------------------------------- */

static const struct genl_ops bm_genl_ops[] = {
	{
		.cmd = BUDDY_MON_CMD_GET_INFO,
		.doit = bm_nl_get_info,
	},
	{
		.cmd = BUDDY_MON_CMD_GET_STATS,
		.doit = bm_nl_get_stats,
		.policy = bm_order_req_policy,
		.maxattr = BUDDY_MON_A_MAX,
	},
	{
		.cmd = BUDDY_MON_CMD_GET_LATENCY,
		.doit = bm_nl_get_latency,
		.policy = bm_order_req_policy,
		.maxattr = BUDDY_MON_A_MAX,
	},
	{
		.cmd = BUDDY_MON_CMD_GET_FRAG,
		.doit = bm_nl_get_frag,
		.policy = bm_frag_req_policy,
		.maxattr = BUDDY_MON_A_MAX,
	},
	{
		.cmd = BUDDY_MON_CMD_RESET,
		.doit = bm_nl_reset,
	},
	{
		.cmd = BUDDY_MON_CMD_GET_CONFIG,
		.doit = bm_nl_get_config,
	},
	{
		.cmd = BUDDY_MON_CMD_SET_CONFIG,
		.doit = bm_nl_set_config,
		.policy = bm_config_req_policy,
		.maxattr = BUDDY_MON_A_MAX,
	},
	{
		.cmd = BUDDY_MON_CMD_GET_TUNER_STATS,
		.doit = bm_nl_get_tuner_stats,
	},
};

/*
 * Events carry the pid, comm and GFP flags of allocating tasks: joining
 * needs CAP_SYS_ADMIN. Kernels before the multicast group flags (6.7, and
 * the stable releases they were backported to) cannot check it: there the
 * group stays open, as it was.
 */
#ifdef GENL_MCAST_CAP_SYS_ADMIN
static const struct genl_multicast_group bm_genl_mcgrps[] = {
	{ .name = BUDDY_MON_MCGRP_EVENTS, .flags = GENL_MCAST_CAP_SYS_ADMIN },
};
#else
static const struct genl_multicast_group bm_genl_mcgrps[] = {
	{ .name = BUDDY_MON_MCGRP_EVENTS },
};
#endif

static struct genl_family bm_genl_family __ro_after_init = {
	.name = BUDDY_MON_GENL_NAME,
	.version = BUDDY_MON_GENL_VERSION,
	.maxattr = BUDDY_MON_A_MAX,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = bm_genl_ops,
	.n_ops = ARRAY_SIZE(bm_genl_ops),
	.mcgrps = bm_genl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(bm_genl_mcgrps),
};

/* ---- events ---------------------------------------------------------------- */

static bool bm_genl_has_listeners(void)
{
	return READ_ONCE(bm_genl_registered) &&
	       genl_has_listeners(&bm_genl_family, &init_net, 0);
}

static int bm_genl_send_event(const struct bm_event *ev, u64 dropped)
{
	const int pad = BUDDY_MON_EV_A_PAD;
	struct sk_buff *skb;
	void *hdr;

	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return -ENOMEM;
	hdr = genlmsg_put(skb, 0, 0, &bm_genl_family, 0, BUDDY_MON_CMD_EVENT);
	if (!hdr)
		goto nospace;
	if (nla_put_u32(skb, BUDDY_MON_EV_A_TYPE, ev->type) ||
	    bm_put_u64(skb, BUDDY_MON_EV_A_TIME_NS, ev->time_ns, pad) ||
	    nla_put_u32(skb, BUDDY_MON_EV_A_CPU, ev->cpu) ||
	    bm_put_u64(skb, BUDDY_MON_EV_A_DROPPED, dropped, pad))
		goto nospace;
	if ((ev->fields & BM_EVF_ORDER) &&
	    nla_put_u32(skb, BUDDY_MON_EV_A_ORDER, ev->order))
		goto nospace;
	if ((ev->fields & BM_EVF_GFP) &&
	    nla_put_u32(skb, BUDDY_MON_EV_A_GFP, ev->gfp))
		goto nospace;
	if ((ev->fields & BM_EVF_MT) && ev->mt < BM_MTS &&
	    nla_put_u32(skb, BUDDY_MON_EV_A_MIGRATETYPE, ev->mt))
		goto nospace;
	if ((ev->fields & BM_EVF_PRIO) &&
	    (nla_put_u32(skb, BUDDY_MON_EV_A_PRIO, ev->prio) ||
	     nla_put_u32(skb, BUDDY_MON_EV_A_ORIG_PRIO, ev->orig_prio)))
		goto nospace;
	if ((ev->fields & BM_EVF_RESULT) && ev->result < BM_RESULTS &&
	    nla_put_u32(skb, BUDDY_MON_EV_A_RESULT, ev->result))
		goto nospace;
	if ((ev->fields & BM_EVF_FRAG) &&
	    nla_put_u32(skb, BUDDY_MON_EV_A_UNUSABLE_PCT, ev->unusable_pct))
		goto nospace;
	if ((ev->fields & BM_EVF_TASK) &&
	    (nla_put_u32(skb, BUDDY_MON_EV_A_PID, ev->pid) ||
	     nla_put_string(skb, BUDDY_MON_EV_A_COMM, ev->comm)))
		goto nospace;
	genlmsg_end(skb, hdr);
	return genlmsg_multicast(&bm_genl_family, skb, 0, 0, GFP_KERNEL);
nospace:
	nlmsg_free(skb);
	return -EMSGSIZE;
}

static const struct bm_event_sink bm_genl_event_sink = {
	.has_listeners = bm_genl_has_listeners,
	.send = bm_genl_send_event,
};

int bm_genl_init(void)
{
	int ret = genl_register_family(&bm_genl_family);

	if (ret) {
		pr_err("cannot register generic netlink family %s: error %d\n",
		       BUDDY_MON_GENL_NAME, ret);
		return ret;
	}
	WRITE_ONCE(bm_genl_registered, true);
	bm_events_set_sink(&bm_genl_event_sink);
	return 0;
}

void bm_genl_exit(void)
{
	/* Nothing sends to the family once this returns. */
	bm_events_set_sink(NULL);
	WRITE_ONCE(bm_genl_registered, false);
	genl_unregister_family(&bm_genl_family);
	/* No handler runs after unregistering: the snapshot is ours. */
	kvfree(bm_snap);
	bm_snap = NULL;
}

MODULE_ALIAS_GENL_FAMILY(BUDDY_MON_GENL_NAME);
