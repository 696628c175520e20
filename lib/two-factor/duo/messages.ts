import type { DuoRefusal } from "@/lib/two-factor/duo/prompt";
import { duoNotices } from "@/lib/messages";

/*
 * Which notice a page shows after a Duo round trip. Only these fixed keys travel
 * in the query string (`?duo=denied`), never text, so no link can put words of
 * someone else's choosing on a Twofold page.
 */
export type DuoNotice = DuoRefusal | "locked" | "factor_locked" | "enabled" | "disabled";

// The words are in the catalogue (lib/messages.ts); the type makes sure every notice has some.
const MESSAGES: Record<DuoNotice, string> = duoNotices;

export function duoNoticeFrom(value: string | string[] | undefined): DuoNotice | null {
  return typeof value === "string" && Object.hasOwn(MESSAGES, value) ? (value as DuoNotice) : null;
}

export function duoMessage(notice: DuoNotice): string {
  return MESSAGES[notice];
}

export function isDuoSuccess(notice: DuoNotice): boolean {
  return notice === "enabled" || notice === "disabled";
}
