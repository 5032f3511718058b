import { createContext, useContext } from 'react';
import type { CallerView } from '../../src/api/key-schemas.js';
import { UsineClient } from '../../src/sdk/usine-client.js';

/** The signed-in key: the typed client that sends it, and what the server says it may do. */
export interface Session {
  readonly client: UsineClient;
  readonly caller: CallerView;
  may(action: string): boolean;
}

// sessionStorage: this tab only, gone when it closes; never in a URL, never in localStorage
const STORAGE_KEY = 'usine.apiKey';

export function readStoredKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** Asks the server who the key is; keeps the key for this tab only once the server accepted it. */
export async function openSession(apiKey: string): Promise<Session> {
  const client = new UsineClient({ url: window.location.origin, apiKey });
  const caller = await client.whoAmI();
  sessionStorage.setItem(STORAGE_KEY, apiKey);
  return { client, caller, may: (action) => caller.actions.includes(action) };
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export const SessionContext = createContext<Session | undefined>(undefined);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}
