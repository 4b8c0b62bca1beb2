// Types of scripts/zip.mjs for the TypeScript tests that read the packages.
export interface ZipInput {
  name: string;
  data: Uint8Array;
  executable?: boolean;
}
export interface ZipEntry {
  name: string;
  data: Buffer;
  /** the Unix mode of the external attributes, e.g. 0o100644 */
  mode: number;
  /** DOS time and date fields */
  time: number;
  date: number;
}
export function writeZip(files: ZipInput[], epochSeconds: number): Buffer;
export function readZip(zip: Uint8Array): ZipEntry[];
