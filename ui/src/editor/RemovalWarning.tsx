import { useId, type ReactNode } from "react";
import { SAFETY_ARCHIVE_DAYS, type RemovalImpact } from "../backend";

type Props = {
  impact: RemovalImpact;
  busy: boolean;
  onExport: () => void;
  onContinue: () => void;
  onKeep: () => void;
  /** The export's progress, while it runs. */
  children?: ReactNode;
};

function count(n: number, one: string, many: string) {
  return `${n} ${n === 1 ? one : many}`;
}

/** The exact impact of a removal, shown before anything is deleted. */
export function RemovalWarning({ impact, busy, onExport, onContinue, onKeep, children }: Props) {
  const id = useId();
  const released = [
    impact.phone_number && `phone number ${impact.phone_number}`,
    impact.extension && `extension ${impact.extension}`,
  ].filter(Boolean);
  return (
    <section className="removal-warning" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Warning: data loss</h3>
      <p>
        Removing the {impact.product_name} license from {impact.user_name} permanently deletes:
      </p>
      {/* Built by core from the same list as the deletion: every kind deleted has its line. */}
      <ul className="impact">
        {impact.deleted.map((d) => (
          <li key={d.kind}>{d.label}</li>
        ))}
      </ul>
      {released.length > 0 && <p>It releases {released.join(" and ")} for someone else.</p>}
      <p>
        Kept: {count(impact.recordings_kept, "call recording stays", "call recordings stay")} available to admins on
        the Recordings page. A safety archive of everything deleted is kept for {SAFETY_ARCHIVE_DAYS} days.
      </p>
      <div className="buttons">
        <button type="button" onClick={onKeep} disabled={busy}>
          Keep license
        </button>
        <button type="button" onClick={onExport} disabled={busy}>
          Export user data
        </button>
        <button type="button" className="danger" onClick={onContinue} disabled={busy}>
          Continue
        </button>
      </div>
      {children}
    </section>
  );
}
