// What `expose` or `reset` did and proved, as text for people and JSON for
// machines.
#pragma once

#include "ollama-netcfg/change/outcome.hpp"
#include "ollama-netcfg/probe/path_step.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::report {

using change::FileChange;
using change::Proof;

// An OLLAMA_ORIGINS change: the entries in effect before and after.
struct OriginsChange {
    std::vector<std::string> before, after;
    std::vector<std::string> added, removed;
};

// The boot order this tool keeps in the managed drop-in's [Unit] section
// (After= and Wants= for each unit), and the reason.
struct OrderingChange {
    std::vector<std::string> after;   // in the drop-in after the run
    std::vector<std::string> removed; // this tool's lines taken out
    std::string why;                  // who brings the address up, or "named with --after"
};

// A `pull-proxy` change: HTTPS_PROXY and NO_PROXY in effect before and
// after (nullopt: unset), and the trust store's CA this tool installed.
struct ProxyChange {
    std::optional<std::string> https_before, https_after;
    std::optional<std::string> no_proxy_before, no_proxy_after;
    std::string ca_file;               // installed (set --ca-file) or removed (unset); empty: none
    std::vector<probe::PathStep> path; // set: the pull path tried afterwards
};

struct ChangeReport {
    std::string command = "expose"; // or "reset", "origins add", "origins remove"
    std::string unit;
    std::string drop_in;                  // full path of the managed drop-in
    std::optional<std::string> old_value; // OLLAMA_HOST in effect before
    std::optional<std::string> new_value; // OLLAMA_HOST in effect after (nullopt: unset)
    std::string listen;                   // the socket for new_value, as ss shows it: "*:11434"
    std::string listen_covers;            // what it covers, in words
    std::string listen_address;           // what Ollama passes to net.Listen: "0.0.0.0:11434"
    std::string connect_url;              // where a client connects
    bool changed = false;           // anything written, reloaded or restarted (--dry-run: would be)
    bool dry_run = false;           // --dry-run: actions say what would happen
    bool offline = false;           // --root: files written into an image, no bus
    std::vector<std::string> diffs; // unified diffs of the files changed (or to change)
    std::vector<FileChange> files;  // the same files, whole, before and after
    std::vector<std::string> actions; // "wrote ...", "reloaded ...", ...
    std::vector<std::string> backups; // copies kept of files edited besides the drop-in
    std::vector<std::string> notes;   // things the admin should know, e.g. other layers
    std::vector<Proof> proofs;
    std::vector<std::string> reach; // other addresses, containers, the firewall: informational
    // The same, structured as status --json has it (report/reach_view).
    std::vector<reach::AddressProbe> addresses;
    std::vector<reach::Bridge> bridges;
    std::optional<reach::Firewall> firewall; // nullopt: not judged (loopback, a no-op run)
    std::string from;                        // --from
    std::string who_can_connect;             // one line, after the proof (empty: not judged)
    std::string client_export;               // what the local `ollama` command needs, or empty
    std::vector<std::string> journal;        // the unit's last lines, on failure
    bool rolled_back = false; // a failure put every file back and the old state is proven
    std::optional<OriginsChange> origins;   // when the run changes OLLAMA_ORIGINS
    std::optional<OrderingChange> ordering; // when this tool orders the unit (or did)
    std::optional<ProxyChange> pull_proxy;  // `pull-proxy set/unset`
    std::optional<Error> error;

    bool proven() const;
    // Records a file that changes (both its diff and its contents); an
    // unchanged file is not recorded.
    void record_file(const std::string& path, const std::optional<std::string>& before,
                     const std::optional<std::string>& after);
    // What change::apply() did and proved; its error becomes the return.
    Status take(change::Outcome outcome);
};

std::string to_text(const ChangeReport& r);
nlohmann::json to_json(const ChangeReport& r);

} // namespace netcfg::report
