import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { formAction, initialFormState } from "@/lib/action";

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const sessionAuthenticated = (at: Date | null, createdAt = minutesAgo(60)) => ({
  session: { authenticatedAt: at, createdAt },
});

function sensitiveAction(guarded: ReturnType<typeof sessionAuthenticated>) {
  const handler = vi.fn(async () => ({ status: "success" as const, message: "Changed." }));
  const action = formAction({
    guard: async () => guarded,
    sensitive: true,
    schema: z.object({ name: z.string() }),
    handler,
  });
  return { action, handler };
}

describe("formAction for a sensitive change", () => {
  const form = () => {
    const data = new FormData();
    data.set("name", "Ada");
    return data;
  };

  it("does nothing and asks to confirm access when the session last authenticated over 15 minutes ago", async () => {
    const { action, handler } = sensitiveAction(sessionAuthenticated(minutesAgo(16)));
    expect(await action(initialFormState, form())).toMatchObject({ status: "reauthenticate" });
    expect(handler).not.toHaveBeenCalled();
  });

  it("treats a session without a recorded authentication by its creation time", async () => {
    const { action, handler } = sensitiveAction(sessionAuthenticated(null, minutesAgo(16)));
    expect((await action(initialFormState, form())).status).toBe("reauthenticate");
    expect(handler).not.toHaveBeenCalled();
  });

  it("goes ahead within 15 minutes of signing in or confirming access", async () => {
    const { action, handler } = sensitiveAction(sessionAuthenticated(minutesAgo(14)));
    expect(await action(initialFormState, form())).toEqual({ status: "success", message: "Changed." });
    expect(handler).toHaveBeenCalledOnce();
  });

  it("refuses a stale session even when its input is invalid, before reading it", async () => {
    const { action } = sensitiveAction(sessionAuthenticated(minutesAgo(60)));
    expect((await action(initialFormState, new FormData())).status).toBe("reauthenticate");
  });
});
