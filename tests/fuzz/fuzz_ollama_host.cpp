// OLLAMA_HOST as Ollama reads it, and as expose reads an ADDR. Property: an
// ADDR expose accepts is read by Ollama as the same listener.
#include "fuzz.hpp"
#include "ollama-netcfg/ollama/host.hpp"

using namespace netcfg::ollama;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto read = read_ollama_host(text);
    (void)read.listen_address();
    (void)read.connect_url();
    if (auto accepted = parse_expose_address(text))
        fuzz::require(read.same_listener(*accepted), "expose's reading is Ollama's");
    return 0;
}
