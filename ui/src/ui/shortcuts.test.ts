import { describe, expect, it } from "vitest";
import { SHORTCUTS, shortcutOf } from "./shortcuts";

const key = (key: string, mods: Partial<KeyboardEvent> = {}) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  altKey: false,
  ...mods,
});

describe("shortcuts", () => {
  it("recognises each listed shortcut and nothing else", () => {
    expect(shortcutOf(key("f", { ctrlKey: true }))).toBe("focusSearch");
    expect(shortcutOf(key("F", { ctrlKey: true }))).toBe("focusSearch");
    expect(shortcutOf(key("s", { ctrlKey: true }))).toBe("save");
    expect(shortcutOf(key("Escape"))).toBe("cancel");
    expect(shortcutOf(key("PageDown", { ctrlKey: true }))).toBe("nextUser");
    expect(shortcutOf(key("PageUp", { ctrlKey: true }))).toBe("previousUser");
    expect(shortcutOf(key("3", { ctrlKey: true }))).toBe("viewBilling");
    expect(shortcutOf(key("F1"))).toBe("help");
    expect(shortcutOf(key("f"))).toBeNull();
    expect(shortcutOf(key("s", { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(shortcutOf(key("PageDown"))).toBeNull();
  });

  it("lists every shortcut once", () => {
    const ids = SHORTCUTS.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    const labels = SHORTCUTS.map((s) => s.label);
    expect(new Set(labels).size).toBe(labels.length);
  });
});
