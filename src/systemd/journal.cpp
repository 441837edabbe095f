#include "ollama-netcfg/systemd/journal.hpp"

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <memory>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

namespace netcfg::systemd {
namespace {

struct JournalClose {
    void operator()(sd_journal* j) const { sd_journal_close(j); }
};
using JournalPtr = std::unique_ptr<sd_journal, JournalClose>;

std::string field(sd_journal* j, const char* name) {
    const void* data = nullptr;
    size_t len = 0;
    if (sd_journal_get_data(j, name, &data, &len) < 0)
        return {};
    std::string s(static_cast<const char*>(data), len);
    auto eq = s.find('=');
    return eq == std::string::npos ? std::string{} : s.substr(eq + 1);
}

} // namespace

std::vector<std::string> last_journal_lines(const std::string& unit, std::size_t count) {
    std::vector<std::string> lines;
    sd_journal* raw = nullptr;
    if (sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
        return lines;
    JournalPtr j(raw);
    auto own = "_SYSTEMD_UNIT=" + unit;
    auto about = "UNIT=" + unit;
    if (sd_journal_add_match(j.get(), own.c_str(), 0) < 0 ||
        sd_journal_add_disjunction(j.get()) < 0 ||
        sd_journal_add_match(j.get(), about.c_str(), 0) < 0 ||
        sd_journal_add_match(j.get(), "_PID=1", 0) < 0)
        return lines;
    if (sd_journal_seek_tail(j.get()) < 0)
        return lines;
    std::size_t n = 0;
    while (n < count && sd_journal_previous(j.get()) > 0) {
        auto ident = field(j.get(), "SYSLOG_IDENTIFIER");
        auto pid = field(j.get(), "_PID");
        lines.push_back(
            fmt::format("{}[{}]: {}", ident.empty() ? "?" : ident, pid, field(j.get(), "MESSAGE")));
        ++n;
    }
    return {lines.rbegin(), lines.rend()};
}

FailureRun failure_run(const std::string& unit, std::string_view error, std::string_view success,
                       std::size_t limit) {
    FailureRun run;
    sd_journal* raw = nullptr;
    if (sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM) < 0)
        return run;
    JournalPtr j(raw);
    sd_id128_t boot;
    if (sd_id128_get_boot(&boot) < 0)
        return run;
    char id[SD_ID128_STRING_MAX];
    const auto own = "_SYSTEMD_UNIT=" + unit;
    const auto this_boot = std::string("_BOOT_ID=") + sd_id128_to_string(boot, id);
    if (sd_journal_add_match(j.get(), own.c_str(), 0) < 0 ||
        sd_journal_add_match(j.get(), this_boot.c_str(), 0) < 0 ||
        sd_journal_seek_tail(j.get()) < 0)
        return run;
    for (std::size_t n = 0; n < limit && sd_journal_previous(j.get()) > 0; ++n) {
        const auto message = field(j.get(), "MESSAGE");
        if (message.find(success) != std::string::npos)
            break;
        if (message.find(error) == std::string::npos)
            continue;
        std::uint64_t usec = 0;
        if (sd_journal_get_realtime_usec(j.get(), &usec) < 0)
            continue;
        if (run.last.empty())
            run.last = fmt::format("{}[{}]: {}", field(j.get(), "SYSLOG_IDENTIFIER"),
                                   field(j.get(), "_PID"), message);
        run.first_usec = usec;
        ++run.count;
    }
    return run;
}

void log_entry(const std::string& message, const std::map<std::string, std::string>& fields,
               int priority) {
    std::vector<std::string> items;
    items.push_back("MESSAGE=" + message);
    items.push_back(fmt::format("PRIORITY={}", priority));
    items.push_back("SYSLOG_IDENTIFIER=ollama-netcfg");
    for (const auto& [k, v] : fields)
        items.push_back(k + "=" + v);
    std::vector<iovec> iov;
    for (auto& s : items)
        iov.push_back({s.data(), s.size()});
    sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

bool stdout_is_journal() {
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream)
        return false;
    unsigned long long dev = 0, ino = 0;
    if (std::sscanf(stream, "%llu:%llu", &dev, &ino) != 2)
        return false;
    struct stat st {};
    if (fstat(STDOUT_FILENO, &st) != 0)
        return false;
    return st.st_dev == dev && st.st_ino == ino;
}

} // namespace netcfg::systemd
