import { useMutation } from "@tanstack/react-query";
import { backend } from "../backend";
import { useInvalidate } from "../backend/queries";
import { useNotify } from "../ui/Messages";

type Withdrawal = { requestId: number; quantity: number; productName: string };

/** Withdraws a pending cancellation and reports it in the page's messages. Seats are read again. */
export function useWithdrawCancellation() {
  const invalidate = useInvalidate();
  const notify = useNotify();
  return useMutation({
    mutationFn: async ({ requestId, quantity, productName }: Withdrawal) => {
      await backend.withdrawCancellation(requestId);
      const one = quantity === 1;
      return `Cancellation of ${quantity} ${productName} ${one ? "license" : "licenses"} withdrawn. ${one ? "It is" : "They are"} available again.`;
    },
    // Reported once the seats are read again, so that the message and the counts agree.
    onSettled: async (message, error) => {
      await invalidate.seats();
      if (error) notify.failure(error.message);
      else if (message) notify.success(message);
    },
  });
}
