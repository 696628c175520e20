"use server";

import { signOut } from "@/lib/auth/auth";
import { requireAnySession } from "@/lib/auth/guards";
import { endCurrentSession } from "@/lib/data/sign-in";

export async function signOutAction(): Promise<void> {
  const current = await requireAnySession();
  await endCurrentSession(current);
  await signOut({ redirectTo: "/login" });
}
