// How fast ajv-cli's YAML parser is, alone: js-yaml (the version scripts/install-test-tools.sh
// installs with ajv-cli) loads every file named on standard input, in one process, files read
// first, three rounds. Beside `cargo bench --bench phases -- DIR` (saphyr, one thread), it says
// how much of a schema-only run any tool spends before validating anything.
//
//   find /tmp/lgb/n10000 -name readiness.yaml | sort | node bench/js-yaml-parse.js
const fs = require('fs');
const path = require('path');

// The js-yaml ajv-cli itself loads, wherever npm placed it.
const ajvCli = path.join(__dirname, '..', '.tools', 'node', 'node_modules', 'ajv-cli');
const yamlPath = require.resolve('js-yaml', { paths: [ajvCli] });
const yaml = require(yamlPath);
const version = require(require.resolve('js-yaml/package.json', { paths: [ajvCli] })).version;
const files = fs.readFileSync(0, 'utf8').split('\n').filter(Boolean);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
const bytes = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
for (let round = 0; round < 3; round++) {
  const start = process.hrtime.bigint();
  for (const t of texts) yaml.load(t);
  const s = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(
    `js-yaml ${version}: ` +
      `${files.length} files, ${(bytes / 1e6).toFixed(1)} MB in ${(s * 1000).toFixed(0)} ms: ` +
      `${(bytes / 1e6 / s).toFixed(1)} MB/s, ${((s * 1e6) / files.length).toFixed(1)} µs/file`,
  );
}
