// Ollama in containers: published ports past the firewall, check --container.
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health::rules {
namespace {

// A port published on every address is open to other hosts whatever
// ufw or firewalld say: Docker's DNAT and FORWARD rules bypass INPUT.
void docker_bypass(Findings& r, const ContainerSeen& c) {
    const auto& k = c.container;
    if (k.state != "running")
        return;
    for (const auto& b : k.bindings) {
        if (!b.all_addresses())
            continue;
        const bool believed_closed = c.input_verdict && blocked(c.input_verdict->decision);
        r.add(Code::docker_bypasses_firewall,
              believed_closed ? Severity::critical : Severity::warning,
              fmt::format("container {} ({}) publishes {}: other hosts reach Ollama there "
                          "whatever the host firewall says, because Docker's DNAT and FORWARD "
                          "rules take the connection past INPUT{}",
                          k.name, k.image, b.text(),
                          believed_closed
                              ? fmt::format("; {} drops port {} on INPUT ({}), so it looks "
                                            "closed but is not",
                                            c.input_verdict->backend, b.host_port,
                                            c.input_verdict->reason)
                              : std::string()),
              fmt::format("publish it on loopback or one address (`docker run -p "
                          "127.0.0.1:{}:{}`, compose `ports: [\"127.0.0.1:{}:{}\"]`), or keep "
                          "other hosts out with a DOCKER-USER rule (`iptables -I DOCKER-USER -p "
                          "tcp --dport {} ! -s CIDR -j DROP`)",
                          b.host_port, b.container_port, b.host_port, b.container_port,
                          b.container_port));
        return; // one line per container
    }
}

} // namespace

void containers(Findings& r) {
    const Facts& f = r.f;
    if (!f.docker_error.empty())
        not_visible(r, fmt::format("the Ollama containers were not looked at: {}", f.docker_error),
                    "run as root (or as a member of the docker group) to see them");
    for (const auto& c : f.containers)
        docker_bypass(r, c);
}

// check --container NAME: that container as `check` checks the unit.
void container_check(Findings& r) {
    const Facts& f = r.f;
    const ContainerSeen* c = nullptr;
    for (const auto& seen : f.containers)
        if (seen.container.name == f.container_check ||
            seen.container.id.starts_with(f.container_check))
            c = &seen;
    if (!c) {
        if (f.docker_socket.empty())
            r.add(Code::container_not_found, Severity::critical,
                  fmt::format("there is no container {}: no Docker or podman API on this host "
                              "(/run/docker.sock, /run/podman/podman.sock)",
                              f.container_check),
                  "is Docker running (`systemctl status docker`)?");
        else if (!f.docker_error.empty())
            r.add(
                Code::container_not_found, Severity::unknown,
                fmt::format("cannot look for container {}: {}", f.container_check, f.docker_error),
                "run as root (or as a member of the docker group)");
        else
            r.add(Code::container_not_found, Severity::critical,
                  fmt::format("there is no Ollama container {} (image or command ollama, or "
                              "OLLAMA_HOST in its environment)",
                              f.container_check),
                  "`docker ps -a` lists the containers; name one with --container");
        return;
    }
    const auto& k = c->container;
    if (k.state != "running") {
        r.add(
            Code::service_inactive, Severity::critical,
            fmt::format("container {} is {}", k.name, k.state),
            fmt::format("`docker start {}`; `docker logs {}` says why it stopped", k.name, k.name));
        return;
    }
    if (k.bindings.empty()) {
        r.add(Code::not_listening, Severity::critical,
              fmt::format("container {} publishes no port for Ollama's {}/tcp: nothing outside "
                          "its network reaches it",
                          k.name, k.port),
              "recreate it with -p (`ollama-netcfg expose ADDR --container NAME` prints the "
              "line)");
        return;
    }
    if (f.expect_given) {
        bool match = false;
        for (const auto& b : k.bindings) {
            const bool every = b.all_addresses();
            const bool want_every =
                f.want.host.empty() || f.want.host == "0.0.0.0" || f.want.host == "::";
            match = match ||
                    (b.host_port == f.want.port && (want_every ? every : b.host_ip == f.want.host));
        }
        if (!match)
            r.add(Code::unexpected_address, Severity::critical,
                  fmt::format("container {} publishes {}, not {}", k.name,
                              k.bindings.front().text(), f.want.listen_address()),
                  fmt::format("recreate it: `ollama-netcfg expose {} --container {}` prints "
                              "how",
                              f.want.listen_address(), k.name));
    }
    if (!c->version)
        r.add(Code::api_unreachable, Severity::critical,
              fmt::format("GET {}: {}", c->api_url,
                          !c->api_error.empty() ? c->api_error
                                                : fmt::format("HTTP {}", c->api_status)),
              fmt::format("`docker logs {}`", k.name));
    else
        api_slow_for(r, c->api_url, c->api_seconds,
                     fmt::format("see what the server is busy with (`docker logs {}`)", k.name));
    docker_bypass(r, *c);
}

} // namespace netcfg::health::rules
