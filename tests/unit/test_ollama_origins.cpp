#include "ollama-netcfg/ollama/origins.hpp"

#include "catch.hpp"

using namespace netcfg::ollama;
using Entries = std::vector<std::string>;

TEST_CASE("OLLAMA_ORIGINS is split on every comma, entries not trimmed", "[origins]") {
    CHECK(split_origins("").empty());
    CHECK(split_origins("   ").empty());
    CHECK(split_origins("http://a") == Entries{"http://a"});
    CHECK(split_origins("http://a,http://b") == Entries{"http://a", "http://b"});
    CHECK(split_origins("http://a, http://b") == Entries{"http://a", " http://b"});
    CHECK(split_origins("http://a,") == Entries{"http://a", ""});
    // envconfig.Var trims the whole value: spaces, then quotes.
    CHECK(split_origins(" \"http://a,http://b\" ") == Entries{"http://a", "http://b"});
    CHECK(split_origins("'http://a'") == Entries{"http://a"});
    CHECK(join_origins({"http://a", "http://b"}) == "http://a,http://b");
}

TEST_CASE("Ollama's built-in origins, in its order", "[origins]") {
    const auto& b = builtin_origins();
    REQUIRE(b.size() == 17);
    CHECK(b[0] == "http://localhost");
    CHECK(b[1] == "https://localhost");
    CHECK(b[2] == "http://localhost:*");
    CHECK(b[3] == "https://localhost:*");
    CHECK(b[4] == "http://127.0.0.1");
    CHECK(b[11] == "https://0.0.0.0:*");
    CHECK(b[12] == "app://*");
    CHECK(b[16] == "vscode-file://*");
}

TEST_CASE("what makes Ollama panic at start-up", "[origins]") {
    CHECK_FALSE(origins_panic(""));
    CHECK_FALSE(origins_panic("*"));
    CHECK_FALSE(origins_panic("http://a,https://b:8080"));
    CHECK_FALSE(origins_panic("chrome-extension://abc"));
    CHECK_FALSE(origins_panic("moz-extension://abc,safari-extension://x,ms-browser-extension://y"));
    CHECK_FALSE(origins_panic("http://*.example.com"));
    CHECK_FALSE(origins_panic("*.example.com")); // a '*' skips the scheme check
    CHECK_FALSE(origins_panic(" http://a"));       // the whole value is trimmed
    auto p = origins_panic("null");
    REQUIRE(p);
    CHECK(p->entry == "null");
    CHECK(p->message.starts_with("bad origin: origins must contain '*' or include http://"));
    p = origins_panic("http://a, http://b");
    REQUIRE(p);
    CHECK(p->entry == " http://b");
    p = origins_panic("http://a,");
    REQUIRE(p);
    CHECK(p->entry.empty());
    CHECK(origins_panic("ws://a"));
    CHECK(origins_panic("file:///x"));
    CHECK(origins_panic("HTTP://a")); // the scheme check is case-sensitive
    p = origins_panic("http://*.a.*");
    REQUIRE(p);
    CHECK(p->message == "only one * is allowed");
    // Validate() runs over all entries before the wildcard rules.
    p = origins_panic("http://*.*,null");
    REQUIRE(p);
    CHECK(p->entry == "null");
}

TEST_CASE("origins an admin may add", "[origins]") {
    // * only when the admin says so; null never, with what it would take.
    CHECK(refuse_origin_argument("*")->find("--yes-any-site") != std::string::npos);
    CHECK_FALSE(refuse_origin_argument("*", true));
    CHECK(refuse_origin_argument("null", true)->find("no entry but *") != std::string::npos);
    // Already let through by Ollama's own list: nothing to refuse (nor to add),
    // although Ollama would panic on app://obsidian.md as an entry.
    CHECK_FALSE(refuse_origin_argument("app://obsidian.md"));
    CHECK_FALSE(refuse_origin_argument("vscode-webview://1a2b3c"));
    CHECK(refuse_origin_argument("ws://a"));
    CHECK_FALSE(refuse_origin_argument("http://192.168.1.50:3000"));
    CHECK_FALSE(refuse_origin_argument("https://chat.example.org"));
    CHECK_FALSE(refuse_origin_argument("http://[2001:db8::1]:3000"));
    CHECK_FALSE(refuse_origin_argument("chrome-extension://abcdef"));
    CHECK_FALSE(refuse_origin_argument("https://*.example.org"));
    CHECK(refuse_origin_argument(""));
    CHECK(refuse_origin_argument("null"));
    CHECK(refuse_origin_argument(" http://x"));
    CHECK(refuse_origin_argument("http://x "));
    CHECK(refuse_origin_argument("http://a,http://b"));
    CHECK(refuse_origin_argument("\"http://a\""));
    CHECK(refuse_origin_argument("http://*.a.*"));
    CHECK(refuse_origin_argument("ws://a"));
    CHECK(refuse_origin_argument("http://"));
    CHECK(refuse_origin_argument("http://a/"));
    CHECK(refuse_origin_argument("http://a/app"));
    CHECK(refuse_origin_argument("192.168.1.50:3000")->find("SCHEME://HOST") !=
          std::string::npos);
}

TEST_CASE("which entry lets an Origin through", "[origins]") {
    auto d = decide_origin("", "http://192.0.2.10:3000");
    CHECK_FALSE(d.allowed);
    d = decide_origin("http://192.0.2.10:3000", "http://192.0.2.10:3000");
    CHECK(d.allowed);
    CHECK_FALSE(d.builtin);
    CHECK(d.entry == "http://192.0.2.10:3000");
    CHECK_FALSE(decide_origin("http://192.0.2.10:3000", "http://192.0.2.10:3001").allowed);
    CHECK_FALSE(decide_origin("http://192.0.2.10", "http://192.0.2.10:3000").allowed);
    // Exact entries compare trimmed and in lower case.
    CHECK(decide_origin("HTTP://Chat.Example.org", "http://chat.example.org").allowed);
    // Wildcards: prefix, suffix, both.
    CHECK(decide_origin("http://192.0.2.10:*", "http://192.0.2.10:3000").allowed);
    CHECK(decide_origin("*.example.org", "https://chat.example.org").allowed);
    CHECK(decide_origin("https://*.example.org", "https://chat.example.org").allowed);
    CHECK_FALSE(decide_origin("https://*.example.org", "http://chat.example.org").allowed);
    // All.
    d = decide_origin("http://a,*", "http://anything");
    CHECK(d.allowed);
    CHECK(d.all);
    // Built in.
    d = decide_origin("", "http://localhost:3000");
    CHECK(d.allowed);
    CHECK(d.builtin);
    CHECK(d.entry == "http://localhost:*");
    CHECK(decide_origin("", "https://127.0.0.1").builtin);
    CHECK(decide_origin("", "app://anything").allowed);
    CHECK_FALSE(decide_origin("", "chrome-extension://abc").allowed);
    CHECK(decide_origin("chrome-extension://abc", "chrome-extension://abc").allowed);
    CHECK_FALSE(decide_origin("", "http://localhost.example.org").allowed);
    // No Origin, or the request's own Host: not a cross-origin request.
    CHECK(decide_origin("", "").allowed);
    CHECK(decide_origin("", "http://192.0.2.1:11434", "192.0.2.1:11434").allowed);
    CHECK_FALSE(decide_origin("", "http://192.0.2.1:11434", "192.0.2.1").allowed);
}

TEST_CASE("adding and removing entries keeps the admin's order", "[origins]") {
    Entries hand{"http://b", "http://a"};
    CHECK(with_origins(hand, {"http://c", "http://a"}) == Entries{"http://b", "http://a", "http://c"});
    CHECK(with_origins(hand, {"http://a"}) == hand);
    CHECK(with_origins({}, {"http://x", "http://x"}) == Entries{"http://x"});
    CHECK(without_origins(hand, {"http://b"}) == Entries{"http://a"});
    CHECK(without_origins(hand, {"http://z"}) == hand);
    CHECK(without_origins(hand, hand).empty());
}

TEST_CASE("presets: the entries Ollama's FAQ lists for browser extensions", "[origins]") {
    const auto* p = find_origin_preset("browser-extensions");
    REQUIRE(p);
    CHECK(p->entries == std::vector<std::string>{"chrome-extension://*", "moz-extension://*",
                                                 "safari-web-extension://*"});
    CHECK(find_origin_preset("chrome-extensions")->entries ==
          std::vector<std::string>{"chrome-extension://*"});
    CHECK_FALSE(find_origin_preset("nonsense"));
    // Every preset's value is one Ollama starts with.
    for (const auto& preset : origin_presets())
        CHECK_FALSE(origins_panic(join_origins(preset.entries)));
}

TEST_CASE("proof_origin: what a real client sends, for each kind of entry", "[origins]") {
    CHECK(proof_origin("http://192.168.1.50:3000") == "http://192.168.1.50:3000");
    const auto chrome = proof_origin("chrome-extension://*");
    CHECK(chrome == "chrome-extension://abcdefghijklmnopabcdefghijklmnop");
    CHECK(proof_origin("moz-extension://*") ==
          "moz-extension://0f9e2a3c-4b5d-4e6f-8a7b-9c0d1e2f3a4b");
    CHECK(proof_origin("safari-web-extension://*").starts_with("safari-web-extension://0f9e"));
    CHECK(proof_origin("https://*.example.org") == "https://app.example.org");
    CHECK(proof_origin("http://localhost:*") == "http://localhost:8080");
    // Each proof origin is let through by its entry, and not the literal *.
    for (const char* e : {"chrome-extension://*", "moz-extension://*", "safari-web-extension://*",
                          "https://*.example.org", "http://localhost:*", "http://10.0.0.5:3000"}) {
        INFO(e);
        CHECK(decide_origin(e, proof_origin(e)).allowed);
        CHECK(proof_origin(e).find('*') == std::string::npos);
    }
}
