// 3DES-CBC (EDE, three keys) with PKCS#7 padding, only for the legacy PKCS#12 profile: WebCrypto has
// no DES, so this uses des.js (the implementation behind browserify's crypto).
import desjs from "des.js";

export function tripleDesCbcEncrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const cipher = desjs.CBC.instantiate(desjs.EDE).create({ type: "encrypt", key: Array.from(key), iv: Array.from(iv) });
  return new Uint8Array([...cipher.update(Array.from(plaintext)), ...cipher.final()]);
}

export function tripleDesCbcDecrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  const cipher = desjs.CBC.instantiate(desjs.EDE).create({ type: "decrypt", key: Array.from(key), iv: Array.from(iv) });
  return new Uint8Array([...cipher.update(Array.from(ciphertext)), ...cipher.final()]);
}
