import { buttonClasses } from "@/components/ui/button-classes";

/**
 * "Export CSV": a GET form to an export route carrying the list's filters as
 * hidden fields, so the download is exactly what the list shows and works
 * without JavaScript.
 */
export function ExportCsvButton({ action, search }: { action: string; search: string }) {
  return (
    <form action={action} method="get">
      {[...new URLSearchParams(search)].map(([name, value], index) => (
        <input key={`${name}-${index}`} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className={buttonClasses("secondary")}>
        Export CSV
      </button>
    </form>
  );
}
