// SPDX-License-Identifier: GPL-2.0
// thp_fault MIB: the transparent huge page fault workload of the challenge.
//
// Maps MIB MiB of anonymous memory aligned to 2 MiB, asks for huge pages
// with madvise(MADV_HUGEPAGE), touches each 2 MiB region once and times that
// first-touch fault. Then finds out, region by region, whether the fault got
// a huge page, and prints one JSON object:
//
//   {"mib", "regions", "huge", "huge_percent", "method",
//    "fault_us": {"p50", "p99", "max"},   every fault
//    "fault_us_huge", "fault_us_fallback": the same, per outcome (null: none)
//    "vmstat": {"thp_fault_alloc", "thp_fault_fallback", ...}: deltas
//    "smaps_anon_huge_kib", "agrees_with_vmstat", "thp_enabled", "thp_defrag"}
//
// "method" says how "huge" was counted: "kpageflags" (per region, the
// region's first page is part of a transparent huge page: needs root for
// the page frame numbers in /proc/self/pagemap and for /proc/kpageflags) or
// "smaps" (the mapping's AnonHugePages in /proc/self/smaps, divided by
// 2 MiB: a total, not per region; then the per-outcome latencies are null).
//
// /proc/vmstat's thp_fault_alloc and thp_fault_fallback count every
// process's faults. The deltas are printed beside the program's own count
// as a cross-check; they agree when nothing else faults huge pages during
// the run (a quiet guest). A fallback fault maps one 4 KiB page: the rest
// of that region is never touched, so a run with fallbacks uses less memory
// than one without, as a faulting application's would.
//
// Bad input (not a whole even number of MiB, or more than the machine
// has) and failures of the system calls end in one line on stderr, exit 1.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

constexpr uint64_t kHugeSize = uint64_t{2} << 20;
constexpr uint64_t kPageSize = 4096;
// /proc/kpageflags bit: the page is part of a transparent huge page.
constexpr int kKpfThp = 22;
constexpr std::array<const char*, 4> kVmstatKeys = {"thp_fault_alloc", "thp_fault_fallback",
                                                    "thp_fault_fallback_charge", "compact_stall"};

[[noreturn]] void Die(const std::string& msg) {
  (void)std::fprintf(stderr, "thp_fault: %s\n", msg.c_str());
  std::exit(1);
}

std::string Errno(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

// MIB as a whole even number of MiB, at least 2: anything else is refused.
uint64_t ParseMib(const char* text) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 10);
  if (text[0] == '\0' || text[0] == '-' || *end != '\0' || errno != 0) {
    Die(std::string("MIB must be a number of MiB, not '") + text + "'");
  }
  if (v < 2 || v % 2 != 0) {
    Die("MIB must be a positive multiple of 2 (one huge page is 2 MiB), not " + std::to_string(v));
  }
  const long pages = sysconf(_SC_PHYS_PAGES);
  if (pages > 0 && v > static_cast<uint64_t>(pages) * kPageSize / (1 << 20)) {
    Die("MIB " + std::to_string(v) + " is more than this machine's memory (" +
        std::to_string(static_cast<uint64_t>(pages) * kPageSize / (1 << 20)) + " MiB)");
  }
  return v;
}

std::vector<uint64_t> Vmstat() {
  std::vector<uint64_t> out(kVmstatKeys.size(), 0);
  std::ifstream f("/proc/vmstat");
  std::string key;
  uint64_t value = 0;
  while (f >> key >> value) {
    for (size_t i = 0; i < kVmstatKeys.size(); ++i) {
      if (key == kVmstatKeys[i]) out[i] = value;
    }
  }
  return out;
}

// "madvise" out of "always [madvise] never"; "absent" without THP.
std::string ThpSetting(const char* name) {
  std::ifstream f(std::string("/sys/kernel/mm/transparent_hugepage/") + name);
  std::string word;
  while (f >> word) {
    if (word.size() > 2 && word.front() == '[' && word.back() == ']') {
      return word.substr(1, word.size() - 2);
    }
  }
  return "absent";
}

uint64_t NowNs() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000 + static_cast<uint64_t>(ts.tv_nsec);
}

// Linear interpolation between order statistics, as collect.py computes
// the 4 MiB requests' percentiles.
double Percentile(const std::vector<double>& sorted, double p) {
  const double k = static_cast<double>(sorted.size() - 1) * p / 100.0;
  const auto lo = static_cast<size_t>(k);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (k - static_cast<double>(lo));
}

std::string Num(double v) {
  std::array<char, 32> buf{};
  (void)std::snprintf(buf.data(), buf.size(), "%.1f", v);
  return buf.data();
}

// {"p50": .., "p99": .., "max": ..} in microseconds; null for no faults.
std::string LatencyJson(std::vector<double> us) {
  if (us.empty()) return "null";
  std::sort(us.begin(), us.end());
  return "{\"p50\": " + Num(Percentile(us, 50)) + ", \"p99\": " + Num(Percentile(us, 99)) +
         ", \"max\": " + Num(us.back()) + "}";
}

// Per region: did its first page land in a transparent huge page? Empty
// when the page frame numbers or the page flags cannot be read (not root).
std::optional<std::vector<bool>> HugeByKpageflags(uintptr_t base, size_t regions) {
  const int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  const int kpageflags = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
  std::optional<std::vector<bool>> out;
  if (pagemap >= 0 && kpageflags >= 0) {
    out.emplace(regions, false);
    for (size_t i = 0; i < regions && out; ++i) {
      const uintptr_t addr = base + i * kHugeSize;
      uint64_t entry = 0;
      uint64_t flags = 0;
      const auto at = static_cast<off_t>(addr / kPageSize * sizeof(entry));
      if (pread(pagemap, &entry, sizeof(entry), at) != static_cast<ssize_t>(sizeof(entry))) {
        out.reset();
        break;
      }
      const uint64_t pfn = entry & ((uint64_t{1} << 55) - 1);
      const bool present = (entry >> 63) & 1;
      // Without CAP_SYS_ADMIN the kernel reports every frame number as 0.
      if (!present || pfn == 0) {
        out.reset();
        break;
      }
      if (pread(kpageflags, &flags, sizeof(flags), static_cast<off_t>(pfn * sizeof(flags))) !=
          static_cast<ssize_t>(sizeof(flags))) {
        out.reset();
        break;
      }
      (*out)[i] = (flags >> kKpfThp) & 1;
    }
  }
  if (pagemap >= 0) close(pagemap);
  if (kpageflags >= 0) close(kpageflags);
  return out;
}

// AnonHugePages of the mapping that starts at base, in KiB.
uint64_t SmapsAnonHugeKib(uintptr_t base) {
  std::ifstream f("/proc/self/smaps");
  std::string line;
  bool ours = false;
  constexpr std::string_view kField = "AnonHugePages:";
  while (std::getline(f, line)) {
    // A mapping's first line is "start-end perms ...", its fields "Name: value kB".
    const size_t dash = line.find('-');
    if (dash != std::string::npos && dash < line.find(':')) {
      ours = std::strtoull(line.c_str(), nullptr, 16) == base;
      continue;
    }
    if (ours && line.starts_with(kField)) {
      return std::strtoull(line.c_str() + kField.size(), nullptr, 10);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2 || std::strcmp(argv[1], "-h") == 0 || std::strcmp(argv[1], "--help") == 0) {
    (void)std::fprintf(argc == 2 ? stdout : stderr,
                       "usage: thp_fault MIB   (MIB: a multiple of 2; prints one JSON object)\n");
    return argc == 2 ? 0 : 1;
  }
  const uint64_t mib = ParseMib(argv[1]);
  const uint64_t bytes = mib << 20;
  const size_t regions = bytes / kHugeSize;

  // One huge page more than needed, then the unaligned ends cut off: the
  // mapping is exactly the aligned regions, so every region can be a huge
  // page and the mapping is one line in smaps.
  void* raw = mmap(nullptr, bytes + kHugeSize, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (raw == MAP_FAILED) Die(Errno("mmap"));
  const uint64_t head = (kHugeSize - reinterpret_cast<uintptr_t>(raw) % kHugeSize) % kHugeSize;
  char* const mapping = static_cast<char*>(raw) + head;
  if (head > 0) (void)munmap(raw, head);
  (void)munmap(mapping + bytes, kHugeSize - head);
  const auto base = reinterpret_cast<uintptr_t>(mapping);
  volatile char* const mem = mapping;
  if (madvise(mapping, bytes, MADV_HUGEPAGE) != 0) {
    Die(Errno("madvise(MADV_HUGEPAGE)") + " (a kernel without transparent huge pages?)");
  }

  const std::vector<uint64_t> before = Vmstat();
  std::vector<double> fault_us(regions);
  for (size_t i = 0; i < regions; ++i) {
    const uint64_t t0 = NowNs();
    mem[i * kHugeSize] = 1;
    const uint64_t t1 = NowNs();
    fault_us[i] = static_cast<double>(t1 - t0) / 1000.0;
  }
  const std::vector<uint64_t> after = Vmstat();

  const std::optional<std::vector<bool>> per_region = HugeByKpageflags(base, regions);
  const uint64_t smaps_kib = SmapsAnonHugeKib(base);
  size_t huge = 0;
  std::vector<double> huge_us;
  std::vector<double> fallback_us;
  if (per_region) {
    for (size_t i = 0; i < regions; ++i) {
      ((*per_region)[i] ? huge_us : fallback_us).push_back(fault_us[i]);
    }
    huge = huge_us.size();
  } else {
    huge = std::min<size_t>(regions, smaps_kib * 1024 / kHugeSize);
  }

  std::ostringstream out;
  out << "{\"mib\": " << mib << ", \"regions\": " << regions << ", \"huge\": " << huge
      << ", \"huge_percent\": " << Num(100.0 * static_cast<double>(huge) / regions)
      << ", \"method\": \"" << (per_region ? "kpageflags" : "smaps") << "\""
      << ", \"fault_us\": " << LatencyJson(fault_us)
      << ", \"fault_us_huge\": " << (per_region ? LatencyJson(huge_us) : "null")
      << ", \"fault_us_fallback\": " << (per_region ? LatencyJson(fallback_us) : "null")
      << ", \"vmstat\": {";
  for (size_t k = 0; k < kVmstatKeys.size(); ++k) {
    out << (k ? ", " : "") << "\"" << kVmstatKeys[k] << "\": " << after[k] - before[k];
  }
  out << "}, \"smaps_anon_huge_kib\": " << smaps_kib
      << ", \"agrees_with_vmstat\": " << (after[0] - before[0] == huge ? "true" : "false")
      << ", \"thp_enabled\": \"" << ThpSetting("enabled") << "\", \"thp_defrag\": \""
      << ThpSetting("defrag") << "\"}\n";
  (void)std::fputs(out.str().c_str(), stdout);
  (void)munmap(mapping, bytes);
  return 0;
}
