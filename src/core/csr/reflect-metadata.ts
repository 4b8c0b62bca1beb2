// The Reflect metadata API that tsyringe (the plug-in registry of @peculiar/x509) requires at load, without
// the `reflect-metadata` package: that package finds the global object with `Function("return this;")` and
// an indirect `eval`, which `web-ext lint` reports as DANGEROUS_EVAL in the Firefox package and which store
// reviewers question. This one uses `globalThis` and keeps the metadata in WeakMaps keyed by the decorated
// object, then by property key, as the proposal it follows (rbuckton/reflect-metadata) describes.
// tsyringe calls getMetadata, getOwnMetadata and defineMetadata; the rest of the API is here so a library
// that checks for it finds a whole one. An API already present (another polyfill loaded first) is kept.

type MetadataTarget = object;
type PropertyKeyOrNone = string | symbol | undefined;
type MetadataMap = Map<unknown, unknown>;

const tables = new WeakMap<MetadataTarget, Map<PropertyKeyOrNone, MetadataMap>>();

function ownMap(target: MetadataTarget, property: PropertyKeyOrNone, create: boolean): MetadataMap | undefined {
  let byProperty = tables.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    tables.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (map === undefined && create) {
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

function objectTarget(target: unknown): MetadataTarget {
  if ((typeof target !== "object" || target === null) && typeof target !== "function") {
    throw new TypeError("Reflect metadata: the target must be an object or a function");
  }
  return target;
}

function parentOf(target: MetadataTarget): MetadataTarget | null {
  return Object.getPrototypeOf(target) as MetadataTarget | null;
}

function defineMetadata(key: unknown, value: unknown, target: unknown, property?: string | symbol): void {
  ownMap(objectTarget(target), property, true)!.set(key, value);
}

function hasOwnMetadata(key: unknown, target: unknown, property?: string | symbol): boolean {
  return ownMap(objectTarget(target), property, false)?.has(key) ?? false;
}

function getOwnMetadata(key: unknown, target: unknown, property?: string | symbol): unknown {
  return ownMap(objectTarget(target), property, false)?.get(key);
}

function hasMetadata(key: unknown, target: unknown, property?: string | symbol): boolean {
  for (let t: MetadataTarget | null = objectTarget(target); t !== null; t = parentOf(t)) {
    if (hasOwnMetadata(key, t, property)) return true;
  }
  return false;
}

function getMetadata(key: unknown, target: unknown, property?: string | symbol): unknown {
  for (let t: MetadataTarget | null = objectTarget(target); t !== null; t = parentOf(t)) {
    const map = ownMap(t, property, false);
    if (map?.has(key)) return map.get(key);
  }
  return undefined;
}

function getOwnMetadataKeys(target: unknown, property?: string | symbol): unknown[] {
  return [...(ownMap(objectTarget(target), property, false)?.keys() ?? [])];
}

function getMetadataKeys(target: unknown, property?: string | symbol): unknown[] {
  const keys = new Set<unknown>();
  for (let t: MetadataTarget | null = objectTarget(target); t !== null; t = parentOf(t)) {
    for (const key of getOwnMetadataKeys(t, property)) keys.add(key);
  }
  return [...keys];
}

function deleteMetadata(key: unknown, target: unknown, property?: string | symbol): boolean {
  return ownMap(objectTarget(target), property, false)?.delete(key) ?? false;
}

/** The decorator form: `@Reflect.metadata(key, value)` on a class or a member. */
function metadata(key: unknown, value: unknown): (target: unknown, property?: string | symbol) => void {
  return (target, property) => defineMetadata(key, value, target, property);
}

export const reflectMetadataApi = {
  defineMetadata,
  hasMetadata,
  hasOwnMetadata,
  getMetadata,
  getOwnMetadata,
  getMetadataKeys,
  getOwnMetadataKeys,
  deleteMetadata,
  metadata,
};

const reflect = Reflect as unknown as Record<string, unknown>;
for (const [name, fn] of Object.entries(reflectMetadataApi)) {
  if (typeof reflect[name] !== "function") reflect[name] = fn;
}
