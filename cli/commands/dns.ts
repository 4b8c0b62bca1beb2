// `keysmith dns …`: Alidns records for DNS validation.
import type { Command } from "../context";
import { apiCommand } from "../api-command";

export const dnsCommands: Command[] = [
  apiCommand({ name: "dns add", summary: "Add a DNS record (AddDomainRecord)", service: "alidns", action: "AddDomainRecord" }),
  apiCommand({ name: "dns list", summary: "List a zone's records (DescribeDomainRecords)", service: "alidns", action: "DescribeDomainRecords" }),
  apiCommand({ name: "dns delete", summary: "Delete a DNS record (DeleteDomainRecord)", service: "alidns", action: "DeleteDomainRecord", positional: "RecordId" }),
];
