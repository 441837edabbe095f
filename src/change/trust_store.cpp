#include "ollama-netcfg/change/trust_store.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <fmt/format.h>

namespace netcfg::change {
namespace {

constexpr std::chrono::seconds update_timeout{60};

Status rebuild(const TrustStore& store) {
    auto r = run_command(store.update, update_timeout);
    if (!r)
        return r.error();
    if (r->exit_status != 0)
        return failure(fmt::format("{} failed (exit {}): {}", shell_words(store.update),
                                   r->exit_status, r->err),
                       "run it by hand to see why");
    return Ok{};
}

} // namespace

Result<TrustStore> find_trust_store() {
    std::error_code ec;
    if (std::filesystem::is_directory("/usr/local/share/ca-certificates", ec) &&
        have_command("update-ca-certificates"))
        return TrustStore{"/usr/local/share/ca-certificates", {"update-ca-certificates"}};
    if (std::filesystem::is_directory("/etc/pki/ca-trust/source/anchors", ec) &&
        have_command("update-ca-trust"))
        return TrustStore{"/etc/pki/ca-trust/source/anchors", {"update-ca-trust", "extract"}};
    return failure("no system trust store this tool knows is here (neither "
                   "/usr/local/share/ca-certificates with update-ca-certificates nor "
                   "/etc/pki/ca-trust/source/anchors with update-ca-trust)",
                   "install the proxy's CA as your distribution documents, then run "
                   "pull-proxy set without --ca-file");
}

Result<CaFile> read_ca_file(const std::string& path) {
    auto content = read_file(path);
    if (!content)
        return usage_error(fmt::format("--ca-file {}: {}", path, content.error().message),
                           "give the proxy's CA certificate, a PEM file");
    if (!*content)
        return usage_error(fmt::format("--ca-file {}: no such file", path),
                           "give the proxy's CA certificate, a PEM file");
    CaFile ca{**content, {}};
    const bool pem = ca.content.find("-----BEGIN CERTIFICATE-----") != std::string::npos &&
                     ca.content.find("-----END CERTIFICATE-----") != std::string::npos;
    if (!pem || ca.content.find("PRIVATE KEY-----") != std::string::npos)
        return usage_error(fmt::format("--ca-file {}: not a PEM certificate{}", path,
                                       pem ? " alone (it holds a private key too)" : ""),
                           "give the CA certificate only: -----BEGIN CERTIFICATE----- ... "
                           "(convert a DER file with openssl x509 -inform der -in FILE)");
    if (!have_command("openssl"))
        return ca;
    auto r =
        run_command({"openssl", "x509", "-noout", "-subject", "-nameopt", "RFC2253", "-in", path},
                    std::chrono::seconds(10));
    if (!r)
        return r.error();
    if (r->exit_status != 0)
        return usage_error(
            fmt::format("--ca-file {}: openssl cannot read it as a certificate", path),
            "give the proxy's CA certificate, a PEM file");
    ca.subject = r->out.substr(0, r->out.find('\n'));
    if (ca.subject.starts_with("subject="))
        ca.subject.erase(0, 8);
    return ca;
}

Result<CaChange> put_ca(const TrustStore& store, const std::optional<std::string>& content) {
    auto before = read_file(store.file());
    if (!before)
        return before.error();
    CaChange change{*before, *before != content};
    if (!change.changed)
        return change;
    auto st = content ? write_file_atomic(store.file(), *content, 0644)
                      : remove_file_durable(store.file());
    if (!st)
        return st.error();
    if (auto r = rebuild(store); !r)
        return r.error();
    return change;
}

} // namespace netcfg::change
