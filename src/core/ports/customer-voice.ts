/**
 * The drill customer's voice: given what the mood and stage machine decided and the scripted
 * line it picked, a model may say the same thing in character, fitted to the agent's last
 * reply. Optional: without one (or when it fails, or its line fails the checks) the scripted
 * line is said as written.
 */
import type { VoiceRequest } from '../drill/voice.ts';

export interface CustomerVoice {
  /** The line to say, or undefined when the model could not give one in time. Never throws. */
  speak(request: VoiceRequest): Promise<string | undefined>;
}
