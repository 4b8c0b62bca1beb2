// `keysmith order …`: cas DV orders from the CLI. `order create` sends
// CreateCertificateWithCsrRequest with --csr FILE, or CreateCertificateRequest with --domain.
import { KeysmithError } from "../../src/core/errors";
import { operation } from "../../src/core/aliyun/operations";
import { parseArgs } from "../args";
import type { Command } from "../context";
import { apiCommand, operationFlags, paramsFromArgs, printResponse, usageOf } from "../api-command";
import { GLOBAL_API_FLAGS, clientFromArgs } from "../credentials-env";
import { orderWaitCommand } from "./order-wait";
import { orderReconcileCommand } from "./order-reconcile";
import { CREATE_FLAGS, placeCreate, reportUnknown } from "../create";
import { INCLUDE_PRIVATE_KEY_FLAGS } from "../private-keys";

const withCsr = { name: "order create", summary: "", service: "cas" as const, action: "CreateCertificateWithCsrRequest", files: ["Csr"] };
const withDomain = { name: "order create", summary: "", service: "cas" as const, action: "CreateCertificateRequest" };

const orderCreate: Command = {
  name: "order create",
  summary: "Order a DV certificate for a CSR (--csr FILE) or a domain (--domain, the service makes the key)",
  usage: `${usageOf(withCsr, operation("cas", withCsr.action))}\n   or: ${usageOf(withDomain, operation("cas", withDomain.action))}\n  Exit 3: no answer came, the order may exist; \`keysmith order reconcile\` finds it.`,
  async run(ctx) {
    const csrOp = operation("cas", withCsr.action);
    const domainOp = operation("cas", withDomain.action);
    const names = new Set([...operationFlags(csrOp), ...operationFlags(domainOp)].map((f) => f.name));
    const args = parseArgs(ctx.argv, [...GLOBAL_API_FLAGS, ...CREATE_FLAGS, ...INCLUDE_PRIVATE_KEY_FLAGS, ...[...names].map((name) => ({ name, kind: "string" as const }))]);
    const useCsr = args.strings.has("csr") || !args.strings.has("domain");
    if (useCsr && args.strings.has("domain")) throw new KeysmithError("api.cli.flag_conflict", { field: "--domain", params: { other: "--csr" } });
    const spec = useCsr ? withCsr : withDomain;
    const op = useCsr ? csrOp : domainOp;
    const params = await paramsFromArgs(ctx, spec, op, args);
    const placed = await placeCreate(ctx, clientFromArgs(args, ctx), args, op, params);
    if ("unknown" in placed) return reportUnknown(ctx, placed.unknown, args.booleans.has("json"));
    printResponse(ctx, args, placed.response);
    return 0;
  },
};

export const orderCommands: Command[] = [
  orderCreate,
  apiCommand({ name: "order create-for-package", summary: "Order any product from a package (CreateCertificateForPackageRequest)", service: "cas", action: "CreateCertificateForPackageRequest", files: ["Csr"] }),
  apiCommand({ name: "order status", summary: "An order's state, validation record and, once issued, certificate", service: "cas", action: "DescribeCertificateState", positional: "OrderId" }),
  orderWaitCommand,
  orderReconcileCommand,
  apiCommand({ name: "order list", summary: "List certificate orders (ListUserCertificateOrder)", service: "cas", action: "ListUserCertificateOrder" }),
  apiCommand({ name: "order cancel", summary: "Cancel an order awaiting validation or review", service: "cas", action: "CancelOrderRequest", positional: "OrderId" }),
  apiCommand({ name: "order delete", summary: "Delete a cancelled or failed order (returns its quota)", service: "cas", action: "DeleteCertificateRequest", positional: "OrderId" }),
];
