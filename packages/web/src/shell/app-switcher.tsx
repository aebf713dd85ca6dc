import { Dropdown, DropdownItem, DropdownList, MenuToggle, Spinner } from '@patternfly/react-core';
import { ThIcon } from '@patternfly/react-icons';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { useHostedApps } from './current-user.ts';

/** Switches between the apps this process hosts; each app lives under `/<id>/`. */
export function AppSwitcher() {
  const [isOpen, setOpen] = useState(false);
  const apps = useHostedApps();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const currentId = pathname.split('/').filter(Boolean)[0];
  const current = apps.data?.items.find((app) => app.id === currentId);

  return (
    <Dropdown
      isOpen={isOpen}
      onOpenChange={setOpen}
      onSelect={(_event, id) => {
        setOpen(false);
        if (typeof id === 'string') navigate(`/${id}/`);
      }}
      popperProps={{ position: 'right' }}
      toggle={(ref) => (
        <MenuToggle
          ref={ref}
          variant="plain"
          icon={<ThIcon />}
          isExpanded={isOpen}
          onClick={() => setOpen(!isOpen)}
          aria-label="Switch application"
        >
          {current?.title ?? 'Apps'}
        </MenuToggle>
      )}
    >
      <DropdownList>
        {apps.isPending && (
          <DropdownItem key="loading" isDisabled>
            <Spinner size="sm" aria-label="Loading applications" />
          </DropdownItem>
        )}
        {apps.error && (
          <DropdownItem key="error" isDisabled description={apps.error.message}>
            Applications could not be loaded
          </DropdownItem>
        )}
        {apps.data?.items.length === 0 && (
          <DropdownItem key="empty" isDisabled>
            No applications are hosted here
          </DropdownItem>
        )}
        {apps.data?.items.map((app) => (
          <DropdownItem key={app.id} value={app.id} description={app.description} isSelected={app.id === currentId}>
            {app.title}
          </DropdownItem>
        ))}
      </DropdownList>
    </Dropdown>
  );
}
