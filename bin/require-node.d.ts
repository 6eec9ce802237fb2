// Types for require-node.js, which stays plain JavaScript so that an old Node can run it.
export declare function nodeProblem(version: string): string | null;
export declare function requireNode(): void;
