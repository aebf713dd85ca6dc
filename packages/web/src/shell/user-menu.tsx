import { Divider, Dropdown, DropdownItem, DropdownList, MenuToggle } from '@patternfly/react-core';
import { UserIcon } from '@patternfly/react-icons';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { apiFetch } from '../api/api-fetch.ts';
import type { CurrentUser } from '../api/kernel-types.ts';
import { userLabel } from './current-user.ts';

export function UserMenu({ user }: { user: CurrentUser }) {
  const [isOpen, setOpen] = useState(false);
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  const signOut = async () => {
    try {
      await apiFetch('auth/logout', { method: 'POST' });
    } finally {
      // Whatever the answer, nothing cached for this user may outlive the session.
      queryClient.clear();
      navigate('/login', { replace: true });
    }
  };

  return (
    <Dropdown
      isOpen={isOpen}
      onOpenChange={setOpen}
      onSelect={() => setOpen(false)}
      popperProps={{ position: 'right' }}
      toggle={(ref) => (
        <MenuToggle ref={ref} variant="plain" icon={<UserIcon />} isExpanded={isOpen} onClick={() => setOpen(!isOpen)}>
          {userLabel(user)}
        </MenuToggle>
      )}
    >
      <DropdownList>
        <DropdownItem key="who" isDisabled description={user.email ?? undefined}>
          Signed in as {user.username}
        </DropdownItem>
        <Divider component="li" key="divider" />
        <DropdownItem key="tokens" onClick={() => navigate('/tokens')}>
          API tokens
        </DropdownItem>
        <DropdownItem key="sign-out" onClick={signOut}>
          Sign out
        </DropdownItem>
      </DropdownList>
    </Dropdown>
  );
}
