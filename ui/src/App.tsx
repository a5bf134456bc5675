import { useCallback, useEffect, useState } from "react";
import { backend, type OpenFailure, type SessionInfo } from "./backend";
import { SignIn } from "./components/SignIn";
import { Shell } from "./components/Shell";
import { MessagesProvider } from "./components/Messages";
import { OpenFailureScreen } from "./components/OpenFailureScreen";
import { setCurrency } from "./format";
import { FirstRun } from "./components/FirstRun";

function signedIn(set: (s: SessionInfo) => void) {
  return (s: SessionInfo) => {
    performance.mark("ld:signed-in");
    set(s);
  };
}

export function App() {
  // undefined while we ask the shell whether someone is still signed in (a reload keeps it).
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  const [signInNotice, setSignInNotice] = useState<string | null>(null);
  const [failure, setFailure] = useState<OpenFailure | null>(null);
  // An empty file: the first-run choice between the demo and the admin's own organization.
  const [unset, setUnset] = useState(false);

  useEffect(() => {
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

  const signOut = useCallback(async (notice: string) => {
    await backend.signOut();
    setSignInNotice(notice);
    setSession(null);
  }, []);

  if (session) setCurrency(session.currency);
  if (failure) return <OpenFailureScreen failure={failure} />;
  if (session === undefined) return null;
  return (
    <MessagesProvider>
      {unset && !session ? (
        <FirstRun
          onSignedIn={(s) => {
            setUnset(false);
            setSession(s);
          }}
        />
      ) : session ? (
        <Shell session={session} onSessionChange={setSession} onSignOut={signOut} />
      ) : (
        <SignIn notice={signInNotice} onSignedIn={signedIn(setSession)} />
      )}
    </MessagesProvider>
  );
}
