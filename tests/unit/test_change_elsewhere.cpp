#include "catch.hpp"
#include "ollama-netcfg/change/elsewhere.hpp"

using netcfg::change::Elsewhere;
using netcfg::change::nixos_configuration;
using netcfg::ollama::read_ollama_host;

TEST_CASE("NixOS: the services.ollama settings for an address", "[change][nixos]") {
    Elsewhere s;
    s.listen = read_ollama_host("0.0.0.0");
    CHECK(nixos_configuration(s) ==
          "  services.ollama = {\n    enable = true;\n    host = \"0.0.0.0\";\n    port = 11434;\n"
          "  };");
    s.listen = read_ollama_host("192.168.1.10:8080");
    s.open_firewall = true;
    CHECK(nixos_configuration(s) ==
          "  services.ollama = {\n    enable = true;\n    host = \"192.168.1.10\";\n"
          "    port = 8080;\n    openFirewall = true;\n  };");
}

TEST_CASE("NixOS: IPv6 hosts keep their brackets, :PORT is every address", "[change][nixos]") {
    // The module writes OLLAMA_HOST="${host}:${port}".
    Elsewhere s;
    s.listen = read_ollama_host("[::]:11435");
    CHECK_THAT(nixos_configuration(s),
               Catch::Contains("host = \"[::]\";") && Catch::Contains("port = 11435;"));
    s.listen = read_ollama_host("[fd00:1::10]");
    CHECK_THAT(nixos_configuration(s), Catch::Contains("host = \"[fd00:1::10]\";"));
    s.listen = read_ollama_host(":11434");
    CHECK_THAT(nixos_configuration(s), Catch::Contains("host = \"0.0.0.0\";"));
}

TEST_CASE("NixOS: reset and origins", "[change][nixos]") {
    Elsewhere s;
    CHECK_THAT(nixos_configuration(s),
               Catch::Contains("# host and port removed: the defaults, 127.0.0.1 and 11434"));
    s.origins = std::vector<std::string>{"http://192.168.1.50:3000", "chrome-extension://*"};
    CHECK_THAT(nixos_configuration(s),
               Catch::Contains("environmentVariables.OLLAMA_ORIGINS = "
                               "\"http://192.168.1.50:3000,chrome-extension://*\";"));
    s.origins = std::vector<std::string>{};
    CHECK_THAT(nixos_configuration(s),
               Catch::Contains("# environmentVariables.OLLAMA_ORIGINS removed"));
}

TEST_CASE("snap: the snap set commands the launcher reads", "[change][snap]") {
    using netcfg::change::snap_commands;
    Elsewhere s;
    s.listen = read_ollama_host("0.0.0.0");
    CHECK(snap_commands(s) ==
          "  sudo snap set ollama host=0.0.0.0:11434\n  sudo snap restart ollama");
    s.listen = read_ollama_host("[::]:11435");
    CHECK_THAT(snap_commands(s), Catch::Contains("host=[::]:11435"));
    s.listen.reset();
    CHECK_THAT(snap_commands(s), Catch::Contains("host=127.0.0.1:11434"));
    s.keep_listen = true;
    s.origins = std::vector<std::string>{"http://a.example", "chrome-extension://*"};
    CHECK(snap_commands(s) ==
          "  sudo snap set ollama origins='http://a.example,chrome-extension://*'"
          "\n  sudo snap restart ollama");
    CHECK(netcfg::change::is_ollama_snap_unit("snap.ollama.listener.service"));
    CHECK_FALSE(netcfg::change::is_ollama_snap_unit("ollama.service"));
}
