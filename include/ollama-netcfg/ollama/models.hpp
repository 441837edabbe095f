// How Ollama names models: what `GET /api/tags` lists and what an admin
// asks for with `check --model NAME`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::ollama {

// Whether `wanted` (as an admin writes it: "llama3", "llama3:8b",
// "library/llama3") names `listed` (as /api/tags lists it:
// "llama3:latest"). A name without a tag means ":latest"; the default
// registry and namespace may be left out; case does not matter.
bool same_model(std::string_view wanted, std::string_view listed);

// The model names of an /api/tags answer ({"models":[{"name":...}]});
// nullopt when the body is not such an answer.
std::optional<std::vector<std::string>> parse_model_list(const std::string& body);

// The wanted models that `listed` does not have, in the order asked.
std::vector<std::string> missing_models(const std::vector<std::string>& wanted,
                                        const std::vector<std::string>& listed);

} // namespace netcfg::ollama
