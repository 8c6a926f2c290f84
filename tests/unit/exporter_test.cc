// SPDX-License-Identifier: GPL-2.0
// The exporter: the Collector against the fake transport (caching, module
// unloaded and reloaded), and the HTTP server on a loopback port with a
// minimal client (routes, content negotiation, oversized headers, the
// connection cap).
#include "buddyctl/exporter.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "buddyctl/http_exporter.h"
#include "fake_transport.h"
#include "replies.h"

namespace buddyctl {
namespace {

using ::buddyctl::testing::FakeTransport;
using ::buddyctl::testing::kMonId;
using ::buddyctl::testing::MonitorFake;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

int CountCmd(const FakeTransport& f, uint8_t cmd) {
  int n = 0;
  for (const Message& m : f.sent) n += m.cmd() == cmd ? 1 : 0;
  return n;
}

struct Clocked {
  std::shared_ptr<FakeTransport> fake = MonitorFake();
  std::shared_ptr<absl::Time> clock = std::make_shared<absl::Time>(absl::FromUnixSeconds(1000));
  int opens = 0;
  Collector collector;

  explicit Clocked(CollectorOptions o = {})
      : collector(
            [this]() -> absl::StatusOr<std::shared_ptr<Transport>> {
              ++opens;
              return fake;
            },
            o, [c = clock] { return *c; }) {}
};

TEST(CollectorTest, FragReadAtMostOncePerIntervalAndScrapesShareAReading) {
  CollectorOptions o;
  o.frag_interval = absl::Seconds(30);
  o.min_interval = absl::Seconds(1);
  Clocked c(o);
  std::string out = c.collector.Scrape(ExpositionFormat::kText);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_up 1\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_zone_order10_blocks{"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_frag_age_seconds 0\n"));
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_FRAG), 1);
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_STATS), 1);
  // 100 scrapes in the same instant: one reading.
  for (int i = 0; i < 100; ++i) c.collector.Scrape(ExpositionFormat::kText);
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_STATS), 1);
  // Every 2 s for 28 s: counters each time, fragmentation cached.
  for (int i = 0; i < 14; ++i) {
    *c.clock += absl::Seconds(2);
    out = c.collector.Scrape(ExpositionFormat::kText);
  }
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_STATS), 15);
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_FRAG), 1);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_frag_age_seconds 28\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_zone_order10_blocks{"));  // still served, from the cache
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_scrapes_total 115\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_collections_total 15\n"));
  *c.clock += absl::Seconds(2);
  out = c.collector.Scrape(ExpositionFormat::kText);
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_FRAG), 2);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_frag_age_seconds 0\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_frag_refreshes_total 2\n"));
  EXPECT_EQ(c.opens, 1);
}

TEST(CollectorTest, ModuleUnloadedAndReloadedReportsDownThenResumes) {
  Clocked c;
  std::vector<std::string> log;
  c.collector.set_log([&log](const std::string& l) { log.push_back(l); });
  ASSERT_THAT(c.collector.Scrape(ExpositionFormat::kText), HasSubstr("\nbuddyctl_up 1\n"));
  // rmmod: the family's commands fail, and the family is gone on reopen.
  c.fake->Fail(kMonId, BUDDY_MON_CMD_GET_STATS, ENOENT);
  auto original = c.fake;
  c.fake = std::make_shared<FakeTransport>();
  *c.clock += absl::Seconds(2);
  std::string out = c.collector.Scrape(ExpositionFormat::kText);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_up 0\n"));
  EXPECT_THAT(out, Not(HasSubstr("buddyctl_alloc_requests_total")));
  EXPECT_THAT(out, Not(HasSubstr("buddyctl_zone_")));  // no stale figures
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_collect_errors_total 1\n"));
  *c.clock += absl::Seconds(2);
  out = c.collector.Scrape(ExpositionFormat::kText);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_up 0\n"));
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_exporter_collect_errors_total 2\n"));
  // insmod again: a fresh family answers.
  c.fake = MonitorFake();
  *c.clock += absl::Seconds(2);
  out = c.collector.Scrape(ExpositionFormat::kText);
  EXPECT_THAT(out, HasSubstr("\nbuddyctl_up 1\n"));
  EXPECT_THAT(out, HasSubstr("buddyctl_alloc_requests_total{order=\"10\"} 10010\n"));
  // The new instance's fragmentation was read, not the old cache reused.
  EXPECT_EQ(CountCmd(*c.fake, BUDDY_MON_CMD_GET_FRAG), 1);
  EXPECT_EQ(c.opens, 3);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_THAT(log[0], StartsWith("monitor down: "));
  EXPECT_EQ(log[1], "monitor up");
}

// A tiny HTTP/1.0 client: sends `request`, returns everything until close.
std::string Http(uint16_t port, const std::string& request) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "socket failed";
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd);
    return "connect failed";
  }
  size_t off = 0;
  while (off < request.size()) {
    const ssize_t n = send(fd, request.data() + off, request.size() - off, MSG_NOSIGNAL);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
  std::string reply;
  std::array<char, 65536> buf{};
  for (;;) {
    const ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    reply.append(buf.data(), static_cast<size_t>(n));
  }
  close(fd);
  return reply;
}

std::string Get(uint16_t port, const std::string& path, const std::string& headers = "") {
  return Http(port, absl::StrCat("GET ", path, " HTTP/1.0\r\nHost: x\r\n", headers, "\r\n"));
}

TEST(HttpExporterTest, ServesMetricsInTheFormatAsked) {
  Clocked c;
  auto server = HttpExporter::Start("127.0.0.1:0", &c.collector, HttpOptions{});
  ASSERT_TRUE(server.ok()) << server.status();
  const uint16_t port = (*server)->port();
  ASSERT_NE(port, 0);
  std::string r = Get(port, "/metrics");
  EXPECT_THAT(r, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(r, HasSubstr("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
  EXPECT_THAT(r, HasSubstr("\nbuddyctl_up 1\n"));
  EXPECT_THAT(r, Not(HasSubstr("# EOF")));
  r = Get(port, "/metrics", "Accept: application/openmetrics-text;version=1.0.0\r\n");
  EXPECT_THAT(r, HasSubstr("Content-Type: application/openmetrics-text; version=1.0.0"));
  EXPECT_THAT(r, HasSubstr("# TYPE buddyctl_alloc_requests counter\n"));
  EXPECT_EQ(r.substr(r.size() - 6), "# EOF\n");
  EXPECT_THAT(Get(port, "/"), HasSubstr("href=\"/metrics\""));
  EXPECT_THAT(Get(port, "/nope"), StartsWith("HTTP/1.1 404"));
  EXPECT_THAT(Http(port, "POST /metrics HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc"),
              StartsWith("HTTP/1.1 405"));
}

TEST(HttpExporterTest, OversizedHeadersAreRefusedNotBuffered) {
  Clocked c;
  auto server = HttpExporter::Start("127.0.0.1:0", &c.collector, HttpOptions{});
  ASSERT_TRUE(server.ok()) << server.status();
  const std::string huge = absl::StrCat("X-Junk: ", std::string(size_t{64} * 1024, 'a'), "\r\n");
  const std::string r = Get((*server)->port(), "/metrics", huge);
  EXPECT_THAT(r, StartsWith("HTTP/1.1 431")) << r.substr(0, 200);
  // The server is still there for the next client.
  EXPECT_THAT(Get((*server)->port(), "/metrics"), HasSubstr("\nbuddyctl_up 1\n"));
}

TEST(HttpExporterTest, ConnectionsBeyondTheCapWaitInTheBacklog) {
  Clocked c;
  HttpOptions o;
  o.max_connections = 4;
  auto server = HttpExporter::Start("127.0.0.1:0", &c.collector, o);
  ASSERT_TRUE(server.ok()) << server.status();
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons((*server)->port());
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  auto open = [&a] {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof(a)), 0);
    return fd;
  };
  // Four idle clients hold every slot.
  std::vector<int> held(4);
  for (int& fd : held) fd = open();
  usleep(200000);
  // A fifth asks and gets nothing while they hold on: the server took no
  // more than its cap (the kernel's listen backlog keeps the rest waiting).
  const int fifth = open();
  const std::string req = "GET /metrics HTTP/1.0\r\n\r\n";
  ASSERT_EQ(send(fifth, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  timeval tv{1, 0};
  setsockopt(fifth, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::array<char, 65536> buf{};
  EXPECT_LT(recv(fifth, buf.data(), buf.size(), 0), 0);  // timed out, no reply
  EXPECT_EQ(errno, EAGAIN);
  // The idle ones leave: the fifth is served.
  for (int fd : held) close(fd);
  tv = {5, 0};
  setsockopt(fifth, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  std::string reply;
  for (ssize_t n = 0; (n = recv(fifth, buf.data(), buf.size(), 0)) > 0;) {
    reply.append(buf.data(), static_cast<size_t>(n));
  }
  close(fifth);
  EXPECT_THAT(reply, HasSubstr("\nbuddyctl_up 1\n"));
}

TEST(HttpExporterTest, ListenAddresses) {
  EXPECT_TRUE(ParseListenAddress("127.0.0.1:9435").ok());
  EXPECT_TRUE(ParseListenAddress(":9435").ok());
  EXPECT_TRUE(ParseListenAddress("[::1]:9435").ok());
  EXPECT_TRUE(ParseListenAddress("0.0.0.0:0").ok());
  for (const char* bad : {"", "9435", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
                          "localhost:9435", "[::1:9435", "::1:9435", "1.2.3:9435"}) {
    auto r = ParseListenAddress(bad);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_THAT(std::string(r.status().message()), StartsWith("bad listen address")) << bad;
  }
}

}  // namespace
}  // namespace buddyctl
