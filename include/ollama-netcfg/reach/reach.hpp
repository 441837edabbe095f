// Reachability beyond loopback: the host's addresses a listener covers
// (each probed with GET /api/version, that address in the Host header),
// container bridges, and what the firewall does with a connection from
// another host.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"
#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::reach {

struct Interface {
    std::string name;
    net::IpAddress address;
    int family = 4;
    bool loopback = false;
    bool link_local = false;
    bool container_bridge = false; // docker0, br-*, podman*, lxcbr*, virbr*, ...
    // IPv6 duplicate address detection not finished (or failed): the kernel
    // does not accept connections to it yet.
    bool tentative = false;
    int prefix = 0; // the network's prefix length (IPv4: from the netmask)
    bool global = false; // globally routable (address_scope), judged from the kernel's bytes
};

// Pure: whether a bridge name is one container runtimes create.
bool is_container_bridge(const std::string& name);

// Pure: the interfaces whose address one of `sockets` (the listener Ollama
// holds) accepts connections on. A dual-stack :: socket covers every IPv4
// and IPv6 address; one with IPV6_V6ONLY only IPv6; 0.0.0.0 only IPv4.
std::vector<Interface> covered(const std::vector<probe::ListenSocket>& sockets,
                               const std::vector<Interface>& interfaces);
// The same, keeping them in place of the rest (no copies: a container host
// has hundreds).
std::vector<Interface> covered(const std::vector<probe::ListenSocket>& sockets,
                               std::vector<Interface>&& interfaces);

// Pure: the IP versions (4, 6) the sockets accept connections over.
std::vector<int> covered_families(const std::vector<probe::ListenSocket>& sockets);

struct AddressProbe {
    std::string interface;
    net::IpAddress address; // its text: address.text()
    int family = 4;
    bool link_local = false; // asked with its zone: http://[fe80::1%25eth0]:PORT
    bool global = false;     // globally routable (address_scope)
    std::uint16_t port = 0; // the port asked, or that would be
    bool tentative = false; // not asked: IPv6 duplicate address detection has not finished
    // Not asked because the same socket serves it and another address of the
    // same interface and IP version was asked: that one's place in the same
    // list (a host's hundreds of addresses share its words, not copies).
    std::optional<std::size_t> represented_by;
    bool ok = false;
    std::string detail; // asked: "HTTP 200, version 0.12.6" or the error; else empty
    bool asked() const { return !tentative && !represented_by; }
    // GET /api/version's URL for it. Written when a report prints it: a
    // plain check prints none of a host's hundreds.
    std::string url() const;
};

// Pure: the words the reports use for an address of `all`: why it was not
// asked (empty when it was), and its detail (the answer, or "not asked
// (why)"); the URL of the address asked for it (empty when none).
std::string skipped_text(const AddressProbe& a, const std::vector<AddressProbe>& all);
std::string detail_text(const AddressProbe& a, const std::vector<AddressProbe>& all);
std::string represented_by_url(const AddressProbe& a, const std::vector<AddressProbe>& all);

// Pure: which of the covered addresses to ask, one per interface and IP
// version (the socket already says it serves them all; asking each of a
// host's hundreds of addresses proves nothing more): the first that is
// neither loopback, tentative nor link-local, else the first link-local one
// that is not tentative. Indices into `covered`, in its order.
std::vector<std::size_t> representatives(const std::vector<Interface>& covered);

// Pure: for the text reports, how many addresses of each interface and IP
// version were not asked for that reason.
struct NotAsked {
    std::string interface;
    int family = 4;
    std::size_t count = 0;
    std::string asked; // the address that was asked for them
};
std::vector<NotAsked> not_asked(const std::vector<AddressProbe>& probes);

// A container network on this host. A container on it reaches Ollama at
// the bridge's address (what `host-gateway` gives) when the listener covers
// that address and the host firewall's input path from the bridge accepts
// the connection.
struct Bridge {
    std::string interface;
    std::string address;
    std::string subnet;     // "172.17.0.0/16"
    std::string gateway;    // where its containers connect: what `host-gateway` gives (docker0's
                            // address, or the daemon's host-gateway-ip), else the bridge's own
    bool reachable = false; // the listener covers `gateway`
    // The firewall's decision for a new connection from a container on it
    // (in on the bridge, from its subnet); nullopt: not judged (loopback
    // listener, or the firewall could not be read).
    std::optional<firewall::Verdict> firewall;
    std::vector<std::string> open_command; // ufw/firewalld: the minimal rule, to run
    std::string open_command_text;         // the same (nftables: printed only), as text

    // Whether a container on it can connect, as far as it was judged.
    bool can_connect() const {
        return reachable && (!firewall || firewall->decision == firewall::Decision::accept);
    }
};

// Pure: the address a container on `b` connects from, as the firewall sees
// it: the bridge's next address (the bridge itself is the gateway).
std::string container_address(const Bridge& b);

// The firewall's answer for one IP version.
struct FamilyVerdict {
    int family = 4; // 4 or 6
    firewall::Verdict verdict;
    std::string open_command_text; // nftables: the rule for the chain that decided
};

struct Firewall {
    bool visible = true;
    std::string why_not; // when not visible (not root, no nft)
    // What was read: "nftables chains and rules (netlink)" (with nft's part
    // when a packet was left to it, docs/json.md), "ufw status verbose", or
    // ufw's files and chains ("/etc/ufw/user.rules, user6.rules; iptables
    // -S, ip6tables -S"); ", iptables-legacy -S INPUT" when that decided.
    std::string source;
    // One per IP version the listener covers (only --from's version when
    // given), IPv4 first. A version the listener does not accept is absent.
    std::vector<FamilyVerdict> families;
    // Per covered IP version, for a source the rules do not single out:
    // `accept` here means every host may connect (open-to-internet).
    std::vector<FamilyVerdict> any_source;
    // With --from, per covered IP version: a host outside --from on its
    // version, any host on the other. Empty without --from.
    std::vector<FamilyVerdict> others;
    firewall::Verdict verdict; // the summary; `partial` when one version gets in and one not
    std::vector<std::string> open_command; // empty when it cannot be opened by a command
    std::string open_command_text;

    const FamilyVerdict* family(int version) const;
    const FamilyVerdict* other(int version) const;
};

// Pure: the summary of per-version verdicts (the backend of the first).
firewall::Verdict summarize(const std::vector<FamilyVerdict>& families);

// Pure: one line saying who can open a connection to a listener that
// covers `families` (4, 6), with the firewall as judged (absent: loopback
// listener); `from` is --from.
// For a firewall this tool does not change (plain nftables, iptables): what
// keeps the printed rule after the next reboot; empty otherwise.
std::string until_reboot(const Firewall& fw);

std::string who_can_connect(const std::vector<int>& families, const Firewall* fw,
                            const std::string& from);

// Pure: `expose --open-firewall --from` only adds an opening for --from;
// it is refused (exit 1, before anything changes) when the firewall lets
// every other host in anyway on an IP version the listener accepts (no
// firewall, a policy that accepts, a rule open to every source), since the
// restriction the admin asked for would not be real.
Status check_from_restricts(const Firewall& fw, const std::string& from, std::uint16_t port);

// Pure: what the admin's shell needs (`export OLLAMA_HOST=...`) so that the
// local `ollama` command, which connects to 127.0.0.1:11434 by default,
// finds a server listening on `sockets`; empty when the default works.
std::string client_export(const ollama::HostSetting& want,
                          const std::vector<probe::ListenSocket>& sockets);

// The host's addresses (probe::host_addresses), with
// /sys/class/net/NAME/bridge telling bridges.
std::vector<Interface> interfaces();

// Lists every covered, non-loopback address and asks the representatives()
// (link-local IPv6 with its interface as the zone). Loopback is what the
// main proof already asks.
std::vector<AddressProbe> probe_addresses(const ollama::HostSetting& want,
                                          std::vector<Interface> covered,
                                          std::chrono::milliseconds timeout);

// `host_gateway`: the address Docker's host-gateway names, empty when
// there is none (no docker0, no host-gateway-ip).
std::vector<Bridge> bridges(const std::vector<Interface>& all,
                            const std::vector<probe::ListenSocket>& sockets,
                            const std::string& host_gateway);

// Docker's host-gateway address: "host-gateway-ip" in
// /etc/docker/daemon.json, else docker0's IPv4 address; empty without either.
std::string host_gateway(const std::vector<Interface>& all);

// The firewall as this run sees it (reach/firewall_read.cpp): read once, on
// the first judge(), from what filters inbound traffic (firewalld, ufw,
// nftables, iptables-legacy), and judged from that one reading for each
// question: for each IP version in `families`, a new TCP connection to
// `port` from `from` (a CIDR; empty: any other host; with `from`, only its
// IP version is judged), and with `bridges`, each one the listener covers,
// for a connection from a container on it. `firewalld_active` is asked once,
// on the first read. changed(): the run changed the rules; the next judge()
// reads them again.
class FirewallReading {
  public:
    explicit FirewallReading(std::function<bool()> firewalld_active);
    ~FirewallReading();
    FirewallReading(FirewallReading&&) noexcept;

    Firewall judge(std::uint16_t port, const std::vector<int>& families, const std::string& from,
                   std::vector<Bridge>* bridges = nullptr);
    // For a listener on `sockets`.
    Firewall judge(const ollama::HostSetting& want, const std::vector<probe::ListenSocket>& sockets,
                   const std::string& from, std::vector<Bridge>* bridges = nullptr);
    void changed();

    struct Snapshot;

  private:
    std::function<bool()> firewalld_active_;
    std::optional<bool> firewalld_; // its answer, asked once
    std::unique_ptr<Snapshot> snapshot_;
};

// The listener's sockets: those of `unit_pids`' processes on `want`'s port
// that Ollama opens for it.
std::vector<probe::ListenSocket> serving_sockets(const ollama::HostSetting& want,
                                                 const std::vector<pid_t>& unit_pids);

// The other addresses and the bridges for a listener on `sockets`: what
// `expose` reports after its proof and `status`/`check` show.
struct Survey {
    std::vector<AddressProbe> addresses;
    std::vector<Bridge> bridges;
};
Survey survey(const ollama::HostSetting& want, const std::vector<probe::ListenSocket>& sockets,
              std::chrono::milliseconds timeout);

} // namespace netcfg::reach
