import { runPageLoad } from "./http-load";
import { measurePair } from "./pairs";
import type { Row } from "./report";
import type { RunningServer } from "./server";

/*
 * Measurement 1: the dashboard for a signed-in user against the sign-in page
 * for a visitor. Both are rendered on the server per request; the difference
 * is the session lookup, the guard's policy check and the user's own data.
 */

export type PagesPlan = { connections: number[]; rounds: number; seconds: number; warmUpSeconds: number };

export async function measurePages(server: RunningServer, sessionCookies: string[], plan: PagesPlan): Promise<Row[]> {
  const rows: Row[] = [];
  const { origin } = server;
  for (const connections of plan.connections) {
    const signedIn = {
      url: `${origin}/`,
      connections,
      cookieOfConnection: (index: number) => sessionCookies[index % sessionCookies.length]!,
    };
    const signedOut = { url: `${origin}/login`, connections };
    const { measured, baseline } = await measurePair(
      plan.rounds,
      {
        warmUp: () => runPageLoad({ ...signedIn, seconds: plan.warmUpSeconds }),
        round: (samples) => runPageLoad({ ...signedIn, seconds: plan.seconds }, samples),
        cpuMs: server.cpuMs,
      },
      {
        warmUp: () => runPageLoad({ ...signedOut, seconds: plan.warmUpSeconds }),
        round: (samples) => runPageLoad({ ...signedOut, seconds: plan.seconds }, samples),
        cpuMs: server.cpuMs,
      },
    );
    const signedInSummary = measured.summary();
    const signedOutSummary = baseline.summary();
    rows.push(
      { measurement: `GET /login signed out, ${connections} conn`, unit: "req/s", summary: signedOutSummary },
      {
        measurement: `GET / signed in, ${connections} conn`,
        unit: "req/s",
        summary: signedInSummary,
        target: {
          ratio: signedInSummary.perSecond / signedOutSummary.perSecond,
          against: "/login",
          bound: { atLeast: 0.9 },
        },
      },
    );
  }
  return rows;
}
