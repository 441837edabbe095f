#include "nft_reading.hpp"

#include "ollama-netcfg/probe/nftables.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <chrono>
#include <linux/netfilter/nf_tables.h>

namespace netcfg::reach {

namespace {

constexpr std::chrono::milliseconds nft_timeout{5000};
constexpr const char* kernel_source = "nftables chains and rules (netlink)";

// `missing`: what to say when nft is not installed.
std::optional<firewall::NftRuleset> run_nft(std::string& error, const char* missing) {
    if (!have_command("nft")) {
        error = missing;
        return std::nullopt;
    }
    auto r = run_command({"nft", "-j", "list", "ruleset"}, nft_timeout);
    if (!r || r->exit_status != 0) {
        error = r ? "nft list ruleset: " + r->err.substr(0, r->err.find('\n')) : r.error().message;
        return std::nullopt;
    }
    auto parsed = firewall::NftRuleset::parse(r->out.empty() ? "{}" : r->out);
    if (!parsed)
        error = "nft -j list ruleset printed no JSON";
    return parsed;
}

} // namespace

void NftReading::skip_dormant(const std::vector<probe::NftTable>* tables) {
    if (!tables)
        return;
    for (const auto& t : *tables)
        if (t.dormant())
            dormant_.emplace_back(firewall::nft_family_name(t.family), t.name);
}

bool NftReading::dormant(std::string_view family, std::string_view table) const {
    for (const auto& [f, t] : dormant_)
        if (f == family && t == table)
            return true;
    return false;
}

std::optional<NftReading> NftReading::from_kernel(const std::vector<probe::NftTable>& tables) {
    // Chains first: a rule added between the two dumps is of a later
    // generation, which parse() refuses; one more try, then nft.
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto chains = probe::nftables_dump(NFT_MSG_GETCHAIN);
        auto rules = chains ? probe::nftables_dump(NFT_MSG_GETRULE) : std::nullopt;
        if (!rules)
            return std::nullopt;
        if (auto k = firewall::NftKernelRuleset::parse(std::move(*chains), std::move(*rules))) {
            NftReading r;
            r.kernel_ = std::move(k);
            r.source_ = kernel_source;
            r.skip_dormant(&tables);
            return r;
        }
    }
    return std::nullopt;
}

std::optional<NftReading> NftReading::from_nft(std::string& error,
                                               const std::vector<probe::NftTable>* tables) {
    // The kernel would not hand out its rules: nft is the whole reading.
    auto json = run_nft(error, "nft is not installed; the firewall was not inspected");
    if (!json)
        return std::nullopt;
    NftReading r;
    r.json_ = std::move(json);
    r.asked_nft_ = true;
    r.source_ = "nft -j list ruleset";
    r.skip_dormant(tables);
    return r;
}

NftReading NftReading::empty() {
    NftReading r;
    r.json_ = firewall::NftRuleset::parse("{}");
    r.asked_nft_ = true;
    r.source_ = "nftables has no table (netlink)";
    return r;
}

firewall::Verdict NftReading::evaluate(const firewall::Packet& packet,
                                       const firewall::NftRuleset::TableFilter& given) {
    // Dormant tables as the kernel lists them: nft 1.0.6 (Debian 12) writes
    // freed memory for a table's flags in its JSON.
    firewall::NftRuleset::TableFilter skip = given;
    if (!dormant_.empty())
        skip = [&](std::string_view family, std::string_view table) {
            return dormant(family, table) || (given && given(family, table));
        };
    if (kernel_) {
        auto k = kernel_->evaluate(packet, skip);
        if (k.verdict)
            return *k.verdict;
        if (!asked_nft_) {
            asked_nft_ = true;
            json_ = run_nft(nft_error_, "nft is not installed");
            source_ += json_ ? "; nft -j list ruleset, for what the kernel's rules leave to it ("
                             : "; nft -j list ruleset could not be read (";
            source_ += k.why_not + ")";
        }
        if (!json_)
            return {"nftables", firewall::Decision::undecided,
                    "the kernel's rules leave it to nft (" + k.why_not + "), and " + nft_error_,
                    {}};
    }
    return json_->evaluate(packet, skip);
}

} // namespace netcfg::reach
