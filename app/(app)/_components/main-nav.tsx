"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

export type NavItem = { href: string; label: string };

/** A sub-page belongs to its section: /admin/users/12 is under "Users"; "/" and "/admin" only match themselves. */
function isCurrent(pathname: string, href: string): boolean {
  if (href === "/" || href === "/admin") return pathname === href;
  return pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * The sections the user may open. Items wrap onto a second line on a phone
 * rather than push the page wider than the screen, and the current section is
 * marked for screen readers (aria-current) and by a bar and weight, not colour alone.
 */
export function MainNav({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="-mb-px">
      <ul className="flex flex-wrap gap-x-1">
        {items.map((item) => {
          const current = isCurrent(pathname, item.href);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                aria-current={current ? "page" : undefined}
                className={`block border-b-2 px-3 pt-2 pb-2.5 text-sm whitespace-nowrap ${
                  current
                    ? "border-brand-600 font-semibold text-slate-900"
                    : "border-transparent font-medium text-slate-700 hover:border-slate-300 hover:text-slate-900"
                }`}
              >
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
