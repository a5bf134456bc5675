import { describe, expect, it } from "vitest";
import type { ChangePreview, RemovalImpact } from "../backend";
import { pendingChange, unconfirmedImpact } from "./licenseChange";
import { contactCenter, kofi, voicePro } from "../test/fixtures";

const licensed = {
  ...kofi,
  license: { seat_id: 3, product_id: voicePro.product_id, product_name: "Voice Pro", family: "voice" as const },
};

const impact: RemovalImpact = {
  user_id: kofi.id,
  user_name: "Kofi Andersson",
  product_name: "Voice Pro",
  call_history: 4,
  forwarding_rules: 1,
  voicemails: 2,
  voicemail_greetings: 1,
  device_activations: 2,
  app_access: 0,
  voicemail_settings: true,
  deleted: [],
  phone_number: "+15125550101",
  extension: "2001",
  recordings_kept: 1,
  summary: "…",
};

function preview(kind: ChangePreview["kind"]): ChangePreview {
  return {
    kind,
    from_product: "Voice Pro",
    to_product: "Other",
    to_available: 2,
    gains: [],
    loses: [],
    removal: kind === "other_family" ? impact : null,
  };
}

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

  it("stages a removal only once it is confirmed, warning until then", () => {
    const staged = { kind: "removal" as const, impact, confirmed: false };
    expect(pendingChange(licensed, "none", [voicePro], staged).kind).toBe("none");
    expect(unconfirmedImpact(staged)).toBe(impact);
    expect(pendingChange(licensed, "none", [voicePro], { ...staged, confirmed: true })).toEqual({
      kind: "remove",
      productName: "Voice Pro",
    });
  });

  it("stages a change of the same type at once, and one of another type after confirmation", () => {
    const same = { kind: "change" as const, preview: preview("same_family"), productId: 1, confirmed: false };
    expect(pendingChange(licensed, 1, [voicePro], same).kind).toBe("change");
    expect(unconfirmedImpact(same)).toBeNull();
    const other = { kind: "change" as const, preview: preview("other_family"), productId: 5, confirmed: false };
    expect(pendingChange(licensed, 5, [voicePro], other).kind).toBe("none");
    expect(unconfirmedImpact(other)).toBe(impact);
    expect(pendingChange(licensed, 5, [voicePro], { ...other, confirmed: true }).kind).toBe("change");
  });
});
