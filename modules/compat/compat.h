/* SPDX-License-Identifier: GPL-2.0 */
/*
 * buddyctl compat layer: the one place where kernel version differences
 * live. Kbuild force-includes this file into every object of every module
 * (-include compat/compat.h), so it must stay cheap: it only pulls
 * <linux/version.h> and <linux/kconfig.h> and defines names. The pieces
 * that need real kernel headers are in compat/<topic>.h, included by the
 * files that need them:
 *
 *   compat/symbols.h      names of the kernel functions the monitor hooks
 *   compat/kprobes.h      symbol lookup, kretprobe internals (rethook)
 *   compat/tracepoints.h  finding core-kernel tracepoints by name (LTTng)
 *   compat/mm.h           allocator internals: enum maps, buddy order,
 *                         zonelist walking without unexported helpers
 *
 * Feature tests (a macro or a Kconfig symbol that exists exactly when the
 * feature does) are used, not version numbers.
 */
#ifndef _BUDDYCTL_COMPAT_H
#define _BUDDYCTL_COMPAT_H

#include <linux/kconfig.h>

#endif /* _BUDDYCTL_COMPAT_H */
