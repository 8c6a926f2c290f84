# buddyctl: the targets a newcomer uses. The real builds are CMake
# (libbuddyctl, buddyctl, tests, benches) and Kbuild (the modules).
#
#   make              build everything: userspace and the modules for KERNEL
#   make demo         run the main job in a QEMU guest and print its results
#   make check        unit tests on the host, integration tests in the guest
#   make modules      only the modules (KERNEL=..., or KDIR=/lib/modules/$(uname -r)/build)
#   make challenge    the full 4 MiB experiment (7 policies x 5 repetitions)
#   make bench-overhead  the monitor's cost per alloc/free pair, as ratios
#   make slab-study   the SLAB/SLUB/SLOB study (builds three kernels)
#   make install      install the CLI, library, headers, man pages (PREFIX=/usr/local)
#   make deb          the Debian packages, in build/deb/ (debhelper)
#   make deps         install every Debian package any target needs (root);
#                     each target below asks only for its own group
#                     (scripts/deps: modules, userspace, test, package)
#
# KERNEL is the stock Debian release the modules are built for and the test
# bed boots; it defaults to the one pinned in scripts/kernel-pin.

KERNEL ?= $(shell grep -v '^\#' scripts/kernel-pin | grep -m1 .)
BUILD  ?= build
KDIR   ?= $(CURDIR)/$(BUILD)/kernels/$(KERNEL)/root/usr/src/linux-headers-$(KERNEL)
JOBS   ?= 2
CMAKE_BUILD_TYPE ?= RelWithDebInfo

PREFIX ?= /usr/local
VERSION := $(shell cat VERSION)

.PHONY: all deps userspace modules kernel check unit-check demo challenge bench-overhead clean help \
	install deb test-config

all: userspace modules

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

# Install what is missing when we may, otherwise say exactly what to install.
# deps-GROUP: only that group (scripts/deps).
deps: deps-all
deps-%:
	@if [ "$$(id -u)" = 0 ]; then scripts/deps install $*; else scripts/deps check $*; fi

CMAKE_CONFIGURE = cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(CMAKE_BUILD_TYPE) -DBUDDYCTL_KERNEL=$(KERNEL)
$(BUILD)/CMakeCache.txt: | deps-userspace
	$(CMAKE_CONFIGURE)

userspace: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The stock kernel's headers, fetched by package name into the build tree
# (skipped when KDIR points elsewhere, e.g. /lib/modules/$(uname -r)/build).
kernel: | deps-modules
	@case "$(KDIR)" in $(CURDIR)/$(BUILD)/kernels/*) scripts/fetch-kernel $(KERNEL);; esac

modules: kernel
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

modules-clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean

# The tests are built when GoogleTest is installed; after installing the test
# group, configure again with them on.
test-config: deps-test $(BUILD)/CMakeCache.txt
	$(CMAKE_CONFIGURE) -DBUDDYCTL_BUILD_TESTS=ON >/dev/null

unit-check: test-config
	$(MAKE) userspace
	ctest --test-dir $(BUILD) --output-on-failure -LE integration

check: test-config
	$(MAKE) all
	ctest --test-dir $(BUILD) --output-on-failure

demo: deps-test all
	scripts/demo

challenge: deps-test all
	bench/challenge/run

bench-overhead: deps-test all
	bench/overhead/run

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
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean 2>/dev/null
	rm -rf $(BUILD)/CMakeFiles $(BUILD)/CMakeCache.txt $(BUILD)/cli $(BUILD)/libbuddyctl $(BUILD)/tests $(BUILD)/bench

-include mk/*.mk
