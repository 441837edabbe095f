// Waiting for the proofs of a change (include/ollama-netcfg/change/prove.hpp).
#include "ollama-netcfg/change/prove.hpp"

#include <algorithm>
#include <thread>
#include <utility>

namespace netcfg::change {

using systemd::Clock;
using systemd::Deadline;
using systemd::Manager;
using systemd::UnitState;

namespace {

// Until something accepts connections where the service should listen, for
// at most `limit`: a connect on this host is answered at once, so it is
// tried every millisecond, where one round of the proofs costs about as much
// (two GetAll, sock_diag, /proc). The proofs then say whose socket it is.
void wait_for_listener(const Prover& prover, std::chrono::milliseconds limit) {
    const auto to = prover.endpoint();
    if (probe::accepts_connection(to)) {
        // Something listens already and the proofs did not hold: not a
        // reason to ask again at once.
        std::this_thread::sleep_for(limit);
        return;
    }
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (probe::accepts_connection(to))
            return;
    }
}

} // namespace

Prover prover_for(Manager& m, const std::string& unit, const Target& target, Progress* progress) {
    Prover p{m, unit, target, {}, progress};
    if (target.listen.family() == ollama::Family::name)
        p.resolved = probe::resolve_host(target.listen.host);
    return p;
}

bool all_ok(const std::vector<Proof>& proofs) {
    return std::all_of(proofs.begin(), proofs.end(), [](const Proof& p) { return p.ok; });
}

Result<std::vector<Proof>> wait_for_proof(const Prover& prover, Deadline deadline,
                                          std::uint32_t restarts_before,
                                          const UnitState* unchanged) {
    auto delay = std::chrono::milliseconds(5);
    if (prover.progress)
        prover.progress->phase(fmt::format("waiting for {} to listen on {} and answer", prover.unit,
                                           prover.target.listen.listen_address()));
    for (;;) {
        if (prover.progress)
            prover.progress->tick();
        UnitState state;
        auto proofs = prover.prove_once(deadline, state, std::exchange(unchanged, nullptr));
        if (!proofs || all_ok(*proofs))
            return proofs;
        if (std::any_of(proofs->begin(), proofs->end(), [](const Proof& p) { return p.final; }))
            return proofs;
        bool died = state.n_restarts > restarts_before || state.sub_state == "auto-restart" ||
                    state.active_state == "failed" || state.active_state == "inactive";
        if (died) {
            proofs->push_back({"service", false,
                               fmt::format("{} is {}/{} (Result: {}, exit status {}) after the "
                                           "restart",
                                           state.name, state.active_state, state.sub_state,
                                           state.result, state.exec_main_status)});
            return proofs;
        }
        if (Clock::now() + delay >= deadline)
            return proofs;
        if (proofs->size() > 2 && !(*proofs)[2].ok)
            wait_for_listener(prover, delay);
        else
            std::this_thread::sleep_for(delay);
        // Short steps: Ollama usually listens within ~100 ms of the restart,
        // and a long step would add its whole length to every run.
        delay = std::min(delay * 2, std::chrono::milliseconds(10));
    }
}

} // namespace netcfg::change
