import { useCallback, useEffect, useState } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { newQueryClient } from "./backend/queries";
import { backend, BackendError, type OpenFailure, type SessionInfo } from "./backend";
import { SignIn } from "./app/SignIn";
import { Shell } from "./app/Shell";
import { MessagesProvider } from "./ui/Messages";
import { OpenFailureScreen } from "./app/OpenFailureScreen";
import { setCurrency } from "./ui/format";
import { FirstRun } from "./app/FirstRun";
import { hasUnsavedEdits, mayLeaveEditor, type ReopenEditor } from "./editor/leaveGuard";
import { ServerDialog, type ServerAction } from "./app/ServerDialog";
import { whileServerUnreachable } from "./ui/ReadOnlyReason";

function signedIn(set: (s: SessionInfo) => void) {
  return (s: SessionInfo) => {
    performance.mark("ld:signed-in");
    set(s);
  };
}

export type FileAction = "new" | "open";

/** An open modal dialog (the user editor, a form) may hold unsaved work. */
function modalOpen(): boolean {
  return document.querySelector("dialog[open]") !== null;
}

export function App() {
  // undefined while we ask the shell whether someone is still signed in (a reload keeps it).
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [signInNotice, setSignInNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<OpenFailure | null>(null);
  // An empty file: the first-run choice between the demo and the admin's own organization.
  const [unset, setUnset] = useState(false);
  // Bumped when another file is opened: every screen starts afresh on it.
  const [generation, setGeneration] = useState(0);
  // Why File > New or Open did not happen (shown over whichever screen is up).
  const [fileError, setFileError] = useState<string | null>(null);
  // Why the organization's server cannot be reached, while it cannot.
  const [serverDown, setServerDown] = useState<string | null>(null);
  // File > Connect to Server or Move to a Server, while its dialog is open.
  const [serverAction, setServerAction] = useState<ServerAction | null>(null);
  // "Switch account…" in an editor: after the next sign-in, that editor opens again.
  const [reopen, setReopen] = useState<ReopenEditor | null>(null);
  // The reads of the screens; nothing read for one account or file is shown to another.
  const [queryClient] = useState(newQueryClient);

  const load = useCallback(() => {
    backend
      .openFailure()
      .then(setFailure)
      .catch(() => setFailure(null));
    backend
      .organizationUnset()
      .then(setUnset)
      .catch(() => setUnset(false))
      .then(() => backend.currentSession())
      .then(setSession)
      .catch(() => setSession(null));
  }, []);

  useEffect(load, [load]);

  /** After a switch: the new file's screen, with nothing of the old one left over. */
  const reload = useCallback(
    (notice: string | null) => {
      setFileError(null);
      setReopen(null);
      queryClient.clear();
      setSignInNotice(notice);
      setSession(undefined);
      setGeneration((g) => g + 1);
      load();
    },
    [load, queryClient],
  );

  const switchFile = useCallback(
    async (action: FileAction) => {
      // Unsaved edits in the user editor: the native question decides; Discard opens the file.
      if (hasUnsavedEdits()) {
        if (!(await mayLeaveEditor())) return;
      } else if (modalOpen()) {
        setFileError("Close the open dialog first (save or cancel it), then choose File > New or Open again.");
        return;
      }
      try {
        const path =
          action === "new" ? await backend.newOrganizationFile() : await backend.openOrganizationFile();
        if (path !== null) reload(`Opened ${path}. Sign in to work on it.`);
      } catch (e) {
        setFileError((e as BackendError).reason);
      }
    },
    [reload],
  );

  const askServer = useCallback((action: ServerAction) => {
    if (hasUnsavedEdits() || modalOpen()) {
      setFileError("Close the open dialog first (save or cancel it), then choose the File menu's command again.");
      return;
    }
    setServerAction(action);
  }, []);

  useEffect(
    () =>
      backend.onMenu((command) => {
        if (command === "file_new") void switchFile("new");
        else if (command === "file_open") void switchFile("open");
        else if (command === "file_connect_server") askServer("connect");
        else if (command === "file_move_to_server") askServer("move");
      }),
    [switchFile, askServer],
  );

  // Another admin's change on the server: every page reads again (within a second or two).
  useEffect(() => backend.onServerChanged(() => void queryClient.invalidateQueries()), [queryClient]);
  useEffect(
    () =>
      backend.onServerStatus((status) => {
        setServerDown(status.reachable ? null : (status.reason ?? "no answer"));
        if (status.reachable) void queryClient.invalidateQueries();
      }),
    [queryClient],
  );

  const signOut = useCallback(async (notice: string) => {
    await backend.signOut();
    queryClient.clear();
    setSignInNotice(notice);
    setSession(null);
  }, [queryClient]);

  if (session) setCurrency(session.currency);
  // While the server does not answer, what would change the organization is locked.
  const shownSession = session && serverDown ? whileServerUnreachable(session) : session;
  const banner = fileError && (
    <div className="file-error" role="alert">
      <span>{fileError}</span>
      <button type="button" onClick={() => setFileError(null)}>
        Dismiss
      </button>
    </div>
  );
  const offline = serverDown && (
    <div className="file-error" role="alert">
      <span>
        The server cannot be reached ({serverDown}). Nothing can be changed until it answers again, and nothing is kept
        to send later; this window catches up by itself.
      </span>
    </div>
  );
  const serverDialog = serverAction && (
    <ServerDialog
      action={serverAction}
      onCancel={() => setServerAction(null)}
      onDone={(notice) => {
        setServerAction(null);
        reload(notice);
      }}
    />
  );
  if (failure)
    return (
      <QueryClientProvider client={queryClient}>
        {banner}
        {serverDialog}
        <OpenFailureScreen key={generation} failure={failure} onFile={switchFile} onReopened={reload} />
      </QueryClientProvider>
    );
  if (session === undefined) return null;
  return (
    <QueryClientProvider client={queryClient}>
    <MessagesProvider key={generation}>
      {banner}
      {offline}
      {serverDialog}
      {unset && !session ? (
        <FirstRun
          onSignedIn={(s) => {
            setUnset(false);
            setSession(s);
          }}
        />
      ) : shownSession ? (
        <Shell
          session={shownSession}
          onSessionChange={setSession}
          onSignOut={signOut}
          reopen={reopen}
          onReopened={() => setReopen(null)}
          onSwitchAccount={(r, notice) => {
            // Kept for the next Shell only: this one must not reopen it before the sign-out.
            void signOut(notice).then(() => setReopen(r));
          }}
        />
      ) : (
        <SignIn notice={signInNotice} onSignedIn={signedIn(setSession)} />
      )}
    </MessagesProvider>
    </QueryClientProvider>
  );
}
