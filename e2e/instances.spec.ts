import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
import { inArray } from "drizzle-orm";
import { instances } from "@/db/schema";
import { expect, test } from "./fixtures";

/*
 * `npm start` as an operator runs it (scripts/start.mjs, node:cluster over
 * `next start`), on the build and database the shared e2e server uses, so
 * each server started here compares itself with that one.
 */

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
    probe.on("error", reject);
  });
}

type Started = { child: ChildProcess; port: number; output: () => string; exited: Promise<number | null> };

async function startTwofold(env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ["scripts/start.mjs", "-H", "127.0.0.1", "-p", String(port)], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: process.env.E2E_DATABASE_URL,
      AUTH_SECRET: process.env.E2E_AUTH_SECRET,
      APP_ENCRYPTION_KEY: process.env.E2E_ENCRYPTION_KEY,
      APP_URL: `http://127.0.0.1:${port}`,
      OUTBOX_IN_PRODUCTION: "1",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk) => (output += chunk));
  child.stderr!.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, port, output: () => output, exited };
}

async function healthy(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    (response) => response.ok,
    () => false,
  );
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

/** The server processes `npm start` forked: its children, by the process table. */
function workerPids(primary: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(primary)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

const running: Started[] = [];
test.afterAll(() => {
  for (const { child } of running) if (child.exitCode === null) child.kill("SIGKILL");
});

test("/healthz and /readyz answer a load balancer without a session, never cached", async ({ request }) => {
  const health = await request.get("/healthz", { maxRedirects: 0 });
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  expect(health.headers()["cache-control"]).toBe("no-store");

  const ready = await request.get("/readyz", { maxRedirects: 0 });
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({ status: "ready" });
  expect(ready.headers()["cache-control"]).toBe("no-store");
});

test("on SIGTERM a server drains (/readyz 503, still answering), then stops accepting, finishes the request in flight, removes its row and exits 0", async ({
  db,
}) => {
  test.setTimeout(150_000);
  const server = await startTwofold({ WEB_CONCURRENCY: "1", SHUTDOWN_DRAIN_SECONDS: "4" });
  running.push(server);
  await expect.poll(() => healthy(server.port), { timeout: 90_000 }).toBe(true);
  const [worker] = workerPids(server.child.pid!);
  await expect
    .poll(
      async () =>
        (
          await db
            .select()
            .from(instances)
            .where(inArray(instances.pid, [worker!]))
        ).length,
    )
    .toBe(1);

  // A request in flight: its headers sent, half its body still to come.
  const inFlight = net.connect(server.port, "127.0.0.1");
  await new Promise((resolve) => inFlight.once("connect", resolve));
  let answer = "";
  inFlight.on("data", (chunk) => (answer += chunk));
  const answered = new Promise<void>((resolve) => inFlight.once("end", resolve));
  inFlight.write(
    "POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n12345",
  );

  await test.step("SIGTERM: during the drain /readyz says 503 so a load balancer stops sending, yet requests are answered", async () => {
    server.child.kill("SIGTERM");
    await expect
      .poll(() => fetch(`http://127.0.0.1:${server.port}/readyz`).then((response) => response.status), {
        timeout: 3_000,
      })
      .toBe(503);
    expect(await healthy(server.port)).toBe(true);
  });

  await test.step("after the drain, new connections are refused while the request is still open", async () => {
    await expect.poll(() => connectionRefused(server.port), { timeout: 20_000 }).toBe(true);
    expect(answer).toBe("");
    expect(server.child.exitCode).toBeNull();
  });

  await test.step("the request in flight still gets its answer, then the server exits 0", async () => {
    inFlight.write("67890");
    await answered;
    expect(answer).toMatch(/^HTTP\/1\.1 \d{3} /);
    expect(await server.exited).toBe(0);
    expect(
      await db
        .select()
        .from(instances)
        .where(inArray(instances.pid, [worker!])),
    ).toEqual([]);
  });
});

test("WEB_CONCURRENCY=2 runs two server processes that each record themselves and share the port; a crashed one is replaced", async ({
  db,
}) => {
  test.setTimeout(150_000);
  const server = await startTwofold({ WEB_CONCURRENCY: "2" });
  running.push(server);
  await expect.poll(() => healthy(server.port), { timeout: 90_000 }).toBe(true);
  await expect.poll(() => workerPids(server.child.pid!).length).toBe(2);
  const pids = workerPids(server.child.pid!);
  // Each records its row once it has started, after it began listening on the shared port.
  await expect
    .poll(
      async () =>
        (await db.select({ pid: instances.pid }).from(instances).where(inArray(instances.pid, pids)))
          .map((row) => row.pid)
          .sort(),
      { timeout: 90_000 },
    )
    .toEqual([...pids].sort());
  await expect.poll(() => server.output()).toContain("2 server process(es) ready, hashing 1 at a time each.");
  for (let request = 0; request < 6; request++) expect(await healthy(server.port)).toBe(true);

  await test.step("a worker that crashes after starting is replaced, with a message", async () => {
    process.kill(pids[0]!, "SIGKILL");
    await expect
      .poll(() => server.output())
      .toContain(`server process ${pids[0]} stopped unexpectedly (signal SIGKILL); starting a replacement`);
    await expect.poll(() => workerPids(server.child.pid!).filter((pid) => pid !== pids[0]).length).toBe(2);
    await expect.poll(() => healthy(server.port)).toBe(true);
  });

  const pidsNow = workerPids(server.child.pid!);
  server.child.kill("SIGTERM");
  expect(await server.exited).toBe(0);
  expect(await db.select().from(instances).where(inArray(instances.pid, pidsNow))).toEqual([]);
});

test("a second instance with another AUTH_SECRET refuses to start, naming the variable and not its value", async () => {
  test.setTimeout(120_000);
  const otherSecret = crypto.randomBytes(32).toString("base64");
  const server = await startTwofold({ WEB_CONCURRENCY: "1", AUTH_SECRET: otherSecret });
  running.push(server);
  expect(await server.exited).toBe(1);
  expect(server.output()).toContain("Twofold cannot start: AUTH_SECRET differs from the instance running on");
  expect(server.output()).toContain("a server process stopped while starting (exit code 1)");
  expect(server.output()).not.toContain(otherSecret);
  expect(server.output()).not.toContain(process.env.E2E_AUTH_SECRET!);
});
