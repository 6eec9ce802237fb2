import { memoryStore } from '../../src/storage/memory/memory-store.ts';
import type { Store } from '../../src/core/ports/store.ts';
import { storeContract } from './contract.ts';

let last: Store | undefined;
storeContract('memory', {
  async open() {
    last = memoryStore();
    return last;
  },
  // One process: the "second instance" is the same memory, as two requests would see it.
  async second() {
    return { ...last!, async close() {} };
  },
});
