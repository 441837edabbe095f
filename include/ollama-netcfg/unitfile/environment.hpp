// Reading and editing one variable in the Environment= settings of a unit
// file or drop-in, leaving every other byte as it was.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::unitfile {

// systemd's env_name_is_valid(): a shell variable name.
bool valid_env_name(std::string_view name);

struct EnvAssignment {
    std::string name;
    std::string value;     // after unescaping and %% resolution
    std::size_t begin = 0; // file span of the word
    std::size_t end = 0;
};

// Every valid NAME=value word of Environment= in [Service], in file order.
// A line systemd rejects (bad quoting) contributes nothing, as in systemd.
std::vector<EnvAssignment> environment_assignments(std::string_view content);

// A word of an Environment= line that systemd ignores ("Invalid environment
// assignment, ignoring") although it tries to set a variable: typographic
// quotes, no '=', an invalid name, or bad quoting that drops the rest of the
// line.
struct IgnoredWord {
    std::string word;            // as written in the file
    std::string why;             // in words, for the admin
    std::size_t line_number = 0; // 1-based
    std::size_t begin = 0;       // file span
    std::size_t end = 0;
};

// The ignored words of Environment= lines in [Service] that mention `name`.
std::vector<IgnoredWord> ignored_assignments(std::string_view content, std::string_view name);

// The value this file leaves `name` with: the last assignment, unless an empty
// `Environment=` later resets the list. nullopt when unset.
std::optional<std::string> effective_value(std::string_view content, std::string_view name);

// What one file does to `name` when systemd reads it after the files before
// it (whose result is `before`): Environment= lines accumulate across the unit
// file and its drop-ins, and an empty one clears everything set so far.
struct EnvironmentEffect {
    std::optional<std::string> value; // the value after this file
    bool assigns = false;             // the file sets `name`
    bool resets = false;              // the file has an empty Environment=
    bool decided_here = false;        // `value` comes from this file
};
EnvironmentEffect environment_effect(std::string_view content, std::string_view name,
                                     std::optional<std::string> before);

struct Edit {
    std::string content;
    std::optional<std::string> old_value; // effective value before the edit
    bool changed = false;
};

// Sets `name` to `value`: rewrites its assignment words in place, or adds an
// Environment= line to the last [Service] section (creating the section when
// there is none).
Edit set_variable(std::string_view content, std::string_view name, std::string_view value);

// Removes every assignment of `name`; a line left without words goes too.
Edit unset_variable(std::string_view content, std::string_view name);

// Removes the words ignored_assignments() finds (a line left without valid
// words goes too). systemd ignored them, so what it reads does not change.
Edit remove_ignored(std::string_view content, std::string_view name);

// Adds the line KEY=VALUE to the last `section` section ("Service",
// "Unit") unless a line with exactly that key and value is there already. A
// new [Unit] section goes before the first section, a new [Service] one at
// the end.
Edit add_setting(std::string_view content, std::string_view section, std::string_view key,
                 std::string_view value);

// Removes every line KEY=VALUE of `section` with exactly that value.
Edit remove_setting(std::string_view content, std::string_view section, std::string_view key,
                    std::string_view value);

// True when the file holds nothing but blank lines and empty section headers.
bool is_effectively_empty(std::string_view content);

} // namespace netcfg::unitfile
