// SPDX-License-Identifier: GPL-2.0
// The HTTP side of `buddyctl exporter`: GET /metrics on libmicrohttpd.
// Resources are bounded whatever clients do: a fixed pool of worker
// threads multiplexing every connection (epoll or poll), a cap on open
// connections (more wait in the kernel's listen backlog, whose length is
// fixed too, and are dropped beyond it), a fixed memory pool per connection
// (a request whose headers do not fit is answered 431 and closed), and an
// idle timeout for slow clients.
#ifndef BUDDYCTL_HTTP_EXPORTER_H_
#define BUDDYCTL_HTTP_EXPORTER_H_

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "buddyctl/exporter.h"

struct MHD_Daemon;

namespace buddyctl {

struct HttpOptions {
  unsigned threads = 2;
  unsigned max_connections = 32;
  // Bytes per connection for the request line, the headers and the reply's
  // headers (16 KiB): larger headers get 431.
  size_t connection_memory = 16384;
  unsigned timeout_seconds = 10;  // idle connections are closed after this
};

// "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every IPv4 address); numeric
// addresses only, so startup never waits on name resolution.
absl::StatusOr<sockaddr_storage> ParseListenAddress(absl::string_view listen);

class HttpExporter {
 public:
  // Listens on `listen` and serves `collector` until destroyed.
  static absl::StatusOr<std::unique_ptr<HttpExporter>> Start(absl::string_view listen,
                                                             Collector* collector,
                                                             const HttpOptions& options);
  ~HttpExporter();
  HttpExporter(const HttpExporter&) = delete;
  HttpExporter& operator=(const HttpExporter&) = delete;
  HttpExporter(HttpExporter&&) = delete;
  HttpExporter& operator=(HttpExporter&&) = delete;

  // The port bound (useful with port 0).
  uint16_t port() const { return port_; }

  struct LogSink;

 private:
  HttpExporter();
  std::unique_ptr<LogSink> log_;
  MHD_Daemon* daemon_ = nullptr;
  uint16_t port_ = 0;
};

// libmicrohttpd's version, for buddyctl_build_info and --version.
std::string HttpLibraryVersion();

}  // namespace buddyctl

#endif  // BUDDYCTL_HTTP_EXPORTER_H_
