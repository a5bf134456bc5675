// The keyboard shortcuts: one list, used by the handlers and shown in Help > Keyboard shortcuts.
// View and Help shortcuts are also the application menu's accelerators (src-tauri/src/menu.rs);
// the page handles them too, so that they work wherever the menu does not take the key first.

export type ShortcutId =
  | "focusSearch"
  | "save"
  | "cancel"
  | "nextUser"
  | "previousUser"
  | "viewUsers"
  | "viewLicenses"
  | "viewBilling"
  | "viewRecordings"
  | "viewAuditLog"
  | "help";

type Combo = { key: string; ctrl?: boolean; shift?: boolean; alt?: boolean };

export type Shortcut = { id: ShortcutId; combo: Combo; label: string; action: string; where: string };

export const SHORTCUTS: Shortcut[] = [
  { id: "focusSearch", combo: { key: "f", ctrl: true }, label: "Ctrl+F", action: "Search users", where: "Anywhere" },
  { id: "viewUsers", combo: { key: "1", ctrl: true }, label: "Ctrl+1", action: "Go to Users", where: "Anywhere" },
  { id: "viewLicenses", combo: { key: "2", ctrl: true }, label: "Ctrl+2", action: "Go to Licenses", where: "Anywhere" },
  { id: "viewBilling", combo: { key: "3", ctrl: true }, label: "Ctrl+3", action: "Go to Billing", where: "Anywhere" },
  { id: "viewRecordings", combo: { key: "4", ctrl: true }, label: "Ctrl+4", action: "Go to Recordings", where: "Anywhere" },
  { id: "viewAuditLog", combo: { key: "5", ctrl: true }, label: "Ctrl+5", action: "Go to Audit log", where: "Anywhere" },
  { id: "save", combo: { key: "s", ctrl: true }, label: "Ctrl+S", action: "Save", where: "User editor" },
  { id: "cancel", combo: { key: "Escape" }, label: "Esc", action: "Cancel and close", where: "User editor and dialogs" },
  { id: "nextUser", combo: { key: "PageDown", ctrl: true }, label: "Ctrl+Page Down", action: "Next user in the list", where: "User editor" },
  { id: "previousUser", combo: { key: "PageUp", ctrl: true }, label: "Ctrl+Page Up", action: "Previous user in the list", where: "User editor" },
  { id: "help", combo: { key: "F1" }, label: "F1", action: "Show these keyboard shortcuts", where: "Anywhere" },
];

/** Keys every page understands, listed in the help after the shortcuts above. */
export const GENERAL_KEYS: { label: string; action: string }[] = [
  { label: "Tab, Shift+Tab", action: "Move to the next or previous control" },
  { label: "Enter, Space", action: "Press the focused button" },
  { label: "Arrow keys", action: "Choose in a list such as License" },
  { label: "Ctrl+N", action: "New organization file (File > New…)" },
  { label: "Ctrl+O", action: "Open an organization file (File > Open…)" },
  { label: "F10", action: "Open the menu bar" },
  { label: "Ctrl+Q", action: "Quit LicenseDesk" },
];

type KeyLike = Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">;

/** The shortcut `event` is, if any. */
export function shortcutOf(event: KeyLike): ShortcutId | null {
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const ctrl = event.ctrlKey || event.metaKey;
  const found = SHORTCUTS.find(
    ({ combo }) =>
      combo.key === key && !!combo.ctrl === ctrl && !!combo.shift === event.shiftKey && !!combo.alt === event.altKey,
  );
  return found?.id ?? null;
}
