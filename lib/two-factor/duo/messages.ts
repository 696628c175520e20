import type { DuoRefusal } from "@/lib/two-factor/duo/prompt";
import { FACTOR_LOCKED_MESSAGE } from "@/lib/two-factor/sign-in/factor-lock-message";

/*
 * What the pages say after a Duo round trip. Only these fixed keys travel in
 * the query string (`?duo=denied`), never text, so no link can put words of
 * someone else's choosing on a Twofold page.
 */
export type DuoNotice = DuoRefusal | "locked" | "factor_locked" | "enabled" | "disabled";

const MESSAGES: Record<DuoNotice, string> = {
  denied: "Duo did not approve this request. Try again, or use another way to sign in.",
  no_factor: "Duo let this through without asking for your phone or key, which is not enough here. Ask your administrator to set you up in Duo.",
  bad_state: "That Duo request could not be used: it expired, was already used, or was started in another browser. Start again.",
  missing_code: "Duo's answer was incomplete, so it was refused. Start again.",
  rejected: "Duo's answer could not be verified, so it was refused. Start again.",
  wrong_user: "Duo's answer was for another account, so it was refused.",
  unreachable: "Duo cannot be reached right now. Try again in a few minutes.",
  not_configured: "Duo is not available for your organisation now. Ask your administrator.",
  host_not_allowed: "Duo is set up with an API hostname this server does not allow. Ask your administrator to check Duo's settings.",
  locked: "Too many failed attempts. Try again later.",
  factor_locked: FACTOR_LOCKED_MESSAGE,
  enabled: "Duo is on. Sign-in will start with Duo.",
  disabled: "Duo is off.",
};

export function duoNoticeFrom(value: string | string[] | undefined): DuoNotice | null {
  return typeof value === "string" && Object.hasOwn(MESSAGES, value) ? (value as DuoNotice) : null;
}

export function duoMessage(notice: DuoNotice): string {
  return MESSAGES[notice];
}

export function isDuoSuccess(notice: DuoNotice): boolean {
  return notice === "enabled" || notice === "disabled";
}
