import { BROWSER_HEADERS, runPageLoad } from "./http-load";
import { measurePair } from "./pairs";
import type { Row } from "./report";
import { directoryEmail, type DirectoryIds } from "./seed";
import type { RunningServer } from "./server";

/*
 * Measurement 4: the admin overview, the admin user list and each of its
 * filters, of an organisation of 100 users against one of 100,000 (the same
 * mix of states, methods, roles and groups: bench/seed.ts), each served from
 * its own database by its own server; then a CSV export of all 100,000 with
 * the server's memory followed while it streams.
 *
 * Unfiltered queries return the same rows in both (a full page of 50, or the
 * one user asked for), so the ratio isolates what the 99,900 other users
 * cost. A filter returns the same share of each directory: a page of 50 at
 * 100,000 users, and as few as one or two at 100 (past_grace, graceWithinDays).
 */

export type DirectoryPlan = { connections: number; rounds: number; seconds: number; warmUpSeconds: number };

export type Directory = { server: RunningServer; sessionCookie: string; members: number; ids: DirectoryIds };

type Query = { page?: string; label: string; path: (directory: Directory) => string };

const fixed = (path: string) => () => path;

const QUERIES: Query[] = [
  { page: "Admin overview", label: "adoption counts", path: fixed("/admin") },
  { label: "list, page 1", path: fixed("/admin/users") },
  { label: "list, page turn to 2", path: fixed("/admin/users?page=2") },
  { label: 'search "m" (half match)', path: fixed("/admin/users?q=m") },
  { label: "search one email", path: fixed(`/admin/users?q=${encodeURIComponent(directoryEmail(42))}`) },
  { label: 'search "m", sorted by last sign-in', path: fixed("/admin/users?q=m&sort=lastSignIn&direction=desc") },
  ...(["protected", "in_grace", "past_grace", "optional_without", "exempt"] as const).map((state) => ({
    label: `filter state=${state}`,
    path: fixed(`/admin/users?state=${state}`),
  })),
  { label: "filter method=totp (app)", path: fixed("/admin/users?method=totp") },
  { label: "filter requirement=required", path: fixed("/admin/users?requirement=required") },
  { label: "filter role (Engineering)", path: (directory) => `/admin/users?role=${directory.ids.roleId}` },
  { label: "filter group (Operations)", path: (directory) => `/admin/users?group=${directory.ids.groupId}` },
  { label: "filter graceWithinDays=7", path: fixed("/admin/users?graceWithinDays=7") },
  { label: "filter lastSignInBefore=2024-04-01", path: fixed("/admin/users?lastSignInBefore=2024-04-01") },
];

/** BENCH_DIRECTORY_QUERIES=<regular expression>: only the queries whose label matches, to rerun what a change touched. */
function selectedQueries(): Query[] {
  const pattern = process.env.BENCH_DIRECTORY_QUERIES;
  if (!pattern) return QUERIES;
  const matcher = new RegExp(pattern, "i");
  return QUERIES.filter((query) => matcher.test(`${query.page ?? "Admin users"}, ${query.label}`));
}

/**
 * A filter matches as few as one person of 100 and a full page of 50 of
 * 100,000, so its two pages differ in what they render as well as in what
 * they search: each filter is measured a second time against the 100-user
 * list's first page, which renders the same 50 rows, so that ratio is what
 * the other 99,900 users cost the filter.
 */
const SAME_ROWS_BASELINE: Query = { label: "list, page 1 (50 rows)", path: fixed("/admin/users") };

export async function measureDirectory(small: Directory, large: Directory, plan: DirectoryPlan): Promise<Row[]> {
  const rows: Row[] = [];
  const queries = selectedQueries();
  const load = (directory: Directory, query: Query) => ({
    url: `${directory.server.origin}${query.path(directory)}`,
    connections: plan.connections,
    cookieOfConnection: () => directory.sessionCookie,
  });
  // The large directory's server has just started, and neither has served
  // these pages yet: each page a while on both, before anything counts.
  for (const query of queries) {
    for (const directory of [large, small])
      await runPageLoad({ ...load(directory, query), seconds: plan.warmUpSeconds });
  }
  const pairs = queries.flatMap((query) => [
    { query, baselineQuery: query },
    ...(query.label.startsWith("filter ") ? [{ query, baselineQuery: SAME_ROWS_BASELINE }] : []),
  ]);
  for (const { query, baselineQuery } of pairs) {
    const sameRows = baselineQuery !== query;
    const { measured, baseline } = await measurePair(
      plan.rounds,
      {
        warmUp: () => runPageLoad({ ...load(large, query), seconds: plan.warmUpSeconds }),
        round: (samples) => runPageLoad({ ...load(large, query), seconds: plan.seconds }, samples),
        cpuMs: large.server.cpuMs,
      },
      {
        warmUp: () => runPageLoad({ ...load(small, baselineQuery), seconds: plan.warmUpSeconds }),
        round: (samples) => runPageLoad({ ...load(small, baselineQuery), seconds: plan.seconds }, samples),
        cpuMs: small.server.cpuMs,
      },
    );
    const largeSummary = measured.summary();
    const smallSummary = baseline.summary();
    const sizes = (members: number) => members.toLocaleString("en-GB");
    const page = query.page ?? "Admin users";
    const against = sameRows
      ? `${sizes(small.members)}-user ${SAME_ROWS_BASELINE.label}`
      : `${sizes(small.members)}-user time`;
    rows.push(
      {
        measurement: sameRows
          ? `${page}, ${SAME_ROWS_BASELINE.label}, ${sizes(small.members)} users, beside ${query.label}`
          : `${page}, ${query.label}, ${sizes(small.members)} users`,
        unit: "req/s",
        summary: smallSummary,
      },
      {
        measurement: `${page}, ${query.label}, ${sizes(large.members)} users${sameRows ? ", against the same rows" : ""}`,
        unit: "req/s",
        summary: largeSummary,
        // Time per page is the inverse of pages per second at the same concurrency.
        target: { ratio: smallSummary.perSecond / largeSummary.perSecond, against, bound: { atMost: 1.2 } },
      },
    );
  }
  return rows;
}

export type ExportMeasurement = {
  path: string;
  status: number;
  seconds: number;
  bytes: number;
  /** Lines of the CSV: the header and one per user. */
  lines: number;
  /** The serving process's resident memory just before the request, and its highest while the export streamed. */
  rssBeforeMiB: number;
  peakRssMiB: number;
};

/** Every user (never signed in counts as before any day): the whole directory, header included `members + 1` lines. */
export const EXPORT_EVERYONE = "/admin/users/export?lastSignInBefore=2100-01-01";

/**
 * One CSV export, read as it streams (as a browser saves it), while the
 * server's resident memory (VmRSS of each of its processes, the largest) is
 * read every 20 ms: the peak is what the export cost on top of what the
 * server held before, not the process's lifetime peak.
 */
export async function measureExport(directory: Directory, path = EXPORT_EVERYONE): Promise<ExportMeasurement> {
  const resident = () => Math.max(0, ...directory.server.residentKiBByProcess().map((entry) => entry.rssKiB));
  const rssBefore = resident();
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, resident());
  }, 20);
  const started = performance.now();
  try {
    const response = await fetch(`${directory.server.origin}${path}`, {
      headers: {
        ...BROWSER_HEADERS,
        accept: "text/csv",
        "accept-encoding": "identity",
        cookie: directory.sessionCookie,
      },
    });
    let bytes = 0;
    let lines = 0;
    const reader = response.body?.getReader();
    for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader!.read()) {
      bytes += chunk.value.byteLength;
      for (const byte of chunk.value) if (byte === 10) lines++;
      peak = Math.max(peak, resident());
    }
    return {
      path,
      status: response.status,
      seconds: (performance.now() - started) / 1000,
      bytes,
      lines,
      rssBeforeMiB: Math.round(rssBefore / 1024),
      peakRssMiB: Math.round(Math.max(peak, resident()) / 1024),
    };
  } finally {
    clearInterval(sampler);
  }
}
