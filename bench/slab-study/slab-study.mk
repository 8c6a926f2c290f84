# SPDX-License-Identifier: GPL-2.0
# The slab study: SLAB vs SLUB vs SLOB on Debian's 6.1 source.
# Included from the top-level Makefile (BUILD, KERNEL, KDIR come from it).
#
#   make slab-kernels         build the three guest kernels (cached; only a
#                             changed config rebuilds one): bench/slab-study/kernels/
#   make slab-study           kernels + slab_bench.ko per kernel + static
#                             workloads, then SLAB_STUDY_REPS interleaved
#                             guest runs per allocator, then the report:
#                             $(BUILD)/slab-study/{results.json,report.md}
#   make slab-study-quick     the same, 2 repetitions of smaller workloads
#   make slab-study-report    rewrite the report from the runs already there
#   make slab-bench-stock     slab_bench.ko for the stock kernel (the smoke
#                             test, tests/integration/slab_bench_smoke.sh)
#
# Knobs: SLAB_STUDY_REPS (default 5), SLAB_STUDY_QUICK=1,
# SLAB_ALLOCS (default "slab slub slob"), SLAB_JOBS (make -j of a kernel
# build, default 2).

BUILD ?= build
SLAB_ALLOCS ?= slab slub slob
SLAB_STUDY_REPS ?= 5
SLAB_STUDY_QUICK ?=
SLAB_STUDY_DIR := $(BUILD)/slab-study
SLAB_STUDY_BIN := $(SLAB_STUDY_DIR)/bin
SLAB_WORKLOADS := fork_churn file_churn tcp_loop
SLAB_WORKLOAD_BINS := $(addprefix $(SLAB_STUDY_BIN)/,$(SLAB_WORKLOADS))

.PHONY: slab-kernels slab-study slab-study-quick slab-study-report \
	slab-bench-modules slab-bench-stock slab-workloads

# build.sh decides per kernel whether anything changed (config hash stamp).
slab-kernels:
	SLAB_JOBS=$(or $(SLAB_JOBS),2) bench/slab-study/kernels/build.sh $(SLAB_ALLOCS)

# build-module.sh rebuilds only when the sources or the kernel changed.
slab-bench-modules: slab-kernels
	@for a in $(SLAB_ALLOCS); do \
		bench/slab-study/build-module.sh slab-$$a $(BUILD)/slab/$$a >/dev/null || exit 1; \
	done

slab-bench-stock: kernel
	bench/slab-study/build-module.sh $(KERNEL) $(KDIR) >/dev/null

# The integration smoke test needs the stock kernel's slab_bench.ko.
check: slab-bench-stock

# Static, so they run the same in every guest whatever the host root holds.
$(SLAB_STUDY_BIN)/%: bench/slab-study/%.c
	@mkdir -p $(dir $@)
	$(CC) -O2 -Wall -Wextra -static -o $@ $<

slab-workloads: $(SLAB_WORKLOAD_BINS)

slab-study: slab-bench-modules slab-workloads
	SLAB_STUDY_REPS=$(SLAB_STUDY_REPS) SLAB_STUDY_QUICK=$(SLAB_STUDY_QUICK) \
	SLAB_ALLOCS="$(SLAB_ALLOCS)" bench/slab-study/run-study.sh

slab-study-quick:
	$(MAKE) slab-study SLAB_STUDY_QUICK=1 SLAB_STUDY_REPS=$(if $(filter command line,$(origin SLAB_STUDY_REPS)),$(SLAB_STUDY_REPS),2)

slab-study-report:
	python3 bench/slab-study/report.py $(SLAB_STUDY_DIR)
