// Orders: the package quota, a new order, and every order with its state. One Refresh for the tab: it asks the
// cloud about every open order (orders.refresh) and reloads the list; the list also reloads every 4 s.
import { useEffect, useState } from "preact/hooks";
import { SelectField } from "../ui/fields";
import { Busy, Empty, ErrorNotice } from "../ui/notices";
import { useLocale, useT } from "../ui/locale";
import { productDetail, productName } from "../ui/product-names";
import type { ErrorData } from "../core/errors";
import { toErrorData, useAction } from "../ui/use-action";
import type { OrderView, PendingCreateView, SubjectInput, WorkerApi } from "../ui/worker-api";
import { type ContactInput } from "../ui/contact-fields";
import { DEFAULT_DV_PRODUCT_CODE, PACKAGE_PRODUCT_CODES } from "../core/aliyun/product-codes";
import { NewOrderForm } from "./NewOrderForm";
import { OPEN, OrderCard } from "./OrderCard";
import { PendingCreateCard } from "./PendingCreateCard";

export function OrdersView(props: { api: WorkerApi; contact: ContactInput; defaults: SubjectInput; preselectKeyId?: string; prefillCsr?: string; onPrefillUsed?: () => void }) {
  const tr = useT();
  const locale = useLocale();
  const [orders, setOrders] = useState<OrderView[] | null>(null);
  const [refreshError, setRefreshError] = useState<ErrorData | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  // Creates whose result is not recorded yet: kept by the worker, so they show after the popup or the worker restarts.
  const [pending, setPending] = useState<PendingCreateView[]>([]);
  const loadPending = () => props.api.send("orders.pending", {}).then(setPending, () => undefined);
  const [showForm, setShowForm] = useState(Boolean(props.preselectKeyId || props.prefillCsr));
  const [product, setProduct] = useState(props.contact.productCode || DEFAULT_DV_PRODUCT_CODE);
  const list = useAction(() => props.api.send("orders.list", {}));
  const quota = useAction(async (code: string) => (await props.api.send("orders.packageState", { productCode: code }))[0]);
  const reload = async () => {
    void loadPending();
    const all = await list.run();
    if (all) setOrders(all);
  };
  /** The Refresh button: each open cloud order is asked about (one at a time), then the list is read again. */
  const refreshAll = async () => {
    setRefreshing(true);
    setRefreshError(null);
    try {
      for (const o of orders ?? []) {
        if (!OPEN.has(o.state) || !o.orderId) continue;
        try {
          await props.api.send("orders.refresh", { id: o.id });
        } catch (err) {
          setRefreshError((e) => e ?? toErrorData(err));
        }
      }
      await reload();
    } finally {
      setRefreshing(false);
    }
  };
  useEffect(() => {
    void reload();
    // The worker follows orders with alarms; while the popup is open, show what it learns. Asking for the
    // pending creates also lets the worker look for a lost answer whose turn has come.
    const timer = setInterval(() => {
      void loadPending();
      void props.api.send("orders.list", {}).then(setOrders, () => undefined);
    }, 4000);
    return () => clearInterval(timer);
  }, []);
  const pendingChanged = (order?: OrderView) => {
    if (order) setOrders((all) => [order, ...(all ?? []).filter((x) => x.id !== order.id)]);
    void loadPending();
  };

  const changed = (id: string, next: OrderView | null) =>
    setOrders((all) => (all ?? []).flatMap((o) => (o.id !== id ? [o] : next ? [next] : [])));

  return (
    <div class="stack">
      <section class="stack subtle" aria-labelledby="quota-title">
        <h2 id="quota-title">{tr("ui_quota")}</h2>
        <div class="row">
          <SelectField id="quota-product" label={tr("ui_product_code")} value={product}
            hint={productDetail(product, locale)}
            choices={PACKAGE_PRODUCT_CODES.map((p) => ({ value: p, label: productName(p, locale) }))} onChange={setProduct} />
          <button type="button" class="secondary small" id="check-quota" onClick={() => quota.run(product)} disabled={quota.busy}>{tr("ui_check_quota")}</button>
        </div>
        <ErrorNotice error={quota.error} id="quota-error" />
        {quota.result ? (
          <p id="quota-result">
            {tr("ui_quota_result", { total: quota.result.totalCount, used: quota.result.usedCount, issued: quota.result.issuedCount, left: quota.result.totalCount - quota.result.usedCount })}
          </p>
        ) : null}
      </section>
      {showForm ? (
        <section class="stack" aria-labelledby="new-order-title">
          <h2 id="new-order-title">{tr("ui_new_order")}</h2>
          <NewOrderForm
            api={props.api}
            contact={props.contact}
            defaults={props.defaults}
            preselectKeyId={props.preselectKeyId}
            prefillCsr={props.prefillCsr}
            onCancel={() => { setShowForm(false); props.onPrefillUsed?.(); }}
            onPendingChanged={() => void loadPending()}
            onCreated={(o) => { setOrders((all) => [o, ...(all ?? []).filter((x) => x.id !== o.id)]); setShowForm(false); props.onPrefillUsed?.(); }}
          />
        </section>
      ) : (
        <div class="actions">
          <button type="button" id="show-new-order" onClick={() => setShowForm(true)}>{tr("ui_new_order")}</button>
          <button type="button" class="secondary" id="reload-orders" onClick={refreshAll} disabled={refreshing}>{tr("ui_refresh")}</button>
        </div>
      )}
      <ErrorNotice error={list.error} />
      <ErrorNotice error={refreshError} id="refresh-error" />
      {list.busy && orders === null ? <Busy label={tr("ui_loading")} /> : null}
      {pending.length > 0 ? (
        <section class="stack" aria-labelledby="pending-title">
          <h2 id="pending-title">{tr("ui_pending_title")}</h2>
          <ul class="cards" id="pending-list">
            {pending.map((e) => (
              <PendingCreateCard key={e.id} api={props.api} entry={e} onChanged={pendingChanged} />
            ))}
          </ul>
        </section>
      ) : null}
      {orders && orders.length === 0 && pending.length === 0 ? <Empty text={tr("ui_no_orders")} /> : null}
      <ul class="cards" id="order-list">
        {(orders ?? []).map((o) => (
          <OrderCard key={o.id} api={props.api} order={o} onChanged={(n) => changed(o.id, n)} />
        ))}
      </ul>
    </div>
  );
}
