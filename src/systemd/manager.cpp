#include "ollama-netcfg/systemd/manager.hpp"

#include <cstring>
#include <fmt/format.h>
#include <map>
#include <set>

namespace netcfg::systemd {

// What to do when systemd does not answer as expected.
constexpr const char* bus_hint =
    "check that systemd runs and answers: `systemctl is-system-running`; run again with -v "
    "for the bus messages";
namespace {

constexpr const char* destination = "org.freedesktop.systemd1";
constexpr const char* manager_path = "/org/freedesktop/systemd1";
constexpr const char* manager_iface = "org.freedesktop.systemd1.Manager";
constexpr const char* unit_iface = "org.freedesktop.systemd1.Unit";
constexpr const char* service_iface = "org.freedesktop.systemd1.Service";

std::uint64_t usec_until(Deadline deadline) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now());
    return left.count() > 0 ? static_cast<std::uint64_t>(left.count()) : 1;
}

struct PropertyReader {
    sd_bus* bus;
    const std::string& path;
    std::string failed; // the first property that could not be read

    std::string str(const char* iface, const char* name) {
        BusError err;
        char* out = nullptr;
        int r = sd_bus_get_property_string(bus, destination, path.c_str(), iface, name, err.get(),
                                           &out);
        if (r < 0) {
            note(name, err.describe(r));
            return {};
        }
        std::string s(out ? out : "");
        free(out);
        return s;
    }

    std::vector<std::string> strv(const char* iface, const char* name) {
        BusError err;
        char** out = nullptr;
        int r =
            sd_bus_get_property_strv(bus, destination, path.c_str(), iface, name, err.get(), &out);
        std::vector<std::string> v;
        if (r < 0) {
            note(name, err.describe(r));
            return v;
        }
        for (char** p = out; p && *p; ++p) {
            v.emplace_back(*p);
            free(*p);
        }
        free(out);
        return v;
    }

    void note(const char* name, const std::string& why) {
        if (failed.empty())
            failed = fmt::format("{}: {}", name, why);
    }
};

int on_job_removed(sd_bus_message* m, void* userdata, sd_bus_error*) {
    auto* removed = static_cast<std::map<std::string, std::string>*>(userdata);
    std::uint32_t id = 0;
    const char *path = nullptr, *unit = nullptr, *result = nullptr;
    if (sd_bus_message_read(m, "uoss", &id, &path, &unit, &result) >= 0)
        (*removed)[path] = result;
    return 0;
}

} // namespace

std::optional<std::string> environment_list_value(const std::vector<std::string>& env,
                                                  std::string_view name) {
    std::optional<std::string> v;
    for (const auto& e : env)
        if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
            v = e.substr(name.size() + 1);
    return v;
}

std::optional<std::string> UnitState::environment_value(std::string_view var) const {
    return environment_list_value(environment, var);
}

Result<Manager> Manager::connect(Route route) {
    auto c = connect_manager(route);
    if (!c)
        return c.error();
    return Manager(std::move(*c));
}

Result<MessagePtr> Manager::call(const char* member, Deadline deadline, const char* types,
                                 const char* a, const char* b) {
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_call(conn_.bus.get(), &raw, destination, manager_path,
                                           manager_iface, member);
    MessagePtr msg(raw);
    if (r >= 0 && types)
        r = b ? sd_bus_message_append(msg.get(), types, a, b)
              : sd_bus_message_append(msg.get(), types, a);
    if (r < 0)
        return failure(fmt::format("cannot build {} call: {}", member, std::strerror(-r)),
                       bus_hint);
    BusError err;
    sd_bus_message* reply = nullptr;
    r = sd_bus_call(conn_.bus.get(), msg.get(), usec_until(deadline), err.get(), &reply);
    if (r < 0)
        return failure(fmt::format("systemd {} failed: {}", member, err.describe(r)), bus_hint);
    return MessagePtr(reply);
}

Result<std::string> Manager::unit_path(const std::string& unit) {
    auto reply = call("LoadUnit", Clock::now() + std::chrono::seconds(25), "s", unit.c_str());
    if (!reply)
        return reply.error();
    const char* path = nullptr;
    int r = sd_bus_message_read(reply->get(), "o", &path);
    if (r < 0)
        return failure(fmt::format("bad LoadUnit reply: {}", std::strerror(-r)), bus_hint);
    return std::string(path);
}

bool Manager::is_active(const std::string& unit) {
    // GetUnit, unlike LoadUnit, does not make systemd search the disk for a
    // unit that is not loaded, and a unit that is not loaded is not active.
    auto reply = call("GetUnit", Clock::now() + std::chrono::seconds(5), "s", unit.c_str());
    if (!reply)
        return false;
    const char* path = nullptr;
    if (sd_bus_message_read(reply->get(), "o", &path) < 0)
        return false;
    const std::string p = path;
    PropertyReader r{conn_.bus.get(), p, {}};
    return r.str(unit_iface, "ActiveState") == "active";
}

bool Manager::knows(const std::string& unit) {
    // LoadUnit loads a unit file that is on disk but not loaded yet (a
    // disabled docker.service): what matters is that the unit exists.
    auto path = unit_path(unit);
    if (!path)
        return false;
    PropertyReader r{conn_.bus.get(), *path, {}};
    return r.str(unit_iface, "LoadState") == "loaded";
}

Result<UnitState> Manager::unit_state(const std::string& unit) {
    auto path = unit_path(unit);
    if (!path)
        return path.error();
    // Two GetAll calls rather than one Get per property: each is a round
    // trip to PID 1, and `check` runs every minute on many hosts.
    auto u = get_all(*path, unit_iface,
                     {"LoadState", "ActiveState", "SubState", "NeedDaemonReload", "FragmentPath",
                      "DropInPaths", "ActiveEnterTimestamp", "UnitFileState", "After", "Wants"});
    if (!u)
        return failure(fmt::format("cannot read properties of {}: {}", unit, u.error().message),
                       bus_hint);
    UnitState s;
    s.name = unit;
    s.load_state = (*u)["LoadState"].s;
    if (s.load_state != "loaded")
        return s;
    s.active_state = (*u)["ActiveState"].s;
    s.sub_state = (*u)["SubState"].s;
    s.need_daemon_reload = (*u)["NeedDaemonReload"].u != 0;
    s.fragment_path = (*u)["FragmentPath"].s;
    s.drop_in_paths = (*u)["DropInPaths"].strv;
    s.active_enter_usec = (*u)["ActiveEnterTimestamp"].u;
    s.unit_file_state = (*u)["UnitFileState"].s;
    s.after = (*u)["After"].strv;
    s.wants = (*u)["Wants"].strv;

    auto v = get_all(*path, service_iface,
                     {"Result", "Environment", "ControlGroup", "MainPID", "NRestarts",
                      "ExecMainStatus", "EnvironmentFiles", "User", "AmbientCapabilities",
                      "Restart", "RestartUSec", "RestartPreventExitStatus"});
    if (!v)
        return failure(fmt::format("cannot read properties of {}: {}", unit, v.error().message),
                       bus_hint);
    s.result = (*v)["Result"].s;
    s.environment = (*v)["Environment"].strv;
    s.control_group = (*v)["ControlGroup"].s;
    s.main_pid = static_cast<std::uint32_t>((*v)["MainPID"].u);
    s.n_restarts = static_cast<std::uint32_t>((*v)["NRestarts"].u);
    s.exec_main_status = static_cast<std::int32_t>((*v)["ExecMainStatus"].i);
    s.environment_files = (*v)["EnvironmentFiles"].files;
    s.user = (*v)["User"].s;
    s.ambient_capabilities = (*v)["AmbientCapabilities"].u;
    s.restart = (*v)["Restart"].s;
    s.restart_usec = (*v)["RestartUSec"].u;
    s.restart_prevent_exit_status = (*v)["RestartPreventExitStatus"].ints;
    return s;
}

namespace {

// Reads one property value of a type this tool uses into `out`.
int read_value(sd_bus_message* m, const char* contents, PropertyValue& out) {
    std::string_view sig(contents);
    int r = sd_bus_message_enter_container(m, 'v', contents);
    if (r < 0)
        return r;
    if (sig == "s" || sig == "o") {
        const char* str = nullptr;
        r = sd_bus_message_read_basic(m, sig[0], &str);
        out.s = str ? str : "";
    } else if (sig == "b") {
        int b = 0;
        r = sd_bus_message_read_basic(m, 'b', &b);
        out.u = b != 0;
    } else if (sig == "u") {
        std::uint32_t x = 0;
        r = sd_bus_message_read_basic(m, 'u', &x);
        out.u = x;
    } else if (sig == "t") {
        std::uint64_t x = 0;
        r = sd_bus_message_read_basic(m, 't', &x);
        out.u = x;
    } else if (sig == "i") {
        std::int32_t x = 0;
        r = sd_bus_message_read_basic(m, 'i', &x);
        out.i = x;
    } else if (sig == "as") {
        char** strv = nullptr;
        r = sd_bus_message_read_strv(m, &strv);
        for (char** p = strv; p && *p; ++p) {
            out.strv.emplace_back(*p);
            free(*p);
        }
        free(strv);
    } else if (sig == "a(sb)") {
        r = sd_bus_message_enter_container(m, 'a', "(sb)");
        const char* file = nullptr;
        int optional = 0;
        while (r >= 0 && (r = sd_bus_message_read(m, "(sb)", &file, &optional)) > 0)
            out.files.push_back({file, optional != 0});
        if (r >= 0)
            r = sd_bus_message_exit_container(m);
    } else if (sig == "(aiai)") {
        // RestartPreventExitStatus=: exit statuses, then signals; the
        // statuses are what this tool reads.
        const void* data = nullptr;
        std::size_t size = 0;
        r = sd_bus_message_enter_container(m, 'r', "aiai");
        if (r >= 0)
            r = sd_bus_message_read_array(m, 'i', &data, &size);
        for (std::size_t k = 0; r >= 0 && k < size / sizeof(std::int32_t); ++k)
            out.ints.push_back(static_cast<const std::int32_t*>(data)[k]);
        if (r >= 0)
            r = sd_bus_message_skip(m, "ai");
        if (r >= 0)
            r = sd_bus_message_exit_container(m);
    } else {
        r = sd_bus_message_skip(m, contents);
    }
    if (r < 0)
        return r;
    return sd_bus_message_exit_container(m);
}

} // namespace

Result<std::map<std::string, PropertyValue>>
Manager::get_all(const std::string& path, const char* iface,
                 const std::set<std::string, std::less<>>& wanted) {
    BusError err;
    sd_bus_message* raw = nullptr;
    int r = sd_bus_call_method(conn_.bus.get(), destination, path.c_str(),
                               "org.freedesktop.DBus.Properties", "GetAll", err.get(), &raw, "s",
                               iface);
    MessagePtr reply(raw);
    if (r < 0)
        return failure(fmt::format("GetAll {}: {}", iface, err.describe(r)), bus_hint);
    std::map<std::string, PropertyValue> out;
    r = sd_bus_message_enter_container(reply.get(), 'a', "{sv}");
    while (r >= 0 && (r = sd_bus_message_enter_container(reply.get(), 'e', "sv")) > 0) {
        const char* name = nullptr;
        r = sd_bus_message_read_basic(reply.get(), 's', &name);
        const char* contents = nullptr;
        if (r >= 0)
            r = sd_bus_message_peek_type(reply.get(), nullptr, &contents);
        if (r >= 0 && wanted.contains(std::string_view(name)))
            r = read_value(reply.get(), contents, out[name]);
        else if (r >= 0)
            r = sd_bus_message_skip(reply.get(), "v");
        if (r >= 0)
            r = sd_bus_message_exit_container(reply.get());
    }
    if (r < 0)
        return failure(fmt::format("bad GetAll {} reply: {}", iface, std::strerror(-r)), bus_hint);
    return out;
}

Status Manager::reload(Deadline deadline) {
    auto reply = call("Reload", deadline);
    if (!reply)
        return reply.error();
    return Ok{};
}

Status Manager::reset_failed(const std::string& unit, Deadline deadline) {
    auto reply = call("ResetFailedUnit", deadline, "s", unit.c_str());
    if (!reply)
        return reply.error();
    return Ok{};
}

Result<std::vector<std::string>> Manager::environment() {
    const std::string path = manager_path;
    PropertyReader p{conn_.bus.get(), path, {}};
    auto env = p.strv(manager_iface, "Environment");
    if (!p.failed.empty())
        return failure(fmt::format("cannot read the manager's environment: {}", p.failed),
                       bus_hint);
    return env;
}

std::string Manager::job_state(const std::string& job) {
    // A short wait of its own: the caller's deadline has passed, and a busy
    // manager is the likeliest reason.
    sd_bus_message* raw = nullptr;
    int r = sd_bus_message_new_method_call(conn_.bus.get(), &raw, destination, job.c_str(),
                                           "org.freedesktop.DBus.Properties", "Get");
    MessagePtr msg(raw);
    if (r >= 0)
        r = sd_bus_message_append(msg.get(), "ss", "org.freedesktop.systemd1.Job", "State");
    sd_bus_message* reply = nullptr;
    if (r >= 0)
        r = sd_bus_call(conn_.bus.get(), msg.get(), 2'000'000, nullptr, &reply);
    MessagePtr answer(reply);
    const char* state = nullptr;
    if (r >= 0)
        r = sd_bus_message_read(answer.get(), "v", "s", &state);
    // An unknown job object: it ended between the wait and this question.
    return r >= 0 && state ? state : "unknown";
}

Result<std::string> Manager::restart(const std::string& unit, Deadline deadline,
                                     const std::function<void()>& on_wait) {
    // Match JobRemoved before enqueuing the job, so its end cannot be missed.
    // The manager always tells the client that enqueued a job when it ends.
    std::map<std::string, std::string> removed;
    sd_bus_slot* raw = nullptr;
    int r = sd_bus_match_signal(conn_.bus.get(), &raw, nullptr, manager_path, manager_iface,
                                "JobRemoved", on_job_removed, &removed);
    SlotPtr slot(raw);
    if (r < 0)
        return failure(fmt::format("cannot watch systemd jobs: {}", std::strerror(-r)), bus_hint);

    auto reply = call("RestartUnit", deadline, "ss", unit.c_str(), "replace");
    if (!reply)
        return reply.error();
    const char* job_c = nullptr;
    r = sd_bus_message_read(reply->get(), "o", &job_c);
    if (r < 0)
        return failure(fmt::format("bad RestartUnit reply: {}", std::strerror(-r)), bus_hint);
    const std::string job(job_c);

    for (;;) {
        if (auto it = removed.find(job); it != removed.end())
            return it->second;
        r = sd_bus_process(conn_.bus.get(), nullptr);
        if (r < 0)
            return failure(
                fmt::format("lost the bus while waiting for job {}: {}", job, std::strerror(-r)),
                bus_hint);
        if (r > 0)
            continue;
        if (Clock::now() >= deadline)
            return "timeout-" + job_state(job);
        if (on_wait)
            on_wait();
        r = sd_bus_wait(conn_.bus.get(), std::min<std::uint64_t>(usec_until(deadline), 100000));
        if (r < 0)
            return failure(fmt::format("waiting for job {}: {}", job, std::strerror(-r)), bus_hint);
    }
}

} // namespace netcfg::systemd
