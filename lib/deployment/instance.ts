import crypto from "node:crypto";
import os from "node:os";
import type { Db } from "@/db";
import { buildId, serverActionsKey } from "@/lib/deployment/build-info";
import { fingerprint, ringFingerprint } from "@/lib/deployment/fingerprints";
import {
  HEARTBEAT_MS,
  joinDeployment,
  leaveDeployment,
  touchInstance,
  type InstanceRecord,
} from "@/lib/deployment/instance-registry";
import { beforeShutdown } from "@/lib/deployment/shutdown";
import type { Env } from "@/lib/env";
import { describeErrorForLog } from "@/lib/messaging/redact";

/** This process as the `instances` table records it. */
export async function thisInstance(env: Pick<Env, "AUTH_SECRET" | "APP_ENCRYPTION_KEYS">): Promise<InstanceRecord> {
  const [authSecretFingerprint, encryptionKeyFingerprint, serverActionsKeyFingerprint] = await Promise.all([
    fingerprint(env.AUTH_SECRET),
    ringFingerprint(env.APP_ENCRYPTION_KEYS.map((configured) => configured.key)),
    fingerprint(serverActionsKey()),
  ]);
  return {
    id: crypto.randomUUID(),
    hostname: os.hostname(),
    pid: process.pid,
    authSecretFingerprint,
    encryptionKeyFingerprint,
    serverActionsKeyFingerprint,
    buildId: buildId(),
  };
}

/**
 * In production, at start: refuse to run beside instances with other secrets,
 * warn beside another build, then keep this instance's row fresh every 30 s
 * (an unref'd timer: it never keeps the process alive) and delete it when the
 * process is told to stop.
 */
export async function startInstance(db: Db, env: Pick<Env, "AUTH_SECRET" | "APP_ENCRYPTION_KEYS">): Promise<void> {
  const self = await thisInstance(env);
  const { buildWarning } = await joinDeployment(db, self, new Date());
  if (buildWarning) console.warn(buildWarning);
  const heartbeat = setInterval(() => {
    touchInstance(db, self.id, new Date()).catch((error: unknown) =>
      console.error("Twofold: could not refresh this instance's row:", describeErrorForLog(error)),
    );
  }, HEARTBEAT_MS);
  heartbeat.unref();
  beforeShutdown(async () => {
    clearInterval(heartbeat);
    await leaveDeployment(db, self.id);
  });
}
