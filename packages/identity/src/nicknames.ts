import { NICKNAME_GROUPS } from "./nickname-table.ts";

/** Normalized given name → the indexes of the nickname groups it belongs to. */
const GROUPS_BY_NAME: ReadonlyMap<string, readonly number[]> = (() => {
  const byName = new Map<string, number[]>();
  NICKNAME_GROUPS.forEach((group, index) => {
    for (const name of group) {
      const list = byName.get(name) ?? [];
      if (!list.includes(index)) list.push(index);
      byName.set(name, list);
    }
  });
  return byName;
})();

/** The nickname groups a normalized given name belongs to (empty for a name not in the table). */
export function nicknameGroupsOf(normalizedGiven: string): readonly number[] {
  return GROUPS_BY_NAME.get(normalizedGiven) ?? [];
}

/**
 * Whether two normalized given names may name the same person by the nickname table: equal, or
 * sharing a group (BILL ~ WILLIAM, PEGGY ~ MARGARET). Not transitive on purpose: AL ~ ALBERT and
 * AL ~ ALAN, but ALBERT is not ALAN.
 */
export function areNicknameEquivalent(a: string, b: string): boolean {
  if (a.length === 0 || b.length === 0) return false;
  if (a === b) return true;
  const groupsA = GROUPS_BY_NAME.get(a);
  const groupsB = GROUPS_BY_NAME.get(b);
  if (groupsA === undefined || groupsB === undefined) return false;
  return groupsA.some((g) => groupsB.includes(g));
}

/** The short forms of a formal name (the rest of every group it heads): used by the synthetic generator. */
export function nicknamesOf(normalizedGiven: string): string[] {
  const out = new Set<string>();
  for (const g of nicknameGroupsOf(normalizedGiven)) {
    const group = NICKNAME_GROUPS[g] ?? [];
    if (group[0] === normalizedGiven) for (const n of group.slice(1)) out.add(n);
  }
  return [...out];
}
