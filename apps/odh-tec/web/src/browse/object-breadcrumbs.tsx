import { Breadcrumb, BreadcrumbItem } from '@patternfly/react-core';
import { useRouterLink } from '@platform/web/shell/router-link.ts';
import { type BrowseAddress, browsePath } from './browse-address.ts';

function Crumb({ label, to, isActive }: { label: string; to: string; isActive: boolean }) {
  const link = useRouterLink(to);
  return isActive ? (
    <BreadcrumbItem isActive>{label}</BreadcrumbItem>
  ) : (
    <BreadcrumbItem to={link.href} onClick={link.onClick}>
      {label}
    </BreadcrumbItem>
  );
}

/** Bucket › folder › subfolder, each a link up the tree. */
export function ObjectBreadcrumbs({ address }: { address: BrowseAddress }) {
  if (!address.bucket) return null;
  const folders = address.prefix.split('/').filter(Boolean);
  const crumbs = [
    { label: address.bucket, prefix: '' },
    ...folders.map((folder, index) => ({ label: folder, prefix: `${folders.slice(0, index + 1).join('/')}/` })),
  ];
  return (
    <Breadcrumb aria-label="Folder path">
      {crumbs.map((crumb, index) => (
        <Crumb
          key={crumb.prefix}
          label={crumb.label}
          to={browsePath({ ...address, prefix: crumb.prefix })}
          isActive={index === crumbs.length - 1}
        />
      ))}
    </Breadcrumb>
  );
}
