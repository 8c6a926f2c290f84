// SPDX-License-Identifier: GPL-2.0
/*
 * buddy_monitor: makes the buddy allocator's behaviour observable (per-order
 * requests, slow paths, compactions, fallbacks, latency, fragmentation) and
 * tunes direct compaction at runtime, on a stock kernel.
 *
 * Module parameters set the defaults at insmod; everything can be changed
 * later over generic netlink (BUDDY_MON_CMD_SET_CONFIG). Load either
 * hooks everything it needs or refuses with one clear kernel-log line and
 * leaves nothing behind.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/string.h>
#include <linux/stringify.h>

#include "monitor/background.h"
#include "monitor/config.h"
#include "monitor/evacuate.h"
#include "monitor/events.h"
#include "monitor/latency.h"
#include "monitor/limit.h"
#include "monitor/netlink.h"
#include "monitor/probes.h"
#include "monitor/procfs.h"
#include "monitor/reserve.h"
#include "monitor/stats.h"

static char *policy = "off";
module_param(policy, charp, 0444);
MODULE_PARM_DESC(policy, "tuner policy at load: off, observe, adaptive, always-max, evacuate (default off)");

static uint threshold = 80;
module_param(threshold, uint, 0444);
MODULE_PARM_DESC(threshold, "fragmentation threshold in percent, 0.."
		 __stringify(BUDDY_THRESHOLD_MAX) " (default 80)");

static uint min_order = 3;
module_param(min_order, uint, 0444);
MODULE_PARM_DESC(min_order, "smallest order the tuner decides for, 0..10 (default 3)");

static bool latency;
module_param(latency, bool, 0444);
MODULE_PARM_DESC(latency, "capture allocation latency from load (default off)");

static bool background;
module_param(background, bool, 0444);
MODULE_PARM_DESC(background, "background kcompactd trigger from load (default off)");

static uint bg_order = BUDDY_NR_ORDERS - 1;
module_param(bg_order, uint, 0444);
MODULE_PARM_DESC(bg_order, "background trigger target order, 0..10 (default 10)");

static uint bg_interval_ms = 1000;
module_param(bg_interval_ms, uint, 0444);
MODULE_PARM_DESC(bg_interval_ms, "background check interval, "
		 __stringify(BUDDY_BG_INTERVAL_MIN_MS) ".." __stringify(BUDDY_BG_INTERVAL_MAX_MS)
		 " ms (default 1000)");

static uint events_per_sec = 1000;
module_param(events_per_sec, uint, 0444);
MODULE_PARM_DESC(events_per_sec, "event rate limit, "
		 __stringify(BUDDY_EVENTS_PER_SEC_MIN) ".." __stringify(BUDDY_EVENTS_PER_SEC_MAX)
		 " per second (default 1000)");

static uint latency_duty = BUDDY_LAT_DUTY_MAX_PCT;
module_param(latency_duty, uint, 0444);
MODULE_PARM_DESC(latency_duty, "percent of each " __stringify(BUDDY_LAT_DUTY_PERIOD_MS)
		 " ms the latency hook is on while capture is, "
		 __stringify(BUDDY_LAT_DUTY_MIN_PCT) ".." __stringify(BUDDY_LAT_DUTY_MAX_PCT)
		 " (default " __stringify(BUDDY_LAT_DUTY_MAX_PCT) ")");

static uint limit_slice_blocks = BUDDY_LIMIT_SLICE_BLOCKS;
module_param(limit_slice_blocks, uint, 0444);
MODULE_PARM_DESC(limit_slice_blocks, "4 MiB blocks the physical-limit scan reads per zone and read, at least 1 (default "
		 __stringify(BUDDY_LIMIT_SLICE_BLOCKS) " = 32 GiB)");

static const char * const bm_policy_names[] = BUDDY_POLICY_NAMES;
static_assert(ARRAY_SIZE(bm_policy_names) == BUDDY_NR_POLICIES);

static int bm_params_to_config(struct bm_config *cfg)
{
	const char *why = NULL;
	int p;

	p = match_string(bm_policy_names, ARRAY_SIZE(bm_policy_names), policy);
	if (p < 0) {
		pr_err("invalid module parameter policy=%s: use off, observe, adaptive, always-max or evacuate\n",
		       policy);
		return -EINVAL;
	}
	*cfg = (struct bm_config) {
		.latency = latency,
		.events_per_sec = events_per_sec,
		.policy = p,
		.threshold = threshold,
		.min_order = min_order,
		.bg_enabled = background,
		.bg_order = bg_order,
		.bg_interval_ms = bg_interval_ms,
		/* The reserve starts off; SET_CONFIG switches it on. */
		.reserve_order = BUDDY_NR_ORDERS - 1,
		.reserve_blocks = 0,
		.reserve_budget_ms = BUDDY_RESERVE_DEFAULT_BUDGET_MS,
		.latency_duty = latency_duty,
	};
	if (bm_config_validate(cfg, &why)) {
		pr_err("invalid module parameters: %s\n", why);
		return -EINVAL;
	}
	return 0;
}

static int __init bm_init(void)
{
	struct bm_config cfg;
	int ret;

	ret = bm_params_to_config(&cfg);
	if (ret)
		return ret;
	if (bm_limit_init(limit_slice_blocks)) {
		pr_err("invalid module parameter limit_slice_blocks=%u: use 1 or more\n",
		       limit_slice_blocks);
		return -EINVAL;
	}
	ret = bm_stats_init();
	if (ret)
		return ret;
	ret = bm_lat_init();
	if (ret)
		goto err_stats;
	ret = bm_events_init();
	if (ret)
		goto err_lat;
	ret = bm_bg_init();
	if (ret)
		goto err_events;
	ret = bm_probes_init();
	if (ret)
		goto err_bg;
	/* Registers the latency probe and starts the background work if asked. */
	ret = bm_config_init(&cfg);
	if (ret)
		goto err_config;
	ret = bm_procfs_init();
	if (ret)
		goto err_config;
	ret = bm_genl_init();
	if (ret)
		goto err_procfs;
	bm_events_start();
	pr_info("loaded: policy=%s threshold=%u min_order=%u latency=%d background=%d\n",
		bm_policy_names[cfg.policy], cfg.threshold, cfg.min_order,
		cfg.latency, cfg.bg_enabled);
	return 0;

err_procfs:
	bm_procfs_exit();
err_config:
	bm_res_exit();
	bm_bg_configure(false, cfg.bg_order, cfg.bg_interval_ms);
	bm_lat_set(false);
	bm_evac_exit();
	bm_probes_exit();
err_bg:
	bm_bg_exit();
err_events:
	bm_events_exit();
err_lat:
	bm_lat_exit();
err_stats:
	bm_stats_exit();
	return ret;
}

/*
 * Reverse order of use: stop talking to userspace (bm_genl_exit() takes
 * itself off the events' sink before unregistering), then stop the work that
 * produces, then remove the hooks (each unregister waits for handlers in
 * flight), then flush what late producers queued, then free.
 */
static void __exit bm_exit(void)
{
	bm_events_stop();
	bm_genl_exit();
	bm_procfs_exit();
	bm_limit_exit();
	bm_bg_exit();
	/* It empties blocks with the evacuator's code: stop it first. */
	bm_res_exit();
	bm_lat_exit();
	bm_evac_exit();
	bm_probes_exit();
	bm_events_exit();
	bm_stats_exit();
	pr_info("unloaded\n");
}

module_init(bm_init);
module_exit(bm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("buddyctl");
MODULE_DESCRIPTION("Buddy allocator monitor and adaptive compaction tuner");
MODULE_VERSION("1");
