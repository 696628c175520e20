import { startDuoStandInFromEnv } from "@/test/stand-ins/duo";
import { startResendStandIn } from "@/test/stand-ins/resend";
import { startTwilioStandIn } from "@/test/stand-ins/twilio";

/* Runs one stand-in as its own process, for Playwright: `tsx test/stand-ins/serve.ts twilio 4010`. */
const [provider, port] = process.argv.slice(2);
const starters: Record<string, (port: number) => Promise<{ url: string }>> = {
  twilio: startTwilioStandIn,
  resend: startResendStandIn,
  duo: startDuoStandInFromEnv,
};
const start = provider ? starters[provider] : undefined;
if (!start || !port) {
  console.error("usage: serve.ts twilio|resend|duo <port>");
  process.exit(2);
}
void start(Number(port)).then((standIn) => console.log(`${provider} stand-in listening on ${standIn.url}`));
