/** The channel-neutral case the coach reads: turns by role, oldest first. */
import type { Step } from './taxonomy.ts';

export type Role = 'customer' | 'agent' | 'note';

export interface Turn {
  role: Role;
  text: string;
  /** The agent's third-person report of the customer ("caller is yelling that…"). */
  reported?: boolean;
  /** Steps an agent or a note says were already taken ("I offered a voucher"). */
  actions?: Step[];
  /** On a note: what the agent reports that the text does not show ("the customer calmed down"). */
  signal?: 'calmed';
}
