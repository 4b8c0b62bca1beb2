// The attack a vault passphrase is for: someone reads the profile's files of a closed browser. Each test
// fills a real Chromium profile (credentials through the options page, keys of every spec, exportable and
// not), closes the browser, and reads every file that belongs to the extension as an attacker would:
// LevelDB tables (blocks snappy-decompressed) and logs (records reassembled), plus the raw bytes. From them
// it takes every CryptoKey Blink serialised (tag 'K', algorithm, raw key bytes; for brute force also every
// 16/32-byte window just after such a tag) and tries each AES key on every iv + ciphertext pair V8 wrote
// as ArrayBuffers, with every additional data the code could use; it scans for PKCS#8 / SEC1 DER and for
// the AccessKey secret. Without a passphrase the attack recovers the secret and every private key (that is
// what the README says protects them then: the OS account and disk encryption); with one it finds neither.
import { createDecipheriv, createPrivateKey, createPublicKey } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeySpecId } from "../../src/messages";
import {
  connectThroughOptions, launchExtension, openExtensionPage, openssl, send, sendRaw, startTestEmulator, TEST_GRANTS, waitFor,
  type ExtensionSession, type TestEmulator,
} from "./harness";

const PASSPHRASE = "disk reader's nightmare 42";
const SPECS: KeySpecId[] = ["RSA_2048", "EC_P256", "EC_P384", "EC_SM2"];

// ---- LevelDB and snappy, as an attacker's script reads them ------------------------------------------

/** Raw snappy (the block format LevelDB and Blink use); undefined when the bytes are not snappy. */
export function snappyDecompress(input: Uint8Array, limit = 64 * 1024 * 1024): Uint8Array | undefined {
  let pos = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) return undefined;
    const b = input[pos++]!;
    length |= (b & 0x7f) << shift;
    if (!(b & 0x80)) break;
  }
  if (length > limit) return undefined;
  const out = new Uint8Array(length);
  let o = 0;
  while (o < length) {
    if (pos >= input.length) return undefined;
    const tag = input[pos++]!;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >> 2;
      if (len >= 60) {
        const bytes = len - 59;
        len = 0;
        for (let i = 0; i < bytes; i++) len |= input[pos++]! << (8 * i);
      }
      len += 1;
      if (pos + len > input.length || o + len > length) return undefined;
      out.set(input.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | input[pos++]!;
    } else if (kind === 2) {
      len = (tag >> 2) + 1;
      offset = input[pos]! | (input[pos + 1]! << 8);
      pos += 2;
    } else {
      len = (tag >> 2) + 1;
      offset = (input[pos]! | (input[pos + 1]! << 8) | (input[pos + 2]! << 16) | (input[pos + 3]! << 24)) >>> 0;
      pos += 4;
    }
    if (offset === 0 || offset > o || o + len > length) return undefined;
    for (let i = 0; i < len; i++, o++) out[o] = out[o - offset]!;
  }
  return out;
}

function varint(buf: Uint8Array, pos: number): [number, number] | undefined {
  let value = 0;
  for (let shift = 0; shift <= 63; shift += 7) {
    if (pos >= buf.length) return undefined;
    const b = buf[pos++]!;
    value += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [value, pos];
  }
  return undefined;
}

/** The data blocks of an SSTable (.ldb), decompressed; [] when it is not one. */
function tableBlocks(file: Uint8Array): Uint8Array[] {
  if (file.length < 48 || Buffer.from(file.subarray(file.length - 8)).readBigUInt64LE(0) !== 0xdb4775248b80fb57n) return [];
  try {
    return tableBlocksOf(file);
  } catch {
    return []; // a damaged table: the raw bytes are still searched
  }
}

function tableBlocksOf(file: Uint8Array): Uint8Array[] {
  const block = (offset: number, size: number): Uint8Array | undefined => {
    if (offset + size + 5 > file.length) return undefined;
    const data = file.subarray(offset, offset + size);
    const type = file[offset + size];
    return type === 1 ? snappyDecompress(data) : data;
  };
  const footer = file.subarray(file.length - 48);
  let p = varint(footer, 0)!; // metaindex handle
  p = varint(footer, varint(footer, p[1])![1])!;
  const indexOffset = p[0];
  const indexSize = varint(footer, p[1])![0];
  const index = block(indexOffset, indexSize);
  if (!index) return [];
  const blocks: Uint8Array[] = [];
  const restarts = Buffer.from(index).readUInt32LE(index.length - 4);
  const end = index.length - 4 - 4 * restarts;
  let pos = 0;
  while (pos < end) {
    const shared = varint(index, pos);
    const unshared = varint(index, shared![1]);
    const valueLength = varint(index, unshared![1]);
    if (!valueLength) break;
    const valueStart = valueLength[1] + unshared![0];
    const handleOffset = varint(index, valueStart);
    const handleSize = varint(index, handleOffset![1]);
    const data = block(handleOffset![0], handleSize![0]);
    if (data) blocks.push(data);
    pos = valueStart + valueLength[0];
  }
  return blocks;
}

/** The records of a LevelDB log (.log, MANIFEST): fragments across 32 KiB blocks put back together. */
function logRecords(file: Uint8Array): Uint8Array[] {
  const records: Uint8Array[] = [];
  let current: Uint8Array[] = [];
  for (let block = 0; block < file.length; block += 32768) {
    let pos = block;
    const blockEnd = Math.min(block + 32768, file.length);
    while (pos + 7 <= blockEnd) {
      const length = file[pos + 4]! | (file[pos + 5]! << 8);
      const type = file[pos + 6]!;
      if (type === 0 || pos + 7 + length > blockEnd) break;
      const data = file.subarray(pos + 7, pos + 7 + length);
      if (type === 1) records.push(data);
      else if (type === 2) current = [data];
      else if (type === 3) current.push(data);
      else if (type === 4) {
        current.push(data);
        records.push(Buffer.concat(current));
        current = [];
      }
      pos += 7 + length;
    }
  }
  return records;
}

/** Every file of the profile that belongs to the extension (by id in its path), and the session storage. */
function extensionFiles(session: ExtensionSession): string[] {
  const profile = join(session.userDataDir, "Default");
  const files: string[] = [];
  const walk = (dir: string, mine: boolean) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      const isMine = mine || entry.includes(session.extensionId);
      const st = statSync(p);
      if (st.isDirectory()) walk(p, isMine);
      else if (isMine && st.size < 64 * 1024 * 1024) files.push(p);
    }
  };
  walk(profile, false);
  walk(join(profile, "Session Storage"), true);
  return files;
}

/** Every byte string an attacker gets from the files: raw, table blocks, log records, snappy-wrapped IDB values. */
function chunksOf(files: string[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (const f of files) {
    const raw = new Uint8Array(readFileSync(f));
    chunks.push(raw, ...tableBlocks(raw), ...logRecords(raw));
  }
  // Blink may wrap a large IndexedDB value: 0xFF, 0x11 (pseudo-version), 0x02 (snappy), then snappy data.
  for (const chunk of [...chunks]) {
    for (let i = 0; i + 3 < chunk.length; i++) {
      if (chunk[i] === 0xff && chunk[i + 1] === 0x11 && chunk[i + 2] === 0x02) {
        const out = snappyDecompress(chunk.subarray(i + 3));
        if (out && out.length > 16) chunks.push(out);
      }
    }
  }
  return chunks;
}

interface Loot {
  aesKeys: Uint8Array[];
  /** Raw bytes of HMAC CryptoKeys (their key IS the secret). */
  hmacKeys: Uint8Array[];
  /** PKCS#8 / SEC1 DER found in the clear or decrypted. */
  privateKeys: Uint8Array[];
  /** Plaintexts of every AES-GCM decryption that worked. */
  plaintexts: Uint8Array[];
  files: number;
  cryptoKeyTags: number;
  ivCandidates: number;
  decryptAttempts: number;
}

/** Blink's CryptoKey record: 'K', algorithm tag and parameters, usages, key length, key bytes. */
function parseCryptoKey(buf: Uint8Array, at: number): { kind: "aes" | "hmac" | "rsa" | "ec"; key: Uint8Array } | undefined {
  const v = (p: number) => varint(buf, p);
  const tag = buf[at + 1];
  let p = at + 2;
  let r: [number, number] | undefined;
  let kind: "aes" | "hmac" | "rsa" | "ec";
  if (tag === 1) {
    kind = "aes";
    if (!(r = v(p))) return undefined; // algorithm id
    if (!(r = v(r[1]))) return undefined; // length in bytes
    p = r[1];
  } else if (tag === 2) {
    kind = "hmac";
    if (!(r = v(p))) return undefined; // length in bytes
    if (!(r = v(r[1]))) return undefined; // hash
    p = r[1];
  } else if (tag === 4) {
    kind = "rsa";
    for (let i = 0; i < 3; i++) if (!(r = v(p))) return undefined; else p = r[1]; // id, type, modulus bits
    if (!(r = v(p))) return undefined; // exponent size
    p = r[1] + r[0];
    if (!(r = v(p))) return undefined; // hash
    p = r[1];
  } else if (tag === 5) {
    kind = "ec";
    for (let i = 0; i < 3; i++) if (!(r = v(p))) return undefined; else p = r[1]; // id, type, curve
  } else return undefined;
  if (!(r = v(p))) return undefined; // usages
  if (!(r = v(r[1]))) return undefined; // key length
  const [length, start] = r;
  if (length < 16 || length > 8192 || start + length > buf.length) return undefined;
  return { kind, key: buf.slice(start, start + length) };
}

/** DER PKCS#8 (version 0) or SEC1 (version 1) private keys anywhere in `buf` that Node/OpenSSL can load. */
function scanPrivateKeys(buf: Uint8Array, out: Uint8Array[]): void {
  for (let i = 0; i + 8 < buf.length; i++) {
    if (buf[i] !== 0x30) continue;
    let len: number;
    let hdr: number;
    if (buf[i + 1]! < 0x80) [len, hdr] = [buf[i + 1]!, 2];
    else if (buf[i + 1] === 0x81) [len, hdr] = [buf[i + 2]!, 3];
    else if (buf[i + 1] === 0x82) [len, hdr] = [(buf[i + 2]! << 8) | buf[i + 3]!, 4];
    else continue;
    const j = i + hdr;
    const pkcs8 = buf[j] === 0x02 && buf[j + 1] === 0x01 && buf[j + 2] === 0x00 && buf[j + 3] === 0x30;
    const sec1 = buf[j] === 0x02 && buf[j + 1] === 0x01 && buf[j + 2] === 0x01 && buf[j + 3] === 0x04;
    if (!pkcs8 && !sec1) continue;
    const der = buf.slice(i, j + len);
    if (der.length !== hdr + len) continue;
    try {
      createPrivateKey({ key: Buffer.from(der), format: "der", type: pkcs8 ? "pkcs8" : "sec1" });
      out.push(der);
    } catch {
      // not a key after all (or a curve OpenSSL does not load as SEC1): the bytes are kept for the SM2 check below
      if (pkcs8 && der.length > 60) out.push(der);
    }
  }
}

const te = new TextEncoder();

function attack(files: string[]): Loot {
  const chunks = chunksOf(files);
  const loot: Loot = { aesKeys: [], hmacKeys: [], privateKeys: [], plaintexts: [], files: files.length, cryptoKeyTags: 0, ivCandidates: 0, decryptAttempts: 0 };
  const seen = new Set<string>();
  const addKey = (list: Uint8Array[], key: Uint8Array) => {
    const h = Buffer.from(key).toString("hex");
    if (!seen.has(h)) {
      seen.add(h);
      list.push(key);
    }
  };
  const ids = new Set<string>();
  const pairs: { iv: Uint8Array; ct: Uint8Array }[] = [];
  for (const chunk of chunks) {
    for (const m of Buffer.from(chunk).toString("latin1").matchAll(/[0-9a-f]{32}/g)) ids.add(m[0]);
    for (let i = 0; i + 2 < chunk.length; i++) {
      if (chunk[i] === 0x4b && chunk[i + 1]! >= 1 && chunk[i + 1]! <= 7) {
        const parsed = parseCryptoKey(chunk, i);
        if (parsed) {
          loot.cryptoKeyTags++;
          if (parsed.kind === "aes") addKey(loot.aesKeys, parsed.key);
          else if (parsed.kind === "hmac") addKey(loot.hmacKeys, parsed.key);
          else scanPrivateKeys(parsed.key, loot.privateKeys);
        }
        // Brute force beside the tag: every 16- and 32-byte window in the next 40 bytes.
        if (chunk[i + 1] === 1) for (let o = 2; o < 40; o++) for (const n of [16, 32]) if (i + o + n <= chunk.length) addKey(loot.aesKeys, chunk.slice(i + o, i + o + n));
      }
    }
    // V8 ArrayBuffers: 'B', varint length, bytes. An iv (12 bytes) and the ciphertext written next to it.
    const buffers: { at: number; end: number; bytes: Uint8Array }[] = [];
    for (let i = 0; i + 2 < chunk.length; i++) {
      if (chunk[i] !== 0x42) continue;
      const r = varint(chunk, i + 1);
      if (!r || r[0] < 12 || r[1] + r[0] > chunk.length || r[0] > 100_000) continue;
      buffers.push({ at: i, end: r[1] + r[0], bytes: chunk.subarray(r[1], r[1] + r[0]) });
    }
    for (const iv of buffers.filter((b) => b.bytes.length === 12)) {
      loot.ivCandidates++;
      for (const ct of buffers) if (ct.bytes.length > 16 && Math.abs(ct.at - iv.end) < 160) pairs.push({ iv: iv.bytes, ct: ct.bytes });
    }
    scanPrivateKeys(chunk, loot.privateKeys);
  }
  const aads = [new Uint8Array(0), te.encode("keysmith-sealed:credentials:v1"), te.encode("keysmith-sealed:credentials:v3"), te.encode("keysmith-sealed:check")];
  for (const id of ids) aads.push(te.encode(`keysmith-vault:${id}`), te.encode(`keysmith-sealed:key:${id}`));
  const done = new Set<string>();
  for (const key of loot.aesKeys) {
    for (const { iv, ct } of pairs) {
      const pairId = `${Buffer.from(iv).toString("hex")}:${ct.length}:${Buffer.from(ct.subarray(0, 8)).toString("hex")}`;
      if (done.has(pairId)) continue;
      for (const aad of aads) {
        loot.decryptAttempts++;
        try {
          const d = createDecipheriv(key.length === 32 ? "aes-256-gcm" : "aes-128-gcm", key, iv);
          d.setAAD(aad);
          d.setAuthTag(ct.subarray(ct.length - 16));
          const plain = Buffer.concat([d.update(ct.subarray(0, ct.length - 16)), d.final()]);
          loot.plaintexts.push(new Uint8Array(plain));
          scanPrivateKeys(plain, loot.privateKeys);
          done.add(pairId);
          break;
        } catch {
          // wrong key, iv or additional data
        }
      }
    }
  }
  return loot;
}

function summary(loot: Loot): string {
  return `${loot.files} files, ${loot.cryptoKeyTags} CryptoKey records, ${loot.aesKeys.length} AES key candidates, ${loot.ivCandidates} ivs, ${loot.decryptAttempts} decryptions tried, ${loot.plaintexts.length} opened, ${loot.privateKeys.length} private keys`;
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

/** SPKI DER (hex) of each recovered private key: SM2 PKCS#8 too (OpenSSL 3 loads it as an EC key on the SM2 curve). */
function recoveredSpkis(loot: Loot): Set<string> {
  const out = new Set<string>();
  for (const der of loot.privateKeys) {
    for (const type of ["pkcs8", "sec1"] as const) {
      try {
        const pub = createPublicKey(createPrivateKey({ key: Buffer.from(der), format: "der", type }));
        out.add(pub.export({ type: "spki", format: "der" }).toString("hex"));
        break;
      } catch {
        // try the other form
      }
    }
  }
  return out;
}

interface Made {
  id: string;
  spec: KeySpecId;
  exportable: boolean;
  spkiHex: string;
}

async function fillProfile(session: ExtensionSession, emulator: TestEmulator, passphrase: string | undefined): Promise<Made[]> {
  const page = await openExtensionPage(session, "options.html?lang=en");
  await page.waitForSelector("body[data-ready=true]");
  if (passphrase) {
    // Set before anything secret is stored: what a LevelDB delete leaves behind is covered in docs/vault.md.
    const status = await send(page, "vault.setPassphrase", { passphrase });
    expect(status).toMatchObject({ hasPassphrase: true, locked: false });
  }
  const options = await connectThroughOptions(session, emulator);
  const tested = await send(options, "credentials.test", {});
  expect(tested.ok, JSON.stringify(tested.error)).toBe(true); // the sealed secret signs
  const made: Made[] = [];
  for (const spec of SPECS) {
    for (const exportable of [true, false]) {
      const r = await send(page, "csr.create", { spec, subject: { CN: `disk-${spec.toLowerCase().replace("_", "-")}-${exportable ? "x" : "n"}.example.com` }, sans: [], exportable });
      const pubPem = openssl(["req", "-pubkey", "-noout"], r.csrPem);
      const spkiHex = Buffer.from(pubPem.replace(/-----[^-]+-----|\s/g, ""), "base64").toString("hex");
      made.push({ id: r.key.id, spec, exportable, spkiHex });
    }
  }
  await options.close();
  await page.close();
  return made;
}

const SECRET_BYTES = (e: TestEmulator) => te.encode(e.accessKeySecret);

describe("what a reader of the profile's files gets", () => {
  let emulator: TestEmulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("without a passphrase: the AccessKey secret and every private key (the attack works; README says so)", async () => {
    const session = await launchExtension({ grantHosts: TEST_GRANTS });
    try {
      const made = await fillProfile(session, emulator, undefined);
      await session.close();
      const loot = attack(extensionFiles(session));
      console.log(`no passphrase: ${summary(loot)}`);
      expect(loot.aesKeys.length).toBeGreaterThan(0);
      const secret = SECRET_BYTES(emulator);
      const secretFound = loot.plaintexts.some((p) => containsBytes(p, secret)) || loot.hmacKeys.some((k) => containsBytes(k, secret));
      expect(secretFound, "the AccessKey secret, decrypted with the credential store's own stored key").toBe(true);
      const spkis = recoveredSpkis(loot);
      const missing = made.filter((m) => !spkis.has(m.spkiHex)).map((m) => `${m.spec}/${m.exportable ? "exportable" : "non-exportable"}`);
      expect(missing, "private keys not recovered from the files").toEqual([]);
    } finally {
      await session.dispose();
    }
  });

  it("with a passphrase: neither the secret nor any private key; relaunched, the vault is locked until unlocked", async () => {
    const session = await launchExtension({ grantHosts: TEST_GRANTS });
    let relaunched: ExtensionSession | undefined;
    try {
      const made = await fillProfile(session, emulator, PASSPHRASE);
      await session.close();
      const files = extensionFiles(session);
      expect(files.some((f) => f.includes(".indexeddb.leveldb"))).toBe(true);
      const loot = attack(files);
      console.log(`passphrase: ${summary(loot)}`);
      expect(loot.ivCandidates, "the sealed records were found and tried").toBeGreaterThanOrEqual(made.length + 2);
      const secret = SECRET_BYTES(emulator);
      expect(loot.plaintexts.some((p) => containsBytes(p, secret))).toBe(false);
      expect(loot.hmacKeys.some((k) => containsBytes(k, secret))).toBe(false);
      for (const f of files) expect(containsBytes(readFileSync(f), secret), f).toBe(false);
      const spkis = recoveredSpkis(loot);
      expect(made.filter((m) => spkis.has(m.spkiHex)).map((m) => m.spec)).toEqual([]);
      expect(loot.privateKeys.length, "PKCS#8 / SEC1 private keys found in the files").toBe(0);

      relaunched = await session.relaunch();
      const page = await openExtensionPage(relaunched, "options.html?lang=en");
      await page.waitForSelector("body[data-ready=true]");
      expect(await send(page, "vault.status", {})).toMatchObject({ hasPassphrase: true, locked: true });
      const refused = await sendRaw(page, "keys.export", { keyId: made[0]!.id, format: "pkcs8", unencrypted: true });
      expect(refused.ok ? "exported" : refused.error.code).toBe("vault.locked");
      const wrong = await sendRaw(page, "vault.unlock", { passphrase: "not the passphrase" });
      expect(wrong.ok ? "unlocked" : wrong.error.code).toBe("vault.passphrase.wrong");
      await send(page, "vault.unlock", { passphrase: PASSPHRASE });
      const tested = await waitFor(async () => {
        const r = await send(page, "credentials.test", {});
        return r.ok ? r : undefined;
      }, "a signed call after unlocking");
      expect(tested.ok).toBe(true);
      const exported = await send(page, "keys.export", { keyId: made[0]!.id, format: "pkcs8", unencrypted: true });
      expect(exported.data).toContain("BEGIN PRIVATE KEY");
    } finally {
      if (relaunched) await relaunched.dispose();
      else await session.dispose();
    }
  });
});
