// Paths of the OPMAS API as the portal reaches it: the kernel mounts the app under `/opmas` (spec 02-opmas "API").

/** The app's API root, relative to the portal base path. */
export const opmasApi = 'opmas/api/v1';

export const findingsPath = `${opmasApi}/findings`;
/** The SSE stream of finding changes (relative to the base path, as `useEventSource` wants it). */
export const findingStreamPath = `${opmasApi}/findings/stream`;
export const rulesPath = `${opmasApi}/rules`;
export const ruleTestPath = `${opmasApi}/rules/test`;
export const devicesPath = `${opmasApi}/devices`;
export const actionsPath = `${opmasApi}/actions`;
export const intendedActionsPath = `${opmasApi}/intended-actions`;

/** One finding (detail and status change). */
export const findingPath = (id: string): string => `${findingsPath}/${encodeURIComponent(id)}`;

/** Enable or disable one rule. */
export const ruleStatusPath = (ruleId: string): string => `${rulesPath}/${encodeURIComponent(ruleId)}/status`;

/** One device (detail and settings). */
export const devicePath = (id: string): string => `${devicesPath}/${encodeURIComponent(id)}`;

/** One action (approve or reject). */
export const actionPath = (id: string): string => `${actionsPath}/${encodeURIComponent(id)}`;
