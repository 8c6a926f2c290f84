// SPDX-License-Identifier: GPL-2.0
// The real Transport over libnl-genl-3. libnl owns the socket, ports and
// sequence numbers; we walk the replies ourselves so that ACKs, dump ends,
// and the kernel's extack messages are handled in exactly one place.
#include "buddyctl/netlink_transport.h"

#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

namespace buddyctl {
namespace {

struct NlSockDeleter {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
// RAII owner of a libnl socket; unique_ptr forbids copies.
using NlSockPtr = std::unique_ptr<nl_sock, NlSockDeleter>;

struct FreeDeleter {
  void operator()(unsigned char* p) const { free(p); }  // NOLINT(cppcoreguidelines-no-malloc)
};
// nl_recv() hands back a malloc()ed buffer.
using NlBufPtr = std::unique_ptr<unsigned char, FreeDeleter>;

absl::StatusOr<NlSockPtr> OpenSocket() {
  NlSockPtr sock(nl_socket_alloc());
  if (!sock) return absl::ResourceExhaustedError("cannot allocate a netlink socket");
  int rc = nl_connect(sock.get(), NETLINK_GENERIC);
  if (rc < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open a generic netlink socket: ", nl_geterror(rc)));
  }
  int one = 1;
  // Ask for the kernel's extended ACK (error text). Old kernels lack it:
  // errors then come without text, which is not a reason to fail.
  (void)setsockopt(nl_socket_get_fd(sock.get()), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
  nl_socket_enable_msg_peek(sock.get());
  return sock;
}

absl::Status SysError(absl::string_view what, int err) {
  return absl::Status(absl::ErrnoToStatusCode(err),
                      absl::StrCat(what, ": ", strerror(err)));  // NOLINT(concurrency-mt-unsafe)
}

class NetlinkEventSource : public EventSource {
 public:
  explicit NetlinkEventSource(NlSockPtr sock) : sock_(std::move(sock)) {}

  absl::StatusOr<std::optional<Message>> Next(absl::Duration timeout) override {
    if (!pending_.empty()) return PopPending();
    pollfd pfd{nl_socket_get_fd(sock_.get()), POLLIN, 0};
    int ms = static_cast<int>(absl::ToInt64Milliseconds(timeout));
    int rc = poll(&pfd, 1, ms < 0 ? 0 : ms);
    if (rc < 0) {
      if (errno == EINTR) return std::nullopt;
      return SysError("waiting for events", errno);
    }
    if (rc == 0) return std::nullopt;
    std::vector<uint8_t> buf(64 * 1024);
    ssize_t n = recv(pfd.fd, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == ENOBUFS) {  // the kernel dropped messages for us
        ++overruns_;
        return std::nullopt;
      }
      if (errno == EAGAIN || errno == EINTR) return std::nullopt;
      return SysError("receiving events", errno);
    }
    auto len = static_cast<size_t>(n);
    size_t off = 0;
    while (off + NLMSG_HDRLEN <= len) {
      const auto* h = reinterpret_cast<const nlmsghdr*>(buf.data() + off);
      if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > len) break;
      if (h->nlmsg_type >= NLMSG_MIN_TYPE) {
        pending_.emplace_back(
            std::vector<uint8_t>(buf.data() + off, buf.data() + off + h->nlmsg_len));
      }
      off += NLMSG_ALIGN(h->nlmsg_len);
    }
    if (pending_.empty()) return std::nullopt;
    return PopPending();
  }

  uint64_t overruns() const override { return overruns_; }

 private:
  std::optional<Message> PopPending() {
    Message m = std::move(pending_.front());
    pending_.pop_front();
    return m;
  }
  NlSockPtr sock_;
  std::deque<Message> pending_;
  uint64_t overruns_ = 0;
};

class NetlinkTransport : public Transport {
 public:
  explicit NetlinkTransport(NlSockPtr sock) : sock_(std::move(sock)) {}

  absl::StatusOr<std::vector<Message>> Transact(const Message& request) override {
    if (!request.Valid()) return absl::InvalidArgumentError("malformed netlink request");
    std::vector<uint8_t> out = request.bytes();
    auto* hdr = reinterpret_cast<nlmsghdr*>(out.data());
    const bool dump = (hdr->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
    hdr->nlmsg_flags |= NLM_F_REQUEST;
    if (!dump) hdr->nlmsg_flags |= NLM_F_ACK;  // a doit ends with its ACK
    hdr->nlmsg_seq = nl_socket_use_seq(sock_.get());
    hdr->nlmsg_pid = nl_socket_get_local_port(sock_.get());
    const uint32_t seq = hdr->nlmsg_seq;

    int rc = nl_sendto(sock_.get(), out.data(), out.size());
    if (rc < 0) {
      return absl::UnavailableError(
          absl::StrCat("sending a netlink request failed: ", nl_geterror(rc)));
    }

    std::vector<Message> replies;
    for (;;) {
      unsigned char* raw = nullptr;
      sockaddr_nl peer{};
      int n = nl_recv(sock_.get(), &peer, &raw, nullptr);
      NlBufPtr buf(raw);
      if (n < 0) {
        return absl::UnavailableError(
            absl::StrCat("receiving a netlink reply failed: ", nl_geterror(n)));
      }
      if (n == 0) continue;
      auto len = static_cast<size_t>(n);
      size_t off = 0;
      while (off + NLMSG_HDRLEN <= len) {
        const auto* h = reinterpret_cast<const nlmsghdr*>(buf.get() + off);
        if (h->nlmsg_len < NLMSG_HDRLEN || off + h->nlmsg_len > len) {
          return absl::InternalError("truncated netlink reply");
        }
        const size_t step = NLMSG_ALIGN(h->nlmsg_len);
        if (h->nlmsg_seq != seq) {  // stale reply to an earlier request
          off += step;
          continue;
        }
        if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE) {
          auto ack = ParseAck(buf.get() + off, len - off);
          if (!ack.has_value()) return absl::InternalError("malformed netlink ACK");
          if (ack->error < 0) return KernelErrorStatus(-ack->error, ack->extack);
          if (h->nlmsg_type == NLMSG_DONE || !dump) return replies;
        } else if (h->nlmsg_type != NLMSG_NOOP && h->nlmsg_type != NLMSG_OVERRUN) {
          replies.emplace_back(
              std::vector<uint8_t>(buf.get() + off, buf.get() + off + h->nlmsg_len));
        }
        off += step;
      }
    }
  }

  absl::StatusOr<std::unique_ptr<EventSource>> Subscribe(uint32_t group_id) override {
    auto sock = OpenSocket();
    if (!sock.ok()) return sock.status();
    nl_socket_disable_seq_check(sock->get());
    int rc = nl_socket_add_membership(sock->get(), static_cast<int>(group_id));
    if (rc < 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("cannot join multicast group ", group_id, ": ", nl_geterror(rc)));
    }
    return std::make_unique<NetlinkEventSource>(std::move(*sock));
  }

 private:
  NlSockPtr sock_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<Transport>> OpenNetlinkTransport() {
  auto sock = OpenSocket();
  if (!sock.ok()) return sock.status();
  return std::make_shared<NetlinkTransport>(std::move(*sock));
}

}  // namespace buddyctl
