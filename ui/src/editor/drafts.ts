import type { App, DeviceType, ForwardCondition, UserDetail, UserEdits, UserSetup } from "../backend";
import type { PendingChange } from "./licenseChange";

/** What the admin typed into each setup section of the editor and has not saved yet. */
export type Drafts = {
  numbers: { extension: string; phone_number: string };
  voicemail: { enabled: boolean; email_notification: boolean; pin: string };
  forwarding: { condition: ForwardCondition; destination: string; rings: string };
  apps: App[];
  device: { device_type: DeviceType; model: string; mac_address: string };
};

/** The sections as stored: nothing typed yet. */
export function savedDrafts(setup: UserSetup): Drafts {
  return {
    numbers: { extension: setup.extension ?? "", phone_number: setup.phone_number ?? "" },
    voicemail: { enabled: setup.voicemail.enabled, email_notification: setup.voicemail.email_notification, pin: "" },
    forwarding: { condition: "no_answer", destination: "", rings: "4" },
    apps: setup.apps.filter((a) => a.enabled).map((a) => a.app),
    device: { device_type: "desk_phone", model: "", mac_address: "" },
  };
}

/** The names of the editor's sections, as the editor and its questions show them. */
export const SECTION = {
  license: "License",
  numbers: "Number and extension",
  voicemail: "Voicemail",
  forwarding: "Call forwarding",
  apps: "App access",
  device: "Devices",
} as const;

type SetupSection = Exclude<keyof typeof SECTION, "license">;

function changedSetup(drafts: Drafts, setup: UserSetup): SetupSection[] {
  const saved = savedDrafts(setup);
  const changed: SetupSection[] = [];
  if (drafts.numbers.extension.trim() !== saved.numbers.extension || drafts.numbers.phone_number !== saved.numbers.phone_number)
    changed.push("numbers");
  const v = drafts.voicemail;
  if (v.enabled !== saved.voicemail.enabled || v.email_notification !== saved.voicemail.email_notification || v.pin !== "")
    changed.push("voicemail");
  if (drafts.forwarding.destination.trim() !== "") changed.push("forwarding");
  const apps = new Set(drafts.apps);
  if (apps.size !== saved.apps.length || saved.apps.some((a) => !apps.has(a))) changed.push("apps");
  if (drafts.device.model.trim() !== "" || drafts.device.mac_address.trim() !== "") changed.push("device");
  return changed;
}

/**
 * The sections with unsaved edits, in the editor's order: a pending license change, then
 * every setup section whose typed values differ from the stored ones.
 */
export function unsavedSections(
  change: PendingChange,
  licenseStarted: boolean,
  drafts: Drafts | null,
  setup: UserSetup | null,
): string[] {
  const sections: string[] = change.kind !== "none" || licenseStarted ? [SECTION.license] : [];
  if (drafts && setup) sections.push(...changedSetup(drafts, setup).map((s) => SECTION[s]));
  return sections;
}

/** The request of the editor's Save: the pending license (an assignment) and every changed section. */
export function userEdits(user: UserDetail, change: PendingChange, drafts: Drafts | null, setup: UserSetup | null): UserEdits {
  const changed = new Set(drafts && setup ? changedSetup(drafts, setup) : []);
  const part = <T>(section: SetupSection, build: (d: Drafts) => T): T | null =>
    drafts && changed.has(section) ? build(drafts) : null;
  return {
    user_id: user.id,
    expected_version: user.version,
    assign_product_id: change.kind === "assign" ? change.product.product_id : null,
    numbers: part("numbers", (d) => ({
      user_id: user.id,
      expected_version: user.version,
      extension: d.numbers.extension.trim() || null,
      phone_number: d.numbers.phone_number || null,
    })),
    voicemail: part("voicemail", (d) => ({ user_id: user.id, ...d.voicemail })),
    forwarding: part("forwarding", (d) => ({
      user_id: user.id,
      condition: d.forwarding.condition,
      destination: d.forwarding.destination,
      rings: d.forwarding.condition === "no_answer" ? Number(d.forwarding.rings) : null,
    })),
    apps: part("apps", (d) => ({ user_id: user.id, enabled: d.apps })),
    device: part("device", (d) => ({ user_id: user.id, ...d.device })),
  };
}
