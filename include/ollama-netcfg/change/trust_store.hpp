// The system trust store, where a TLS-inspecting proxy's CA must go for
// Ollama to pull through it: Go reads the system CA bundle once, at the
// first TLS connection of the process. Debian and Ubuntu
// (/usr/local/share/ca-certificates, update-ca-certificates), Fedora, RHEL
// and SUSE alike (/etc/pki/ca-trust/source/anchors, update-ca-trust).
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::change {

inline constexpr const char* pull_proxy_record = "/var/lib/ollama-netcfg/pull-proxy.json";

struct TrustStore {
    std::filesystem::path anchors;   // where a local CA file goes
    std::vector<std::string> update; // the command that rebuilds the bundle
    std::filesystem::path file() const { return anchors / "ollama-netcfg-pull-proxy.crt"; }
};

// This system's trust store, or an error that says none is known here.
Result<TrustStore> find_trust_store();

// FILE as --ca-file names it: one or more PEM certificates (checked with
// `openssl x509` where it is installed), else exit 2. Returns the content
// and the first certificate's subject, for the report.
struct CaFile {
    std::string content;
    std::string subject;
};
Result<CaFile> read_ca_file(const std::string& path);

// Puts `content` (nullopt: nothing) where the store takes it and rebuilds
// the bundle, unless the file already holds it. Returns what it held
// before, for a rollback; `changed` says whether anything was done.
struct CaChange {
    std::optional<std::string> before;
    bool changed = false;
};
Result<CaChange> put_ca(const TrustStore& store, const std::optional<std::string>& content);

} // namespace netcfg::change
