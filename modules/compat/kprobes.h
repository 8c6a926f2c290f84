/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat/kprobes.h: kprobe and kretprobe details that differ between
 * kernels or that reach into kprobes internals.
 */
#ifndef _BUDDYCTL_COMPAT_KPROBES_H
#define _BUDDYCTL_COMPAT_KPROBES_H

#include <linux/kallsyms.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/llist.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#ifdef CONFIG_KRETPROBE_ON_RETHOOK
#include <linux/rethook.h>
#endif

#ifndef CONFIG_X86_64
#error "buddy_monitor reads and rewrites x86-64 argument registers; port compat/kprobes.h first"
#endif

/*
 * Function arguments at a function-entry probe (the return address is on
 * top of the stack): the x86-64 SysV order rdi, rsi, rdx, rcx, r8, r9.
 */
static inline unsigned long bm_regs_arg(struct pt_regs *regs, unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

/*
 * Rewrite the fifth argument (r8). Valid only in a handler whose pt_regs
 * are written back before the probed function body runs: an ftrace-based
 * kprobe (FTRACE_OPS_FL_SAVE_REGS: ftrace_regs_caller restores r8 from
 * pt_regs) or an int3 kprobe (the exception return restores it).
 */
static inline void bm_regs_set_arg4(struct pt_regs *regs, unsigned long val)
{
	regs->r8 = val;
}

/* True when the kprobe sits on an ftrace site (coexists with other users). */
static inline bool bm_kprobe_on_ftrace(struct kprobe *kp)
{
#ifdef CONFIG_KPROBES_ON_FTRACE
	return kprobe_ftrace(kp);
#else
	return false;
#endif
}

/* Everything a kretprobe failed to catch: no free instance, or recursion. */
static inline u64 bm_kretprobe_missed(struct kretprobe *rp)
{
	return (u64)READ_ONCE(rp->nmissed) + READ_ONCE(rp->kp.nmissed);
}

/*
 * The innermost in-flight instance of @rp on the current task: its return
 * hook is the most recent one of @rp on the task's shadow stack of return
 * hooks. Only the task itself (and interrupts on its CPU, which push and
 * pop in LIFO order before returning) changes that list, so walking it
 * from the task's own context is safe. The instance memory stays valid
 * while it is on the list, even while @rp is being unregistered.
 *
 * 5.19+ with CONFIG_KRETPROBE_ON_RETHOOK: struct kretprobe_instance embeds
 * a struct rethook_node linked on task->rethooks. Older kernels link the
 * instances themselves on task->kretprobe_instances.
 */
#define BM_RETHOOK_WALK_MAX 64

static inline struct kretprobe_instance *
bm_kretprobe_innermost(struct kretprobe *rp)
{
	struct llist_node *n;
	int depth = 0;
#ifdef CONFIG_KRETPROBE_ON_RETHOOK
	struct rethook *rh = READ_ONCE(rp->rh);

	if (!rh)
		return NULL;
	for (n = current->rethooks.first; n && depth < BM_RETHOOK_WALK_MAX;
	     n = n->next, depth++) {
		struct rethook_node *rhn = container_of(n, struct rethook_node, llist);

		if (READ_ONCE(rhn->rethook) == rh)
			return container_of(rhn, struct kretprobe_instance, node);
	}
#else
	for (n = current->kretprobe_instances.first;
	     n && depth < BM_RETHOOK_WALK_MAX; n = n->next, depth++) {
		struct kretprobe_instance *ri;

		ri = container_of(n, struct kretprobe_instance, llist);
		if (get_kretprobe(ri) == rp)
			return ri;
	}
#endif
	return NULL;
}

/*
 * Where the kernel function @name starts, exported or not, found without
 * calling anything through a pointer: register_kprobe() resolves the
 * name with the kernel's own kallsyms and the probe is removed at once.
 * kprobes may place the probe past the function's first instruction (an
 * ENDBR on IBT kernels, sealed or not), so the offset the kernel's symbol
 * printer reports for the probe address is subtracted.
 */
static inline int bm_lookup_function(const char *name, unsigned long *addr)
{
	struct kprobe kp = { .symbol_name = name };
	unsigned long probe, off = 0;
	char sym[KSYM_SYMBOL_LEN];
	const char *plus;
	int ret;

	ret = register_kprobe(&kp);
	if (ret)
		return ret;
	probe = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	if (WARN_ON_ONCE(!probe))
		return -ENOENT;
	snprintf(sym, sizeof(sym), "%pS", (void *)probe);
	plus = strchr(sym, '+');
	if (!plus || sscanf(plus, "+%lx/", &off) != 1 || off > probe)
		return -ENOENT;
	*addr = probe - off;
	return 0;
}

/*
 * May the function at @addr be called through a pointer? With indirect
 * branch tracking (CONFIG_X86_KERNEL_IBT) an indirect call must land on an
 * ENDBR64 instruction, and at boot the kernel overwrites (seals) the ENDBR
 * of every function whose address it never takes, so an indirect call to
 * such a function raises #CP. Read the first instruction and require the
 * real ENDBR64; the kernel's is_endbr() also accepts the sealed form,
 * which is why it is not used here. Without IBT every function may be.
 */
#ifdef CONFIG_X86_KERNEL_IBT
#include <asm/ibt.h>
#include <linux/uaccess.h>

static inline bool bm_indirect_callable(unsigned long addr)
{
	u32 insn;

	if (copy_from_kernel_nofault(&insn, (void *)addr, sizeof(insn)))
		return false;
	return insn == gen_endbr();
}
#else
static inline bool bm_indirect_callable(unsigned long addr)
{
	return true;
}
#endif

#endif /* _BUDDYCTL_COMPAT_KPROBES_H */
