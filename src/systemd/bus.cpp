#include "ollama-netcfg/systemd/bus.hpp"

#include <cstring>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace netcfg::systemd {

std::string BusError::describe(int r) const {
    if (sd_bus_error_is_set(&e_))
        return fmt::format("{}: {}", e_.name, e_.message ? e_.message : "");
    return std::strerror(r < 0 ? -r : r);
}

namespace {

constexpr const char* private_socket = "/run/systemd/private";

Result<BusPtr> open_private() {
    sd_bus* raw = nullptr;
    int r = sd_bus_new(&raw);
    BusPtr bus(raw);
    if (r < 0)
        return failure(fmt::format("cannot allocate bus: {}", std::strerror(-r)),
                       "the system is short of memory or file descriptors; run again");
    r = sd_bus_set_address(bus.get(), fmt::format("unix:path={}", private_socket).c_str());
    if (r >= 0)
        r = sd_bus_start(bus.get());
    if (r < 0)
        return failure(fmt::format("cannot connect to {}: {}", private_socket, std::strerror(-r)),
                       "run as root on a system whose PID 1 is systemd "
                       "(`systemctl is-system-running`)");
    return bus;
}

Result<BusPtr> open_system_bus() {
    sd_bus* raw = nullptr;
    int r = sd_bus_open_system(&raw);
    BusPtr bus(raw);
    if (r < 0)
        return failure(fmt::format("cannot connect to the system bus: {}", std::strerror(-r)),
                       "is systemd running as PID 1? check `systemctl is-system-running`");
    return bus;
}

} // namespace

Result<Connection> connect_manager(Route route) {
    const bool root = geteuid() == 0;
    std::string first_error;
    if (route == Route::bus_first || !root) {
        auto bus = open_system_bus();
        if (bus)
            return Connection{std::move(*bus), "system bus"};
        if (!root)
            return bus.error();
        first_error = bus.error().message;
    }
    auto bus = open_private();
    if (bus)
        return Connection{std::move(*bus), fmt::format("private socket {}", private_socket)};
    if (route == Route::bus_first)
        return failure(fmt::format("{} (and {})", first_error, bus.error().message),
                       bus.error().hint);
    spdlog::debug("{}; trying the system bus", bus.error().message);
    auto system = open_system_bus();
    if (system)
        return Connection{std::move(*system), "system bus"};
    return failure(fmt::format("{} (and {})", system.error().message, bus.error().message),
                   system.error().hint);
}

} // namespace netcfg::systemd
