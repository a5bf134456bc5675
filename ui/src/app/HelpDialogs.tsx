import { useId, type ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { keys } from "../backend/queries";
import { Dialog, DialogFooter } from "../ui/Dialog";
import { backend } from "../backend";
import { GENERAL_KEYS, SHORTCUTS } from "../ui/shortcuts";
import licenses from "../about/licenses.json";
import { BrandMark } from "../ui/BrandMark";

type ModalProps = { title: string; onClose: () => void; children: ReactNode; wide?: boolean };

/** A dialog that only shows something, with Close (or Esc). */
export function Modal({ title, onClose, children, wide }: ModalProps) {
  const id = useId();
  return (
    <Dialog labelledBy={`${id}-title`} className={wide ? "dialog dialog-wide" : "dialog dialog-small"} onCancel={onClose}>
      <header className="dialog-head">
        <h2 id={`${id}-title`}>{title}</h2>
      </header>
      <div className="dialog-body">{children}</div>
      <DialogFooter>
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </DialogFooter>
    </Dialog>
  );
}

export function ShortcutsDialog({ onClose }: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" onClose={onClose}>
      <table className="grid shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Action</th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.id}>
              <th scope="row">
                <kbd>{s.label}</kbd>
              </th>
              <td>{s.action}</td>
              <td className="muted-cell">{s.where}</td>
            </tr>
          ))}
          {GENERAL_KEYS.map((k) => (
            <tr key={k.label}>
              <th scope="row">
                <kbd>{k.label}</kbd>
              </th>
              <td>{k.action}</td>
              <td className="muted-cell">Anywhere</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Modal>
  );
}

type Component = { name: string; version: string; license: string; repository: string };

function ComponentTable({ caption, components }: { caption: string; components: Component[] }) {
  return (
    <table className="grid components">
      <caption>
        {caption} ({components.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Component</th>
          <th scope="col">Version</th>
          <th scope="col">License</th>
        </tr>
      </thead>
      <tbody>
        {components.map((c) => (
          <tr key={`${c.name}@${c.version}`}>
            <th scope="row">{c.name}</th>
            <td className="mono">{c.version}</td>
            <td>{c.license}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** How many components use each license, most used first. */
function licenseSummary(components: Component[]): string {
  const counts = new Map<string, number>();
  for (const c of components) counts.set(c.license, (counts.get(c.license) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const top = sorted.slice(0, 5).map(([license, n]) => `${license} (${n})`);
  const rest = sorted.slice(5).reduce((sum, [, n]) => sum + n, 0);
  return rest > 0 ? `${top.join(", ")} and ${rest} under other terms` : top.join(", ");
}

export function AboutDialog({ onClose }: { onClose: () => void }) {
  const appInfo = useQuery({ queryKey: keys.appInfo, queryFn: backend.appInfo });
  const info = appInfo.data ?? null;
  const error = appInfo.error?.message ?? null;
  const all = [...licenses.rust, ...licenses.npm];
  return (
    <Modal title="About LicenseDesk" onClose={onClose} wide>
      <div className="about-head">
        <BrandMark size={64} />
        <div>
          <p className="about-name">LicenseDesk {info?.version ?? ""}</p>
          <p className="muted">Offline license administration for a small business's cloud phone system.</p>
        </div>
      </div>
      {error && <p role="alert" className="message message-failure">{error}</p>}
      <dl className="facts">
        <dt>Version</dt>
        <dd>{info?.version ?? "…"}</dd>
        <dt>{info?.on_server ? "Server" : "Organization file"}</dt>
        <dd className="mono">{info?.database_path ?? "…"}</dd>
        <dt>Database schema</dt>
        <dd>{info ? `Version ${info.schema_version}` : "…"}</dd>
      </dl>
      <h3 className="section-title">Open-source components</h3>
      <p className="help">
        LicenseDesk includes {licenses.rust.length} Rust crates and {licenses.npm.length} JavaScript packages, listed
        with their licenses as their manifests declare them. Most used: {licenseSummary(all)}.
      </p>
      <div className="components-scroll" tabIndex={0} role="region" aria-label="Open-source components and their licenses">
        <ComponentTable caption="Rust crates" components={licenses.rust} />
        <ComponentTable caption="JavaScript packages" components={licenses.npm} />
      </div>
    </Modal>
  );
}
