// `npm start`: build, start the local emulator, and open Chromium with the extension loaded and already
// pointed at the emulator (endpoint + demo credentials stored through the worker, as the options page
// would), so the whole flow works in a minute. Headful when a display exists; otherwise it runs headless
// and says how to look at it. Ctrl-C stops everything.
//   npm start -- [--port N] [--profile DIR] [--headless]
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { register } from "tsx/esm/api";

const root = resolve(import.meta.dirname, "..");
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

// A plain build: the worker's test hook (KEYSMITH_TEST_HOOKS, scripts/build-extension.mjs) stays out; the
// setup below talks to the worker only through messages from the options page.
const build = spawnSync(process.execPath, [join(root, "scripts", "build.mjs")], { stdio: "inherit", cwd: root, env: { ...process.env, KEYSMITH_TEST_HOOKS: "" } });
if (build.status !== 0) process.exit(build.status ?? 1);

register();
const emulatorModule = ["emulator/index.ts", "emulator/server.ts", "emulator/start.ts", "emulator/main.ts"]
  .map((p) => join(root, p))
  .find((p) => existsSync(p));
if (!emulatorModule) {
  console.error("npm start: the emulator (emulator/) is not in this tree yet.");
  process.exit(1);
}
const { startEmulator } = await import(emulatorModule);
const emulator = await startEmulator({ port: Number(flag("--port") ?? 0), host: "127.0.0.1" });
console.log(`emulator: ${emulator.url} (AccessKeyId ${emulator.accessKeyId})`);

// The extension reaches the emulator through its optional loopback host permission. A person grants it
// from the options page; here the copy we load lists it, which is the same grant made ahead of time.
const dist = join(tmpdir(), "keysmith-start-chrome");
rmSync(dist, { recursive: true, force: true });
cpSync(join(root, "dist", "chrome"), dist, { recursive: true });
const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));
manifest.host_permissions = [...manifest.host_permissions, "http://127.0.0.1/*", "https://*.console.aliyun.com/*", "https://*.console.alibabacloud.com/*"];
writeFileSync(join(dist, "manifest.json"), JSON.stringify(manifest, null, 2));

const { chromium } = await import("playwright-core");
const headless = args.includes("--headless") || !process.env.DISPLAY;
const profile = flag("--profile") ?? mkdtempSync(join(tmpdir(), "keysmith-start-profile-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: chromiumPath,
  headless,
  viewport: null,
  args: [`--disable-extensions-except=${dist}`, `--load-extension=${dist}`, "--no-first-run", "--disable-sync", "--disable-component-update"],
});
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
const extensionId = new URL(worker.url()).host;

const options = await context.newPage();
await options.goto(`chrome-extension://${extensionId}/options.html`);
const send = (type, payload) => options.evaluate(([type, payload]) => chrome.runtime.sendMessage({ type, payload }), [type, payload]);
const settings = await send("settings.set", { endpoint: emulator.url });
const credentials = await send("credentials.set", { accessKeyId: emulator.accessKeyId, accessKeySecret: emulator.accessKeySecret });
if (!settings?.ok || !credentials?.ok) {
  console.error("npm start: could not configure the extension:", JSON.stringify(settings?.error ?? credentials?.error));
}
const popup = await context.newPage();
await popup.goto(`chrome-extension://${extensionId}/popup.html`);

console.log(`extension: chrome-extension://${extensionId}/popup.html (options: /options.html), profile ${profile}`);
if (headless) {
  console.log(
    "No display here, so Chromium runs headless. To use it yourself: run `xvfb-run npm start` on a desktop-less machine,\n" +
      `or load ${join(root, "dist", "chrome")} as an unpacked extension in your browser (chrome://extensions, developer mode),\n` +
      `then in Keysmith's options choose the "local emulator" endpoint ${emulator.url} with AccessKeyId ${emulator.accessKeyId} and its demo secret (npm run emulator prints it).`,
  );
}
console.log("Ctrl-C to stop.");

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await context.close().catch(() => undefined);
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
context.on("close", stop);
