// A LISTEN socket as sock_diag reports it, for the unit tests.
#pragma once

#include "ollama-netcfg/probe/sockets.hpp"

#include <string>
#include <sys/socket.h>

namespace netcfg::testing {

inline probe::ListenSocket listen_socket(const std::string& address, bool v6only = false,
                                         std::uint16_t port = 11434) {
    probe::ListenSocket s;
    s.family = address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    s.address = address;
    s.port = port;
    s.v6only = v6only;
    return s;
}

} // namespace netcfg::testing
