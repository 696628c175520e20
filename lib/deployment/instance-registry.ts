import { and, eq, gte, lt, ne } from "drizzle-orm";
import type { Db, Executor } from "@/db";
import { instances } from "@/db/schema";
import {
  compareWithPeers,
  disagreementMessage,
  type InstanceIdentity,
  type PeerInstance,
} from "@/lib/deployment/agreement";
import { ConfigurationError } from "@/lib/env";

/** An instance refreshes its row this often… */
export const HEARTBEAT_MS = 30_000;
/** …and counts as running while its row is this fresh (three heartbeats). */
export const PEER_WINDOW_MS = 90_000;
/** Rows of instances that stopped without removing theirs (a crash, SIGKILL) are deleted after this. */
const FORGET_AFTER_MS = 24 * 60 * 60_000;

export type InstanceRecord = InstanceIdentity & { id: string; hostname: string; pid: number };

/** The instances other than `exceptId` seen within PEER_WINDOW_MS of `now`. */
export async function recentPeers(db: Executor, now: Date, exceptId: string): Promise<PeerInstance[]> {
  return db
    .select({
      hostname: instances.hostname,
      pid: instances.pid,
      authSecretFingerprint: instances.authSecretFingerprint,
      encryptionKeyFingerprint: instances.encryptionKeyFingerprint,
      serverActionsKeyFingerprint: instances.serverActionsKeyFingerprint,
      buildId: instances.buildId,
    })
    .from(instances)
    .where(and(ne(instances.id, exceptId), gte(instances.lastSeenAt, new Date(now.getTime() - PEER_WINDOW_MS))));
}

/**
 * Compares this instance with those running now and records it. Refuses
 * (ConfigurationError, naming the variable, never its value) when a secret
 * differs; returns a warning when only the build does.
 */
export async function joinDeployment(db: Db, self: InstanceRecord, now: Date): Promise<{ buildWarning?: string }> {
  // One transaction: two instances starting at once with different secrets cannot both find no peer and join.
  return await db.transaction(async (tx) => {
    const agreement = compareWithPeers(self, await recentPeers(tx, now, self.id));
    if (!agreement.ok) throw new ConfigurationError(disagreementMessage(agreement));
    await tx.delete(instances).where(lt(instances.lastSeenAt, new Date(now.getTime() - FORGET_AFTER_MS)));
    await tx.insert(instances).values({ ...self, startedAt: now, lastSeenAt: now });
    return { buildWarning: agreement.buildWarning };
  });
}

export async function touchInstance(db: Db, id: string, now: Date): Promise<void> {
  await db.update(instances).set({ lastSeenAt: now }).where(eq(instances.id, id));
}

export async function leaveDeployment(db: Db, id: string): Promise<void> {
  await db.delete(instances).where(eq(instances.id, id));
}
