import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { backend, BackendError } from "../backend";
import { ServerDialog } from "./ServerDialog";
import { render } from "../test/render";

vi.mock("../backend", async (importOriginal) => {
  const real = await importOriginal<typeof import("../backend")>();
  return { ...real, backend: { connectToServer: vi.fn(), moveToServer: vi.fn() } };
});

describe("ServerDialog", () => {
  it("connects with the typed address and says where, without the password", async () => {
    vi.mocked(backend.connectToServer).mockResolvedValue("dana@db.example.com/office");
    const onDone = vi.fn();
    render(<ServerDialog action="connect" onCancel={vi.fn()} onDone={onDone} />);
    const connect = screen.getByRole("button", { name: "Connect" });
    expect((connect as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(screen.getByRole("textbox", { name: "Server address" }), "postgres://dana:pw@db.example.com/office{Enter}");
    expect(backend.connectToServer).toHaveBeenCalledWith("postgres://dana:pw@db.example.com/office");
    await waitFor(() => expect(onDone).toHaveBeenCalledWith("Connected to dana@db.example.com/office. Sign in to work on it."));
  });

  it("shows a mistake in the address under the field and a server's refusal in the footer", async () => {
    vi.mocked(backend.moveToServer)
      .mockRejectedValueOnce(
        new BackendError({
          code: "invalid_input",
          field: "server",
          message: "Server: a server address starts with postgres://",
          reason: "a server address starts with postgres://",
        }),
      )
      .mockRejectedValueOnce(
        new BackendError({ code: "server_unreachable", message: "The server cannot be reached: connection refused" }),
      );
    const onDone = vi.fn();
    render(<ServerDialog action="move" onCancel={vi.fn()} onDone={onDone} />);
    expect(screen.getByRole("dialog", { name: "Move to a server" })).toBeTruthy();
    const field = screen.getByRole("textbox", { name: "Server address" });
    await userEvent.type(field, "db.example.com");
    await userEvent.click(screen.getByRole("button", { name: "Move" }));
    expect(await screen.findByText("a server address starts with postgres://")).toBeTruthy();
    expect(field.getAttribute("aria-invalid")).toBe("true");
    await userEvent.click(screen.getByRole("button", { name: "Move" }));
    expect(await screen.findByRole("alert")).toHaveProperty(
      "textContent",
      "The server cannot be reached: connection refused",
    );
    expect(field.getAttribute("aria-invalid")).toBeNull();
    expect(onDone).not.toHaveBeenCalled();
  });
});
