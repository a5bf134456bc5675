import { describe, expect, it } from "vitest";
import { savedDrafts, unsavedSections, userEdits } from "./drafts";
import { kofi, kofiSetup as setup, voicePro } from "../test/fixtures";

const none = { kind: "none" as const };

describe("the editor's unsaved sections", () => {
  it("are none while everything matches what is stored", () => {
    expect(unsavedSections(none, false, savedDrafts(setup), setup)).toEqual([]);
    // Spaces typed around the stored extension change nothing.
    const spaced = { ...savedDrafts(setup), numbers: { extension: " 2001 ", phone_number: "" } };
    expect(unsavedSections(none, false, spaced, setup)).toEqual([]);
  });

  it("name every section whose typed values differ, in the editor's order", () => {
    const d = savedDrafts(setup);
    const typed = {
      ...d,
      numbers: { ...d.numbers, extension: "2002" },
      voicemail: { ...d.voicemail, pin: "4826" },
      apps: ["desktop_app" as const, "mobile_app" as const],
      device: { ...d.device, model: "Yealink T54W" },
      forwarding: { ...d.forwarding, destination: "2003" },
    };
    expect(unsavedSections(none, false, typed, setup)).toEqual([
      "Number and extension",
      "Voicemail",
      "Call forwarding",
      "App access",
      "Devices",
    ]);
  });

  it("count the same apps in another order as unchanged, and a switched-off app as a change", () => {
    const d = savedDrafts(setup);
    expect(unsavedSections(none, false, { ...d, apps: [] }, setup)).toEqual(["App access"]);
  });

  it("put a pending or started license change first", () => {
    const assign = { kind: "assign" as const, product: voicePro, gains: voicePro.features };
    expect(unsavedSections(assign, false, null, null)).toEqual(["License"]);
    expect(unsavedSections(none, true, savedDrafts(setup), setup)).toEqual(["License"]);
  });
});

describe("the editor's Save request", () => {
  it("carries the pending license and only the changed sections", () => {
    const d = savedDrafts(setup);
    const typed = { ...d, voicemail: { enabled: true, email_notification: false, pin: "4826" } };
    const assign = { kind: "assign" as const, product: voicePro, gains: voicePro.features };
    const edits = userEdits(kofi, assign, typed, setup);
    expect(edits).toMatchObject({
      user_id: kofi.id,
      expected_version: kofi.version,
      assign_product_id: voicePro.product_id,
      numbers: null,
      forwarding: null,
      apps: null,
      device: null,
      voicemail: { user_id: kofi.id, enabled: true, email_notification: false, pin: "4826" },
    });
  });

  it("sends an emptied extension as none, and rings only for no answer", () => {
    const d = savedDrafts(setup);
    const typed = {
      ...d,
      numbers: { extension: "  ", phone_number: "+15125550150" },
      forwarding: { condition: "always" as const, destination: "2003", rings: "4" },
    };
    const edits = userEdits(kofi, none, typed, setup);
    expect(edits.numbers).toMatchObject({ extension: null, phone_number: "+15125550150" });
    expect(edits.forwarding).toMatchObject({ condition: "always", destination: "2003", rings: null });
  });
});
