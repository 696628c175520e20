/** What one instance records about itself in the `instances` table, and what others are compared on. */
export type InstanceIdentity = {
  authSecretFingerprint: string;
  /** lib/deployment/fingerprints.ts ringFingerprint: the ring's keys, the encrypting key first. */
  encryptionKeyFingerprint: string;
  serverActionsKeyFingerprint: string;
  buildId: string;
};

export type PeerInstance = InstanceIdentity & { hostname: string; pid: number };

export type Agreement =
  | { ok: true; buildWarning?: string }
  | {
      ok: false;
      variable: "AUTH_SECRET" | "APP_ENCRYPTION_KEY" | "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY";
      peer: PeerInstance;
    };

/**
 * Two key rings work together when each can read what the other writes: each
 * one's encrypting key is in the other's ring. That allows a rolling rotation
 * (add the new key second everywhere, then first everywhere), and refuses an
 * instance that would write what another cannot read.
 */
function ringsAgree(mine: string, theirs: string): boolean {
  const myKeys = mine.split(".");
  const theirKeys = theirs.split(".");
  return myKeys.includes(theirKeys[0]!) && theirKeys.includes(myKeys[0]!);
}

/**
 * Whether this instance may serve beside the ones seen recently. A different
 * secret means a session, an encrypted secret or a form made by one instance
 * fails on another: refuse. A different build is a rolling deploy, which is
 * legitimate but means a form rendered by one build may not post to the other.
 */
export function compareWithPeers(self: InstanceIdentity, peers: readonly PeerInstance[]): Agreement {
  for (const peer of peers) {
    if (peer.authSecretFingerprint !== self.authSecretFingerprint) return { ok: false, variable: "AUTH_SECRET", peer };
    if (!ringsAgree(self.encryptionKeyFingerprint, peer.encryptionKeyFingerprint))
      return { ok: false, variable: "APP_ENCRYPTION_KEY", peer };
    if (peer.serverActionsKeyFingerprint !== self.serverActionsKeyFingerprint)
      return { ok: false, variable: "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY", peer };
  }
  const otherBuilds = [...new Set(peers.map((peer) => peer.buildId).filter((id) => id !== self.buildId))];
  if (otherBuilds.length === 0) return { ok: true };
  return {
    ok: true,
    buildWarning: `Twofold: WARNING: other instances run a different build (${otherBuilds.join(", ")}; this one is ${self.buildId}). During a rolling deploy that is expected, but a form rendered by one build may fail when posted to another: finish the deploy promptly.`,
  };
}

const HINTS = {
  AUTH_SECRET: "AUTH_SECRET",
  APP_ENCRYPTION_KEY:
    "APP_ENCRYPTION_KEY (and APP_ENCRYPTION_KEYS: each instance's newest key must be in every other's ring)",
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY:
    "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY (unset, each build makes its own: set it, or build once and copy .next to every machine)",
} as const;

/** The refusal an operator reads: which variable, which instance; never a value. */
export function disagreementMessage(agreement: Extract<Agreement, { ok: false }>): string {
  const { peer } = agreement;
  return `${HINTS[agreement.variable]} differs from the instance running on ${peer.hostname} (pid ${peer.pid}), seen in the last 90 seconds. Every instance on one database needs the same value. If that instance is gone, start again after 90 seconds.`;
}
