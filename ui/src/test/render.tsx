// Testing Library's render, inside a fresh query cache (as App provides one to the screens).
import type { ReactElement, ReactNode } from "react";
import { QueryClientProvider } from "@tanstack/react-query";
import { render as rtlRender, type RenderOptions } from "@testing-library/react";
import { newQueryClient } from "../backend/queries";

export function render(ui: ReactElement, options?: Omit<RenderOptions, "wrapper">) {
  const client = newQueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={client}>{children}</QueryClientProvider>
  );
  return { ...rtlRender(ui, { ...options, wrapper }), client };
}
