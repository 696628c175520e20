import { StatusPage } from "@/components/status-page";

export default function Forbidden() {
  return (
    <StatusPage code="403" title="You do not have access to this page" insideShell>
      Your roles do not include the permission this page needs. Ask an administrator if you should have it.
    </StatusPage>
  );
}
