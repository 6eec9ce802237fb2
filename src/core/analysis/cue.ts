/** A piece of the customer's own text that drove a reading: the reason, shown to the agent. */
export type CueSignal = 'emotion' | 'flag' | 'stage' | 'intensity';

export interface Cue {
  /** The customer's exact words. */
  text: string;
  /** Index of the turn in the case. */
  turn: number;
  start: number;
  end: number;
  signal: CueSignal;
  label: string;
  weight: number;
}
