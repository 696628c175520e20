import { describe, expect, it } from "vitest";
import { compareWithPeers, disagreementMessage, type PeerInstance } from "@/lib/deployment/agreement";

const self = {
  authSecretFingerprint: "auth-A",
  encryptionKeyFingerprint: "key-2.key-1",
  serverActionsKeyFingerprint: "actions-A",
  buildId: "build-1",
};
const peer = (changes: Partial<PeerInstance>): PeerInstance => ({ ...self, hostname: "web-2", pid: 4242, ...changes });

describe("compareWithPeers: which difference refuses, which warns", () => {
  it.each([
    ["no other instance", [], "ok"],
    ["the same secrets and build", [peer({})], "ok"],
    ["another AUTH_SECRET", [peer({ authSecretFingerprint: "auth-B" })], "AUTH_SECRET"],
    ["an encrypting key this ring lacks", [peer({ encryptionKeyFingerprint: "key-3.key-2" })], "APP_ENCRYPTION_KEY"],
    ["a ring without this encrypting key", [peer({ encryptionKeyFingerprint: "key-1" })], "APP_ENCRYPTION_KEY"],
    ["mid-rotation: the new key second there, first here", [peer({ encryptionKeyFingerprint: "key-1.key-2" })], "ok"],
    [
      "another server actions key",
      [peer({ serverActionsKeyFingerprint: "actions-B" })],
      "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY",
    ],
    ["only another build", [peer({ buildId: "build-2" })], "ok, warned"],
    ["a good peer, then one with another secret", [peer({}), peer({ authSecretFingerprint: "auth-B" })], "AUTH_SECRET"],
  ] as const)("%s: %s", (_, peers, expected) => {
    const agreement = compareWithPeers(self, peers);
    const outcome = agreement.ok ? (agreement.buildWarning ? "ok, warned" : "ok") : agreement.variable;
    expect(outcome).toBe(expected);
  });

  it("the refusal names the variable and the other instance, and the warning both builds", () => {
    const refused = compareWithPeers(self, [peer({ authSecretFingerprint: "auth-B" })]);
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(disagreementMessage(refused)).toMatch(
      /^AUTH_SECRET differs from the instance running on web-2 \(pid 4242\)/,
    );
    const warned = compareWithPeers(self, [peer({ buildId: "build-2" })]);
    expect(warned.ok && warned.buildWarning).toContain("(build-2; this one is build-1)");
  });
});
