import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/core/channel/commands.ts';
import { planPing, quietMark, REPING_QUIET_MS } from '../../src/core/escalation/ping-plan.ts';
import type { EscalationRecord } from '../../src/core/ports/escalation-store.ts';

describe('parseCommand', () => {
  it('reads the commands every channel shares', () => {
    expect(parseCommand('help')).toEqual({ kind: 'help' });
    expect(parseCommand('   ')).toEqual({ kind: 'help' });
    expect(parseCommand('MUTE')).toEqual({ kind: 'mute' });
    expect(parseCommand('unmute')).toEqual({ kind: 'unmute' });
    expect(parseCommand('supervise')).toEqual({ kind: 'supervise', off: false });
    expect(parseCommand('supervise off')).toEqual({ kind: 'supervise', off: true });
    expect(parseCommand('review I understand, let me check.')).toEqual({ kind: 'review', draft: 'I understand, let me check.' });
    expect(parseCommand('review')).toEqual({ kind: 'review', draft: '' });
    expect(parseCommand('coach: you people are useless')).toEqual({ kind: 'coach', text: 'you people are useless' });
    expect(parseCommand('drill start billing')).toEqual({ kind: 'drill', args: 'start billing' });
    expect(parseCommand('new')).toEqual({ kind: 'new', text: '' });
    expect(parseCommand('new case: customer says the parcel is lost')).toEqual({ kind: 'new', text: 'customer says the parcel is lost' });
  });

  it('keeps pasted customer text that merely starts like a command', () => {
    expect(parseCommand('Help me, my account is locked and nobody answers')).toMatchObject({ kind: 'coach' });
    expect(parseCommand('Mute the hold music, it is driving me mad')).toMatchObject({ kind: 'coach' });
    expect(parseCommand('New router still does not work')).toMatchObject({ kind: 'coach' });
    expect(parseCommand('supervise my own account? I want a manager')).toMatchObject({ kind: 'coach' });
    expect(parseCommand('you people are useless')).toEqual({ kind: 'coach', text: 'you people are useless' });
  });
});

describe('planPing', () => {
  const at = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
  const esc = (reason: string, min: number, notified: string[] = [], acknowledgedBy?: string): EscalationRecord => ({
    caseId: 'c1',
    reason,
    createdAt: at(min),
    summary: 's',
    notified,
    ...(acknowledgedBy ? { acknowledgedBy } : {}),
  });
  const ref = 'slack:C1:1.2';

  it('posts once, then updates the same ping for a later reason', () => {
    expect(planPing([], 'slack', new Date(at(0)))).toEqual({ kind: 'none' });
    expect(planPing([esc('threat_legal', 0)], 'slack', new Date(at(0)))).toEqual({ kind: 'post' });
    expect(planPing([esc('threat_legal', 0, [ref])], 'slack', new Date(at(1)))).toEqual({ kind: 'none' });
    const plan = planPing([esc('threat_legal', 0, [ref]), esc('demands_manager', 2)], 'slack', new Date(at(2)));
    expect(plan).toMatchObject({ kind: 'update', ref, announce: false });
    expect(plan.kind === 'update' && plan.fresh.map((e) => e.reason)).toEqual(['demands_manager']);
  });

  it('announces an update only after the quiet period since the last announcement', () => {
    const quietMin = REPING_QUIET_MS / 60_000;
    const later = planPing([esc('threat_legal', 0, [ref]), esc('safety_risk', quietMin + 1)], 'slack', new Date(at(quietMin + 1)));
    expect(later).toMatchObject({ kind: 'update', announce: true });
    // A reason added silently does not restart the quiet period.
    const afterSilent = planPing(
      [esc('threat_legal', 0, [ref]), esc('demands_manager', 2, [ref, quietMark(ref)]), esc('safety_risk', quietMin + 1)],
      'slack',
      new Date(at(quietMin + 1)),
    );
    expect(afterSilent).toMatchObject({ kind: 'update', announce: true });
  });

  it('finds each platform\'s own ping and skips acknowledged reasons', () => {
    expect(planPing([esc('threat_legal', 0, ['teams:conv:act1'])], 'slack', new Date(at(1)))).toEqual({ kind: 'post' });
    expect(planPing([esc('threat_legal', 0, [ref]), esc('demands_manager', 1, [], 'U_SUP')], 'slack', new Date(at(20)))).toEqual({ kind: 'none' });
  });
});
