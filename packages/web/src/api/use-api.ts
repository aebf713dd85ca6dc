import { QueryClient, type UseQueryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type ApiFetchOptions, apiFetch, type QueryValue } from './api-fetch.ts';

/** Query key convention: `[path, query]`, so invalidating `[path]` refreshes every filter of one list. */
export function apiQueryKey(path: string, query?: Record<string, QueryValue>): readonly unknown[] {
  return query ? [path, query] : [path];
}

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // A 4xx will not change by asking again; network failures and 5xx get a couple of retries.
        retry: (failures, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
        refetchOnWindowFocus: false,
        staleTime: 5_000,
      },
    },
  });
}

type ExtraQueryOptions<T> = Omit<UseQueryOptions<T, ApiError>, 'queryKey' | 'queryFn'>;

/** GET `path` (relative to the base path) with optional query parameters. */
export function useApiQuery<T>(path: string, query?: Record<string, QueryValue>, options?: ExtraQueryOptions<T>) {
  return useQuery<T, ApiError>({
    queryKey: apiQueryKey(path, query),
    queryFn: ({ signal }) => apiFetch<T>(path, { query, signal }),
    ...options,
  });
}

export interface ApiMutationOptions<TResult, TVariables> {
  method: NonNullable<ApiFetchOptions['method']>;
  /** Fixed path or one computed from the variables (e.g. `users/${id}`). */
  path: string | ((variables: TVariables) => string);
  /** Body computed from the variables; by default the variables themselves (none for DELETE). */
  body?: (variables: TVariables) => unknown;
  /** List paths to refresh after success. */
  invalidates?: string[];
  onSuccess?: (result: TResult, variables: TVariables) => void;
}

/** A state-changing call that refreshes the lists it affects. */
export function useApiMutation<TResult = unknown, TVariables = void>(options: ApiMutationOptions<TResult, TVariables>) {
  const queryClient = useQueryClient();
  return useMutation<TResult, ApiError, TVariables>({
    mutationFn: (variables) => {
      const path = typeof options.path === 'function' ? options.path(variables) : options.path;
      const body = options.body ? options.body(variables) : options.method === 'DELETE' ? undefined : variables;
      return apiFetch<TResult>(path, { method: options.method, body });
    },
    onSuccess: async (result, variables) => {
      await Promise.all((options.invalidates ?? []).map((path) => queryClient.invalidateQueries({ queryKey: [path] })));
      options.onSuccess?.(result, variables);
    },
  });
}
