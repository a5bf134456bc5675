import type { BackendError, SessionInfo, UserDetail, UserSetup } from "../../backend";
import type { Drafts } from "../drafts";

/** What every setup section gets from the editor. */
export type SectionProps = {
  setup: UserSetup;
  user: UserDetail;
  session: SessionInfo;
  error: BackendError | null;
  /** Runs a backend step; its failure lands in the editor's alert, its message in the status. */
  run: (work: () => Promise<string | null>) => Promise<void>;
  /** After a section's own button saved it: the new setup, and the section now matches it. */
  onSetup: (setup: UserSetup, saved?: keyof Drafts) => void;
  /** What is typed in every section; the editor's Save sends what differs from `setup`. */
  drafts: Drafts;
  edit: <K extends keyof Drafts>(section: K, value: Drafts[K]) => void;
};

/** The error of one field, shown next to it and referenced by its aria-describedby. */
export function FieldError({ id, error, field }: { id: string; error: BackendError | null; field: string }) {
  if (error?.field !== field) return null;
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
