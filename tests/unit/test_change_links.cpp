#include "catch.hpp"
#include "ollama-netcfg/change/links.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace netcfg;
using namespace netcfg::change;

TEST_CASE("why_not_roots: every entry root's and writable by root only", "[links]") {
    const std::vector<PathEntry> ok{{"/", 0, S_IFDIR | 0755},
                                    {"/etc", 0, S_IFDIR | 0755},
                                    {"/etc/ollama", 0, S_IFDIR | 0700},
                                    {"/etc/ollama/net.conf", 0, S_IFREG | 0644}};
    CHECK_FALSE(why_not_roots(ok));
    auto owned = ok;
    owned[2].owner = 1000;
    CHECK(why_not_roots(owned) == "/etc/ollama is owned by uid 1000, not root");
    auto group = ok;
    group[2].mode = S_IFDIR | 0775;
    CHECK(why_not_roots(group) == "/etc/ollama is writable by its group (mode 0775)");
    auto others = ok;
    others[3].mode = S_IFREG | 0666;
    CHECK(why_not_roots(others) == "/etc/ollama/net.conf is writable by every user (mode 0666)");
    // A sticky directory (/tmp) is still one where others create names.
    auto sticky = ok;
    sticky[1].mode = S_IFDIR | 01777;
    CHECK(why_not_roots(sticky) == "/etc is writable by every user (mode 1777)");
}

namespace {

FileEdit edit_of(const fs::path& p, std::optional<std::string> next) {
    FileEdit e;
    e.path = p;
    e.old_content = "[Service]\n";
    e.new_content = std::move(next);
    return e;
}

} // namespace

TEST_CASE("follow_links refuses a path others can change, and leaves plain files", "[links]") {
    TempDir s; // under /tmp (mode 1777): never root's alone
    std::ofstream(s.path / "target.conf") << "[Service]\n";
    fs::create_symlink(s.path / "target.conf", s.path / "override.conf");
    std::ofstream(s.path / "plain.conf") << "[Service]\n";

    std::vector<std::string> notes;
    std::vector<FileEdit> plain{edit_of(s.path / "plain.conf", "[Service]\nX=1\n")};
    REQUIRE(follow_links(plain, false, notes));
    CHECK(plain[0].path == s.path / "plain.conf");
    CHECK(notes.empty());

    std::vector<FileEdit> linked{edit_of(s.path / "override.conf", "[Service]\nX=1\n")};
    auto st = follow_links(linked, false, notes);
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().message,
               Catch::Contains("is a symbolic link to " + (s.path / "target.conf").string()) &&
                   Catch::Contains("is writable by every user (mode 1777)") &&
                   Catch::Contains("root does not write through a path another user can change"));
    CHECK_THAT(st.error().hint, Catch::Contains("cp --remove-destination"));
    CHECK(linked[0].path == s.path / "override.conf");

    // A link that leads nowhere is refused too.
    fs::create_symlink(s.path / "gone.conf", s.path / "dangling.conf");
    std::vector<FileEdit> dangling{edit_of(s.path / "dangling.conf", "[Service]\nX=1\n")};
    st = follow_links(dangling, true, notes);
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().message, Catch::Contains("which does not lead to a file"));
}

TEST_CASE("follow_links removes a link whose file is removed, and says so", "[links]") {
    TempDir s;
    std::ofstream(s.path / "target.conf") << "[Service]\n";
    fs::create_symlink(s.path / "target.conf", s.path / "override.conf");
    std::vector<std::string> notes;
    std::vector<FileEdit> removed{edit_of(s.path / "override.conf", std::nullopt)};
    REQUIRE(follow_links(removed, true, notes));
    CHECK(removed[0].path == s.path / "override.conf"); // the link, not its file
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0],
               Catch::Contains("the link would be removed") && Catch::Contains("stays as it was"));
}
