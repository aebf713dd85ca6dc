// What apps' web modules import from `@platform/web`.
export { ApiError, type ApiFetchOptions, apiFetch, type QueryValue, withQuery } from './api/api-fetch.ts';
export { apiUrl, basePath, routerBasename } from './api/base-path.ts';
export { type ConnectionState, type EventHandlers, jobTerminalEvents } from './api/follow-events.ts';
export type * from './api/kernel-types.ts';
export { type ApiMutationOptions, apiQueryKey, useApiMutation, useApiQuery } from './api/use-api.ts';
export { type UseEventSourceOptions, useEventSource } from './api/use-event-source.ts';
export { CursorPager, useCursorPages } from './components/cursor-pager.tsx';
export { dayBoundary, formatTime } from './components/format.ts';
export { JobProgress, type JobProgressProps } from './components/job-progress.tsx';
export { canCancel, canRetry, isTerminalStatus, progressPercent } from './components/job-status.ts';
export { EmptyListState, ErrorState, LoadingState, QueryList } from './components/list-states.tsx';
export { PlatformPage } from './components/platform-page.tsx';
export type { AppWebModule } from './routing/app-modules.ts';
export { useCurrentUser, useHostedApps } from './shell/current-user.ts';
export { useRouterLink } from './shell/router-link.ts';
