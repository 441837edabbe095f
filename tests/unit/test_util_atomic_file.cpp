#include "catch.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "temp_dir.hpp"

#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace netcfg;

namespace {

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir))
        out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST_CASE("write_file_atomic writes mode 0644 whatever the umask, and leaves no temp file",
          "[util][atomic_file]") {
    TempDir t;
    auto old_umask = umask(077);
    auto file = t.path / "override.conf";
    REQUIRE(write_file_atomic(file, "one\n"));
    REQUIRE(write_file_atomic(file, "two\n"));
    umask(old_umask);
    auto content = read_file(file);
    REQUIRE(content);
    REQUIRE(*content);
    CHECK(**content == "two\n");
    struct stat st {};
    REQUIRE(stat(file.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0644);
    CHECK(entries(t.path) == std::vector<std::string>{"override.conf"});
}

TEST_CASE("write_file_atomic replaces a planted symlink instead of following it",
          "[util][atomic_file]") {
    TempDir t;
    auto victim = t.path / "victim";
    REQUIRE(write_file_atomic(victim, "precious\n"));
    auto file = t.path / "override.conf";
    fs::create_symlink(victim, file);
    REQUIRE(write_file_atomic(file, "new\n"));
    CHECK(**read_file(victim) == "precious\n");
    CHECK_FALSE(fs::is_symlink(file));
    CHECK(**read_file(file) == "new\n");
}

TEST_CASE("write_file_atomic does not follow a directory link another user could have planted",
          "[util][atomic_file][links]") {
    TempDir t;
    fs::create_directory(t.path / "target");
    fs::create_directory(t.path / "open");
    fs::permissions(t.path / "open", fs::perms::all); // 0777: anyone may swap its entries
    fs::create_directory_symlink(t.path / "target", t.path / "open" / "textfile");
    auto st = write_file_atomic(t.path / "open" / "textfile" / "ollama.prom", "x 1\n");
    REQUIRE_FALSE(st);
    CHECK(st.error().message.find((t.path / "open" / "textfile").string() +
                                  " is a symbolic link in " + (t.path / "open").string()) !=
          std::string::npos);
    CHECK(st.error().hint.find("chmod go-w") != std::string::npos);
    CHECK(entries(t.path / "target").empty());
    // The same link, relative and through "..", in a directory of root's alone
    // (the scratch directory is 0700 and, in CI, root's): followed. Another
    // user's directory is not root's, so for them it is refused too.
    fs::create_directory_symlink("open/../target", t.path / "rel");
    fs::permissions(t.path / "open", fs::perms::owner_all);
    st = write_file_atomic(t.path / "rel" / "ollama.prom", "x 1\n");
    if (geteuid() == 0) {
        REQUIRE(st);
        CHECK(**read_file(t.path / "target" / "ollama.prom") == "x 1\n");
    } else {
        CHECK_FALSE(st);
    }
}

TEST_CASE("read_file tells a missing file from an empty one", "[util][atomic_file]") {
    TempDir t;
    auto missing = read_file(t.path / "nope");
    REQUIRE(missing);
    CHECK_FALSE(*missing);
    REQUIRE(write_file_atomic(t.path / "empty", ""));
    auto empty = read_file(t.path / "empty");
    REQUIRE(empty);
    REQUIRE(*empty);
    CHECK((*empty)->empty());
}

TEST_CASE("ensure_directory creates one level and refuses a file in the way",
          "[util][atomic_file]") {
    TempDir t;
    auto dir = t.path / "ollama.service.d";
    REQUIRE(ensure_directory(dir, 0755));
    REQUIRE(ensure_directory(dir, 0755));
    CHECK(fs::is_directory(dir));
    REQUIRE(write_file_atomic(t.path / "file", "x"));
    CHECK_FALSE(ensure_directory(t.path / "file", 0755));
    auto denied = write_file_atomic(t.path / "no-such-dir" / "x.conf", "x");
    REQUIRE_FALSE(denied);
    CHECK_THAT(denied.error().message, Catch::Contains("no-such-dir"));
}

TEST_CASE("remove_file_durable removes, and a missing file is fine", "[util][atomic_file]") {
    TempDir t;
    REQUIRE(write_file_atomic(t.path / "x.conf", "x"));
    REQUIRE(remove_file_durable(t.path / "x.conf"));
    REQUIRE(remove_file_durable(t.path / "x.conf"));
    CHECK(entries(t.path).empty());
}
