// Generates ui/src/about/licenses.json: the open-source components bundled into LicenseDesk
// and their licenses, read from the dependency manifests. Never edit that file by hand.
//
//   node scripts/licenses.mjs          write it (`make licenses`)
//   node scripts/licenses.mjs --check  exit 1 if it is stale (run by the UI tests)
//
// Rust: `cargo metadata` for this machine's platform, walking the normal (not build or dev)
// dependencies of the licensedesk package; proc macros run at compile time only and are left
// out, as are LicenseDesk's own crates. npm: the runtime `dependencies` of ui/package.json
// and theirs, from node_modules (dev dependencies are build tools, not bundled).
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ui = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(ui, "..");
const out = join(ui, "src", "about", "licenses.json");

function rustComponents() {
  const host = execFileSync("rustc", ["-vV"], { encoding: "utf8" })
    .split("\n")
    .find((l) => l.startsWith("host: "))
    .slice("host: ".length);
  const meta = JSON.parse(
    execFileSync(
      "cargo",
      ["metadata", "--format-version", "1", "--locked", "--offline", "--filter-platform", host],
      { cwd: root, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 },
    ),
  );
  const packages = new Map(meta.packages.map((p) => [p.id, p]));
  const nodes = new Map(meta.resolve.nodes.map((n) => [n.id, n]));
  const members = new Set(meta.workspace_members);
  const app = meta.packages.find((p) => p.name === "licensedesk" && members.has(p.id));
  const seen = new Set();
  const found = [];
  const queue = [app.id];
  while (queue.length > 0) {
    const id = queue.shift();
    if (seen.has(id)) continue;
    seen.add(id);
    const pkg = packages.get(id);
    if (pkg.targets.some((t) => t.kind.includes("proc-macro"))) continue;
    if (!members.has(id)) {
      found.push({
        name: pkg.name,
        version: pkg.version,
        license: pkg.license ?? (pkg.license_file ? `see ${pkg.license_file}` : "not stated"),
        repository: pkg.repository ?? "",
      });
    }
    for (const dep of nodes.get(id).deps) {
      if (dep.dep_kinds.some((k) => k.kind === null)) queue.push(dep.pkg);
    }
  }
  return found;
}

function npmComponents() {
  const found = [];
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    const manifest = join(ui, "node_modules", name, "package.json");
    if (!existsSync(manifest)) throw new Error(`${name} is not installed: run npm ci in ui/`);
    const pkg = JSON.parse(readFileSync(manifest, "utf8"));
    const repo = typeof pkg.repository === "string" ? pkg.repository : (pkg.repository?.url ?? "");
    found.push({ name, version: pkg.version, license: pkg.license ?? "not stated", repository: repo });
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep);
  };
  const app = JSON.parse(readFileSync(join(ui, "package.json"), "utf8"));
  for (const dep of Object.keys(app.dependencies ?? {})) visit(dep);
  return found;
}

const byName = (a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version);
const fresh =
  JSON.stringify({ rust: rustComponents().sort(byName), npm: npmComponents().sort(byName) }, null, 1) + "\n";

if (process.argv.includes("--check")) {
  const current = existsSync(out) ? readFileSync(out, "utf8") : "";
  if (current !== fresh) {
    console.error(`${out} is stale: run \`make licenses\` and commit the result`);
    process.exit(1);
  }
  console.log(`${out} is up to date`);
} else {
  writeFileSync(out, fresh);
  console.log(`wrote ${out}`);
}
