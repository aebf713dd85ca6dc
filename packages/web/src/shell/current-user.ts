import type { CurrentUser, HostedApp, Page } from '../api/kernel-types.ts';
import { useApiQuery } from '../api/use-api.ts';

export const currentUserPath = 'auth/me';

/** The signed-in user; a 401 error means "not signed in". */
export function useCurrentUser() {
  return useApiQuery<CurrentUser>(currentUserPath, undefined, { retry: false, staleTime: 30_000 });
}

/** The apps this process hosts (the app switcher and home page show only these). */
export function useHostedApps() {
  return useApiQuery<Page<HostedApp>>('platform/api/apps', undefined, { staleTime: 60_000 });
}

export function userLabel(user: Pick<CurrentUser, 'displayName' | 'username'>): string {
  return user.displayName || user.username;
}
