import { backend } from "../backend";

/** Withdraws a pending cancellation; the sentence for the status message. */
export async function withdrawCancellation(requestId: number, quantity: number, productName: string): Promise<string> {
  await backend.withdrawCancellation(requestId);
  const one = quantity === 1;
  return `Cancellation of ${quantity} ${productName} ${one ? "license" : "licenses"} withdrawn. ${one ? "It is" : "They are"} available again.`;
}
