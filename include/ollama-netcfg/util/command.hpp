// Running another program (nft, ufw, firewall-cmd) and reading its output,
// under a deadline. No shell: the arguments are passed as they are.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace netcfg {

struct CommandResult {
    int exit_status = -1; // -1 when killed or not run
    std::string out;
    std::string err;
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null. Fails when it
// cannot be started; a non-zero exit is a result, not a failure. Killed at
// `timeout`.
Result<CommandResult> run_command(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout);

// Whether `name` is an executable in PATH (or /usr/sbin, /sbin).
bool have_command(const std::string& name);

// "a 'b c'": the command line as a shell would need it, for messages.
std::string shell_words(const std::vector<std::string>& argv);

} // namespace netcfg
