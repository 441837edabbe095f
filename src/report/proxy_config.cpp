#include "ollama-netcfg/report/proxy_config.hpp"

#include "ollama-netcfg/net/address.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace netcfg::report {
namespace {

// Where the proxy connects: the listener, with a wildcard made loopback.
std::string upstream(const ollama::HostSetting& listen) {
    return net::host_port(listen.connect_host(), listen.port);
}

bool b64token(std::string_view k) {
    auto end = k.find_last_not_of('=');
    if (end == std::string_view::npos)
        return false;
    for (std::size_t i = 0; i <= end; ++i) {
        const char c = k[i];
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string_view("-._~+/").find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

// The lines of `text` that are not empty or comments, trimmed, with their
// line numbers.
std::vector<std::pair<std::size_t, std::string>> content_lines(const std::string& text) {
    std::vector<std::pair<std::size_t, std::string>> out;
    std::size_t number = 0, pos = 0;
    while (pos <= text.size()) {
        auto nl = text.find('\n', pos);
        std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
        pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
        ++number;
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos || line[first] == '#')
            continue;
        line = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        out.emplace_back(number, line);
    }
    return out;
}

// What the site block adds for authentication, before `location /`.
std::string nginx_auth(const ProxyConfigOptions& o) {
    if (o.auth == ProxyAuth::bearer)
        return fmt::format(
            "        # Only requests with `Authorization: Bearer KEY`, KEY one of {}\n"
            "        # (nginx reads them from {}).\n"
            "        if ($ollama_key_ok = 0) {{\n"
            "            add_header WWW-Authenticate 'Bearer realm=\"ollama\"' always;\n"
            "            return 401;\n"
            "        }}\n",
            o.credentials_file, o.include_file);
    if (o.auth == ProxyAuth::basic)
        return fmt::format("        # Only users of {} (nginx's workers, user www-data, must be\n"
                           "        # able to read it: chgrp www-data FILE; chmod 640 FILE).\n"
                           "        auth_basic \"Ollama\";\n"
                           "        auth_basic_user_file {};\n",
                           o.credentials_file, o.credentials_file);
    return {};
}

} // namespace

Result<std::vector<std::string>> parse_api_keys(const std::string& text) {
    std::vector<std::string> keys;
    for (const auto& [number, line] : content_lines(text)) {
        if (!b64token(line))
            return usage_error(
                fmt::format("line {} of the key file is not a bearer key: keys are letters, "
                            "digits and -._~+/ (then = at the end), one per line",
                            number),
                "e.g. generate one with `openssl rand -hex 32`");
        if (std::find(keys.begin(), keys.end(), line) == keys.end())
            keys.push_back(line);
    }
    if (keys.empty())
        return usage_error("the key file holds no key", "one key per line; # starts a comment");
    return keys;
}

Result<std::vector<HtpasswdUser>> parse_htpasswd(const std::string& text, bool bcrypt_only) {
    std::vector<HtpasswdUser> users;
    for (const auto& [number, line] : content_lines(text)) {
        auto colon = line.find(':');
        if (colon == 0 || colon == std::string::npos || colon + 1 == line.size())
            return usage_error(fmt::format("line {} of the htpasswd file is not user:hash", number),
                               "write it with `htpasswd -B -c FILE USER`");
        HtpasswdUser u{line.substr(0, colon), line.substr(colon + 1)};
        if (u.user.find_first_of(" \t{}\"") != std::string::npos ||
            u.hash.find_first_of(" \t{}\"") != std::string::npos)
            return usage_error(fmt::format("line {} of the htpasswd file has white space, quotes "
                                           "or braces",
                                           number),
                               "write it with `htpasswd -B -c FILE USER`");
        const bool bcrypt =
            u.hash.starts_with("$2a$") || u.hash.starts_with("$2b$") || u.hash.starts_with("$2y$");
        if (bcrypt_only && !bcrypt)
            return usage_error(fmt::format("user {} (line {}): Caddy checks only bcrypt "
                                           "passwords, and this hash is not one",
                                           u.user, number),
                               fmt::format("set it again with `htpasswd -B FILE {}`", u.user));
        users.push_back(std::move(u));
    }
    if (users.empty())
        return usage_error("the htpasswd file holds no user",
                           "write it with `htpasswd -B -c FILE USER`");
    return users;
}

std::string nginx_key_map(const std::vector<std::string>& keys, const std::string& source) {
    std::string out = fmt::format("# Written by ollama-netcfg proxy-config from {}; run it again "
                                  "after changing that file.\n",
                                  source);
    for (const auto& k : keys)
        out += fmt::format("\"Bearer {}\" 1;\n", k);
    return out;
}

std::string caddy_key_matcher(const std::vector<std::string>& keys, const std::string& source) {
    std::string out = fmt::format("# Written by ollama-netcfg proxy-config from {}; run it again "
                                  "after changing that file.\n"
                                  "@ollama_no_key not header Authorization",
                                  source);
    for (const auto& k : keys)
        out += fmt::format(" \"Bearer {}\"", k);
    return out + "\n";
}

std::string caddy_basic_auth(const std::vector<HtpasswdUser>& users, const std::string& source) {
    std::string out = fmt::format("# Written by ollama-netcfg proxy-config from {}; run it again "
                                  "after changing that file.\n"
                                  "basicauth {{\n",
                                  source);
    for (const auto& u : users)
        out += fmt::format("\t{} {}\n", u.user, u.hash);
    return out + "}\n";
}

std::string nginx_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o) {
    const bool tls = !o.cert.empty();
    std::string out = fmt::format(
        "# Ollama behind nginx (ollama-netcfg proxy-config; OLLAMA_HOST {}).\n"
        "# Ollama refuses a non-local Host header on a loopback listener (HTTP 403),\n"
        "# so the proxy sends a local one instead of the client's ($host).\n"
        "{}"
        "server {{\n",
        listen.listen_address(),
        o.auth == ProxyAuth::bearer ? fmt::format("map $http_authorization $ollama_key_ok {{\n"
                                                  "    default 0;\n"
                                                  "    include {};\n"
                                                  "}}\n",
                                                  o.include_file)
                                    : std::string());
    if (tls)
        out += fmt::format("    listen 443 ssl;\n    listen [::]:443 ssl;\n"
                           "    ssl_certificate {};\n    ssl_certificate_key {};\n",
                           o.cert, o.key);
    else
        out += "    listen 80;\n    listen [::]:80;\n";
    out += fmt::format("    server_name {};\n\n"
                       "    location / {{\n"
                       "{}"
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
                       o.server_name, nginx_auth(o), upstream(listen), listen.port);
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
    if (o.auth == ProxyAuth::bearer)
        out += fmt::format("    # Only requests with `Authorization: Bearer KEY`, KEY one of {}\n"
                           "    # (Caddy reads them from {}).\n"
                           "    import {}\n"
                           "    handle @ollama_no_key {{\n"
                           "        header WWW-Authenticate \"Bearer realm=\\\"ollama\\\"\"\n"
                           "        respond 401\n"
                           "    }}\n",
                           o.credentials_file, o.include_file, o.include_file);
    else if (o.auth == ProxyAuth::basic)
        out += fmt::format("    # Only users of {} (Caddy reads their bcrypt hashes from {}).\n"
                           "    import {}\n",
                           o.credentials_file, o.include_file, o.include_file);
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
