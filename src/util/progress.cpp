#include "ollama-netcfg/util/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace netcfg {

Progress::Progress(bool wanted)
    : enabled_(wanted && isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()) {}

void Progress::phase(std::string text) {
    phase_ = std::move(text);
    draw();
}

void Progress::tick() {
    if (std::chrono::steady_clock::now() - last_draw_ >= std::chrono::milliseconds(100))
        draw();
}

void Progress::draw() {
    if (!enabled_)
        return;
    last_draw_ = std::chrono::steady_clock::now();
    std::chrono::duration<double> elapsed = last_draw_ - start_;
    // \r and "erase to end of line": the line is rewritten in place.
    fmt::print(stderr, "\r\033[Kollama-netcfg: {} ({:.1f}s)", phase_, elapsed.count());
    std::fflush(stderr);
    shown_ = true;
}

void Progress::clear() {
    if (!shown_)
        return;
    fmt::print(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
}

} // namespace netcfg
