// OLLAMA_ORIGINS changes (`origins add/remove`, `expose --allow-origin`,
// `reset --origins`): the file edits that make a list of entries the one in
// effect, and the record of the entries this tool added, so that
// `reset --origins` takes out those and leaves the admin's own.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

inline constexpr const char* origins_record = "/var/lib/ollama-netcfg/origins.json";

struct OriginsPlan {
    std::vector<FileEdit> edits;
    OriginsTarget target;                   // `prove` left empty: the caller knows what to prove
    OriginsTarget previous;                 // what a rollback must bring back
    std::vector<std::string> before, after; // the entries in effect
};

// The edits that make `entries` what Ollama reads from OLLAMA_ORIGINS:
// the managed drop-in gets the whole list (or loses the assignment when
// the list is empty and nothing below would bring entries back); other
// unit files and drop-ins in /etc that would still win give up their
// assignment (a copy kept), unless `only_managed` (--runtime). Refuses
// naming the layer that would still win (an EnvironmentFile=, the manager).
// `layers` are read for OLLAMA_ORIGINS. Pure.
Result<OriginsPlan> plan_origins(const std::vector<config::LayerInput>& layers,
                                 const std::string& unit, const std::string& managed_drop_in,
                                 const std::vector<std::string>& entries, bool only_managed);

// The entries of the OLLAMA_ORIGINS the layers (read for it) put in effect.
std::vector<std::string> origins_in_effect(const std::vector<config::LayerInput>& layers);

// What the layers, once resolved, make OLLAMA_ORIGINS read as.
OriginsTarget origins_target_of(const config::Resolution& origins);

// The entries `origins add` added for `unit`, as recorded.
Result<std::vector<std::string>> recorded_origins(const std::string& unit);
Status record_origins(const std::string& unit, const std::vector<std::string>& added);
// Which preset (`origins add --preset NAME`) each recorded entry came from;
// kept beside the entries, under "presets", and pruned with them.
Result<std::map<std::string, std::string>> recorded_presets(const std::string& unit);
Status record_presets(const std::string& unit, const std::map<std::string, std::string>& presets);

// Each origin checked as Ollama would read it, before anything is touched
// (exit 2): "LABEL "ORIGIN": why", with "e.g. EXAMPLE" as the hint.
Status check_origin_arguments(const std::vector<std::string>& asked, std::string_view label,
                              std::string_view example, bool any_site = false);

// The Origins to prove `asked` with: what a real client of each sends
// (ollama::proof_origin), once each.
std::vector<std::string> proof_origins(const std::vector<std::string>& asked);

// The checked origins to add: those Ollama already lets through (built in,
// or by an entry in `current`) are left out with a note.
std::vector<std::string> origins_to_add(const std::vector<std::string>& asked,
                                        const std::vector<std::string>& current,
                                        std::vector<std::string>& notes);

// Puts `more` into `edits`: an edit of a file already planned continues
// from that plan's new content.
void merge_edits(std::vector<FileEdit>& edits, std::vector<FileEdit> more);

} // namespace netcfg::change
