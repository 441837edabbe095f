// `ollama-netcfg origins add|remove|list`: OLLAMA_ORIGINS, the browser
// origins Ollama lets through, managed in the same drop-in and through the
// same apply-and-prove path as `expose`. What `expose --allow-origin` and
// `reset --origins` share with it is here too.
#pragma once

#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/cli/common.hpp"

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::cli {

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
void merge_edits(std::vector<change::FileEdit>& edits, std::vector<change::FileEdit> more);

void register_origins(CLI::App& app, const GlobalOptions& global, int& exit_status);

} // namespace netcfg::cli
