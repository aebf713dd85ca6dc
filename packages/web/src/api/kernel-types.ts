// Shapes of the kernel's HTTP API as the portal reads them (platform spec, "Kernel routes").

export type AuthMode = 'local' | 'oidc' | 'proxy' | 'none';

export interface AuthProviders {
  mode: AuthMode;
  local: boolean;
  providers: { id: string; name: string; loginUrl: string }[];
}

export interface CurrentUser {
  id: string;
  username: string;
  email: string | null;
  displayName: string | null;
  roles: string[];
  permissions: string[];
  isAdmin: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string | null;
}

export interface HostedApp {
  id: string;
  title: string;
  description: string;
  basePath: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

export interface TokenScope {
  scope: string;
  description: string;
}

export interface PlatformUser {
  id: string;
  username: string;
  email: string | null;
  displayName: string | null;
  roles: string[];
  active: boolean;
  createdAt: string;
  lastLoginAt: string | null;
}

export interface Role {
  name: string;
  description: string;
  permissions: string[];
  builtIn: boolean;
}

export interface PermissionInfo {
  permission: string;
  app: string;
  description: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  ip: string | null;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'dead';

export interface JobProgressRecord {
  current: number;
  total: number;
  message?: string | null;
}

export interface Job {
  id: string;
  queue: string;
  name: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  progress: JobProgressRecord | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  ownerId: string | null;
}
