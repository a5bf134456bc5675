import { describe, expect, it } from "vitest";
import { pendingChange } from "./licenseChange";
import { contactCenter, kofi, voicePro } from "../test/fixtures";

describe("pendingChange", () => {
  it("is nothing while the choice is what the user holds", () => {
    expect(pendingChange(kofi, "none", [voicePro]).kind).toBe("none");
  });

  it("is an assignment of the chosen product, with the features it adds", () => {
    const c = pendingChange(kofi, voicePro.product_id, [voicePro, contactCenter]);
    expect(c).toEqual({ kind: "assign", product: voicePro, gains: ["calling", "voicemail"] });
  });

  it("ignores a product that is no longer offered", () => {
    expect(pendingChange(kofi, 999, [voicePro]).kind).toBe("none");
  });
});
