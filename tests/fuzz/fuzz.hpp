// What the fuzz targets share: the input as text, split at NUL bytes into
// the parts a target needs, and a check that aborts (libFuzzer then keeps
// the input as a crash) when a property does not hold.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace fuzz {

inline std::vector<std::string> parts(const std::uint8_t* data, std::size_t size, std::size_t n) {
    std::vector<std::string> out(n);
    std::string_view all(reinterpret_cast<const char*>(data), size);
    for (std::size_t i = 0; i < n; ++i) {
        const auto nul = i + 1 < n ? all.find('\0') : std::string_view::npos;
        out[i] = std::string(all.substr(0, nul));
        all = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);
    }
    return out;
}

inline void require(bool ok, const char* property) {
    if (!ok) {
        std::fprintf(stderr, "property does not hold: %s\n", property);
        std::abort();
    }
}

} // namespace fuzz
