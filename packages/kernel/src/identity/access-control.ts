import { forbidden, notFound, unauthorized } from '../http/errors.ts';
import { hasPermission, type Principal } from './principal.ts';

/** A resource as policies see it: who owns it (absent for shared resources). */
export interface OwnedResource {
  ownerId?: string | null;
}

/**
 * A declarative policy for one permission: may a principal act on this resource?
 * `owner` (the default for owned resources): only the owner, or a holder of the override permission.
 * `any`: every holder of the permission (shared resources such as rule packs).
 */
export interface PolicyRule {
  scope: 'owner' | 'any';
  /** A permission that lets its holder act on every owner's resources (operators, admins). */
  override?: string;
}

export type PolicyTable = Record<string, PolicyRule>;

/** One place where every request's access decision is made. */
export class AccessControl {
  readonly #policies = new Map<string, PolicyRule>();

  register(table: PolicyTable): void {
    for (const [permission, rule] of Object.entries(table)) this.#policies.set(permission, rule);
  }

  /**
   * Throws 401 without a principal, 403 without the permission, and 404 (not 403) for another owner's resource, so
   * that ids of other users' resources cannot be probed.
   */
  authorize(principal: Principal | undefined, permission: string, resource?: OwnedResource): Principal {
    if (!principal) throw unauthorized();
    if (!hasPermission(principal, permission)) throw forbidden(`missing permission ${permission}`);
    if (!resource || resource.ownerId === undefined || resource.ownerId === null) return principal;
    const rule = this.#policies.get(permission) ?? { scope: 'owner' };
    if (rule.scope === 'any' || resource.ownerId === principal.userId) return principal;
    if (rule.override && hasPermission(principal, rule.override)) return principal;
    if (hasPermission(principal, 'platform:admin:manage') && principal.scopes === undefined) return principal;
    throw notFound();
  }
}
