import { screen, waitFor } from "@testing-library/react";
import { render } from "../test/render";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { BackendError, backend } from "../backend";
import { SeatChangeForm } from "./SeatChangeForm";
import { contactCenter, voicePro } from "../test/fixtures";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return {
    ...real,
    backend: { purchasePreview: vi.fn(), purchaseLicenses: vi.fn(), cancellationPreview: vi.fn(), requestCancellation: vi.fn() },
  };
});

const mocked = vi.mocked(backend);
const preview = {
  product_name: "Voice Pro",
  quantity: 2,
  unit_price_cents: 3200,
  current_total_cents: 130800,
  new_total_cents: 137200,
  effective_on: "2026-11-27",
  currency: "USD",
};

beforeEach(() => {
  vi.resetAllMocks();
  mocked.purchasePreview.mockResolvedValue(preview);
});

describe("SeatChangeForm", () => {
  it("previews the new monthly total and purchases after the native confirmation", async () => {
    const onDone = vi.fn();
    render(<SeatChangeForm mode="purchase" products={[voicePro, contactCenter]} onClose={vi.fn()} onDone={onDone} />);
    const quantity = screen.getByRole("spinbutton", { name: "Quantity" });
    await userEvent.clear(quantity);
    await userEvent.type(quantity, "2");
    expect(await screen.findByText("$1,372.00")).toBeInTheDocument();
    mocked.purchaseLicenses.mockResolvedValue(preview);
    await userEvent.click(screen.getByRole("button", { name: "Purchase" }));
    expect(mocked.purchaseLicenses).toHaveBeenLastCalledWith({ product_id: voicePro.product_id, quantity: "2" });
    expect(onDone).toHaveBeenCalledWith(preview, "Purchased 2 Voice Pro licenses. Your monthly total is now $1,372.00.");
  });

  it("keeps the form when the native confirmation is cancelled", async () => {
    const onDone = vi.fn();
    render(<SeatChangeForm mode="purchase" products={[voicePro]} onClose={vi.fn()} onDone={onDone} />);
    await screen.findByText("$1,372.00");
    mocked.purchaseLicenses.mockResolvedValue(null);
    await userEvent.click(screen.getByRole("button", { name: "Purchase" }));
    expect(onDone).not.toHaveBeenCalled();
    expect(screen.getByRole("dialog", { name: "Purchase licenses" })).toBeInTheDocument();
  });

  it("shows a bad quantity next to the field and in the alert, naming the field", async () => {
    mocked.purchasePreview.mockRejectedValue(
      new BackendError({ code: "invalid_input", message: "Quantity: Enter at least 1 license.", field: "quantity", reason: "Enter at least 1 license." }),
    );
    render(<SeatChangeForm mode="purchase" products={[voicePro]} onClose={vi.fn()} onDone={vi.fn()} />);
    const quantity = screen.getByRole("spinbutton", { name: "Quantity" });
    await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent("Quantity: Enter at least 1 license."));
    expect(quantity).toHaveAccessibleDescription("Enter at least 1 license.");
    expect(screen.getByRole("button", { name: "Purchase" })).toBeDisabled();
  });

  it("offers only products with unassigned licenses for cancellation", () => {
    mocked.cancellationPreview.mockResolvedValue(preview);
    render(<SeatChangeForm mode="cancel" products={[voicePro, contactCenter]} onClose={vi.fn()} onDone={vi.fn()} />);
    const options = screen.getAllByRole("option").map((o) => o.textContent);
    expect(options).toEqual(["Voice Pro (2 unassigned)"]);
  });
});
