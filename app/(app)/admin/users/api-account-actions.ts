"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { formAction } from "@/lib/action";
import { idsFromCheckboxes } from "@/lib/admin/access-model";
import { requirePermission } from "@/lib/auth/guards";
import { createApiAccountFor } from "@/lib/data/admin-user-api-accounts";
import { displayNameSchema } from "@/lib/profile-schemas";

export const createApiAccountAction = formAction({
  guard: () => requirePermission("users:manage"),
  sensitive: true,
  schema: z
    .object({
      name: displayNameSchema("Enter a name, such as the program that will use this account."),
    })
    // role-<id> and group-<id> checkboxes.
    .catchall(z.string().max(8)),
  echo: ["name"],
  async handler(input, current) {
    // The form offers only roles and groups within the actor's own permissions; the rest is refused with 403.
    const created = await createApiAccountFor(current, {
      name: input.name,
      roleIds: idsFromCheckboxes(input, "role-"),
      groupIds: idsFromCheckboxes(input, "group-"),
    });
    revalidatePath("/admin/users");
    // Its page is where the first token is made.
    redirect(`/admin/users/${created.id}?created=api-account#api-tokens`);
  },
});
