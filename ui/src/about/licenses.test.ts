import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import licenses from "./licenses.json";

describe("the About dialog's list of open-source components", () => {
  it("is what the dependency manifests say now (else: make licenses)", () => {
    // Throws with the script's message when the checked-in list is stale.
    execFileSync("node", ["scripts/licenses.mjs", "--check"], { stdio: "pipe", timeout: 60_000 });
  }, 90_000);

  it("names a license for every bundled component", () => {
    expect(licenses.rust.length).toBeGreaterThan(50);
    expect(licenses.npm.map((p) => p.name)).toEqual(expect.arrayContaining(["react", "react-dom", "@tauri-apps/api"]));
    for (const c of [...licenses.rust, ...licenses.npm]) {
      expect(c.license, `${c.name} ${c.version}`).not.toBe("not stated");
    }
    expect(licenses.rust.map((c) => c.name)).toEqual(expect.arrayContaining(["tauri", "rusqlite", "serde"]));
  });
});
