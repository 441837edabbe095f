#include "ollama-netcfg/unitfile/env_file.hpp"

#include "ollama-netcfg/unitfile/environment.hpp"

#include <algorithm>

namespace netcfg::unitfile {
namespace {

bool is_newline(char c) {
    return c == '\n' || c == '\r';
}
bool is_space(char c) {
    return c == ' ' || c == '\t' || is_newline(c);
}

// systemd's parse_env_file_internal() as a state machine over characters.
class EnvFileParser {
  public:
    std::vector<std::pair<std::string, std::string>> run(std::string_view text) {
        for (char c : text)
            step(c);
        if (state_ != State::pre_key && state_ != State::key && state_ != State::comment &&
            state_ != State::comment_escape)
            push();
        return std::move(out_);
    }

  private:
    enum class State {
        pre_key,
        key,
        pre_value,
        value,
        value_escape,
        single_quote,
        double_quote,
        double_quote_escape,
        comment,
        comment_escape
    };

    void step(char c) {
        switch (state_) {
        case State::pre_key:
            if (c == '#' || c == ';')
                state_ = State::comment;
            else if (!is_space(c)) {
                state_ = State::key;
                key_.assign(1, c);
                key_space_ = std::string::npos;
            }
            break;
        case State::key:
            if (is_newline(c)) {
                state_ = State::pre_key; // a line without '=' is ignored
            } else if (c == '=') {
                state_ = State::pre_value;
                value_.clear();
                value_space_ = std::string::npos;
            } else {
                if (!is_space(c))
                    key_space_ = std::string::npos;
                else if (key_space_ == std::string::npos)
                    key_space_ = key_.size();
                key_ += c;
            }
            break;
        case State::pre_value:
            if (is_newline(c)) {
                push();
                state_ = State::pre_key;
            } else if (c == '\'') {
                state_ = State::single_quote;
            } else if (c == '"') {
                state_ = State::double_quote;
            } else if (c == '\\') {
                state_ = State::value_escape;
            } else if (!is_space(c)) {
                state_ = State::value;
                value_ += c;
            }
            break;
        case State::value:
            if (is_newline(c)) {
                push();
                state_ = State::pre_key;
            } else if (c == '\\') {
                state_ = State::value_escape;
                value_space_ = std::string::npos;
            } else {
                if (!is_space(c))
                    value_space_ = std::string::npos;
                else if (value_space_ == std::string::npos)
                    value_space_ = value_.size();
                value_ += c;
            }
            break;
        case State::value_escape:
            state_ = State::value;
            if (!is_newline(c)) // backslash-newline continues the value
                value_ += c;
            break;
        case State::single_quote:
            if (c == '\'')
                state_ = State::pre_value;
            else
                value_ += c;
            break;
        case State::double_quote:
            if (c == '"')
                state_ = State::pre_value;
            else if (c == '\\')
                state_ = State::double_quote_escape;
            else
                value_ += c;
            break;
        case State::double_quote_escape:
            state_ = State::double_quote;
            if (c == '"' || c == '\\' || c == '`' || c == '$')
                value_ += c;
            else if (c != '\n') {
                value_ += '\\';
                value_ += c;
            }
            break;
        case State::comment:
            if (c == '\\')
                state_ = State::comment_escape;
            else if (is_newline(c))
                state_ = State::pre_key;
            break;
        case State::comment_escape:
            state_ = State::comment;
            break;
        }
    }

    void push() {
        if (key_space_ != std::string::npos)
            key_.resize(key_space_);
        if (state_ == State::value && value_space_ != std::string::npos)
            value_.resize(value_space_);
        if (valid_env_name(key_))
            out_.emplace_back(key_, value_);
        key_.clear();
        value_.clear();
        key_space_ = value_space_ = std::string::npos;
    }

    State state_ = State::pre_key;
    std::string key_, value_;
    std::size_t key_space_ = std::string::npos, value_space_ = std::string::npos;
    std::vector<std::pair<std::string, std::string>> out_;
};

} // namespace

std::vector<std::pair<std::string, std::string>> parse_env_file(std::string_view content) {
    return EnvFileParser{}.run(content);
}

std::optional<std::string> env_file_value(std::string_view content, std::string_view name) {
    std::optional<std::string> v;
    for (auto& [k, value] : parse_env_file(content))
        if (k == name)
            v = value;
    return v;
}

std::string env_file_line(std::string_view name, std::string_view value) {
    std::string out(name);
    out += "=\"";
    for (char c : value) {
        if (c == '\\' || c == '"' || c == '`' || c == '$')
            out += '\\';
        out += c;
    }
    return out + "\"\n";
}

} // namespace netcfg::unitfile
