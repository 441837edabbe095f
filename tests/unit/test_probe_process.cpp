#include "catch.hpp"
#include "ollama-netcfg/probe/process.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace netcfg::probe;

namespace {

// A child that looks, for a while, like a process systemd has forked for a
// unit and not yet executed ("(ollama)"), then like the program itself.
pid_t forked_like_systemd(std::chrono::milliseconds before_exec) {
    pid_t pid = fork();
    if (pid == 0) {
        setenv("NETCFG_PROBE_TEST", "set", 1);
        prctl(PR_SET_NAME, "(ollama)");
        std::this_thread::sleep_for(before_exec);
        prctl(PR_SET_NAME, "ollama");
        pause();
        _exit(0);
    }
    return pid;
}

void end(pid_t pid) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
}

} // namespace

TEST_CASE("a process systemd has not yet executed is waited for", "[probe][process]") {
    CHECK(has_executed_its_command(getpid()));
    pid_t pid = forked_like_systemd(std::chrono::milliseconds(100));
    REQUIRE(pid > 0);
    // Until the child has named itself, it is this process's copy.
    while (process_name(pid) != "(ollama)")
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    CHECK_FALSE(has_executed_its_command(pid));
    // The value is read after the "exec", never from the environment before it.
    auto v = process_environment_value(pid, "NETCFG_PROBE_TEST");
    CHECK(has_executed_its_command(pid));
    end(pid);
    REQUIRE(v);
    // /proc/PID/environ is the environment at exec; prctl does not change it,
    // so the child's setenv is not there: what matters is that it was read
    // after the name changed.
    CHECK_FALSE(v->has_value());
}

TEST_CASE("a process that never executes its command is a failure, not a value",
          "[probe][process]") {
    pid_t pid = forked_like_systemd(std::chrono::hours(1));
    REQUIRE(pid > 0);
    while (process_name(pid) != "(ollama)")
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto v = process_environment_value(pid, "PATH");
    end(pid);
    REQUIRE_FALSE(v);
    CHECK(v.error().message.find("has not started its command yet") != std::string::npos);
}
