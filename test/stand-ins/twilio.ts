import crypto from "node:crypto";
import { startStandIn, type StandIn } from "@/test/stand-ins/provider-stand-in";

export const STAND_IN_ACCOUNT_SID = "AC00000000000000000000000000000001";
export const STAND_IN_AUTH_TOKEN = "stand-in-auth-token";

function error(status: number, code: number, message: string) {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

/** Answers POST /2010-04-01/Accounts/{sid}/Messages.json like Twilio's Messages API. */
export function startTwilioStandIn(port = 0): Promise<StandIn> {
  return startStandIn(({ method, path, headers, body }) => {
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    if (!match || method !== "POST") return null;
    const expected = `Basic ${Buffer.from(`${STAND_IN_ACCOUNT_SID}:${STAND_IN_AUTH_TOKEN}`).toString("base64")}`;
    if (headers.authorization !== expected || match[1] !== STAND_IN_ACCOUNT_SID)
      return error(401, 20003, "Authenticate");
    const form = Object.fromEntries(new URLSearchParams(body));
    if (!form.To || !form.Body || !(form.From || form.MessagingServiceSid)) {
      return error(400, 21604, "A 'To', 'Body' and 'From' or 'MessagingServiceSid' are required.");
    }
    return {
      recipient: form.To,
      parsed: form,
      reply: (behaviour) => {
        if (behaviour === "reject") return error(400, 21211, `The 'To' number ${form.To} is not a valid phone number.`);
        if (behaviour === "fail") return error(500, 20500, "Internal Server Error");
        return {
          status: 201,
          body: {
            sid: `SM${crypto.randomBytes(16).toString("hex")}`,
            account_sid: STAND_IN_ACCOUNT_SID,
            to: form.To,
            from: form.From ?? null,
            messaging_service_sid: form.MessagingServiceSid ?? null,
            body: form.Body,
            status: "queued",
            num_segments: "1",
            direction: "outbound-api",
            api_version: "2010-04-01",
            date_created: new Date().toUTCString(),
            uri: `/2010-04-01/Accounts/${STAND_IN_ACCOUNT_SID}/Messages/SM.json`,
          },
        };
      },
    };
  }, port);
}
