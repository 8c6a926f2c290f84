/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The adaptive compaction tuner: decides the priority of each direct
 * compaction (see tuner.c for the rule).
 */
#ifndef _BM_TUNER_H
#define _BM_TUNER_H

#include <linux/gfp.h>
#include <linux/types.h>

/*
 * The tuner's configuration, packed in one word so that a decision reads
 * it with one READ_ONCE() and never sees a mix of old and new fields.
 */
struct bm_tuner_cfg {
	u8 policy;	/* enum buddy_tuner_policy */
	u8 threshold;	/* 0..100 */
	u8 min_order;	/* 0..BUDDY_NR_ORDERS-1 */
};

void bm_tuner_set(struct bm_tuner_cfg cfg);
struct bm_tuner_cfg bm_tuner_get(void);

/* What the tuner decided for one direct compaction. */
struct bm_tuner_decision {
	bool decided;		/* eligible and policy != off */
	bool raise;		/* the policy's answer: run at SYNC_FULL */
	bool rewrite;		/* actually change the priority argument */
	bool evacuate;		/* start the evacuate worker (evacuate.c) */
	u16 unusable_permille;	/* measured fragmentation, or 0 if not measured */
};

/*
 * Decide for a direct compaction of @order with the kernel's priority
 * @prio. Probe context: no locks, no allocation.
 */
void bm_tuner_decide(gfp_t gfp, unsigned int order, int prio,
		     struct bm_tuner_decision *dec);

/* Account a decision when it is taken (entry) and its outcome (return). */
void bm_tuner_account_decision(unsigned int order,
			       const struct bm_tuner_decision *dec);
void bm_tuner_account_outcome(unsigned int order, bool raised,
			      unsigned int uapi_result, bool got_page);

/* raise iff threshold == 0 || unusable_permille > threshold * 10 */
static inline bool bm_tuner_over(unsigned int unusable_permille,
				 unsigned int threshold)
{
	return threshold == 0 || unusable_permille > threshold * 10;
}

#endif /* _BM_TUNER_H */
