// RAII for sd-bus handles, and the connection to the service manager.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <memory>
#include <string>
#include <systemd/sd-bus.h>

namespace netcfg::systemd {

struct BusUnref {
    void operator()(sd_bus* b) const { sd_bus_flush_close_unref(b); }
};
struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
struct SlotUnref {
    void operator()(sd_bus_slot* s) const { sd_bus_slot_unref(s); }
};
using BusPtr = std::unique_ptr<sd_bus, BusUnref>;
using MessagePtr = std::unique_ptr<sd_bus_message, MessageUnref>;
using SlotPtr = std::unique_ptr<sd_bus_slot, SlotUnref>;

class BusError {
  public:
    BusError() = default;
    BusError(const BusError&) = delete;
    BusError& operator=(const BusError&) = delete;
    ~BusError() { sd_bus_error_free(&e_); }
    sd_bus_error* get() { return &e_; }
    // "org.freedesktop...: message" or the errno text when the bus gave none.
    std::string describe(int r) const;

  private:
    sd_bus_error e_{}; // SD_BUS_ERROR_NULL, without its C compound literal
};

struct Connection {
    BusPtr bus;
    std::string transport; // "private socket /run/systemd/private" or "system bus"
};

// Which way to the manager to try first.
enum class Route {
    // Changes: as root, the manager's private socket (as systemctl does: it
    // works with dbus-daemon down), else the system bus.
    private_first,
    // Reads (status, check): the system bus, else (as root) the private
    // socket. Each private connection is set up and served by PID 1 itself,
    // which runs queued jobs only when it has nothing else to do; through
    // dbus-daemon, PID 1 keeps the one connection it already has.
    bus_first,
};

Result<Connection> connect_manager(Route route = Route::private_first);

} // namespace netcfg::systemd
