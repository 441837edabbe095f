// The packets the firewall fuzz targets judge: both IP versions, with the
// source unknown, known (with an input interface) and known to lie outside
// a network (--from).
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"

#include <vector>

namespace fuzz {

inline std::vector<netcfg::firewall::Packet> packets() {
    std::vector<netcfg::firewall::Packet> out;
    for (int family : {4, 6}) {
        netcfg::firewall::Packet p;
        p.family = family;
        p.dport = 11434;
        out.push_back(p);
        p.saddr = family == 4 ? "192.168.1.50" : "fd00:1::50";
        p.iif = "docker0";
        out.push_back(p);
        p.saddr.reset();
        p.iif.reset();
        p.outside = family == 4 ? "10.0.0.0/8" : "fd00::/8";
        out.push_back(p);
    }
    return out;
}

} // namespace fuzz
