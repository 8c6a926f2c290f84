// SPDX-License-Identifier: GPL-2.0
/*
 * high_order_test.ko: high-order allocation runs ("buddy_hot", this
 * folder) and the fragmenter ("buddy_frag", modules/fragmenter/), both
 * driven over generic netlink. They share one module because every
 * experiment loads both: the fragmenter prepares the heap, the runs
 * measure what can still be allocated from it.
 *
 * The module parameters make it usable without any userspace tool:
 *
 *   insmod high_order_test.ko autorun=1 order=10 count=16 gfp=retry
 *
 * starts one run at load time with those settings and logs a one-line
 * summary when it ends; the blocks are held until BUDDY_HOT_CMD_RELEASE or
 * rmmod. Without autorun the parameters do nothing; netlink requests carry
 * their own settings. Unloading frees every held block and pinned page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netlink.h>
#include <linux/stringify.h>

#include "fragmenter/fragmenter.h"
#include "fragmenter/fragmenter_netlink.h"
#include "high_order_test/netlink.h"
#include "high_order_test/run.h"
#include "uapi/buddyctl.h"

static bool autorun;
module_param(autorun, bool, 0444);
MODULE_PARM_DESC(autorun, "Start one run at load time with the parameters below");

static uint order = BUDDY_HOT_DEFAULT_ORDER;
module_param(order, uint, 0444);
MODULE_PARM_DESC(order, "autorun: block order, 0.." __stringify(BUDDY_ORDER_MAX)
		 " (default " __stringify(BUDDY_HOT_DEFAULT_ORDER) ")");

static uint count = BUDDY_HOT_DEFAULT_COUNT;
module_param(count, uint, 0444);
MODULE_PARM_DESC(count, "autorun: attempts, 1.." __stringify(BUDDY_HOT_MAX_COUNT)
		 " (default " __stringify(BUDDY_HOT_DEFAULT_COUNT) ")");

static char *gfp = "kernel";
module_param(gfp, charp, 0444);
MODULE_PARM_DESC(gfp, "autorun: GFP mode: kernel, retry (hugetlb-like) or light (THP-like)");

static bool hold_until_fail;
module_param(hold_until_fail, bool, 0444);
MODULE_PARM_DESC(hold_until_fail, "autorun: stop at the first failed attempt");

static uint pause_us;
module_param(pause_us, uint, 0444);
MODULE_PARM_DESC(pause_us, "autorun: pause between attempts in microseconds, 0.."
		 __stringify(BUDDY_HOT_MAX_PAUSE_US));

static int __init hot_autorun(void)
{
	struct netlink_ext_ack extack = {};
	int ret;
	struct hot_params p = {
		.order = order,
		.count = count,
		.hold_until_fail = hold_until_fail,
		.pause_us = pause_us,
	};

	if (hot_gfp_mode_parse(gfp, &p.gfp_mode)) {
		pr_err("unknown gfp mode '%s' (kernel, retry, light)\n", gfp);
		return -EINVAL;
	}
	ret = hot_run_start(&p, &extack);
	if (ret)
		pr_err("autorun refused: %s\n", extack._msg ?: "error");
	return ret;
}

static int __init hot_mod_init(void)
{
	int ret;

	ret = hot_genl_init();
	if (ret)
		return ret;
	ret = frag_genl_init();
	if (ret)
		goto err_frag;
	if (autorun) {
		ret = hot_autorun();
		if (ret)
			goto err_autorun;
	}
	return 0;

err_autorun:
	hot_run_exit();
	frag_genl_exit();
err_frag:
	hot_genl_exit();
	return ret;
}

static void __exit hot_mod_exit(void)
{
	/* No request can arrive once the families are gone. */
	frag_genl_exit();
	hot_genl_exit();
	hot_run_exit();
	frag_exit();
}

module_init(hot_mod_init);
module_exit(hot_mod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("buddyctl: high-order allocation runs and the fragmenter");
MODULE_AUTHOR("buddyctl");
