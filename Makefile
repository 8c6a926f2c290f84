# buddyctl: the targets a newcomer uses. The real builds are CMake
# (libbuddyctl, buddyctl, tests, benches) and Kbuild (the modules).
#
#   make              build everything: userspace and the modules for KERNEL
#   make demo         run the main job in a QEMU guest and print its results
#                     (KERNEL=6.12 runs it on another kernel of the matrix)
#   make check        unit tests on the host, integration tests in the guest
#   make modules      only the modules (KERNEL=..., or KDIR=/lib/modules/$(uname -r)/build)
#   make check-kernels  the modules built and the integration suite run on
#                     every kernel of scripts/kernels (KERNELS="6.12 6.1-rt")
#   make challenge    the full challenge: 10 policies x 5 repetitions, 4 MiB and THP
#   make bench-overhead  the monitor's cost per alloc/free pair, as ratios
#   make slab-study   the SLAB/SLUB/SLOB study (builds three kernels)
#   make install      install the CLI, library, headers, man pages (PREFIX=/usr/local)
#   make deb          the Debian packages, in build/deb/ (debhelper)
#   make deps         install every Debian package any target needs (root);
#                     each target below asks only for its own group
#                     (scripts/deps: modules, userspace, test, package)
#
# KERNEL is the stock Debian kernel the modules are built for and the test
# bed boots: a name or release from scripts/kernels (default: its first
# line), resolved to the release Debian still has (scripts/fetch-kernel).

BUILD  ?= build
KERNEL ?= $(shell awk '!/^\#/ && NF { print $$2; exit }' scripts/kernels)
# Evaluated once, and only by targets that need the headers (the fetch).
KRELEASE = $(eval KRELEASE := $$(shell scripts/fetch-kernel $(KERNEL) | tail -n1))$(KRELEASE)
KDIR   ?= $(CURDIR)/$(BUILD)/kernels/$(KRELEASE)/root/usr/src/linux-headers-$(KRELEASE)
JOBS   ?= 2
# Tests run at once by make check and check-kernels: two guests side by side
# (each keeps one host core busy), a test marked to run alone by itself.
CHECK_JOBS ?= 2
CMAKE_BUILD_TYPE ?= RelWithDebInfo

PREFIX ?= /usr/local
VERSION := $(shell cat VERSION)

.PHONY: all deps userspace modules modules-clean kernel check check-kernels unit-check demo challenge \
	bench-overhead clean help install deb test-config

all: userspace modules

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# Install what is missing when we may, otherwise say exactly what to install.
# deps-GROUP: only that group (scripts/deps).
deps: deps-all
deps-%:
	@if [ "$$(id -u)" = 0 ]; then scripts/deps install $*; else scripts/deps check $*; fi

CMAKE_CONFIGURE = cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE)
$(BUILD)/CMakeCache.txt: | deps-userspace
	$(CMAKE_CONFIGURE)

userspace: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The stock kernel's headers are fetched by package name into the build
# tree when KRELEASE is computed above (not when KDIR points elsewhere,
# e.g. /lib/modules/$(uname -r)/build). M= is modules/, never the
# repository root: Kbuild's clean deletes every object below M=, and the
# kernel cache and CMake's objects live in build/.
kernel: | deps-modules
	@test -f $(KDIR)/Makefile || { echo "no kernel build tree at $(KDIR): install the headers (apt-get install linux-headers-$$(uname -r))" >&2; exit 1; }
	@if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' $(KDIR)/.config 2>/dev/null && ! command -v pahole >/dev/null; then \
		echo "pahole is needed to build modules for this kernel (BTF): apt-get install dwarves" >&2; exit 1; fi

modules: kernel
	$(MAKE) -C $(KDIR) M=$(CURDIR)/modules modules

modules-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/modules clean

# The tests are built when GoogleTest is installed; after installing the test
# group, configure again with them on.
test-config: deps-test $(BUILD)/CMakeCache.txt
	$(CMAKE_CONFIGURE) -DBUDDYCTL_BUILD_TESTS=ON >/dev/null

unit-check: test-config
	$(MAKE) userspace
	ctest --test-dir $(BUILD) --output-on-failure -LE integration

check: test-config
	$(MAKE) all
	BUDDYCTL_KERNEL=$(KERNEL) ctest --test-dir $(BUILD) --output-on-failure -j$(CHECK_JOBS)

KERNELS ?=
check-kernels: test-config
	$(MAKE) userspace
	CHECK_JOBS=$(CHECK_JOBS) scripts/check-kernels $(KERNELS)

demo: deps-test all
	BUDDYCTL_KERNEL=$(KERNEL) scripts/demo

challenge: deps-test all
	BUDDYCTL_KERNEL=$(KERNEL) bench/challenge/run

bench-overhead: deps-test all
	BUDDYCTL_KERNEL=$(KERNEL) bench/overhead/run

# cmake --install into PREFIX (DESTDIR honoured). Permission is checked
# before anything is built, and $(error) makes the refusal one line (a
# failing recipe would add make's own "Error 1" line).
install_unwritable = $(shell d="$(DESTDIR)$(PREFIX)"; while [ ! -e "$$d" ]; do d=$$(dirname "$$d"); done; \
	[ -w "$$d" ] || echo "$$d")
install:
	$(if $(install_unwritable),$(error make install: no permission to write to $(install_unwritable) \
		(PREFIX=$(PREFIX)); run it as root, or choose a PREFIX of your own such as $$HOME/.local))
	$(MAKE) deps-userspace
	$(CMAKE_CONFIGURE) -DCMAKE_INSTALL_PREFIX="$(PREFIX)" >/dev/null
	$(MAKE) userspace
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) --prefix "$(PREFIX)"

# The Debian packages, built out of tree into $(BUILD)/deb (scripts/build-deb).
deb: deps-package userspace
	JOBS=$(JOBS) BUDDYCTL_BUILD=$(CURDIR)/$(BUILD) scripts/build-deb

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/modules clean 2>/dev/null
	rm -rf $(BUILD)/CMakeFiles $(BUILD)/CMakeCache.txt $(BUILD)/cli $(BUILD)/libbuddyctl $(BUILD)/tests $(BUILD)/bench

# The slab study keeps its make rules with the rest of it.
include bench/slab-study/slab-study.mk
