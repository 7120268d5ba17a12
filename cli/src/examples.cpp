// The examples table (examples.hpp). Ids are made up but well formed: a user id is 32 hex digits (or a known
// contact's 8+ digit prefix), a device id 4+ hex digits, a safety number 60 digits.
#include "examples.hpp"

#include <map>

namespace coffre::cli {

namespace {

const std::map<std::string, std::vector<Example>>& table() {
  static const std::map<std::string, std::vector<Example>> t{
      {"",
       {{"coffre keygen --symmetric -o my.key", "Make a key file"},
        {"coffre encrypt --key-file my.key -o report.pdf.cof report.pdf", "Encrypt a file with it"},
        {"coffre init --name laptop", "Create an account, with this machine as its first device"},
        {"coffre drive put report.pdf /work/", "Upload a file to the account's encrypted drive"}}},
      {"encrypt",
       {{"coffre encrypt --key-file my.key -o report.pdf.cof report.pdf", "Encrypt a file with a key file"},
        {"tar c photos/ | coffre encrypt --passphrase-file pw.txt > photos.tar.cof",
         "Encrypt a pipe with the passphrase in pw.txt"},
        {"coffre encrypt -r 5f2a9c1e -R team.txt -o plan.cof plan.odt",
         "A shared file for a contact, the users listed in team.txt (one id per line) and you"},
        {"coffre encrypt -a -i my.key -o notes.txt.asc notes.txt", "ASCII armor, key file given as age's -i"}}},
      {"decrypt",
       {{"coffre decrypt --key-file my.key -o report.pdf report.pdf.cof", "Decrypt a file (atomic output)"},
        {"coffre decrypt photos.tar.cof | tar x", "Stream to a pipe; the passphrase is asked on the terminal"},
        {"coffre decrypt -o plan.odt plan.cof", "A shared file: opened with this account's keys"},
        {"coffre decrypt -i my.key notes.txt.asc", "Armored input is detected"}}},
      {"keygen",
       {{"coffre keygen --symmetric -o my.key", "A new 32-byte key, mode 0600"},
        {"coffre keygen --symmetric -o ~/.config/team.key", "Never replaces an existing file"}}},
      {"inspect",
       {{"coffre inspect report.pdf.cof", "The header fields, no key needed"},
        {"coffre inspect --json report.pdf.cof", "The same as JSON, for scripts"},
        {"cat report.pdf.cof | coffre inspect -", "From standard input"}}},
      {"vectors",
       {{"coffre vectors verify vectors/", "Replay the spec's test vectors"},
        {"coffre vectors verify /usr/src/coffre/vectors", "Another copy of them"}}},
      {"vectors verify",
       {{"coffre vectors verify vectors/", "Replay every vectors/*.json file"},
        {"coffre vectors verify /usr/src/coffre/vectors", "Another copy of them"}}},
      {"init",
       {{"coffre init --name laptop", "Create an account; type a passphrase for this device's keys twice"},
        {"coffre init --store https://store.example.com --passphrase-file pw.txt",
         "On a server, passphrase from a file"},
        {"coffre init --home ./demo-home --store ./demo-store --no-passphrase", "A throwaway account for a demo"}}},
      {"whoami",
       {{"coffre whoami", "The account and this device, verified"},
        {"coffre whoami --json", "The same as JSON"},
        {"coffre whoami --home ~/.config/coffre-work --passphrase-file pw.txt", "Another home"}}},
      {"device",
       {{"coffre device list", "The account's devices"},
        {"coffre device request --user 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c --name phone", "Ask to join (new device)"},
        {"coffre device approve", "Answer it (enrolled device)"},
        {"coffre device revoke 9b1f", "Remove a device"}}},
      {"device list",
       {{"coffre device list", "Verify the device list and show it ('*' this device, '!' unexpected)"},
        {"coffre device list --json", "The same as JSON"},
        {"coffre device list --store https://store.example.com", "From a server"}}},
      {"device request",
       {{"coffre device request --user 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c --name phone",
         "On the new device: ask to join, then compare the security code"},
        {"coffre device request --user 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c --timeout 120 --passphrase-file pw.txt",
         "Wait two minutes at most; passphrase from a file"}}},
      {"device approve",
       {{"coffre device approve", "On an enrolled device: answer the only pending request"},
        {"coffre device approve 3c9e0a17b2d54f68a1e7c0d29b8f4a61 --timeout 300", "A given request"}}},
      {"device accept",
       {{"coffre device accept 9b1f", "Accept a device another of your devices added"},
        {"coffre device accept 9b1f2c3d --yes", "Without the confirmation question"}}},
      {"device revoke",
       {{"coffre device revoke 9b1f", "Remove a device; it loses access from now on"},
        {"coffre device revoke 9b1f --yes --passphrase-file pw.txt", "Without questions"}}},
      {"recover",
       {{"coffre recover --user 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c --name laptop",
         "Enroll this device with the recovery phrase (typed, not shown)"},
        {"coffre recover --user 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c --phrase-file phrase.txt --passphrase-file pw.txt",
         "Phrase and new passphrase from files"}}},
      {"publish",
       {{"coffre publish", "Publish this account's public keys, so others can share with it"},
        {"coffre publish --store https://store.example.com", "To a server"}}},
      {"contacts",
       {{"coffre contacts", "Known contacts and their trust state"}, {"coffre contacts --json", "The same as JSON"}}},
      {"fingerprint",
       {{"coffre fingerprint 5f2a9c1e", "The safety number with a contact, to compare out of band"},
        {"coffre fingerprint 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c", "With a whole user id"}}},
      {"verify",
       {{"coffre verify 5f2a9c1e '05215 39841 74203 11958 60237 84412 90376 25518 47069 13385 72940 66021'",
         "Mark a contact verified after comparing the number"},
        {"coffre verify 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c 052153984174203119586023784412903762551847069133857294066021",
         "The digits without spaces"}}},
      {"refuse",
       {{"coffre refuse 5f2a9c1e", "Never share with this contact, nor accept from them"},
        {"coffre refuse 5f2a9c1e7d3b4a6f8e0c2b1d9a7f6e5c --home ~/.config/coffre-work", "In another home"}}},
      {"share",
       {{"coffre share plan.cof 0b7d4e22", "Give a contact access to a shared file you own"},
        {"coffre share plan.cof 0b7d4e22a9c35f1e6d7b8a0c4e2f1d93", "With a whole user id"}}},
      {"unshare",
       {{"coffre unshare plan.cof 0b7d4e22", "Remove a member: new key, plan.cof re-encrypted"},
        {"coffre unshare plan.cof", "Finish an interrupted unshare"}}},
      {"drive",
       {{"coffre drive ls -l /", "The top of the drive"},
        {"coffre drive put report.pdf /work/", "Upload a file"},
        {"coffre drive get /work/report.pdf report.pdf", "Download it"}}},
      {"drive mkdir",
       {{"coffre drive mkdir /work", "A folder"}, {"coffre drive mkdir -p /work/2024/q3", "With missing parents"}}},
      {"drive put",
       {{"coffre drive put report.pdf /work/", "Upload into a folder, under its own name"},
        {"coffre drive put -f report.pdf /work/report.pdf", "Replace the content (a new revision)"},
        {"coffre drive put --type text/markdown notes /work/notes.md", "Record a media type"}}},
      {"drive get",
       {{"coffre drive get /work/report.pdf report.pdf", "Download a file"},
        {"coffre drive get --range 0:4096 /work/video.mp4 head.bin", "Only its first 4 KiB"},
        {"coffre drive get @4e1a77c0/plans/q3.odt - | wc -c", "From a folder shared with you, to standard output"}}},
      {"drive ls",
       {{"coffre drive ls", "The top folder"},
        {"coffre drive ls -l /work", "Kind, size, time and media type"},
        {"coffre drive ls --shared", "Folders shared with you, as @ID"},
        {"coffre drive ls --json /work", "As JSON"}}},
      {"drive mv",
       {{"coffre drive mv /work/draft.odt /work/final.odt", "Rename"},
        {"coffre drive mv /work/report.pdf /archive/", "Move into a folder"}}},
      {"drive rm",
       {{"coffre drive rm /work/old.pdf", "Remove a file"},
        {"coffre drive rm -r /archive/2019", "A folder with everything in it"}}},
      {"drive share",
       {{"coffre drive share /work 0b7d4e22", "Share a folder with a contact"},
        {"coffre drive share /work 0b7d4e22a9c35f1e6d7b8a0c4e2f1d93", "With a whole user id"}}},
      {"drive unshare",
       {{"coffre drive unshare /work 0b7d4e22", "Remove them; everything in it gets new keys"},
        {"coffre drive unshare /work 0b7d4e22a9c35f1e6d7b8a0c4e2f1d93", "With a whole user id"}}},
  };
  return t;
}

std::string examples_block(const std::vector<Example>& examples) {
  std::string s = "Examples:";
  for (const Example& e : examples) s += std::string("\n  ") + e.line + "\n      " + e.what;
  return s;
}

void collect(CLI::App* cmd, std::vector<CLI::App*>& out) {
  out.push_back(cmd);
  for (CLI::App* sub : cmd->get_subcommands([](CLI::App* c) { return !c->get_group().empty(); })) collect(sub, out);
}

}  // namespace

const std::vector<Example>& examples_of(const std::string& path) {
  static const std::vector<Example> none;
  auto it = table().find(path);
  return it == table().end() ? none : it->second;
}

std::string command_path(const CLI::App& cmd) {
  std::string path;
  for (const CLI::App* c = &cmd; c->get_parent() != nullptr; c = c->get_parent()) {
    path = path.empty() ? c->get_name() : c->get_name() + " " + path;
  }
  return path;
}

std::vector<CLI::App*> visible_commands(CLI::App& app) {
  std::vector<CLI::App*> out;
  collect(&app, out);
  return out;
}

std::vector<std::string> add_examples_to_footers(CLI::App& app) {
  std::vector<std::string> missing;
  for (CLI::App* cmd : visible_commands(app)) {
    const std::vector<Example>& examples = examples_of(command_path(*cmd));
    if (examples.empty()) {
      missing.push_back(command_path(*cmd));
      continue;
    }
    const std::string footer = cmd->get_footer();
    cmd->footer(footer.empty() ? examples_block(examples) : footer + "\n\n" + examples_block(examples));
  }
  return missing;
}

}  // namespace coffre::cli
