// OLLAMA_ORIGINS: the split, what makes Ollama panic, which entry lets an
// Origin through. Input: VALUE \0 ORIGIN. Property: an entry the tool
// accepts as an argument and adds never makes Ollama panic.
#include "fuzz.hpp"
#include "ollama-netcfg/ollama/origins.hpp"

using namespace netcfg::ollama;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto p = fuzz::parts(data, size, 2);
    (void)split_origins(p[0]);
    (void)origins_panic(p[0]);
    (void)decide_origin(p[0], p[1]);
    // An accepted origin that Ollama lets through already (built in) is not
    // added; any other must not make Ollama panic.
    if (!refuse_origin_argument(p[1], true) && !decide_origin("", p[1]).builtin)
        fuzz::require(!origins_panic(p[1]), "an accepted entry does not panic");
    return 0;
}
