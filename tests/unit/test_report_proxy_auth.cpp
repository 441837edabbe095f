#include "ollama-netcfg/report/proxy_config.hpp"

#include "catch.hpp"

using namespace netcfg;
using namespace netcfg::report;

namespace {
ollama::HostSetting loopback() { return ollama::read_ollama_host(""); }
} // namespace

TEST_CASE("bearer key files: one key per line, comments skipped, syntax that cannot escape",
          "[proxy]") {
    auto k = parse_api_keys("# lab\n\n  k-1  \nabc.DEF_ghi~+/==\r\nk-1\n");
    REQUIRE(k);
    CHECK(*k == std::vector<std::string>{"k-1", "abc.DEF_ghi~+/=="});
    for (const char* bad : {"two words\n", "k\"1\n", "k;1\n", "k$x\n", "k{1}\n", "==\n", "k=1\n",
                            "# only a comment\n", ""}) {
        INFO(bad);
        auto r = parse_api_keys(bad);
        REQUIRE_FALSE(r);
        CHECK(r.error().status == ExitStatus::usage);
        CHECK_FALSE(r.error().hint.empty());
    }
}

TEST_CASE("htpasswd files: user:hash, bcrypt only for Caddy", "[proxy]") {
    auto u = parse_htpasswd("alice:$2y$05$abcdefghijklmnopqrstuv\n# x\nbob:$apr1$x$y\n", false);
    REQUIRE(u);
    REQUIRE(u->size() == 2);
    CHECK((*u)[0].user == "alice");
    CHECK((*u)[1].hash == "$apr1$x$y");
    auto caddy = parse_htpasswd("alice:$2y$05$abc\nbob:$apr1$x$y\n", true);
    REQUIRE_FALSE(caddy);
    CHECK(caddy.error().message.find("bob") != std::string::npos);
    CHECK(caddy.error().hint.find("htpasswd -B") != std::string::npos);
    CHECK_FALSE(parse_htpasswd("nocolon\n", false));
    CHECK_FALSE(parse_htpasswd(":hash\n", false));
    CHECK_FALSE(parse_htpasswd("a b:$2y$x\n", false));
    CHECK_FALSE(parse_htpasswd("", false));
}

TEST_CASE("the include files hold the keys; the blocks only name them", "[proxy]") {
    const std::vector<std::string> keys{"k-1", "k-2"};
    CHECK(nginx_key_map(keys, "/etc/nginx/keys").find("\"Bearer k-1\" 1;\n\"Bearer k-2\" 1;\n") !=
          std::string::npos);
    CHECK(caddy_key_matcher(keys, "/etc/caddy/keys")
              .find("@ollama_no_key not header Authorization \"Bearer k-1\" \"Bearer k-2\"\n") !=
          std::string::npos);
    CHECK(caddy_basic_auth({{"alice", "$2y$05$h"}}, "/h").find("basicauth {\n\talice $2y$05$h\n}\n") !=
          std::string::npos);

    ProxyConfigOptions o{"ollama.test", "", "", ProxyAuth::bearer, "/etc/nginx/keys",
                         "/etc/nginx/keys.nginx-map"};
    auto nginx = nginx_config(loopback(), o);
    CHECK(nginx.find("map $http_authorization $ollama_key_ok {\n    default 0;\n    include "
                     "/etc/nginx/keys.nginx-map;\n}\n") != std::string::npos);
    CHECK(nginx.find("if ($ollama_key_ok = 0)") != std::string::npos);
    CHECK(nginx.find("return 401;") != std::string::npos);
    CHECK(nginx.find("k-1") == std::string::npos);
    CHECK(nginx.find("proxy_set_header Host localhost:11434;") != std::string::npos);
    o.include_file = "/etc/caddy/keys.caddy";
    auto caddy = caddy_config(loopback(), o);
    CHECK(caddy.find("import /etc/caddy/keys.caddy\n") != std::string::npos);
    CHECK(caddy.find("handle @ollama_no_key {") != std::string::npos);
    CHECK(caddy.find("respond 401") != std::string::npos);

    o = {"ollama.test", "", "", ProxyAuth::basic, "/etc/nginx/htpasswd", ""};
    nginx = nginx_config(loopback(), o);
    CHECK(nginx.find("auth_basic_user_file /etc/nginx/htpasswd;") != std::string::npos);
    CHECK(nginx.find("map $http_authorization") == std::string::npos);
    // Without authentication the block is as before.
    CHECK(nginx_config(loopback(), {"ollama.test", "", "", ProxyAuth::none, "", ""})
              .find("auth") == std::string::npos);
}
