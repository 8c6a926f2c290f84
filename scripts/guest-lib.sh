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

# The allocator entry that latency capture hooks, as ftrace's
# enabled_functions lists it: __alloc_pages up to 6.9, __alloc_pages_noprof
# from 6.10, __alloc_frozen_pages_noprof from 6.14.
ALLOC_ENTRY_RE='^(__alloc_pages|__alloc_pages_noprof|__alloc_frozen_pages_noprof) \('
