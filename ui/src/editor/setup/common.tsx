import type { BackendError, SavedUserEdits, SessionInfo, UserDetail, UserEdits, UserSetup } from "../../backend";
import type { Drafts } from "../drafts";
import type { FieldKey } from "../../backend/fields";

/** What every setup section gets from the editor. */
export type SectionProps = {
  setup: UserSetup;
  user: UserDetail;
  session: SessionInfo;
  error: BackendError | null;
  /** Runs a backend step; its failure lands in the editor's alert, its message in the status. */
  run: (work: () => Promise<string | null>) => Promise<void>;
  /**
   * A section's own button: saves `part` alone through the editor's Save, against the version
   * of the user the editor showed; `section` then matches what is stored.
   */
  saveSection: (part: Partial<UserEdits>, section?: keyof Drafts) => Promise<SavedUserEdits>;
  /** After a save made by another command (a greeting upload): the user and setup as stored. */
  onSaved: (saved: SavedUserEdits) => void;
  /** What is typed in every section; the editor's Save sends what differs from `setup`. */
  drafts: Drafts;
  edit: <K extends keyof Drafts>(section: K, value: Drafts[K]) => void;
};

/** The error of one field, shown next to it and referenced by its aria-describedby. */
export function FieldError({ id, error, field }: { id: string; error: BackendError | null; field: FieldKey | string }) {
  if (!error || error.field !== field) return null;
  return (
    <p id={id} className="field-error">
      {error.reason}
    </p>
  );
}

export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const list = ids.filter(Boolean).join(" ");
  return list || undefined;
}
