import { backend } from "../backend";
import type { Tab } from "./UserEditor";

/** After "Switch account…" in an editor: that user's editor opens again on that tab. */
export type ReopenEditor = { userId: number; name: string; tab: Tab };

/** The open editor's unsaved edits: whose, and in which sections. */
export type Unsaved = { name: string; sections: string[] };

let current: Unsaved | null = null;

/** The editor reports its unsaved edits here (null when there are none); the shell hears too, for Quit. */
export function reportUnsaved(unsaved: Unsaved | null) {
  if (current === null && unsaved === null) return;
  current = unsaved;
  // Only Quit's question depends on it; the editor's own guard keeps the edits either way.
  void backend.setUnsavedEdits(unsaved?.name ?? null, unsaved?.sections ?? []).catch(() => undefined);
}

export function hasUnsavedEdits(): boolean {
  return current !== null;
}

/**
 * Whether the window may leave the open editor (Switch account, Sign out, File > New or Open):
 * with unsaved edits, the native "Discard changes to <First Last>?" decides.
 */
export async function mayLeaveEditor(): Promise<boolean> {
  if (!current) return true;
  const discard = await backend.confirmDiscard(current.name, current.sections);
  if (discard) reportUnsaved(null);
  return discard;
}
