import type { Feature, LicenseFamily, ProductInventory } from "../backend";

let money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });

/** Amounts follow the organization's currency (an ISO code from the session). */
export function setCurrency(code: string) {
  money = new Intl.NumberFormat("en-US", { style: "currency", currency: code });
}

export function formatCents(cents: number): string {
  return money.format(cents / 100);
}

export const FAMILY_LABELS: Record<LicenseFamily, string> = {
  voice: "Voice",
  contact_center: "Contact Center",
  meetings: "Meetings",
};

export const FEATURE_LABELS: Record<Feature, string> = {
  calling: "Calling",
  voicemail: "Voicemail",
  call_forwarding: "Call forwarding",
  call_recording: "Call recording",
  desktop_app: "Desktop app",
  mobile_app: "Mobile app",
  video_meetings: "Video meetings",
  contact_center: "Contact center",
  analytics: "Analytics",
};

/** "Voice Pro (2 available)": what the License combobox offers. */
export function licenseOptionLabel(p: Pick<ProductInventory, "name" | "available">): string {
  return `${p.name} (${p.available} available)`;
}

export function fullName(u: { first_name: string; last_name: string }): string {
  return `${u.first_name} ${u.last_name}`;
}
