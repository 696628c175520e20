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

describe("formAction whose sensitivity depends on the input", () => {
  function action(guarded: ReturnType<typeof sessionAuthenticated>) {
    const handler = vi.fn(async () => ({ status: "success" as const, message: "Done." }));
    const built = formAction({
      guard: async () => guarded,
      sensitive: (input: { action: "look" | "wipe" }) => input.action === "wipe",
      schema: z.object({ action: z.enum(["look", "wipe"]) }),
      handler,
    });
    return { action: built, handler };
  }
  const form = (value: string) => {
    const data = new FormData();
    data.set("action", value);
    return data;
  };

  it("asks a stale session to confirm access for the inputs it names, and does nothing", async () => {
    const { action: stale, handler } = action(sessionAuthenticated(minutesAgo(16)));
    expect(await stale(initialFormState, form("wipe"))).toMatchObject({ status: "reauthenticate" });
    expect(handler).not.toHaveBeenCalled();
    expect(await stale(initialFormState, form("look"))).toEqual({ status: "success", message: "Done." });
    expect(handler).toHaveBeenCalledOnce();
  });

  it("goes ahead for a recently confirmed session, and answers invalid input with field errors", async () => {
    const { action: fresh, handler } = action(sessionAuthenticated(minutesAgo(14)));
    expect(await fresh(initialFormState, form("wipe"))).toEqual({ status: "success", message: "Done." });
    expect(handler).toHaveBeenCalledOnce();
    expect((await fresh(initialFormState, form("burn"))).status).toBe("error");
  });
});
