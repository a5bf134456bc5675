import { PERMISSION } from "../../backend";
import { useId } from "react";
import type { DeviceType } from "../../backend";
import { missingPermission, ReadOnlyReason } from "../../ui/ReadOnlyReason";
import { describedBy, FieldError, type SectionProps } from "./common";
import { FIELDS } from "../../backend/fields";

const TYPES: [DeviceType, string][] = [
  ["desk_phone", "Desk phone"],
  ["desktop_app", "Desktop app"],
  ["mobile_app", "Mobile app"],
];

/** The user's device activations: activate a desk phone by model and MAC, or deactivate. */
export function DevicesSection({ setup, user, session, error, run, saveSection, drafts, edit }: SectionProps) {
  const id = useId();
  const lock = missingPermission(session, PERMISSION.SettingsManage);
  const { device_type: type, model, mac_address: mac } = drafts.device;
  const setType = (value: DeviceType) => edit("device", { ...drafts.device, device_type: value });
  const setModel = (value: string) => edit("device", { ...drafts.device, model: value });
  const setMac = (value: string) => edit("device", { ...drafts.device, mac_address: value });
  const disabled = lock !== null || !setup.licensed;

  const activate = () =>
    run(async () => {
      await saveSection({ device: { user_id: user.id, device_type: type, model, mac_address: mac } }, "device");
      return "Device activated.";
    });
  const deactivate = (deviceId: number, label: string) =>
    run(async () => {
      await saveSection({ device_deactivated: deviceId });
      return `${label} deactivated.`;
    });

  return (
    <section className="setup-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Devices</h3>
      {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
      {setup.devices.length === 0 ? (
        <p className="muted">No devices activated.</p>
      ) : (
        <ul className="rules">
          {setup.devices.map((d) => (
            <li key={d.id}>
              <span>
                {d.label}
                {d.mac_address && <span className="mono"> · {d.mac_address}</span>}
                <span className="muted"> · since {new Date(d.activated_at).toLocaleDateString()}</span>
              </span>
              <button type="button" className="link" disabled={disabled} onClick={() => void deactivate(d.id, d.label)}>
                Deactivate {d.label}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="form-grid">
        <label htmlFor={`${id}-type`}>Device type</label>
        <select id={`${id}-type`} value={type} disabled={disabled} onChange={(e) => setType(e.target.value as DeviceType)}>
          {TYPES.map(([t, label]) => (
            <option key={t} value={t}>
              {label}
            </option>
          ))}
        </select>
        <FieldError id={`${id}-type-error`} error={error} field={FIELDS.deviceType} />
        <label htmlFor={`${id}-model`}>Model</label>
        <input
          id={`${id}-model`}
          value={model}
          disabled={disabled}
          placeholder={type === "desk_phone" ? "Yealink T54W" : "Windows laptop"}
          aria-invalid={error?.field === FIELDS.model || undefined}
          aria-describedby={describedBy(error?.field === FIELDS.model && `${id}-model-error`)}
          onChange={(e) => setModel(e.target.value)}
        />
        <FieldError id={`${id}-model-error`} error={error} field={FIELDS.model} />
        {type === "desk_phone" && (
          <>
            <label htmlFor={`${id}-mac`}>MAC address</label>
            <input
              id={`${id}-mac`}
              className="mono"
              value={mac}
              disabled={disabled}
              placeholder="80:5E:C0:12:34:56"
              aria-invalid={error?.field === FIELDS.macAddress || undefined}
              aria-describedby={describedBy(error?.field === FIELDS.macAddress && `${id}-mac-error`)}
              onChange={(e) => setMac(e.target.value)}
            />
            <FieldError id={`${id}-mac-error`} error={error} field={FIELDS.macAddress} />
          </>
        )}
      </div>
      <div className="section-actions">
        <button type="button" disabled={disabled} onClick={() => void activate()}>
          Activate device
        </button>
      </div>
    </section>
  );
}
