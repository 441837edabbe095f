// Who can reach Ollama, written once: the lines and objects `status`,
// `check` and `expose` show for the host's addresses, container bridges,
// the firewall per IP version and the recorded openings.
#pragma once

#include "ollama-netcfg/health/facts.hpp"
#include "ollama-netcfg/reach/open.hpp"
#include "ollama-netcfg/reach/reach.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::report {

// status: "reachable at:" and what follows (empty when reach was not judged).
std::string reach_lines(const health::Facts& f);
// "ufw: port 11434 from 192.0.2.0/24, for ollama.service (persistent)"
std::string opening_text(const reach::Opening& o);
std::string who_can_connect(const health::Facts& f);

// expose: after its proof, one line per other address asked, container
// network and firewall verdict per IP version (`fw` absent: not judged),
// each starting ok, FAIL, -- (skipped, not judged) or ?? (undecided).
std::vector<std::string> change_reach_lines(const std::vector<reach::AddressProbe>& addresses,
                                            const std::vector<reach::Bridge>& bridges,
                                            const std::optional<reach::Firewall>& fw,
                                            const std::string& from, std::uint16_t port);

// The firewall's decision for one IP version (4, 6), as --json names it:
// accepted, dropped, rejected, undecided, not-covered (the socket does not
// accept that version) or not-judged (--from names the other version).
std::string family_decision(const reach::Firewall& fw, int version);

// The --json objects, the same in status/check and expose.
nlohmann::json addresses_json(const std::vector<reach::AddressProbe>& addresses);
nlohmann::json bridges_json(const std::vector<reach::Bridge>& bridges);
nlohmann::json firewall_json(const std::optional<reach::Firewall>& fw, const std::string& from);
nlohmann::json openings_view_json(const std::vector<reach::Opening>& openings);

} // namespace netcfg::report
