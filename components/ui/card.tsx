import type { ReactNode } from "react";

export function Card({
  title,
  description,
  children,
  headingLevel = 2,
  id,
}: {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  headingLevel?: 2 | 3;
  id?: string;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section
      aria-labelledby={id ? `${id}-title` : undefined}
      className="rounded-xl border border-slate-200 bg-white shadow-sm"
    >
      <header className="border-b border-slate-100 px-5 py-4 sm:px-6">
        <Heading id={id ? `${id}-title` : undefined} className="text-base font-semibold text-slate-900">
          {title}
        </Heading>
        {description ? <p className="mt-1 text-sm text-slate-600">{description}</p> : null}
      </header>
      <div className="px-5 py-5 sm:px-6">{children}</div>
    </section>
  );
}
