import http from "node:http";
import type { AddressInfo } from "node:net";

/*
 * Local servers that answer like Twilio's and Resend's APIs, so the real SDKs
 * can be exercised without the internet. Each remembers what it received and
 * can be told, per recipient, to refuse, fail or never answer.
 */

export type Behaviour = "accept" | "reject" | "fail" | "hang";

export type ReceivedRequest = {
  to: string;
  /** Parsed body: form fields for Twilio, JSON for Resend. */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  path: string;
};

export type StandIn = {
  url: string;
  received: ReceivedRequest[];
  setBehaviour(to: string, behaviour: Behaviour): void;
  close(): Promise<void>;
};

type Reply = { status: number; body: unknown };
export type Route = (request: {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}) => { recipient: string; parsed: Record<string, unknown>; reply: (behaviour: Behaviour) => Reply } | Reply | null;

function send(response: http.ServerResponse, { status, body }: Reply): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Starts a stand-in on 127.0.0.1; `port` 0 picks a free one. */
export function startStandIn(route: Route, port = 0): Promise<StandIn> {
  const received: ReceivedRequest[] = [];
  const behaviours = new Map<string, Behaviour>();
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(request.url ?? "/", "http://stand-in");
      // The control API the tests use: set a recipient's behaviour, read what arrived.
      if (url.pathname === "/_stand-in/behaviour" && request.method === "POST") {
        const { to, behaviour } = JSON.parse(body) as { to: string; behaviour: Behaviour };
        behaviours.set(to, behaviour);
        return send(response, { status: 204, body: null });
      }
      if (url.pathname === "/_stand-in/received" && request.method === "GET") {
        const to = url.searchParams.get("to");
        return send(response, { status: 200, body: received.filter((r) => !to || r.to === to) });
      }
      const routed = route({ method: request.method ?? "GET", path: url.pathname, headers: request.headers, body });
      if (!routed) return send(response, { status: 404, body: { message: "Not found" } });
      if ("status" in routed) return send(response, routed);
      const behaviour = behaviours.get(routed.recipient) ?? "accept";
      received.push({ to: routed.recipient, body: routed.parsed, headers: request.headers, path: url.pathname });
      if (behaviour === "hang") {
        hanging.add(response);
        response.on("close", () => hanging.delete(response));
        return;
      }
      send(response, routed.reply(behaviour));
    });
  });

  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const { port: actualPort } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actualPort}`,
        received,
        setBehaviour: (to, behaviour) => behaviours.set(to, behaviour),
        close: () =>
          new Promise((done) => {
            for (const response of hanging) response.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
