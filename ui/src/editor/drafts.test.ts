import { describe, expect, it } from "vitest";
import { licenseEdit, profileEdited, savedDrafts, savedProfile, unsavedSections, userEdits } from "./drafts";
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
      license: { kind: "assign", product_id: voicePro.product_id },
      profile: null,
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

const sites = [
  { id: 1, name: "Austin" },
  { id: 2, name: kofi.site },
];

describe("the Profile tab's unsaved edits", () => {
  it("start as the stored profile, with the site by its id", () => {
    const profile = savedProfile(kofi, sites);
    expect(profile).toEqual({
      first_name: kofi.first_name,
      last_name: kofi.last_name,
      email: kofi.email,
      department: kofi.department,
      site_id: 2,
    });
    expect(profileEdited(profile, kofi, sites)).toBe(false);
    expect(profileEdited(null, kofi, sites)).toBe(false);
  });

  it("count a changed field or site, not spaces around a value, and come first", () => {
    const profile = savedProfile(kofi, sites);
    expect(profileEdited({ ...profile, last_name: ` ${kofi.last_name} ` }, kofi, sites)).toBe(false);
    expect(profileEdited({ ...profile, department: "Front desk" }, kofi, sites)).toBe(true);
    expect(profileEdited({ ...profile, site_id: 1 }, kofi, sites)).toBe(true);
    const typed = { ...savedDrafts(setup), voicemail: { ...savedDrafts(setup).voicemail, pin: "4826" } };
    const assign = { kind: "assign" as const, product: voicePro, gains: voicePro.features };
    expect(unsavedSections(assign, false, typed, setup, true)).toEqual(["Profile", "License", "Voicemail"]);
  });

  it("are sent with the license change and the sections in one request", () => {
    const profile = { ...savedProfile(kofi, sites), department: "Front desk" };
    const edits = userEdits(kofi, none, savedDrafts(setup), setup, { profile });
    expect(edits).toMatchObject({ profile, license: null, voicemail: null, default_greeting: false });
  });
});

describe("what Save does to the license", () => {
  it("follows the pending change, with the cancellation asked for", () => {
    expect(licenseEdit(none, true)).toBeNull();
    expect(licenseEdit({ kind: "remove", productName: "Voice Pro" }, false)).toEqual({ kind: "remove" });
    const preview = {
      kind: "other_family" as const,
      from_product: "Voice Pro",
      to_product: "Meetings Plus",
      to_available: 2,
      gains: [],
      loses: [],
      removal: null,
    };
    expect(licenseEdit({ kind: "change", preview, productId: 5 }, true)).toEqual({
      kind: "change",
      product_id: 5,
      also_request_cancellation: true,
    });
  });
});
