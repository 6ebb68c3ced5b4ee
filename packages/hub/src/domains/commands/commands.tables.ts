// Tables of the commands domain: commands sent to devices and their results.

export interface CommandsTable {
  id: string;
  batch_id: string | null;
  device_id: string;
  name: string;
  args_json: string;
  state: string;
  result_json: string | null;
  error: string | null;
  created_by: string;
  created_at: string;
  deadline: string;
  finished_at: string | null;
}

/** The tables the commands domain owns, as Kysely sees them. */
export interface CommandsTables {
  commands: CommandsTable;
}
