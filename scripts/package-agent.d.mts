/** esbuild's metafile, as far as the bundle check reads it. */
export interface BundleMetafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }>;
}
/** Throws naming every input or run-time import that must not be in a device's agent. */
export function checkBundle(metafile: BundleMetafile): void;
