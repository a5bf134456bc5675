// Writes the .deb's machine-readable copyright file (Debian copyright format 1.0) from
// LicenseDesk's LICENSE and ui/src/about/licenses.json, the list the About dialog shows
// (kept fresh by `make licenses`; a UI test fails while it is stale). Never edit by hand.
//
//   node scripts/debian-copyright.mjs OUT
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ui = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = process.argv[2];
if (!out) {
  console.error("usage: node scripts/debian-copyright.mjs OUT");
  process.exit(2);
}
const { rust, npm } = JSON.parse(readFileSync(join(ui, "src", "about", "licenses.json"), "utf8"));
const ownLicense = readFileSync(join(ui, "..", "LICENSE"), "utf8");

// A field's continuation lines start with a space; an empty line is written " .".
const continued = (text) =>
  text
    .trimEnd()
    .split("\n")
    .map((l) => (l.trim() === "" ? " ." : ` ${l}`))
    .join("\n");

// SPDX expressions as Debian writes them: "or"/"and" in lower case, "/" meaning "or".
const debianExpression = (spdx) =>
  spdx
    .replace(/\s*\/\s*/g, " OR ")
    .replace(/[()]/g, "")
    .replace(/\b(OR|AND)\b/g, (op) => op.toLowerCase())
    .replace(/\s+WITH\s+/g, " with ");
const identifiers = (spdx) =>
  debianExpression(spdx)
    .split(/\s+(?:or|and)\s+/)
    .map((id) => id.replace(/ with .*$/, ""))
    .concat([...spdx.matchAll(/WITH\s+(\S+)/g)].map((m) => m[1]));

const components = [
  ...rust.map((c) => ({ ...c, kind: "Rust crate" })),
  ...npm.map((c) => ({ ...c, kind: "npm package" })),
];
const used = new Set(components.flatMap((c) => identifiers(c.license)));
used.delete("MIT");

const ownCopyright = ownLicense.match(/^Copyright .*$/m)[0].replace(/^Copyright (\(c\) )?/, "");
const ownText = ownLicense.slice(ownLicense.indexOf("Permission is hereby granted"));

const paragraphs = [
  [
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/",
    "Upstream-Name: LicenseDesk",
    "Upstream-Contact: LicenseDesk <support@licensedesk.app>",
    "Comment: Generated from the list of open-source components in LicenseDesk's About",
    " dialog. The program /usr/bin/licensedesk contains, besides LicenseDesk's own code, the",
    " components listed below: Rust crates compiled into it and npm packages embedded in its",
    " user interface, each under the license it states.",
  ].join("\n"),
  [
    "Files: *",
    `Copyright: ${ownCopyright}`,
    "License: MIT",
    "Comment: Components compiled into the program (name, version, license, source):",
    continued(
      components
        .map((c) => `${c.kind} ${c.name} ${c.version}: ${debianExpression(c.license)}${c.repository ? `, ${c.repository}` : ""}`)
        .join("\n"),
    ),
  ].join("\n"),
  `License: MIT\n${continued(ownText)}`,
  ...[...used].sort().map((id) => {
    const common = join("/usr/share/common-licenses", id);
    const where = existsSync(common)
      ? `On Debian systems, the complete text of ${id} is in ${common}.`
      : `The complete text of ${id} is at https://spdx.org/licenses/${id}.html and in the source of each\ncomponent above that uses it.`;
    return `License: ${id}\n${continued(where)}`;
  }),
];
writeFileSync(out, paragraphs.join("\n\n") + "\n");
console.log(`wrote ${out}: ${components.length} components, ${used.size + 1} licenses`);
