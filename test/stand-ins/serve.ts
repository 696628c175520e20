import { startDuoStandInFromEnv } from "@/test/stand-ins/duo";
import { startOidcStandIn } from "@/test/stand-ins/oidc";
import { startResendStandIn } from "@/test/stand-ins/resend";
import { startTwilioStandIn } from "@/test/stand-ins/twilio";

/*
 * Runs one stand-in as its own process, for Playwright:
 * `tsx test/stand-ins/serve.ts twilio 4010`, or for the identity provider
 * `tsx test/stand-ins/serve.ts oidc 4020 http://127.0.0.1:3000` (the app it sends users back to).
 */
const [provider, port, appUrl] = process.argv.slice(2);
const starters: Record<string, (port: number) => Promise<{ url: string }>> = {
  twilio: startTwilioStandIn,
  resend: startResendStandIn,
  duo: startDuoStandInFromEnv,
  ...(appUrl
    ? {
        oidc: (standInPort: number) =>
          startOidcStandIn(standInPort, appUrl).then((standIn) => ({ url: standIn.issuer })),
      }
    : {}),
};
const start = provider ? starters[provider] : undefined;
if (!start || !port) {
  console.error("usage: serve.ts twilio|resend|duo <port> | serve.ts oidc <port> <app url>");
  process.exit(2);
}
void start(Number(port)).then((standIn) => console.log(`${provider} stand-in listening on ${standIn.url}`));
