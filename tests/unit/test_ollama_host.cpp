#include "catch.hpp"
#include "ollama-netcfg/ollama/host.hpp"

using netcfg::ExitStatus;
using namespace netcfg::ollama;

namespace {
std::string listen_of(std::string_view raw) {
    return read_ollama_host(raw).listen_address();
}
} // namespace

TEST_CASE("read_ollama_host follows every row of Ollama's table", "[ollama][host]") {
    CHECK(listen_of("") == "127.0.0.1:11434");
    CHECK(listen_of("0.0.0.0") == "0.0.0.0:11434");
    CHECK(listen_of("0.0.0.0:11435") == "0.0.0.0:11435");
    CHECK(listen_of("127.0.0.1:8080") == "127.0.0.1:8080");
    CHECK(listen_of("192.168.1.100") == "192.168.1.100:11434");
    CHECK(listen_of("[::]") == "[::]:11434");
    CHECK(listen_of("[::]:11434") == "[::]:11434");
    CHECK(listen_of("http://0.0.0.0") == "0.0.0.0:80");
    CHECK(listen_of("https://0.0.0.0") == "0.0.0.0:443");
    CHECK(listen_of("http://0.0.0.0:11434/") == "0.0.0.0:11434");
    CHECK(listen_of("\"0.0.0.0\"") == "0.0.0.0:11434");
    CHECK(listen_of("0.0.0.0:99999") == "0.0.0.0:11434");
    CHECK(listen_of("0.0.0.0:abc") == "0.0.0.0:11434");
}

TEST_CASE("read_ollama_host applies the trimming and splitting rules", "[ollama][host]") {
    CHECK(listen_of("  '0.0.0.0'  ") == "0.0.0.0:11434");
    CHECK(listen_of(" \" 10.0.0.1:9 \" ") == "10.0.0.1:9");
    CHECK(listen_of(":11434") == ":11434");
    CHECK(read_ollama_host(":11434").host.empty());
    CHECK(listen_of("::") == "[::]:11434");
    CHECK(listen_of("::1") == "[::1]:11434");
    CHECK(listen_of("[::1]:8080") == "[::1]:8080");
    CHECK(listen_of("0.0.0.0/some/path") == "0.0.0.0:11434");
    CHECK(listen_of("example.org") == "example.org:11434");
    CHECK(listen_of("example.org:1") == "example.org:1");
    CHECK(listen_of("0.0.0.0:0") == "0.0.0.0:0");
    CHECK(listen_of("0.0.0.0:-1") == "0.0.0.0:11434");
    CHECK(listen_of("0.0.0.0:+80") == "0.0.0.0:80");
    CHECK(listen_of("tcp://0.0.0.0") == "0.0.0.0:11434");
    CHECK(listen_of("http://[::]") == "[::]:80");
    CHECK(listen_of("::ffff:10.1.2.3") == "10.1.2.3:11434");
    CHECK(read_ollama_host("ollama.com").scheme == "https");
    CHECK(listen_of("ollama.com") == "ollama.com:443");
}

TEST_CASE("the connect address replaces wildcards with loopback", "[ollama][host]") {
    CHECK(read_ollama_host("0.0.0.0").connect_url() == "http://127.0.0.1:11434");
    CHECK(read_ollama_host(":8080").connect_url() == "http://127.0.0.1:8080");
    CHECK(read_ollama_host("[::]").connect_url() == "http://[::1]:11434");
    CHECK(read_ollama_host("::1").connect_url() == "http://[::1]:11434");
    CHECK(read_ollama_host("10.0.0.5:1234").connect_url() == "http://10.0.0.5:1234");
    CHECK(read_ollama_host("https://0.0.0.0:11434").connect_url() == "http://127.0.0.1:11434");
}

TEST_CASE("same_listener compares where Ollama listens, not the text", "[ollama][host]") {
    CHECK(read_ollama_host("0.0.0.0").same_listener(read_ollama_host("http://0.0.0.0:11434/")));
    CHECK(read_ollama_host("[::]").same_listener(read_ollama_host("::")));
    CHECK_FALSE(read_ollama_host("0.0.0.0").same_listener(read_ollama_host("[::]")));
    CHECK_FALSE(read_ollama_host("").same_listener(read_ollama_host("0.0.0.0")));
    CHECK_FALSE(read_ollama_host(":11434").same_listener(read_ollama_host("0.0.0.0")));
}

TEST_CASE("parse_expose_address accepts the forms admins use", "[ollama][expose]") {
    struct Row {
        const char* addr;
        const char* listen;
    };
    const Row rows[] = {
        {"0.0.0.0", "0.0.0.0:11434"},
        {"0.0.0.0:11435", "0.0.0.0:11435"},
        {"[::]", "[::]:11434"},
        {"[::]:11434", "[::]:11434"},
        {"::", "[::]:11434"},
        {"::1", "[::1]:11434"},
        {":11434", ":11434"},
        {"192.168.1.10:8080", "192.168.1.10:8080"},
        {"http://0.0.0.0:11434", "0.0.0.0:11434"},
        {"http://0.0.0.0:11434/", "0.0.0.0:11434"},
        {"localhost", "localhost:11434"},
        {"ollama.example.org:9000", "ollama.example.org:9000"},
        {"https://[::1]:443", "[::1]:443"},
    };
    for (const auto& row : rows) {
        INFO(row.addr);
        auto r = parse_expose_address(row.addr);
        REQUIRE(r);
        CHECK(r->listen_address() == row.listen);
        CHECK(r->same_listener(read_ollama_host(row.addr)));
    }
}

TEST_CASE("parse_expose_address refuses what Ollama would misread", "[ollama][expose]") {
    const char* bad[] = {
        "",
        "0.0.0.0:99999",
        "0.0.0.0:abc",
        "0.0.0.0:0",
        "0.0.0.0:",
        "0.0.0.0:-1",
        "0.0.0.0:+80",
        "http://0.0.0.0",
        "https://0.0.0.0",
        "\"0.0.0.0\"",
        "'0.0.0.0'",
        "0.0.0.0 ",
        " 0.0.0.0",
        "0.0.0.0\n",
        "0.0.0.0\r",
        "0.0.0.0\t",
        "0.0. 0.0",
        "fe80::1%eth0",
        "%H",
        "0.0.0.0/api",
        "ftp://0.0.0.0:1",
        "http://",
        "[1.2.3.4]:80",
        "[::1",
        "::1:99999:",
        "1.2.3.256",
        "bad_name",
        "-lead.example",
        "ollama.com",
        "a\\b",
        "[::]:80:80",
        "0.0.0.0:1:2",
        "x\x7f",
        "\xc3\xa9t\xc3\xa9",
    };
    for (const char* addr : bad) {
        INFO("'" << addr << "'");
        auto r = parse_expose_address(addr);
        REQUIRE_FALSE(r);
        CHECK(r.error().status == ExitStatus::usage);
        CHECK_FALSE(r.error().message.empty());
    }
    auto nul = parse_expose_address(std::string_view("0.0.0.0\0x", 9));
    CHECK_FALSE(nul);
}

TEST_CASE("parse_expose_address explains the scheme's default port", "[ollama][expose]") {
    auto r = parse_expose_address("http://0.0.0.0");
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("port (80)"));
}

TEST_CASE("wildcard: no host, 0.0.0.0 and :: in any spelling Ollama accepts", "[ollama][host]") {
    for (const char* v : {":11434", "0.0.0.0", "0.0.0.0:8080", "[::]:11434", "::", "[0:0::0]:11434",
                          "http://0.0.0.0"}) {
        INFO(v);
        CHECK(netcfg::ollama::read_ollama_host(v).wildcard());
    }
    for (const char* v : {"", "127.0.0.1", "192.0.2.55", "[::1]:11434", "[2001:db8::1]:11434",
                          "myhost", "[::ffff:192.0.2.1]:11434"}) {
        INFO(v);
        CHECK_FALSE(netcfg::ollama::read_ollama_host(v).wildcard());
    }
}
