import { PERMISSION } from "../../backend";
import { useEffect, useId, useRef, useState } from "react";
import { backend } from "../../backend";
import { missingPermission, ReadOnlyReason } from "../../ui/ReadOnlyReason";
import { describedBy, FieldError, type SectionProps } from "./common";
import { FIELDS } from "../../backend/fields";

/** Voicemail on or off, its PIN, email notification and the greeting callers hear. */
export function VoicemailSection({ setup, user, session, error, run, saveSection, onSaved, drafts, edit }: SectionProps) {
  const id = useId();
  const lock = missingPermission(session, PERMISSION.SettingsManage);
  const v = setup.voicemail;
  const { enabled, email_notification: email, pin } = drafts.voicemail;
  const setEnabled = (value: boolean) => edit("voicemail", { ...drafts.voicemail, enabled: value });
  const setEmail = (value: boolean) => edit("voicemail", { ...drafts.voicemail, email_notification: value });
  const setPin = (value: string) => edit("voicemail", { ...drafts.voicemail, pin: value });
  const [audioUrl, setAudioUrl] = useState<string | null>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  useEffect(() => () => {
    if (audioUrl) URL.revokeObjectURL(audioUrl);
  }, [audioUrl]);
  const included = setup.features.includes("voicemail");
  const disabled = lock !== null || !included;

  const save = () =>
    run(async () => {
      await saveSection({ voicemail: { user_id: user.id, enabled, email_notification: email, pin } }, "voicemail");
      return `Voicemail of ${user.first_name} ${user.last_name} saved${pin ? " with the new PIN" : ""}.`;
    });
  const upload = () =>
    run(async () => {
      const saved = await backend.uploadGreeting(user.id, user.version);
      if (!saved) return null;
      onSaved(saved);
      return "Greeting uploaded.";
    });
  const restoreDefault = () =>
    run(async () => {
      await saveSection({ default_greeting: true });
      return "The default greeting plays again.";
    });
  const play = () =>
    run(async () => {
      const bytes = await backend.greetingAudio(user.id);
      setAudioUrl(URL.createObjectURL(new Blob([bytes], { type: "audio/wav" })));
      return null;
    });
  useEffect(() => {
    // A refused autoplay leaves the player's own Play button, which is what the admin sees.
    if (audioUrl) void audioRef.current?.play().catch(() => undefined);
  }, [audioUrl]);

  const greeting = v.custom_greeting
    ? `Custom greeting, ${v.custom_greeting.seconds} s, uploaded ${new Date(v.custom_greeting.created_at).toLocaleDateString()}`
    : "Default greeting";

  return (
    <section className="setup-section" aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Voicemail</h3>
      {!included && <p className="help">The license does not include voicemail.</p>}
      {lock && <ReadOnlyReason id={`${id}-lock`} lock={lock} />}
      <div className="form-grid">
        <span />
        <div className="inline-controls">
          <label className="check">
            <input type="checkbox" checked={enabled} disabled={disabled} onChange={(e) => setEnabled(e.target.checked)} />
            Voicemail
          </label>
          <label className="check">
            <input type="checkbox" checked={email} disabled={disabled} onChange={(e) => setEmail(e.target.checked)} />
            Email notification
          </label>
        </div>
        <label htmlFor={`${id}-pin`}>Voicemail PIN</label>
        <input
          id={`${id}-pin`}
          type="password"
          className="mono narrow"
          inputMode="numeric"
          autoComplete="new-password"
          value={pin}
          disabled={disabled}
          placeholder={v.pin_set ? "Set; type to change" : "4 to 8 digits"}
          aria-invalid={error?.field === FIELDS.voicemailPin || undefined}
          aria-describedby={describedBy(error?.field === FIELDS.voicemailPin && `${id}-pin-error`, `${id}-pin-help`)}
          onChange={(e) => setPin(e.target.value)}
        />
        <FieldError id={`${id}-pin-error`} error={error} field={FIELDS.voicemailPin} />
        <p id={`${id}-pin-help`} className="help span-2">
          4 to 8 digits; not one digit repeated, not a run like 1234, not the extension.
        </p>
        <span className="label">Greeting</span>
        <div className="inline-controls">
          <span>{greeting}</span>
          <button type="button" disabled={!included} onClick={() => void play()}>
            Play greeting
          </button>
          <button type="button" disabled={disabled} onClick={() => void upload()}>
            Upload greeting
          </button>
          {v.custom_greeting && (
            <button type="button" disabled={disabled} onClick={() => void restoreDefault()}>
              Use default greeting
            </button>
          )}
        </div>
        <FieldError id={`${id}-greeting-error`} error={error} field={FIELDS.greeting} />
        {audioUrl && <audio ref={audioRef} className="span-2" controls src={audioUrl} aria-label="Greeting audio" />}
      </div>
      <div className="section-actions">
        <button type="button" disabled={disabled} onClick={() => void save()}>
          Save voicemail
        </button>
      </div>
    </section>
  );
}
