import { PERMISSION, SAFETY_ARCHIVE_DAYS } from "../backend";
import { useId, useState } from "react";
import { backend, type RemovalImpact, type SessionInfo, type UserDetail } from "../backend";
import { missingPermission, ReadOnlyReason } from "../ui/ReadOnlyReason";
import { RemovalWarning } from "./RemovalWarning";
import { useStep } from "../ui/useStep";
import { CANCELLED, ProgressView, useLongWork } from "../ui/LongWork";

type Props = {
  user: UserDetail;
  session: SessionInfo;
  onDone: (user: UserDetail, message: string) => void;
};

const STEPS = [
  `Export the user's data (a safety archive is always kept ${SAFETY_ARCHIVE_DAYS} days)`,
  "Remove the license",
  "Release the phone number and extension",
  "Deactivate the user",
];

/** The guided offboarding of a user who leaves, through the removal's warning and dialogs. */
export function Offboarding({ user, session, onDone }: Props) {
  const id = useId();
  const lock =
    missingPermission(session, PERMISSION.UsersEdit) ??
    (user.license ? missingPermission(session, PERMISSION.LicensesRemove) : null) ??
    (user.phone_number || user.extension ? missingPermission(session, PERMISSION.NumbersManage) : null);
  const [impact, setImpact] = useState<RemovalImpact | null>(null);
  const [started, setStarted] = useState(false);
  const { busy, error, setError, step } = useStep();
  const [notice, setNotice] = useState<string | null>(null);
  const exporting = useLongWork();
  const name = `${user.first_name} ${user.last_name}`;
  const done = user.status === "suspended" && !user.license && !user.phone_number && !user.extension;

  const start = () =>
    step(async () => {
      setStarted(true);
      if (user.license) setImpact(await backend.removalImpact(user.id));
    });
  const exportData = () =>
    step(async () => {
      const receipt = await exporting.watch((onProgress) => backend.exportUserData(user.id, onProgress));
      if (receipt === CANCELLED) setNotice("Export cancelled: no file was written.");
      else if (receipt) setNotice(`User data exported to ${receipt.path} (${receipt.files} files).`);
    });
  const finish = () =>
    step(async () => {
      const receipt = await backend.offboardUser({ user_id: user.id, expected_version: user.version });
      onDone(receipt.user, `${name} offboarded. ${receipt.steps.join(" ")}`);
    });
  const cancel = () => {
    setStarted(false);
    setImpact(null);
    setError(null);
  };

  return (
    <section className="offboarding" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Offboarding</h3>
      {done ? (
        <p className="muted">{name} is deactivated and holds no license, number or extension.</p>
      ) : !started ? (
        <>
          <p className="help">For a user who leaves: in this order, in one step that can be cancelled until the end.</p>
          <ol className="steps">
            {STEPS.map((s) => (
              <li key={s}>{s}</li>
            ))}
          </ol>
          {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
          <button type="button" disabled={lock !== null || busy} onClick={() => void start()}>
            Offboard user
          </button>
        </>
      ) : impact ? (
        <RemovalWarning
          impact={impact}
          busy={busy}
          onExport={() => void exportData()}
          onContinue={() => void finish()}
          onKeep={cancel}
        >
          <ProgressView title="Exporting user data" label="Export progress" unit="files" work={exporting} />
        </RemovalWarning>
      ) : (
        <div className="buttons">
          <button type="button" onClick={cancel} disabled={busy}>
            Keep user
          </button>
          <button type="button" className="danger" onClick={() => void finish()} disabled={busy}>
            Continue
          </button>
        </div>
      )}
      <div role="status" className={notice ? "message message-success" : "message-empty"}>
        {notice ?? ""}
      </div>
      <div role="alert" className={error ? "message message-failure" : "message-empty"}>
        {error?.message ?? ""}
      </div>
    </section>
  );
}
