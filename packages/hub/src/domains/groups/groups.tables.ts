// Tables of the groups domain: static and dynamic groups, and the members of static ones.

export interface GroupsTable {
  id: string;
  kind: string;
  path: string;
  filter: string | null;
  description: string;
  created_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  device_id: string;
}

/** The tables the groups domain owns, as Kysely sees them. */
export interface GroupsTables {
  groups: GroupsTable;
  group_members: GroupMembersTable;
}
