import { useMutation } from "@tanstack/react-query";
import { backend } from "../backend";
import { useInvalidate } from "../backend/queries";
import { useNotify } from "../ui/Messages";

/** Export users to CSV (the Users page's button and File > Export users…). */
export function useExportUsers() {
  const notify = useNotify();
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: () => backend.exportUsers(`users-${new Date().toISOString().slice(0, 10)}.csv`),
    // null: the save dialog was cancelled.
    onSuccess: (done) => done && notify.success(`${done[1]} users exported to ${done[0]}.`),
    onError: (e) => notify.failure(e.message),
    // The export is audited.
    onSettled: () => invalidate.audit(),
  });
}
