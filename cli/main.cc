// SPDX-License-Identifier: GPL-2.0
// buddyctl: see `buddyctl --help`. Wires argv, the real netlink transport,
// signals and exit codes to the command table in cli.cc.
#include <unistd.h>

#include <csignal>
#include <iostream>

#include "buddyctl/netlink_transport.h"
#include "cli.h"

namespace {
volatile std::sig_atomic_t g_interrupted = 0;
extern "C" void OnSignal(int /*sig*/) { g_interrupted = 1; }
}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: a wait returns early and the loop checks the flag
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  buddyctl::cli::Context ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  ctx.open_transport = [] { return buddyctl::OpenNetlinkTransport(); };
  ctx.interactive = isatty(STDOUT_FILENO) != 0;
  ctx.interrupted = [] { return g_interrupted != 0; };
  std::vector<std::string> args(argv + 1, argv + argc);
  const int rc = buddyctl::cli::Run(args, ctx);
  std::cout.flush();
  return rc;
}
