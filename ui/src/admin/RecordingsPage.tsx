import { PERMISSION } from "../backend";
import { useEffect, useState } from "react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { keys, useFailure, useInvalidate } from "../backend/queries";
import { backend, type RecordingRow, type SessionInfo } from "../backend";
import { useNotify } from "../ui/Messages";
import { missingPermission, LockedPage } from "../ui/ReadOnlyReason";

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function duration(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function fileName(r: RecordingRow): string {
  const who = r.user_name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-");
  return `recording-${who}-${r.recorded_at.slice(0, 10)}-${r.id}.wav`;
}

type Playing = { id: number; url: string; label: string };

export function RecordingsPage({ session }: { session: SessionInfo }) {
  const notify = useNotify();
  const locked = missingPermission(session, PERMISSION.RecordingsView);
  const [playing, setPlaying] = useState<Playing | null>(null);

  const query = { user_id: null };
  const recordings = useQuery({ queryKey: keys.recordings(query), queryFn: () => backend.recordings(query), enabled: !locked });
  useFailure(recordings.error, notify.failure);
  const rows = recordings.data ?? null;

  const invalidate = useInvalidate();
  const play = useMutation({
    mutationFn: async (r: RecordingRow) => ({ r, bytes: await backend.recordingAudio(r.id) }),
    onSuccess: ({ r, bytes }) => {
      const url = URL.createObjectURL(new Blob([bytes], { type: "audio/wav" }));
      setPlaying({ id: r.id, url, label: `${r.user_name}, ${when(r.recorded_at)}` });
    },
    onError: (e) => notify.failure(e.message),
  });
  const exportOne = useMutation({
    mutationFn: (r: RecordingRow) => backend.exportRecording(r.id, fileName(r)),
    // null: the save dialog was cancelled.
    onSuccess: (path) => path && notify.success(`Recording exported to ${path}.`),
    onError: (e) => notify.failure(e.message),
    // The export is audited.
    onSettled: () => invalidate.audit(),
  });

  // Free the previous recording's audio when another one starts or the page closes.
  useEffect(() => () => { if (playing) URL.revokeObjectURL(playing.url); }, [playing]);

  if (locked) return <LockedPage title="Recordings" headingId="recordings-heading" reasonId="recordings-locked" missing={locked} />;

  return (
    <section aria-labelledby="recordings-heading">
      <div className="page-head">
        <h1 id="recordings-heading">Recordings</h1>
        {rows && <p className="muted">{rows.length} call recordings, kept when a license is removed</p>}
      </div>
      {playing && (
        <div className="player" aria-label="Player">
          <span>Playing the recording of {playing.label}</span>
          <audio controls autoPlay src={playing.url} aria-label={`Recording of ${playing.label}`} />
        </div>
      )}
      {rows && rows.length === 0 && <div className="empty">No calls have been recorded yet.</div>}
      {rows && rows.length > 0 && (
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Recorded</th>
              <th scope="col">User</th>
              <th scope="col">License now</th>
              <th scope="col">Other party</th>
              <th scope="col" className="num">Length</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} className={playing?.id === r.id ? "current" : undefined}>
                <td className="nowrap">{when(r.recorded_at)}</td>
                <th scope="row">{r.user_name}</th>
                <td>{r.user_license ?? <span className="badge badge-removed">License removed</span>}</td>
                <td className="mono">{r.remote_number}</td>
                <td className="num">{duration(r.duration_seconds)}</td>
                <td className="actions nowrap">
                  <button type="button" aria-label={`Play recording of ${r.user_name} from ${when(r.recorded_at)}`} onClick={() => play.mutate(r)}>
                    Play
                  </button>{" "}
                  <button type="button" aria-label={`Export recording of ${r.user_name} from ${when(r.recorded_at)}`} onClick={() => exportOne.mutate(r)}>
                    Export
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
