// `proxy-config`: a reverse-proxy server block that works with the
// configured listener: a Host header Ollama accepts, streaming responses
// unbuffered, read timeouts long enough for slow generations.
#pragma once

#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <string>
#include <vector>

namespace netcfg::report {

// Who the proxy lets through. With bearer keys, the keys themselves live
// in `include_file` (written by proxy-config from the admin's key file,
// readable by root only): the block only names it.
enum class ProxyAuth { none, bearer, basic };

struct ProxyConfigOptions {
    std::string server_name;
    std::string cert; // both or neither
    std::string key;
    ProxyAuth auth = ProxyAuth::none;
    std::string credentials_file; // the admin's key file or htpasswd file
    std::string include_file; // what the server reads: the key map/snippet (not for nginx basic)
};

// One bearer key per line (what OpenAI-compatible clients and Open WebUI
// send as `Authorization: Bearer KEY`); empty lines and # comments skipped.
// A key is RFC 6750's b64token (letters, digits, -._~+/ and trailing =),
// so it cannot break out of the server's configuration syntax.
Result<std::vector<std::string>> parse_api_keys(const std::string& text);

// An htpasswd file's user:hash lines. Caddy checks only bcrypt hashes
// ($2a$, $2b$, $2y$, as `htpasswd -B` writes), so `bcrypt_only` refuses others.
struct HtpasswdUser {
    std::string user;
    std::string hash;
};
Result<std::vector<HtpasswdUser>> parse_htpasswd(const std::string& text, bool bcrypt_only);

// The files the server includes: nginx's map of accepted Authorization
// values, Caddy's matcher of requests without one, Caddy's basicauth.
std::string nginx_key_map(const std::vector<std::string>& keys, const std::string& source);
std::string caddy_key_matcher(const std::vector<std::string>& keys, const std::string& source);
std::string caddy_basic_auth(const std::vector<HtpasswdUser>& users, const std::string& source);

std::string nginx_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o);
std::string caddy_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o);

} // namespace netcfg::report
