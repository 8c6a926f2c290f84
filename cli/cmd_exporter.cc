// SPDX-License-Identifier: GPL-2.0
// exporter: the monitor's figures over HTTP for Prometheus, until SIGINT or
// SIGTERM.
#include <ostream>

#include "absl/strings/str_cat.h"
#include "buddyctl/exporter.h"
#include "buddyctl/http_exporter.h"
#include "buddyctl/status_macros.h"
#include "cli.h"

namespace buddyctl::cli {
namespace {

// 9435: inside the 9100-9999 range Prometheus exporters use, not in
// /etc/services, and free on the machines we checked. Change it with
// --listen if it collides.
constexpr absl::string_view kDefaultListen = "127.0.0.1:9435";

absl::Status Exporter(Context& ctx, const Args& a) {
  const std::string listen = a.Get("--listen").value_or(std::string{kDefaultListen});
  CollectorOptions copts;
  if (auto v = a.Get("--frag-interval")) {
    BUDDYCTL_ASSIGN_OR_RETURN(copts.frag_interval, ParseDurationArg(*v, "frag interval"));
    if (copts.frag_interval < absl::Seconds(1) || copts.frag_interval > absl::Hours(1)) {
      return BadValue("frag interval must be 1s..1h");
    }
  }
  HttpOptions hopts;
  if (auto v = a.Get("--max-connections")) {
    BUDDYCTL_ASSIGN_OR_RETURN(hopts.max_connections, ParseUint(*v, 1, 1024, "max connections"));
  }
  copts.max_connections = hopts.max_connections;
  copts.threads = hopts.threads;
  Collector collector(ctx.open_transport, copts, ctx.now);
  std::ostream& err = *ctx.err;
  collector.set_log(
      [&err](const std::string& line) { err << "buddyctl exporter: " << line << std::endl; });
  BUDDYCTL_ASSIGN_OR_RETURN(std::unique_ptr<HttpExporter> server,
                            HttpExporter::Start(listen, &collector, hopts));
  err << "buddyctl exporter: serving /metrics on " << listen << " (port " << server->port() << ")"
      << std::endl;
  while (!ctx.interrupted()) ctx.sleep(absl::Milliseconds(200));
  err << "buddyctl exporter: stopping" << std::endl;
  return absl::OkStatus();
}

}  // namespace

void AddExporterCommands(std::vector<Command>& t) {
  t.push_back({"exporter",
               Exporter,
               "serve the monitor's figures over HTTP for Prometheus (/metrics)",
               "buddyctl exporter [--listen ADDR:PORT] [--frag-interval DURATION] "
               "[--max-connections N]",
               R"(Serves GET /metrics in the Prometheus text format, or in OpenMetrics when
the request's Accept header asks for it, until SIGINT or SIGTERM. The same
families as `buddyctl export --prometheus`, plus the exporter's own:
buddyctl_exporter_* (scrapes, readings, errors, how long a reading took, the
age of the cached fragmentation figures) and process_*.

When buddy_monitor is not loaded, or a query fails (the module is being
reloaded), the exporter keeps serving with buddyctl_up 0 and reads the
module again at the next scrape. Scrapes within a second of each other
share one reading of the module, and the fragmentation figures (a walk over
every zone's pages, for the physical limit of 4 MiB blocks) are read at
most once per --frag-interval, however often and however many clients
scrape. Reading needs no privileges: run it as an unprivileged user.

options:
  --listen ADDR:PORT      numeric address and port (default 127.0.0.1:9435;
                          [::1]:9435 for IPv6, :9435 for every IPv4 address)
  --frag-interval D       at most one fragmentation reading per D, 1s..1h
                          (default 30s)
  --max-connections N     connections served at once, 1..1024 (default 32);
                          more wait in the kernel's listen backlog (64).
                          Two worker threads serve them all; a request
                          whose headers do not fit in 16 KiB gets 431; idle
                          connections are closed after 10 s.

examples:
  buddyctl exporter
  buddyctl exporter --listen :9435 --frag-interval 1m
  curl -s 127.0.0.1:9435/metrics | grep buddyctl_up
)",
               {{"--listen", true}, {"--frag-interval", true}, {"--max-connections", true}}});
}

}  // namespace buddyctl::cli
