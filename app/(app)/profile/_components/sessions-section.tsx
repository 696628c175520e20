import { endSessionAction } from "@/app/(app)/profile/actions";
import { SessionList } from "@/components/session-list";
import { Card } from "@/components/ui/card";
import type { OwnSession } from "@/lib/data/profile";

/** "Your sessions": where the user is signed in; every session but this one can be ended here. */
export function SessionsSection({ sessions, currentTokenHash }: { sessions: OwnSession[]; currentTokenHash: string }) {
  return (
    <Card
      title="Your sessions"
      id="sessions"
      description="Where you are signed in. End any session you do not recognise."
    >
      <SessionList sessions={sessions} currentTokenHash={currentTokenHash} endAction={endSessionAction} />
    </Card>
  );
}
