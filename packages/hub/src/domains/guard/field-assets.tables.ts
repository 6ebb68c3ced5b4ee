/** One field device behind a gateway, as the gateway's last `guard/assets` report named it. */
export interface GuardFieldAssetsTable {
  device_id: string;
  /** The guard (configured target) that saw it. */
  target: string;
  protocol: string;
  /** Modbus unit id or DNP3 outstation address. */
  address: number;
  vendor: string | null;
  /** Product name, else product code, else model name. */
  product: string | null;
  /** Firmware/software revision as reported. */
  revision: string | null;
  /** versionKey(revision): orders like a version in plain text comparison. */
  revision_key: string | null;
  /** 'passive' (read from a master's exchange) or 'active' (asked by the guard); null when not reported. */
  source: string | null;
  /** Where the field device sits, e.g. "rtu:/dev/ttyS1"; null when not reported. */
  interface: string | null;
  /** Every attribute reported (FieldIdentity JSON). */
  identity_json: string;
  first_seen: string;
  last_seen: string;
  reported_at: string;
}

export interface GuardFieldAssetsTables {
  guard_field_assets: GuardFieldAssetsTable;
}
