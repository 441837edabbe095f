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

} // namespace

Result<Connection> connect_manager() {
    std::string private_error;
    if (geteuid() == 0) {
        auto bus = open_private();
        if (bus)
            return Connection{std::move(*bus), fmt::format("private socket {}", private_socket)};
        private_error = bus.error().message;
        spdlog::debug("{}; trying the system bus", private_error);
    }
    sd_bus* raw = nullptr;
    int r = sd_bus_open_system(&raw);
    BusPtr bus(raw);
    if (r < 0) {
        auto msg = fmt::format("cannot connect to the system bus: {}", std::strerror(-r));
        if (!private_error.empty())
            msg += fmt::format(" (and {})", private_error);
        return failure(msg, "is systemd running as PID 1? check `systemctl is-system-running`");
    }
    return Connection{std::move(bus), "system bus"};
}

} // namespace netcfg::systemd
