import { useState, type FormEvent } from "react";
import { backend, BackendError } from "../backend";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { Field } from "../ui/Field";

/** "connect": File > Connect to Server. "move": File > Move to a Server (the open file's organization). */
export type ServerAction = "connect" | "move";

type Props = {
  action: ServerAction;
  onCancel: () => void;
  /** The organization on the server is open now: sign in to it, with this notice. */
  onDone: (notice: string) => void;
};

const TEXT = {
  connect: {
    title: "Connect to a server",
    intro:
      "Open an organization that several admins share on a PostgreSQL server. While the server cannot be reached, nothing can be changed: work offline in an organization file.",
    button: "Connect",
    busy: "Connecting…",
  },
  move: {
    title: "Move to a server",
    intro:
      "Copy this organization into an empty database on a PostgreSQL server, where several admins can work on it. Every table is checked against this file before the copy is kept; the file itself is not changed. From then on, work on the server.",
    button: "Move",
    busy: "Moving…",
  },
} as const;

/** Asks for a server's address and connects to it, or moves the open organization there. */
export function ServerDialog({ action, onCancel, onDone }: Props) {
  const text = TEXT[action];
  const [address, setAddress] = useState("");
  const [busy, setBusy] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setFieldError(null);
    setError(null);
    try {
      const done =
        action === "connect" ? await backend.connectToServer(address) : await backend.moveToServer(address);
      onDone(action === "connect" ? `Connected to ${done}. Sign in to work on it.` : done);
    } catch (err) {
      const failure = err as BackendError;
      // A mistake in the address is shown under it; anything else (the server) in the footer.
      if (failure.field === "server") setFieldError(failure.reason);
      else setError(failure.reason);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog labelledBy="server-title" className="dialog dialog-small" onCancel={() => !busy && onCancel()} onSubmit={submit}>
      <header className="dialog-head">
        <h2 id="server-title">{text.title}</h2>
        <p className="muted">{text.intro}</p>
      </header>
      <div className="dialog-body form-grid">
        <Field id="server-address" label="Server address" error={fieldError} describedBy="server-hint">
          {(control) => (
            <input
              {...control}
              type="text"
              autoFocus
              spellCheck={false}
              autoComplete="off"
              placeholder="postgres://licensedesk@db.example.com/office"
              value={address}
              disabled={busy}
              onChange={(e) => setAddress(e.target.value)}
            />
          )}
        </Field>
        <p id="server-hint" className="muted span-2">
          For example postgres://licensedesk:password@db.example.com/office. Across a network the server must offer
          TLS with a certificate this computer trusts; add ?sslrootcert=/path/office-ca.pem for your office&apos;s own.
        </p>
      </div>
      <DialogFooter error={error} notice={busy ? text.busy : null}>
        <button type="button" disabled={busy} onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || address.trim() === ""}>
          {text.button}
        </button>
      </DialogFooter>
    </Dialog>
  );
}
