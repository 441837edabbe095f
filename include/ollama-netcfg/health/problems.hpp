// Problems found in Facts, each with a stable code (docs/problem-codes.md), a
// severity in monitoring-plugin terms and one line of advice.
#pragma once

#include "ollama-netcfg/health/facts.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::health {

// Ordered: the overall result is the worst one. `info` never fails a check.
enum class Severity { ok, info, warning, critical, unknown };

std::string_view severity_name(Severity s); // "OK", "INFO", "WARNING", ...
int plugin_exit_status(Severity s);         // 0, 0, 1, 2, 3

struct Problem {
    std::string code;
    Severity severity = Severity::warning;
    std::string message;
    std::string advice;
};

std::vector<Problem> find_problems(const Facts& facts);

// What to say about a unit systemd has not loaded, from its LoadState
// ("not-found", "masked", "bad-setting", "error", ...): a sentence and advice.
struct Wording {
    std::string message;
    std::string advice;
};
Wording unit_not_loaded(const std::string& unit, const std::string& load_state);

// proxy-bypassable: a proxy demands `credentials` ("bearer key", "basic
// auth"), but Ollama's own port takes connections from other hosts, who can
// skip the proxy and its credentials. CRITICAL when an IP version accepts
// any host, WARNING when the rules leave it undecided; judged per IP
// version from the firewall as `status` read it. Nothing when the listener
// is loopback, not served, or the firewall was not seen (not-visible).
std::optional<Problem> proxy_bypass(const Facts& facts, const std::string& credentials);

// credentials-readable (WARNING): users other than root (and, for a file the
// server reads itself, the server's group) can read the keys or passwords,
// or others can change them. Nothing when the file is kept as it should be.
std::optional<Problem> credentials_readable(const CredentialsAccess& a);

// The pull path (check --pull-path, pull-proxy set): its first failing
// step as pull-proxy-unreachable, pull-proxy-refused (which host to ask the
// proxy's admins to allow), pull-certificate-untrusted (the issuer, and
// --ca-file) or pull-registry-unreachable, each CRITICAL; nothing when every
// step went through.
std::optional<Problem> pull_path_problem(const std::vector<probe::PathStep>& steps);

// Every code find_problems() can report, in docs/problem-codes.md order.
const std::vector<std::string>& known_problem_codes();

// The worst severity among the problems; info counts as OK, and CRITICAL
// wins over UNKNOWN (a part that could not be seen does not hide one found).
Severity overall(const std::vector<Problem>& problems);

} // namespace netcfg::health
