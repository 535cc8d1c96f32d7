// The keys the pages use, kept in this browser only: for the tab (sessionStorage) or on the device
// (localStorage) when the user asks to be remembered. The API key (playground, dashboard) and the operator's
// admin key (console) are kept apart, under names of their own.
const NAME = 'reelay.apiKey';
/** Where the console keeps the admin key. */
export const ADMIN_KEY = 'reelay.adminKey';

/** The stored key, or null. */
export function getKey(name: string = NAME): string | null {
  return sessionStorage.getItem(name) ?? localStorage.getItem(name);
}

/** Keeps `key` for this tab, or on this device when `remember` is true. */
export function setKey(key: string, remember: boolean, name: string = NAME): void {
  clearKey(name);
  (remember ? localStorage : sessionStorage).setItem(name, key);
}

export function clearKey(name: string = NAME): void {
  sessionStorage.removeItem(name);
  localStorage.removeItem(name);
}

/** The first characters of a key, safe to show. */
export const keyPrefix = (key: string): string => key.slice(0, 12);
