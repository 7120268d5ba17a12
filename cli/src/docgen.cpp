// coffre-docgen: the man page and the shell completions, from the CLI11 definition of the commands (docgen.hpp).
#include "docgen.hpp"

#include "examples.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace coffre::cli {

namespace {

// ---------------------------------------------------------------------------------------------------------------
// The model: what the App says about each visible command.

struct OptionDoc {
  std::vector<std::string> names;  // "-o", "--output"; a positional: its one name ("LOCAL REMOTE")
  bool positional = false;
  bool takes_value = false;
  bool required = false;
  bool repeated = false;  // several values, or given several times
  bool local_path = false;  // its value (a positional: its arguments) names local files: complete file names
  std::string value;        // its value's name in the man page: FILE, DIR, UINT, TEXT...
  std::string help;
  std::string env;
};

struct CommandDoc {
  std::string path;  // "drive put"; "" for coffre itself
  std::string description;
  std::vector<std::string> paragraphs;   // the footer's prose, without its examples and exit codes
  std::string exit_codes;                // the footer's "Exit codes:" block (without that title), if any
  std::vector<OptionDoc> options;        // options, then positionals; -h,--help aside (every command has it)
  std::vector<std::string> subcommands;  // their paths
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}
bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }

std::vector<std::string> split(const std::string& s, const std::string& sep) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  for (std::size_t next; (next = s.find(sep, at)) != std::string::npos; at = next + sep.size()) {
    parts.push_back(s.substr(at, next - at));
  }
  parts.push_back(s.substr(at));
  return parts;
}

std::string join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string s;
  for (const auto& p : parts) s += (s.empty() ? "" : sep) + p;
  return s;
}

// Local files: an option whose long name ends in "file", the input, output, identity, home and store; a positional
// named IN, FILE, DIR or LOCAL (drive paths, user and device ids are not local files).
bool names_local_path(const OptionDoc& o) {
  if (o.positional) {
    for (const auto& word : split(o.names[0], " ")) {
      if (word == "IN" || word == "FILE" || word == "DIR" || word == "LOCAL") return true;
    }
    return false;
  }
  for (const auto& n : o.names) {
    if (ends_with(n, "file") || n == "--input" || n == "--output" || n == "--home" || n == "--store" ||
        n == "--identity") {
      return true;
    }
  }
  return false;
}

// The type name CLI11 shows ("TEXT", "UINT:INT in [0 - 1024]", "TEXT:DIR|URL"): a validator's own name if it is
// one word, else the type; FILE or DIR for a local path given as text.
std::string value_name(const CLI::Option& opt, const OptionDoc& o) {
  const std::string type = opt.get_type_name();
  const auto colon = type.find(':');
  const std::string base = type.substr(0, colon);
  const std::string extra = colon == std::string::npos ? "" : type.substr(colon + 1);
  if (!extra.empty() && extra.find(' ') == std::string::npos) return extra;
  if (o.local_path && base == "TEXT") {
    for (const auto& n : o.names) {
      if (n == "--home") return "DIR";
    }
    return "FILE";
  }
  return base;
}

OptionDoc describe_option(const CLI::Option& opt) {
  OptionDoc o;
  o.positional = !opt.nonpositional();
  if (o.positional) {
    o.names.push_back(opt.get_name(true));
  } else {
    for (const auto& s : opt.get_snames()) o.names.push_back("-" + s);
    for (const auto& l : opt.get_lnames()) o.names.push_back("--" + l);
  }
  o.takes_value = opt.get_items_expected_max() > 0;  // a flag expects 0 values
  o.required = opt.get_required();
  o.repeated = opt.get_items_expected_max() > 1;
  o.local_path = names_local_path(o);
  o.value = o.takes_value ? value_name(opt, o) : "";
  o.help = opt.get_description();
  o.env = opt.get_envname();
  return o;
}

void describe_footer(const std::string& footer, CommandDoc& c) {
  if (footer.empty()) return;
  for (const auto& block : split(footer, "\n\n")) {
    if (starts_with(block, "Examples:")) continue;
    if (starts_with(block, "Exit codes:")) {
      c.exit_codes = block.substr(block.find('\n') + 1);
      continue;
    }
    std::string prose = block;
    for (char& ch : prose) {
      if (ch == '\n') ch = ' ';
    }
    c.paragraphs.push_back(prose);
  }
}

std::vector<CommandDoc> describe(CLI::App& app) {
  std::vector<CommandDoc> commands;
  for (CLI::App* cmd : visible_commands(app)) {
    CommandDoc c;
    c.path = command_path(*cmd);
    c.description = cmd->get_description();
    describe_footer(cmd->get_footer(), c);
    std::vector<OptionDoc> positionals;
    for (const CLI::Option* opt : cmd->get_options()) {
      if (opt == cmd->get_help_ptr()) continue;
      OptionDoc o = describe_option(*opt);
      (o.positional ? positionals : c.options).push_back(std::move(o));
    }
    c.options.insert(c.options.end(), positionals.begin(), positionals.end());
    for (CLI::App* sub : cmd->get_subcommands([](CLI::App* s) { return !s->get_group().empty(); })) {
      c.subcommands.push_back(command_path(*sub));
    }
    commands.push_back(std::move(c));
  }
  return commands;
}

std::string last_word(const std::string& path) { return path.substr(path.rfind(' ') + 1); }

bool has_file_arguments(const CommandDoc& c) {
  for (const auto& o : c.options) {
    if (o.positional && o.local_path) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------------------------
// The man page.

// Text for roff: backslashes escaped; `code` (command lines, option names) also gets real minus signs.
std::string roff(const std::string& s, bool code = false) {
  std::string out;
  for (char ch : s) {
    if (ch == '\\') {
      out += "\\e";
    } else if (ch == '-' && code) {
      out += "\\-";
    } else {
      out += ch;
    }
  }
  return out;
}

// One input line: a line starting with '.' or '\'' would be a request.
void line(std::ostream& o, const std::string& text) {
  if (!text.empty() && (text[0] == '.' || text[0] == '\'')) o << "\\&";
  o << text << '\n';
}

std::string bold(const std::string& s) { return "\\fB" + roff(s, true) + "\\fR"; }
std::string italic(const std::string& s) { return "\\fI" + roff(s, true) + "\\fR"; }

std::string synopsis(const CommandDoc& c) {
  std::string s = bold(c.path.empty() ? "coffre" : "coffre " + c.path);
  bool any_option = false;
  for (const auto& o : c.options) any_option |= !o.positional;
  if (any_option) s += " [" + italic("OPTIONS") + "]";
  if (!c.subcommands.empty()) s += " " + italic("COMMAND");
  for (const auto& o : c.options) {
    if (!o.positional) continue;
    std::string arg = italic(o.names[0]) + (o.repeated && o.names[0].find(' ') == std::string::npos ? "..." : "");
    s += " " + (o.required ? arg : "[" + arg + "]");
  }
  return s;
}

std::string option_head(const OptionDoc& o) {
  if (o.positional) return italic(o.names[0]);
  std::vector<std::string> names;
  for (const auto& n : o.names) names.push_back(bold(n));
  return join(names, ", ") + (o.takes_value ? " " + italic(o.value) : "");
}

std::string option_help(const OptionDoc& o) {
  std::string h = o.help;
  if (!h.empty() && h.back() != '.') h += '.';
  if (o.required) h += " Required.";
  if (o.repeated && !o.positional) h += " May be repeated.";
  if (!o.env.empty()) h += " Environment: " + o.env + ".";
  return roff(h);
}

// Who a shared text applies to: the commands that end a path ("coffre encrypt, coffre drive put").
std::string label(const std::vector<const CommandDoc*>& commands) {
  std::vector<std::string> names;
  for (const CommandDoc* c : commands) {
    if (c->subcommands.empty()) names.push_back(bold("coffre " + c->path));
  }
  return join(names, ", ");
}

void write_man(std::ostream& o, const std::vector<CommandDoc>& commands, const std::string& version) {
  const CommandDoc& top = commands.front();
  // Prose the footers share (the drive's paths, the account's places) goes once into NOTES; the rest stays with its
  // command. Exit codes: each distinct table once, with the commands it is for.
  std::map<std::string, std::vector<const CommandDoc*>> paragraph_users, exit_users;
  std::vector<std::string> paragraph_order, exit_order;
  for (const auto& c : commands) {
    if (c.path.empty()) continue;
    for (const auto& p : c.paragraphs) {
      if (paragraph_users[p].empty()) paragraph_order.push_back(p);
      paragraph_users[p].push_back(&c);
    }
    if (!c.exit_codes.empty()) {
      if (exit_users[c.exit_codes].empty()) exit_order.push_back(c.exit_codes);
      exit_users[c.exit_codes].push_back(&c);
    }
  }

  o << ".\\\" Generated by coffre-docgen from coffre's command-line definition (cli/src/main.cpp, examples.cpp).\n"
    << ".\\\" Do not edit: edit the definition.\n"
    << ".TH COFFRE 1 \"\" \"coffre " << version << "\" \"User Commands\"\n";
  o << ".SH NAME\ncoffre \\- end-to-end encryption of files, accounts, sharing and an encrypted drive\n";
  o << ".SH SYNOPSIS\n.nf\n";
  for (const auto& c : commands) {
    if (!c.path.empty() && c.subcommands.empty()) line(o, synopsis(c));
  }
  line(o, bold("coffre --version"));
  o << ".fi\n.SH DESCRIPTION\n";
  line(o, roff(top.description) + ".");
  line(o, "Every command prints its help, options and examples with " + bold("-h") + " or " + bold("--help") +
              "; the commands that print something a script reads take " + bold("--json") + ".");
  o << ".SH COMMANDS\n";
  for (const auto& c : commands) {
    if (c.path.empty()) continue;
    o << ".SS \"" << roff("coffre " + c.path, true) << "\"\n";
    line(o, synopsis(c));
    o << ".PP\n";
    line(o, roff(c.description));
    for (const auto& p : c.paragraphs) {
      if (paragraph_users[p].size() > 1) continue;
      o << ".PP\n";
      line(o, roff(p));
    }
    for (const auto& opt : c.options) {
      o << ".TP\n";
      line(o, option_head(opt));
      line(o, option_help(opt));
    }
  }
  o << ".SH EXAMPLES\n";
  for (const auto& c : commands) {
    for (const Example& e : examples_of(c.path)) {
      o << ".PP\n";
      line(o, roff(e.what) + ":");
      o << ".RS\n.nf\n";
      line(o, bold(e.line));
      o << ".fi\n.RE\n";
    }
  }
  o << ".SH NOTES\n";
  for (const auto& p : paragraph_order) {
    if (paragraph_users[p].size() < 2) continue;
    o << ".PP\n";
    line(o, label(paragraph_users[p]) + ":");
    o << ".RS\n";
    line(o, roff(p));
    o << ".RE\n";
  }
  o << ".SH \"EXIT STATUS\"\n";
  for (const auto& table : exit_order) {
    o << ".PP\n";
    line(o, label(exit_users[table]) + ":");
    o << ".RS\n.nf\n";
    for (const auto& l : split(table, "\n")) line(o, roff(l));
    o << ".fi\n.RE\n";
  }
  o << ".SH ENVIRONMENT\n";
  std::map<std::string, std::string> env_options;  // variable -> the option it stands for
  for (const auto& c : commands) {
    for (const auto& opt : c.options) {
      if (!opt.env.empty()) env_options.emplace(opt.env, opt.names.back());
    }
  }
  for (const auto& [var, option] : env_options) {
    o << ".TP\n";
    line(o, bold(var));
    line(o, "The default of " + bold(option) + " for every command that has it.");
  }
  o << ".TP\n" << bold("XDG_CONFIG_HOME") << "\nWhere the default home is: \\fI$XDG_CONFIG_HOME/coffre\\fR.\n";
  o << ".TP\n" << bold("XDG_DATA_HOME") << "\nWhere the default directory store is: "
    << "\\fI$XDG_DATA_HOME/coffre/store\\fR.\n";
  o << ".TP\n" << bold("HOME") << "\nWhen an XDG variable is unset or not an absolute path: "
    << "\\fI~/.config\\fR and \\fI~/.local/share\\fR.\n";
  o << ".SH FILES\n";
  o << ".TP\n\\fI$XDG_CONFIG_HOME/coffre/device.state\\fR\n"
    << "This device's place in its account and its secret keys (mode 0600, written atomically); the home is "
    << bold("--home") << ".\n";
  o << ".TP\n\\fI$XDG_CONFIG_HOME/coffre/trust.state\\fR, \\fIpins.state\\fR, \\fIcontact-logs.state\\fR\n"
    << "Contacts, their pinned keys and device lists (sharing and the drive).\n";
  o << ".TP\n\\fI$XDG_DATA_HOME/coffre/store\\fR\nThe default store (" << bold("--store") << ", "
    << bold("COFFRE_STORE") << "): what a server would hold, all of it encrypted.\n";
  o << ".SH \"SEE ALSO\"\n";
  line(o, "In coffre's sources: \\fIcli/README.md\\fR (the CLI, its JSON output), \\fIdocs/SPEC.md\\fR (the format), "
          "\\fIdocs/STORE.md\\fR (the store protocol), \\fIdocs/THREAT-MODEL.md\\fR.");
}

// ---------------------------------------------------------------------------------------------------------------
// Completions. Each shell gets the same tables, as functions of a command's path: its subcommands, its options,
// those that take a value, those whose value is a local file, and whether its arguments are local files.

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::vector<std::string> option_names(const CommandDoc& c, bool (*keep)(const OptionDoc&)) {
  std::vector<std::string> names;
  for (const auto& o : c.options) {
    if (o.positional || !keep(o)) continue;
    names.insert(names.end(), o.names.begin(), o.names.end());
  }
  return names;
}
bool any_option(const OptionDoc&) { return true; }
bool value_option(const OptionDoc& o) { return o.takes_value; }
bool file_option(const OptionDoc& o) { return o.takes_value && o.local_path; }

std::vector<std::string> all_options(const CommandDoc& c) {
  std::vector<std::string> names = option_names(c, any_option);
  names.insert(names.end(), {"-h", "--help"});
  return names;
}

std::vector<std::string> subcommand_names(const CommandDoc& c) {
  std::vector<std::string> names;
  for (const auto& s : c.subcommands) names.push_back(last_word(s));
  return names;
}

const CommandDoc& find(const std::vector<CommandDoc>& commands, const std::string& path) {
  for (const auto& c : commands) {
    if (c.path == path) return c;
  }
  return commands.front();
}

// A bash or zsh function: `case $1` over the paths, setting `variable` from `value(command)`.
template <class Value>
void sh_table(std::ostream& o, const std::vector<CommandDoc>& commands, const char* name, const char* assign_empty,
              Value value) {
  o << name << "() {\n  case $1 in\n";
  for (const auto& c : commands) {
    const std::string v = value(c);
    if (!v.empty()) o << "    (" << sh_quote(c.path) << ") " << v << " ;;\n";
  }
  o << "    (*) " << assign_empty << " ;;\n  esac\n}\n";
}

void write_bash(std::ostream& o, const std::vector<CommandDoc>& commands) {
  o << "# bash completion for coffre. Generated by coffre-docgen from coffre's command-line definition: do not edit.\n"
    << "# Each _coffre_* function sets REPLY for the command path in $1 (\"\", \"drive\", \"drive put\"...).\n";
  auto words = [](const std::vector<std::string>& list) {
    return list.empty() ? std::string() : "REPLY=" + sh_quote(join(list, " "));
  };
  sh_table(o, commands, "_coffre_subcommands", "REPLY=''", [&](const CommandDoc& c) {
    return words(subcommand_names(c));
  });
  sh_table(o, commands, "_coffre_options", "REPLY=''", [&](const CommandDoc& c) { return words(all_options(c)); });
  sh_table(o, commands, "_coffre_value_options", "REPLY=''", [&](const CommandDoc& c) {
    return words(option_names(c, value_option));
  });
  sh_table(o, commands, "_coffre_file_options", "REPLY=''", [&](const CommandDoc& c) {
    return words(option_names(c, file_option));
  });
  sh_table(o, commands, "_coffre_file_arguments", "REPLY=''", [&](const CommandDoc& c) {
    return has_file_arguments(c) ? std::string("REPLY=1") : std::string();
  });
  o << R"(_coffre() {
  local cur=${COMP_WORDS[COMP_CWORD]} path='' word i expect_value=0 REPLY
  # The command path so far: the words that name subcommands, skipping options and their values.
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=${COMP_WORDS[i]}
    if ((expect_value)); then
      expect_value=0
      continue
    fi
    if [[ $word == -* ]]; then
      _coffre_value_options "$path"
      [[ $word != *=* && " $REPLY " == *" $word "* ]] && expect_value=1
      continue
    fi
    _coffre_subcommands "$path"
    [[ " $REPLY " == *" $word "* ]] && path=${path:+$path }$word
  done
  COMPREPLY=()
  if ((expect_value)); then
    _coffre_file_options "$path"
    [[ " $REPLY " == *" ${COMP_WORDS[COMP_CWORD - 1]} "* ]] && mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
  fi
  if [[ $cur == -* ]]; then
    _coffre_options "$path"
    mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")
    return 0
  fi
  _coffre_subcommands "$path"
  if [[ -n $REPLY ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$REPLY" -- "$cur")
  else
    _coffre_file_arguments "$path"
    [[ -n $REPLY ]] && mapfile -t COMPREPLY < <(compgen -f -- "$cur")
  fi
  return 0
}
complete -o filenames -F _coffre coffre
)";
}

// zsh: `name:description` pairs for _describe (a name has no colon; the description may).
std::string zsh_pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  if (pairs.empty()) return {};
  std::string s = "reply=(";
  for (const auto& [name, what] : pairs) s += (s.size() > 7 ? " " : "") + sh_quote(name + ":" + what);
  return s + ")";
}

void write_zsh(std::ostream& o, const std::vector<CommandDoc>& commands) {
  o << "#compdef coffre\n"
    << "# zsh completion for coffre. Generated by coffre-docgen from coffre's command-line definition: do not edit.\n"
    << "# Each _coffre_* function sets reply for the command path in $1 (\"\", \"drive\", \"drive put\"...).\n";
  auto list = [](const std::vector<std::string>& names) {
    if (names.empty()) return std::string();
    std::string s = "reply=(";
    for (const auto& n : names) s += (s.size() > 7 ? " " : "") + sh_quote(n);
    return s + ")";
  };
  sh_table(o, commands, "_coffre_subcommands", "reply=()", [&](const CommandDoc& c) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& s : c.subcommands) pairs.emplace_back(last_word(s), find(commands, s).description);
    return zsh_pairs(pairs);
  });
  sh_table(o, commands, "_coffre_options", "reply=()", [&](const CommandDoc& c) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& opt : c.options) {
      if (opt.positional) continue;
      for (const auto& n : opt.names) pairs.emplace_back(n, opt.help);
    }
    pairs.emplace_back("--help", "Print this help message and exit");
    return zsh_pairs(pairs);
  });
  sh_table(o, commands, "_coffre_value_options", "reply=()", [&](const CommandDoc& c) {
    return list(option_names(c, value_option));
  });
  sh_table(o, commands, "_coffre_file_options", "reply=()", [&](const CommandDoc& c) {
    return list(option_names(c, file_option));
  });
  sh_table(o, commands, "_coffre_file_arguments", "reply=()", [&](const CommandDoc& c) {
    return has_file_arguments(c) ? std::string("reply=(1)") : std::string();
  });
  o << R"(_coffre() {
  local path='' word i expect_value=0
  local -a reply names described
  for ((i = 2; i < CURRENT; i++)); do
    word=${words[i]}
    if ((expect_value)); then
      expect_value=0
      continue
    fi
    if [[ $word == -* ]]; then
      _coffre_value_options "$path"
      [[ $word != *=* ]] && ((${reply[(Ie)$word]})) && expect_value=1
      continue
    fi
    _coffre_subcommands "$path"
    names=("${(@)reply%%:*}")
    ((${names[(Ie)$word]})) && path=${path:+$path }$word
  done
  if ((expect_value)); then
    _coffre_file_options "$path"
    ((${reply[(Ie)${words[CURRENT - 1]}]})) && _files
    return
  fi
  if [[ $PREFIX == -* ]]; then
    _coffre_options "$path"
    described=("${reply[@]}")
    _describe -t options option described
    return
  fi
  _coffre_subcommands "$path"
  if (($#reply)); then
    described=("${reply[@]}")
    _describe -t commands command described
  else
    _coffre_file_arguments "$path"
    (($#reply)) && _files
  fi
}
_coffre "$@"
)";
}

std::string fish_quote(const std::string& s) {
  std::string out = "'";
  for (char ch : s) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

void fish_table(std::ostream& o, const std::vector<CommandDoc>& commands, const char* name,
                std::vector<std::string> (*value)(const CommandDoc&)) {
  o << "function " << name << "\n    switch $argv[1]\n";
  for (const auto& c : commands) {
    const std::vector<std::string> v = value(c);
    if (v.empty()) continue;
    o << "        case " << fish_quote(c.path) << "\n            printf '%s\\n'";
    for (const auto& w : v) o << " " << fish_quote(w);
    o << "\n";
  }
  o << "    end\nend\n";
}

void write_fish(std::ostream& o, const std::vector<CommandDoc>& commands) {
  o << "# fish completion for coffre. Generated by coffre-docgen from coffre's command-line definition: do not edit.\n";
  fish_table(o, commands, "__coffre_subcommands", subcommand_names);
  fish_table(o, commands, "__coffre_value_options",
             [](const CommandDoc& c) { return option_names(c, value_option); });
  o << R"(# The command path so far: the words that name subcommands, skipping options and their values.
function __coffre_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path ''
    set -l expect_value 0
    for word in $tokens
        if test $expect_value = 1
            set expect_value 0
            continue
        end
        if string match -q -- '-*' $word
            if not string match -q -- '*=*' $word; and contains -- $word (__coffre_value_options $path)
                set expect_value 1
            end
            continue
        end
        if contains -- $word (__coffre_subcommands $path)
            set path (string trim -- "$path $word")
        end
    end
    echo $path
end
function __coffre_at
    test (__coffre_path) = "$argv[1]"
end
complete -c coffre -f
)";
  for (const auto& c : commands) {
    const std::string at = "-n " + fish_quote("__coffre_at " + fish_quote(c.path));
    for (const auto& s : c.subcommands) {
      o << "complete -c coffre " << at << " -a " << fish_quote(last_word(s)) << " -d "
        << fish_quote(find(commands, s).description) << "\n";
    }
    for (const auto& opt : c.options) {
      if (opt.positional) continue;
      for (const auto& n : opt.names) {
        o << "complete -c coffre " << at << (starts_with(n, "--") ? " -l " + n.substr(2) : " -s " + n.substr(1))
          << (!opt.takes_value ? "" : opt.local_path ? " -r -F" : " -x") << " -d " << fish_quote(opt.help) << "\n";
      }
    }
    if (has_file_arguments(c)) o << "complete -c coffre " << at << " -F\n";
  }
}

bool write_file(const std::string& path, void (*write)(std::ostream&, const std::vector<CommandDoc>&),
                const std::vector<CommandDoc>& commands) {
  std::ofstream out(path, std::ios::trunc);
  write(out, commands);
  out.close();
  if (!out) std::fprintf(stderr, "coffre-docgen: cannot write %s\n", path.c_str());
  return static_cast<bool>(out);
}

}  // namespace

int generate_docs(CLI::App& app, int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: coffre-docgen OUTDIR\n");
    return 2;
  }
  // examples_of is what add_examples_to_footers used: a command without examples is a build failure.
  bool complete = true;
  for (CLI::App* cmd : visible_commands(app)) {
    if (examples_of(command_path(*cmd)).empty()) {
      std::fprintf(stderr, "coffre-docgen: 'coffre %s' has no examples: add them to cli/src/examples.cpp\n",
                   command_path(*cmd).c_str());
      complete = false;
    }
  }
  if (!complete) return 2;
  const std::vector<CommandDoc> commands = describe(app);
  const std::string dir = argv[1];
  std::ofstream man(dir + "/coffre.1", std::ios::trunc);
  write_man(man, commands, COFFRE_VERSION);
  man.close();
  bool ok = static_cast<bool>(man);
  ok = write_file(dir + "/coffre.bash", write_bash, commands) && ok;
  ok = write_file(dir + "/_coffre", write_zsh, commands) && ok;
  ok = write_file(dir + "/coffre.fish", write_fish, commands) && ok;
  return ok ? 0 : 3;
}

}  // namespace coffre::cli
