// Gathers the Facts about one unit: systemd, the files on disk, /proc, the
// sockets and the API. Read-only; as much as an unprivileged user can see.
#pragma once

#include "ollama-netcfg/health/facts.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace netcfg::health {

struct InspectOptions {
    std::string unit;
    std::string managed_drop_in;
    std::optional<ollama::HostSetting> expect;
    std::chrono::milliseconds api_timeout{3000};
    std::string from;              // --from CIDR
    std::vector<std::string> urls; // --url
    std::string cacert;
    bool insecure = false;
    std::vector<std::string> origins;       // --origin
    std::string authorization;              // for --url: "Bearer KEY"
    std::string basic_auth;                 // for --url: user:password
    std::string credentials;                // what is sent, in words ("bearer key")
    std::vector<std::string> origins_added; // the record of `origins add`
    std::string container;                  // check --container NAME
    Limits limits;                          // check's -w, -c, --model
    bool pull_path = false;                 // check --pull-path (leaves this host)
    std::string registry;                   // --registry HOST
};

Result<Facts> inspect(systemd::Manager& manager, const InspectOptions& options);

} // namespace netcfg::health
