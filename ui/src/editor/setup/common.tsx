import type { BackendError, SessionInfo, UserDetail, UserSetup } from "../../backend";

/** What every setup section gets from the editor. */
export type SectionProps = {
  setup: UserSetup;
  user: UserDetail;
  session: SessionInfo;
  error: BackendError | null;
  /** Runs a backend step; its failure lands in the editor's alert, its message in the status. */
  run: (work: () => Promise<string | null>) => Promise<void>;
  onSetup: (setup: UserSetup) => void;
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
