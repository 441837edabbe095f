// What `status` and `check` share: their options and the read-only look.
#pragma once

#include "ollama-netcfg/health/facts.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <CLI/CLI.hpp>
#include <string>

namespace netcfg::cli {

struct InspectArgs {
    std::string unit = "ollama.service";
    std::string drop_in = "override.conf";
    std::string expect; // empty: the configured value
    double timeout_seconds = 5;
    std::string from;              // --from CIDR
    std::vector<std::string> urls; // --url
    std::string cacert;
    bool insecure = false;
    std::vector<std::string> origins;            // --origin
    std::string container;                       // --container NAME: check that Ollama container
    std::string api_key_file;                    // --api-key-file: a bearer key for --url
    std::string basic_auth_file;                 // --basic-auth-file: user:password for --url
    health::Limits limits;                       // check's -w, -c, --model
    bool pull_path = false;                      // check --pull-path: try the path a pull takes
    std::string registry = "registry.ollama.ai"; // --registry HOST, for --pull-path
};

void add_inspect_options(CLI::App& sub, InspectArgs& args);

// Who may read a file with the proxy's credentials (nullopt: no such file).
std::optional<health::CredentialsAccess>
credentials_access(const std::string& path, bool read_by_server, const std::string& server_group);

// Validates the arguments (usage errors), connects, inspects.
Result<health::Facts> inspect_unit(const InspectArgs& args);

} // namespace netcfg::cli
