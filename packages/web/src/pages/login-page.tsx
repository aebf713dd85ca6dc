import { Alert, Button, LoginForm, LoginPage as PatternFlyLoginPage, Spinner, Stack } from '@patternfly/react-core';
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { Navigate, useLocation, useNavigate, useSearchParams } from 'react-router';
import { ApiError, apiFetch } from '../api/api-fetch.ts';
import type { AuthProviders, CurrentUser } from '../api/kernel-types.ts';
import { useApiQuery } from '../api/use-api.ts';
import { ErrorState } from '../components/list-states.tsx';
import { currentUserPath } from '../shell/current-user.ts';
import { oneTimeTokenFromHash, safeNextPath } from './one-time-link.ts';

function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.code === 'rate_limited') {
    return 'Too many sign-in attempts. Wait a minute and try again.';
  }
  if (error instanceof ApiError && error.status === 401) return 'The username or password is not correct.';
  return error instanceof Error ? error.message : 'Sign-in failed.';
}

/**
 * Redeems a `#one-time=<token>` link once; the fragment is removed from the address bar before the
 * request so the token cannot linger in history. Follows the router's location so a link opened in
 * an already open portal tab works too.
 */
function useOneTimeLink(onSignedIn: (user: CurrentUser) => void) {
  const location = useLocation();
  const navigate = useNavigate();
  const token = oneTimeTokenFromHash(location.hash);
  const [state, setState] = useState<'idle' | 'pending' | 'failed'>(token ? 'pending' : 'idle');
  const redeemed = useRef(new Set<string>());
  useEffect(() => {
    if (!token || redeemed.current.has(token)) return;
    redeemed.current.add(token);
    setState('pending');
    navigate({ pathname: location.pathname, search: location.search }, { replace: true });
    apiFetch<{ user: CurrentUser }>('auth/one-time', { method: 'POST', body: { token } })
      .then(({ user }) => onSignedIn(user))
      .catch(() => setState('failed'));
  }, [token, location.pathname, location.search, navigate, onSignedIn]);
  return state;
}

export function LoginPage() {
  const providers = useApiQuery<AuthProviders>('auth/providers');
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = safeNextPath(params.get('next'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();

  const signedIn = useRef((user: CurrentUser) => {
    queryClient.setQueryData([currentUserPath], user);
    // `me` carries permissions that `login` may not: fetch it afresh on the way in.
    void queryClient.invalidateQueries({ queryKey: [currentUserPath] });
    navigate(next, { replace: true });
  }).current;
  const oneTime = useOneTimeLink(signedIn);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      const { user } = await apiFetch<{ user: CurrentUser }>('auth/login', {
        method: 'POST',
        body: { username, password },
      });
      signedIn(user);
    } catch (failure) {
      setError(loginErrorMessage(failure));
      setSubmitting(false);
    }
  };

  // Without a login form the server signs people in by itself (trusted proxy, single-user workbench).
  if (providers.data && (providers.data.mode === 'none' || providers.data.mode === 'proxy')) {
    return <Navigate to={next} replace />;
  }

  const providerButtons = providers.data?.providers.map((provider) => (
    <Button
      key={provider.id}
      variant="secondary"
      isBlock
      component="a"
      href={provider.loginUrl}
      className="platform-provider-button"
    >
      Sign in with {provider.name}
    </Button>
  ));

  return (
    <PatternFlyLoginPage
      loginTitle="Sign in to Platform"
      loginSubtitle="Research and operations workspaces"
      textContent="One sign-in for every application hosted here."
      socialMediaLoginContent={providerButtons?.length ? <Stack hasGutter>{providerButtons}</Stack> : undefined}
      socialMediaLoginAriaLabel="Sign in with an identity provider"
    >
      {oneTime === 'failed' && (
        <Alert
          variant="danger"
          isInline
          title="This sign-in link was already used or has expired"
          className="platform-gap"
        />
      )}
      {oneTime === 'pending' ? (
        <Spinner aria-label="Signing in with the one-time link" />
      ) : providers.isPending ? (
        <Spinner aria-label="Loading sign-in options" />
      ) : providers.error ? (
        <ErrorState error={providers.error} onRetry={() => providers.refetch()} />
      ) : providers.data.local ? (
        <LoginForm
          showHelperText={Boolean(error)}
          helperText={error}
          usernameLabel="Username"
          usernameValue={username}
          onChangeUsername={(_event, value) => setUsername(value)}
          isValidUsername={!error}
          passwordLabel="Password"
          passwordValue={password}
          onChangePassword={(_event, value) => setPassword(value)}
          isValidPassword={!error}
          isShowPasswordEnabled
          loginButtonLabel={submitting ? 'Signing in…' : 'Sign in'}
          isLoginButtonDisabled={submitting || !username || !password}
          onLoginButtonClick={submit}
        />
      ) : null}
    </PatternFlyLoginPage>
  );
}
