// Types for the part of des.js (no bundled types) that triple-des.ts uses.
declare module "des.js" {
  interface DesCipher {
    update(data: number[]): number[];
    final(): number[];
  }
  interface DesMode {
    create(options: { type: "encrypt" | "decrypt"; key: number[]; iv?: number[] }): DesCipher;
  }
  const desjs: {
    EDE: unknown;
    CBC: { instantiate(base: unknown): DesMode };
  };
  export default desjs;
}
