import type { ProductInventory, SessionInfo, UserDetail, UserSetup } from "../backend";

export const superAdmin: SessionInfo = {
  account_id: 1,
  login: "dana.reyes",
  display_name: "Dana Reyes",
  role: "Super Admin",
  organization: "Maple Street Dental",
  currency: "USD",
  permissions: ["users.view", "licenses.view", "licenses.assign"],
  missing: [],
  while_server_unreachable: [],
};

export const helpdesk: SessionInfo = {
  ...superAdmin,
  account_id: 4,
  login: "priya.nair",
  display_name: "Priya Nair",
  role: "Helpdesk",
  permissions: ["users.view", "licenses.view", "settings.manage"],
  missing: [
    {
      permission: "licenses.assign",
      label: "Assign and change licenses",
      message:
        "Your role Helpdesk does not include Assign and change licenses. Ask Dana Reyes (Super Admin), or switch to an account that has it.",
      switch_suggested: true,
      because: "role",
    },
  ],
};

export const voicePro: ProductInventory = {
  product_id: 2,
  sku: "VOICE-PRO",
  name: "Voice Pro",
  family: "voice",
  features: ["calling", "voicemail"],
  monthly_price_cents: 3200,
  purchased: 18,
  assigned: 16,
  available: 2,
  pending_cancellation: 0,
  monthly_cost_cents: 57600,
};

export const contactCenter: ProductInventory = {
  ...voicePro,
  product_id: 4,
  sku: "CC-AGENT",
  name: "Contact Center Agent",
  family: "contact_center",
  purchased: 2,
  assigned: 2,
  available: 0,
  monthly_price_cents: 9500,
  monthly_cost_cents: 19000,
};

export const kofi: UserDetail = {
  id: 7,
  first_name: "Kofi",
  last_name: "Andersson",
  email: "kofi.andersson@maplestreetdental.com",
  department: "Billing",
  site: "Denver",
  extension: null,
  phone_number: null,
  license: null,
  status: "active",
  version: 1,
  features: [],
  updated_at: "2026-01-05T09:00:00Z",
  updated_by: null,
};

/** Kofi's setup sections once he holds Voice Pro. */
export const kofiSetup: UserSetup = {
  user_id: kofi.id,
  version: kofi.version,
  licensed: true,
  features: ["calling", "voicemail", "call_forwarding"],
  site: "Austin",
  extension: "2001",
  phone_number: null,
  available_numbers: ["+15125550150"],
  voicemail: { configured: false, enabled: false, email_notification: false, pin_set: false, custom_greeting: null },
  forwarding: [],
  apps: [
    { app: "desktop_app", label: "Desktop app", available: true, enabled: true, configured: true, included_in: [] },
    { app: "mobile_app", label: "Mobile app", available: true, enabled: false, configured: false, included_in: [] },
  ],
  devices: [],
  checklist: [],
};
