import { describe, expect, it } from "vitest";
import { AUDIT_EVENT_NAMES, auditEventLabel } from "@/lib/audit-events";

describe("audit event names", () => {
  it("all follow noun.past_participle", () => {
    // The part after the dot is one past participle: "-ed", or one of the irregular ones in use.
    const irregular = new Set(["sent", "resent", "reset", "forgotten", "withdrawn"]);
    const offenders = AUDIT_EVENT_NAMES.filter((name) => {
      const match = /^([a-z]+(?:_[a-z]+)*)\.([a-z]+)$/.exec(name);
      return !match || !(match[2]!.endsWith("ed") || irregular.has(match[2]!));
    });
    expect(offenders).toEqual([]);
  });

  it("reads a known name as its label, and an unknown one as stored", () => {
    expect(auditEventLabel("duo_connection.failed")).toBe("Duo could not be reached");
    expect(auditEventLabel("sign_in.sso")).toBe("sign_in.sso");
  });
});
