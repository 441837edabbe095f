// The checks `expose` makes before it writes anything, as pure functions of
// what was seen, so each refusal can be unit-tested. Each returns an exit-1
// failure that says what is wrong and what to do.
#pragma once

#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::change {

// The address must be one this host can bind: a wildcard, or (for an IP or
// a name's addresses) one of the host's interface addresses.
Status check_address_is_local(const ollama::HostSetting& want,
                              const std::vector<std::string>& resolved,
                              const std::vector<std::string>& local_addresses);

struct Holder {
    std::string endpoint; // "0.0.0.0:11434"
    pid_t pid = 0;
    std::string process;
    std::string ollama_serve; // when it is an `ollama serve`: how it runs (ServeProcess::describe)
    std::string container;    // when docker-proxy holds it for an Ollama container: which
};

// Sockets on the wanted port held outside the unit that would make the
// bind fail.
Status check_port_is_free(const ollama::HostSetting& want, const std::string& unit,
                          const std::vector<Holder>& foreign);

inline constexpr std::uint64_t cap_net_bind_service = 1ULL << 10;

struct LowPortFacts {
    std::uint16_t port = 0;
    std::string user;                       // the unit's User=, empty = root
    std::uint64_t ambient_capabilities = 0; // the unit's, as loaded
    int unprivileged_port_start = 1024;     // net.ipv4.ip_unprivileged_port_start
    bool grant_requested = false;           // --grant-low-port
    std::string binary;                     // ExecStart's program, for the message
};

// A port below net.ipv4.ip_unprivileged_port_start needs root or
// CAP_NET_BIND_SERVICE. Returns true when the drop-in must grant it.
Result<bool> check_low_port(const LowPortFacts& facts);

} // namespace netcfg::change
