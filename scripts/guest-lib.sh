# shellcheck shell=sh
# Helpers for scripts that run inside the test bed's guest (scripts/vm-run):
# the integration tests and the benches' guest halves. Sourced, not run.

# Where the modules built for the running kernel are: the tree's own
# modules/ when `make modules` built them for this kernel (their vermagic
# starts with its release), else scripts/build-modules' directory for it.
module_dir() {
	case "$(modinfo -F vermagic modules/buddy_monitor.ko 2>/dev/null)" in
	"$(uname -r) "*) echo modules ;;
	*) echo "build/modules/$(uname -r)" ;;
	esac
}

# The allocator entry that latency capture hooks: __alloc_pages up to 6.9,
# __alloc_pages_noprof from 6.10, __alloc_frozen_pages_noprof from 6.14
# (which still has the 6.10 name). ALLOC_ENTRY_NAMES in the module's order
# of preference (BM_SYM_ALLOC_ENTRY_CANDIDATES), ALLOC_ENTRY_RE any of
# them as ftrace's enabled_functions lists it.
ALLOC_ENTRY_NAMES="__alloc_frozen_pages_noprof __alloc_pages_noprof __alloc_pages"
ALLOC_ENTRY_RE="^($(echo $ALLOC_ENTRY_NAMES | tr ' ' '|')) \\("
