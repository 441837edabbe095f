// The Docker Engine API's answers (GET /containers/json and
// /containers/ID/json), as the tool reads them.
#include "fuzz.hpp"
#include "ollama-netcfg/docker/containers.hpp"

using namespace netcfg::docker;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto listed = parse_list(text);
    (void)to_inspect(listed);
    if (auto c = parse_inspect(text)) {
        (void)is_ollama(*c);
        (void)recreate_advice(*c, netcfg::ollama::read_ollama_host("0.0.0.0"));
    }
    return 0;
}
