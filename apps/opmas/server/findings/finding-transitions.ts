import type { FindingStatus } from './finding.tables.ts';

/** spec 02-opmas "Finding states"; `closed` is final. */
const ALLOWED: Record<FindingStatus, readonly FindingStatus[]> = {
  new: ['investigating', 'resolved', 'false_positive'],
  investigating: ['resolved', 'false_positive', 'new'],
  resolved: ['closed', 'new'],
  false_positive: ['closed', 'new'],
  closed: [],
};

/** Whether a finding may move from one status to another. */
export const canTransition = (from: FindingStatus, to: FindingStatus): boolean => ALLOWED[from].includes(to);

/** `new` and `investigating` are open: new fires merge into them. */
export const isOpen = (status: FindingStatus): boolean => status === 'new' || status === 'investigating';
