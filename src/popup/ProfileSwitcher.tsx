// The popup header's profile switcher (shown with two or more profiles) and what the order cards read to
// name an order's profile when it is not the selected one. Selecting sends `profile.select`; the popup then
// re-reads its settings and re-renders its views for the new profile. Orders keep the profile they were
// placed under whatever is selected (the worker follows each with its own).
import { createContext } from "preact";
import { useContext } from "preact/hooks";
import { useT } from "../ui/locale";
import { DEFAULT_PROFILE_ID, profileOrDefault, type ProfileList } from "../messages";

/** The selected profile and every profile's name by id (empty until the worker answered). */
export const ProfileNames = createContext<{ selectedId: string; names: Record<string, string> }>({ selectedId: DEFAULT_PROFILE_ID, names: {} });

export function profileNames(list: ProfileList | null): { selectedId: string; names: Record<string, string> } {
  return { selectedId: list?.selectedId ?? DEFAULT_PROFILE_ID, names: Object.fromEntries((list?.profiles ?? []).map((p) => [p.id, p.name])) };
}

/** On an order card: its profile's name, only when another profile is selected (orders before profiles: "default"). */
export function OrderProfileName(props: { profileId?: string; orderId: string }) {
  const tr = useT();
  const { selectedId, names } = useContext(ProfileNames);
  const id = profileOrDefault(props.profileId);
  if (id === selectedId || Object.keys(names).length < 2) return null;
  return <p class="hint" id={`order-profile-${props.orderId}`} data-testid="order-profile">{tr("ui_popup_order_profile", { name: names[id] ?? id })}</p>;
}

export function ProfileSwitcher(props: { list: ProfileList | null; onSelect: (id: string) => void; busy?: boolean }) {
  const tr = useT();
  const profiles = props.list?.profiles ?? [];
  if (profiles.length < 2) return null;
  return (
    <label class="profile-switcher">
      <span class="visually-hidden">{tr("ui_popup_profile_label")}</span>
      <select id="profile-switcher" aria-label={tr("ui_popup_profile_label")} value={props.list!.selectedId} disabled={props.busy}
        onChange={(e) => props.onSelect((e.currentTarget as HTMLSelectElement).value)}>
        {profiles.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
      </select>
    </label>
  );
}
