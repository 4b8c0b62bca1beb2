// Vite bundles CSS imported by the page entries; TypeScript only needs to know such imports exist.
declare module "*.css";
