// `keysmith cas …` and `keysmith package status`: server-side CSRs and the package quota.
import type { Command } from "../context";
import { apiCommand } from "../api-command";

export const casCommands: Command[] = [
  apiCommand({ name: "cas create-csr", summary: "Have cas make a key and CSR (CreateCsr)", service: "cas", action: "CreateCsr" }),
  apiCommand({ name: "cas csr get", summary: "A cas CSR (GetCsrDetail)", service: "cas", action: "GetCsrDetail", positional: "CsrId" }),
  apiCommand({ name: "cas csr list", summary: "List cas CSRs (ListCsr)", service: "cas", action: "ListCsr" }),
  apiCommand({ name: "cas csr delete", summary: "Delete a cas CSR (DeleteCsr)", service: "cas", action: "DeleteCsr", positional: "CsrId" }),
  apiCommand({ name: "package status", summary: "Certificates left in a package (DescribePackageState)", service: "cas", action: "DescribePackageState" }),
];
