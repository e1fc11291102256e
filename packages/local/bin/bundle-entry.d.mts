/** Types of bundle-entry.mjs (plain JavaScript so that plain node runs it). */
export function newestSource(packagesDir: string): number;
export function ensureBundle(options: {
  entry: string;
  outfile: string;
  packagesDir: string;
}): Promise<boolean>;
