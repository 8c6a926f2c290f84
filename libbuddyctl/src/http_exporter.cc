// SPDX-License-Identifier: GPL-2.0
#include "buddyctl/http_exporter.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace buddyctl {
namespace {

constexpr absl::string_view kIndex =
    "<html><head><title>buddyctl exporter</title></head><body><h1>buddyctl exporter</h1>"
    "<p><a href=\"/metrics\">/metrics</a></p></body></html>\n";

MHD_Result Queue(MHD_Connection* conn, unsigned code, std::string body,
                 absl::string_view content_type) {
  // The body lives on the heap until libmicrohttpd has sent it.
  auto* owned = new std::string(std::move(body));
  MHD_Response* r = MHD_create_response_from_buffer_with_free_callback_cls(
      owned->size(), owned->data(), [](void* cls) { delete static_cast<std::string*>(cls); },
      owned);
  if (r == nullptr) {
    delete owned;
    return MHD_NO;
  }
  MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, std::string{content_type}.c_str());
  const MHD_Result ret = MHD_queue_response(conn, code, r);
  MHD_destroy_response(r);
  return ret;
}

MHD_Result Handle(void* cls, MHD_Connection* conn, const char* url, const char* method,
                  const char* /*version*/, const char* /*upload_data*/, size_t* upload_size,
                  void** /*con_cls*/) {
  auto* collector = static_cast<Collector*>(cls);
  const bool get = std::strcmp(method, MHD_HTTP_METHOD_GET) == 0;
  const bool head = std::strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
  if (!get && !head) {
    // No request body is read: answer at once and let the connection close.
    *upload_size = 0;
    return Queue(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n", "text/plain");
  }
  const absl::string_view path = url;
  if (path == "/metrics") {
    const char* accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept");
    const ExpositionFormat fmt = NegotiateFormat(accept != nullptr ? accept : "");
    return Queue(
        conn, MHD_HTTP_OK, collector->Scrape(fmt),
        fmt == ExpositionFormat::kOpenMetrics ? kOpenMetricsContentType : kTextContentType);
  }
  if (path == "/") return Queue(conn, MHD_HTTP_OK, std::string{kIndex}, "text/html");
  return Queue(conn, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", "text/plain");
}

}  // namespace

// libmicrohttpd says why it could not start only through its logger: keep
// its first message for a one-line error. Once serving, its messages (one
// per refused connection under a flood, for instance) are dropped: the
// exporter's own counters tell the story without flooding the journal.
struct HttpExporter::LogSink {
  std::mutex mu;
  bool started = false;
  std::string first;
};

namespace {

void Logger(void* cls, const char* fmt, va_list ap) {
  auto* sink = static_cast<HttpExporter::LogSink*>(cls);
  std::lock_guard<std::mutex> lock(sink->mu);
  if (sink->started || !sink->first.empty()) return;
  std::array<char, 512> buf{};
  (void)vsnprintf(buf.data(), buf.size(), fmt, ap);
  std::string msg = buf.data();
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '.')) msg.pop_back();
  sink->first = msg;
}

std::string Describe(const sockaddr_storage& ss) {
  char host[INET6_ADDRSTRLEN] = "";
  if (ss.ss_family == AF_INET6) {
    const auto* a = reinterpret_cast<const sockaddr_in6*>(&ss);
    inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
    return absl::StrCat("[", host, "]:", ntohs(a->sin6_port));
  }
  const auto* a = reinterpret_cast<const sockaddr_in*>(&ss);
  inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
  return absl::StrCat(host, ":", ntohs(a->sin_port));
}

}  // namespace

absl::StatusOr<sockaddr_storage> ParseListenAddress(absl::string_view listen) {
  const auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("bad listen address '", listen, "': ", why,
                     " (want ADDR:PORT, [IPV6]:PORT or :PORT, e.g. 127.0.0.1:9435)"));
  };
  const size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos) return bad("no port");
  absl::string_view host = listen.substr(0, colon);
  const absl::string_view port_s = listen.substr(colon + 1);
  uint32_t port = 0;
  if (port_s.empty() || !absl::SimpleAtoi(port_s, &port) || port > 65535) {
    return bad("port must be 0..65535");
  }
  sockaddr_storage ss{};
  if (absl::ConsumePrefix(&host, "[")) {
    if (!absl::ConsumeSuffix(&host, "]")) return bad("unclosed '['");
    auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(static_cast<uint16_t>(port));
    if (inet_pton(AF_INET6, std::string{host}.c_str(), &a->sin6_addr) != 1) {
      return bad("not a numeric IPv6 address");
    }
    return ss;
  }
  auto* a = reinterpret_cast<sockaddr_in*>(&ss);
  a->sin_family = AF_INET;
  a->sin_port = htons(static_cast<uint16_t>(port));
  if (host.empty()) {
    a->sin_addr.s_addr = htonl(INADDR_ANY);
  } else if (inet_pton(AF_INET, std::string{host}.c_str(), &a->sin_addr) != 1) {
    return bad("not a numeric IPv4 address");
  }
  return ss;
}

absl::StatusOr<std::unique_ptr<HttpExporter>> HttpExporter::Start(absl::string_view listen,
                                                                  Collector* collector,
                                                                  const HttpOptions& options) {
  auto addr = ParseListenAddress(listen);
  if (!addr.ok()) return addr.status();
  auto server = std::unique_ptr<HttpExporter>(new HttpExporter());
  server->log_ = std::make_unique<LogSink>();
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG;
  if (addr->ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  MHD_Daemon* d = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Handle, collector,
      // The logger first, so every startup message reaches it.
      MHD_OPTION_EXTERNAL_LOGGER, &Logger, server->log_.get(), MHD_OPTION_SOCK_ADDR,
      reinterpret_cast<const sockaddr*>(&*addr), MHD_OPTION_THREAD_POOL_SIZE, options.threads,
      MHD_OPTION_CONNECTION_LIMIT, options.max_connections, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      options.connection_memory, MHD_OPTION_CONNECTION_TIMEOUT, options.timeout_seconds,
      MHD_OPTION_LISTEN_BACKLOG_SIZE, 64U, MHD_OPTION_END);
  if (d == nullptr) {
    const std::string& why = server->log_->first;
    return absl::UnavailableError(absl::StrCat("cannot listen on ", Describe(*addr), ": ",
                                               why.empty() ? "libmicrohttpd failed" : why));
  }
  {
    std::lock_guard<std::mutex> lock(server->log_->mu);
    server->log_->started = true;
  }
  server->daemon_ = d;
  const MHD_DaemonInfo* info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
  server->port_ = info != nullptr ? info->port : 0;
  return server;
}

HttpExporter::HttpExporter() = default;

HttpExporter::~HttpExporter() {
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
}

std::string HttpLibraryVersion() { return MHD_get_version(); }

}  // namespace buddyctl
