import { useMutation } from "@tanstack/react-query";
import { backend } from "../backend";
import { useInvalidate } from "../backend/queries";

type Withdrawal = { requestId: number; quantity: number; productName: string };

/** Withdraws a pending cancellation; resolves to the sentence for the status message. Seats are read again. */
export function useWithdrawCancellation() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: async ({ requestId, quantity, productName }: Withdrawal) => {
      await backend.withdrawCancellation(requestId);
      const one = quantity === 1;
      return `Cancellation of ${quantity} ${productName} ${one ? "license" : "licenses"} withdrawn. ${one ? "It is" : "They are"} available again.`;
    },
    onSettled: () => invalidate.seats(),
  });
}
