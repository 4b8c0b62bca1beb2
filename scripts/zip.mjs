// A reproducible ZIP writer (and the small reader the packaging tests use). Same files in, same bytes out:
// entries sorted by name (byte order of the UTF-8 name), one fixed timestamp for every entry (from
// SOURCE_DATE_EPOCH, written as the DOS date and time of that instant in UTC), fixed Unix modes (0644, or 0755
// for an executable), UTF-8 names, no directory entries, no extra fields, no comment, DEFLATE at level 9
// (zlib's output depends on its version: the same Node.js version gives the same bytes). ZIP64 is not
// written: every Keysmith package is far below 4 GiB and 65535 entries.
import * as zlib from "node:zlib";

const { deflateRawSync, inflateRawSync } = zlib;
/** zlib.crc32 (Node 20.15+), else the same CRC-32 computed here. */
const crc32 =
  zlib.crc32 ??
  ((data) => {
    let crc = ~0;
    for (const b of data) {
      crc ^= b;
      for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
    }
    return ~crc >>> 0;
  });

/** DOS date and time fields of `epochSeconds` in UTC; ZIP cannot say before 1980, so earlier is 1980-01-01. */
function dosDateTime(epochSeconds) {
  const d = new Date(Math.max(epochSeconds, 315532800) * 1000);
  const time = (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2);
  const date = ((d.getUTCFullYear() - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate();
  return { time, date };
}

/**
 * @param {{ name: string, data: Uint8Array, executable?: boolean }[]} files paths with "/" separators
 * @param {number} epochSeconds the timestamp every entry carries
 * @returns {Buffer}
 */
export function writeZip(files, epochSeconds) {
  if (!Number.isInteger(epochSeconds) || epochSeconds < 0) throw new Error(`zip: bad timestamp ${epochSeconds}`);
  const { time, date } = dosDateTime(epochSeconds);
  const sorted = files
    .map((f) => ({ ...f, nameBytes: Buffer.from(f.name, "utf8") }))
    .sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
  for (let i = 1; i < sorted.length; i++) {
    if (Buffer.compare(sorted[i - 1].nameBytes, sorted[i].nameBytes) === 0) throw new Error(`zip: ${sorted[i].name} twice`);
  }
  const FLAGS = 0x0800; // names are UTF-8
  const DEFLATE = 8;
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const f of sorted) {
    if (f.name.startsWith("/") || f.name.includes("\\") || f.name.split("/").includes("..")) throw new Error(`zip: bad entry name ${f.name}`);
    const data = Buffer.from(f.data);
    const packed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(FLAGS, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(f.nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, f.nameBytes, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 — so the external attributes are a Unix mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAGS, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(f.nameBytes.length, 28);
    // extra length, comment length, disk number, internal attributes: 0
    central.writeUInt32LE((((f.executable ? 0o100755 : 0o100644) << 16) >>> 0), 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, f.nameBytes);
    offset += local.length + f.nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(sorted.length, 8);
  end.writeUInt16LE(sorted.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/**
 * The entries of a ZIP (stored or deflated, no ZIP64), in the order of its central directory.
 * @param {Uint8Array} zip
 * @returns {{ name: string, data: Buffer, mode: number, time: number, date: number }[]}
 */
export function readZip(zip) {
  const buf = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  let end = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error("zip: no end of central directory");
  const count = buf.readUInt16LE(end + 10);
  let p = buf.readUInt32LE(end + 16);
  const out = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("zip: bad central directory entry");
    const method = buf.readUInt16LE(p + 10);
    const time = buf.readUInt16LE(p + 12);
    const date = buf.readUInt16LE(p + 14);
    const packedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const mode = buf.readUInt32LE(p + 38) >>> 16;
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString("utf8", p + 46, p + 46 + nameLength);
    const dataStart = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
    const packed = buf.subarray(dataStart, dataStart + packedSize);
    const data = method === 0 ? Buffer.from(packed) : method === 8 ? inflateRawSync(packed) : undefined;
    if (data === undefined) throw new Error(`zip: ${name}: compression method ${method} is not read here`);
    out.push({ name, data, mode, time, date });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return out;
}
