import type { IncidentEvent } from '../schema/incident.js';

/**
 * The teams that sent a case back (退回) according to its timeline. A return says "not ours": the
 * case is in the wrong department's hands, so ranking and suggestions must not offer it to the same
 * team again. The returning team is the one the case was with just before the return (the return
 * itself clears `teamId`), read from the event before it.
 */
export function teamsThatReturned(timeline: readonly IncidentEvent[]): Set<string> {
  const teams = new Set<string>();
  let heldBy: string | null = null;
  for (const e of [...timeline].sort((a, b) => a.seq - b.seq)) {
    if (e.action?.name === 'return' && heldBy !== null) teams.add(heldBy);
    heldBy = e.incident.teamId;
  }
  return teams;
}
