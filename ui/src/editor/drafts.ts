import type { App, DeviceType, ForwardCondition, LicenseEdit, NewUser, Site, UserDetail, UserEdits, UserSetup } from "../backend";
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

/** The Profile tab as typed: name, email, department and site. */
export type ProfileDraft = NewUser;

/** The profile as stored, with the site by its id. */
export function savedProfile(user: UserDetail, sites: Site[]): ProfileDraft {
  return {
    first_name: user.first_name,
    last_name: user.last_name,
    email: user.email,
    department: user.department,
    site_id: sites.find((s) => s.name === user.site)?.id ?? null,
  };
}

/** Whether the typed profile differs from the stored one (spaces around a value do not count). */
export function profileEdited(draft: ProfileDraft | null, user: UserDetail, sites: Site[]): boolean {
  if (!draft) return false;
  const saved = savedProfile(user, sites);
  const text = ["first_name", "last_name", "email", "department"] as const;
  return text.some((k) => draft[k].trim() !== saved[k]) || draft.site_id !== saved.site_id;
}

/** The names of the editor's sections, as the editor and its questions show them. */
export const SECTION = {
  profile: "Profile",
  license: "License",
  numbers: "Number and extension",
  voicemail: "Voicemail",
  forwarding: "Call forwarding",
  apps: "App access",
  device: "Devices",
} as const;

type SetupSection = Exclude<keyof typeof SECTION, "license" | "profile">;

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

/** The setup sections with unsaved edits, by the names the editor shows. */
export function unsavedSetup(drafts: Drafts | null, setup: UserSetup | null): string[] {
  return drafts && setup ? changedSetup(drafts, setup).map((s) => SECTION[s]) : [];
}

/**
 * The sections with unsaved edits, in the editor's order: the profile, a pending license
 * change, then every setup section whose typed values differ from the stored ones.
 */
export function unsavedSections(
  change: PendingChange,
  licenseStarted: boolean,
  drafts: Drafts | null,
  setup: UserSetup | null,
  profile = false,
): string[] {
  const sections: string[] = profile ? [SECTION.profile] : [];
  if (change.kind !== "none" || licenseStarted) sections.push(SECTION.license);
  return [...sections, ...unsavedSetup(drafts, setup)];
}

/** A Save request that changes nothing yet: the parts are added to it. */
export function noEdits(user: UserDetail): UserEdits {
  return {
    user_id: user.id,
    expected_version: user.version,
    profile: null,
    license: null,
    numbers: null,
    voicemail: null,
    default_greeting: false,
    forwarding: null,
    forwarding_deleted: null,
    apps: null,
    device: null,
    device_deactivated: null,
  };
}

/** What Save does to the license, from the pending change. */
export function licenseEdit(change: PendingChange, alsoRequestCancellation: boolean): LicenseEdit | null {
  switch (change.kind) {
    case "none":
      return null;
    case "assign":
      return { kind: "assign", product_id: change.product.product_id };
    case "remove":
      return { kind: "remove" };
    case "change":
      return { kind: "change", product_id: change.productId, also_request_cancellation: alsoRequestCancellation };
  }
}

/** The parts of the Save beyond the license and the setup sections: the profile only when edited. */
export type MoreEdits = { profile?: ProfileDraft | null; alsoRequestCancellation?: boolean };

/** The request of the editor's Save: the typed profile, the pending license change and every changed section. */
export function userEdits(
  user: UserDetail,
  change: PendingChange,
  drafts: Drafts | null,
  setup: UserSetup | null,
  more: MoreEdits = {},
): UserEdits {
  const changed = new Set(drafts && setup ? changedSetup(drafts, setup) : []);
  const part = <T>(section: SetupSection, build: (d: Drafts) => T): T | null =>
    drafts && changed.has(section) ? build(drafts) : null;
  return {
    ...noEdits(user),
    // Core trims what was typed and checks every field.
    profile: more.profile ?? null,
    license: licenseEdit(change, more.alsoRequestCancellation ?? false),
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
