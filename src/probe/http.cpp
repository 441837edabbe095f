// The tool's own probes: plain HTTP GETs to this host's addresses, in
// process with Boost.Beast (header-only), under one timeout.
#include "ollama-netcfg/probe/http.hpp"

#include "ollama-netcfg/net/address.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace netcfg::probe {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

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
    return net::url_for(host, port, zone, path);
}

namespace {

// One GET in flight on a shared io_context: connect, request, answer, under
// one deadline; the answer is filled in when it ends.
class Exchange {
  public:
    Exchange(asio::io_context& io, const Endpoint& to, std::string_view path, const HttpOptions& o,
             HttpAnswer& out)
        : to_(to), o_(o), out_(out), stream_(io), req_(http::verb::get, std::string(path), 11) {
        req_.set(http::field::host,
                 !o.host_header.empty() ? o.host_header : net::host_port(to.host, to.port));
        req_.set(http::field::user_agent, "ollama-netcfg");
        if (!o.origin.empty())
            req_.set(http::field::origin, o.origin);
        if (!o.authorization.empty())
            req_.set(http::field::authorization, o.authorization);
        req_.set(http::field::connection, "close");
        answer_.body_limit(1024 * 1024);
    }

    void start() {
        auto targets = endpoints_of(to_, out_.error);
        if (targets.empty())
            return finish({});
        stream_.expires_after(o_.timeout);
        stream_.async_connect(targets, [this](boost::system::error_code ec, const tcp::endpoint&) {
            if (ec)
                return finish(ec);
            step_ = "sending the request";
            send();
        });
    }

  private:
    void send() {
        http::async_write(stream_, req_, [this](boost::system::error_code ec, std::size_t) {
            if (ec)
                return finish(ec);
            step_ = "waiting for the answer";
            http::async_read(stream_, buffer_, answer_,
                             [this](boost::system::error_code read, std::size_t) { finish(read); });
        });
    }

    void finish(boost::system::error_code ec) {
        out_.seconds = std::chrono::duration<double>(Clock::now() - start_).count();
        if (!out_.error.empty())
            return; // it could not even start (a name that does not resolve)
        if (ec == beast::error::timeout)
            out_.error = fmt::format("timed out after {} ms ({})", o_.timeout.count(), step_);
        else if (ec && std::string_view(step_) == "connecting")
            out_.error = fmt::format("failed to connect to {} port {}: {}", to_.host, to_.port,
                                     ec.message());
        else if (ec)
            out_.error =
                fmt::format("{} from {} port {} ({})", ec.message(), to_.host, to_.port, step_);
        else {
            out_.status = answer_.get().result_int();
            out_.allow_origin =
                std::string(answer_.get()[http::field::access_control_allow_origin]);
            out_.www_authenticate = std::string(answer_.get()[http::field::www_authenticate]);
            out_.body = std::move(answer_.get().body());
        }
    }

    Endpoint to_;
    HttpOptions o_;
    HttpAnswer& out_;
    Clock::time_point start_ = Clock::now();
    beast::tcp_stream stream_;
    http::request<http::empty_body> req_;
    beast::flat_buffer buffer_;
    http::response_parser<http::string_body> answer_;
    const char* step_ = "connecting";
};

} // namespace

std::vector<HttpAnswer> get_all(const std::vector<Endpoint>& to, std::string_view path,
                                std::chrono::milliseconds timeout) {
    HttpOptions o;
    o.timeout = timeout;
    std::vector<HttpAnswer> answers(to.size());
    asio::io_context io;
    std::vector<std::unique_ptr<Exchange>> exchanges;
    for (std::size_t i = 0; i < to.size(); ++i) {
        exchanges.push_back(std::make_unique<Exchange>(io, to[i], path, o, answers[i]));
        exchanges.back()->start();
    }
    io.run();
    return answers;
}

HttpAnswer get(const Endpoint& to, std::string_view path, std::chrono::milliseconds timeout) {
    HttpOptions o;
    o.timeout = timeout;
    return get(to, path, o);
}

HttpAnswer get(const Endpoint& to, std::string_view path, const HttpOptions& o) {
    HttpAnswer a;
    asio::io_context io;
    Exchange e(io, to, path, o, a);
    e.start();
    io.run();
    return a;
}

HttpAnswer get_unix(const std::string& socket_path, std::string_view path,
                    std::chrono::milliseconds timeout) {
    using local = asio::local::stream_protocol;
    HttpAnswer a;
    const auto start = Clock::now();
    asio::io_context io;
    beast::basic_stream<local> stream(io);
    http::request<http::empty_body> req(http::verb::get, std::string(path), 11);
    req.set(http::field::host, "localhost");
    req.set(http::field::user_agent, "ollama-netcfg");
    req.set(http::field::connection, "close");
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> answer;
    answer.body_limit(16 * 1024 * 1024);
    auto finish = [&](boost::system::error_code ec, const char* step) {
        a.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (ec == beast::error::timeout)
            a.error = fmt::format("timed out after {} ms ({})", timeout.count(), step);
        else if (ec)
            a.error = fmt::format("{}: {} ({})", socket_path, ec.message(), step);
        else {
            a.status = answer.get().result_int();
            a.body = std::move(answer.get().body());
        }
    };
    stream.expires_after(timeout);
    stream.async_connect(local::endpoint(socket_path), [&](boost::system::error_code ec) {
        if (ec)
            return finish(ec, "connecting");
        http::async_write(stream, req, [&](boost::system::error_code w, std::size_t) {
            if (w)
                return finish(w, "sending the request");
            http::async_read(stream, buffer, answer, [&](boost::system::error_code r, std::size_t) {
                finish(r, "waiting for the answer");
            });
        });
    });
    io.run();
    return a;
}

bool accepts_connection(const Endpoint& to) {
    std::string error;
    auto targets = endpoints_of(to, error);
    asio::io_context io;
    for (const auto& t : targets) {
        tcp::socket s(io);
        boost::system::error_code ec;
        s.connect(t, ec);
        if (!ec)
            return true;
    }
    return false;
}

std::optional<std::string> parse_version(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("version") || !j["version"].is_string())
        return std::nullopt;
    return j["version"].get<std::string>();
}

} // namespace netcfg::probe
