import { backend, type BackendError } from "../backend";

type Notify = { success: (text: string) => void; failure: (text: string) => void };

/** Export users to CSV (the Users page's button and File > Export users…). */
export async function exportUsers(notify: Notify): Promise<void> {
  try {
    const today = new Date().toISOString().slice(0, 10);
    const done = await backend.exportUsers(`users-${today}.csv`);
    if (done) notify.success(`${done[1]} users exported to ${done[0]}.`);
  } catch (e) {
    notify.failure((e as BackendError).message);
  }
}
