import { runPageLoad } from "./http-load";
import { measurePair } from "./pairs";
import type { Row } from "./report";
import { directoryEmail } from "./seed";
import type { RunningServer } from "./server";

/*
 * Measurement 4: the admin user list (and the adoption overview) of an organisation of 100 against one of
 * 100,000, each served from its own database by its own server. Every query
 * returns the same rows in both (a full page of 50, or the one user asked
 * for), so the ratio isolates what the 99,900 other users cost.
 */

export type DirectoryPlan = { connections: number; rounds: number; seconds: number; warmUpSeconds: number };

export type Directory = { server: RunningServer; sessionCookie: string; members: number };

const QUERIES: { page?: string; label: string; path: string }[] = [
  // The adoption overview counts every user of the organisation (one aggregate query): it grows with them.
  { page: "Admin overview", label: "adoption counts", path: "/admin" },
  { label: "list, page 1", path: "/admin/users" },
  { label: "list, page turn to 2", path: "/admin/users?page=2" },
  { label: 'search "m" (half match)', path: "/admin/users?q=m" },
  { label: "search one email", path: `/admin/users?q=${encodeURIComponent(directoryEmail(42))}` },
  { label: 'search "m", sorted by last sign-in', path: "/admin/users?q=m&sort=lastSignIn&direction=desc" },
];

export async function measureDirectory(small: Directory, large: Directory, plan: DirectoryPlan): Promise<Row[]> {
  const rows: Row[] = [];
  const load = (directory: Directory, path: string) => ({
    url: `${directory.server.origin}${path}`,
    connections: plan.connections,
    cookieOfConnection: () => directory.sessionCookie,
  });
  // The large directory's server has just started, and neither has served
  // these pages yet: each page a while on both, before anything counts.
  for (const query of QUERIES) {
    for (const directory of [large, small])
      await runPageLoad({ ...load(directory, query.path), seconds: plan.warmUpSeconds });
  }
  for (const query of QUERIES) {
    const { measured, baseline } = await measurePair(
      plan.rounds,
      {
        warmUp: () => runPageLoad({ ...load(large, query.path), seconds: plan.warmUpSeconds }),
        round: (samples) => runPageLoad({ ...load(large, query.path), seconds: plan.seconds }, samples),
        cpuMs: large.server.cpuMs,
      },
      {
        warmUp: () => runPageLoad({ ...load(small, query.path), seconds: plan.warmUpSeconds }),
        round: (samples) => runPageLoad({ ...load(small, query.path), seconds: plan.seconds }, samples),
        cpuMs: small.server.cpuMs,
      },
    );
    const largeSummary = measured.summary();
    const smallSummary = baseline.summary();
    const sizes = (members: number) => members.toLocaleString("en-GB");
    rows.push(
      {
        measurement: `${query.page ?? "Admin users"}, ${query.label}, ${sizes(small.members)} users`,
        unit: "req/s",
        summary: smallSummary,
      },
      {
        measurement: `${query.page ?? "Admin users"}, ${query.label}, ${sizes(large.members)} users`,
        unit: "req/s",
        summary: largeSummary,
        // Time per page is the inverse of pages per second at the same concurrency.
        target: {
          ratio: smallSummary.perSecond / largeSummary.perSecond,
          against: `${sizes(small.members)}-user time`,
          bound: { atMost: 1.2 },
        },
      },
    );
  }
  return rows;
}
