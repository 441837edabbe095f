// The tool's own probes: plain HTTP GETs to this host's addresses, in
// process with Boost.Beast (header-only), under one timeout.
#include "ollama-netcfg/probe/http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::probe {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

bool is_ipv6(const std::string& host) {
    return host.find(':') != std::string::npos;
}

// The addresses to try: an IP literal as it is (with its zone), else what
// the resolver gives for the name.
std::vector<tcp::endpoint> endpoints_of(const Endpoint& to, std::string& error) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(to.zone.empty() ? to.host : to.host + "%" + to.zone, ec);
    if (!ec)
        return {tcp::endpoint(address, to.port)};
    asio::io_context io;
    tcp::resolver resolver(io);
    auto results = resolver.resolve(to.host, std::to_string(to.port), ec);
    if (ec) {
        error = fmt::format("Could not resolve host: {} ({})", to.host, ec.message());
        return {};
    }
    std::vector<tcp::endpoint> out;
    for (const auto& r : results)
        out.push_back(r.endpoint());
    return out;
}

} // namespace

std::string Endpoint::url(std::string_view path) const {
    if (!is_ipv6(host))
        return fmt::format("http://{}:{}{}", host, port, path);
    return fmt::format("http://[{}{}]:{}{}", host, zone.empty() ? "" : "%25" + zone, port, path);
}

HttpAnswer get(const Endpoint& to, std::string_view path, std::chrono::milliseconds timeout) {
    HttpOptions o;
    o.timeout = timeout;
    return get(to, path, o);
}

HttpAnswer get(const Endpoint& to, std::string_view path, const HttpOptions& o) {
    HttpAnswer a;
    const auto start = Clock::now();
    auto done = [&] {
        a.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return a;
    };
    auto targets = endpoints_of(to, a.error);
    if (targets.empty())
        return done();

    asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(o.timeout); // one deadline for connect, request and answer
    http::request<http::empty_body> req{http::verb::get, std::string(path), 11};
    req.set(http::field::host, !o.host_header.empty()
                                   ? o.host_header
                                   : (is_ipv6(to.host) ? fmt::format("[{}]:{}", to.host, to.port)
                                                       : fmt::format("{}:{}", to.host, to.port)));
    req.set(http::field::user_agent, "ollama-netcfg");
    req.set(http::field::connection, "close");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> answer;
    answer.body_limit(1024 * 1024);
    boost::system::error_code failed;
    const char* step = "connecting";

    stream.async_connect(targets, [&](boost::system::error_code connected, const tcp::endpoint&) {
        if (connected) {
            failed = connected;
            return;
        }
        step = "sending the request";
        http::async_write(stream, req, [&](boost::system::error_code sent, std::size_t) {
            if (sent) {
                failed = sent;
                return;
            }
            step = "waiting for the answer";
            http::async_read(stream, buffer, answer,
                             [&](boost::system::error_code ec, std::size_t) { failed = ec; });
        });
    });
    io.run();
    if (failed == beast::error::timeout) {
        a.error = fmt::format("timed out after {} ms ({})", o.timeout.count(), step);
    } else if (failed) {
        a.error =
            fmt::format("failed to connect to {} port {}: {}", to.host, to.port, failed.message());
        if (std::string_view(step) != "connecting")
            a.error =
                fmt::format("{} from {} port {} ({})", failed.message(), to.host, to.port, step);
    } else {
        a.status = answer.get().result_int();
        a.body = std::move(answer.get().body());
    }
    return done();
}

std::optional<std::string> parse_version(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("version") || !j["version"].is_string())
        return std::nullopt;
    return j["version"].get<std::string>();
}

} // namespace netcfg::probe
