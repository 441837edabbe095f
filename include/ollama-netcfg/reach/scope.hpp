// Whether an address can be reached from the whole Internet, after IANA's
// special-purpose address registries (IPv4 and IPv6). Pure.
#pragma once

#include <string>
#include <string_view>

namespace netcfg::reach {

struct AddressScope {
    bool global = false;   // globally routable: anyone on the Internet may send to it
    std::string_view kind; // "global", "loopback", "private (RFC 1918)", "documentation", ...
};

// `address` is IPv4 or IPv6 text; anything unparsable is not global.
AddressScope address_scope(const std::string& address);
// The same for an address as the kernel hands it out (network byte order;
// `family` 4: the first four bytes), without parsing text.
AddressScope address_scope(int family, const unsigned char* bytes);

} // namespace netcfg::reach
