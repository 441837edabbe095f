// One progress line on stderr while `expose`/`reset` wait (phase and elapsed
// time), redrawn in place; only when stderr is a terminal, so logs and pipes
// get nothing extra.
#pragma once

#include <chrono>
#include <string>

namespace netcfg {

class Progress {
  public:
    // Enabled only when `wanted` and stderr is a terminal.
    explicit Progress(bool wanted);
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    ~Progress() { clear(); }

    void phase(std::string text); // shows a new phase at once
    void tick();                  // redraws the elapsed time, at most 10 times a second
    void clear();                 // erases the line (before the report is printed)

  private:
    void draw();

    bool enabled_ = false;
    bool shown_ = false;
    std::string phase_;
    std::chrono::steady_clock::time_point start_, last_draw_;
};

} // namespace netcfg
