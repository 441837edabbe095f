#include "ollama-netcfg/report/proxy_config.hpp"

#include <fmt/format.h>

namespace netcfg::report {
namespace {

// Where the proxy connects: the listener, with a wildcard made loopback.
std::string upstream(const ollama::HostSetting& listen) {
    auto host = listen.connect_host();
    if (host.find(':') != std::string::npos)
        host = "[" + host + "]";
    return fmt::format("{}:{}", host, listen.port);
}

} // namespace

std::string nginx_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o) {
    const bool tls = !o.cert.empty();
    std::string out =
        fmt::format("# Ollama behind nginx (ollama-netcfg proxy-config; OLLAMA_HOST {}).\n"
                    "# Ollama refuses a non-local Host header on a loopback listener (HTTP 403),\n"
                    "# so the proxy sends a local one instead of the client's ($host).\n"
                    "server {{\n",
                    listen.listen_address());
    if (tls)
        out += fmt::format("    listen 443 ssl;\n    listen [::]:443 ssl;\n"
                           "    ssl_certificate {};\n    ssl_certificate_key {};\n",
                           o.cert, o.key);
    else
        out += "    listen 80;\n    listen [::]:80;\n";
    out += fmt::format("    server_name {};\n\n"
                       "    location / {{\n"
                       "        proxy_pass http://{};\n"
                       "        proxy_http_version 1.1;\n"
                       "        proxy_set_header Host localhost:{};\n"
                       "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                       "        proxy_set_header X-Forwarded-Proto $scheme;\n"
                       "        # stream tokens as they are generated\n"
                       "        proxy_buffering off;\n"
                       "        proxy_request_buffering off;\n"
                       "        # slow generations and model pulls\n"
                       "        proxy_read_timeout 3600s;\n"
                       "        proxy_send_timeout 3600s;\n"
                       "        client_max_body_size 0;\n"
                       "    }}\n"
                       "}}\n",
                       o.server_name, upstream(listen), listen.port);
    return out;
}

std::string caddy_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o) {
    std::string out =
        fmt::format("# Ollama behind Caddy (ollama-netcfg proxy-config; OLLAMA_HOST {}).\n"
                    "# Caddy passes the client's Host by default, which Ollama refuses on a\n"
                    "# loopback listener (HTTP 403): header_up sends a local one.\n"
                    "{} {{\n",
                    listen.listen_address(), o.server_name);
    if (!o.cert.empty())
        out += fmt::format("    tls {} {}\n", o.cert, o.key);
    out += fmt::format("    reverse_proxy {} {{\n"
                       "        header_up Host localhost:{}\n"
                       "        # stream tokens as they are generated\n"
                       "        flush_interval -1\n"
                       "        transport http {{\n"
                       "            # slow generations and model pulls\n"
                       "            read_timeout 1h\n"
                       "            write_timeout 1h\n"
                       "        }}\n"
                       "    }}\n"
                       "}}\n",
                       upstream(listen), listen.port);
    return out;
}

} // namespace netcfg::report
