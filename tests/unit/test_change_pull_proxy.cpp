#include "catch.hpp"
#include "ollama-netcfg/change/pull_proxy.hpp"
#include "ollama-netcfg/unitfile/env_file.hpp"

using namespace netcfg;
using namespace netcfg::change;

namespace {
const std::string managed = "/etc/systemd/system/ollama.service.d/override.conf";

config::LayerInput drop_in(std::string path, std::optional<std::string> content) {
    config::LayerInput l;
    l.kind = config::LayerKind::drop_in;
    l.path = std::move(path);
    l.content = std::move(content);
    return l;
}
} // namespace

TEST_CASE("pull-proxy set: the proxy URL is checked before anything is touched", "[pull-proxy]") {
    for (const char* ok : {"http://proxy.example.org:3128", "https://proxy:443", "http://10.0.0.8",
                           "http://[fd00::8]:3128", "http://proxy:3128/"})
        CHECK(check_proxy_url(ok));
    struct Bad {
        const char* url;
        const char* said;
    };
    for (const auto& b :
         {Bad{"proxy:3128", "must start with http:// or https://"},
          Bad{"socks5://proxy:1080", "must start with http:// or https://"},
          Bad{"http://", "SCHEME://HOST[:PORT]"}, Bad{"http://:3128", "SCHEME://HOST[:PORT]"},
          Bad{"http://proxy:3128/x", "SCHEME://HOST[:PORT]"},
          Bad{"http://pro xy:3128", "SCHEME://HOST[:PORT]"},
          Bad{"http://proxy:0", "the port must be 1-65535"},
          Bad{"http://proxy:65536", "the port must be 1-65535"},
          Bad{"http://proxy:", "the port must be 1-65535"},
          Bad{"http://alice:s3cret@proxy:3128", "has a user and password"}}) {
        INFO(b.url);
        auto st = check_proxy_url(b.url);
        REQUIRE_FALSE(st);
        CHECK(st.error().status == ExitStatus::usage);
        CHECK_THAT(st.error().message, Catch::Contains(b.said));
        CHECK_THAT(st.error().message, !Catch::Contains("s3cret"));
    }
}

TEST_CASE("NO_PROXY keeps loopback and Ollama's own host, then the admin's", "[pull-proxy]") {
    const auto wildcard = ollama::read_ollama_host("0.0.0.0");
    CHECK(no_proxy_value(wildcard, "", {}) == "localhost,127.0.0.1,::1,0.0.0.0");
    CHECK(no_proxy_value(ollama::read_ollama_host(""), "", {}) == "localhost,127.0.0.1,::1");
    CHECK(no_proxy_value(ollama::read_ollama_host("[::]:11500"), "", {}) ==
          "localhost,127.0.0.1,::1,::");
    CHECK(no_proxy_value(wildcard, " .corp.example.org, 10.0.0.0/8,,localhost",
                         {"10.0.0.0/8", "gpu1"}) ==
          "localhost,127.0.0.1,::1,0.0.0.0,.corp.example.org,10.0.0.0/8,gpu1");
    auto split = check_no_proxy({"a.example,b.example", ".corp"});
    REQUIRE(split);
    CHECK(*split == std::vector<std::string>{"a.example", "b.example", ".corp"});
    CHECK_FALSE(check_no_proxy({"a b"}));
    CHECK_FALSE(check_no_proxy({","}));
}

TEST_CASE("a variable set and taken out again gives the drop-in's bytes back", "[pull-proxy]") {
    const std::string before = "# mine\r\n[Service]\r\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\r\n";
    auto set = plan_setting({drop_in(managed, before)}, "ollama.service", managed, "HTTPS_PROXY",
                            std::string("http://proxy:3128"), false);
    REQUIRE(set);
    REQUIRE(set->edits.size() == 1);
    const auto after = *set->edits[0].new_content;
    CHECK_THAT(after, Catch::Contains("HTTPS_PROXY=http://proxy:3128"));
    CHECK(set->target.environment == "http://proxy:3128");
    CHECK_FALSE(set->previous.environment);
    auto unset = plan_setting({drop_in(managed, after)}, "ollama.service", managed, "HTTPS_PROXY",
                              std::nullopt, false);
    REQUIRE(unset);
    REQUIRE(unset->edits.size() == 1);
    CHECK(unset->edits[0].new_content == before);
}

TEST_CASE("unset leaves the admin's own assignment elsewhere; set moves one that wins",
          "[pull-proxy]") {
    const std::string own = "/etc/systemd/system/ollama.service.d/zz-proxy.conf";
    const std::string own_content = "[Service]\nEnvironment=HTTPS_PROXY=http://old:3128\n";
    // The admin's zz-proxy.conf sorts after override.conf and would win:
    // set takes it out (a copy kept); unset touches nothing but the managed one.
    auto set =
        plan_setting({drop_in(managed, "[Service]\n"), drop_in(own, own_content)}, "ollama.service",
                     managed, "HTTPS_PROXY", std::string("http://proxy:3128"), false);
    REQUIRE(set);
    REQUIRE(set->edits.size() == 2);
    CHECK(set->edits[1].path == own);
    CHECK(set->edits[1].keep_backup);
    CHECK(set->previous.environment == "http://old:3128");
    auto unset = plan_setting({drop_in(managed, "[Service]\n"), drop_in(own, own_content)},
                              "ollama.service", managed, "HTTPS_PROXY", std::nullopt, false);
    REQUIRE(unset);
    for (const auto& e : unset->edits)
        CHECK_FALSE(e.changes());
    // --runtime (only the managed drop-in): refused, naming the winner.
    auto runtime =
        plan_setting({drop_in(managed, "[Service]\n"), drop_in(own, own_content)}, "ollama.service",
                     managed, "HTTPS_PROXY", std::string("http://proxy:3128"), true);
    REQUIRE_FALSE(runtime);
    CHECK_THAT(runtime.error().message, Catch::Contains(own));
}

TEST_CASE("--env-file: a password goes into a root-only file the drop-in names", "[pull-proxy]") {
    CHECK(check_proxy_url("http://alice:s3cret@proxy:3128", true));
    CHECK_FALSE(check_proxy_url("http://alice:s3cret@proxy:3128/x", true));
    const auto file = proxy_env_file("ollama.service");
    CHECK(file == "/etc/ollama-netcfg/pull-proxy-ollama.service.env");
    // Written as systemd reads it back, whatever the password holds.
    for (const std::string url : {"http://alice:s3cret@proxy:3128", "http://a:p$w\"d`\\x@proxy"}) {
        auto e = env_file_edit("ollama.service", std::nullopt, url);
        CHECK(e.mode == 0600);
        REQUIRE(e.new_content);
        CHECK(unitfile::env_file_value(*e.new_content, "HTTPS_PROXY") == url);
        CHECK_THAT(e.log_message, !Catch::Contains("s3cret"));
        CHECK(*e.shown(e.new_content) == "(a secret, mode 0600: not shown)\n");
    }
    CHECK_FALSE(env_file_edit("ollama.service", std::nullopt, std::nullopt).changes());
    CHECK_FALSE(env_file_edit("ollama.service", "x", std::nullopt).new_content);
    // The drop-in's line, added once and taken out again to the same bytes.
    const std::string dropin = "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n";
    auto on = env_file_line_edit(managed, dropin, dropin, "ollama.service", true);
    REQUIRE(on.new_content);
    CHECK_THAT(*on.new_content, Catch::Contains("EnvironmentFile=" + file));
    CHECK_FALSE(env_file_line_edit(managed, on.new_content, on.new_content, "ollama.service", true)
                    .changes());
    auto off = env_file_line_edit(managed, on.new_content, on.new_content, "ollama.service", false);
    CHECK(off.new_content == dropin);
}
