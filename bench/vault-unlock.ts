// Vault unlock time (src/background/vault/lock.ts): the passphrase KDF alone (PBKDF2-HMAC-SHA256 at
// PASSPHRASE_KDF_ITERATIONS, through WebCrypto as the worker does it), `unlock` (KDF + check record), and
// unlock followed by the first signature of every key of a vault holding N keys (each sealed PKCS#8
// decrypted and imported as a non-extractable key, or for SM2 decrypted to sign). Node's WebCrypto over
// fake-indexeddb; Chromium's WebCrypto is the same BoringSSL/OpenSSL-class code. Target: unlock ≤ 1 s.
// N=… (default 12 keys: 3 of each spec), RUNS=… (default 3).
import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import "../src/core/i18n-catalogs";
import { openVault } from "../src/background/vault";
import { derivePassphraseBits, memorySession, PASSPHRASE_KDF_ITERATIONS, VaultLock } from "../src/background/vault/lock";
import { setVaultPassphrase } from "../src/background/vault/passphrase";
import type { KeySpecId } from "../src/messages";

const N = Number(process.env.N ?? 12);
const RUNS = Number(process.env.RUNS ?? 3);
const PASS = "bench vault passphrase";
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(0)} ms`;

const kdf: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const t0 = performance.now();
  await derivePassphraseBits(crypto, PASS, crypto.getRandomValues(new Uint8Array(16)), PASSPHRASE_KDF_ITERATIONS);
  kdf.push(performance.now() - t0);
}

const lock = new VaultLock({ indexedDB: new IDBFactory(), session: memorySession() });
await setVaultPassphrase(lock, { passphrase: PASS });
const vault = await openVault({ lock });
const specs: KeySpecId[] = ["EC_P256", "EC_P384", "EC_SM2", "RSA_2048"];
const ids: string[] = [];
for (let i = 0; i < N; i++) ids.push((await vault.createKey({ spec: specs[i % specs.length]!, exportable: i % 2 === 0 })).id);

const unlock: number[] = [];
const unlockAndSign: number[] = [];
for (let i = 0; i < RUNS; i++) {
  await lock.lock();
  const t0 = performance.now();
  await lock.unlock(PASS);
  const t1 = performance.now();
  for (const id of ids) await vault.sign(id, new Uint8Array([1, 2, 3]));
  const t2 = performance.now();
  unlock.push(t1 - t0);
  unlockAndSign.push(t2 - t0);
}

const rows: [string, string][] = [
  [`KDF: PBKDF2-SHA256, ${PASSPHRASE_KDF_ITERATIONS.toLocaleString("en")} iterations`, ms(median(kdf))],
  ["unlock (KDF + check)", ms(median(unlock))],
  [`unlock + first signature with each of ${N} keys`, ms(median(unlockAndSign))],
];
const w = Math.max(...rows.map((r) => r[0].length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
console.log(`\nmedian of ${RUNS} runs; target: unlock ≤ 1 s (${median(unlock) <= 1000 ? "met" : "missed"})`);
