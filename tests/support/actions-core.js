// Prints workflow commands with @actions/core itself, for comparison with launchgate's
// `github` output. Input (argv[2]): a JSON array of
//   {kind: "error"|"warning"|"notice", message, title, file, startLine, endLine, startColumn, endColumn}
const core = require(process.env.ACTIONS_CORE || "@actions/core");
const fs = require("fs");
const annotations = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
for (const a of annotations) {
  const props = { title: a.title, file: a.file, startLine: a.startLine, endLine: a.endLine };
  if (a.startColumn !== undefined) {
    props.startColumn = a.startColumn;
    props.endColumn = a.endColumn;
  }
  core[a.kind](a.message, props);
}
