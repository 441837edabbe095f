#include "ollama-netcfg/docker/containers.hpp"

#include "ollama-netcfg/net/address.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::docker {
namespace {

using nlohmann::json;

std::string basename_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::uint16_t to_port(std::string_view s) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && v <= 65535 ? static_cast<std::uint16_t>(v) : 0;
}

std::vector<std::string> strings_of(const json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (const auto& e : j)
            if (e.is_string())
                out.push_back(e.get<std::string>());
    return out;
}

} // namespace

bool Binding::all_addresses() const {
    return host_ip.empty() || host_ip == "0.0.0.0" || host_ip == "::";
}

std::string Binding::text() const {
    const auto ip = host_ip.empty() ? std::string("0.0.0.0") : host_ip;
    return fmt::format("{}->{}/tcp", net::host_port(ip, host_port), container_port);
}

std::string Binding::who_can_reach() const {
    if (all_addresses())
        return "any host that reaches this one: Docker's rules take it past the host firewall";
    if (host_ip.starts_with("127.") || host_ip == "::1")
        return "this host only";
    return fmt::format("hosts that reach {}: Docker's rules take it past the host firewall",
                       host_ip);
}

bool is_ollama(const Container& c) {
    if (c.ollama_host)
        return true;
    auto repo = c.image.substr(0, c.image.find(':'));
    if (basename_of(repo) == "ollama")
        return true;
    return !c.command.empty() && basename_of(c.command.front()) == "ollama";
}

static std::optional<Container> parse_inspect_unchecked(const std::string& text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("Id"))
        return std::nullopt;
    Container c;
    c.id = j.value("Id", "");
    c.name = j.value("Name", "");
    if (c.name.starts_with("/"))
        c.name.erase(0, 1);
    const auto& config = j.contains("Config") && j["Config"].is_object() ? j["Config"] : json();
    c.image = config.is_object() ? config.value("Image", "") : "";
    if (config.is_object()) {
        c.command = strings_of(config.value("Entrypoint", json()));
        for (auto& a : strings_of(config.value("Cmd", json())))
            c.command.push_back(std::move(a));
        for (const auto& e : strings_of(config.value("Env", json())))
            if (e.starts_with("OLLAMA_HOST="))
                c.ollama_host = e.substr(12);
    }
    if (j.contains("State") && j["State"].is_object())
        c.state = j["State"].value("Status", "");
    c.port = ollama::read_ollama_host(c.ollama_host.value_or("")).port;
    if (!c.ollama_host)
        c.port = 11434;
    const json* ports = nullptr;
    if (j.contains("NetworkSettings") && j["NetworkSettings"].is_object() &&
        j["NetworkSettings"].contains("Ports"))
        ports = &j["NetworkSettings"]["Ports"];
    const auto key = fmt::format("{}/tcp", c.port);
    if (ports && ports->is_object() && ports->contains(key) && (*ports)[key].is_array())
        for (const auto& b : (*ports)[key])
            if (b.is_object())
                c.bindings.push_back(
                    {b.value("HostIp", ""), to_port(b.value("HostPort", "")), c.port});
    return c;
}

static std::vector<Listed> parse_list_unchecked(const std::string& text) {
    std::vector<Listed> out;
    auto j = json::parse(text, nullptr, false);
    if (!j.is_array())
        return out;
    for (const auto& c : j) {
        if (!c.is_object() || !c.contains("Id") || !c["Id"].is_string())
            continue;
        auto names = [](std::string s) {
            std::transform(s.begin(), s.end(), s.begin(),
                           [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
            return s.find("ollama") != std::string::npos;
        };
        const std::string image =
            c.contains("Image") && c["Image"].is_string() ? c["Image"].get<std::string>() : "";
        const std::string command = c.contains("Command") && c["Command"].is_string()
                                        ? c["Command"].get<std::string>()
                                        : "";
        out.push_back({c["Id"].get<std::string>(), names(image) || names(command)});
    }
    return out;
}

std::vector<std::string> to_inspect(const std::vector<Listed>& listed, std::size_t all_up_to) {
    std::vector<std::string> ids;
    for (const auto& l : listed)
        if (l.names_ollama || listed.size() <= all_up_to)
            ids.push_back(l.id);
    return ids;
}

std::string recreate_advice(const Container& c, const ollama::HostSetting& want) {
    // `want` as Docker publishes it: a wildcard is every address (which
    // Docker's rules take past the host firewall), else that address.
    const bool every =
        want.host.empty() || want.host == "0.0.0.0" || want.host == "::" || want.host == "[::]";
    const auto host = want.host.starts_with("[") ? want.host : net::bracketed(want.host);
    const auto publish = every ? fmt::format("{}:{}", want.port, c.port)
                               : fmt::format("{}:{}:{}", host, want.port, c.port);
    const auto inside = fmt::format("0.0.0.0:{}", c.port);
    return fmt::format(
        "a container's published ports and environment are fixed when it is created: "
        "recreate it.\n"
        "  docker run:  docker run -d --name {} -p {} -e OLLAMA_HOST={} {}\n"
        "  compose:     ports:\n"
        "                 - \"{}\"\n"
        "               environment:\n"
        "                 - OLLAMA_HOST={}{}",
        c.name, publish, inside, c.image.empty() ? "ollama/ollama" : c.image, publish, inside,
        every ? "\n  note: published on every address, the port is open to other hosts whatever "
                "ufw or firewalld say (Docker's rules bypass INPUT); publish on 127.0.0.1 or "
                "one address, or add a DOCKER-USER rule"
              : "");
}

// An answer whose fields have other types than the API documents is no
// container the tool can judge (found by fuzz_docker: nlohmann's type_error
// escaped to main, and the whole check ended as "unexpected error").
std::optional<Container> parse_inspect(const std::string& text) {
    try {
        return parse_inspect_unchecked(text);
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

std::vector<Listed> parse_list(const std::string& text) {
    try {
        return parse_list_unchecked(text);
    } catch (const json::exception&) {
        return {};
    }
}

} // namespace netcfg::docker
