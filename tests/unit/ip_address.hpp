// An address as the kernel lists it, from its text, for the unit tests.
#pragma once

#include "ollama-netcfg/net/address.hpp"

#include <stdexcept>
#include <string_view>

namespace netcfg::testing {

inline net::IpAddress ip(std::string_view text) {
    auto a = net::parse_ip(text);
    if (!a)
        throw std::invalid_argument("not an IP address: " + std::string(text));
    return *a;
}

} // namespace netcfg::testing
