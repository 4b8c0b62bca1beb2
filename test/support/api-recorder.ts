// A recorder on loopback between a client and the emulator: it forwards every request unchanged (Host
// included, so V3 signatures still verify) and notes, per request, the action, the AccessKeyId that
// signed it and the security token it carried (V1: query or form parameters; V3: the Authorization
// header's Credential and x-acs-security-token), with the emulator's status and answer. The emulator
// behind it verifies every signature as the cloud does, so a 200 means that key (and token) signed it.
import { request as httpRequest, createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  action: string;
  accessKeyId: string | undefined;
  securityToken: string | undefined;
  status: number;
  /** The emulator's answer (an AssumeRole answer holds the temporary secret and token). */
  body: string;
}

export interface ApiRecorder {
  url: string;
  seen: SeenRequest[];
  close(): Promise<void>;
}

export async function startApiRecorder(target: { host: string; port: number }): Promise<ApiRecorder> {
  const seen: SeenRequest[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://recorder");
      const form = String(req.headers["content-type"] ?? "").includes("application/x-www-form-urlencoded") ? new URLSearchParams(body.toString("utf8")) : new URLSearchParams();
      const param = (name: string) => url.searchParams.get(name) ?? form.get(name) ?? undefined;
      const auth = String(req.headers.authorization ?? "");
      const header = (name: string) => (typeof req.headers[name] === "string" ? (req.headers[name] as string) : undefined);
      const entry: SeenRequest = {
        action: param("Action") ?? header("x-acs-action") ?? "",
        accessKeyId: param("AccessKeyId") ?? /Credential=([^,]+)/.exec(auth)?.[1],
        securityToken: param("SecurityToken") ?? header("x-acs-security-token"),
        status: 0,
        body: "",
      };
      const upstream = httpRequest({ host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
        const parts: Buffer[] = [];
        answer.on("data", (c: Buffer) => parts.push(c));
        answer.on("end", () => {
          entry.status = answer.statusCode ?? 0;
          entry.body = Buffer.concat(parts).toString("utf8");
          seen.push(entry);
          res.writeHead(entry.status, answer.headers);
          res.end(Buffer.concat(parts));
        });
      });
      upstream.on("error", () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The temporary credentials in an AssumeRole answer the recorder saw. */
export function issuedIn(entry: SeenRequest): { accessKeyId: string; accessKeySecret: string; securityToken: string; expiration: string } {
  const creds = (JSON.parse(entry.body) as { Credentials?: { AccessKeyId: string; AccessKeySecret: string; SecurityToken: string; Expiration: string } }).Credentials;
  if (!creds) throw new Error(`${entry.action} answered without Credentials (${entry.status})`);
  return { accessKeyId: creds.AccessKeyId, accessKeySecret: creds.AccessKeySecret, securityToken: creds.SecurityToken, expiration: creds.Expiration };
}
