import crypto from "node:crypto";
import { startStandIn, type StandIn } from "@/test/stand-ins/provider-stand-in";

export const STAND_IN_RESEND_KEY = "re_stand_in_key";

/** Answers POST /emails like Resend's API. */
export function startResendStandIn(port = 0): Promise<StandIn> {
  return startStandIn(({ method, path, headers, body }) => {
    if (path !== "/emails" || method !== "POST") return null;
    if (headers.authorization !== `Bearer ${STAND_IN_RESEND_KEY}`) {
      return {
        status: 401,
        body: { statusCode: 401, name: "missing_api_key", message: "Missing API key in the authorization header." },
      };
    }
    const email = JSON.parse(body) as Record<string, unknown>;
    const to = Array.isArray(email.to) ? String(email.to[0]) : String(email.to ?? "");
    if (!to || !email.from || !email.subject) {
      return {
        status: 422,
        body: { statusCode: 422, name: "validation_error", message: "Missing `to`, `from` or `subject` field." },
      };
    }
    return {
      recipient: to,
      parsed: email,
      reply: (behaviour) => {
        if (behaviour === "reject")
          return {
            status: 422,
            body: { statusCode: 422, name: "validation_error", message: `Invalid \`to\` field: ${to}.` },
          };
        if (behaviour === "fail")
          return {
            status: 500,
            body: { statusCode: 500, name: "internal_server_error", message: "Unexpected error." },
          };
        return { status: 200, body: { id: crypto.randomUUID() } };
      },
    };
  }, port);
}
