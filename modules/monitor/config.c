// SPDX-License-Identifier: GPL-2.0
/*
 * Runtime configuration: one mutex serializes changes; each subsystem gets
 * its part in a form its hot path can read atomically (the tuner a packed
 * word, events a rate, latency, background and the reserve their own
 * switch).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/printk.h>
#include <linux/stringify.h>

#include "monitor/background.h"
#include "monitor/config.h"
#include "monitor/evacuate.h"
#include "monitor/events.h"
#include "monitor/latency.h"
#include "monitor/reserve.h"
#include "monitor/stats.h"
#include "monitor/tuner.h"

static DEFINE_MUTEX(bm_config_mutex);
static struct bm_config bm_cfg;

int bm_config_validate(const struct bm_config *cfg, const char **why)
{
	if (cfg->events_per_sec < BUDDY_EVENTS_PER_SEC_MIN ||
	    cfg->events_per_sec > BUDDY_EVENTS_PER_SEC_MAX)
		*why = "events_per_sec must be " __stringify(BUDDY_EVENTS_PER_SEC_MIN)
		       ".." __stringify(BUDDY_EVENTS_PER_SEC_MAX);
	else if (cfg->policy >= BUDDY_NR_POLICIES)
		*why = "unknown policy";
	else if (cfg->threshold > BUDDY_THRESHOLD_MAX)
		*why = "threshold must be 0.." __stringify(BUDDY_THRESHOLD_MAX);
	else if (cfg->min_order >= BUDDY_NR_ORDERS)
		*why = "min_order must be 0.." __stringify(BUDDY_ORDER_MAX);
	else if (cfg->bg_order >= BUDDY_NR_ORDERS)
		*why = "bg_order must be 0.." __stringify(BUDDY_ORDER_MAX);
	else if (cfg->bg_interval_ms < BUDDY_BG_INTERVAL_MIN_MS ||
		 cfg->bg_interval_ms > BUDDY_BG_INTERVAL_MAX_MS)
		*why = "bg_interval_ms must be " __stringify(BUDDY_BG_INTERVAL_MIN_MS)
		       ".." __stringify(BUDDY_BG_INTERVAL_MAX_MS);
	else if (cfg->reserve_order >= BUDDY_NR_ORDERS)
		*why = "reserve order must be 0.." __stringify(BUDDY_ORDER_MAX);
	else if (cfg->reserve_blocks > BUDDY_RESERVE_BLOCKS_MAX)
		*why = "reserve blocks must be 0.." __stringify(BUDDY_RESERVE_BLOCKS_MAX);
	else if (cfg->reserve_budget_ms < BUDDY_RESERVE_BUDGET_MIN_MS ||
		 cfg->reserve_budget_ms > BUDDY_RESERVE_BUDGET_MAX_MS)
		*why = "reserve budget must be " __stringify(BUDDY_RESERVE_BUDGET_MIN_MS)
		       ".." __stringify(BUDDY_RESERVE_BUDGET_MAX_MS) " ms";
	else if (cfg->latency_duty < BUDDY_LAT_DUTY_MIN_PCT ||
		 cfg->latency_duty > BUDDY_LAT_DUTY_MAX_PCT)
		*why = "latency_duty must be " __stringify(BUDDY_LAT_DUTY_MIN_PCT)
		       ".." __stringify(BUDDY_LAT_DUTY_MAX_PCT);
	else
		return 0;
	return -EINVAL;
}

void bm_config_lock(void)
{
	mutex_lock(&bm_config_mutex);
}

void bm_config_unlock(void)
{
	mutex_unlock(&bm_config_mutex);
}

static int __bm_config_set(const struct bm_config *cfg, const char **why)
{
	struct bm_tuner_cfg t = {
		.policy = cfg->policy,
		.threshold = cfg->threshold,
		.min_order = cfg->min_order,
	};
	int ret;

	lockdep_assert_held(&bm_config_mutex);
	/*
	 * A reserve is checked against free memory when it is asked for, not
	 * again when another field changes: by then its own blocks are part
	 * of what is free, and the answer would only change with the load.
	 */
	if (cfg->reserve_blocks) {
		ret = bm_res_available(why);
		if (ret)
			return ret;
		if (cfg->reserve_blocks != bm_cfg.reserve_blocks ||
		    cfg->reserve_order != bm_cfg.reserve_order) {
			ret = bm_res_check_size(cfg->reserve_order,
						cfg->reserve_blocks, why);
			if (ret)
				return ret;
		}
	}
	/* First: the one step that can fail and that nothing else undoes. */
	if (cfg->policy == BUDDY_POLICY_EVACUATE) {
		ret = bm_evac_enable(why);
		if (ret)
			return ret;
	}
	if (cfg->bg_enabled) {
		ret = bm_bg_available(why);
		if (ret)
			return ret;
	}
	ret = bm_lat_configure(cfg->latency, cfg->latency_duty);
	if (ret) {
		*why = "cannot switch latency capture: probe registration failed";
		return ret;
	}
	bm_events_set_rate(cfg->events_per_sec);
	bm_tuner_set(t);
	bm_bg_configure(cfg->bg_enabled, cfg->bg_order, cfg->bg_interval_ms);
	bm_res_configure(cfg->reserve_order, cfg->reserve_blocks,
			 cfg->reserve_budget_ms);
	bm_cfg = *cfg;
	return 0;
}

/* Caller holds bm_config_lock(). */
int bm_config_set(const struct bm_config *cfg, const char **why)
{
	return __bm_config_set(cfg, why);
}

/* Caller holds bm_config_lock(), or is the only user (load time). */
void bm_config_get(struct bm_config *cfg)
{
	*cfg = bm_cfg;
}

int bm_config_init(const struct bm_config *cfg)
{
	const char *why = "";
	int ret;

	mutex_lock(&bm_config_mutex);
	ret = __bm_config_set(cfg, &why);
	mutex_unlock(&bm_config_mutex);
	if (ret)
		pr_err("cannot apply the module parameters: %s\n", why);
	return ret;
}
